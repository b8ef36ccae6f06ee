/**
 * Redis for the visit counter: one replica, AOF persistence on a PVC, password required (read from
 * a file, never an argument), memory bounded below its limit, reachable only from the client pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DisruptionFacts } from "../cluster/contract";
import {
    dataStatefulSetSpec,
    ephemeralStorage,
    passwordSecret,
    type ScratchVolume,
    scratchVolume,
    secretFileVolume,
} from "./stateful-data";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, workloadLabels } from "../platform/workload-security";

/**
 * Pinned by digest: official-image tags are rebuilt in place, so with `IfNotPresent` two nodes could
 * run different builds of one tag. redis:8.2.10-alpine, multi-arch index digest from
 * docker-library/repo-info repos/redis/remote/8.2.10-alpine.md (built 2026-09-21; checked
 * 2026-12-07). Stay on 8.2.x: the AOF written by a newer minor may not load here again.
 */
export const REDIS_IMAGE = "redis:8.2.10-alpine@sha256:8d02c1dc547ea659066d2ca18fce4e80f0a84cfe56a61af2ced2c2a48de3597c";
export const REDIS_PORT = 6379;
/**
 * The alpine image's `redis` user (uid 999) and group (gid 1000): the image drops to them by itself
 * when started as root; we start as them, and the volume is group-owned by 1000 so it is writable.
 */
export const REDIS_UID = 999;
export const REDIS_GID = 1000;
export const REDIS_PASSWORD_KEY = "password";
/** The container's memory limit: what {@link redisMaxmemoryBytes} is derived from. */
export const REDIS_MEMORY_LIMIT_MI = 256;

/** Where the pod keeps the password and the config line Redis includes (memory, private to uid 999). */
export const REDIS_AUTH_DIR = "/run/redis";
export const REDIS_AUTH_CONF = `${REDIS_AUTH_DIR}/auth.conf`;
export const REDIS_PASSWORD_COPY = `${REDIS_AUTH_DIR}/password`;
const SECRET_DIR = "/run/secrets/redis";
const AUTH_VOLUME: ScratchVolume = { name: "auth", sizeMi: 1, memory: true };

/** How a client reaches Redis: everything a Deployment needs for its env and its NetworkPolicy. */
export interface RedisConnection {
    /** `<service>.<namespace>.svc` of the ClusterIP Service: resolves through the pod's DNS search path whatever the cluster domain. */
    host: pulumi.Output<string>;
    port: number;
    /** Secret holding the password, to mount as a file; `digest` changes when the password does. */
    passwordSecret: { name: string; key: string; digest: pulumi.Output<string>; resource: pulumi.Resource };
    /** Labels of the Redis pods, for the client's egress NetworkPolicy. */
    podLabels: Record<string, string>;
}

/**
 * `maxmemory` for a container limit: half of it. Redis counts only its dataset against maxmemory;
 * an AOF rewrite forks, and the child's copy-on-write pages, the allocator's fragmentation, the
 * client and AOF buffers and the loaded modules all live in the same cgroup. With persistence,
 * Redis's own guidance is that memory can double during a rewrite in the worst case: half keeps
 * the worst case under the limit, so Redis answers errors instead of being OOM-killed.
 */
export function redisMaxmemoryBytes(memoryLimitMi: number): number {
    return Math.floor((memoryLimitMi * 1024 * 1024) / 2);
}

/**
 * redis-server arguments. The password comes from the included file, never from an argument
 * (`/proc/<pid>/cmdline` is readable in the pod). `appendfsync everysec`: up to ~1 s of
 * acknowledged writes can be lost on a crash (a lost second of visit counts is acceptable);
 * `always` fsyncs every write and is the safe, much slower alternative. `noeviction`: a full
 * Redis refuses writes with an error the client sees, rather than silently dropping a counter.
 */
export function redisServerArgs(memoryLimitMi: number, authConf = REDIS_AUTH_CONF): string[] {
    return [
        "--include", authConf,
        "--dir", "/data",
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--maxmemory", String(redisMaxmemoryBytes(memoryLimitMi)),
        "--maxmemory-policy", "noeviction",
    ];
}

