/**
 * `App`: a service of an application team on the platform, from typed arguments and the platform
 * contract's data (`AppPlatform`). The same component runs in the platform stack (the visit
 * counter, with data built from the live components) and in an app stack (data read from the
 * platform stack's `platformContract` output).
 *
 * What every app gets without asking: the restricted security context (non-root, read-only root,
 * no capabilities), a disruption budget when it can run more than one replica, topology spread over
 * zones and nodes, the node autoscaler's annotations for its scratch volumes, and NetworkPolicies:
 * only the entry points' data planes reach it, and it reaches only what it declares (DNS is the
 * namespace's own rule). Every decision is a plain exported function below, which tests call.
 *
 * The workload is always a Deployment: per-replica disks (a StatefulSet) are what a database needs,
 * and the platform's databases are Redis and Postgres, which an app `uses`. A volume on a
 * ReadWriteOnce class can be attached to one node at a time, so it is allowed only for a single
 * replica without autoscaling (rolled out with `Recreate`); `shared` (ReadWriteMany) takes any
 * number of replicas.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appImageProblem } from "../../config/keys";
import type { StorageRole } from "../cluster/contract";
import type { AppRoute } from "../entry-points/contract";
import { gatewayRouteTls } from "../entry-points/envoy-gateway";
import { routeThroughEntryPoint } from "../entry-points/routes";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, STATEFUL_DATA_LABEL, workloadLabels } from "../platform/workload-security";
import { CREDENTIALS_DIGEST_ANNOTATION, ephemeralStorage, type ScratchVolume, scratchVolume, secretFileVolume } from "../workloads/stateful-data";
import type { RedisConnection } from "../workloads/redis";
import type { PostgresDatabaseConnection } from "../workloads/postgres-database";
import { type AppPlatform, CONTRACT_NONE, disruptionFromData, type EntryPointFacts, type PeerData, type TeamDatabaseFacts } from "./contract";

export const APP_TYPE = "platform:index:App";
/** The uid apps run as unless they say otherwise (the visit counter's Dockerfile `USER 10001:10001`). */
export const DEFAULT_APP_UID = 10001;
export const DEFAULT_SERVICE_PORT = 80;
export const DEFAULT_REPLICAS = 2;
export const DEFAULT_CPU_TARGET_UTILIZATION = 70;
export const DEFAULT_PRE_STOP_SLEEP_SECONDS = 5;
/** A writable `/tmp` (the root filesystem is read-only), lost with the pod. */
export const DEFAULT_SCRATCH: readonly AppScratch[] = [{ name: "tmp", mountPath: "/tmp", sizeMi: 64 }];
/** Where the Redis password file of `uses.redis` is mounted (`REDIS_PASSWORD_FILE` names the file). */
export const REDIS_SECRET_DIR = "/run/secrets/redis";
/** Where the Postgres password file of `uses.postgres` is mounted (`POSTGRES_PASSWORD_FILE` names the file). */
export const POSTGRES_SECRET_DIR = "/run/secrets/postgres";
/** App names become object names with suffixes (`-allow-ingress-controller`): kept short enough for every one. */
export const MAX_APP_NAME_LENGTH = 40;

/** A persistent volume on one of the platform's StorageClasses. */
export interface AppVolume {
    /** Volume name, a DNS label; the claim is `<app>-<name>`. */
    name: string;
    mountPath: string;
    /**
     * `general` (`platform-standard`: ReadWriteOnce, the disk goes with the claim), `retain`
     * (`platform-retain`: ReadWriteOnce, the disk outlives the claim) or `shared`
     * (`platform-shared`: ReadWriteMany, where the target offers it).
     */
    role: StorageRole;
    /** Claim size, a quantity such as `1Gi`. */
    size: string;
}

/** A scratch `emptyDir`, lost with the pod; `memory` keeps it in RAM (counted as memory). */
export interface AppScratch {
    name: string;
    mountPath: string;
    sizeMi: number;
    memory?: boolean;
}

/**
 * A Secret of the app's namespace mounted as files (one per key): the recommended way for an app
 * to read a credential. Files do not leak into crash dumps, child processes or `kubectl describe`
 * as env values do, and a rotated Secret reaches the files without a restart.
 */
export interface AppSecretFiles {
    secretName: string;
    mountPath: string;
    /** Keys to show (each as a file of its name). Default: every key. */
    keys?: string[];
}

