import * as assert from "node:assert/strict";
import { s3WriteOnlyPolicy } from "../../../components/aws/backup-store";
import type { ResourceSet } from "../../harness/mocks";
import { as, backupEgress, backupPod, backupPodLabels, backupServiceAccount, mentioning, stackWith, uploadEnv } from "../cluster/backup-store-helpers";

const BUCKET = "aws-backups-bucket-0a1b2c3";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;
const ROLE_ARN = "arn:aws:iam::123456789012:role/aws-backups-role";

type Statement = { Sid?: string; Effect: string; Principal?: unknown; Action?: string | string[]; NotAction?: string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string>> };
const doc = (rs: ResourceSet, type: string, field: string, name?: string): { Statement: Statement[] } => JSON.parse(String(rs.one(type, name).inputs[field])) as { Statement: Statement[] };
const input = <T>(rs: ResourceSet, type: string): T => as<T>(rs.one(type));

describe("the backup store on AWS", () => {
    let resources: ResourceSet;
    let backupStore: string;
    before(async () => ({ resources, backupStore } = await stackWith("aws")));

    it("is an S3 bucket kept like the retained disks: protected with the data, left by a destroy, never force-emptied", () => {
        const bucket = resources.one("aws:s3/bucket:Bucket");
        assert.equal(bucket.protect, true);
        assert.equal(bucket.retainOnDelete, true);
        assert.equal(bucket.inputs.forceDestroy, false);
        assert.equal(backupStore, `s3://${BUCKET}/postgres`);
    });

    it("keeps the bucket's settings on destroy too: the provider's delete would suspend versioning and strip the lifecycle, the policy and the public access block", () => {
        const settings = [
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:s3/bucketPolicy:BucketPolicy",
        ];
        for (const type of settings) assert.equal(resources.one(type).retainOnDelete, true, type);
    });

    it("is versioned, encrypted, private, without ACLs, and expires every version after the retention days", () => {
        assert.deepEqual(input<{ versioningConfiguration: unknown }>(resources, "aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration, { status: "Enabled" });
        const sse = input<{ rules: { applyServerSideEncryptionByDefault: { sseAlgorithm: string } }[] }>(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        assert.deepEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }], "SSE-S3, without the SSE-KMS-only bucket key");
        const block = resources.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
        for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(block[k], true, k);
        assert.deepEqual(resources.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
        const [sets, markers] = input<{ rules: Record<string, unknown>[] }>(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules;
        assert.deepEqual(sets.expiration, { days: 30 });
        assert.deepEqual(sets.noncurrentVersionExpiration, { noncurrentDays: 30 });
        assert.deepEqual(sets.abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });
        assert.deepEqual(sets.filter, { prefix: "postgres/" });
        assert.deepEqual(markers.expiration, { expiredObjectDeleteMarker: true });
        assert.deepEqual(resources.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"), [], "no lock unless asked");
    });

    it("has a role only the backup ServiceAccount of this cluster can assume", () => {
        const roles = resources.ofType("aws:iam/role:Role").filter((r) => String(r.inputs.assumeRolePolicy).includes("postgres-backup"));
        assert.equal(roles.length, 1);
        const trustOf = JSON.parse(String(roles[0].inputs.assumeRolePolicy)) as { Statement: Statement[] };
        assert.equal(trustOf.Statement.length, 1);
        assert.deepEqual(trustOf.Statement[0].Condition?.StringEquals, {
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub": "system:serviceaccount:apps:postgres-backup",
            "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud": "sts.amazonaws.com",
        });
        assert.equal(roles[0].name, "aws-backups-role");
    });

    it("lets the role write new objects under postgres/ and nothing else, and the bucket policy holds it there", () => {
        const grant = doc(resources, "aws:iam/rolePolicy:RolePolicy", "policy", "aws-backups-upload");
        assert.deepEqual(grant, s3WriteOnlyPolicy(BUCKET_ARN));
        assert.deepEqual(grant.Statement[0].Action, ["s3:PutObject", "s3:AbortMultipartUpload"]);
        assert.equal(grant.Statement[0].Resource, `${BUCKET_ARN}/postgres/*`);
        const policy = doc(resources, "aws:s3/bucketPolicy:BucketPolicy", "policy").Statement;
        const tls = policy.find((s) => s.Sid === "DenyInsecureTransport");
        assert.deepEqual(tls?.Condition, { Bool: { "aws:SecureTransport": "false" } });
        const held = policy.find((s) => s.Sid === "BackupRoleUploadsOnly");
        assert.deepEqual([held?.Effect, held?.Principal, held?.NotAction], ["Deny", { AWS: ROLE_ARN }, ["s3:PutObject", "s3:AbortMultipartUpload"]]);
        assert.ok(policy.every((s) => s.Effect === "Deny"), "the bucket policy grants nothing");
    });

    it("is named by no other grant in the stack: nothing else in the cluster can read it", () => {
        const types = mentioning(resources, BUCKET).map((r) => r.type).sort();
        assert.deepEqual(types, ["aws:iam/rolePolicy:RolePolicy", "aws:s3/bucketPolicy:BucketPolicy", "kubernetes:batch/v1:CronJob"]);
    });

    it("runs the backup, then the upload as the main container, under the annotated ServiceAccount, with rclone's S3 remote from env", () => {
        const pod = backupPod(resources);
        assert.deepEqual(pod.initContainers.map((c) => c.name), ["pgpass", "backup"]);
        assert.deepEqual(pod.containers.map((c) => c.name), ["upload"]);
        assert.match(pod.containers[0].image, /^rclone\/rclone:1\.75\.1@sha256:[0-9a-f]{64}$/);
        assert.deepEqual(pod.containers[0].command, ["sh", "/scripts/upload.sh"]);
        assert.equal(pod.serviceAccountName, "postgres-backup");
        assert.equal(pod.automountServiceAccountToken, false, "the webhook projects its own token");
        assert.deepEqual(backupServiceAccount(resources).metadata.annotations, { "eks.amazonaws.com/role-arn": ROLE_ARN });
        assert.deepEqual(uploadEnv(resources), {
            BACKUP_DIR: "/backups",
            BACKUP_STORE_PATH: `${BUCKET}/postgres`,
            HOME: "/tmp",
            RCLONE_CONFIG_STORE_ENV_AUTH: "true",
            RCLONE_CONFIG_STORE_PROVIDER: "AWS",
            RCLONE_CONFIG_STORE_REGION: "eu-west-1",
            RCLONE_CONFIG_STORE_TYPE: "s3",
        });
        assert.equal(backupPodLabels(resources)["app.kubernetes.io/name"], "postgres-backup");
        assert.ok(!pod.volumes.some((v) => v.name === "store-credentials"), "no static key on a cloud");
    });

    it("lets the backup pod reach Postgres, DNS and HTTPS outside the private ranges, nothing else", () => {
        const egress = backupEgress(resources);
        assert.equal(egress.length, 3);
        assert.deepEqual(egress[0].ports, [{ protocol: "TCP", port: 5432 }]);
        assert.deepEqual(egress[2], { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] });
    });

    it("object lock adds a governance-mode default retention of the retention days to the same bucket: nothing is replaced", async () => {
        const locked = await stackWith("aws", { "platform:postgresBackupObjectLock": "true", "platform:postgresBackupRetentionDays": "90" });
        const lock = locked.resources.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
        assert.deepEqual(lock.inputs.rule, { defaultRetention: { mode: "GOVERNANCE", days: 90 } });
        assert.equal(lock.inputs.objectLockEnabled, "Enabled");
        const before = resources.one("aws:s3/bucket:Bucket");
        const after = locked.resources.one("aws:s3/bucket:Bucket");
        assert.deepEqual([after.urn, after.inputs], [before.urn, before.inputs], "the bucket is untouched: enabling the lock is an update of its configuration");
        const sets = as<{ rules: Record<string, unknown>[] }>(locked.resources.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")).rules[0];
        assert.deepEqual([sets.expiration, sets.noncurrentVersionExpiration], [{ days: 90 }, { noncurrentDays: 90 }]);
    });

    it("makes no store without a backup schedule", async () => {
        const off = await stackWith("aws", { "platform:postgresBackupSchedule": "none" });
        assert.deepEqual(off.resources.ofType("aws:s3/bucket:Bucket"), []);
        assert.equal(off.backupStore, "none");
    });
});
