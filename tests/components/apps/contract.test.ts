import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    checkContractVersion,
    disruptionData,
    disruptionFromData,
    dnsData,
    dnsFromData,
    PLATFORM_CONTRACT_VERSION,
    PlatformContractError,
    readPlatformContract,
    type PlatformContract,
} from "../../../components/apps/contract";
import { appPlatformData, routeDependencies } from "../../../components/apps/platform-data";
import { CLUSTER_AUTOSCALER_DISRUPTION, KARPENTER_DISRUPTION, KUBE_DNS, type DisruptionFacts } from "../../../components/cluster/contract";
import { AUTO_MODE_DNS } from "../../../components/aws/facts";
import { GKE_DNS } from "../../../components/gcp/facts";
import { gatewayEntryPoint } from "../../../components/entry-points/envoy-gateway";
import { ingressNginxEntryPoint } from "../../../components/entry-points/ingress-nginx";
import { storageClassNames } from "../../../components/platform/storage";
import { contract } from "./fixtures";

describe("the platform contract's data", () => {
    it("carries the node autoscaler's annotations as data that rebuild the same annotations", () => {
        for (const facts of [CLUSTER_AUTOSCALER_DISRUPTION, KARPENTER_DISRUPTION]) {
            const rebuilt = disruptionFromData(JSON.parse(JSON.stringify(disruptionData(facts))));
            for (const names of [[], ["tmp"], ["tmp", "cache", "b"]]) assert.deepEqual(rebuilt.scratchVolumesEvictable(names), facts.scratchVolumesEvictable(names), JSON.stringify(names));
            assert.deepEqual(rebuilt.neverDisrupt, facts.neverDisrupt);
        }
        assert.deepEqual(disruptionData(CLUSTER_AUTOSCALER_DISRUPTION), {
            scratchVolumesKey: "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes",
            neverDisrupt: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
        });
    });

    it("refuses disruption facts that data cannot carry", () => {
        const odd: DisruptionFacts = { scratchVolumesEvictable: (n) => ({ a: n.join(";"), b: "x" }), neverDisrupt: {} };
        assert.throws(() => disruptionData(odd), PlatformContractError);
    });

    it("carries every target's DNS peers (ipBlocks included, or any) through JSON unchanged", () => {
        for (const facts of [KUBE_DNS, GKE_DNS, AUTO_MODE_DNS]) assert.deepEqual(dnsFromData(JSON.parse(JSON.stringify(dnsData(facts)))), { peers: facts.peers === "any" ? "any" : [...facts.peers] });
        assert.throws(() => dnsData({ peers: [{ podSelector: { matchLabels: pulumi.output({ a: "b" }) } }] }), PlatformContractError);
    });

    it("names each role's class, none where the target offers no shared class", () => {
        const block = { provisioner: "p", parameters: {}, reclaimPolicy: "Delete" as const, allowVolumeExpansion: true, volumeBindingMode: "WaitForFirstConsumer" as const, accessModes: ["ReadWriteOnce" as const] };
        assert.deepEqual(storageClassNames({ classes: { general: block, retain: block, shared: undefined }, builtInClasses: [], makeDefault: true }), {
            general: "platform-standard",
            retain: "platform-retain",
            shared: "none",
        });
    });

    it("is built from the live entry points as the same data an app stack reads, and round-trips through JSON", async () => {
        const nginx = ingressNginxEntryPoint({ className: "nginx", namespace: "ingress-nginx", podLabels: { a: "b" }, endpoint: pulumi.output("lb"), address: pulumi.output([]) });
        const gateway = gatewayEntryPoint({ name: "platform", namespace: "envoy-gateway-system", dependsOn: [], https: false, endpoint: pulumi.output("gw"), address: pulumi.output([]) });
        const data = appPlatformData({
            entryPoints: [nginx, gateway],
            tls: { clusterIssuer: "selfsigned", enabled: false, acmeHttp01: false },
            storage: { classes: { general: undefined as never, retain: undefined as never, shared: undefined }, builtInClasses: [], makeDefault: false },
            nodes: { disruption: KARPENTER_DISRUPTION },
            dns: KUBE_DNS,
        });
        assert.deepEqual(data.entryPoints.map((e) => e.kind), ["ingress", "gateway"]);
        assert.deepEqual(data.entryPoints[1].kind === "gateway" && data.entryPoints[1].listeners, { http: "http" });
        assert.deepEqual(data.nodes, { disruption: { neverDisrupt: { "karpenter.sh/do-not-disrupt": "true" } } });
        assert.deepEqual(Object.keys(routeDependencies([nginx, gateway])), ["ingress", "gateway"]);
        const whole: PlatformContract = contract();
        assert.deepEqual(JSON.parse(JSON.stringify(whole)), whole);
    });

    it("refuses a contract of another version, naming both", () => {
        assert.throws(() => readPlatformContract(undefined), /platformContract is undefined, not an object/);
        assert.throws(() => readPlatformContract({ version: 0 }), /version 0/);
        assert.doesNotThrow(() => checkContractVersion({ version: PLATFORM_CONTRACT_VERSION }));
        assert.throws(() => checkContractVersion({ version: 2 }), /version 2; this program reads version 1/);
        assert.throws(() => checkContractVersion({}), /version undefined/);
    });
});
