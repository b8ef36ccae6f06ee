/**
 * Envoy Gateway: the platform's Gateway API entry point (issue 9), the way forward from the retired
 * ingress-nginx on Kubernetes 1.36 and later. One GatewayClass, one Gateway, and the app's
 * HTTPRoutes; the data plane's Service is the single cloud load balancer, shaped by the same
 * `LoadBalancerFacts` as nginx's.
 *
 * Envoy Gateway creates the data plane (Deployment, Service, PDB) at runtime from the `EnvoyProxy`
 * resource the GatewayClass points at, so everything the platform guarantees about it (service
 * type, cloud annotations, node ports, replicas, PDB, requests, pod security) is written there.
 *
 * CRDs: the gateway-helm chart bundles the Gateway API CRDs of the EXPERIMENTAL channel (subchart
 * `crds`), so it is installed with `crds.enabled: false`, and the CRDs come from the project's
 * gateway-crds-helm chart, same version, standard channel plus Envoy Gateway's own CRDs. That chart
 * keeps its CRDs in `templates/`, too large for a Helm release record (its README: use
 * `helm template | kubectl apply --server-side`, helm/helm#12277), so it is rendered client-side by
 * `helm.v4.Chart` and applied object by object, exactly that documented path. It has no hooks. The
 * controller chart does (the certgen Job), hence `helm.v3.Release` for it.
 * Sources: envoyproxy/gateway tag v1.9.0 charts/gateway-helm/values.tmpl.yaml,
 * charts/gateway-crds-helm/{values.yaml,README.md}, api/v1alpha1/{envoyproxy_types,shared_types}.go,
 * internal/infrastructure/kubernetes/proxy/resource.go (data-plane labels, default restricted
 * container security context); checked 2026-12-01. Versions: facts/gateway-versions.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ChartSources } from "../../config";
import type { LoadBalancerFacts } from "../cluster/contract";
import type { GatewayEntryPointFacts } from "../apps/contract";
import { type AppRoute, type CertManagerNeeds, type EntryPoint, resourceOptions, type RouteOptions } from "./contract";
import { ENVOY_GATEWAY, ENVOY_GATEWAY_CONTROLLER_NAME, GATEWAY_API } from "../../facts/gateway-versions";
import { chartLocation, type PinnedChart, RELEASE_POLICY } from "../platform/helm";
import { NODE_PORTS, serviceReach } from "./ingress-nginx";
import { ADDON_NAMESPACE_LABELS } from "../platform/workload-security";

export const ENVOY_GATEWAY_NAMESPACE = "envoy-gateway-system";
export const ENVOY_GATEWAY_RELEASE = "envoy-gateway";
export const GATEWAY_CLASS_NAME = "platform";
export const GATEWAY_NAME = "platform";
export const ENVOY_PROXY_NAME = "platform-proxy";
/** `envoyService.name` / `envoyDeployment.name`: fixed, so the stack can read the Service's address. */
export const DATA_PLANE_NAME = "platform-gateway";
export const LISTENERS = { http: { name: "http", port: 80 }, https: { name: "https", port: 443 } } as const;
/**
 * Node ports of the gateway when it runs beside ingress-nginx on a NodePort (local) cluster, where
 * nginx keeps 30080/30443 (the ports kind maps to the host).
 */
export const SECONDARY_NODE_PORTS = { http: 30081, https: 30444 } as const;
export const MIN_GATEWAY_REPLICAS = 2;
const GATEWAY_API_GROUP = "gateway.networking.k8s.io";
const ENVOY_GROUP = "gateway.envoyproxy.io";

/** Labels Envoy Gateway puts on the data-plane pods of a Gateway (proxy/resource.go, translator.go). */
export function dataPlanePodLabels(gateway: { name: string; namespace: string }): Record<string, string> {
    return {
        "app.kubernetes.io/name": "envoy",
        "app.kubernetes.io/component": "proxy",
        "app.kubernetes.io/managed-by": "envoy-gateway",
        "gateway.envoyproxy.io/owning-gateway-name": gateway.name,
        "gateway.envoyproxy.io/owning-gateway-namespace": gateway.namespace,
    };
}

