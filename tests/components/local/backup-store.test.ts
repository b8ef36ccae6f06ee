import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { endpointEgress } from "../../../components/local/backup-store";
import { as, backupEgress, backupPod, stackWith, uploadEnv } from "../cluster/backup-store-helpers";

import out = k8s.types.output;

const KEY_ID = "platform:postgresBackupS3AccessKeyId";
const SECRET_KEY = "platform:postgresBackupS3SecretAccessKey";
const STORE = {
    "platform:postgresBackupS3Endpoint": "http://minio.minio.svc:9000",
    "platform:postgresBackupS3Bucket": "platform-backups",
    [KEY_ID]: "backup-writer-id",
    [SECRET_KEY]: "backup-writer-secret-0123",
};

describe("the backup store on a local cluster", () => {
    it("without an endpoint: the backup pod is as before, one container, no ServiceAccount, no egress beyond Postgres and DNS", async () => {
        const { resources, backupStore } = await stackWith("local");
        const pod = backupPod(resources);
        assert.deepEqual(pod.initContainers.map((c) => c.name), ["pgpass"]);
        assert.deepEqual(pod.containers.map((c) => c.name), ["backup"]);
        assert.equal(pod.serviceAccountName, undefined);
        assert.deepEqual(resources.ofType("kubernetes:core/v1:ServiceAccount").filter((r) => r.name === "postgres-backup"), []);
        assert.equal(backupEgress(resources).length, 2);
        assert.equal(backupStore, "none");
    });

    it("with an endpoint: the upload gets its keys as files from a Secret, never as env values", async () => {
        const { resources, backupStore } = await stackWith("local", STORE, [KEY_ID, SECRET_KEY]);
        assert.equal(backupStore, "http://minio.minio.svc:9000/platform-backups/postgres");
        const secret = resources.one("kubernetes:core/v1:Secret", "postgres-backup-store");
        assert.deepEqual(secret.inputs.stringData, { "access-key-id": "backup-writer-id", "secret-access-key": "backup-writer-secret-0123" });
        assert.ok(secret.secretInputs.includes("stringData"), "the keys are secret in the state");
        const pod = backupPod(resources);
        assert.deepEqual(pod.containers.map((c) => c.name), ["upload"]);
        const env = uploadEnv(resources);
        assert.deepEqual(env, {
            BACKUP_DIR: "/backups",
            BACKUP_STORE_PATH: "platform-backups/postgres",
            BACKUP_STORE_CREDENTIALS_DIR: "/run/store-credentials",
            HOME: "/tmp",
            RCLONE_CONFIG_STORE_ENDPOINT: "http://minio.minio.svc:9000",
            RCLONE_CONFIG_STORE_ENV_AUTH: "false",
            RCLONE_CONFIG_STORE_PROVIDER: "Other",
            RCLONE_CONFIG_STORE_TYPE: "s3",
        });
        const volume = pod.volumes.find((v) => v.name === "store-credentials");
        assert.equal(volume?.secret?.secretName, "postgres-backup-store");
        assert.deepEqual(pod.containers[0].volumeMounts.find((m) => m.name === "store-credentials"), { name: "store-credentials", mountPath: "/run/store-credentials", readOnly: true });
        assert.ok(!pod.initContainers.some((c) => c.volumeMounts.some((m) => m.name === "store-credentials")), "only the upload sees the keys");
        const plain = resources.all.filter((r) => r.name !== "postgres-backup-store" && JSON.stringify(r.inputs).includes("backup-writer-secret-0123"));
        assert.deepEqual(plain.map((r) => r.type), [], "the secret key is in no other input");
        const cron = as<out.batch.v1.CronJob>(resources.one("kubernetes:batch/v1:CronJob", "postgres-backup"));
        assert.equal(cron.spec.jobTemplate.spec.template.spec.serviceAccountName, "postgres-backup");
    });

    it("opens the endpoint's port: to its address when it is an IP, to any address for a host name", async () => {
        assert.deepEqual(endpointEgress("http://192.168.49.1:9000"), { to: [{ ipBlock: { cidr: "192.168.49.1/32" } }], ports: [{ protocol: "TCP", port: 9000 }] });
        assert.deepEqual(endpointEgress("https://minio.example.com"), { ports: [{ protocol: "TCP", port: 443 }] });
        assert.deepEqual(endpointEgress("http://minio.example.com"), { ports: [{ protocol: "TCP", port: 80 }] });
        const { resources } = await stackWith("local", STORE, [KEY_ID, SECRET_KEY]);
        const egress = backupEgress(resources);
        assert.equal(egress.length, 3);
        assert.deepEqual(egress[2], { ports: [{ protocol: "TCP", port: 9000 }] });
    });
});
