/**
 * Postgres: one replica on a PVC of the Retain class, tuned to its memory limit, password from a
 * Secret mounted as a file (and re-applied on every start), reachable only from the pods named in
 * `clients`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DisruptionFacts } from "../cluster/contract";
import {
    dataStatefulSetSpec,
    ephemeralStorage,
    memoryQuantity,
    passwordSecret,
    type ScratchVolume,
    scratchVolume,
    secretFileVolume,
} from "./stateful-data";
import { claimSizePatch, FIRST_CLAIM_TEMPLATE_SIZE, statefulSetClaimName } from "./claim-growth";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, STATEFUL_DATA_LABEL, workloadLabels } from "../platform/workload-security";

export const POSTGRES_PORT = 5432;
/** The image's `postgres` user and group. */
export const POSTGRES_UID = 999;
export const POSTGRES_PASSWORD_KEY = "password";
/** Where the password Secret is mounted in every Postgres container of the platform. */
export const POSTGRES_SECRET_DIR = "/run/secrets/postgres";
export const POSTGRES_PASSWORD_FILE = `${POSTGRES_SECRET_DIR}/${POSTGRES_PASSWORD_KEY}`;
/** The server container's memory limit, from which its settings are derived ({@link postgresTuning}). */
export const POSTGRES_MEMORY_LIMIT_MI = 1024;
export const SET_PASSWORD_SCRIPT = path.resolve(__dirname, "postgres", "set-password.sh");

/** The image every Postgres container of the platform runs (the server and its backup job). */
export function postgresImage(version: string): string {
    return `postgres:${version}`;
}

/** Whether a version pins the image by digest (`18.6-trixie@sha256:…`), so every node runs one build. */
export function postgresVersionPinned(version: string): boolean {
    return /@sha256:[a-f0-9]{64}$/.test(version);
}

/** How a client reaches Postgres: what a backup job or an app needs for its env and NetworkPolicy. */
export interface PostgresConnection {
    /** `<service>.<namespace>.svc`. */
    host: pulumi.Output<string>;
    port: number;
    /** The superuser the image creates (`postgres`); its password is in `passwordSecret`. */
    user: string;
    /** Secret holding the password, to mount as a file; `digest` changes when the password does. */
    passwordSecret: { name: string; key: string; digest: pulumi.Output<string>; resource: pulumi.Resource };
    /** Labels of the Postgres pods, for the client's egress NetworkPolicy. */
    podLabels: Record<string, string>;
    /** The postgres image version the server runs (tag, optionally `@sha256:` digest): clients run the same tools. */
    version: string;
    /** Size of the data volume. */
    storageSize: string;
}

/** Major version of a postgres image tag: `18.1` → 18, `17.7-bookworm` → 17, `18.6-trixie@sha256:…` → 18, `16` → 16. */
export function postgresMajor(version: string): number {
    const m = /^([0-9]+)/.exec(version);
    if (!m) throw new Error(`postgres version "${version}" does not start with a major version number`);
    return Number(m[1]);
}

export interface PostgresDataLayout {
    /** Where the PVC is mounted. */
    mountPath: string;
    /** The data directory postgres uses. */
    pgdata: string;
    /** PGDATA to set in the container; undefined leaves the image's own value. */
    pgdataEnv?: string;
}

/**
 * Where the data volume goes, by major (docker-library/postgres#1259):
 * - 18+: the image sets `PGDATA=/var/lib/postgresql/<major>/docker` and declares the volume at
 *   `/var/lib/postgresql`; mounting there keeps the per-major directory, so a later `pg_upgrade`
 *   can find old and new clusters side by side on the same disk.
 * - 17 and older: the volume is `/var/lib/postgresql/data`, but a fresh disk's root holds
 *   `lost+found` and initdb refuses a non-empty directory: PGDATA must be a subdirectory.
 * Only the major decides: a new minor, variant or digest of the same major finds its data where
 * the old one left it. Changing the major needs a `pg_upgrade` anyway; this layout does not
 * migrate data.
 */
export function postgresDataLayout(version: string): PostgresDataLayout {
    const major = postgresMajor(version);
    if (major >= 18) {
        return { mountPath: "/var/lib/postgresql", pgdata: `/var/lib/postgresql/${major}/docker` };
    }
    const pgdata = "/var/lib/postgresql/data/pgdata";
    return { mountPath: "/var/lib/postgresql/data", pgdata, pgdataEnv: pgdata };
}

/** Server settings derived from the container's memory limit. */
export interface PostgresTuning {
    sharedBuffersMb: number;
    effectiveCacheSizeMb: number;
    maintenanceWorkMemMb: number;
    maxConnections: number;
    workMemKb: number;
}

