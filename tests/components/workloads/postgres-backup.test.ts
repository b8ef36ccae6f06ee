import { type BackupStoreFacts, CLUSTER_AUTOSCALER_DISRUPTION, KUBE_DNS, PUBLIC_HTTPS_EGRESS } from "../../../components/cluster/contract";
import { RCLONE_IMAGE } from "../../../facts/rclone";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import { Postgres, postgresImage } from "../../../components/workloads/postgres";
import { databaseJobName } from "../../../components/workloads/postgres-database";
import { dnsEgressRule } from "../../../components/platform/namespace";
import { BACKUP_SCRIPT_FILES, BACKUP_SCRIPTS_DIR, backupScripts, POSTGRES_BACKUP_APP, PostgresBackup, validateBackupArgs } from "../../../components/workloads/postgres-backup";
import { EXAMPLE_STACK_OF, runStack } from "../../../scripts/plan-lib";
import { mockState, type RecordedResource, type ResourceSet, runProgram } from "../../harness/mocks";
import { HARDENED_CONTAINER_SECURITY, volumeOwnerPodSecurity } from "../../harness/objects";
import { validateKubernetesObject } from "../../harness/schema";

import out = k8s.types.output;

const as = <T>(r: RecordedResource): T => r.inputs as unknown as T;
const cronJob = (rs: ResourceSet) => as<out.batch.v1.CronJob>(rs.one("kubernetes:batch/v1:CronJob"));
const podSpec = (rs: ResourceSet) => cronJob(rs).spec.jobTemplate.spec.template.spec;
const claim = (rs: ResourceSet) => rs.one("kubernetes:core/v1:PersistentVolumeClaim");
const policyNamed = (rs: ResourceSet, name: string) => as<out.networking.v1.NetworkPolicy>(rs.one("kubernetes:networking.k8s.io/v1:NetworkPolicy", name));

beforeEach(() => mockState("random:index/randomPassword:RandomPassword", () => ({ result: "mock-password" })));

function deploy(extra: Partial<ConstructorParameters<typeof PostgresBackup>[1]> = {}, version = "18.1") {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        const postgres = new Postgres(
            "postgres",
            { namespace: "apps", storageClassName: "platform-retain", storageSize: "20Gi", version, clients: [POSTGRES_BACKUP_APP], protectData: true, disruption: CLUSTER_AUTOSCALER_DISRUPTION },
            { provider },
        );
        return new PostgresBackup(
            "postgres-backup",
            { namespace: "apps", postgres: postgres.connection, storageClassName: "platform-retain", dns: KUBE_DNS, protectData: true, ...extra },
            { provider },
        );
    });
}

