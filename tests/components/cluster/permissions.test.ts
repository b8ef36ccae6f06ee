import * as assert from "node:assert/strict";
import { type CallPermission, coveringCall, kubernetesResourceOf, renderCloudPermissions } from "../../../components/cluster/permissions";

const calls: CallPermission[] = [
    { call: "aws:ec2/getEips:getEips", permissions: ["ec2:DescribeAddresses"], why: "addresses", when: "preview" },
    { call: "GET /subscriptions/{subscription}/providers/Microsoft.Compute/locations/{location}/usages", permissions: ["Microsoft.Compute/locations/usages/read"], why: "usages", when: "preview" },
];

describe("permission lists", () => {
    it("cover an invoke by its token", () => {
        assert.equal(coveringCall(calls, "aws:ec2/getEips:getEips")?.why, "addresses");
        assert.equal(coveringCall(calls, "aws:ec2/getEips:getEipz"), undefined);
    });

    it("cover an ARM read by its path template, whatever the ids and the query", () => {
        assert.equal(coveringCall(calls, "/subscriptions/1111/providers/Microsoft.Compute/locations/westeurope/usages?api-version=2024-07-01")?.why, "usages");
        assert.equal(coveringCall(calls, "/subscriptions/1111/providers/Microsoft.Compute/locations/westeurope/usages/extra"), undefined);
        assert.equal(coveringCall(calls, "/subscriptions/1111/providers/Microsoft.Compute/skus"), undefined);
    });

    it("name the Kubernetes resource a read needs", () => {
        assert.equal(kubernetesResourceOf("kubernetes:core/v1:Service"), "services");
        assert.equal(kubernetesResourceOf("kubernetes:core/v1:Namespace"), "namespaces");
    });

    it("render a call with no permission as the caller's own credential, and say when it is made", () => {
        const text = renderCloudPermissions({
            cloud: "gcp",
            previewGrant: "p",
            deployGrant: "d",
            calls: [{ call: "gcp:organizations/getClientConfig:getClientConfig", permissions: [], why: "token", when: "deploy" }],
            engineCalls: [],
            kubernetes: { preview: [], deploy: [] },
        });
        assert.match(text, /\| `gcp:organizations\/getClientConfig:getClientConfig` \| none \(the caller's own credential\) \| token \| up only \|/);
    });
});
