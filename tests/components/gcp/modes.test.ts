import * as assert from "node:assert/strict";
import { CLUSTER_AUTOSCALER_DISRUPTION, CLUSTER_AUTOSCALER_NODES } from "../../../components/cluster/contract";
import { gkeObservabilityArgs } from "../../../components/gcp/cluster";
import { AUTOPILOT } from "../../../components/gcp/nodes/auto";
import * as gcp from "../../../components/gcp/target";
import { runProgram, valueOf } from "../../harness/mocks";
import { PROJECT_ID, REGION, gcpConfig, mockGcp } from "./helpers";

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";

describe("GKE node modes and observability", () => {
    beforeEach(() => mockGcp());

    describe("nodeMode auto: GKE Autopilot", () => {
        it("creates an Autopilot cluster with no node pool and none of the Standard-only arguments", async () => {
            const { resources, result: target } = await runProgram(() => gcp.target("gke", gcpConfig({ "platform:nodeMode": "auto" })));
            const c = resources.one(CLUSTER).inputs;
            assert.equal(c.enableAutopilot, true);
            assert.equal(resources.ofType(NODE_POOL).length, 0);
            for (const key of ["removeDefaultNodePool", "initialNodeCount", "nodeConfig", "addonsConfig", "enableShieldedNodes", "datapathProvider", "workloadIdentityConfig"]) {
                assert.equal(c[key], undefined, `${key} must not be sent with Autopilot`);
            }
            // GKE's nodes run as the least-privilege node service account, which the webhook rule targets.
            assert.deepEqual(c.clusterAutoscaling, {
                autoProvisioningDefaults: {
                    serviceAccount: `gke-test-nodes@${PROJECT_ID}.iam.gserviceaccount.com`,
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                },
            });
            assert.deepEqual(target.nodes, { disruption: CLUSTER_AUTOSCALER_DISRUPTION });
            const deps = await Promise.all(target.dependsOn.map((d) => valueOf(d.urn)));
            assert.ok(deps.includes(resources.one(CLUSTER).urn), "workloads wait for the cluster itself");
        });

        it("keeps private nodes, authorized networks, the release channel and the minor hold", async () => {
            const config = gcpConfig({ "platform:nodeMode": "auto", "platform:apiAllowedCidrs": '["203.0.113.0/24"]' });
            const c = (await runProgram(() => gcp.target("gke", config))).resources.one(CLUSTER).inputs;
            assert.deepEqual((c.privateClusterConfig as Record<string, unknown>).enablePrivateNodes, true);
            assert.ok(c.masterAuthorizedNetworksConfig);
            assert.deepEqual(c.releaseChannel, { channel: "REGULAR" });
            assert.ok(c.maintenancePolicy);
        });

        it("refuses node-pool keys with auto, naming them, before anything is created", () => {
            assert.throws(() => gcpConfig({ "platform:nodeMode": "auto", "platform:nodeSize": "e2-standard-8" }), /platform:nodeSize: applies only when platform:nodeMode is managed/);
        });

        it("managed stays Standard with its pool and the cluster autoscaler facts", async () => {
            const { resources, result: target } = await runProgram(() => gcp.target("gke", gcpConfig()));
            assert.equal(resources.one(CLUSTER).inputs.enableAutopilot, undefined);
            assert.equal(resources.ofType(NODE_POOL).length, 1);
            assert.deepEqual(target.nodes, CLUSTER_AUTOSCALER_NODES);
        });
    });

    describe("observability", () => {
        it("native: system and workload logs, managed Prometheus, and where to look", async () => {
            const { resources, result: target } = await runProgram(() => gcp.target("gke", gcpConfig()));
            const c = resources.one(CLUSTER).inputs;
            assert.deepEqual(c.loggingConfig, { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] });
            assert.deepEqual(c.monitoringConfig, { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: true } });
            assert.ok(target.observability);
            const where = (await valueOf(target.observability)) as Record<string, string>;
            assert.match(where.logs, /^https:\/\/console\.cloud\.google\.com\/logs\/query;query=.*gke-cluster-1a2b3c.*\?project=acme-prod$/);
            assert.match(decodeURIComponent(where.logs), new RegExp(`resource.labels.location="${REGION}"`));
            assert.equal(where.metrics, `https://console.cloud.google.com/monitoring/prometheus?project=${PROJECT_ID}`);
        });

        it("none on Standard: no log or metric components, no managed Prometheus, observability output none", async () => {
            const { resources, result: target } = await runProgram(() => gcp.target("gke", gcpConfig({ "platform:observability": "none" })));
            const c = resources.one(CLUSTER).inputs;
            assert.deepEqual(c.loggingConfig, { enableComponents: [] });
            assert.deepEqual(c.monitoringConfig, { enableComponents: [], managedPrometheus: { enabled: false } });
            assert.equal(target.observability, undefined);
        });

        it("none on Autopilot keeps the system components Autopilot cannot turn off", () => {
            assert.deepEqual(gkeObservabilityArgs("none", AUTOPILOT.alwaysOnComponents), {
                loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS"] },
                monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: false } },
            });
        });
    });
});
