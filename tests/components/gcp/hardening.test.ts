/**
 * The GKE target's upgrade, network and security settings as a user relies on them: nodes that
 * follow the control plane, the weekly maintenance window, Cloud NAT's ports, image pulls bound to
 * the platform's repository, Secrets encryption with the user's key, and Google Groups for RBAC.
 */
import * as assert from "node:assert/strict";
import { gkeRecurringWindow } from "../../../components/gcp/cluster";
import * as gcp from "../../../components/gcp/target";
import { ConfigError } from "../../../config";
import { runProgram, type ResourceSet } from "../../harness/mocks";
import { MASTER_VERSION, PROJECT_ID, PROJECT_NUMBER, REGION, gcpConfig, mockGcp } from "./helpers";

const CLUSTER = "gcp:container/cluster:Cluster";
const NODE_POOL = "gcp:container/nodePool:NodePool";
const KEY = `projects/${PROJECT_ID}/locations/${REGION}/keyRings/platform/cryptoKeys/secrets`;
const NODES = `serviceAccount:gke-test-nodes@${PROJECT_ID}.iam.gserviceaccount.com`;

async function deploy(extra: Record<string, string> = {}): Promise<ResourceSet> {
    const config = gcpConfig(extra);
    const { resources } = await runProgram(() => gcp.target("gke", config));
    return resources;
}