/**
 * Ingress rules admitting the clients on 6379, one pod selector each. No clients → no rule: a
 * policy with an empty `ingress` list admits nobody, as the namespace's default deny already does.
 */
export function redisIngressRules(clients: readonly Readonly<Record<string, string>>[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    if (clients.length === 0) return [];
    return [{ from: clients.map((matchLabels) => ({ podSelector: { matchLabels: { ...matchLabels } } })), ports: [{ protocol: "TCP", port: REDIS_PORT }] }];
}

/**
 * The init step that turns the mounted password into what Redis reads: a `requirepass` line to
 * include, and a private copy for the probes. Both are written at pod start from the same file, so
 * the server and its probes always agree, even while the kubelet updates the Secret's file under a
 * running pod. `cat` and `printf` get the file name and a fixed string, never the password.
 */
export function redisAuthScript(secretDir = SECRET_DIR, authDir = REDIS_AUTH_DIR): string {
    const copy = `${authDir}/password`;
    return [
        "set -eu",
        "umask 077",
        `cat ${secretDir}/${REDIS_PASSWORD_KEY} > ${copy}`,
        `{ printf 'requirepass '; cat ${copy}; echo; } > ${authDir}/auth.conf`,
    ].join("\n");
}

/**
 * Probes. redis-cli reads the password from stdin (`--askpass`), so it is on no command line and in
 * no environment; it exits 0 even on an error reply, hence the grep. Liveness also accepts
 * `LOADING`: a large AOF replay is progress, and killing it would restart the replay from the
 * beginning forever.
 */
export function redisProbes(passwordFile = REDIS_PASSWORD_COPY): { readiness: k8s.types.input.core.v1.Probe; liveness: k8s.types.input.core.v1.Probe } {
    const ping = `redis-cli --askpass -h 127.0.0.1 ping < ${passwordFile} 2>&1`;
    return {
        readiness: {
            exec: { command: ["sh", "-c", `${ping} | grep -q PONG`] },
            periodSeconds: 5,
            timeoutSeconds: 3,
            failureThreshold: 3,
        },
        liveness: {
            exec: { command: ["sh", "-c", `${ping} | grep -qE 'PONG|LOADING'`] },
            initialDelaySeconds: 10,
            periodSeconds: 10,
            timeoutSeconds: 5,
            failureThreshold: 6,
        },
    };
}

export interface RedisArgs {
    namespace: pulumi.Input<string>;
    /** StorageClass of the data PVC. */
    storageClassName: pulumi.Input<string>;
    /** PVC size, e.g. `5Gi`. Changing it later means resizing the PVC by hand (the template is immutable). */
    storageSize: string;
    /** Pulumi `protect` on the StatefulSet: deleting or replacing it fails until this is set false and applied. */
    protectData: boolean;
    /**
     * Pod selectors (matchLabels) of the clients allowed to connect on 6379. Given by whoever knows
     * both ends (the composition root): the server knows no client.
     */
    clients: readonly Readonly<Record<string, string>>[];
    /** The password, a secret Output (`platform:redisPassword`). Default: generated. Changing it rolls Redis and its clients. */
    password?: pulumi.Output<string>;
    /** The target's node autoscaler annotations (`ClusterTarget.nodes.disruption`). */
    disruption: DisruptionFacts;
}

export class Redis extends pulumi.ComponentResource {
    readonly connection: RedisConnection;

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Redis", name, {}, opts);

        const labels = workloadLabels("redis", name);
        const secret = passwordSecret(name, { namespace: args.namespace, labels, key: REDIS_PASSWORD_KEY, password: args.password }, { parent: this });
        const clients = this.services(name, args.namespace, labels);

        // No retainOnDelete on the StatefulSet: its PVC outlives it through
        // persistentVolumeClaimRetentionPolicy, and with a fixed metadata.name a replace is
        // delete-then-create, which a retained old object would turn into AlreadyExists.
        new k8s.apps.v1.StatefulSet(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: dataStatefulSetSpec({
                    name,
                    labels,
                    disruption: args.disruption,
                    credentialsDigest: secret.digest,
                    podSpec: this.podSpec(secret),
                    storageClassName: args.storageClassName,
                    storageSize: args.storageSize,
                }),
            },
            { parent: this, protect: args.protectData, dependsOn: [secret.resource] },
        );

        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-clients`,
            {
                metadata: { name: `${name}-allow-clients`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Ingress"],
                    ingress: redisIngressRules(args.clients),
                },
            },
            { parent: this },
        );

        this.connection = {
            host: pulumi.interpolate`${clients.metadata.name}.${clients.metadata.namespace}.svc`,
            port: REDIS_PORT,
            passwordSecret: { name: secret.name, key: secret.key, digest: secret.digest, resource: secret.resource },
            podLabels: labels,
        };

        this.registerOutputs({ host: this.connection.host, passwordSecretName: secret.name });
    }

    /**
     * Two Services on the same pods. `<name>` is headless and governs the StatefulSet: the pod gets
     * the stable name `<name>-0.<name>.<namespace>.svc`. `<name>-rw` is the ClusterIP clients use: a
     * virtual IP that does not change when the pod restarts with a new IP, as a cached DNS answer
     * would. The headless one keeps the name the StatefulSet has always had: a StatefulSet's
     * `serviceName` cannot change, and changing it would replace Redis's StatefulSet, which
     * `protectData` refuses. A stack created before the headless Service had a ClusterIP Service of
     * that name; its `clusterIP` cannot change either, so that Service (not the data) is replaced,
     * delete-then-create, once.
     */
    private services(name: string, namespace: pulumi.Input<string>, labels: Record<string, string>): k8s.core.v1.Service {
        const ports = [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }];
        new k8s.core.v1.Service(
            name,
            { metadata: { name, namespace, labels }, spec: { clusterIP: "None", selector: labels, ports } },
            { parent: this },
        );
        return new k8s.core.v1.Service(
            `${name}-rw`,
            { metadata: { name: `${name}-rw`, namespace, labels }, spec: { type: "ClusterIP", selector: labels, ports } },
            { parent: this },
        );
    }

    private podSpec(secret: { name: string; key: string }): k8s.types.input.core.v1.PodSpec {
        const probes = redisProbes();
        return {
            ...COMMON_POD_SPEC,
            securityContext: podSecurityContext({ uid: REDIS_UID, gid: REDIS_GID, fsGroup: REDIS_GID }),
            terminationGracePeriodSeconds: 30,
            initContainers: [
                {
                    name: "auth-config",
                    image: REDIS_IMAGE,
                    imagePullPolicy: "IfNotPresent",
                    command: ["sh", "-c", redisAuthScript()],
                    resources: {
                        requests: { cpu: "10m", memory: "16Mi", ...ephemeralStorage([]).requests },
                        limits: { cpu: "100m", memory: "32Mi", ...ephemeralStorage([]).limits },
                    },
                    securityContext: containerSecurityContext(),
                    volumeMounts: [
                        { name: "password", mountPath: SECRET_DIR, readOnly: true },
                        { name: AUTH_VOLUME.name, mountPath: REDIS_AUTH_DIR },
                    ],
                },
            ],
            containers: [
                {
                    name: "redis",
                    image: REDIS_IMAGE,
                    imagePullPolicy: "IfNotPresent",
                    args: redisServerArgs(REDIS_MEMORY_LIMIT_MI),
                    ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
                    readinessProbe: probes.readiness,
                    livenessProbe: probes.liveness,
                    resources: {
                        requests: { cpu: "50m", memory: "128Mi", ...ephemeralStorage([AUTH_VOLUME]).requests },
                        limits: { cpu: "500m", memory: `${REDIS_MEMORY_LIMIT_MI}Mi`, ...ephemeralStorage([AUTH_VOLUME]).limits },
                    },
                    securityContext: containerSecurityContext(),
                    volumeMounts: [
                        { name: "data", mountPath: "/data" },
                        { name: AUTH_VOLUME.name, mountPath: REDIS_AUTH_DIR, readOnly: true },
                    ],
                },
            ],
            volumes: [secretFileVolume("password", secret), scratchVolume(AUTH_VOLUME)],
        };
    }
}
