/**
 * Postgres: one replica on a PVC of the Retain class, password from a generated secret, reachable
 * only from the pods named in `clients`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DisruptionFacts } from "../cluster/contract";
import { dataClaimTemplate, generatedPasswordSecret, singleReplicaPodAnnotations } from "./stateful-data";
import { claimSizePatch, FIRST_CLAIM_TEMPLATE_SIZE, statefulSetClaimName } from "./claim-growth";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, STATEFUL_DATA_LABEL, workloadLabels } from "../platform/workload-security";

export const POSTGRES_PORT = 5432;
/** The image's `postgres` user and group. */
export const POSTGRES_UID = 999;
export const POSTGRES_PASSWORD_KEY = "password";

/** The image every Postgres container of the platform runs (the server and its backup job). */
export function postgresImage(version: string): string {
    return `postgres:${version}`;
}

/** How a client reaches Postgres: what a backup job or an app needs for its env and NetworkPolicy. */
export interface PostgresConnection {
    /** `<service>.<namespace>.svc`. */
    host: pulumi.Output<string>;
    port: number;
    /** The superuser the image creates (`postgres`); its password is in `passwordSecret`. */
    user: string;
    passwordSecret: { name: pulumi.Output<string>; key: string };
    /** Labels of the Postgres pods, for the client's egress NetworkPolicy. */
    podLabels: Record<string, string>;
    /** The postgres image tag the server runs: clients run the same tools. */
    version: string;
    /** Size of the data volume. */
    storageSize: string;
}

/** Major version of a postgres image tag: `18.1` → 18, `17.7-bookworm` → 17, `16` → 16. */
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
 * Changing the major of an existing deployment needs a `pg_upgrade` anyway; this layout does not
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

/**
 * Ingress rules admitting the client apps on 5432. No clients → no rule at all: a policy with an
 * empty `ingress` list admits nobody, which the namespace's default deny already does, and an
 * `In` expression with no values is rejected by the API server.
 */
export function postgresIngressRules(clients: readonly string[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    if (clients.length === 0) return [];
    return [
        {
            from: [
                {
                    podSelector: {
                        matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [...clients] }],
                    },
                },
            ],
            ports: [{ protocol: "TCP", port: POSTGRES_PORT }],
        },
    ];
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
    /** postgres image tag, e.g. `18.1`; its major decides the volume layout. */
    version: string;
    /** `app.kubernetes.io/name` of the pods allowed to connect. Empty: nobody. */
    clients: readonly string[];
    /**
     * Pulumi `protect` on the StatefulSet, its password Secret and the RandomPassword: any delete or
     * replace fails until this is set false and applied. The password is protected with the data:
     * initdb sets it only once, so a new password over kept data locks every client out.
     */
    protectData: boolean;
    /** The target's node autoscaler annotations (`ClusterTarget.nodes.disruption`). */
    disruption: DisruptionFacts;
}

export class Postgres extends pulumi.ComponentResource {
    /** Host name of the (headless) Service: `<service>.<namespace>.svc`. */
    readonly host: pulumi.Output<string>;
    readonly port: number = POSTGRES_PORT;
    readonly passwordSecret: { name: pulumi.Output<string>; key: string };
    readonly connection: PostgresConnection;

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Postgres", name, {}, opts);

        const labels = workloadLabels("postgres", name);
        const layout = postgresDataLayout(args.version);
        // No retainOnDelete on the StatefulSet: persistentVolumeClaimRetentionPolicy keeps the PVC
        // and the Retain class keeps the disk even if the PVC goes; with a fixed metadata.name a
        // replace is delete-then-create, which a retained old object would turn into AlreadyExists.
        const dataOpts = { parent: this, protect: args.protectData };

        const secret = generatedPasswordSecret(name, { namespace: args.namespace, labels, key: POSTGRES_PASSWORD_KEY }, dataOpts);

