/**
 * The FastAPI visit counter: its image, a hardened Deployment, autoscaling, a disruption budget,
 * and its routes through the platform's entry point(s): each `EntryPoint` (ingress-nginx or the
 * Gateway) creates its own routing objects; the app never asks which one runs.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DisruptionFacts } from "../cluster/contract";
import type { EntryPoint } from "../entry-points/contract";
import type { RedisConnection } from "./redis";
import { CREDENTIALS_DIGEST_ANNOTATION, ephemeralStorage, type ScratchVolume, scratchVolume, secretFileVolume } from "./stateful-data";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, workloadLabels } from "../platform/workload-security";

export const VISIT_COUNTER_APP_NAME = "visit-counter";
/** Subset of the visit counter's pod labels that every instance carries: what Redis admits by default. */
export const VISIT_COUNTER_CLIENT_LABELS: Readonly<Record<string, string>> = { "app.kubernetes.io/name": VISIT_COUNTER_APP_NAME };
/** The Dockerfile's `USER 10001:10001`. */
export const APP_UID = 10001;
export const APP_PORT = 8000;
export const SERVICE_PORT = 80;
export const CPU_TARGET_UTILIZATION = 70;

/** Where users reach the app: https with a host and TLS, http with a host only, else the controller's address. */
export function appUrl(host: string | undefined, tls: boolean, endpoint: string): string {
    if (host === undefined) return `http://${endpoint}/`;
    return tls ? `https://${host}/` : `http://${host}/`;
}

/**
 * Probes. Readiness is `/readyz` (503 until Redis answers) so a pod without Redis gets no traffic;
 * liveness is `/healthz`, which checks nothing external, so a Redis outage never restarts the app.
 */
