/**
 * ingress-nginx: one implementation of the platform's `EntryPoint` (the other is Envoy Gateway),
 * and with it the only Service of type LoadBalancer in the program (the chart's controller
 * Service; two only while migrating with `ingressController: both`). Cloud differences arrive only
 * as `LoadBalancerFacts`.
 *
 * Installed with `helm.v3.Release`, never `helm.v4.Chart`: v4.Chart skips Helm hooks, and the
 * admission webhook's certificate Secret is made by hook jobs, so the controller would never start.
 *
 * ingress-nginx is retired (last release controller v1.15.1 / chart 4.15.1, 2026-03-19; supports
 * Kubernetes 1.31-1.35). 4.15.1 carries every published CVE fix; the way forward is Gateway API.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSource } from "../../config";
import type { LoadBalancerFacts } from "../cluster/contract";
import type { IngressEntryPointFacts, PeerData } from "../apps/contract";
import { ACME_HTTP01_SOLVER, type AppRoute, type CertManagerNeeds, type EntryPoint, resourceOptions, type RouteOptions } from "./contract";
import { chartLocation, type PinnedChart, RELEASE_POLICY } from "../platform/helm";
import { ADDON_NAMESPACE_LABELS } from "../platform/workload-security";

export const INGRESS_NGINX_CHART = "ingress-nginx";
export const INGRESS_NGINX_CHART_VERSION = "4.15.1";
export const INGRESS_NGINX_REPOSITORY = "https://kubernetes.github.io/ingress-nginx";
export const INGRESS_NGINX_PINNED: PinnedChart = {
    name: INGRESS_NGINX_CHART,
    version: INGRESS_NGINX_CHART_VERSION,
    home: { kind: "repository", url: INGRESS_NGINX_REPOSITORY },
};
export const INGRESS_NGINX_NAMESPACE = "ingress-nginx";
/** Helm release name: fixed, since it is part of the controller pods' selector labels. */
export const INGRESS_NGINX_RELEASE = "ingress-nginx";
export const INGRESS_CLASS_NAME = "nginx";
/** `fullnameOverride`: the chart names the controller Service `<fullname>-controller`. */
export const INGRESS_NGINX_FULLNAME = "ingress-nginx";
export const CONTROLLER_SERVICE_NAME = `${INGRESS_NGINX_FULLNAME}-controller`;
/**
 * Node ports for NodePort (local) clusters. Fixed so a kind cluster's `extraPortMappings` can target
 * them (containerPort 30080/30443 -> hostPort 30080/30443); the endpoint is then `localhost:30080`.
 */
export const NODE_PORTS = { http: 30080, https: 30443 } as const;
export const MIN_CONTROLLER_REPLICAS = 2;

/**
 * Labels of the controller pods (the chart's selector labels plus its component label), for
 * NetworkPolicies that admit traffic from the controller.
 */
export const CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": INGRESS_NGINX_CHART,
    "app.kubernetes.io/instance": INGRESS_NGINX_RELEASE,
    "app.kubernetes.io/component": "controller",
};

export interface IngressNginxValuesArgs {
    loadBalancer: LoadBalancerFacts;
    /** Controller replicas, >= 2. */
    replicas: number;
}

/** Thrown for arguments the chart would accept but that break the platform's guarantees. */
export class IngressNginxArgsError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "IngressNginxArgsError";
    }
}

export function validateIngressNginxArgs(args: IngressNginxValuesArgs): void {
    if (!Number.isInteger(args.replicas) || args.replicas < MIN_CONTROLLER_REPLICAS) {
        throw new IngressNginxArgsError(
            `ingress-nginx replicas must be an integer >= ${MIN_CONTROLLER_REPLICAS} so a node drain never drops traffic; got ${args.replicas}`,
        );
    }
}

function spread(topologyKey: string): Record<string, unknown> {
    return {
        maxSkew: 1,
        topologyKey,
        // ScheduleAnyway: a single-zone or single-node (local) cluster still schedules every replica.
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { ...CONTROLLER_POD_LABELS } },
        // Count only pods of the same ReplicaSet, so a rolling update is not skewed by old pods.
        matchLabelKeys: ["pod-template-hash"],
    };
}