        // Headless: one stable DNS name per pod, and clients connect to the pod directly.
        const service = new k8s.core.v1.Service(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: {
                    clusterIP: "None",
                    selector: labels,
                    ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres", protocol: "TCP" }],
                },
            },
            { parent: this },
        );

        const probes = postgresProbes();
        const statefulSet = new k8s.apps.v1.StatefulSet(
            name,
            {
                metadata: { name, namespace: args.namespace, labels: { ...labels, [STATEFUL_DATA_LABEL]: "true" } },
                spec: {
                    replicas: 1,
                    serviceName: service.metadata.name,
                    selector: { matchLabels: labels },
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    template: {
                        // Its emptyDirs need no listing: never-disrupt already keeps the autoscaler away.
                        metadata: { labels, annotations: singleReplicaPodAnnotations(args.disruption) },
                        spec: {
                            ...COMMON_POD_SPEC,
                            securityContext: podSecurityContext({ uid: POSTGRES_UID, fsGroup: POSTGRES_UID }),
                            // The image's STOPSIGNAL is SIGINT (fast shutdown); give the checkpoint time.
                            terminationGracePeriodSeconds: 60,
                            containers: [
                                {
                                    name: "postgres",
                                    image: postgresImage(args.version),
                                    imagePullPolicy: "IfNotPresent",
                                    env: [
                                        {
                                            name: "POSTGRES_PASSWORD",
                                            valueFrom: { secretKeyRef: { name: secret.metadata.name, key: POSTGRES_PASSWORD_KEY } },
                                        },
                                        ...(layout.pgdataEnv ? [{ name: "PGDATA", value: layout.pgdataEnv }] : []),
                                    ],
                                    ports: [{ name: "postgres", containerPort: POSTGRES_PORT, protocol: "TCP" }],
                                    readinessProbe: probes.readiness,
                                    livenessProbe: probes.liveness,
                                    startupProbe: probes.startup,
                                    resources: {
                                        requests: { cpu: "100m", memory: "256Mi" },
                                        limits: { cpu: "1", memory: "1Gi" },
                                    },
                                    securityContext: containerSecurityContext(),
                                    volumeMounts: [
                                        { name: "data", mountPath: layout.mountPath },
                                        // The root filesystem is read-only: socket/lock files and temp files go here.
                                        { name: "run", mountPath: "/var/run/postgresql" },
                                        { name: "tmp", mountPath: "/tmp" },
                                        // The container runtime's default /dev/shm is 64 MiB, too small for parallel queries.
                                        { name: "shm", mountPath: "/dev/shm" },
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "run", emptyDir: { sizeLimit: "16Mi" } },
                                { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
                                { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
                            ],
                        },
                    },
                    volumeClaimTemplates: [dataClaimTemplate(labels, args.storageClassName, args.storageSize)],
                },
            },
            // The template keeps the size the claim was made with: `storageSize` grows the live claim.
            { ...dataOpts, ignoreChanges: [FIRST_CLAIM_TEMPLATE_SIZE] },
        );
        claimSizePatch(
            `${name}-data-size`,
            { namespace: args.namespace, claimName: statefulSetClaimName("data", name), size: args.storageSize, storageClassName: args.storageClassName, accessModes: ["ReadWriteOnce"] },
            { parent: this, dependsOn: [statefulSet] },
        );

        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-clients`,
            {
                metadata: { name: `${name}-allow-clients`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Ingress"],
                    ingress: postgresIngressRules(args.clients),
                },
            },
            { parent: this },
        );

        this.host = pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc`;
        this.passwordSecret = { name: secret.metadata.name, key: POSTGRES_PASSWORD_KEY };
        this.connection = {
            host: this.host,
            port: POSTGRES_PORT,
            user: "postgres",
            passwordSecret: this.passwordSecret,
            podLabels: labels,
            version: args.version,
            storageSize: args.storageSize,
        };
        this.registerOutputs({ host: this.host, passwordSecretName: secret.metadata.name });
    }
}