describe("GKE: upgrades, NAT, image pulls, Secrets encryption and groups", () => {
    beforeEach(() => mockGcp());

    describe("upgrades", () => {
        it("moves the node pool to the version the control plane runs, so a kubernetesVersion bump upgrades the nodes too", async () => {
            const pool = (await deploy()).one(NODE_POOL);
            assert.equal(pool.inputs.version, MASTER_VERSION);
            // Auto-upgrade stays on: GKE refuses it off on a release channel.
            assert.deepEqual(pool.inputs.management, { autoRepair: true, autoUpgrade: true });
        });

        it("opens automatic upgrades only in platform:maintenanceWindow, weekly, and keeps the minor-version exclusion", async () => {
            const policy = (await deploy()).one(CLUSTER).inputs.maintenancePolicy as Record<string, unknown>;
            // The default window: Saturdays and Sundays, 01:00-07:00 UTC.
            assert.deepEqual(policy.recurringWindow, { startTime: "2026-01-01T01:00:00Z", endTime: "2026-01-01T07:00:00Z", recurrence: "FREQ=WEEKLY;BYDAY=SA,SU" });
            assert.equal(policy.dailyMaintenanceWindow, undefined);
            assert.deepEqual(policy.maintenanceExclusions, [
                { exclusionName: "no-minor-upgrades", startTime: "2026-01-01T00:00:00Z", exclusionOptions: { scope: "NO_MINOR_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" } },
            ]);
            const custom = (await deploy({ "platform:maintenanceWindow": "TU,TH 22:30 6h" })).one(CLUSTER).inputs.maintenancePolicy as Record<string, unknown>;
            assert.deepEqual(custom.recurringWindow, { startTime: "2026-01-01T22:30:00Z", endTime: "2026-01-02T04:30:00Z", recurrence: "FREQ=WEEKLY;BYDAY=TU,TH" });
        });

        it("writes window times the way GKE reads them back (UTC Zulu, whole seconds), also across midnight", () => {
            assert.deepEqual(gkeRecurringWindow({ days: ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], start: "20:00", hours: 24 }), {
                startTime: "2026-01-01T20:00:00Z",
                endTime: "2026-01-02T20:00:00Z",
                recurrence: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
            });
        });
    });

    it("gives Cloud NAT dynamic port allocation from 64 to 4096 ports per node, and logs its errors", async () => {
        const nat = (await deploy()).one("gcp:compute/routerNat:RouterNat");
        assert.equal(nat.inputs.enableDynamicPortAllocation, true);
        assert.equal(nat.inputs.enableEndpointIndependentMapping, false);
        assert.equal(nat.inputs.minPortsPerVm, 64);
        assert.equal(nat.inputs.maxPortsPerVm, 4096);
        assert.deepEqual(nat.inputs.logConfig, { enable: true, filter: "ERRORS_ONLY" });
    });

    it("lets the nodes pull from the platform's repository only, never from every repository in the project", async () => {
        const resources = await deploy();
        const projectRoles = resources.ofType("gcp:projects/iAMMember:IAMMember").map((m) => m.inputs.role);
        assert.ok(!projectRoles.includes("roles/artifactregistry.reader"), projectRoles.join(", "));
        const repo = resources.one("gcp:artifactregistry/repository:Repository");
        const reader = resources.one("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember");
        assert.equal(reader.inputs.role, "roles/artifactregistry.reader");
        assert.equal(reader.inputs.member, NODES);
        assert.equal(reader.inputs.repository, repo.inputs.repositoryId);
        assert.equal(reader.inputs.location, REGION);
        assert.equal(reader.inputs.project, PROJECT_ID);
    });

    describe("Secrets encryption (platform:secretsKmsKey)", () => {
        it("encrypts Secrets with the key and grants it to the project's GKE service agent before the cluster", async () => {
            const resources = await deploy({ "platform:secretsKmsKey": KEY });
            const cluster = resources.one(CLUSTER);
            assert.deepEqual(cluster.inputs.databaseEncryption, { state: "ENCRYPTED", keyName: KEY });
            const grant = resources.one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
            assert.deepEqual(grant.inputs, {
                cryptoKeyId: KEY,
                role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                member: `serviceAccount:service-${PROJECT_NUMBER}@container-engine-robot.iam.gserviceaccount.com`,
            });
            assert.ok(cluster.dependsOn.includes(grant.urn), "the cluster must wait for the grant");
        });

        it("without a key: GKE's default (DECRYPTED, so removing a key decrypts) and no grant", async () => {
            const resources = await deploy();
            assert.deepEqual(resources.one(CLUSTER).inputs.databaseEncryption, { state: "DECRYPTED" });
            assert.deepEqual(resources.ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"), []);
        });

        it("refuses a key outside the cluster's region in config, before anything is registered", async () => {
            const elsewhere = KEY.replace(`/locations/${REGION}/`, "/locations/us-central1/");
            assert.throws(() => gcpConfig({ "platform:secretsKmsKey": elsewhere }), /platform:secretsKmsKey: ".+" is in us-central1.*expected a key in europe-west1/);
            assert.equal(gcpConfig({ "platform:secretsKmsKey": KEY }).cluster.secretsKmsKey, KEY);
        });
    });

    describe("Google Groups for RBAC (platform:gkeSecurityGroup)", () => {
        it("refuses a group: member without it, in config, naming the key and the member", () => {
            assert.throws(
                () => gcpConfig({ "platform:clusterReaders": '["group:auditors@example.com"]' }),
                (e: unknown) => e instanceof ConfigError && /platform:clusterReaders: "group:auditors@example.com" is a group.*platform:gkeSecurityGroup/.test(e.message),
            );
            assert.doesNotThrow(() => gcpConfig({ "platform:clusterReaders": '["user:ana@example.com"]' }));
        });

        it("refuses a group other than gke-security-groups@<domain>", () => {
            assert.throws(() => gcpConfig({ "platform:gkeSecurityGroup": "ops@example.com" }), /platform:gkeSecurityGroup.*gke-security-groups@/);
        });

        it("with it, turns on Google Groups for RBAC and binds the group", async () => {
            const resources = await deploy({ "platform:gkeSecurityGroup": "gke-security-groups@example.com", "platform:clusterAdmins": '["group:ops@example.com"]' });
            assert.deepEqual(resources.one(CLUSTER).inputs.authenticatorGroupsConfig, { securityGroup: "gke-security-groups@example.com" });
            const admins = resources.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")[0];
            assert.deepEqual(admins.inputs.subjects, [{ kind: "Group", name: "ops@example.com", apiGroup: "rbac.authorization.k8s.io" }]);
        });

        it("without it, leaves the cluster's groups setting alone", async () => {
            assert.equal((await deploy()).one(CLUSTER).inputs.authenticatorGroupsConfig, undefined);
        });
    });
});
