import * as assert from "node:assert/strict";
import { gcsProtection, workloadIdentityPrincipal } from "../../../components/gcp/backup-store";
import { MOCK_GCP_PROJECT_NUMBER } from "../../harness/cloud-mocks";
import type { ResourceSet } from "../../harness/mocks";
import { backupEgress, backupPod, backupServiceAccount, mentioning, stackWith, uploadEnv } from "../cluster/backup-store-helpers";

const BUCKET = "gke-backups-bucket-7d8e9f";
const PRINCIPAL = `principal://iam.googleapis.com/projects/${MOCK_GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/my-platform-project.svc.id.goog/subject/ns/apps/sa/postgres-backup`;

describe("the backup store on Google Cloud", () => {
    let resources: ResourceSet;
    let backupStore: string;
    before(async () => ({ resources, backupStore } = await stackWith("gcp")));

    it("is a private, uniform-access, versioned bucket in the cluster's region, kept like the retained disks", () => {
        const bucket = resources.one("gcp:storage/bucket:Bucket");
        assert.deepEqual([bucket.protect, bucket.retainOnDelete, bucket.inputs.forceDestroy], [true, true, false]);
        assert.equal(bucket.inputs.uniformBucketLevelAccess, true);
        assert.equal(bucket.inputs.publicAccessPrevention, "enforced");
        assert.deepEqual(bucket.inputs.versioning, { enabled: true });
        assert.equal(bucket.inputs.location, "europe-west1");
        assert.equal(bucket.inputs.retentionPolicy, undefined);
        assert.equal(bucket.inputs.softDeletePolicy, undefined, "soft delete stays at Cloud Storage's default");
        assert.equal(backupStore, `gs://${BUCKET}/postgres`);
    });

    it("deletes live sets, then their noncurrent versions, after the retention days", () => {
        const rules = resources.one("gcp:storage/bucket:Bucket").inputs.lifecycleRules as { action: unknown; condition: Record<string, unknown> }[];
        assert.deepEqual(
            rules.map((r) => r.condition),
            [
                { age: 30, withState: "LIVE", matchesPrefixes: ["postgres/"] },
                { daysSinceNoncurrentTime: 30, withState: "ARCHIVED", matchesPrefixes: ["postgres/"] },
            ],
        );
    });

    it("grants the backup ServiceAccount itself, as a Workload Identity principal, objectCreator on this bucket only", () => {
        const grants = mentioning(resources, "postgres-backup").filter((r) => r.type.startsWith("gcp:"));
        assert.deepEqual(grants.map((g) => [g.type, g.inputs.bucket, g.inputs.role, g.inputs.member]), [["gcp:storage/bucketIAMMember:BucketIAMMember", BUCKET, "roles/storage.objectCreator", PRINCIPAL]]);
        assert.equal(workloadIdentityPrincipal(String(MOCK_GCP_PROJECT_NUMBER), "my-platform-project", "apps", "postgres-backup"), PRINCIPAL);
        // No Google service account to impersonate, so no annotation; the node's metadata server
        // answers for the pod's KSA.
        assert.deepEqual(backupServiceAccount(resources).metadata.annotations ?? {}, {});
        // The principal's pool exists only once the project has a Workload Identity cluster.
        const cluster = resources.one("gcp:container/cluster:Cluster");
        assert.ok(grants[0].dependsOn.includes(cluster.urn), "the grant waits for the cluster that creates the pool");
        const otherBucketGrants = resources.all.filter((r) => r.type.startsWith("gcp:storage/bucketIAM") && r.inputs.member !== PRINCIPAL);
        assert.deepEqual(otherBucketGrants, [], "nothing else in the cluster is granted the bucket");
    });

    it("uploads with rclone's Cloud Storage remote from env, without ACLs, and may reach the metadata server", () => {
        assert.deepEqual(backupPod(resources).containers.map((c) => c.name), ["upload"]);
        const env = uploadEnv(resources);
        assert.equal(env.RCLONE_CONFIG_STORE_TYPE, "google cloud storage");
        assert.equal(env.RCLONE_CONFIG_STORE_ENV_AUTH, "true");
        assert.equal(env.RCLONE_CONFIG_STORE_BUCKET_POLICY_ONLY, "true");
        assert.equal(env.BACKUP_STORE_PATH, `${BUCKET}/postgres`);
        const egress = backupEgress(resources);
        assert.deepEqual(egress.slice(3), [
            { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ protocol: "TCP", port: 80 }, { protocol: "TCP", port: 8080 }] },
            { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ protocol: "TCP", port: 987 }, { protocol: "TCP", port: 988 }] },
        ]);
        assert.deepEqual(egress[2].ports, [{ protocol: "TCP", port: 443 }]);
    });

    it("object lock swaps versioning for an unlocked retention policy of the retention days, in place", async () => {
        assert.deepEqual(gcsProtection({ retentionDays: 14, objectLock: true }).retentionPolicy, { retentionPeriod: String(14 * 86400), isLocked: false });
        const locked = await stackWith("gcp", { "platform:postgresBackupObjectLock": "true" });
        const bucket = locked.resources.one("gcp:storage/bucket:Bucket");
        assert.deepEqual(bucket.inputs.retentionPolicy, { retentionPeriod: "2592000", isLocked: false });
        assert.deepEqual(bucket.inputs.versioning, { enabled: false }, "Cloud Storage refuses a retention policy beside versioning");
        const rules = bucket.inputs.lifecycleRules as { condition: { withState?: string } }[];
        assert.deepEqual(rules.map((r) => r.condition.withState), ["LIVE", "ARCHIVED"], "versions kept from before the lock still expire");
        assert.equal(bucket.urn, resources.one("gcp:storage/bucket:Bucket").urn);
        assert.equal(bucket.inputs.location, "europe-west1", "no field that forces a new bucket changes");
    });
});