export function appProbes(): {
    readiness: k8s.types.input.core.v1.Probe;
    liveness: k8s.types.input.core.v1.Probe;
    startup: k8s.types.input.core.v1.Probe;
} {
    return {
        readiness: { httpGet: { path: "/readyz", port: "http" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
        liveness: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        // Covers a slow first start without a long liveness delay later.
        startup: { httpGet: { path: "/healthz", port: "http" }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30 },
    };
}

export interface VisitCounterIngressArgs {
    /**
     * The entry points that route to the app: one, or two while migrating (`ingressController:
     * both`). The first is the one `url` names when there is no host.
     */
    entryPoints: readonly EntryPoint[];
    /** Public host name. Unset: path routing on the entry point's address only. */
    host?: string;
    /** cert-manager ClusterIssuer for the certificate when `tls`. */
    clusterIssuer: pulumi.Input<string>;
    /** Serve https (cert-manager certificate, http redirected); only with a `host`. */
    tls: boolean;
    /** Certificates come from ACME HTTP-01 (each entry point then admits cert-manager's solver). Default false. */
    acmeHttp01?: boolean;
}

export interface VisitCounterArgs {
    namespace: pulumi.Input<string>;
    /**
     * The app's image reference (`AppImage.imageName`). Built outside this component, so the build
     * and push wait only for the registry, never for the add-ons this component waits for: a
     * short-lived push token (GKE's access token lives an hour) is still fresh when it is used.
     */
    image: pulumi.Input<string>;
    /** Minimum replicas (the HPA's floor). */
    replicas: number;
    /** HPA ceiling. */
    maxReplicas: number;
    redis: RedisConnection;
    ingress: VisitCounterIngressArgs;
    /** The target's node autoscaler annotations (`ClusterTarget.nodes.disruption`). */
    disruption: DisruptionFacts;
}

/** The app's scratch `emptyDir`s (the root filesystem is read-only), lost with the pod by design. */
export const APP_SCRATCH_VOLUMES: readonly ScratchVolume[] = [{ name: "tmp", sizeMi: 64 }];
/** Where the Redis password Secret is mounted; the app reads the file named by `REDIS_PASSWORD_FILE`. */
export const APP_SECRET_DIR = "/run/secrets/redis";

/**
 * Pod annotations: the scratch `emptyDir`s are named as safe to lose, so nodes the HPA's extra
 * replicas brought in can be removed again when the load is gone.
 */
export function appPodAnnotations(disruption: DisruptionFacts): Record<string, string> {
    return disruption.scratchVolumesEvictable(APP_SCRATCH_VOLUMES.map((v) => v.name));
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

/** The app container: Redis reached through env, its password read from the mounted file. */
export function appContainer(image: pulumi.Input<string>, redis: RedisConnection): k8s.types.input.core.v1.Container {
    const probes = appProbes();
    return {
        name: "app",
        image,
        // The content tag is immutable: a pull per start would only add latency,
        // and a local (kind-loaded) image cannot be pulled at all.
        imagePullPolicy: "IfNotPresent",
        ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
        env: [
            { name: "REDIS_HOST", value: redis.host },
            { name: "REDIS_PORT", value: String(redis.port) },
            { name: "REDIS_PASSWORD_FILE", value: `${APP_SECRET_DIR}/${redis.passwordSecret.key}` },
        ],
        readinessProbe: probes.readiness,
        livenessProbe: probes.liveness,
        startupProbe: probes.startup,
        // Endpoint removal reaches the ingress controller a moment after SIGTERM:
        // keep serving meanwhile so a rollout or scale-down causes no 502s.
        lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
        resources: {
            // The HPA's 70% target is of this CPU request.
            requests: { cpu: "100m", memory: "128Mi", ...ephemeralStorage(APP_SCRATCH_VOLUMES).requests },
            limits: { cpu: "500m", memory: "256Mi", ...ephemeralStorage(APP_SCRATCH_VOLUMES).limits },
        },
        securityContext: containerSecurityContext(),
        volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            { name: "redis-password", mountPath: APP_SECRET_DIR, readOnly: true },
        ],
    };
}

/** The app's pod: hardened, spread, its scratch volumes and the Redis password file. */
export function appPodSpec(image: pulumi.Input<string>, redis: RedisConnection, labels: Record<string, string>): k8s.types.input.core.v1.PodSpec {
    return {
        ...COMMON_POD_SPEC,
        // fsGroup: the mounted password file is readable by the app's group only.
        securityContext: podSecurityContext({ uid: APP_UID, fsGroup: APP_UID }),
        topologySpreadConstraints: appTopologySpread(labels),
        containers: [appContainer(image, redis)],
        volumes: [...APP_SCRATCH_VOLUMES.map(scratchVolume), secretFileVolume("redis-password", redis.passwordSecret)],
    };
}

/** Autoscaling on CPU between the floor and the ceiling. */
export function appAutoscalerSpec(deploymentName: pulumi.Input<string>, minReplicas: number, maxReplicas: number): k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerSpec {
    return {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
        minReplicas,
        maxReplicas,
        metrics: [
            {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: CPU_TARGET_UTILIZATION } },
            },
        ],
    };
}

/** Only the entry points' data planes reach the app on its port. */
export function appIngressRules(entryPoints: readonly EntryPoint[]): k8s.types.input.networking.v1.NetworkPolicyIngressRule[] {
    return [{ from: entryPoints.map((e) => e.dataPlanePeer), ports: [{ protocol: "TCP", port: APP_PORT }] }];
}

/** Egress to the Redis pods (the podSelector alone means "in the policy's namespace"). */
export function appRedisEgressRules(redis: RedisConnection): k8s.types.input.networking.v1.NetworkPolicyEgressRule[] {
    return [{ to: [{ podSelector: { matchLabels: redis.podLabels } }], ports: [{ protocol: "TCP", port: redis.port }] }];
}

export class VisitCounter extends pulumi.ComponentResource {
    readonly url: pulumi.Output<string>;
    readonly imageName: pulumi.Output<string>;
    readonly podLabels: Record<string, string>;

    constructor(name: string, args: VisitCounterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:index:VisitCounter", name, {}, opts);

        const labels = workloadLabels(VISIT_COUNTER_APP_NAME, name);
        this.podLabels = labels;
        this.imageName = pulumi.output(args.image);

        const deployment = this.deployment(name, args, labels);
        const service = this.service(name, args.namespace, labels);
        this.scaling(name, args, labels, deployment);

        const entryPoints = args.ingress.entryPoints;
        if (entryPoints.length === 0) throw new Error(`VisitCounter ${name}: at least one entry point must route to the app`);
        this.routes(name, args, labels, service);
        this.networkPolicies(name, args, labels);

        const tls = args.ingress.tls;
        this.url = entryPoints[0].endpoint.apply((endpoint) => appUrl(args.ingress.host, tls, endpoint));

        this.registerOutputs({ url: this.url, imageName: this.imageName });
    }

