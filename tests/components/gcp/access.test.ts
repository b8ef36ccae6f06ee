import * as assert from "node:assert/strict";
import { GKE_ACCESS_BINDINGS, gkeRbacSubject } from "../../../components/gcp/access";
import { gkeMasterAuthorizedNetworks } from "../../../components/gcp/cluster";
import * as gcp from "../../../components/gcp/target";
import { runProgram, valueOf } from "../../harness/mocks";
import { INGRESS_IP, PROJECT_ID, REGION, gcpConfig, mockGcp } from "./helpers";

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const ADDRESS = "gcp:compute/address:Address";

describe("GKE access and day two", () => {
    beforeEach(() => mockGcp());

    describe("deletion protection", () => {
        it("is also Pulumi protect on the cluster, so destroy refuses before any workload or node goes", async () => {
            const { resources } = await runProgram(() => gcp.target("gke", gcpConfig()));
            assert.equal(resources.one(CLUSTER).protect, true);
            assert.equal(resources.one(CLUSTER).inputs.deletionProtection, true);
        });

        it("never protects the node pool, which a node-size change replaces", async () => {
            const { resources } = await runProgram(() => gcp.target("gke", gcpConfig()));
            assert.equal(resources.one(NODE_POOL).protect, false);
        });

        it("lifts both when platform:deletionProtection is false", async () => {
            const { resources } = await runProgram(() => gcp.target("gke", gcpConfig({ "platform:deletionProtection": "false" })));
            assert.equal(resources.one(CLUSTER).protect, false);
            assert.equal(resources.one(CLUSTER).inputs.deletionProtection, false);
        });
    });

    describe("who can reach the control plane", () => {
        it("leaves the endpoint open when platform:apiAllowedCidrs is unset (config warns)", async () => {
            const config = gcpConfig();
            assert.ok(config.warnings.some((w) => w.startsWith("platform:apiAllowedCidrs is unset")));
            const { resources } = await runProgram(() => gcp.target("gke", config));
            assert.equal(resources.one(CLUSTER).inputs.masterAuthorizedNetworksConfig, undefined);
        });

        it("admits only the listed CIDRs, and not every Google Cloud public address", async () => {
            const config = gcpConfig({ "platform:apiAllowedCidrs": '["203.0.113.0/24","198.51.100.7/32"]' });
            const { resources } = await runProgram(() => gcp.target("gke", config));
            assert.deepEqual(resources.one(CLUSTER).inputs.masterAuthorizedNetworksConfig, {
                cidrBlocks: [
                    { cidrBlock: "203.0.113.0/24", displayName: "platform-apiAllowedCidrs-0" },
                    { cidrBlock: "198.51.100.7/32", displayName: "platform-apiAllowedCidrs-1" },
                ],
                gcpPublicCidrsAccessEnabled: false,
            });
            assert.equal(gkeMasterAuthorizedNetworks(undefined), undefined);
        });
    });

    describe("cluster admins and readers", () => {
        it("maps Google members to RBAC subjects (service accounts are users named by email)", () => {
            assert.deepEqual(gkeRbacSubject("user:ana@example.com"), { kind: "User", name: "ana@example.com", apiGroup: "rbac.authorization.k8s.io" });
            assert.deepEqual(gkeRbacSubject("group:ops@example.com"), { kind: "Group", name: "ops@example.com", apiGroup: "rbac.authorization.k8s.io" });
            assert.deepEqual(gkeRbacSubject("serviceAccount:ci@p.iam.gserviceaccount.com"), {
                kind: "User",
                name: "ci@p.iam.gserviceaccount.com",
                apiGroup: "rbac.authorization.k8s.io",
            });
            assert.throws(() => gkeRbacSubject("domain:example.com"), /not a Google member/);
        });

        it("binds clusterAdmins to cluster-admin and clusterReaders to view, through the cluster's provider, and no project IAM", async () => {
            const config = gcpConfig({
                "platform:clusterAdmins": '["user:ana@example.com","group:ops@example.com"]',
                "platform:clusterReaders": '["serviceAccount:preview@acme-prod.iam.gserviceaccount.com"]',
                "platform:gkeSecurityGroup": "gke-security-groups@example.com",
            });
            const { resources } = await runProgram(() => gcp.target("gke", config));
            const provider = resources.one("pulumi:providers:kubernetes");
            const bindings = resources.ofType(CRB);
            assert.equal(bindings.length, 2);
            const byName = new Map(bindings.map((b) => [(b.inputs.metadata as { name: string }).name, b]));
            const admins = byName.get(GKE_ACCESS_BINDINGS.admins.name);
            const readers = byName.get(GKE_ACCESS_BINDINGS.readers.name);
            assert.ok(admins && readers);
            assert.deepEqual(admins.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" });
            assert.deepEqual(admins.inputs.subjects, [
                { kind: "User", name: "ana@example.com", apiGroup: "rbac.authorization.k8s.io" },
                { kind: "Group", name: "ops@example.com", apiGroup: "rbac.authorization.k8s.io" },
            ]);
            assert.deepEqual(readers.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" });
            assert.deepEqual(readers.inputs.subjects, [{ kind: "User", name: "preview@acme-prod.iam.gserviceaccount.com", apiGroup: "rbac.authorization.k8s.io" }]);
            for (const b of bindings) assert.equal(b.provider, `${provider.urn}::${provider.name}-id`);
            // Cluster-scoped only: the node service account's role is the only project IAM.
            assert.deepEqual(resources.ofType("gcp:projects/iAMMember:IAMMember").map((m) => m.inputs.member), ["serviceAccount:gke-test-nodes@acme-prod.iam.gserviceaccount.com"]);
        });

        it("creates no binding when nobody is listed", async () => {
            const { resources } = await runProgram(() => gcp.target("gke", gcpConfig()));
            assert.equal(resources.ofType(CRB).length, 0);
        });
    });

    describe("a stable ingress address", () => {
        it("reserves a regional external address, protected like data, and hands it to the load balancer", async () => {
            const { resources, result: target } = await runProgram(() => gcp.target("gke", gcpConfig()));
            const address = resources.one(ADDRESS);
            assert.equal(address.inputs.addressType, "EXTERNAL");
            assert.equal(address.inputs.region, REGION);
            assert.equal(address.inputs.project, PROJECT_ID);
            assert.equal(address.inputs.networkTier, "PREMIUM");
            assert.equal(address.protect, true);
            assert.ok(target.loadBalancer.address);
            assert.equal(await valueOf(target.loadBalancer.address.loadBalancerIP), INGRESS_IP);
            assert.deepEqual(await valueOf(target.loadBalancer.address.addresses), [INGRESS_IP]);
            // Same tier as the address, whatever the project's default tier.
            assert.deepEqual(target.loadBalancer.annotations, { "cloud.google.com/l4-rbs": "enabled", "cloud.google.com/network-tier": "Premium" });
        });

        it("lifts the address's protection with platform:protectData false", async () => {
            const { resources } = await runProgram(() => gcp.target("gke", gcpConfig({ "platform:protectData": "false" })));
            assert.equal(resources.one(ADDRESS).protect, false);
        });
    });
});