/** The controller Service's values, from the target's load-balancer facts. */
export function controllerServiceValues(lb: LoadBalancerFacts): Record<string, unknown> {
    const isLoadBalancer = lb.serviceType === "LoadBalancer";

    const service: Record<string, unknown> = {
        type: lb.serviceType,
        annotations: { ...lb.annotations, ...lb.address?.annotations },
    };
    if (lb.loadBalancerClass !== undefined) service.loadBalancerClass = lb.loadBalancerClass;
    if (lb.address?.loadBalancerIP !== undefined) service.loadBalancerIP = lb.address.loadBalancerIP;
    if (isLoadBalancer) {
        // Local keeps the client IP (for logs and rate limits) and skips a second hop. The cloud LB
        // then health-checks kube-proxy's healthCheckNodePort, so only nodes running a controller
        // pod get traffic: AWS NLB and GCP pass-through LBs support this natively, and on Azure the
        // probe goes to that port's /healthz, which also avoids the AKS `/` probe 404 (Azure/AKS#2903).
        service.externalTrafficPolicy = "Local";
    } else {
        // kind maps one node's ports to the host; Cluster lets that node forward to a controller
        // pod on any node. Client IPs do not matter locally.
        service.externalTrafficPolicy = "Cluster";
        service.nodePorts = { http: String(NODE_PORTS.http), https: String(NODE_PORTS.https) };
    }
    return service;
}

/** The chart values: pure, so each cloud's facts can be checked without a cluster. */
export function ingressNginxValues(args: IngressNginxValuesArgs): Record<string, unknown> {
    validateIngressNginxArgs(args);
    return {
        fullnameOverride: INGRESS_NGINX_FULLNAME,
        controller: {
            replicaCount: args.replicas,
            // At most one controller pod voluntarily down at a time; unhealthy pods may still be
            // evicted so a broken pod never blocks a node drain.
            minAvailable: args.replicas - 1,
            unhealthyPodEvictionPolicy: "AlwaysAllow",
            topologySpreadConstraints: [spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")],
            resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                // Memory limit only: a CPU limit throttles nginx under load and fails its probes
                // (kubernetes/ingress-nginx#4735).
                limits: { memory: "512Mi" },
            },
            allowSnippetAnnotations: false,
            enableAnnotationValidations: true,
            config: {
                // Refuse annotations above High risk (the Critical ones are the snippet family).
                "annotations-risk-level": "High",
                "strict-validate-path-type": "true",
                // None of the clouds' L4 LBs set X-Forwarded-*: trusting client-sent ones would let
                // anyone spoof their address.
                "use-forwarded-headers": "false",
                "server-tokens": "false",
            },
            admissionWebhooks: {
                enabled: true,
                failurePolicy: "Fail",
                patch: { networkPolicy: { enabled: true } },
            },
            networkPolicy: { enabled: true },
            metrics: { enabled: true, serviceMonitor: { enabled: false } },
            ingressClassResource: { name: INGRESS_CLASS_NAME, enabled: true, default: true },
            ingressClass: INGRESS_CLASS_NAME,
            service: controllerServiceValues(args.loadBalancer),
        },
        // The default backend is off in the chart; if someone turns it on it is fenced too.
        defaultBackend: { networkPolicy: { enabled: true } },
    };
}

/** The IP addresses in a LoadBalancer Service's status; empty where the LB reports only a hostname (AWS NLB). */
export function loadBalancerIps(status: { loadBalancer?: { ingress?: { ip?: string }[] } } | undefined): string[] {
    return (status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : []));
}

/** The address clients use: LB hostname (AWS) or IP (GCP, Azure); undefined while unassigned. */
export function loadBalancerAddress(status: { loadBalancer?: { ingress?: { hostname?: string; ip?: string }[] } } | undefined): string | undefined {
    const first = status?.loadBalancer?.ingress?.[0];
    return first?.hostname || first?.ip || undefined;
}

/**
 * The address clients use, or a refusal naming the Service and the command that shows why it has
 * none (a cloud LB still provisioning, a quota): a RunError, so Pulumi prints the message alone.
 */
export function requireLoadBalancerAddress(status: Parameters<typeof loadBalancerAddress>[0], serviceRef: string, check: string): string {
    const address = loadBalancerAddress(status);
    if (address === undefined) throw new pulumi.RunError(`Service ${serviceRef} has no load balancer address yet; check \`${check}\` and run pulumi up again`);
    return address;
}

/**
 * Where an entry point's Service is reached, for its `endpoint` and `address`. LoadBalancer: the
 * hostname or IP in the Service's status (an error naming the Service and `check` until it has
 * one), and the addresses the stack owns or else the status's IPs. NodePort: the target's
 * `nodePortHost` (`platform:localEndpoint`, default `localhost`) and its addresses.
 */