/**
 * One env variable from a Secret key: the fallback for software that reads a credential only
 * from its environment. Prefer {@link AppSecretFiles}.
 */
export interface AppSecretEnv {
    name: string;
    secretName: string;
    key: string;
}

export interface AppAutoscaling {
    /** The HPA's ceiling (its floor is `replicas`). */
    maxReplicas: number;
    /** Average CPU utilisation of the requests the HPA aims at, 1-100. Default 70. */
    cpuUtilization?: number;
}

export interface AppResources {
    /** Required: the scheduler places by requests and the HPA measures CPU against them. */
    requests: { cpu: string; memory: string };
    limits?: { cpu?: string; memory?: string };
}

/** Where clients reach the app through every entry point of the platform. */
export interface AppRouteArgs {
    /** Public host name. Unset: the entry point's own address. */
    host?: string;
    /** Path prefix. Default `/`. */
    path?: string;
}

/** Egress the app declares beyond its `uses`: to these peers on these ports. */
export interface AppEgress {
    to: PeerData[];
    ports: { port: number; protocol?: "TCP" | "UDP" }[];
}

/**
 * A database of the app's own: a `PostgresDatabase`'s connection where the app runs in Postgres's
 * namespace (the platform stack's apps), or a team's database as the platform contract carries it
 * (`TeamFacts.postgres`: data only, for an app stack, whose pods then carry its client label).
 */
export type AppPostgres = PostgresDatabaseConnection | TeamDatabaseFacts<pulumi.Input<string>>;

/** The platform's data services an app uses; access is granted both ways at the composition root. */
export interface AppUses {
    redis?: RedisConnection;
    postgres?: AppPostgres;
}

export interface AppProbes {
    readiness?: k8s.types.input.core.v1.Probe;
    liveness?: k8s.types.input.core.v1.Probe;
    startup?: k8s.types.input.core.v1.Probe;
}

export interface AppArgs {
    namespace: pulumi.Input<string>;
    /** The platform as data: entry points, TLS, storage classes, node facts. */
    platform: AppPlatform;
    /**
     * The image: a reference pinned by digest (`registry/repo@sha256:…`; a tag alone is refused,
     * tags move), or the output of an image this program builds (`AppImage.imageName`, tagged by
     * content).
     */
    image: string | pulumi.Output<string>;
    /** The port the container listens on (named `http`). */
    port: number;
    /** The Service's port. Default 80. */
    servicePort?: number;
    /** Replicas, or the HPA's floor with `autoscaling`. Default 2. */
    replicas?: number;
    /** Scale on CPU between `replicas` and `maxReplicas`. Default: a fixed `replicas`. */
    autoscaling?: AppAutoscaling;
    resources: AppResources;
    /** Default: readiness on a TCP connect to the port; no liveness (a wrong one restarts healthy pods). */
    probes?: AppProbes;
    env?: Record<string, pulumi.Input<string>>;
    /** Secrets as files: the recommended form. */
    secretFiles?: AppSecretFiles[];
    /** Secrets as env values: the fallback for software that cannot read a file. */
    secretEnv?: AppSecretEnv[];
    volumes?: AppVolume[];
    /** Default: a 64Mi `/tmp`. */
    scratch?: readonly AppScratch[];
    /** Unset: no route (reached inside the cluster only, by whoever its NetworkPolicies admit). */
    route?: AppRouteArgs;
    uses?: AppUses;
    egress?: AppEgress[];
    /** uid (and gid, fsGroup) the app runs as. Default 10001. */
    uid?: number;
    /** Seconds the pod keeps serving after SIGTERM (needs `sleep` in the image); 0 for none. Default 5. */
    preStopSleepSeconds?: number;
    /** `app.kubernetes.io/name` of the pods, what servers admit. Default the component's name. */
    appName?: string;
    /** What the routing objects wait for, per entry point kind (the platform stack's CRDs and Gateway). Default none. */
    routesDependOn?: Partial<Record<EntryPointFacts["kind"], readonly pulumi.Resource[]>>;
    /** Pulumi `protect` on the app's volume claims. Default false (a `retain` class keeps the disk anyway). */
    protectData?: boolean;
}

/** Arguments with their defaults filled in. */
export type ResolvedAppArgs = AppArgs &
    Required<Pick<AppArgs, "servicePort" | "replicas" | "scratch" | "uid" | "preStopSleepSeconds" | "appName" | "volumes" | "egress" | "env" | "secretFiles" | "secretEnv">>;

