import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    GKE_REQUIRED_APIS,
    GkeCluster,
    MINOR_VERSION_HOLD_START,
    NODE_SERVICE_ACCOUNT_ROLES,
    gkeMaintenancePolicy,
    nodeServiceAccountId,
    roleSuffix,
    validateGkeClusterArgs,
    type GkeClusterArgs,
} from "../../../components/gcp/cluster";
import { CLUSTER_AUTOSCALER_NODES } from "../../../components/cluster/contract";
import { gcpStorageFacts, GKE_DNS } from "../../../components/gcp/facts";
import { DEFAULT_ADDRESS_PLAN } from "../../../components/gcp/network";
import { initialNodesPerZone, REGIONAL_ZONE_COUNT } from "../../../components/gcp/nodes/managed";
import * as gcp from "../../../components/gcp/target";
import { GKE_DEFAULT_ZONES } from "../../../config/keys";
import { runProgram, valueOf, type RecordedResource, type ResourceSet } from "../../harness/mocks";
import { CA, ENDPOINT, PROJECT_ID, REGION, gcpConfig, mockGcp } from "./helpers";

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";

function args(overrides: Partial<GkeClusterArgs> = {}): GkeClusterArgs {
    return {
        project: PROJECT_ID,
        region: REGION,
        kubernetesVersion: "1.35",
        releaseChannel: "REGULAR",
        deletionProtection: true,
        nodeSize: "e2-standard-4",
        minNodes: 2,
        maxNodes: 5,
        ...overrides,
    };
}

/**
 * Registers the mocks itself as well: the suite's `before` hook runs ahead of the root hook's
 * per-test reset and of any `beforeEach`, so it has no mocks otherwise.
 */
async function deployCluster(
    overrides: Partial<GkeClusterArgs> = {},
    opts: pulumi.ComponentResourceOptions = {},
): Promise<{ result: GkeCluster; resources: ResourceSet }> {
    mockGcp();
    return runProgram(() => new GkeCluster("gke", args(overrides), opts));
}

/** Resource options of the component's children, as a transformation sees them (ignoreChanges is not recorded). */
async function childOptions(): Promise<Map<string, pulumi.CustomResourceOptions>> {
    const seen = new Map<string, pulumi.CustomResourceOptions>();
    await deployCluster({}, {
        transformations: [
            ({ type, opts }) => {
                seen.set(type, opts);
                return undefined;
            },
        ],
    });
    return seen;
}

function obj(v: unknown): Record<string, unknown> {
    assert.ok(typeof v === "object" && v !== null, `expected an object, got ${JSON.stringify(v)}`);
    return v as Record<string, unknown>;
}