describe("PostgresBackup", () => {
    it("runs daily at 03:00 UTC by default, one run at a time, and fails the Job instead of retrying forever", async () => {
        const { resources } = await deploy();
        const spec = cronJob(resources).spec;
        assert.equal(spec.schedule, "0 3 * * *");
        assert.equal(spec.timeZone, "Etc/UTC");
        assert.equal(spec.concurrencyPolicy, "Forbid");
        assert.equal(spec.jobTemplate.spec.backoffLimit, 1);
        assert.ok(spec.jobTemplate.spec.activeDeadlineSeconds > 0, "a hung dump is stopped");
        assert.equal(podSpec(resources).restartPolicy, "Never");
        assert.ok(spec.failedJobsHistoryLimit >= 1, "failed Jobs stay visible");
    });

    it("takes the schedule and the number of sets to keep from its args", async () => {
        const { resources } = await deploy({ schedule: "30 1 * * MON-FRI", keep: 30 });
        assert.equal(cronJob(resources).spec.schedule, "30 1 * * MON-FRI");
        const env = Object.fromEntries(podSpec(resources).containers[0].env.map((e) => [e.name, e]));
        assert.equal(env.BACKUP_KEEP.value, "30");
    });

    it("runs backup.sh from the ConfigMap in the server's own image, with the password from the Postgres Secret", async () => {
        for (const version of [`18.6-trixie@sha256:${"0".repeat(64)}`, "17.7-bookworm"]) {
            const { resources } = await deploy({}, version);
            const pod = podSpec(resources);
            const c = pod.containers[0];
            const serverImage = as<out.apps.v1.StatefulSet>(resources.one("kubernetes:apps/v1:StatefulSet")).spec.template.spec.containers[0].image;
            assert.equal(c.image, serverImage, version);
            assert.equal(c.image, postgresImage(version));
            assert.deepEqual(c.command, ["bash", "/scripts/backup.sh"]);

            const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
            assert.equal(env.PGHOST.value, "postgres.apps.svc");
            assert.equal(env.PGPORT.value, "5432");
            assert.equal(env.PGUSER.value, "postgres");
            assert.equal(env.PGPASSWORD, undefined, "no password in the environment");
            assert.deepEqual(env.PGPASSFILE, { name: "PGPASSFILE", value: "/run/pgpass/pgpass" });
            assert.ok(c.env.every((e) => e.valueFrom === undefined), "no env from a Secret");
            assert.equal(env.BACKUP_DIR.value, "/backups");
            assert.equal(env.BACKUP_KEEP.value, "7");

            const configMap = as<out.core.v1.ConfigMap>(resources.one("kubernetes:core/v1:ConfigMap"));
            assert.equal(configMap.data["backup.sh"], fs.readFileSync(path.join(BACKUP_SCRIPTS_DIR, "backup.sh"), "utf8"), "the tested script, byte for byte");
            assert.equal(configMap.data["restore.sh"], fs.readFileSync(path.join(BACKUP_SCRIPTS_DIR, "restore.sh"), "utf8"));
            assert.equal(configMap.data["pgpass.sh"], fs.readFileSync(path.join(BACKUP_SCRIPTS_DIR, "pgpass.sh"), "utf8"));
            const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
            assert.deepEqual(volumes.scripts.configMap, { name: "postgres-backup-scripts", defaultMode: 0o555 });
        }
    });

    it("writes libpq's password file from the mounted Secret in an init step, so a Job copied from it (the restore runbook's) authenticates too", async () => {
        const { resources } = await deploy();
        const pod = podSpec(resources);
        assert.equal(pod.initContainers.length, 1);
        const init = pod.initContainers[0];
        assert.equal(init.name, "pgpass");
        assert.equal(init.image, pod.containers[0].image);
        assert.deepEqual(init.command, ["bash", "/scripts/pgpass.sh"]);
        assert.deepEqual(init.env, [
            { name: "POSTGRES_PASSWORD_FILE", value: "/run/secrets/postgres/password" },
            { name: "PGPASSFILE", value: "/run/pgpass/pgpass" },
            { name: "PGUSER", value: "postgres" },
        ]);
        assert.deepEqual(init.securityContext, HARDENED_CONTAINER_SECURITY);
        const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
        assert.deepEqual(volumes.password.secret, { secretName: "postgres-auth", defaultMode: 0o440, items: [{ key: "password", path: "password" }] });
        assert.deepEqual(volumes.pgpass.emptyDir, { medium: "Memory", sizeLimit: "1Mi" }, "the copy never touches the node's disk");
        const mounts = (c: out.core.v1.Container) => Object.fromEntries(c.volumeMounts.map((m) => [m.name, m]));
        assert.deepEqual(mounts(init).password, { name: "password", mountPath: "/run/secrets/postgres", readOnly: true });
        assert.equal(mounts(init).pgpass.readOnly, undefined, "the init step writes it");
        assert.equal(mounts(pod.containers[0]).password, undefined, "the backup itself never sees the Secret");
        assert.deepEqual(mounts(pod.containers[0]).pgpass, { name: "pgpass", mountPath: "/run/pgpass", readOnly: true });
        const cron = resources.one("kubernetes:batch/v1:CronJob");
        assert.ok(cron.dependsOn.includes(resources.one("kubernetes:core/v1:Secret").urn), "created after the Secret its pods mount");
    });

    it("is hardened like the other pods: uid 999, read-only root, /tmp an emptyDir, no escalation, no capabilities, requests", async () => {
        const { resources } = await deploy();
        const pod = podSpec(resources);
        const c = pod.containers[0];
        assert.deepEqual(pod.securityContext, volumeOwnerPodSecurity(999, 999));
        assert.deepEqual(c.securityContext, HARDENED_CONTAINER_SECURITY);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
        // Ephemeral storage: the 64Mi /tmp plus the log; the init step only a log.
        assert.equal(c.resources.requests["ephemeral-storage"], "128Mi");
        assert.equal(c.resources.limits["ephemeral-storage"], "128Mi");
        assert.equal(pod.initContainers[0].resources.limits["ephemeral-storage"], "64Mi");
        const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.mountPath, m]));
        const volumes = Object.fromEntries(pod.volumes.map((v) => [v.name, v]));
        assert.ok(volumes[mounts["/tmp"].name].emptyDir, "/tmp is an emptyDir");
        assert.equal(mounts["/scripts"].readOnly, true);
        assert.deepEqual(volumes[mounts["/backups"].name].persistentVolumeClaim, { claimName: "postgres-backup" });
    });

    it("writes to a PVC on the Retain class, sized like the data volume by default, protected and kept on delete", async () => {
        const { resources } = await deploy();
        const pvc = claim(resources);
        const spec = as<out.core.v1.PersistentVolumeClaim>(pvc).spec;
        assert.equal(spec.storageClassName, "platform-retain");
        assert.deepEqual(spec.accessModes, ["ReadWriteOnce"]);
        assert.deepEqual(spec.resources.requests, { storage: "20Gi" });
        assert.equal(pvc.protect, true);
        assert.equal(pvc.retainOnDelete, true);

        const sized = await deploy({ storageSize: "50Gi", protectData: false });
        assert.deepEqual(as<out.core.v1.PersistentVolumeClaim>(claim(sized.resources)).spec.resources.requests, { storage: "50Gi" });
        assert.equal(claim(sized.resources).protect, false, "protectData false lifts protect");
        assert.equal(claim(sized.resources).retainOnDelete, true, "the claim stays even then");
    });

    it("may reach only the Postgres pods on 5432 (and DNS), and admits nobody", async () => {
        const { resources } = await deploy();
        const p = policyNamed(resources, "postgres-backup-egress").spec;
        assert.deepEqual(p.podSelector.matchLabels, { "app.kubernetes.io/name": "postgres-backup", "app.kubernetes.io/instance": "postgres-backup", "app.kubernetes.io/part-of": "platform" });
        assert.deepEqual(p.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(p.ingress, []);
        assert.deepEqual(p.egress[0], {
            to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "postgres", "app.kubernetes.io/instance": "postgres", "app.kubernetes.io/part-of": "platform" } } }],
            ports: [{ protocol: "TCP", port: 5432 }],
        });
        assert.deepEqual(p.egress[1], dnsEgressRule(KUBE_DNS));
        assert.deepEqual(p.egress[1].ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
        // The target's resolvers, whichever they are (EKS Auto Mode: port 53 to anywhere).
        const auto = policyNamed((await deploy({ dns: { peers: "any" } })).resources, "postgres-backup-egress").spec;
        assert.deepEqual(auto.egress[1], { ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] });
        // The job pods carry the label the policies select on.
        assert.equal(cronJob(resources).spec.jobTemplate.spec.template.metadata.labels["app.kubernetes.io/name"], POSTGRES_BACKUP_APP);
    });

    it("gives every object a valid shape and an explicit provider", async () => {
        const { resources } = await deploy();
        const objects = resources.kubernetesObjects().filter((o) => o.parent.includes("PostgresBackup"));
        assert.deepEqual(objects.map((o) => o.type).sort(), [
            "kubernetes:batch/v1:CronJob",
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:PersistentVolumeClaim",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        ]);
        for (const r of objects) {
            validateKubernetesObject(r);
            assert.match(r.provider, /pulumi:providers:kubernetes::k8s::/, `${r.type} ${r.name}`);
        }
    });

    it("refuses a schedule or keep no CronJob could run with, before creating anything", () => {
        assert.throws(() => validateBackupArgs({ schedule: "0 3 * * 7" }), /^Error: PostgresBackup schedule: "0 3 \* \* 7" is not a valid schedule: day of week 7 is out of range 0-6/);
        assert.throws(() => validateBackupArgs({ keep: 0 }), /^Error: PostgresBackup keep: 0 is not an integer from 1 to 365$/);
        assert.throws(() => validateBackupArgs({ keep: 2.5 }), /keep: 2.5 is not an integer/);
        assert.doesNotThrow(() => validateBackupArgs({}));
    });
});

