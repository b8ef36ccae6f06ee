/**
 * Logical backups of Postgres: a CronJob in the server's own image runs
 * `postgres-backup/backup.sh` (pg_dump, custom format, of every database) onto a backups volume
 * of the Retain class and keeps the newest N sets; `postgres-backup/restore.sh` is mounted beside
 * it for the restore runbook (docs/operations.md). Before either, the pod's init container runs
 * `postgres-backup/pgpass.sh`, which writes libpq's password file from the mounted Secret: no
 * password in the environment or on a command line, and any Job copied from the CronJob (the
 * runbook's) authenticates the same way. The scripts are files in the repository, tested against a
 * real PostgreSQL 18 (tests/components/workloads/postgres-backup.script.test.ts).
 *
 * Postgres admits the backup pods because the composition root (stacks/platform.ts) adds
 * `POSTGRES_BACKUP_APP` to its clients; this component only opens its own egress.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { validateCronSchedule } from "../../config/cron";
import type { BackupStoreFacts, DnsFacts } from "../cluster/contract";
import { RCLONE_IMAGE } from "../../facts/rclone";
import { dnsEgressRule } from "../platform/namespace";
import { CLAIM_SIZE, claimSizePatch } from "./claim-growth";
import { type PostgresConnection, postgresImage, POSTGRES_PASSWORD_FILE, POSTGRES_SECRET_DIR, POSTGRES_UID } from "./postgres";
import { ephemeralStorage, SECRET_FILE_MODE, type ScratchVolume, scratchVolume, secretFileVolume } from "./stateful-data";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, STATEFUL_DATA_LABEL, workloadLabels } from "../platform/workload-security";

/** `app.kubernetes.io/name` of the backup pods: what Postgres's clients list must contain. */
export const POSTGRES_BACKUP_APP = "postgres-backup";
export const DEFAULT_BACKUP_SCHEDULE = "0 3 * * *";
export const DEFAULT_BACKUP_KEEP = 7;
export const BACKUP_MOUNT = "/backups";
export const SCRIPTS_MOUNT = "/scripts";
export const BACKUP_SCRIPTS_DIR = path.resolve(__dirname, "postgres-backup");
/** Longest a backup run may take before Kubernetes stops it (and the Job shows failed). */
export const BACKUP_DEADLINE_SECONDS = 6 * 3600;
/** libpq's password file, written at pod start by pgpass.sh into a memory-backed volume. */
export const PGPASS_DIR = "/run/pgpass";
export const PGPASSFILE = `${PGPASS_DIR}/pgpass`;
/** Where the store's key pair is mounted (a local S3-compatible store only; clouds use workload identity). */
export const STORE_CREDENTIALS_DIR = "/run/store-credentials";
/** The scripts the ConfigMap holds (store-env.sh: what upload.sh and download.sh source). */
export const BACKUP_SCRIPT_FILES = ["backup.sh", "restore.sh", "pgpass.sh", "upload.sh", "download.sh", "store-env.sh"] as const;
const TMP: ScratchVolume = { name: "tmp", sizeMi: 64 };
const PGPASS: ScratchVolume = { name: "pgpass", sizeMi: 1, memory: true };

export interface PostgresBackupArgs {
    namespace: pulumi.Input<string>;
    /** The server to back up (`Postgres.connection`): host, password Secret, pod labels, image tag. */
    postgres: PostgresConnection;
    /** StorageClass of the backups PVC: the platform's Retain class, so the disk outlives the claim. */
    storageClassName: pulumi.Input<string>;
    /** Where the cluster's pods resolve names (`ClusterTarget.dns`): the job looks Postgres up by name. */
    dns: DnsFacts;
    /**
     * Size of the backups PVC. Default: the size of the Postgres data volume when the claim is made,
     * kept after (a Postgres size change does not touch it); set, it grows the live claim, which
     * must be bound (after the first backup ran) and never shrinks. A custom-format dump
     * is compressed and holds no indexes, typically well under a fifth of the data directory, so
     * the default holds the default 7 sets plus the one being written for a database that fills
     * up to about half its volume; raise it (or lower `keep`) for more; the CronJob needs no change.
     */
    storageSize?: string;
    /** Five-field cron in UTC (the CronJob's `timeZone` is `Etc/UTC`). Default `0 3 * * *`. */
    schedule?: string;
    /** Backup sets to keep, 1-365. Default 7. */
    keep?: number;
    /**
     * Pulumi `protect` on the backups PVC, as on the other stateful data. The PVC is also
     * `retainOnDelete`: lifting protection and destroying leaves the claim (and its Retain-class
     * disk) in the cluster, like the Postgres data claim that its StatefulSet never deletes.
     */
    protectData: boolean;
    /**
     * The object store each completed set is uploaded to (`ClusterTarget.backupStore`). Set, the
     * backup runs as an init container and the upload is the pod's main container, so a failed
     * upload fails the Job; the pod runs as its own ServiceAccount (named like this component),
     * which the store's identity trusts. Undefined: the sets stay on the volume only.
     */
    store?: BackupStoreFacts;
}