/**
 * Settings for a memory limit of `memoryLimitMi` (L), so the server stays inside it instead of
 * being OOM-killed (a crash of every session and a recovery):
 * - shared_buffers = L/4: the usual starting point for a dedicated server (PostgreSQL docs,
 *   "Resource Consumption": 25% of memory); the kernel's page cache gets the rest.
 * - effective_cache_size = L/2: a planner hint, no allocation; the page cache of a container is
 *   bounded by the same limit, so less than the 3/4 usual on a whole machine.
 * - maintenance_work_mem = L/16 (at least 16 MB): each of the 3 autovacuum workers may use it.
 * - max_connections = 100 per GiB (25–400): 100 at the default 1Gi, the image's own default, so
 *   clients of a running stack meet no new limit.
 * - work_mem: what is left after shared_buffers and 3 × maintenance_work_mem, shared by every
 *   connection running 2 sorts or hashes at once.
 * At 1Gi: 256MB, 512MB, 64MB, 100 connections, 2949kB (below the image's 4MB, which 100 busy
 * connections could not all have).
 */
export function postgresTuning(memoryLimitMi: number): PostgresTuning {
    const sharedBuffersMb = Math.floor(memoryLimitMi / 4);
    const maintenanceWorkMemMb = Math.max(16, Math.floor(memoryLimitMi / 16));
    const maxConnections = Math.min(400, Math.max(25, Math.floor((memoryLimitMi * 100) / 1024)));
    const perOperationKb = ((memoryLimitMi - sharedBuffersMb - 3 * maintenanceWorkMemMb) * 1024) / (maxConnections * 2);
    return {
        sharedBuffersMb,
        effectiveCacheSizeMb: Math.floor(memoryLimitMi / 2),
        maintenanceWorkMemMb,
        maxConnections,
        workMemKb: Math.max(64, Math.floor(perOperationKb)),
    };
}

/** The server's command line: the settings are not secret, and `-c` on the command line wins over postgresql.conf. */
export function postgresServerArgs(t: PostgresTuning): string[] {
    const settings = [
        `shared_buffers=${t.sharedBuffersMb}MB`,
        `effective_cache_size=${t.effectiveCacheSizeMb}MB`,
        `maintenance_work_mem=${t.maintenanceWorkMemMb}MB`,
        `max_connections=${t.maxConnections}`,
        `work_mem=${t.workMemKb}kB`,
    ];
    return ["postgres", ...settings.flatMap((s) => ["-c", s])];
}

/** set-password.sh, run by the init container from the pod spec itself: a new script rolls the pod. */
export function setPasswordScript(): string {
    return fs.readFileSync(SET_PASSWORD_SCRIPT, "utf8");
}

/**
 * Probes. `-h 127.0.0.1`: without it pg_isready uses the Unix socket, on which the temporary
 * server of first-start initialisation already answers, so the pod would be Ready before init
 * finished. pg_isready exits 0 (accepting), 1 (rejecting: starting up, crash recovery) or 2 (no
 * response). Liveness and startup fail only on 2: recovery after a crash is progress, and killing
 * it restarts it. The startup probe covers initdb (no TCP listener yet) for up to 10 minutes.
 */
export function postgresProbes(): {
    readiness: k8s.types.input.core.v1.Probe;
    liveness: k8s.types.input.core.v1.Probe;
    startup: k8s.types.input.core.v1.Probe;
} {
    const alive = ["sh", "-c", "pg_isready -h 127.0.0.1 -U postgres -p 5432; [ $? -ne 2 ]"];
    return {
        readiness: {
            exec: { command: ["pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-p", String(POSTGRES_PORT)] },
            periodSeconds: 5,
            timeoutSeconds: 3,
            failureThreshold: 3,
        },
        liveness: { exec: { command: alive }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
        startup: { exec: { command: alive }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
    };
}

/** Pods of another namespace Postgres admits: a team's apps that carry its database's client label. */
export interface PostgresNamespaceClient {
    namespace: string;
    labels: Record<string, string>;
}

/**
 * Ingress rules admitting the clients on 5432: the pods of Postgres's namespace by
 * `app.kubernetes.io/name`, then each other namespace's pods by its labels: a peer with both
 * selectors selects the pods matching podSelector in the namespaces matching namespaceSelector
 * (NetworkPolicyPeer, networking.k8s.io/v1 API reference, checked 2026-12-07), and the namespace by
 * the label the control plane sets to its name. No clients → no rule at all: a policy with an empty
 * `ingress` list admits nobody, which the namespace's default deny already does, and an `In`
 * expression with no values is rejected by the API server.
 */
export function postgresIngressRules(clients: readonly string[], namespaceClients: readonly PostgresNamespaceClient[] = []): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    const from: k8s.types.input.networking.v1.NetworkPolicyPeer[] = [
        ...(clients.length > 0 ? [{ podSelector: { matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [...clients] }] } }] : []),
        ...namespaceClients.map((c) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": c.namespace } }, podSelector: { matchLabels: { ...c.labels } } })),
    ];
    if (from.length === 0) return [];
    return [{ from, ports: [{ protocol: "TCP", port: POSTGRES_PORT }] }];
}