describe("PostgresBackup in the platform", () => {
    const platform = (values: Record<string, string>) => runStack(EXAMPLE_STACK_OF.local, values);
    const clients = (rs: ResourceSet): string[] =>
        policyNamed(rs, "postgres-allow-clients").spec.ingress[0]?.from[0].podSelector.matchExpressions[0].values ?? [];

    it("is on by default, and Postgres admits the backup pods beside the configured clients", async () => {
        const { resources } = await platform({ "platform:postgresClients": '["billing"]' });
        assert.equal(cronJob(resources).spec.schedule, "0 3 * * *");
        // The dev stack's team database's Job sits between the key's clients and the backup.
        assert.deepEqual(clients(resources), ["billing", databaseJobName("shop"), POSTGRES_BACKUP_APP]);
    });

    it("platform:postgresBackupSchedule none creates no backup objects and admits no backup pods", async () => {
        const { resources } = await platform({ "platform:postgresBackupSchedule": "none", "platform:postgresClients": '["billing"]' });
        assert.deepEqual(resources.ofType("kubernetes:batch/v1:CronJob"), []);
        assert.deepEqual(resources.all.filter((r) => r.type === "platform:index:PostgresBackup"), []);
        assert.deepEqual(clients(resources), ["billing", databaseJobName("shop")]);
    });

    it("passes schedule, keep and the volume's size from config", async () => {
        const { resources } = await platform({
            "platform:postgresBackupSchedule": "15 2 * * 0",
            "platform:postgresBackupKeep": "14",
            "platform:postgresBackupStorageSize": "60Gi",
        });
        assert.equal(cronJob(resources).spec.schedule, "15 2 * * 0");
        assert.equal(podSpec(resources).containers[0].env.find((e) => e.name === "BACKUP_KEEP")?.value, "14");
        assert.deepEqual(as<out.core.v1.PersistentVolumeClaim>(claim(resources)).spec.resources.requests, { storage: "60Gi" });
    });
});