/** Throws on args no CronJob could run with; config.ts reports the same for user input. */
export function validateBackupArgs(args: Pick<PostgresBackupArgs, "schedule" | "keep">): void {
    const scheduleProblem = validateCronSchedule(args.schedule ?? DEFAULT_BACKUP_SCHEDULE);
    if (scheduleProblem) throw new Error(`PostgresBackup schedule: ${scheduleProblem}`);
    const keep = args.keep ?? DEFAULT_BACKUP_KEEP;
    if (!Number.isInteger(keep) || keep < 1 || keep > 365) throw new Error(`PostgresBackup keep: ${keep} is not an integer from 1 to 365`);
}

/** The scripts as ConfigMap data, read from the repository when the program runs. */
export function backupScripts(dir = BACKUP_SCRIPTS_DIR): Record<string, string> {
    return Object.fromEntries(BACKUP_SCRIPT_FILES.map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]));
}

/** Environment of the backup (and restore) container: libpq's variables and the script's own. */
export function backupEnv(postgres: PostgresConnection, keep: number): k8s.types.input.core.v1.EnvVar[] {
    return [
        { name: "PGHOST", value: postgres.host },
        { name: "PGPORT", value: String(postgres.port) },
        { name: "PGUSER", value: postgres.user },
        { name: "PGPASSFILE", value: PGPASSFILE },
        { name: "BACKUP_DIR", value: BACKUP_MOUNT },
        { name: "BACKUP_KEEP", value: String(keep) },
        // The image's HOME (/var/lib/postgresql) is on the read-only root filesystem.
        { name: "HOME", value: "/tmp" },
    ];
}

/**
 * The backup pod's init step: pgpass.sh writes libpq's password file from the mounted Secret into a
 * memory-backed volume, which the backup (or a restore Job copied from the CronJob) reads.
 */
export function pgpassInitContainer(image: string, user: string): k8s.types.input.core.v1.Container {
    return {
        name: "pgpass",
        image,
        imagePullPolicy: "IfNotPresent",
        command: ["bash", `${SCRIPTS_MOUNT}/pgpass.sh`],
        env: [
            { name: "POSTGRES_PASSWORD_FILE", value: POSTGRES_PASSWORD_FILE },
            { name: "PGPASSFILE", value: PGPASSFILE },
            { name: "PGUSER", value: user },
        ],
        resources: {
            requests: { cpu: "10m", memory: "16Mi", ...ephemeralStorage([]).requests },
            limits: { cpu: "100m", memory: "64Mi", ...ephemeralStorage([]).limits },
        },
        securityContext: containerSecurityContext(),
        volumeMounts: [
            { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
            { name: "password", mountPath: POSTGRES_SECRET_DIR, readOnly: true },
            { name: PGPASS.name, mountPath: PGPASS_DIR },
        ],
    };
}

/** The container that runs backup.sh onto the backups claim (the pod's main container without a store). */
export function backupContainer(postgres: PostgresConnection, keep: number): k8s.types.input.core.v1.Container {
    return {
        name: "backup",
        image: postgresImage(postgres.version),
        imagePullPolicy: "IfNotPresent",
        command: ["bash", `${SCRIPTS_MOUNT}/backup.sh`],
        env: backupEnv(postgres, keep),
        resources: {
            requests: { cpu: "100m", memory: "128Mi", ...ephemeralStorage([TMP]).requests },
            limits: { cpu: "1", memory: "512Mi", ...ephemeralStorage([TMP]).limits },
        },
        securityContext: containerSecurityContext(),
        volumeMounts: [
            { name: "backups", mountPath: BACKUP_MOUNT },
            { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
            { name: TMP.name, mountPath: "/tmp" },
            { name: PGPASS.name, mountPath: PGPASS_DIR, readOnly: true },
        ],
    };
}

/** Environment of the upload container: the sets, where they go, and rclone's `store` remote. */
export function uploadEnv(store: BackupStoreFacts): k8s.types.input.core.v1.EnvVar[] {
    return [
        { name: "BACKUP_DIR", value: BACKUP_MOUNT },
        { name: "BACKUP_STORE_PATH", value: store.path },
        ...(store.credentials ? [{ name: "BACKUP_STORE_CREDENTIALS_DIR", value: STORE_CREDENTIALS_DIR }] : []),
        // rclone keeps its config and cache under HOME; the root filesystem is read-only.
        { name: "HOME", value: "/tmp" },
        ...Object.entries(store.rcloneEnv)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, value]) => ({ name, value })),
    ];
}