/** Thrown before any resource exists, listing every problem of an App's arguments. */
export class AppArgsError extends pulumi.RunError {
    constructor(name: string, problems: readonly string[]) {
        super(`App ${name}: ${problems.join("; ")}`);
        this.name = "AppArgsError";
    }
}

/** The defaults, in one place. */
export function resolveAppArgs(name: string, args: AppArgs): ResolvedAppArgs {
    return {
        ...args,
        servicePort: args.servicePort ?? DEFAULT_SERVICE_PORT,
        replicas: args.replicas ?? DEFAULT_REPLICAS,
        scratch: args.scratch ?? DEFAULT_SCRATCH,
        uid: args.uid ?? DEFAULT_APP_UID,
        preStopSleepSeconds: args.preStopSleepSeconds ?? DEFAULT_PRE_STOP_SLEEP_SECONDS,
        appName: args.appName ?? name,
        volumes: args.volumes ?? [],
        egress: args.egress ?? [],
        env: args.env ?? {},
        secretFiles: args.secretFiles ?? [],
        secretEnv: args.secretEnv ?? [],
    };
}

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/;

function validPort(port: number): boolean {
    return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** The most replicas the app can run: the HPA's ceiling, or the fixed count. */
export function maxReplicasOf(args: Pick<AppArgs, "replicas" | "autoscaling">): number {
    return args.autoscaling?.maxReplicas ?? args.replicas ?? DEFAULT_REPLICAS;
}

/** Whether a role's claims are ReadWriteOnce (one node at a time). */
export function readWriteOnce(role: StorageRole): boolean {
    return role !== "shared";
}

/** What is wrong with the name, image, ports, replicas and resources. */
export function workloadProblems(name: string, a: ResolvedAppArgs): string[] {
    const p: string[] = [];
    if (!DNS_LABEL.test(name) || name.length > MAX_APP_NAME_LENGTH) p.push(`name "${name}" must be a DNS label (a-z, 0-9, -) of at most ${MAX_APP_NAME_LENGTH} characters`);
    if (typeof a.image === "string") {
        const problem = appImageProblem(a.image);
        if (problem !== undefined) p.push(`image ${problem}`);
    }
    if (!validPort(a.port)) p.push(`port ${a.port} must be an integer from 1 to 65535`);
    if (!validPort(a.servicePort)) p.push(`servicePort ${a.servicePort} must be an integer from 1 to 65535`);
    if (!Number.isInteger(a.replicas) || a.replicas < 1) p.push(`replicas ${a.replicas} must be an integer >= 1`);
    if (a.autoscaling !== undefined) {
        const { maxReplicas, cpuUtilization } = a.autoscaling;
        if (!Number.isInteger(maxReplicas) || maxReplicas < a.replicas) p.push(`autoscaling.maxReplicas ${maxReplicas} must be an integer >= replicas (${a.replicas})`);
        if (cpuUtilization !== undefined && (!Number.isInteger(cpuUtilization) || cpuUtilization < 1 || cpuUtilization > 100)) {
            p.push(`autoscaling.cpuUtilization ${cpuUtilization} must be an integer from 1 to 100`);
        }
    }
    const requests = a.resources?.requests;
    for (const r of ["cpu", "memory"] as const) {
        const v = requests?.[r];
        if (typeof v !== "string" || !QUANTITY.test(v)) p.push(`resources.requests.${r} is required (a quantity such as ${r === "cpu" ? "100m" : "128Mi"}): the scheduler places pods by it and the autoscaler measures against it; got ${JSON.stringify(v)}`);
    }
    return p;
}

/** What is wrong with the volumes: names, sizes, classes the platform does not offer, ReadWriteOnce with several replicas. */
export function volumeProblems(a: ResolvedAppArgs): string[] {
    const p: string[] = [];
    const names = [...a.volumes.map((v) => v.name), ...a.scratch.map((s) => s.name)];
    const dup = names.filter((n, i) => names.indexOf(n) !== i);
    if (dup.length > 0) p.push(`volume names must be unique; repeated: ${[...new Set(dup)].join(", ")}`);
    const max = maxReplicasOf(a);
    for (const v of a.volumes) {
        if (!DNS_LABEL.test(v.name)) p.push(`volume name "${v.name}" must be a DNS label`);
        if (!QUANTITY.test(v.size)) p.push(`volume ${v.name}: size "${v.size}" is not a quantity such as 1Gi`);
        const className = a.platform.storageClasses[v.role];
        if (className === undefined || className === CONTRACT_NONE) {
            p.push(`volume ${v.name}: role ${v.role} is not offered on this platform (storageClasses.${v.role} is ${CONTRACT_NONE}); use general or retain`);
        } else if (readWriteOnce(v.role) && max > 1) {
            p.push(
                `volume ${v.name}: role ${v.role} (${className}) is ReadWriteOnce, attachable to one node at a time, so it cannot serve ${max} replicas of a Deployment; ` +
                    "use role shared (ReadWriteMany), or replicas 1 without autoscaling",
            );
        }
    }
    return p;
}

/** What is wrong with the route: its path, its host, and a TLS host the Gateway's HTTPS listener does not serve. */
export function routeProblems(a: ResolvedAppArgs): string[] {
    const p: string[] = [];
    if (a.route === undefined) return p;
    const { host, path } = a.route;
    if (path !== undefined && !/^\/[A-Za-z0-9._~\-/]*$/.test(path)) p.push(`route.path "${path}" must start with / and hold only URL path characters`);
    if (host !== undefined && !DNS_NAME.test(host)) p.push(`route.host "${host}" is not a DNS name`);
    const domain = a.platform.tls.domain;
    const gateway = a.platform.entryPoints.some((e) => e.kind === "gateway");
    if (gateway && a.platform.tls.enabled && host !== undefined && host !== domain) {
        p.push(`route.host "${host}": the Gateway's HTTPS listener serves only ${domain ?? "(no domain)"}; route under that host (with a path) or leave host unset`);
    }
    if (a.platform.entryPoints.length === 0) p.push("the platform lists no entry point to route through");
    return p;
}

/** Refuses bad arguments before any resource exists, naming every problem at once. */
export function validateAppArgs(name: string, a: ResolvedAppArgs): void {
    const problems = [...workloadProblems(name, a), ...volumeProblems(a), ...routeProblems(a)];
    for (const e of a.egress) for (const port of e.ports) if (!validPort(port.port)) problems.push(`egress port ${port.port} must be an integer from 1 to 65535`);
    if (problems.length > 0) throw new AppArgsError(name, problems);
}

/** Labels a server's NetworkPolicy admits the app by (what a composition root hands Redis as a client). */
export function appClientLabels(appName: string): Record<string, string> {
    return { "app.kubernetes.io/name": appName };
}

/** Where users reach the app: https with a host and TLS, http with a host only, else the entry point's address. */
export function appUrl(host: string | undefined, tls: boolean, endpoint: string, path = "/"): string {
    const base = host === undefined ? `http://${endpoint}` : tls ? `https://${host}` : `http://${host}`;
    return `${base}${path}`;
}

/** Whether an entry point serves the app's route on https. */
export function routeServesTls(entryPoint: EntryPointFacts<unknown>, tls: boolean, host: string | undefined): boolean {
    return entryPoint.kind === "gateway" ? gatewayRouteTls(tls, host, entryPoint.listeners) : tls && host !== undefined;
}

/**
 * Spread the replicas over zones and nodes: prefer that one zone's (or node's) loss takes out as
 * few as possible, but never leave a pod Pending for it (local clusters have one zone).
 */
export function appTopologySpread(labels: Record<string, string>): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: labels },
        matchLabelKeys: ["pod-template-hash"],
    }));
}