    private deployment(name: string, args: VisitCounterArgs, labels: Record<string, string>): k8s.apps.v1.Deployment {
        return new k8s.apps.v1.Deployment(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: {
                    // No `replicas`: the HPA owns the count (its minReplicas is `args.replicas`). A
                    // value here would be re-applied on every update, scaling an autoscaled
                    // Deployment back down, or conflict with the HPA under server-side apply
                    // (kubernetes.io docs, "Migrating Deployments ... to horizontal autoscaling").
                    selector: { matchLabels: labels },
                    // Never below the current capacity during a rollout.
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
                    template: {
                        metadata: {
                            labels,
                            // The app reads the password once, at start: a new one rolls the pods.
                            annotations: { ...appPodAnnotations(args.disruption), [CREDENTIALS_DIGEST_ANNOTATION]: args.redis.passwordSecret.digest },
                        },
                        spec: appPodSpec(this.imageName, args.redis, labels),
                    },
                },
            },
            // Its pods mount the Secret by name; the Secret must exist first.
            { parent: this, dependsOn: [args.redis.passwordSecret.resource] },
        );
    }

    private service(name: string, namespace: pulumi.Input<string>, labels: Record<string, string>): k8s.core.v1.Service {
        return new k8s.core.v1.Service(
            name,
            {
                metadata: { name, namespace, labels },
                spec: {
                    type: "ClusterIP",
                    selector: labels,
                    ports: [{ name: "http", port: SERVICE_PORT, targetPort: APP_PORT, protocol: "TCP" }],
                },
            },
            { parent: this },
        );
    }

    /** The HPA between `replicas` and `maxReplicas`, and a disruption budget for drains. */
    private scaling(name: string, args: VisitCounterArgs, labels: Record<string, string>, deployment: k8s.apps.v1.Deployment): void {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            name,
            { metadata: { name, namespace: args.namespace, labels }, spec: appAutoscalerSpec(deployment.metadata.name, args.replicas, args.maxReplicas) },
            { parent: this },
        );

        // maxUnavailable rather than minAvailable: with one replica a node drain still proceeds.
        new k8s.policy.v1.PodDisruptionBudget(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
            },
            { parent: this },
        );
    }

    /** Each entry point creates its own routing objects to the Service. */
    private routes(name: string, args: VisitCounterArgs, labels: Record<string, string>, service: k8s.core.v1.Service): void {
        for (const entryPoint of args.ingress.entryPoints) {
            entryPoint.routeApp(
                {
                    name,
                    namespace: args.namespace,
                    labels,
                    serviceName: service.metadata.name,
                    servicePort: SERVICE_PORT,
                    host: args.ingress.host,
                    tls: args.ingress.tls,
                    clusterIssuer: args.ingress.clusterIssuer,
                    acmeHttp01: args.ingress.acmeHttp01 ?? false,
                },
                this,
            );
        }
    }

    private networkPolicies(name: string, args: VisitCounterArgs, labels: Record<string, string>): void {
        // Only the entry points' data planes reach the app: under the namespace's default-deny,
        // nothing else in the cluster can. The name predates the gateway and is kept (renaming
        // replaces the policy).
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-ingress-controller`,
            {
                metadata: { name: `${name}-allow-ingress-controller`, namespace: args.namespace, labels },
                spec: { podSelector: { matchLabels: labels }, policyTypes: ["Ingress"], ingress: appIngressRules(args.ingress.entryPoints) },
            },
            { parent: this },
        );

        // Redis runs in this namespace.
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-redis-egress`,
            {
                metadata: { name: `${name}-allow-redis-egress`, namespace: args.namespace, labels },
                spec: { podSelector: { matchLabels: labels }, policyTypes: ["Egress"], egress: appRedisEgressRules(args.redis) },
            },
            { parent: this },
        );
    }
}

/** Re-exported where they used to live. */
export { ACME_HTTP01_SOLVER } from "../entry-points/contract";
export { ingressShape, type IngressShape } from "../entry-points/ingress-nginx";