describe("GkeCluster", () => {
    // The root hook forgets all mocks before each test: programs run inside tests need them again.
    beforeEach(() => mockGcp());

    let resources: ResourceSet;
    let cluster: RecordedResource;
    let pool: RecordedResource;
    let gke: GkeCluster;

    before(async () => {
        ({ result: gke, resources } = await deployCluster());
        cluster = resources.one(CLUSTER);
        pool = resources.one(NODE_POOL);
    });

    describe("cluster", () => {
        it("is regional in the configured region and project", () => {
            assert.equal(cluster.inputs.location, REGION);
            assert.equal(cluster.inputs.project, PROJECT_ID);
        });

        it("removes the default node pool, created with a single node", () => {
            assert.equal(cluster.inputs.removeDefaultNodePool, true);
            assert.equal(cluster.inputs.initialNodeCount, 1);
        });

        it("follows the REGULAR channel by default, with the configured minimum version", async () => {
            const defaults = gcpConfig();
            assert.equal(defaults.gcp.releaseChannel, "REGULAR");
            const { resources: r } = await runProgram(() => gcp.target("gke", defaults));
            const c = r.one(CLUSTER);
            assert.deepEqual(c.inputs.releaseChannel, { channel: "REGULAR" });
            assert.equal(c.inputs.minMasterVersion, "1.35");
        });

        it("uses the configured release channel and Kubernetes version", async () => {
            const config = gcpConfig({ "platform:releaseChannel": "STABLE", "platform:kubernetesVersion": "1.36" });
            const { resources: r } = await runProgram(() => gcp.target("gke", config));
            const c = r.one(CLUSTER);
            assert.deepEqual(c.inputs.releaseChannel, { channel: "STABLE" });
            assert.equal(c.inputs.minMasterVersion, "1.36");
        });

        it("enables Workload Identity with the project's pool", () => {
            assert.deepEqual(cluster.inputs.workloadIdentityConfig, { workloadPool: "acme-prod.svc.id.goog" });
        });

        it("uses Dataplane V2 so NetworkPolicies are enforced, without the Calico block", () => {
            assert.equal(cluster.inputs.datapathProvider, "ADVANCED_DATAPATH");
            assert.equal(cluster.inputs.networkPolicy, undefined);
        });

        it("sends system and workload logs, system metrics and managed Prometheus", () => {
            assert.deepEqual(cluster.inputs.loggingConfig, { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] });
            assert.deepEqual(cluster.inputs.monitoringConfig, {
                enableComponents: ["SYSTEM_COMPONENTS"],
                managedPrometheus: { enabled: true },
            });
        });

        it("can turn managed Prometheus off", async () => {
            const { resources: r } = await deployCluster({ managedPrometheus: false });
            assert.deepEqual(obj(r.one(CLUSTER).inputs.monitoringConfig).managedPrometheus, { enabled: false });
        });

        it("enables the PD CSI driver and the HTTP load balancing add-on explicitly", () => {
            const addons = obj(cluster.inputs.addonsConfig);
            assert.deepEqual(addons.gcePersistentDiskCsiDriverConfig, { enabled: true });
            assert.deepEqual(addons.httpLoadBalancing, { disabled: false });
        });

        it("has shielded nodes", () => {
            assert.equal(cluster.inputs.enableShieldedNodes, true);
        });

        it("has private nodes, a public endpoint and a /28 control-plane range", () => {
            assert.deepEqual(cluster.inputs.privateClusterConfig, {
                enablePrivateNodes: true,
                enablePrivateEndpoint: false,
                masterIpv4CidrBlock: "172.16.0.0/28",
            });
        });

        it("is VPC-native on its own subnet's named secondary ranges", () => {
            const subnet = resources.one("gcp:compute/subnetwork:Subnetwork");
            assert.equal(cluster.inputs.networkingMode, "VPC_NATIVE");
            assert.equal(cluster.inputs.subnetwork, "gke-net-subnet-id");
            assert.equal(cluster.inputs.network, "gke-net-vpc-id");
            assert.deepEqual(cluster.inputs.ipAllocationPolicy, {
                clusterSecondaryRangeName: "pods",
                servicesSecondaryRangeName: "services",
            });
            assert.deepEqual(subnet.inputs.secondaryIpRanges, [
                { rangeName: "pods", ipCidrRange: DEFAULT_ADDRESS_PLAN.pods },
                { rangeName: "services", ipCidrRange: DEFAULT_ADDRESS_PLAN.services },
            ]);
        });

        it("holds the minor version with a NO_MINOR_UPGRADES exclusion until end of support, in a daily window", () => {
            assert.deepEqual(cluster.inputs.maintenancePolicy, {
                dailyMaintenanceWindow: { startTime: "03:00" },
                maintenanceExclusions: [
                    {
                        exclusionName: "no-minor-upgrades",
                        startTime: MINOR_VERSION_HOLD_START,
                        exclusionOptions: { scope: "NO_MINOR_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" },
                    },
                ],
            });
        });

        it("starts the exclusion at a fixed past UTC instant, so plans do not change from run to run", async () => {
            // Zulu form with whole seconds: what GKE returns, so the value reads back unchanged.
            assert.match(MINOR_VERSION_HOLD_START, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
            assert.ok(Date.parse(MINOR_VERSION_HOLD_START) < Date.now());
            const { resources: again } = await runProgram(() => new GkeCluster("gke", args()));
            assert.deepEqual(again.one(CLUSTER).inputs.maintenancePolicy, cluster.inputs.maintenancePolicy);
            const exclusions = gkeMaintenancePolicy("2030-01-01T00:00:00Z").maintenanceExclusions as { startTime: string }[];
            assert.equal(exclusions[0].startTime, "2030-01-01T00:00:00Z");
        });

        it("keeps the exclusion whatever the release channel", async () => {
            for (const releaseChannel of ["RAPID", "STABLE", "EXTENDED"] as const) {
                const { resources: r } = await deployCluster({ releaseChannel });
                assert.deepEqual(r.one(CLUSTER).inputs.maintenancePolicy, gkeMaintenancePolicy());
            }
        });

        it("runs the temporary default pool as the node service account, not the Compute Engine default one", () => {
            assert.deepEqual(cluster.inputs.nodeConfig, {
                serviceAccount: `gke-test-nodes@${PROJECT_ID}.iam.gserviceaccount.com`,
                oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
            });
        });

        it("waits for the node service account's roles and the APIs", () => {
            const deps = new Set(cluster.dependsOn);
            for (const m of resources.ofType("gcp:projects/iAMMember:IAMMember")) assert.ok(deps.has(m.urn), `missing dependency on ${m.name}`);
            for (const api of resources.ofType("gcp:projects/service:Service")) assert.ok(deps.has(api.urn), `missing dependency on ${api.name}`);
        });

        it("ignores later nodeConfig changes, which would otherwise replace the cluster", async () => {
            const opts = await childOptions();
            assert.deepEqual(opts.get(CLUSTER)?.ignoreChanges, ["nodeConfig"]);
        });

        it("keeps deletion protection on by default, as config does", async () => {
            assert.equal(gcpConfig().gcp.deletionProtection, true);
            assert.equal(cluster.inputs.deletionProtection, true);
        });

        it("turns deletion protection off when config says so", async () => {
            const config = gcpConfig({ "platform:deletionProtection": "false" });
            const { resources: r } = await runProgram(() => gcp.target("gke", config));
            assert.equal(r.one(CLUSTER).inputs.deletionProtection, false);
        });
    });

    describe("network", () => {
        it("is a custom-mode VPC with a regional subnet and Private Google Access", () => {
            const vpc = resources.one("gcp:compute/network:Network");
            const subnet = resources.one("gcp:compute/subnetwork:Subnetwork");
            assert.equal(vpc.inputs.autoCreateSubnetworks, false);
            assert.equal(vpc.inputs.project, PROJECT_ID);
            assert.equal(subnet.inputs.region, REGION);
            assert.equal(subnet.inputs.project, PROJECT_ID);
            assert.equal(subnet.inputs.ipCidrRange, DEFAULT_ADDRESS_PLAN.nodes);
            assert.equal(subnet.inputs.privateIpGoogleAccess, true);
        });

        it("gives private nodes Cloud NAT on a Cloud Router for every range of the subnet", () => {
            const router = resources.one("gcp:compute/router:Router");
            const nat = resources.one("gcp:compute/routerNat:RouterNat");
            assert.equal(router.inputs.region, REGION);
            assert.equal(router.inputs.network, "gke-net-vpc-id");
            assert.equal(nat.inputs.region, REGION);
            assert.equal(nat.inputs.project, PROJECT_ID);
            assert.equal(nat.inputs.natIpAllocateOption, "AUTO_ONLY");
            assert.equal(nat.inputs.sourceSubnetworkIpRangesToNat, "LIST_OF_SUBNETWORKS");
            assert.deepEqual(nat.inputs.subnetworks, [{ name: "gke-net-subnet-id", sourceIpRangesToNats: ["ALL_IP_RANGES"] }]);
        });

        it("opens tcp/8443 from the control plane to the nodes' service account for the ingress-nginx webhook", () => {
            const fw = resources.one("gcp:compute/firewall:Firewall");
            assert.equal(fw.inputs.direction, "INGRESS");
            assert.equal(fw.inputs.network, "gke-net-vpc-id");
            assert.equal(fw.inputs.project, PROJECT_ID);
            assert.deepEqual(fw.inputs.sourceRanges, ["172.16.0.0/28"]);
            assert.deepEqual(fw.inputs.allows, [{ protocol: "tcp", ports: ["8443"] }]);
            assert.deepEqual(fw.inputs.targetServiceAccounts, [`gke-test-nodes@${PROJECT_ID}.iam.gserviceaccount.com`]);
        });
    });

    describe("node pool", () => {
        it("autoscales between the configured totals (not per-zone counts)", () => {
            assert.deepEqual(pool.inputs.autoscaling, { totalMinNodeCount: 2, totalMaxNodeCount: 5, locationPolicy: "BALANCED" });
            assert.equal(obj(pool.inputs.autoscaling).minNodeCount, undefined);
        });

        it("takes minNodes/maxNodes from config", async () => {
            const config = gcpConfig({ "platform:minNodes": "4", "platform:maxNodes": "12", "platform:nodeSize": "n2-standard-8" });
            const { resources: r } = await runProgram(() => gcp.target("gke", config));
            const p = r.one(NODE_POOL);
            assert.deepEqual(p.inputs.autoscaling, { totalMinNodeCount: 4, totalMaxNodeCount: 12, locationPolicy: "BALANCED" });
            assert.equal(obj(p.inputs.nodeConfig).machineType, "n2-standard-8");
            assert.equal(p.inputs.initialNodeCount, 2);
        });

        it("upgrades by surging one node and never taking one away first (maxUnavailable 0)", () => {
            assert.deepEqual(pool.inputs.upgradeSettings, { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 });
        });

        it("auto-repairs and auto-upgrades", () => {
            assert.deepEqual(pool.inputs.management, { autoRepair: true, autoUpgrade: true });
        });

        it("belongs to the cluster, in the region and project", () => {
            assert.equal(pool.inputs.cluster, "gke-cluster-1a2b3c");
            assert.equal(pool.inputs.location, REGION);
            assert.equal(pool.inputs.project, PROJECT_ID);
        });

        it("runs the configured machine type as the dedicated service account with GKE_METADATA", () => {
            const nc = obj(pool.inputs.nodeConfig);
            assert.equal(nc.machineType, "e2-standard-4");
            assert.equal(nc.serviceAccount, `gke-test-nodes@${PROJECT_ID}.iam.gserviceaccount.com`);
            assert.deepEqual(nc.workloadMetadataConfig, { mode: "GKE_METADATA" });
            assert.deepEqual(nc.oauthScopes, ["https://www.googleapis.com/auth/cloud-platform"]);
            assert.deepEqual(nc.shieldedInstanceConfig, { enableSecureBoot: true, enableIntegrityMonitoring: true });
            assert.equal(nc.diskType, "pd-balanced");
        });

        it("leaves x86 pools without a taint config", () => {
            assert.equal(obj(pool.inputs.nodeConfig).taintConfig, undefined);
        });

        it("turns GKE's arm64 NoSchedule taint off on Arm (t2a) pools, so no platform pod stays Pending", async () => {
            const config = gcpConfig({ "platform:nodeSize": "t2a-standard-4" });
            const { resources: r } = await runProgram(() => gcp.target("gke", config));
            assert.deepEqual(obj(r.one(NODE_POOL).inputs.nodeConfig).taintConfig, { architectureTaintBehavior: "NONE" });
            assert.equal(obj(r.one(NODE_POOL).inputs.nodeConfig).machineType, "t2a-standard-4");
        });

        it("refuses Arm below Kubernetes 1.35, where GKE cannot turn the taint off, in config before anything is created", () => {
            assert.throws(
                () => gcpConfig({ "platform:nodeSize": "t2a-standard-4", "platform:releaseChannel": "EXTENDED", "platform:kubernetesVersion": "1.34" }),
                /platform:nodeSize: "t2a-standard-4" is Arm: GKE taints Arm nodes unless the pool turns the taint off, which needs Kubernetes 1.35 or later \(platform:kubernetesVersion is 1\.34\)/,
            );
            assert.equal(gcpConfig({ "platform:nodeSize": "t2a-standard-4", "platform:releaseChannel": "EXTENDED", "platform:kubernetesVersion": "1.35" }).cluster.nodeSize, "t2a-standard-4");
        });

        it("spreads the totals over the same zone count config checks maxNodes against", () => {
            assert.equal(REGIONAL_ZONE_COUNT, GKE_DEFAULT_ZONES);
            // 2 total over 3 zones: one node per zone to start.
            assert.equal(pool.inputs.initialNodeCount, 1);
        });

        it("waits for the node service account's roles and for NAT", () => {
            const deps = new Set(pool.dependsOn);
            for (const m of resources.ofType("gcp:projects/iAMMember:IAMMember")) assert.ok(deps.has(m.urn), `missing dependency on ${m.name}`);
            assert.ok(deps.has(resources.one("gcp:compute/routerNat:RouterNat").urn));
        });
    });

    describe("node service account", () => {
        it("gets GKE's own minimum node role (CIS GKE 5.2.1) and nothing else project-wide, in the cluster's project", () => {
            const members = resources.ofType("gcp:projects/iAMMember:IAMMember");
            assert.deepEqual(
                members.map((m) => m.inputs.role).sort(),
                ["roles/container.defaultNodeServiceAccount"],
            );
            for (const m of members) {
                assert.equal(m.inputs.project, PROJECT_ID);
                assert.equal(m.inputs.member, `serviceAccount:gke-test-nodes@${PROJECT_ID}.iam.gserviceaccount.com`);
            }
        });

        it("has a valid account id that carries the stack name", () => {
            const sa = resources.one("gcp:serviceaccount/account:Account");
            assert.equal(sa.inputs.accountId, "gke-test-nodes");
            assert.equal(sa.inputs.project, PROJECT_ID);
        });
    });

    describe("APIs on a fresh project", () => {
        it("turns on Compute, Kubernetes Engine, IAM, Cloud Resource Manager and Filestore, and never turns them off", () => {
            const apis = resources.ofType("gcp:projects/service:Service");
            assert.deepEqual(apis.map((a) => a.inputs.service).sort(), [
                "cloudresourcemanager.googleapis.com",
                "compute.googleapis.com",
                "container.googleapis.com",
                "file.googleapis.com",
                "iam.googleapis.com",
            ]);
            assert.deepEqual([...GKE_REQUIRED_APIS].sort(), apis.map((a) => a.inputs.service).sort());
            for (const a of apis) {
                assert.equal(a.inputs.disableOnDestroy, false);
                assert.equal(a.inputs.project, PROJECT_ID);
            }
        });

        it("creates the node service account and every role binding only after the APIs are on", () => {
            const apiUrns = resources.ofType("gcp:projects/service:Service").map((a) => a.urn);
            assert.equal(apiUrns.length, 5);
            const dependents = [resources.one("gcp:serviceaccount/account:Account"), ...resources.ofType("gcp:projects/iAMMember:IAMMember")];
            assert.equal(dependents.length, 1 + NODE_SERVICE_ACCOUNT_ROLES.length);
            for (const r of dependents) {
                for (const urn of apiUrns) assert.ok(r.dependsOn.includes(urn), `${r.type} ${r.name} does not wait for ${urn}`);
            }
        });

        it("creates no API services when enableApis is false", async () => {
            const { resources: r } = await deployCluster({ enableApis: false });
            assert.equal(r.ofType("gcp:projects/service:Service").length, 0);
            assert.equal(r.ofType("gcp:serviceaccount/account:Account").length, 1);
        });
    });

    it("puts the project on every GCP resource that takes one", () => {
        const gcpResources = resources.all.filter((r) => r.custom && r.type.startsWith("gcp:"));
        assert.ok(gcpResources.length >= 10);
        for (const r of gcpResources) assert.equal(r.inputs.project, PROJECT_ID, `${r.type} ${r.name} has no project`);
    });

    it("parents every resource under the component", () => {
        for (const r of resources.all.filter((x) => x.type !== "platform:gcp:GkeCluster")) {
            assert.ok(r.parent !== "", `${r.type} ${r.name} has no parent`);
        }
    });

    describe("kubeconfig", () => {
        it("is secret", async () => {
            assert.equal(await pulumi.isSecret(gke.kubeconfig), true);
        });

        it("authenticates with gke-gcloud-auth-plugin against the cluster endpoint and CA", async () => {
            const kc = JSON.parse(await valueOf(gke.kubeconfig)) as Record<string, unknown>;
            const context = `gke_${PROJECT_ID}_${REGION}_gke-cluster-1a2b3c`;
            assert.equal(kc["current-context"], context);
            assert.deepEqual(kc.clusters, [{ name: context, cluster: { server: `https://${ENDPOINT}`, "certificate-authority-data": CA } }]);
            const users = kc.users as { name: string; user: { exec: Record<string, unknown> } }[];
            assert.equal(users.length, 1);
            const exec = users[0].user.exec;
            assert.equal(exec.command, "gke-gcloud-auth-plugin");
            assert.equal(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
            assert.equal(exec.provideClusterInfo, true);
            // CI with only ADC / workload identity federation: no gcloud login to shell out to.
            assert.deepEqual(exec.args, ["--use_application_default_credentials"]);
            assert.match(String(exec.installHint), /gcloud components install gke-gcloud-auth-plugin/);
        });

        it("feeds the Kubernetes provider, as a secret", () => {
            const provider = resources.one("pulumi:providers:kubernetes");
            assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
            assert.match(String(provider.inputs.kubeconfig), /gke-gcloud-auth-plugin/);
        });
    });
});

describe("gcp target", () => {
    beforeEach(() => mockGcp());

    it("hands the platform its provider, a secret kubeconfig, GKE facts and dependencies on nodes, NAT and the webhook rule", async () => {
        // Premium is regional pd-ssd, whose smallest disk is 10Gi: config refuses the 5Gi Redis default.
        const config = gcpConfig({ "platform:storageTier": "premium", "platform:redisStorageSize": "10Gi" });
        const { result: target, resources } = await runProgram(() => gcp.target("gke", config));
        assert.equal(target.cloud, "gcp");
        assert.ok(target.kubeconfig);
        assert.equal(await pulumi.isSecret(target.kubeconfig), true);
        assert.deepEqual({ ...target.storage, classes: { ...target.storage.classes, shared: undefined } }, gcpStorageFacts("premium"));
        assert.deepEqual(target.storage.classes.retain.parameters, { type: "pd-ssd", "replication-type": "regional-pd", "csi.storage.k8s.io/fstype": "ext4" });
        assert.deepEqual(target.nodes, CLUSTER_AUTOSCALER_NODES);
        // NodeLocal DNSCache is on by default from GKE 1.34.1-gke.3720000: DNS egress must reach it.
        assert.equal(target.dns, GKE_DNS);
        assert.deepEqual(target.loadBalancer.annotations, { "cloud.google.com/l4-rbs": "enabled", "cloud.google.com/network-tier": "Premium" });
        assert.equal(await valueOf(target.registry.repository), `${REGION}-docker.pkg.dev/${PROJECT_ID}/platform/visit-counter`);
        const depUrns = await Promise.all(target.dependsOn.map((d) => valueOf(d.urn)));
        assert.deepEqual(depUrns.sort(), [
            resources.one("gcp:compute/firewall:Firewall").urn,
            resources.one("gcp:compute/routerNat:RouterNat").urn,
            resources.one(NODE_POOL).urn,
        ].sort());
    });
});

describe("GKE decision functions", () => {
    it("starts each of the three zones with enough nodes to meet the total minimum", () => {
        assert.equal(initialNodesPerZone(1), 1);
        assert.equal(initialNodesPerZone(2), 1);
        assert.equal(initialNodesPerZone(3), 1);
        assert.equal(initialNodesPerZone(4), 2);
        assert.equal(initialNodesPerZone(10), 4);
    });

    it("never starts a pool above its maximum: min 4 / max 4 over 3 zones starts 1 per zone, not 2", () => {
        assert.equal(initialNodesPerZone(4, 3, 4), 1);
        assert.equal(initialNodesPerZone(4, 3, 6), 2);
        assert.equal(initialNodesPerZone(6, 3, 9), 2);
        for (let min = 1; min <= 12; min++) {
            for (let max = Math.max(min, 3); max <= 15; max++) {
                const total = initialNodesPerZone(min, 3, max) * 3;
                assert.ok(total <= max, `min ${min} max ${max}: starts at ${total}`);
                assert.ok(total >= Math.min(min, max - (max % 3)), `min ${min} max ${max}: starts at ${total}`);
            }
        }
    });

    it("derives a valid service account id (6-30 chars, starts with a letter)", () => {
        assert.equal(nodeServiceAccountId("gke", "prod"), "gke-prod-nodes");
        const long = nodeServiceAccountId("gke", "a-very-long-stack-name-for-staging-eu");
        assert.ok(long.length <= 30, long);
        assert.match(long, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
        assert.equal(nodeServiceAccountId("gke", "Dev_1"), "gke-dev-1-nodes");
        assert.equal(nodeServiceAccountId("9", "1"), "gke-nodes");
    });

    it("names role bindings after the role", () => {
        assert.deepEqual(NODE_SERVICE_ACCOUNT_ROLES.map(roleSuffix), ["container-defaultnodeserviceaccount"]);
        assert.equal(roleSuffix("roles/logging.logWriter"), "logging-logwriter");
    });
});

describe("GkeCluster argument validation", () => {
    it("accepts the defaults", () => {
        assert.deepEqual(validateGkeClusterArgs(args()), []);
    });

    it("refuses a bad version, control-plane range and disk size, all at once", () => {
        assert.deepEqual(
            validateGkeClusterArgs(args({ kubernetesVersion: "1.35.1", nodeDiskSizeGb: 5, addressPlan: { ...DEFAULT_ADDRESS_PLAN, controlPlane: "172.16.0.0/24" } })),
            [
                'kubernetesVersion must be MAJOR.MINOR such as 1.35 (got "1.35.1")',
                "addressPlan.controlPlane must be a /28, as GKE requires (got 172.16.0.0/24)",
                "nodeDiskSizeGb must be a whole number >= 10 (got 5)",
            ],
        );
    });

    it("throws before registering anything", async () => {
        const { resources } = await runProgram(() => {
            assert.throws(() => new GkeCluster("gke", args({ nodeDiskSizeGb: 5 })), /GkeCluster gke: nodeDiskSizeGb must be a whole number >= 10 \(got 5\)/);
        });
        assert.equal(resources.all.length, 0);
    });

    it("leaves node counts to config, which refuses them before any component exists", () => {
        assert.throws(() => gcpConfig({ "platform:minNodes": "0" }), /platform:minNodes: 0 is out of range/);
        assert.throws(() => gcpConfig({ "platform:minNodes": "6", "platform:maxNodes": "5" }), /platform:maxNodes: 5 is less than platform:minNodes \(6\)/);
    });
});