/**
 * The upload: upload.sh copies the newest complete set from the backups claim (read-only here) to
 * the store with rclone. It runs after the backup, as the pod's main container: its exit code is the
 * Job's, so a set that did not reach the store fails the Job.
 */
export function uploadContainer(store: BackupStoreFacts): k8s.types.input.core.v1.Container {
    return {
        name: "upload",
        image: RCLONE_IMAGE,
        imagePullPolicy: "IfNotPresent",
        command: ["sh", `${SCRIPTS_MOUNT}/upload.sh`],
        env: uploadEnv(store),
        resources: {
            requests: { cpu: "50m", memory: "64Mi", ...ephemeralStorage([TMP]).requests },
            limits: { cpu: "1", memory: "512Mi", ...ephemeralStorage([TMP]).limits },
        },
        securityContext: containerSecurityContext(),
        volumeMounts: [
            { name: "backups", mountPath: BACKUP_MOUNT, readOnly: true },
            { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
            { name: TMP.name, mountPath: "/tmp" },
            ...(store.credentials ? [{ name: "store-credentials", mountPath: STORE_CREDENTIALS_DIR, readOnly: true }] : []),
        ],
    };
}

/** Where the pod's upload reads the store's key pair: a Secret volume, files readable by the pod's group. */
export function storeCredentialsVolume(secretName: pulumi.Input<string>): k8s.types.input.core.v1.Volume {
    return {
        name: "store-credentials",
        secret: {
            secretName,
            defaultMode: SECRET_FILE_MODE,
            items: [
                { key: "access-key-id", path: "access-key-id" },
                { key: "secret-access-key", path: "secret-access-key" },
            ],
        },
    };
}

/** What the pod needs for an upload: the store, its ServiceAccount, and its key Secret where there is one. */
export interface UploadPlan {
    store: BackupStoreFacts;
    serviceAccountName: pulumi.Input<string>;
    credentialsSecret?: pulumi.Input<string>;
}

/**
 * The backup pod: pgpass.sh first, then backup.sh onto the backups claim, with the scripts, the
 * password Secret and libpq's password file mounted. With an upload, the backup becomes the second
 * init container and the upload the main one, under the pod's own ServiceAccount.
 */
export function backupPodSpec(
    postgres: PostgresConnection,
    keep: number,
    scriptsConfigMap: pulumi.Input<string>,
    claimName: pulumi.Input<string>,
    upload?: UploadPlan,
): k8s.types.input.core.v1.PodSpec {
    const backup = backupContainer(postgres, keep);
    const pgpass = pgpassInitContainer(postgresImage(postgres.version), postgres.user);
    return {
        ...COMMON_POD_SPEC,
        ...(upload ? { serviceAccountName: upload.serviceAccountName } : {}),
        // Never: each failed attempt stays a failed pod with its log, instead of a restart loop.
        restartPolicy: "Never",
        // fsGroup: the new volume's root is writable, and the Secret's file readable, by the image's postgres user.
        securityContext: podSecurityContext({ uid: POSTGRES_UID, fsGroup: POSTGRES_UID }),
        initContainers: upload ? [pgpass, backup] : [pgpass],
        containers: upload ? [uploadContainer(upload.store)] : [backup],
        volumes: [
            { name: "backups", persistentVolumeClaim: { claimName } },
            { name: "scripts", configMap: { name: scriptsConfigMap, defaultMode: 0o555 } },
            scratchVolume(TMP),
            secretFileVolume("password", postgres.passwordSecret),
            scratchVolume(PGPASS),
            ...(upload?.credentialsSecret !== undefined ? [storeCredentialsVolume(upload.credentialsSecret)] : []),
        ],
    };
}

/**
 * When and how the backup runs: one run at a time, a missed run still started within the hour, one
 * retry, and a deadline.
 */
export function backupCronJobSpec(
    schedule: string,
    labels: Record<string, string>,
    podSpec: k8s.types.input.core.v1.PodSpec,
    podLabels: Record<string, string> = labels,
): k8s.types.input.batch.v1.CronJobSpec {
    return {
        schedule,
        timeZone: "Etc/UTC",
        // Two runs would write the same volume, and a run removes partial sets it finds.
        concurrencyPolicy: "Forbid",
        // A run missed by up to an hour (controller down, node pressure) still starts.
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
            metadata: { labels },
            spec: {
                // One retry for a transient failure; then the Job is failed and alerts see it.
                backoffLimit: 1,
                activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
                template: { metadata: { labels: podLabels }, spec: podSpec },
            },
        },
    };
}