/** The controller pods (the chart's selector labels and its `control-plane` label). */
export const CONTROLLER_POD_LABELS: Readonly<Record<string, string>> = {
    "app.kubernetes.io/name": "gateway-helm",
    "app.kubernetes.io/instance": ENVOY_GATEWAY_RELEASE,
    "control-plane": "envoy-gateway",
};

export class EnvoyGatewayArgsError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "EnvoyGatewayArgsError";
    }
}

function requireReplicas(what: string, replicas: number): void {
    if (!Number.isInteger(replicas) || replicas < MIN_GATEWAY_REPLICAS) {
        throw new EnvoyGatewayArgsError(`${what} replicas must be an integer >= ${MIN_GATEWAY_REPLICAS} so a node drain never drops traffic; got ${replicas}`);
    }
}

function spread(topologyKey: string, matchLabels: Record<string, string>): Record<string, unknown> {
    return {
        maxSkew: 1,
        topologyKey,
        // ScheduleAnyway: a single-zone or single-node (local) cluster still schedules every replica.
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { ...matchLabels } },
        matchLabelKeys: ["pod-template-hash"],
    };
}

/** Values of the gateway-crds-helm chart: the standard channel of Gateway API and Envoy Gateway's CRDs. */
export function gatewayCrdsValues(): Record<string, unknown> {
    return { crds: { gatewayAPI: { enabled: true, channel: GATEWAY_API.channel }, envoyGateway: { enabled: true } } };
}

/** Values of the gateway-helm chart (the controller). */
export function envoyGatewayValues(replicas: number): Record<string, unknown> {
    requireReplicas("Envoy Gateway controller", replicas);
    return {
        // The bundled CRDs are the experimental channel; the standard ones come from gateway-crds-helm.
        crds: { enabled: false },
        deployment: {
            // The controller elects a leader (config.envoyGateway.provider.kubernetes.leaderElection
            // is on by default); a second replica takes over, and the data plane keeps serving its
            // last configuration even with no controller at all.
            replicas,
            envoyGateway: {
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1024Mi" } },
            },
            pod: {
                topologySpreadConstraints: [spread("topology.kubernetes.io/zone", CONTROLLER_POD_LABELS), spread("kubernetes.io/hostname", CONTROLLER_POD_LABELS)],
            },
        },
        // The chart renders its PDB only for minAvailable/maxUnavailable >= 1.
        podDisruptionBudget: { minAvailable: replicas - 1 },
        config: { envoyGateway: { gateway: { controllerName: ENVOY_GATEWAY_CONTROLLER_NAME } } },
    };
}

export interface EnvoyProxySpecArgs {
    loadBalancer: LoadBalancerFacts;
    /** Data-plane replicas, >= 2 (`platform:ingressReplicas`). */
    replicas: number;
    /** Node ports on NodePort clusters. Default `NODE_PORTS` (30080/30443). */
    nodePorts?: { http: number; https: number };
    /** Whether the Gateway has its HTTPS listener (only listeners that exist get a node port). */
    https: boolean;
    gateway: { name: string; namespace: string };
}

/**
 * The `EnvoyProxy` spec: how Envoy Gateway shapes the data plane it creates. Pure, so each cloud's
 * facts can be checked without a cluster (and against the CRD's schema).
 */