/** The scratch volumes as the shared helpers see them. */
function scratchVolumes(a: ResolvedAppArgs): ScratchVolume[] {
    return a.scratch.map((s) => ({ name: s.name, sizeMi: s.sizeMi, ...(s.memory ? { memory: true } : {}) }));
}

/** Env of the data services the app uses: where they are and the file holding the password. */
export function usesEnv(uses: AppUses | undefined): k8s.types.input.core.v1.EnvVar[] {
    const env: k8s.types.input.core.v1.EnvVar[] = [];
    if (uses?.redis) {
        env.push(
            { name: "REDIS_HOST", value: uses.redis.host },
            { name: "REDIS_PORT", value: String(uses.redis.port) },
            { name: "REDIS_PASSWORD_FILE", value: `${REDIS_SECRET_DIR}/${uses.redis.passwordSecret.key}` },
        );
    }
    if (uses?.postgres) {
        const pg = uses.postgres;
        env.push(
            { name: "PGHOST", value: pg.host },
            { name: "PGPORT", value: String(pg.port) },
            { name: "PGDATABASE", value: pg.database },
            { name: "PGUSER", value: pg.user },
            { name: "POSTGRES_PASSWORD_FILE", value: `${POSTGRES_SECRET_DIR}/${pg.passwordSecret.key}` },
        );
    }
    return env;
}