/** The backup pod reaches the Postgres pods on their port, the cluster's DNS, and the store (if any) as its facts say. */
export function backupEgressRules(postgres: PostgresConnection, dns: DnsFacts, store?: BackupStoreFacts): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    return [{ to: [{ podSelector: { matchLabels: postgres.podLabels } }], ports: [{ protocol: "TCP", port: postgres.port }] }, dnsEgressRule(dns), ...(store?.egress ?? [])];
}

export class PostgresBackup extends pulumi.ComponentResource {
    /** Name of the backups PVC (the restore runbook mounts it). */
    readonly claimName: pulumi.Output<string>;
    readonly cronJobName: pulumi.Output<string>;

    constructor(name: string, args: PostgresBackupArgs, opts?: pulumi.ComponentResourceOptions) {
        validateBackupArgs(args);
        super("platform:index:PostgresBackup", name, {}, opts);

        const keep = args.keep ?? DEFAULT_BACKUP_KEEP;
        const labels = workloadLabels(POSTGRES_BACKUP_APP, name);

        const scripts = this.scripts(name, args.namespace, labels);
        const claim = this.claim(name, args, labels);
        const upload = args.store ? this.uploadIdentity(name, args.namespace, labels, args.store) : undefined;
        const podSpec = backupPodSpec(args.postgres, keep, scripts.metadata.name, claim.metadata.name, upload?.plan);
        const cronJob = this.cronJob(name, args, labels, podSpec, upload?.resources ?? []);
        this.egressPolicy(name, args, labels);

        this.claimName = claim.metadata.name;
        this.cronJobName = cronJob.metadata.name;
        this.registerOutputs({ claimName: this.claimName, cronJobName: this.cronJobName });
    }

    /**
     * The pod's own ServiceAccount, which the store's identity trusts (by name: the account is
     * `<namespace>/<name>`), and, for a store without workload identity, the Secret of its key pair.
     * No token is mounted by Kubernetes: the cloud's webhook projects its own audience-bound token
     * (EKS, AKS) or the node's metadata server answers for the account (GKE). The EKS webhook adds
     * its projected token volume whatever `automountServiceAccountToken` says
     * (aws/amazon-eks-pod-identity-webhook pkg/handler/handler.go, updatePodSpec; read 2026-12-07),
     * and so does Azure's (Azure/azure-workload-identity pkg/webhook/webhook.go, Handle ->
     * addProjectedVolume, with no automount check; read 2026-12-07).
     */
    private uploadIdentity(
        name: string,
        namespace: pulumi.Input<string>,
        labels: Record<string, string>,
        store: BackupStoreFacts,
    ): { plan: UploadPlan; resources: pulumi.Resource[] } {
        const account = new k8s.core.v1.ServiceAccount(
            name,
            { metadata: { name, namespace, labels, annotations: { ...store.serviceAccountAnnotations } }, automountServiceAccountToken: false },
            { parent: this },
        );
        const credentials = store.credentials
            ? new k8s.core.v1.Secret(
                  `${name}-store`,
                  {
                      metadata: { name: `${name}-store`, namespace, labels },
                      type: "Opaque",
                      stringData: pulumi.secret(
                          pulumi.all([store.credentials.accessKeyId, store.credentials.secretAccessKey]).apply(([id, key]) => ({ "access-key-id": id, "secret-access-key": key })),
                      ),
                  },
                  { parent: this },
              )
            : undefined;
        return {
            plan: { store, serviceAccountName: account.metadata.name, credentialsSecret: credentials ? `${name}-store` : undefined },
            resources: [account, ...(credentials ? [credentials] : []), ...store.dependsOn],
        };
    }

