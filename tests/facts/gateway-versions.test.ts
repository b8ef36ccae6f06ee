import * as assert from "node:assert/strict";
import { ENVOY_GATEWAY, GATEWAY_API } from "../../facts/gateway-versions";
import { CALENDARS, CONTROLLER_SUPPORT } from "../../facts/versions";

describe("gateway versions", () => {
    it("chart, controller image and calendar range all name the one pinned Envoy Gateway release", () => {
        assert.equal(ENVOY_GATEWAY.chartVersion, ENVOY_GATEWAY.version);
        assert.equal(ENVOY_GATEWAY.controllerImage, `docker.io/envoyproxy/gateway:${ENVOY_GATEWAY.version}`);
        assert.deepEqual({ min: CONTROLLER_SUPPORT.gateway.min, max: CONTROLLER_SUPPORT.gateway.max }, ENVOY_GATEWAY.kubernetesMinors);
    });

    it("pins the standard channel of the Gateway API version the chart bundles, whose own CRDs are experimental", () => {
        assert.equal(GATEWAY_API.channel, "standard");
        assert.equal(GATEWAY_API.version, ENVOY_GATEWAY.chartBundlesGatewayApiCrds.bundleVersion);
        assert.equal(ENVOY_GATEWAY.chartBundlesGatewayApiCrds.channel, "experimental");
        assert.ok(GATEWAY_API.standardInstallUrl.includes(`/${GATEWAY_API.version}/standard-install.yaml`));
        for (const crd of ["gatewayclasses", "gateways", "httproutes", "referencegrants"]) {
            assert.ok(GATEWAY_API.standardCrds.includes(`${crd}.gateway.networking.k8s.io` as (typeof GATEWAY_API.standardCrds)[number]), crd);
        }
    });

    it("the pinned line is still maintained on the day the calendars were checked", () => {
        for (const calendar of Object.values(CALENDARS)) assert.ok(ENVOY_GATEWAY.endOfLife > calendar.checkedOn);
    });
});
