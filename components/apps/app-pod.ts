/**
 * What an App's arguments become inside its pod and around its Deployment: the container (env,
 * probes, resources, the restricted security context), its volumes and claims, the pod's spread and
 * annotations, the rollout strategy, the autoscaler and the disruption budget decision. Plain
 * functions over resolved arguments, so tests check each decision without building resources.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext } from "../platform/workload-security";
import { CREDENTIALS_DIGEST_ANNOTATION, ephemeralStorage, type ScratchVolume, scratchVolume, secretFileVolume } from "../workloads/stateful-data";
import {
    type AppArgs,
    type AppAutoscaling,
    type AppProbes,
    type AppUses,
    type AppVolume,
    DEFAULT_CPU_TARGET_UTILIZATION,
    isDatabaseData,
    maxReplicasOf,
    readWriteOnce,
    type ResolvedAppArgs,
} from "./app-args";
import { disruptionFromData } from "./contract";

/** Where the Redis password file of `uses.redis` is mounted (`REDIS_PASSWORD_FILE` names the file). */
export const REDIS_SECRET_DIR = "/run/secrets/redis";
/** Where the Postgres password file of `uses.postgres` is mounted (`POSTGRES_PASSWORD_FILE` names the file). */
export const POSTGRES_SECRET_DIR = "/run/secrets/postgres";

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

/**
 * Labels the pods carry beyond their own (not in any selector, so adding one replaces nothing): a
 * team database's client label, which Postgres of another namespace admits them by.
 */
export function usesPodLabels(uses: AppUses | undefined): Record<string, string> {
    return uses?.postgres !== undefined && isDatabaseData(uses.postgres) ? { ...uses.postgres.clientLabels } : {};
}

/** The claim of a volume. Retain-class claims carry the stateful-data label the policy pack checks. */
export function appClaimSpec(a: ResolvedAppArgs, v: AppVolume): k8s.types.input.core.v1.PersistentVolumeClaimSpec {
    return {
        accessModes: [readWriteOnce(v.role) ? "ReadWriteOnce" : "ReadWriteMany"],
        storageClassName: a.platform.storageClasses[v.role],
        resources: { requests: { storage: v.size } },
    };
}