    /**
     * Fixed name: the runbook refers to it. A script change updates the ConfigMap in place; each
     * Job's pod reads it when it starts.
     */
    private scripts(name: string, namespace: pulumi.Input<string>, labels: Record<string, string>): k8s.core.v1.ConfigMap {
        return new k8s.core.v1.ConfigMap(
            `${name}-scripts`,
            { metadata: { name: `${name}-scripts`, namespace, labels }, data: backupScripts() },
            { parent: this },
        );
    }

    /**
     * Fixed name: the runbook mounts it. Pending until the first Job mounts it
     * (WaitForFirstConsumer); the provider treats such a claim as ready (pulumi-kubernetes#3130),
     * so `pulumi up` does not wait for 03:00.
     */
    private claim(name: string, args: PostgresBackupArgs, labels: Record<string, string>): k8s.core.v1.PersistentVolumeClaim {
        const claim = new k8s.core.v1.PersistentVolumeClaim(
            name,
            {
                metadata: { name, namespace: args.namespace, labels: { ...labels, [STATEFUL_DATA_LABEL]: "true" } },
                spec: {
                    accessModes: ["ReadWriteOnce"],
                    storageClassName: args.storageClassName,
                    resources: { requests: { storage: args.storageSize ?? args.postgres.storageSize } },
                },
            },
            // Made at its first size; later sizes reach the live claim through the patch below, so a
            // change of the Postgres size (the default) never touches this claim.
            { parent: this, protect: args.protectData, retainOnDelete: true, ignoreChanges: [CLAIM_SIZE] },
        );
        if (args.storageSize !== undefined) {
            claimSizePatch(
                `${name}-size`,
                { namespace: args.namespace, claimName: claim.metadata.name, size: args.storageSize, storageClassName: args.storageClassName, accessModes: ["ReadWriteOnce"] },
                { parent: this, dependsOn: [claim] },
            );
        }
        return claim;
    }

    private cronJob(name: string, args: PostgresBackupArgs, labels: Record<string, string>, podSpec: k8s.types.input.core.v1.PodSpec, uploadNeeds: pulumi.Resource[]): k8s.batch.v1.CronJob {
        const podLabels = { ...labels, ...(args.store?.podLabels ?? {}) };
        return new k8s.batch.v1.CronJob(
            name,
            { metadata: { name, namespace: args.namespace, labels }, spec: backupCronJobSpec(args.schedule ?? DEFAULT_BACKUP_SCHEDULE, labels, podSpec, podLabels) },
            // Its pods mount the Secrets by name and upload as the identity: all must exist first.
            { parent: this, dependsOn: [args.postgres.passwordSecret.resource, ...uploadNeeds] },
        );
    }

    /** Egress to the Postgres pods and the store only (DNS comes from the namespace's allow-dns policy). */
    private egressPolicy(name: string, args: PostgresBackupArgs, labels: Record<string, string>): k8s.networking.v1.NetworkPolicy {
        return new k8s.networking.v1.NetworkPolicy(
            `${name}-egress`,
            {
                metadata: { name: `${name}-egress`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Ingress", "Egress"],
                    ingress: [],
                    egress: backupEgressRules(args.postgres, args.dns, args.store),
                },
            },
            { parent: this },
        );
    }
}