/** The Secrets the data services' passwords are mounted from, as volumes and mounts. */
function usesSecretVolumes(uses: AppUses | undefined): { volumes: k8s.types.input.core.v1.Volume[]; mounts: k8s.types.input.core.v1.VolumeMount[] } {
    const volumes: k8s.types.input.core.v1.Volume[] = [];
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [];
    if (uses?.redis) {
        volumes.push(secretFileVolume("redis-password", uses.redis.passwordSecret));
        mounts.push({ name: "redis-password", mountPath: REDIS_SECRET_DIR, readOnly: true });
    }
    if (uses?.postgres) {
        volumes.push(secretFileVolume("postgres-password", uses.postgres.passwordSecret));
        mounts.push({ name: "postgres-password", mountPath: POSTGRES_SECRET_DIR, readOnly: true });
    }
    return { volumes, mounts };
}

/** Claim name of a volume. */
export function claimName(app: string, volume: string): string {
    return `${app}-${volume}`;
}

/** Every volume of the pod and where the container mounts it: scratch, the uses' passwords, Secret files, claims. */
export function appVolumes(name: string, a: ResolvedAppArgs): { volumes: k8s.types.input.core.v1.Volume[]; mounts: k8s.types.input.core.v1.VolumeMount[] } {
    const uses = usesSecretVolumes(a.uses);
    const secretFiles = a.secretFiles.map((s, i) => ({
        volume: {
            name: `secret-${i}`,
            secret: { secretName: s.secretName, defaultMode: 0o440, ...(s.keys ? { items: s.keys.map((key) => ({ key, path: key })) } : {}) },
        },
        mount: { name: `secret-${i}`, mountPath: s.mountPath, readOnly: true },
    }));
    return {
        volumes: [
            ...scratchVolumes(a).map(scratchVolume),
            ...uses.volumes,
            ...secretFiles.map((s) => s.volume),
            ...a.volumes.map((v) => ({ name: v.name, persistentVolumeClaim: { claimName: claimName(name, v.name) } })),
        ],
        mounts: [
            ...a.scratch.map((s) => ({ name: s.name, mountPath: s.mountPath })),
            ...uses.mounts,
            ...secretFiles.map((s) => s.mount),
            ...a.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
        ],
    };
}

/** Requests (required) and limits, with the ephemeral storage the scratch volumes and logs need. */
export function appResources(a: ResolvedAppArgs): k8s.types.input.core.v1.ResourceRequirements {
    const eph = ephemeralStorage(scratchVolumes(a));
    return {
        requests: { cpu: a.resources.requests.cpu, memory: a.resources.requests.memory, ...eph.requests },
        limits: { ...a.resources.limits, ...eph.limits },
    };
}

/** The default probes: ready once the port accepts connections. */
export function defaultProbes(): AppProbes {
    return { readiness: { tcpSocket: { port: "http" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 } };
}

/** The app container. */
export function appContainer(name: string, a: ResolvedAppArgs, image: pulumi.Input<string>): k8s.types.input.core.v1.Container {
    const probes = a.probes ?? defaultProbes();
    const env = [
        ...usesEnv(a.uses),
        ...Object.entries(a.env).map(([n, value]) => ({ name: n, value })),
        ...a.secretEnv.map((s) => ({ name: s.name, valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } } })),
    ];
    return {
        name: "app",
        image,
        // Digest-pinned or content-tagged: a pull per start would only add latency, and a local
        // (kind-loaded) image cannot be pulled at all.
        imagePullPolicy: "IfNotPresent",
        ports: [{ name: "http", containerPort: a.port, protocol: "TCP" }],
        ...(env.length > 0 ? { env } : {}),
        ...(probes.readiness ? { readinessProbe: probes.readiness } : {}),
        ...(probes.liveness ? { livenessProbe: probes.liveness } : {}),
        ...(probes.startup ? { startupProbe: probes.startup } : {}),
        // Endpoint removal reaches the entry point a moment after SIGTERM: keep serving meanwhile
        // so a rollout or scale-down causes no 502s.
        ...(a.preStopSleepSeconds > 0 ? { lifecycle: { preStop: { exec: { command: ["sleep", String(a.preStopSleepSeconds)] } } } } : {}),
        resources: appResources(a),
        securityContext: containerSecurityContext(),
        volumeMounts: appVolumes(name, a).mounts,
    };
}