export function envoyProxySpec(args: EnvoyProxySpecArgs): Record<string, unknown> {
    requireReplicas("gateway data-plane", args.replicas);
    const lb = args.loadBalancer;
    const service: Record<string, unknown> = {
        name: DATA_PLANE_NAME,
        type: lb.serviceType,
        annotations: { ...lb.annotations, ...lb.address?.annotations },
    };
    if (lb.loadBalancerClass !== undefined) service.loadBalancerClass = lb.loadBalancerClass;
    if (lb.address?.loadBalancerIP !== undefined) service.loadBalancerIP = lb.address.loadBalancerIP;
    if (lb.serviceType === "LoadBalancer") {
        // As for nginx: client IPs kept, the cloud LB health-checks kube-proxy's healthCheckNodePort.
        service.externalTrafficPolicy = "Local";
    } else {
        const nodePorts = args.nodePorts ?? NODE_PORTS;
        service.externalTrafficPolicy = "Cluster";
        // The Service's ports are the listener ports; a strategic merge on `port` (the merge key of
        // Service ports) sets their node ports, which the EnvoyProxy API has no field for.
        const ports: { port: number; nodePort: number }[] = [{ port: LISTENERS.http.port, nodePort: nodePorts.http }];
        if (args.https) ports.push({ port: LISTENERS.https.port, nodePort: nodePorts.https });
        service.patch = { type: "StrategicMerge", value: { spec: { ports } } };
    }
    const podLabels = dataPlanePodLabels(args.gateway);
    return {
        provider: {
            type: "Kubernetes",
            kubernetes: {
                envoyService: service,
                envoyDeployment: {
                    name: DATA_PLANE_NAME,
                    replicas: args.replicas,
                    // Envoy Gateway's default container security contexts already pass `restricted`
                    // (non-root, read-only root, no capabilities, RuntimeDefault seccomp); the pod
                    // level says it too.
                    pod: {
                        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                        topologySpreadConstraints: [spread("topology.kubernetes.io/zone", podLabels), spread("kubernetes.io/hostname", podLabels)],
                    },
                    container: {
                        // Memory limit only: a CPU limit throttles the proxy under load.
                        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                    },
                },
                // One data-plane pod voluntarily down at a time, whatever the replica count.
                envoyPDB: { maxUnavailable: 1 },
            },
        },
    };
}

export interface GatewayListenerArgs {
    /** `platform:domain`: adds the HTTPS listener for it. */
    domain?: string;
    /** Secret (in the Gateway's namespace) cert-manager fills for the HTTPS listener. */
    tlsSecretName: string;
    /** Namespaces whose routes may attach (the apps, and the Gateway's own for cert-manager's solver routes). */
    routeNamespaces: string[];
}

/** The Gateway's listeners: HTTP always, HTTPS with a domain. */
export function gatewayListeners(args: GatewayListenerArgs): Record<string, unknown>[] {
    const allowedRoutes = {
        namespaces: {
            from: "Selector",
            selector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [...args.routeNamespaces].sort() }] },
        },
    };
    const listeners: Record<string, unknown>[] = [{ name: LISTENERS.http.name, protocol: "HTTP", port: LISTENERS.http.port, allowedRoutes }];
    if (args.domain) {
        listeners.push({
            name: LISTENERS.https.name,
            protocol: "HTTPS",
            port: LISTENERS.https.port,
            // cert-manager's gateway-shim issues a certificate for each listener with a hostname and
            // a certificateRef, into that Secret.
            hostname: args.domain,
            tls: { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: args.tlsSecretName }] },
            allowedRoutes,
        });
    }
    return listeners;
}

export interface HttpRouteShape {
    /** Resource and object name. */
    name: string;
    spec: Record<string, unknown>;
}

/** The section names of the platform Gateway's listeners, as the contract carries them. */
export function gatewayListenerNames(https: boolean): { http: string; https?: string } {
    return https ? { http: LISTENERS.http.name, https: LISTENERS.https.name } : { http: LISTENERS.http.name };
}

/**
 * Whether a route is served on https: TLS asked for, a host, and an HTTPS listener to attach to
 * (the Gateway has one only with `platform:domain`). Without a listener, an HTTPRoute on it would
 * never be accepted.
 */
export function gatewayRouteTls(tls: boolean, host: string | undefined, listeners: { https?: string }): boolean {
    return tls && host !== undefined && listeners.https !== undefined;
}