export interface PostgresArgs {
    namespace: pulumi.Input<string>;
    /** StorageClass of the data PVC: the platform's Retain class, so the disk outlives the PVC. */
    storageClassName: pulumi.Input<string>;
    /**
     * PVC size, e.g. `20Gi`. Raising it later grows the live claim `data-<name>-0` (a patch; the
     * immutable template keeps the first size); the class must allow expansion, and no claim shrinks.
     */
    storageSize: string;
    /** postgres image version: a Debian tag, pinned by digest or not (`18.6-trixie@sha256:…`); its major decides the volume layout. */
    version: string;
    /** `app.kubernetes.io/name` of the pods allowed to connect. Empty: nobody. */
    clients: readonly string[];
    /** Pods of other namespaces allowed to connect, by namespace and labels (teams' apps). Default none. */
    namespaceClients?: readonly PostgresNamespaceClient[];
    /** Pulumi `protect` on the StatefulSet: deleting or replacing it fails until this is set false and applied. */
    protectData: boolean;
    /**
     * The superuser's password, a secret Output (`platform:postgresPassword`). Default: generated.
     * Changing it rolls Postgres, whose init step sets the stored password to it before the server
     * accepts connections.
     */
    password?: pulumi.Output<string>;
    /** The target's node autoscaler annotations (`ClusterTarget.nodes.disruption`). */
    disruption: DisruptionFacts;
}

/** Scratch of the server: socket/lock files, temp files, and /dev/shm, larger than the runtime's 64 MiB for parallel queries. */
const RUN: ScratchVolume = { name: "run", sizeMi: 16 };
const TMP: ScratchVolume = { name: "tmp", sizeMi: 256 };
const SHM: ScratchVolume = { name: "shm", sizeMi: 256, memory: true };

/**
 * The server, preceded by `set-password`, which makes the stored password the Secret's before
 * the server accepts a connection. The init step gets the server's resources: it runs a private
 * server on the same data, and a pod reserves the larger of its init and regular containers.
 */
export function postgresPodSpec(version: string, secret: { name: string; key: string }): k8s.types.input.core.v1.PodSpec {
    const layout = postgresDataLayout(version);
    const image = postgresImage(version);
    const env = [{ name: "POSTGRES_PASSWORD_FILE", value: POSTGRES_PASSWORD_FILE }, ...(layout.pgdataEnv ? [{ name: "PGDATA", value: layout.pgdataEnv }] : [])];
    const resources = {
        requests: { cpu: "100m", memory: "256Mi", ...ephemeralStorage([RUN, TMP, SHM]).requests },
        limits: { cpu: "1", memory: memoryQuantity(POSTGRES_MEMORY_LIMIT_MI), ...ephemeralStorage([RUN, TMP, SHM]).limits },
    };
    const mounts = [
        { name: "data", mountPath: layout.mountPath },
        // The root filesystem is read-only: socket/lock files and temp files go here.
        { name: RUN.name, mountPath: "/var/run/postgresql" },
        { name: TMP.name, mountPath: "/tmp" },
        { name: SHM.name, mountPath: "/dev/shm" },
        { name: "password", mountPath: POSTGRES_SECRET_DIR, readOnly: true },
    ];
    const probes = postgresProbes();
    return {
        ...COMMON_POD_SPEC,
        securityContext: podSecurityContext({ uid: POSTGRES_UID, fsGroup: POSTGRES_UID }),
        // The image's STOPSIGNAL is SIGINT (fast shutdown); give the checkpoint time.
        terminationGracePeriodSeconds: 60,
        initContainers: [
            {
                name: "set-password",
                image,
                imagePullPolicy: "IfNotPresent",
                command: ["bash", "-c", setPasswordScript(), "set-password"],
                env,
                resources,
                securityContext: containerSecurityContext(),
                volumeMounts: mounts,
            },
        ],
        containers: [
            {
                name: "postgres",
                image,
                imagePullPolicy: "IfNotPresent",
                args: postgresServerArgs(postgresTuning(POSTGRES_MEMORY_LIMIT_MI)),
                env,
                ports: [{ name: "postgres", containerPort: POSTGRES_PORT, protocol: "TCP" }],
                readinessProbe: probes.readiness,
                livenessProbe: probes.liveness,
                startupProbe: probes.startup,
                resources,
                securityContext: containerSecurityContext(),
                volumeMounts: mounts,
            },
        ],
        volumes: [scratchVolume(RUN), scratchVolume(TMP), scratchVolume(SHM), secretFileVolume("password", secret)],
    };
}

