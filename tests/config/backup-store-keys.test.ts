import * as assert from "node:assert/strict";
import { ConfigError, type PlatformConfig, mapConfigSource, readConfig } from "../../config";
import { s3EndpointProblem } from "../../config/keys";
import { projectDefaults } from "../harness/project-files";
import { AWS, GCP, LOCAL, problems, read } from "./fixtures";

const KEY_ID = "platform:postgresBackupS3AccessKeyId";
const SECRET_KEY = "platform:postgresBackupS3SecretAccessKey";
const STORE = {
    "platform:postgresBackupS3Endpoint": "https://minio.example.com:9000",
    "platform:postgresBackupS3Bucket": "platform-backups",
    [KEY_ID]: "backup-writer",
    [SECRET_KEY]: "s3cr3t-Key/with+chars",
};

/** Config as the CLI hands it over, with `secrets` set with --secret. */
function readWith(values: Record<string, string>, secrets: readonly string[] = [KEY_ID, SECRET_KEY]): PlatformConfig {
    return readConfig(mapConfigSource({ ...projectDefaults(), ...values }, { secrets }));
}

function problemsWith(values: Record<string, string>, secrets: readonly string[] = [KEY_ID, SECRET_KEY]): string[] {
    try {
        readWith(values, secrets);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.problems;
    }
    assert.fail("expected the config to be rejected");
}

describe("backup store keys", () => {
    it("keeps sets 30 days in the store by default, or postgresBackupKeep if larger, and no lock", () => {
        const c = read(AWS);
        assert.equal(c.workloads.postgresBackupRetentionDays, 30);
        assert.equal(c.workloads.postgresBackupObjectLock, false);
        assert.equal(read({ ...AWS, "platform:postgresBackupKeep": "45" }).workloads.postgresBackupRetentionDays, 45);
        assert.equal(read({ ...GCP, "platform:postgresBackupRetentionDays": "365", "platform:postgresBackupObjectLock": "true" }).workloads.postgresBackupObjectLock, true);
    });

    it("refuses a retention outside 1-3650 days, naming the key and the value", () => {
        assert.deepEqual(problems({ ...AWS, "platform:postgresBackupRetentionDays": "0" }), ["platform:postgresBackupRetentionDays: 0 is out of range; expected an integer from 1 to 3650"]);
        assert.deepEqual(problems({ ...AWS, "platform:postgresBackupRetentionDays": "3651" }), ["platform:postgresBackupRetentionDays: 3651 is out of range; expected an integer from 1 to 3650"]);
        assert.match(problems({ ...GCP, "platform:postgresBackupObjectLock": "yes" })[0], /^platform:postgresBackupObjectLock: "yes" is not a boolean/);
    });

    it("leaves a local stack on the volume only without an endpoint, and refuses retention and lock there (the server's bucket is yours)", () => {
        const c = read(LOCAL);
        assert.ok(c.cloud === "local");
        assert.equal(c.local.backupStore, undefined);
        assert.deepEqual(problems({ ...LOCAL, "platform:postgresBackupObjectLock": "true" }), [
            "platform:postgresBackupObjectLock: applies only when platform:cloud is aws or gcp or azure (this stack is local); remove it with: pulumi config rm platform:postgresBackupObjectLock",
        ]);
    });

    it("takes the whole local store, the keys as secrets", () => {
        const c = readWith({ ...LOCAL, ...STORE });
        assert.ok(c.cloud === "local");
        assert.equal(c.local.backupStore?.endpoint, "https://minio.example.com:9000");
        assert.equal(c.local.backupStore?.bucket, "platform-backups");
    });

    it("refuses part of a local store, one problem per missing key, saying how to set it", () => {
        const got = problemsWith({ ...LOCAL, "platform:postgresBackupS3Endpoint": STORE["platform:postgresBackupS3Endpoint"], [KEY_ID]: "backup-writer" });
        assert.deepEqual(got, [
            "platform:postgresBackupS3Bucket: is required with platform:postgresBackupS3Endpoint and platform:postgresBackupS3AccessKeyId: uploads to an S3-compatible store need its endpoint, bucket, access key id and secret access key. Set it with: pulumi config set platform:postgresBackupS3Bucket <value>, or remove the others",
            "platform:postgresBackupS3SecretAccessKey: is required with platform:postgresBackupS3Endpoint and platform:postgresBackupS3AccessKeyId: uploads to an S3-compatible store need its endpoint, bucket, access key id and secret access key. Set it with: pulumi config set --secret platform:postgresBackupS3SecretAccessKey <value>, or remove the others",
        ]);
    });

    it("refuses keys kept in plain text, and never quotes a key in a problem", () => {
        assert.deepEqual(problemsWith({ ...LOCAL, ...STORE }, [KEY_ID]), [
            `${SECRET_KEY}: is stored in plain text in the stack's config; a credential must be encrypted. Set it with: pulumi config set --secret ${SECRET_KEY} <value>`,
        ]);
        const bad = problemsWith({ ...LOCAL, ...STORE, [SECRET_KEY]: "has a space in it" });
        assert.equal(bad.length, 1);
        assert.match(bad[0], /^platform:postgresBackupS3SecretAccessKey: is 17 characters long or holds a space/);
        assert.ok(!bad[0].includes("has a space in it"), "the value is not quoted");
    });

    it("takes an endpoint as http(s)://host[:port] only", () => {
        assert.equal(s3EndpointProblem("http://10.0.0.5:9000"), undefined);
        assert.equal(s3EndpointProblem("https://s3.eu-west-1.amazonaws.com"), undefined);
        assert.match(s3EndpointProblem("minio:9000") ?? "", /is not http or https|is not a URL/);
        assert.match(s3EndpointProblem("ftp://minio:21") ?? "", /is not http or https/);
        assert.match(s3EndpointProblem("https://minio:9000/platform-backups") ?? "", /has a path.*the bucket is postgresBackupS3Bucket/);
        assert.match(s3EndpointProblem("https://user:pass@minio:9000") ?? "", /holds credentials/);
        assert.match(problemsWith({ ...LOCAL, ...STORE, "platform:postgresBackupS3Bucket": "Platform_Backups" })[0], /^platform:postgresBackupS3Bucket: "Platform_Backups" is not valid; expected an S3 bucket name/);
    });
});
