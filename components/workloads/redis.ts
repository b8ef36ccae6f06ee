/**
 * Redis for the visit counter: one replica, AOF persistence on a PVC, password required,
 * reachable only from the client pods.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DisruptionFacts } from "../cluster/contract";
import { dataClaimTemplate, generatedPasswordSecret, singleReplicaPodAnnotations } from "./stateful-data";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, workloadLabels } from "../platform/workload-security";

/** Pinned: a tag like `8-alpine` would change the server under a running StatefulSet on restart. */
export const REDIS_IMAGE = "redis:8.2.2-alpine";
export const REDIS_PORT = 6379;
/**
 * The alpine image's `redis` user (uid 999) and group (gid 1000): the image drops to them by itself
 * when started as root; we start as them, and the volume is group-owned by 1000 so it is writable.
 */
export const REDIS_UID = 999;
export const REDIS_GID = 1000;
export const REDIS_PASSWORD_KEY = "password";

/** How a client reaches Redis: everything a Deployment needs for its env and its NetworkPolicy. */
export interface RedisConnection {
    /** `<service>.<namespace>.svc`: resolves through the pod's DNS search path whatever the cluster domain. */
    host: pulumi.Output<string>;
    port: number;
    /** Secret holding the password, for a `secretKeyRef`. */
    passwordSecret: { name: pulumi.Output<string>; key: string };
    /** Labels of the Redis pods, for the client's egress NetworkPolicy. */
    podLabels: Record<string, string>;
}

/**
 * redis-server arguments. `appendfsync everysec`: up to ~1 s of acknowledged writes can be lost
 * on a crash (a lost second of visit counts is acceptable); `always` fsyncs every write and is the
 * safe, much slower alternative. The password is expanded by the kubelet from the env var, so it
 * never appears in the pod spec stored in the API server or in Pulumi state.
 */
export function redisServerArgs(passwordEnvVar: string): string[] {
    return [
        "--dir", "/data",
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--requirepass", `$(${passwordEnvVar})`,
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
 * Probes. redis-cli authenticates from `REDISCLI_AUTH` (no password on a command line) and exits 0
 * even on an error reply, hence the grep. Liveness also accepts `LOADING`: a large AOF replay is
 * progress, and killing it would restart the replay from the beginning forever.
 */
export function redisProbes(): { readiness: k8s.types.input.core.v1.Probe; liveness: k8s.types.input.core.v1.Probe } {
    return {
        readiness: {
            exec: { command: ["sh", "-c", "redis-cli -h 127.0.0.1 ping 2>&1 | grep -q PONG"] },
            periodSeconds: 5,
            timeoutSeconds: 3,
            failureThreshold: 3,
        },
        liveness: {
            exec: { command: ["sh", "-c", "redis-cli -h 127.0.0.1 ping 2>&1 | grep -qE 'PONG|LOADING'"] },
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
    /**
     * Pulumi `protect` on the StatefulSet, its password Secret and the RandomPassword: any delete or
     * replace fails until this is set false and applied.
     */
    protectData: boolean;
    /**
     * Pod selectors (matchLabels) of the clients allowed to connect on 6379. Given by whoever knows
     * both ends (the composition root): the server knows no client.
     */
    clients: readonly Readonly<Record<string, string>>[];
    /** The target's node autoscaler annotations (`ClusterTarget.nodes.disruption`). */
    disruption: DisruptionFacts;
}

export class Redis extends pulumi.ComponentResource {
    readonly connection: RedisConnection;

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:Redis", name, {}, opts);

        const labels = workloadLabels("redis", name);
        // No retainOnDelete on the StatefulSet: its PVC outlives it through
        // persistentVolumeClaimRetentionPolicy, and with a fixed metadata.name a replace is
        // delete-then-create, which a retained old object would turn into AlreadyExists.
        const dataOpts = { parent: this, protect: args.protectData };

        const secret = generatedPasswordSecret(name, { namespace: args.namespace, labels, key: REDIS_PASSWORD_KEY }, dataOpts);
        const passwordRef = { secretKeyRef: { name: secret.metadata.name, key: REDIS_PASSWORD_KEY } };

        const service = new k8s.core.v1.Service(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: {
                    type: "ClusterIP",
                    selector: labels,
                    ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }],
                },
            },
            { parent: this },
        );

        const probes = redisProbes();
        new k8s.apps.v1.StatefulSet(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: {
                    replicas: 1,
                    serviceName: service.metadata.name,
                    selector: { matchLabels: labels },
                    // Deleting or scaling down the StatefulSet never deletes the data.
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    template: {
                        metadata: { labels, annotations: singleReplicaPodAnnotations(args.disruption) },
                        spec: {
                            ...COMMON_POD_SPEC,
                            securityContext: podSecurityContext({ uid: REDIS_UID, gid: REDIS_GID, fsGroup: REDIS_GID }),
                            terminationGracePeriodSeconds: 30,
                            containers: [
                                {
                                    name: "redis",
                                    image: REDIS_IMAGE,
                                    imagePullPolicy: "IfNotPresent",
                                    args: redisServerArgs("REDIS_PASSWORD"),
                                    env: [
                                        { name: "REDIS_PASSWORD", valueFrom: passwordRef },
                                        { name: "REDISCLI_AUTH", valueFrom: passwordRef },
                                    ],
                                    ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
                                    readinessProbe: probes.readiness,
                                    livenessProbe: probes.liveness,
                                    resources: {
                                        requests: { cpu: "50m", memory: "128Mi" },
                                        limits: { cpu: "500m", memory: "256Mi" },
                                    },
                                    securityContext: containerSecurityContext(),
                                    volumeMounts: [{ name: "data", mountPath: "/data" }],
                                },
                            ],
                        },
                    },
                    volumeClaimTemplates: [dataClaimTemplate(labels, args.storageClassName, args.storageSize)],
                },
            },
            dataOpts,
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
            host: pulumi.interpolate`${service.metadata.name}.${service.metadata.namespace}.svc`,
            port: REDIS_PORT,
            passwordSecret: { name: secret.metadata.name, key: REDIS_PASSWORD_KEY },
            podLabels: labels,
        };

        this.registerOutputs({ host: this.connection.host, passwordSecretName: secret.metadata.name });
    }
}