export class Postgres extends pulumi.ComponentResource {
    /** Host name of the (headless) Service: `<service>.<namespace>.svc`. */
    readonly host: pulumi.Output<string>;
    readonly port: number = POSTGRES_PORT;
    readonly passwordSecret: PostgresConnection["passwordSecret"];
    readonly connection: PostgresConnection;

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Postgres", name, {}, opts);

        const labels = workloadLabels("postgres", name);
        const secret = passwordSecret(name, { namespace: args.namespace, labels, key: POSTGRES_PASSWORD_KEY, password: args.password }, { parent: this });

        const service = this.service(name, args.namespace, labels);
        const statefulSet = this.statefulSet(name, args, labels, secret, service);
        this.claimSize(name, args, statefulSet);
        this.clientPolicy(name, args, labels);

        this.host = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc`;
        this.passwordSecret = { name: secret.name, key: secret.key, digest: secret.digest, resource: secret.resource };
        this.connection = {
            host: this.host,
            port: POSTGRES_PORT,
            user: "postgres",
            passwordSecret: this.passwordSecret,
            podLabels: labels,
            version: args.version,
            storageSize: args.storageSize,
        };
        this.registerOutputs({ host: this.host, passwordSecretName: secret.name });
    }

    /** Headless: one stable DNS name per pod, and clients connect to the pod directly. */
    private service(name: string, namespace: pulumi.Input<string>, labels: Record<string, string>): k8s.core.v1.Service {
        return new k8s.core.v1.Service(
            name,
            {
                metadata: { name, namespace, labels },
                spec: {
                    clusterIP: "None",
                    selector: labels,
                    ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres", protocol: "TCP" }],
                },
            },
            { parent: this },
        );
    }

    /**
     * No retainOnDelete on the StatefulSet: persistentVolumeClaimRetentionPolicy keeps the PVC and
     * the Retain class keeps the disk even if the PVC goes; with a fixed metadata.name a replace is
     * delete-then-create, which a retained old object would turn into AlreadyExists.
     */
    private statefulSet(
        name: string,
        args: PostgresArgs,
        labels: Record<string, string>,
        secret: PostgresConnection["passwordSecret"],
        service: k8s.core.v1.Service,
    ): k8s.apps.v1.StatefulSet {
        return new k8s.apps.v1.StatefulSet(
            name,
            {
                metadata: { name, namespace: args.namespace, labels: { ...labels, [STATEFUL_DATA_LABEL]: "true" } },
                spec: dataStatefulSetSpec({
                    name,
                    labels,
                    disruption: args.disruption,
                    credentialsDigest: secret.digest,
                    podSpec: postgresPodSpec(args.version, secret),
                    storageClassName: args.storageClassName,
                    storageSize: args.storageSize,
                }),
            },
            // The template keeps the size the claim was made with: `storageSize` grows the live claim.
            { parent: this, protect: args.protectData, dependsOn: [secret.resource, service], ignoreChanges: [FIRST_CLAIM_TEMPLATE_SIZE] },
        );
    }

    /** The live data claim's size: grown in place where the class allows expansion (refused where not, and when shrinking). */
    private claimSize(name: string, args: PostgresArgs, statefulSet: k8s.apps.v1.StatefulSet): void {
        claimSizePatch(
            `${name}-data-size`,
            { namespace: args.namespace, claimName: statefulSetClaimName("data", name), size: args.storageSize, storageClassName: args.storageClassName, accessModes: ["ReadWriteOnce"] },
            { parent: this, dependsOn: [statefulSet] },
        );
    }

    private clientPolicy(name: string, args: PostgresArgs, labels: Record<string, string>): k8s.networking.v1.NetworkPolicy {
        return new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-clients`,
            {
                metadata: { name: `${name}-allow-clients`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Ingress"],
                    ingress: postgresIngressRules(args.clients, args.namespaceClients),
                },
            },
            { parent: this },
        );
    }
}