/** The app's pod: hardened, spread, its volumes. */
export function appPodSpec(name: string, a: ResolvedAppArgs, labels: Record<string, string>, image: pulumi.Input<string>): k8s.types.input.core.v1.PodSpec {
    return {
        ...COMMON_POD_SPEC,
        // fsGroup: mounted Secret files are readable by the app's group only, and claims writable.
        securityContext: podSecurityContext({ uid: a.uid, fsGroup: a.uid }),
        topologySpreadConstraints: appTopologySpread(labels),
        containers: [appContainer(name, a, image)],
        volumes: appVolumes(name, a).volumes,
    };
}

/**
 * Pod annotations: the scratch volumes named as safe to lose (so nodes the HPA's extra replicas
 * brought in can be removed again), and a digest of the passwords the app reads at start, so a new
 * password rolls the pods.
 */
export function appPodAnnotations(a: ResolvedAppArgs): Record<string, pulumi.Input<string>> {
    const scratch = disruptionFromData(a.platform.nodes.disruption).scratchVolumesEvictable(a.scratch.map((s) => s.name));
    // A team database's Secret is not this stack's: no digest (a new password reaches the mounted file, not a restart).
    const pg = a.uses?.postgres;
    const digests = [a.uses?.redis?.passwordSecret.digest, pg !== undefined && !isDatabaseData(pg) ? pg.passwordSecret.digest : undefined].filter((d) => d !== undefined);
    if (digests.length === 0) return scratch;
    return { ...scratch, [CREDENTIALS_DIGEST_ANNOTATION]: digests.length === 1 ? digests[0] : pulumi.all(digests).apply((ds) => ds.join(",")) };
}

/**
 * How the Deployment rolls out. With a ReadWriteOnce claim the old pod must let go of the volume
 * first (`Recreate`); otherwise never below the current capacity.
 */
export function appStrategy(a: ResolvedAppArgs): k8s.types.input.apps.v1.DeploymentStrategy {
    if (a.volumes.some((v) => readWriteOnce(v.role))) return { type: "Recreate" };
    return { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } };
}

/** Autoscaling on CPU between the floor and the ceiling. */
export function appAutoscalerSpec(deploymentName: pulumi.Input<string>, minReplicas: number, autoscaling: AppAutoscaling): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [
            {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: autoscaling.cpuUtilization ?? DEFAULT_CPU_TARGET_UTILIZATION } },
            },
        ],
    };
}

/** A disruption budget when the app can run more than one replica: at most one pod voluntarily down. */
export function needsDisruptionBudget(a: Pick<AppArgs, "replicas" | "autoscaling">): boolean {
    return maxReplicasOf(a) > 1;
}

/** Only the entry points' data planes reach the app, on its port. */
export function appIngressRules(entryPoints: readonly EntryPointFacts<unknown>[], port: number): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    return [{ from: entryPoints.map((e) => ({ ...e.dataPlanePeer })), ports: [{ protocol: "TCP", port }] }];
}

/** Whether the database is a team's, given as contract data (Postgres in another namespace, no resources). */
export function isDatabaseData(pg: AppPostgres): pg is TeamDatabaseFacts<pulumi.Input<string>> {
    return "serverPeer" in pg;
}

/** Egress to the app's database: Postgres's pods in the app's namespace, or its peer in another. */
export function postgresEgressRules(pg: AppPostgres): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    if (!isDatabaseData(pg)) return serviceEgressRules(pg);
    return [{ to: [{ ...pg.serverPeer }], ports: [{ protocol: "TCP", port: pg.port }] }];
}

/**
 * Labels the pods carry beyond their own (not in any selector, so adding one replaces nothing): a
 * team database's client label, which Postgres of another namespace admits them by.
 */
export function usesPodLabels(uses: AppUses | undefined): Record<string, string> {
    return uses?.postgres !== undefined && isDatabaseData(uses.postgres) ? { ...uses.postgres.clientLabels } : {};
}

/** Egress to pods of a data service in the app's namespace (a podSelector alone means "this namespace"). */
export function serviceEgressRules(server: { podLabels: Record<string, string>; port: number }): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    return [{ to: [{ podSelector: { matchLabels: server.podLabels } }], ports: [{ protocol: "TCP", port: server.port }] }];
}

