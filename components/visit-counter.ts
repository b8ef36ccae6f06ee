/**
 * The FastAPI visit counter: its image, a hardened Deployment, autoscaling, a disruption budget,
 * and the Ingress through which the ingress controller (the platform's only entry point) reaches it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DisruptionFacts } from "./cluster";
import type { RedisConnection } from "./redis";
import { COMMON_POD_SPEC, containerSecurityContext, podSecurityContext, workloadLabels } from "./workload-security";

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

export interface IngressShape {
    annotations: Record<string, string>;
    spec: k8s.types.input.networking.v1.IngressSpec;
}

/**
 * The Ingress for `serviceName`. TLS needs a host: cert-manager cannot issue a certificate for an
 * Ingress without one, so `tls` without `host` serves plain http on the controller's address
 * (and `appUrl` says so).
 */
export function ingressShape(opts: {
    className: string;
    serviceName: string;
    host: string | undefined;
    tls: boolean;
    clusterIssuer: string;
    tlsSecretName: string;
}): IngressShape {
    const paths = [
        {
            path: "/",
            pathType: "Prefix",
            backend: { service: { name: opts.serviceName, port: { number: SERVICE_PORT } } },
        },
    ];
    const rule = opts.host === undefined ? { http: { paths } } : { host: opts.host, http: { paths } };
    const tls = opts.tls && opts.host !== undefined;
    return {
        annotations: tls
            ? {
                  "cert-manager.io/cluster-issuer": opts.clusterIssuer,
                  "nginx.ingress.kubernetes.io/ssl-redirect": "true",
              }
            : {},
        spec: {
            ingressClassName: opts.className,
            rules: [rule],
            ...(tls ? { tls: [{ hosts: [opts.host as string], secretName: opts.tlsSecretName }] } : {}),
        },
    };
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
    /** IngressClass of the controller. */
    className: pulumi.Input<string>;
    /** Namespace of the ingress controller pods, admitted on the app port. */
    controllerNamespace: pulumi.Input<string>;
    /** Labels of the ingress controller pods, admitted on the app port. */
    controllerPodLabels: pulumi.Input<Record<string, string>>;
    /** Public host name. Unset: path routing on the controller's address only. */
    host?: string;
    /** cert-manager ClusterIssuer for the certificate when `tls`. */
    clusterIssuer: pulumi.Input<string>;
    /** Serve https (cert-manager certificate, http redirected); only with a `host`. */
    tls: pulumi.Input<boolean>;
    /** The controller's external address, for the URL when there is no host. */
    endpoint: pulumi.Input<string>;
    /**
     * Certificates come from ACME HTTP-01: admit the controller to cert-manager's solver pods,
     * which run in this namespace under its default-deny policy. Default false.
     */
    acmeHttp01?: boolean;
}

/** Labels cert-manager puts on its HTTP-01 solver pods, and the port they answer on. */
export const ACME_HTTP01_SOLVER = { podLabels: { "acme.cert-manager.io/http01-solver": "true" }, port: 8089 } as const;

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

/** The app's volumes: scratch `emptyDir`s only (the root filesystem is read-only), lost with the pod by design. */
export const APP_SCRATCH_VOLUMES: readonly { name: string; emptyDir: { sizeLimit: string } }[] = [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }];

/**
 * Pod annotations: the scratch `emptyDir`s are named as safe to lose, so nodes the HPA's extra
 * replicas brought in can be removed again when the load is gone.
 */