describe("PostgresBackup with an object store", () => {
    const store: BackupStoreFacts = {
        rcloneEnv: { RCLONE_CONFIG_STORE_TYPE: "s3", RCLONE_CONFIG_STORE_ENV_AUTH: "true" },
        path: "bucket/postgres",
        location: "s3://bucket/postgres",
        serviceAccountAnnotations: { "example.com/identity": "backup-writer" },
        podLabels: { "example.com/use-identity": "true" },
        egress: [PUBLIC_HTTPS_EGRESS],
        dependsOn: [],
    };

    it("backs up in an init container and uploads as the main container, so a failed upload fails the Job", async () => {
        const { resources } = await deploy({ store });
        const spec = podSpec(resources);
        assert.deepEqual(spec.initContainers.map((c) => [c.name, c.command]), [
            ["pgpass", ["bash", "/scripts/pgpass.sh"]],
            ["backup", ["bash", "/scripts/backup.sh"]],
        ]);
        assert.deepEqual(spec.containers.map((c) => [c.name, c.image, c.command]), [["upload", RCLONE_IMAGE, ["sh", "/scripts/upload.sh"]]]);
        assert.equal(spec.restartPolicy, "Never");
        assert.equal(cronJob(resources).spec.jobTemplate.spec.backoffLimit, 1);
        // The upload reads the sets, never writes them; hardened like every container.
        const upload = spec.containers[0];
        assert.deepEqual(upload.volumeMounts.find((m) => m.name === "backups"), { name: "backups", mountPath: "/backups", readOnly: true });
        assert.deepEqual(upload.securityContext, HARDENED_CONTAINER_SECURITY);
        assert.deepEqual(Object.fromEntries(upload.env.map((e) => [e.name, e.value])), {
            BACKUP_DIR: "/backups",
            BACKUP_STORE_PATH: "bucket/postgres",
            HOME: "/tmp",
            RCLONE_CONFIG_STORE_ENV_AUTH: "true",
            RCLONE_CONFIG_STORE_TYPE: "s3",
        });
    });

    it("runs as its own ServiceAccount, annotated and labelled as the store's identity needs, with no token mounted by Kubernetes", async () => {
        const { resources } = await deploy({ store });
        const account = as<out.core.v1.ServiceAccount>(resources.one("kubernetes:core/v1:ServiceAccount"));
        assert.equal(account.metadata.name, "postgres-backup");
        assert.deepEqual(account.metadata.annotations, { "example.com/identity": "backup-writer" });
        assert.equal(account.automountServiceAccountToken, false);
        assert.equal(podSpec(resources).serviceAccountName, "postgres-backup");
        assert.equal(podSpec(resources).automountServiceAccountToken, false);
        assert.equal(cronJob(resources).spec.jobTemplate.spec.template.metadata.labels["example.com/use-identity"], "true");
        // The policy still selects the pods by the workload labels alone.
        assert.equal(policyNamed(resources, "postgres-backup-egress").spec.podSelector.matchLabels["example.com/use-identity"], undefined);
        const cron = resources.one("kubernetes:batch/v1:CronJob");
        assert.ok(cron.dependsOn.includes(resources.one("kubernetes:core/v1:ServiceAccount").urn), "the CronJob waits for its ServiceAccount");
        for (const r of resources.kubernetesObjects().filter((o) => o.parent.includes("PostgresBackup"))) validateKubernetesObject(r);
    });

    it("adds the store's egress after Postgres and DNS", async () => {
        const { resources } = await deploy({ store });
        const egress = policyNamed(resources, "postgres-backup-egress").spec.egress;
        assert.equal(egress.length, 3);
        assert.deepEqual(egress[2], PUBLIC_HTTPS_EGRESS);
    });

    it("mounts every script, the two the store scripts source included, and fails the program without one", () => {
        const scripts = backupScripts();
        assert.deepEqual(Object.keys(scripts).sort(), ["backup.sh", "download.sh", "pgpass.sh", "restore.sh", "store-env.sh", "upload.sh"]);
        for (const f of ["upload.sh", "download.sh"]) assert.match(scripts[f], /\. "\$\(dirname -- "\$0"\)\/store-env\.sh"/, `${f} sources store-env.sh from its own directory`);
        // Every backend's write-only switches are the upload's own, whatever the pod's env says.
        assert.match(scripts["upload.sh"], /^export RCLONE_CONFIG_STORE_NO_CHECK_BUCKET=true RCLONE_CONFIG_STORE_NO_CHECK_CONTAINER=true RCLONE_CONFIG_STORE_NO_HEAD=true$/m);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-scripts-"));
        for (const f of BACKUP_SCRIPT_FILES.filter((f) => f !== "store-env.sh")) fs.writeFileSync(path.join(dir, f), `# ${f}\n`);
        assert.throws(() => backupScripts(dir), /ENOENT.*store-env\.sh/, "a missing script fails the program");
        fs.rmSync(dir, { recursive: true });
    });
});