/** The egress the app declares. */
export function declaredEgressRules(egress: readonly AppEgress[]): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    return egress.map((e) => ({ to: e.to.map((p) => ({ ...p })), ports: e.ports.map((p) => ({ protocol: p.protocol ?? "TCP", port: p.port })) }));
}

/** The claim of a volume. Retain-class claims carry the stateful-data label the policy pack checks. */
export function appClaimSpec(a: ResolvedAppArgs, v: AppVolume): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
    return {
        accessModes: [readWriteOnce(v.role) ? "ReadWriteOnce" : "ReadWriteMany"],
        storageClassName: a.platform.storageClasses[v.role],
        resources: { requests: { storage: v.size } },
    };
}

/**
 * Aliases for the app's children, from the app's own aliases that give it another former type: the
 * URN each child had under the component it used to be. (The engine derives these from the
 * parent's aliases too; naming them keeps the offline plan, which sees only what is registered,
 * showing the move as one.)
 */
export function childAliases(name: string, opts: pulumi.ComponentResourceOptions | undefined): pulumi.Alias[] {
    return (opts?.aliases ?? []).flatMap((alias) => {
        if (typeof alias !== "object" || alias === null || pulumi.Output.isInstance(alias)) return [];
        const { type, name: aliasName, parent } = alias as pulumi.Alias;
        if (typeof type !== "string" || aliasName !== undefined || parent !== undefined) return [];
        return [{ parent: pulumi.createUrn(name, type, opts?.parent) }];
    });
}

export class App extends pulumi.ComponentResource {
    /** Where users reach the app through the primary entry point; `none` without a route. */
    readonly url: pulumi.Output<string>;
    readonly imageName: pulumi.Output<string>;
    readonly podLabels: Record<string, string>;
    /** What a server's NetworkPolicy admits the app by. */
    readonly clientLabels: Record<string, string>;
    readonly service: k8s.core.v1.Service;
    private readonly aliasesOfChildren: pulumi.Alias[];

    constructor(name: string, args: AppArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = resolveAppArgs(name, args);
        validateAppArgs(name, a);
        super(APP_TYPE, name, {}, opts);
        this.aliasesOfChildren = childAliases(name, opts);

        const labels = workloadLabels(a.appName, name);
        this.podLabels = labels;
        this.clientLabels = appClientLabels(a.appName);
        this.imageName = pulumi.output(a.image);

        const claims = this.claims(name, a, labels);
        const deployment = this.deployment(name, a, labels, claims);
        this.service = this.createService(name, a, labels);
        this.scaling(name, a, labels, deployment);
        this.routes(name, a, labels);
        this.networkPolicies(name, a, labels);

        const primary = a.platform.entryPoints[0];
        const route = a.route;
        this.url =
            route === undefined
                ? pulumi.output(CONTRACT_NONE)
                : pulumi.output(primary.endpoint).apply((endpoint) => appUrl(route.host, routeServesTls(primary, a.platform.tls.enabled, route.host), endpoint, route.path));

        this.registerOutputs({ url: this.url, imageName: this.imageName });
    }

    private childOptions(): { parent: pulumi.Resource; aliases?: pulumi.Alias[] } {
        return { parent: this, ...(this.aliasesOfChildren.length > 0 ? { aliases: this.aliasesOfChildren } : {}) };
    }

    private claims(name: string, a: ResolvedAppArgs, labels: Record<string, string>): k8s.core.v1.PersistentVolumeClaim[] {
        return a.volumes.map(
            (v) =>
                new k8s.core.v1.PersistentVolumeClaim(
                    claimName(name, v.name),
                    {
                        metadata: { name: claimName(name, v.name), namespace: a.namespace, labels: { ...labels, ...(v.role === "retain" ? { [STATEFUL_DATA_LABEL]: "true" } : {}) } },
                        spec: appClaimSpec(a, v),
                    },
                    { ...this.childOptions(), protect: a.protectData ?? false },
                ),
        );
    }