export function appPodAnnotations(disruption: DisruptionFacts): Record<string, string> {
    return disruption.scratchVolumesEvictable(APP_SCRATCH_VOLUMES.map((v) => v.name));
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
        const probes = appProbes();

        const deployment = new k8s.apps.v1.Deployment(
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
                        metadata: { labels, annotations: appPodAnnotations(args.disruption) },
                        spec: {
                            ...COMMON_POD_SPEC,
                            securityContext: podSecurityContext({ uid: APP_UID }),
                            topologySpreadConstraints: [
                                {
                                    // Prefer one zone's loss to take out as few replicas as possible, but
                                    // never leave a pod Pending for it (local clusters have one zone).
                                    maxSkew: 1,
                                    topologyKey: "topology.kubernetes.io/zone",
                                    whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: labels },
                                    matchLabelKeys: ["pod-template-hash"],
                                },
                                {
                                    maxSkew: 1,
                                    topologyKey: "kubernetes.io/hostname",
                                    whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: labels },
                                    matchLabelKeys: ["pod-template-hash"],
                                },
                            ],
                            containers: [
                                {
                                    name: "app",
                                    image: this.imageName,
                                    // The content tag is immutable: a pull per start would only add latency,
                                    // and a local (kind-loaded) image cannot be pulled at all.
                                    imagePullPolicy: "IfNotPresent",
                                    ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
                                    env: [
                                        { name: "REDIS_HOST", value: args.redis.host },
                                        { name: "REDIS_PORT", value: String(args.redis.port) },
                                        {
                                            name: "REDIS_PASSWORD",
                                            valueFrom: { secretKeyRef: { name: args.redis.passwordSecret.name, key: args.redis.passwordSecret.key } },
                                        },
                                    ],
                                    readinessProbe: probes.readiness,
                                    livenessProbe: probes.liveness,
                                    startupProbe: probes.startup,
                                    // Endpoint removal reaches the ingress controller a moment after SIGTERM:
                                    // keep serving meanwhile so a rollout or scale-down causes no 502s.
                                    lifecycle: { preStop: { exec: { command: ["sleep", "5"] } } },
                                    resources: {
                                        // The HPA's 70% target is of this CPU request.
                                        requests: { cpu: "100m", memory: "128Mi" },
                                        limits: { cpu: "500m", memory: "256Mi" },
                                    },
                                    securityContext: containerSecurityContext(),
                                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                },
                            ],
                            volumes: APP_SCRATCH_VOLUMES.map((v) => ({ name: v.name, emptyDir: { ...v.emptyDir } })),
                        },
                    },
                },
            },
            { parent: this },
        );

        const service = new k8s.core.v1.Service(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: {
                    type: "ClusterIP",
                    selector: labels,
                    ports: [{ name: "http", port: SERVICE_PORT, targetPort: APP_PORT, protocol: "TCP" }],
                },
            },
            { parent: this },
        );

        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            name,
            {
                metadata: { name, namespace: args.namespace, labels },
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
                    minReplicas: args.replicas,
                    maxReplicas: args.maxReplicas,
                    metrics: [
                        {
                            type: "Resource",
                            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: CPU_TARGET_UTILIZATION } },
                        },
                    ],
                },
            },
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

        const shape = pulumi
            .all([args.ingress.className, args.ingress.tls, args.ingress.clusterIssuer, service.metadata.name])
            .apply(([className, tls, clusterIssuer, serviceName]) =>
                ingressShape({ className, serviceName, host: args.ingress.host, tls, clusterIssuer, tlsSecretName: `${name}-tls` }),
            );
        new k8s.networking.v1.Ingress(
            name,
            {
                metadata: { name, namespace: args.namespace, labels, annotations: shape.annotations },
                spec: shape.spec,
            },
            { parent: this },
        );

        // One peer with both selectors: controller pods in the controller's namespace only.
        const ingressControllerPeer = {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": args.ingress.controllerNamespace } },
            podSelector: { matchLabels: args.ingress.controllerPodLabels },
        };
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-ingress-controller`,
            {
                metadata: { name: `${name}-allow-ingress-controller`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [ingressControllerPeer],
                            ports: [{ protocol: "TCP", port: APP_PORT }],
                        },
                    ],
                },
            },
            { parent: this },
        );

        if (args.ingress.acmeHttp01) {
            // cert-manager starts the HTTP-01 solver in the Ingress's namespace; without this the
            // default-deny policy drops the challenge and no certificate is ever issued.
            new k8s.networking.v1.NetworkPolicy(
                `${name}-allow-acme-solver`,
                {
                    metadata: { name: `${name}-allow-acme-solver`, namespace: args.namespace, labels },
                    spec: {
                        podSelector: { matchLabels: ACME_HTTP01_SOLVER.podLabels },
                        policyTypes: ["Ingress"],
                        ingress: [
                            {
                                from: [ingressControllerPeer],
                                ports: [{ protocol: "TCP", port: ACME_HTTP01_SOLVER.port }],
                            },
                        ],
                    },
                },
                { parent: this },
            );
        }

        // Redis runs in this namespace (the podSelector alone means "in the policy's namespace").
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-redis-egress`,
            {
                metadata: { name: `${name}-allow-redis-egress`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: labels },
                    policyTypes: ["Egress"],
                    egress: [
                        {
                            to: [{ podSelector: { matchLabels: args.redis.podLabels } }],
                            ports: [{ protocol: "TCP", port: args.redis.port }],
                        },
                    ],
                },
            },
            { parent: this },
        );

        this.url = pulumi
            .all([args.ingress.tls, args.ingress.endpoint])
            .apply(([tls, endpoint]) => appUrl(args.ingress.host, tls, endpoint));

        this.registerOutputs({ url: this.url, imageName: this.imageName });
    }
}