export function serviceReach(args: {
    loadBalancer: LoadBalancerFacts;
    /** Reads the Service; called only for a LoadBalancer Service (a NodePort one has no LB status). */
    service: () => k8s.core.v1.Service;
    /** `namespace/name`, for the error. */
    serviceRef: string;
    /** The command that shows why the address is missing. */
    check: string;
    httpNodePort: number;
}): { endpoint: pulumi.Output<string>; address: pulumi.Output<string[]> } {
    const lb = args.loadBalancer;
    if (lb.serviceType !== "LoadBalancer") {
        return { endpoint: pulumi.output(`${lb.nodePortHost ?? "localhost"}:${args.httpNodePort}`), address: pulumi.output(lb.address?.addresses ?? []) };
    }
    const status = args.service().status;
    return {
        address: lb.address ? pulumi.output(lb.address.addresses) : status.apply((s) => loadBalancerIps(s)),
        endpoint: status.apply((s) => requireLoadBalancerAddress(s, args.serviceRef, args.check)),
    };
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
    servicePort: number;
    host: string | undefined;
    /** Path prefix. Default `/`. */
    path?: string;
    tls: boolean;
    clusterIssuer: string;
    tlsSecretName: string;
}): IngressShape {
    const paths = [
        {
            path: opts.path ?? "/",
            pathType: "Prefix",
            backend: { service: { name: opts.serviceName, port: { number: opts.servicePort } } },
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
 * Routes `route` through an ingress-nginx entry point given as data: an Ingress of its class, plus
 * (with ACME HTTP-01) a policy admitting the controller to cert-manager's solver pods, which
 * cert-manager starts in the Ingress's namespace, under its default-deny policy.
 */
export function routeThroughNginx(controller: Pick<IngressEntryPointFacts<unknown>, "ingressClassName" | "dataPlanePeer">, route: AppRoute, opts: RouteOptions): pulumi.Resource[] {
    const shape = pulumi
        .all([route.clusterIssuer, route.serviceName])
        .apply(([clusterIssuer, serviceName]) =>
            ingressShape({
                className: controller.ingressClassName,
                serviceName,
                servicePort: route.servicePort,
                host: route.host,
                path: route.path,
                tls: route.tls,
                clusterIssuer,
                tlsSecretName: `${route.name}-tls`,
            }),
        );
    const created: pulumi.Resource[] = [
        new k8s.networking.v1.Ingress(
            route.name,
            {
                metadata: { name: route.name, namespace: route.namespace, labels: route.labels, annotations: shape.annotations },
                spec: shape.spec,
            },
            resourceOptions(opts),
        ),
    ];
    if (route.acmeHttp01) created.push(acmeSolverPolicy(controller.dataPlanePeer, route, opts));
    return created;
}

/** Admits the controller to cert-manager's HTTP-01 solver pods in the route's namespace. */
function acmeSolverPolicy(peer: PeerData, route: AppRoute, opts: RouteOptions): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
        `${route.name}-allow-acme-solver`,
        {
            metadata: { name: `${route.name}-allow-acme-solver`, namespace: route.namespace, labels: route.labels },
            spec: {
                podSelector: { matchLabels: ACME_HTTP01_SOLVER.podLabels },
                policyTypes: ["Ingress"],
                ingress: [{ from: [peer], ports: [{ protocol: "TCP", port: ACME_HTTP01_SOLVER.port }] }],
            },
        },
        resourceOptions(opts),
    );
}

/** The controller pods, and only those: both selectors in one peer. */
export function nginxControllerPeer(namespace: string, podLabels: Readonly<Record<string, string>>): PeerData {
    return {
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        podSelector: { matchLabels: { ...podLabels } },
    };
}

/** The entry point of an ingress-nginx controller, apart from the chart (tests build it directly). */
export function ingressNginxEntryPoint(controller: {
    className: string;
    namespace: string;
    podLabels: Readonly<Record<string, string>>;
    endpoint: pulumi.Output<string>;
    address: pulumi.Output<string[]>;
}): EntryPoint {
    const facts: IngressEntryPointFacts<pulumi.Output<string>> = {
        kind: "ingress",
        ingressClassName: controller.className,
        dataPlanePeer: nginxControllerPeer(controller.namespace, controller.podLabels),
        endpoint: controller.endpoint,
    };
    return {
        endpoint: controller.endpoint,
        address: controller.address,
        dataPlanePeer: facts.dataPlanePeer,
        certManager: { acmeHttp01Solver: { http01: { ingress: { ingressClassName: controller.className } } }, gatewayApi: false, startAfter: [] },
        facts,
        routeDependsOn: [],
        routeApp: (route, parent) => routeThroughNginx(facts, route, { parent }),
    };
}

export interface IngressNginxArgs {
    loadBalancer: LoadBalancerFacts;
    /** Controller replicas, >= 2 (config default 2). */
    replicas: number;
    /** Helm wait timeout in seconds; cloud LBs can take minutes to provision. Default 900. */
    timeoutSeconds?: number;
    /** Where the chart comes from (`platform:chartSources`); default its public repository. */
    chartSource?: ChartSource;
}

export class IngressNginx extends pulumi.ComponentResource implements EntryPoint {
    readonly dataPlanePeer: k8s.types.input.networking.v1.NetworkPolicyPeer;
    readonly certManager: CertManagerNeeds;
    readonly facts: EntryPoint["facts"];
    readonly routeDependsOn: readonly pulumi.Resource[] = [];
    readonly routeApp: EntryPoint["routeApp"];
    /** `nginx`. */
    readonly ingressClassName: pulumi.Output<string>;
    /** `ingress-nginx`. */
    readonly namespace: pulumi.Output<string>;
    readonly controllerPodLabels: Record<string, string>;
    /** LB hostname or IP; `<nodePortHost>:30080` on NodePort clusters (default `localhost:30080`). */
    readonly endpoint: pulumi.Output<string>;
    /**
     * The entry point's IP addresses: the target's own static address where it has one, else the
     * IPs the load balancer reports (none for an NLB that reports only a hostname).
     */
    readonly address: pulumi.Output<string[]>;
    readonly release: k8s.helm.v3.Release;

    constructor(name: string, args: IngressNginxArgs, opts?: pulumi.ComponentResourceOptions) {
        const values = ingressNginxValues(args);
        super("platform:ingress:IngressNginx", name, {}, opts);

        const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: INGRESS_NGINX_NAMESPACE, labels: { ...ADDON_NAMESPACE_LABELS } } }, { parent: this });
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: INGRESS_NGINX_RELEASE,
                ...chartLocation(INGRESS_NGINX_PINNED, args.chartSource),
                namespace: ns.metadata.name,
                values,
                // The wait covers the LB's address too (Helm waits for LoadBalancer Services to have
                // an ingress), so `endpoint` is read once it exists.
                ...RELEASE_POLICY,
                timeout: args.timeoutSeconds ?? 900,
            },
            { parent: this },
        );

        this.ingressClassName = pulumi.output(INGRESS_CLASS_NAME);
        this.namespace = ns.metadata.name;
        this.controllerPodLabels = { ...CONTROLLER_POD_LABELS };

        const reach = serviceReach({
            loadBalancer: args.loadBalancer,
            service: () =>
                k8s.core.v1.Service.get(`${name}-controller-service`, pulumi.interpolate`${ns.metadata.name}/${CONTROLLER_SERVICE_NAME}`, {
                    parent: this,
                    dependsOn: [this.release],
                }),
            serviceRef: `${INGRESS_NGINX_NAMESPACE}/${CONTROLLER_SERVICE_NAME}`,
            check: `kubectl -n ${INGRESS_NGINX_NAMESPACE} describe service ${CONTROLLER_SERVICE_NAME}`,
            httpNodePort: NODE_PORTS.http,
        });
        this.endpoint = reach.endpoint;
        this.address = reach.address;

        // The class, namespace and labels are fixed names: the routes and policies of an app stack,
        // which knows them only as data, name the same ones.
        const entryPoint = ingressNginxEntryPoint({
            className: INGRESS_CLASS_NAME,
            namespace: INGRESS_NGINX_NAMESPACE,
            podLabels: this.controllerPodLabels,
            endpoint: this.endpoint,
            address: this.address,
        });
        this.dataPlanePeer = entryPoint.dataPlanePeer;
        this.certManager = entryPoint.certManager;
        this.facts = entryPoint.facts;
        this.routeApp = entryPoint.routeApp;

        this.registerOutputs({ ingressClassName: this.ingressClassName, namespace: this.namespace, controllerPodLabels: this.controllerPodLabels, endpoint: this.endpoint, address: this.address });
    }
}