    private deployment(name: string, a: ResolvedAppArgs, labels: Record<string, string>, claims: pulumi.Resource[]): k8s.apps.v1.Deployment {
        const pg = a.uses?.postgres !== undefined && !isDatabaseData(a.uses.postgres) ? a.uses.postgres : undefined;
        const secrets = [a.uses?.redis?.passwordSecret.resource, pg?.passwordSecret.resource, pg?.ready].filter((r) => r !== undefined);
        return new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name, namespace: a.namespace, labels },
                spec: {
                    // With autoscaling no `replicas`: the HPA owns the count (its minReplicas is
                    // `replicas`). A value here would be re-applied on every update, scaling an
                    // autoscaled Deployment back down, or conflict with the HPA under server-side
                    // apply (kubernetes.io docs, "Migrating Deployments ... to horizontal autoscaling").
                    ...(a.autoscaling ? {} : { replicas: a.replicas }),
                    selector: { matchLabels: labels },
                    strategy: appStrategy(a),
                    template: {
                        metadata: { labels: { ...labels, ...usesPodLabels(a.uses) }, annotations: appPodAnnotations(a) },
                        spec: appPodSpec(name, a, labels, this.imageName),
                    },
                },
            },
            // Its pods mount the Secrets and claims by name: they must exist first.
            { ...this.childOptions(), dependsOn: [...secrets, ...claims] },
        );
    }

    private createService(name: string, a: ResolvedAppArgs, labels: Record<string, string>): k8s.core.v1.Service {
        return new k8s.core.v1.Service(
            name,
            {
                metadata: { name, namespace: a.namespace, labels },
                spec: { type: "ClusterIP", selector: labels, ports: [{ name: "http", port: a.servicePort, targetPort: a.port, protocol: "TCP" }] },
            },
            this.childOptions(),
        );
    }

    /** The HPA with autoscaling, and a disruption budget when more than one replica can run. */
    private scaling(name: string, a: ResolvedAppArgs, labels: Record<string, string>, deployment: k8s.apps.v1.Deployment): void {
        if (a.autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(
                name,
                { metadata: { name, namespace: a.namespace, labels }, spec: appAutoscalerSpec(deployment.metadata.name, a.replicas, a.autoscaling) },
                this.childOptions(),
            );
        }
        if (needsDisruptionBudget(a)) {
            // maxUnavailable rather than minAvailable: with one replica left a node drain still proceeds.
            new k8s.policy.v1.PodDisruptionBudget(
                name,
                { metadata: { name, namespace: a.namespace, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
                this.childOptions(),
            );
        }
    }

    /** Each entry point's routing objects to the Service, built from its data. */
    private routes(name: string, a: ResolvedAppArgs, labels: Record<string, string>): void {
        if (a.route === undefined) return;
        const route: AppRoute = {
            name,
            namespace: a.namespace,
            labels,
            serviceName: this.service.metadata.name,
            servicePort: a.servicePort,
            host: a.route.host,
            ...(a.route.path !== undefined ? { path: a.route.path } : {}),
            tls: a.platform.tls.enabled,
            clusterIssuer: a.platform.tls.clusterIssuer,
            acmeHttp01: a.platform.tls.acmeHttp01,
        };
        for (const entryPoint of a.platform.entryPoints) {
            routeThroughEntryPoint(entryPoint, route, { ...this.childOptions(), dependsOn: a.routesDependOn?.[entryPoint.kind] ?? [] });
        }
    }

    private networkPolicies(name: string, a: ResolvedAppArgs, labels: Record<string, string>): void {
        const policy = (suffix: string, spec: k8s.types.input.networking.v1.NetworkPolicySpec) =>
            new k8s.networking.v1.NetworkPolicy(`${name}-${suffix}`, { metadata: { name: `${name}-${suffix}`, namespace: a.namespace, labels }, spec }, this.childOptions());
        const podSelector = { matchLabels: labels };
        // Only the entry points' data planes reach the app: under the namespace's default deny,
        // nothing else in the cluster can. The name predates the gateway and is kept (renaming
        // replaces the policy).
        if (a.route !== undefined) policy("allow-ingress-controller", { podSelector, policyTypes: ["Ingress"], ingress: appIngressRules(a.platform.entryPoints, a.port) });
        if (a.uses?.redis) policy("allow-redis-egress", { podSelector, policyTypes: ["Egress"], egress: serviceEgressRules(a.uses.redis) });
        if (a.uses?.postgres) policy("allow-postgres-egress", { podSelector, policyTypes: ["Egress"], egress: postgresEgressRules(a.uses.postgres) });
        if (a.egress.length > 0) policy("allow-egress", { podSelector, policyTypes: ["Egress"], egress: declaredEgressRules(a.egress) });
    }
}