/**
 * The app's HTTPRoutes: the Ingress's routing (the path prefix, default `/`, to the Service, under
 * the host when set); with TLS the app is served on the HTTPS listener and the HTTP listener
 * redirects (as nginx's ssl-redirect). cert-manager's HTTP-01 solver routes match their exact path,
 * which takes precedence over the redirect's prefix (Gateway API route matching precedence).
 */
export function httpRouteShapes(opts: {
    name: string;
    gateway: { name: string; namespace: string };
    serviceName: string;
    servicePort: number;
    host: string | undefined;
    /** Path prefix. Default `/`. */
    path?: string;
    tls: boolean;
    /** Section names of the listeners. Default the platform Gateway's, with its HTTPS listener. */
    listeners?: { http: string; https?: string };
}): HttpRouteShape[] {
    const listeners = opts.listeners ?? gatewayListenerNames(true);
    const parent = (sectionName: string) => ({ group: GATEWAY_API_GROUP, kind: "Gateway", name: opts.gateway.name, namespace: opts.gateway.namespace, sectionName });
    const hostnames = opts.host === undefined ? {} : { hostnames: [opts.host] };
    const prefix = { path: { type: "PathPrefix", value: opts.path ?? "/" } };
    const toApp = { matches: [prefix], backendRefs: [{ group: "", kind: "Service", name: opts.serviceName, port: opts.servicePort }] };
    if (!gatewayRouteTls(opts.tls, opts.host, listeners)) return [{ name: opts.name, spec: { parentRefs: [parent(listeners.http)], ...hostnames, rules: [toApp] } }];
    return [
        { name: opts.name, spec: { parentRefs: [parent(listeners.https as string)], ...hostnames, rules: [toApp] } },
        {
            name: `${opts.name}-https-redirect`,
            spec: {
                parentRefs: [parent(listeners.http)],
                ...hostnames,
                rules: [{ matches: [prefix], filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
            },
        },
    ];
}

/** The cert-manager solver that answers HTTP-01 challenges with an HTTPRoute on the Gateway's HTTP listener. */
export function gatewayAcmeSolver(gateway: { name: string; namespace: string }): Record<string, unknown> {
    return {
        http01: {
            gatewayHTTPRoute: {
                parentRefs: [{ group: GATEWAY_API_GROUP, kind: "Gateway", name: gateway.name, namespace: gateway.namespace, sectionName: LISTENERS.http.name }],
            },
        },
    };
}

/**
 * Routes `route` through a Gateway given as data: HTTPRoutes in the app's namespace, with `opts`
 * (the parent; what they wait for: the CRDs and the Gateway, where this program makes them).
 */
export function routeThroughGateway(gateway: Pick<GatewayEntryPointFacts<unknown>, "gatewayName" | "gatewayNamespace" | "listeners">, route: AppRoute, opts: RouteOptions): pulumi.Resource[] {
    const ref = { name: gateway.gatewayName, namespace: gateway.gatewayNamespace };
    const shapes = pulumi.output(route.serviceName).apply((serviceName) =>
        httpRouteShapes({ name: route.name, gateway: ref, serviceName, servicePort: route.servicePort, host: route.host, path: route.path, tls: route.tls, listeners: gateway.listeners }),
    );
    // The names are known without the outputs: one route, or two when it is served on https.
    const names = gatewayRouteTls(route.tls, route.host, gateway.listeners) ? [route.name, `${route.name}-https-redirect`] : [route.name];
    return names.map(
        (name, i) =>
            new k8s.apiextensions.CustomResource(
                `${name}-httproute`,
                {
                    apiVersion: `${GATEWAY_API_GROUP}/v1`,
                    kind: "HTTPRoute",
                    metadata: { name, namespace: route.namespace, labels: route.labels },
                    spec: shapes.apply((s) => s[i].spec),
                },
                // The HTTPRoute CRD comes with the gateway's CRDs.
                { ...resourceOptions(opts), dependsOn: [...(opts.dependsOn ?? [])] },
            ),
    );
}

/** The entry point of a Gateway, apart from the charts (tests build it directly). */
export function gatewayEntryPoint(gateway: {
    name: string;
    namespace: string;
    dependsOn: pulumi.Resource[];
    /** Whether the Gateway has its HTTPS listener (`platform:domain` set). Default true. */
    https?: boolean;
    /** What installs the Gateway API CRDs, which cert-manager must start after. Default none (tests). */
    crds?: pulumi.Resource[];
    endpoint: pulumi.Output<string>;
    address: pulumi.Output<string[]>;
}): EntryPoint {
    const facts: GatewayEntryPointFacts<pulumi.Output<string>> = {
        kind: "gateway",
        gatewayName: gateway.name,
        gatewayNamespace: gateway.namespace,
        listeners: gatewayListenerNames(gateway.https ?? true),
        dataPlanePeer: {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": gateway.namespace } },
            podSelector: { matchLabels: dataPlanePodLabels(gateway) },
        },
        endpoint: gateway.endpoint,
    };
    return {
        endpoint: gateway.endpoint,
        address: gateway.address,
        dataPlanePeer: facts.dataPlanePeer,
        certManager: { acmeHttp01Solver: gatewayAcmeSolver(gateway), gatewayApi: true, startAfter: gateway.crds ?? [] },
        facts,
        routeDependsOn: gateway.dependsOn,
        routeApp: (route, parent) => routeThroughGateway(facts, route, { parent, dependsOn: gateway.dependsOn }),
    };
}

export interface EnvoyGatewayArgs {
    loadBalancer: LoadBalancerFacts;
    /** Data-plane replicas, >= 2 (config `ingressReplicas`, default 2). */
    replicas: number;
    /** Controller replicas, >= 2. Default 2. */
    controllerReplicas?: number;
    /** `platform:domain`: an HTTPS listener for it, with a certificate from `clusterIssuer`. */
    domain?: string;
    /** cert-manager ClusterIssuer annotated on the Gateway (its listener certificates). */
    clusterIssuer: string;
    /** Namespaces whose HTTPRoutes may attach to the Gateway. */
    routeNamespaces: string[];
    /** Node ports on NodePort clusters. Default 30080/30443; `SECONDARY_NODE_PORTS` beside nginx. */
    nodePorts?: { http: number; https: number };
    /** Helm wait timeout in seconds. Default 600. */
    timeoutSeconds?: number;
    /** Where the controller and CRD charts come from (`platform:chartSources`); default their OCI references. */
    chartSources?: Pick<ChartSources, "envoy-gateway" | "envoy-gateway-crds">;
}

/** A chart published as an OCI artifact; in a Helm repository mirror it keeps its last path segment as its name. */
/**
 * ClusterRoles that add HTTPRoutes to Kubernetes' `edit` and `view` (and so to `admin`, which holds
 * `edit`) through their aggregation labels; they bind no one themselves. The built-in roles hold no
 * Gateway API kind (kubernetes/kubernetes issue 133048) and neither Envoy Gateway chart ships roles
 * that add one (envoyproxy/gateway issue 9750, both open, checked 2026-12-07), so without these a
 * team's editors (a RoleBinding to `edit`) could not create the HTTPRoutes their apps make.
 * Aggregation: Kubernetes "Using RBAC Authorization", aggregated ClusterRoles, checked 2026-12-07.
 */
export function routeAggregatedRoles(): { name: string; labels: Record<string, string>; verbs: string[] }[] {
    const read = ["get", "list", "watch"];
    return [
        { name: "platform-gateway-routes-edit", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" }, verbs: [...read, "create", "update", "patch", "delete", "deletecollection"] },
        { name: "platform-gateway-routes-view", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" }, verbs: read },
    ];
}

function ociPinned(reference: string, version: string): PinnedChart {
    return { name: reference.slice(reference.lastIndexOf("/") + 1), version, home: { kind: "oci", chart: reference } };
}

/** The controller chart (gateway-helm). */
export const ENVOY_GATEWAY_PINNED = ociPinned(ENVOY_GATEWAY.chart, ENVOY_GATEWAY.chartVersion);
/** The Gateway API and Envoy Gateway CRDs chart (gateway-crds-helm), same version. */
export const ENVOY_GATEWAY_CRDS_PINNED = ociPinned(ENVOY_GATEWAY.crdsChart, ENVOY_GATEWAY.chartVersion);

export class EnvoyGateway extends pulumi.ComponentResource implements EntryPoint {
    readonly endpoint: pulumi.Output<string>;
    readonly address: pulumi.Output<string[]>;
    readonly dataPlanePeer: k8s.types.input.networking.v1.NetworkPolicyPeer;
    readonly certManager: CertManagerNeeds;
    readonly facts: EntryPoint["facts"];
    readonly routeDependsOn: readonly pulumi.Resource[];
    readonly routeApp: EntryPoint["routeApp"];
    readonly namespace: pulumi.Output<string>;
    /** The Gateway API and Envoy Gateway CRDs: whatever creates their kinds depends on this. */
    readonly crds: k8s.helm.v4.Chart;
    readonly release: k8s.helm.v3.Release;
    readonly gateway: k8s.apiextensions.CustomResource;

    constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every argument is checked before anything is registered.
        const gatewayRef = { name: GATEWAY_NAME, namespace: ENVOY_GATEWAY_NAMESPACE };
        const values = envoyGatewayValues(args.controllerReplicas ?? MIN_GATEWAY_REPLICAS);
        const proxySpec = envoyProxySpec({ loadBalancer: args.loadBalancer, replicas: args.replicas, nodePorts: args.nodePorts, https: Boolean(args.domain), gateway: gatewayRef });
        const listeners = gatewayListeners({ domain: args.domain, tlsSecretName: `${GATEWAY_NAME}-gateway-tls`, routeNamespaces: [ENVOY_GATEWAY_NAMESPACE, ...args.routeNamespaces] });
        super("platform:ingress:EnvoyGateway", name, {}, opts);

        const ns = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            { metadata: { name: ENVOY_GATEWAY_NAMESPACE, labels: { ...ADDON_NAMESPACE_LABELS } } },
            { parent: this },
        );
        this.namespace = ns.metadata.name;
        const charts = this.installCharts(name, args, ns.metadata.name, values);
        this.crds = charts.crds;
        this.release = charts.release;
        this.gateway = this.createGateway(name, args, proxySpec, listeners);
        for (const role of routeAggregatedRoles()) {
            new k8s.rbac.v1.ClusterRole(
                `${name}-${role.name}`,
                { metadata: { name: role.name, labels: { ...role.labels, "app.kubernetes.io/managed-by": "pulumi" } }, rules: [{ apiGroups: ["gateway.networking.k8s.io"], resources: ["httproutes"], verbs: role.verbs }] },
                { parent: this },
            );
        }

        // The gateway's data-plane Service is Envoy Gateway's: read it once the Gateway exists.
        const reach = serviceReach({
            loadBalancer: args.loadBalancer,
            service: () => k8s.core.v1.Service.get(`${name}-data-plane-service`, pulumi.interpolate`${ns.metadata.name}/${DATA_PLANE_NAME}`, { parent: this, dependsOn: [this.gateway] }),
            serviceRef: `${ENVOY_GATEWAY_NAMESPACE}/${DATA_PLANE_NAME}`,
            check: `kubectl -n ${ENVOY_GATEWAY_NAMESPACE} describe gateway ${GATEWAY_NAME}`,
            httpNodePort: (args.nodePorts ?? NODE_PORTS).http,
        });
        this.endpoint = reach.endpoint;
        this.address = reach.address;

        const entryPoint = gatewayEntryPoint({
            ...gatewayRef,
            dependsOn: [this.crds, this.gateway],
            https: Boolean(args.domain),
            crds: [this.crds],
            endpoint: this.endpoint,
            address: this.address,
        });
        this.dataPlanePeer = entryPoint.dataPlanePeer;
        this.certManager = entryPoint.certManager;
        this.facts = entryPoint.facts;
        this.routeDependsOn = entryPoint.routeDependsOn;
        this.routeApp = entryPoint.routeApp;

        this.registerOutputs({ endpoint: this.endpoint, address: this.address, namespace: this.namespace });
    }

    /**
     * The CRDs chart, rendered client-side and applied object by object (too large for a release
     * record), then the controller's release after them.
     */
    private installCharts(name: string, args: EnvoyGatewayArgs, namespace: pulumi.Output<string>, values: Record<string, unknown>): { crds: k8s.helm.v4.Chart; release: k8s.helm.v3.Release } {
        const crds = new k8s.helm.v4.Chart(
            `${name}-crds`,
            {
                ...chartLocation(ENVOY_GATEWAY_CRDS_PINNED, args.chartSources?.["envoy-gateway-crds"]),
                namespace,
                values: gatewayCrdsValues(),
            },
            // Deleting a CRD deletes every object of its kind: never as a side effect of an update.
            { parent: this, retainOnDelete: true },
        );
        const release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: ENVOY_GATEWAY_RELEASE,
                ...chartLocation(ENVOY_GATEWAY_PINNED, args.chartSources?.["envoy-gateway"]),
                namespace,
                values,
                ...RELEASE_POLICY,
                timeout: args.timeoutSeconds ?? 600,
            },
            { parent: this, dependsOn: [crds] },
        );
        return { crds, release };
    }

    /** The EnvoyProxy (the data plane's shape), the GatewayClass pointing at it, and the Gateway. */
    private createGateway(
        name: string,
        args: EnvoyGatewayArgs,
        proxySpec: ReturnType<typeof envoyProxySpec>,
        listeners: ReturnType<typeof gatewayListeners>,
    ): k8s.apiextensions.CustomResource {
        const labels = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "platform" };
        const proxy = new k8s.apiextensions.CustomResource(
            `${name}-envoy-proxy`,
            { apiVersion: `${ENVOY_GROUP}/v1alpha1`, kind: "EnvoyProxy", metadata: { name: ENVOY_PROXY_NAME, namespace: this.namespace, labels }, spec: proxySpec },
            { parent: this, dependsOn: [this.crds] },
        );
        const gatewayClass = new k8s.apiextensions.CustomResource(
            `${name}-gateway-class`,
            {
                apiVersion: `${GATEWAY_API_GROUP}/v1`,
                kind: "GatewayClass",
                metadata: { name: GATEWAY_CLASS_NAME, labels },
                spec: {
                    controllerName: ENVOY_GATEWAY_CONTROLLER_NAME,
                    parametersRef: { group: ENVOY_GROUP, kind: "EnvoyProxy", name: ENVOY_PROXY_NAME, namespace: ENVOY_GATEWAY_NAMESPACE },
                },
            },
            { parent: this, dependsOn: [this.crds, this.release, proxy] },
        );
        return new k8s.apiextensions.CustomResource(
            `${name}-gateway`,
            {
                apiVersion: `${GATEWAY_API_GROUP}/v1`,
                kind: "Gateway",
                metadata: {
                    name: GATEWAY_NAME,
                    namespace: this.namespace,
                    labels,
                    annotations: {
                        // cert-manager's gateway-shim: a Certificate per HTTPS listener, into its certificateRef.
                        ...(args.domain ? { "cert-manager.io/cluster-issuer": args.clusterIssuer } : {}),
                        // Wait until the data plane runs and has an address, as Helm waits for nginx's LB.
                        "pulumi.com/waitFor": "condition=Programmed",
                        "pulumi.com/timeoutSeconds": String(args.timeoutSeconds ?? 900),
                    },
                },
                spec: { gatewayClassName: GATEWAY_CLASS_NAME, listeners },
            },
            { parent: this, dependsOn: [gatewayClass] },
        );
    }
}
