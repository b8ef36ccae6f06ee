/**
 * The platform's CrossGuard policies. Every decision is an exported pure function over the
 * resource's plain inputs, so `rules.test.ts` can check it without an engine; the policy objects
 * only route a resource type to those functions and word the violation.
 *
 * Inputs are read as `unknown` and narrowed, never trusted: a policy sees whatever a program (or a
 * typo in it) produced. During a preview, reading a still-unknown input throws inside the policy
 * SDK's proxy, which reports the policy as not evaluable for that resource instead of failing it.
 */
import type { ReportViolation, ResourceValidation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { ENVOY_GATEWAY_NAMESPACE, ENVOY_PROXY_NAME } from "../components/entry-points/envoy-gateway";
import { CONTROLLER_SERVICE_NAME, INGRESS_NGINX_CHART, INGRESS_NGINX_NAMESPACE } from "../components/entry-points/ingress-nginx";
import { GENERAL_STORAGE_CLASS, RETAIN_STORAGE_CLASS, SHARED_STORAGE_CLASS } from "../components/platform/storage";
import { STATEFUL_DATA_LABEL } from "../components/platform/workload-security";
import { ENVOY_GATEWAY_CONTROLLER_NAME } from "../facts/gateway-versions";

/** A policy whose single `validateResource` function tests can call directly. */
export type PlatformPolicy = ResourceValidationPolicy & { validateResource: ResourceValidation };

/**
 * The platform's StorageClasses (their owner is components/platform/storage.ts): the block classes
 * and the shared (ReadWriteMany) one where the target offers it; nothing else may back a claim.
 */
export const PLATFORM_STORAGE_CLASSES = [GENERAL_STORAGE_CLASS, RETAIN_STORAGE_CLASS, SHARED_STORAGE_CLASS] as const;
export { RETAIN_STORAGE_CLASS };

/**
 * Workloads whose volumes hold data we keep (Postgres) carry `STATEFUL_DATA_LABEL` on the
 * StatefulSet or its pod template; images named `postgres` are treated the same even without it.
 */
export { STATEFUL_DATA_LABEL };

/** The one Service that may be a LoadBalancer: the platform's single entry point. */
export const INGRESS_CONTROLLER = { namespace: INGRESS_NGINX_NAMESPACE, name: CONTROLLER_SERVICE_NAME } as const;
export { INGRESS_NGINX_CHART };
/**
 * The Gateway API entry point's data plane: Envoy Gateway creates its Service at runtime (no
 * Pulumi resource), shaped by the EnvoyProxy the platform's GatewayClass points at. So that
 * EnvoyProxy is the one allowed to ask for a LoadBalancer, and every other one must not (its
 * `envoyService.type` defaults to LoadBalancer).
 */
export const GATEWAY_PROXY = { namespace: ENVOY_GATEWAY_NAMESPACE, name: ENVOY_PROXY_NAME } as const;
export const ENVOY_GATEWAY_CONTROLLER = ENVOY_GATEWAY_CONTROLLER_NAME;
/**
 * Chart 4.15.1 (controller 1.15.1) fixes the 2026 injection CVEs (docs/gateway.md, "ingress-nginx is retired"; sources in facts/versions.ts). The policy's own
 * floor, not the platform's pin (components/entry-points/ingress-nginx.ts): a pin may move past it.
 */
export const MIN_INGRESS_NGINX_CHART = "4.15.1";

export const TYPES = {
    service: "kubernetes:core/v1:Service",
    pvc: "kubernetes:core/v1:PersistentVolumeClaim",
    configMap: "kubernetes:core/v1:ConfigMap",
    pod: "kubernetes:core/v1:Pod",
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    daemonSet: "kubernetes:apps/v1:DaemonSet",
    replicaSet: "kubernetes:apps/v1:ReplicaSet",
    job: "kubernetes:batch/v1:Job",
    cronJob: "kubernetes:batch/v1:CronJob",
    storageClass: "kubernetes:storage.k8s.io/v1:StorageClass",
    helmRelease: "kubernetes:helm.sh/v3:Release",
    helmChartV4: "kubernetes:helm.sh/v4:Chart",
    envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
} as const;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value at `path` below `v`, or undefined as soon as a step is not an object. */
export function pick(v: unknown, ...path: string[]): unknown {
    let cur = v;
    for (const key of path) {
        if (!isObj(cur)) return undefined;
        cur = cur[key];
    }
    return cur;
}

function objects(v: unknown): Obj[] {
    return Array.isArray(v) ? v.filter(isObj) : [];
}

function str(v: unknown): string | undefined {
    return typeof v === "string" ? v : undefined;
}

// ---------------------------------------------------------------------------------------------
// LoadBalancer Services

export function isIngressControllerService(props: unknown): boolean {
    return (
        pick(props, "metadata", "namespace") === INGRESS_CONTROLLER.namespace &&
        pick(props, "metadata", "name") === INGRESS_CONTROLLER.name
    );
}

/** Whether a Helm chart reference (`ingress-nginx`, `repo/ingress-nginx`, `oci://.../ingress-nginx`) is ingress-nginx. */
export function isIngressNginxChart(chart: unknown): boolean {
    const c = str(chart);
    if (c === undefined) return false;
    const base = c.replace(/\/+$/, "").split("/").pop() ?? "";
    return base === INGRESS_NGINX_CHART;
}

/** Dotted paths inside Helm values where a Service `type` is set to LoadBalancer. */
export function loadBalancerPaths(values: unknown, prefix = ""): string[] {
    if (Array.isArray(values)) return values.flatMap((v, i) => loadBalancerPaths(v, `${prefix}[${i}]`));
    if (!isObj(values)) return [];
    return Object.entries(values).flatMap(([k, v]) => {
        const path = prefix ? `${prefix}.${k}` : k;
        if (k === "type" && v === "LoadBalancer") return [path];
        return loadBalancerPaths(v, path);
    });
}

/**
 * LoadBalancer Service types a Helm Release asks for that the platform does not allow. The
 * ingress-nginx controller Service is the one exception (and is a LoadBalancer by chart default).
 * Values files (`valueYamlFiles`) are not read: detection here is deliberately cheap.
 */
export function disallowedReleaseLoadBalancers(props: unknown): string[] {
    const paths = loadBalancerPaths(pick(props, "values"));
    if (!isIngressNginxChart(pick(props, "chart"))) return paths;
    return paths.filter((p) => p !== "controller.service.type");
}

/** Whether an EnvoyProxy's data-plane Service is a LoadBalancer (Envoy Gateway's default when `type` is unset). */
export function envoyProxyIsLoadBalancer(props: unknown): boolean {
    const type = pick(props, "spec", "provider", "kubernetes", "envoyService", "type");
    return type === undefined || type === "LoadBalancer";
}

export function isPlatformGatewayProxy(props: unknown): boolean {
    return pick(props, "metadata", "namespace") === GATEWAY_PROXY.namespace && pick(props, "metadata", "name") === GATEWAY_PROXY.name;
}

/**
 * Why a GatewayClass of Envoy Gateway would make an extra load balancer: without a parametersRef
 * to the platform's EnvoyProxy, each of its Gateways gets a default (LoadBalancer) data plane.
 */
export function gatewayClassProblem(props: unknown): string | undefined {
    if (pick(props, "spec", "controllerName") !== ENVOY_GATEWAY_CONTROLLER) return undefined;
    const ref = pick(props, "spec", "parametersRef");
    const isPlatformProxy =
        pick(ref, "group") === "gateway.envoyproxy.io" && pick(ref, "kind") === "EnvoyProxy" && pick(ref, "namespace") === GATEWAY_PROXY.namespace && pick(ref, "name") === GATEWAY_PROXY.name;
    if (isPlatformProxy) return undefined;
    return `its parametersRef is not the platform's EnvoyProxy ${GATEWAY_PROXY.namespace}/${GATEWAY_PROXY.name}, so each of its Gateways gets a LoadBalancer Service of Envoy Gateway's default shape`;
}

export const noLoadBalancerExceptIngress: PlatformPolicy = {
    name: "no-loadbalancer-except-ingress",
    description:
        "Only the entry point may have a LoadBalancer: the ingress-nginx controller Service, or the data plane of the platform's Gateway (its EnvoyProxy). One public entry point, one cloud LB.",
    enforcementLevel: "mandatory",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        if (args.type === TYPES.service) {
            if (pick(args.props, "spec", "type") === "LoadBalancer" && !isIngressControllerService(args.props)) {
                report(
                    `Service ${describe(args.props, args.name)} is of type LoadBalancer; only ` +
                        `${INGRESS_CONTROLLER.namespace}/${INGRESS_CONTROLLER.name} may be. Use ClusterIP and an Ingress.`,
                );
            }
        } else if (args.type === TYPES.helmRelease) {
            for (const path of disallowedReleaseLoadBalancers(args.props)) {
                report(`Helm release ${args.name} (chart ${String(pick(args.props, "chart"))}) sets values.${path}: LoadBalancer; only the ingress-nginx controller may be a LoadBalancer.`);
            }
        } else if (args.type === TYPES.envoyProxy) {
            if (envoyProxyIsLoadBalancer(args.props) && !isPlatformGatewayProxy(args.props)) {
                report(
                    `EnvoyProxy ${describe(args.props, args.name)} gives its Gateways a LoadBalancer Service (envoyService.type unset or LoadBalancer); only ` +
                        `${GATEWAY_PROXY.namespace}/${GATEWAY_PROXY.name} may. Set spec.provider.kubernetes.envoyService.type: ClusterIP.`,
                );
            }
        } else if (args.type === TYPES.gatewayClass) {
            const problem = gatewayClassProblem(args.props);
            if (problem) report(`GatewayClass ${describe(args.props, args.name)}: ${problem}.`);
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Storage classes of claims

/** Claim templates of a StatefulSet as `[name, storageClassName]`. */
export function claimTemplateClasses(statefulSetProps: unknown): Array<{ name: string; storageClassName: string | undefined }> {
    return objects(pick(statefulSetProps, "spec", "volumeClaimTemplates")).map((t, i) => ({
        name: str(pick(t, "metadata", "name")) ?? `#${i}`,
        storageClassName: str(pick(t, "spec", "storageClassName")),
    }));
}

export function isPlatformStorageClass(name: string | undefined): boolean {
    return name !== undefined && (PLATFORM_STORAGE_CLASSES as readonly string[]).includes(name);
}

export const claimsUsePlatformStorage: PlatformPolicy = {
    name: "claims-use-platform-storage-class",
    description: `Every PersistentVolumeClaim and StatefulSet volumeClaimTemplate names a platform StorageClass (${PLATFORM_STORAGE_CLASSES.join(", ")}), never the cluster default.`,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        const expected = `expected one of: ${PLATFORM_STORAGE_CLASSES.join(", ")}`;
        if (args.type === TYPES.pvc) {
            const cls = str(pick(args.props, "spec", "storageClassName"));
            if (!isPlatformStorageClass(cls)) {
                report(`PersistentVolumeClaim ${describe(args.props, args.name)} has storageClassName ${cls ?? "(unset: the cluster default)"}; ${expected}.`);
            }
        } else if (args.type === TYPES.statefulSet) {
            for (const t of claimTemplateClasses(args.props)) {
                if (!isPlatformStorageClass(t.storageClassName)) {
                    report(`StatefulSet ${describe(args.props, args.name)} volumeClaimTemplate ${t.name} has storageClassName ${t.storageClassName ?? "(unset: the cluster default)"}; ${expected}.`);
                }
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Stateful data is retained

/** A StorageClass whose name says it retains must really retain (the API default is Delete). */
export function retainClassProblem(storageClassProps: unknown): string | undefined {
    const name = str(pick(storageClassProps, "metadata", "name")) ?? "";
    if (!/retain/i.test(name)) return undefined;
    const policy = pick(storageClassProps, "reclaimPolicy");
    if (policy === "Retain") return undefined;
    return `StorageClass ${name} is named for retained data but has reclaimPolicy ${str(policy) ?? "(unset: Delete)"}; set reclaimPolicy: Retain.`;
}

/** Pod spec of any workload kind (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob). */
export function podSpecOf(type: string, props: unknown): Obj | undefined {
    let spec: unknown;
    switch (type) {
        case TYPES.pod:
            spec = pick(props, "spec");
            break;
        case TYPES.deployment:
        case TYPES.statefulSet:
        case TYPES.daemonSet:
        case TYPES.replicaSet:
        case TYPES.job:
            spec = pick(props, "spec", "template", "spec");
            break;
        case TYPES.cronJob:
            spec = pick(props, "spec", "jobTemplate", "spec", "template", "spec");
            break;
        default:
            return undefined;
    }
    return isObj(spec) ? spec : undefined;
}

function hasDataLabel(labels: unknown): boolean {
    return pick(labels, STATEFUL_DATA_LABEL) === "true";
}

/** `postgres`, `postgres:18.1`, `docker.io/library/postgres@sha256:...`; not `postgres-exporter`. */
export function isPostgresImage(image: unknown): boolean {
    const i = str(image);
    if (i === undefined) return false;
    const repo = i.split("@")[0].replace(/:[^/:]*$/, "");
    return repo.split("/").pop() === "postgres";
}

/** Whether a workload holds data we keep: the data label, or a postgres container. */
export function isStatefulData(type: string, props: unknown): boolean {
    if (hasDataLabel(pick(props, "metadata", "labels"))) return true;
    if (type !== TYPES.pod && hasDataLabel(pick(props, "spec", "template", "metadata", "labels"))) return true;
    const pod = podSpecOf(type, props);
    return [...objects(pick(pod, "containers")), ...objects(pick(pod, "initContainers"))].some((c) => isPostgresImage(c.image));
}

/** Problems with how a stateful-data StatefulSet keeps its volumes. */
export function statefulDataProblems(statefulSetProps: unknown): string[] {
    const problems: string[] = [];
    for (const t of claimTemplateClasses(statefulSetProps)) {
        if (t.storageClassName !== RETAIN_STORAGE_CLASS) {
            problems.push(`volumeClaimTemplate ${t.name} uses ${t.storageClassName ?? "(unset)"}; stateful data needs ${RETAIN_STORAGE_CLASS}`);
        }
    }
    const retention = pick(statefulSetProps, "spec", "persistentVolumeClaimRetentionPolicy");
    for (const when of ["whenDeleted", "whenScaled"]) {
        if (pick(retention, when) === "Delete") {
            problems.push(`persistentVolumeClaimRetentionPolicy.${when} is Delete; stateful data needs Retain`);
        }
    }
    return problems;
}

export const statefulDataRetained: PlatformPolicy = {
    name: "stateful-data-retained",
    description: `Retain-named StorageClasses have reclaimPolicy Retain; stateful-data workloads (label ${STATEFUL_DATA_LABEL}: "true" or a postgres image) claim ${RETAIN_STORAGE_CLASS} and never delete their claims.`,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type === TYPES.storageClass) {
            const problem = retainClassProblem(args.props);
            if (problem) report(problem);
        } else if (args.type === TYPES.statefulSet) {
            if (!isStatefulData(args.type, args.props)) return;
            for (const p of statefulDataProblems(args.props)) report(`StatefulSet ${describe(args.props, args.name)} holds stateful data: ${p}.`);
        } else if (args.type === TYPES.pvc) {
            const cls = str(pick(args.props, "spec", "storageClassName"));
            if (hasDataLabel(pick(args.props, "metadata", "labels")) && cls !== RETAIN_STORAGE_CLASS) {
                report(`PersistentVolumeClaim ${describe(args.props, args.name)} is labelled stateful data but uses ${cls ?? "(unset)"}; use ${RETAIN_STORAGE_CLASS}.`);
            }
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Container hardening

function quantitySet(v: unknown): boolean {
    return (typeof v === "string" && v.trim() !== "") || (typeof v === "number" && v > 0);
}

/** Problems of one container given its pod's securityContext; empty when it is compliant. */
export function containerProblems(container: Obj, podSecurityContext: unknown): string[] {
    const problems: string[] = [];
    const requests = pick(container, "resources", "requests");
    const missing = ["cpu", "memory"].filter((r) => !quantitySet(pick(requests, r)));
    if (missing.length > 0) problems.push(`no resources.requests.${missing.join(" / ")}`);

    const sc = pick(container, "securityContext");
    const user = pick(sc, "runAsUser") ?? pick(podSecurityContext, "runAsUser");
    const nonRoot = pick(sc, "runAsNonRoot") ?? pick(podSecurityContext, "runAsNonRoot");
    if (user === 0) {
        problems.push("runs as uid 0");
    } else if (nonRoot !== true && !(typeof user === "number" && user > 0)) {
        problems.push("may run as root (set runAsNonRoot: true or runAsUser > 0)");
    }
    if (pick(sc, "allowPrivilegeEscalation") !== false) problems.push("allowPrivilegeEscalation is not false");
    return problems;
}

/** Problems of every container and init container of a workload, prefixed with the container name. */
export function workloadContainerProblems(type: string, props: unknown): string[] {
    const pod = podSpecOf(type, props);
    if (!pod) return [];
    const containers = [...objects(pod.initContainers), ...objects(pod.containers)];
    return containers.flatMap((c) => containerProblems(c, pod.securityContext).map((p) => `container ${str(c.name) ?? "(unnamed)"}: ${p}`));
}

export const containersHardened: PlatformPolicy = {
    name: "containers-hardened",
    description: "Every container requests cpu and memory, runs as non-root and sets allowPrivilegeEscalation: false.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        for (const p of workloadContainerProblems(args.type, args.props)) {
            report(`${kindOf(args.type)} ${describe(args.props, args.name)} ${p}.`);
        }
    },
};

// ---------------------------------------------------------------------------------------------
// Plain-text secrets

const SECRET_WORDS = ["PASSWORD", "PASSWD", "PWD", "SECRET", "TOKEN", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PRIVATE", "DSN"];

/**
 * Whether a variable or key name looks like it holds a secret. Names are split into words, so
 * `KEYCLOAK_URL` is not one but `API_KEY`, `apiKey`, `db-password` and `REDIS_PASSWORD` are.
 * `*_FILE` names hold a path to a mounted secret (the postgres image convention), not the secret.
 */
export function looksSecret(name: string): boolean {
    const words = name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .toUpperCase()
        .split(/[^A-Z0-9]+/)
        .filter((w) => w !== "");
    if (words.length === 0 || words[words.length - 1] === "FILE") return false;
    return words.some((w) => SECRET_WORDS.includes(w)) || /PASSWORD|SECRET|TOKEN/.test(words.join(""));
}

/** Secret-looking env vars of a workload's containers that are not read from a Secret. */
export function plaintextSecretEnv(type: string, props: unknown): string[] {
    const pod = podSpecOf(type, props);
    if (!pod) return [];
    const containers = [...objects(pod.initContainers), ...objects(pod.containers)];
    return containers.flatMap((c) =>
        objects(c.env)
            .filter((e) => typeof e.name === "string" && looksSecret(e.name))
            .filter((e) => e.value !== undefined || (e.valueFrom !== undefined && pick(e, "valueFrom", "secretKeyRef") === undefined))
            .map((e) => `container ${str(c.name) ?? "(unnamed)"} env ${String(e.name)}`),
    );
}

export function secretLookingConfigMapKeys(configMapProps: unknown): string[] {
    const keys = [pick(configMapProps, "data"), pick(configMapProps, "binaryData")].flatMap((d) => (isObj(d) ? Object.keys(d) : []));
    return keys.filter(looksSecret).sort();
}

export const noPlaintextSecrets: PlatformPolicy = {
    name: "no-plaintext-secrets",
    description: "Secret-looking env vars come from secretKeyRef, never a literal value or a ConfigMap; ConfigMaps carry no secret-looking keys.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type === TYPES.configMap) {
            for (const key of secretLookingConfigMapKeys(args.props)) {
                report(`ConfigMap ${describe(args.props, args.name)} has key ${key}, which looks like a secret; put it in a Secret.`);
            }
            return;
        }
        for (const where of plaintextSecretEnv(args.type, args.props)) {
            report(`${kindOf(args.type)} ${describe(args.props, args.name)} ${where} looks like a secret but is not read with valueFrom.secretKeyRef.`);
        }
    },
};

// ---------------------------------------------------------------------------------------------
// ingress-nginx chart

interface Version {
    core: [number, number, number];
    pre: string[];
}

export function parseVersion(v: string): Version | undefined {
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
    if (!m) return undefined;
    return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split(".") : [] };
}

/** Semantic-version order (semver 2.0 section 11): -1, 0 or 1; undefined if either is not a version. */
export function compareVersions(a: string, b: string): number | undefined {
    const x = parseVersion(a);
    const y = parseVersion(b);
    if (!x || !y) return undefined;
    for (let i = 0; i < 3; i++) {
        if (x.core[i] !== y.core[i]) return x.core[i] < y.core[i] ? -1 : 1;
    }
    // A pre-release sorts before its release.
    if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
    for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
        const p = x.pre[i];
        const q = y.pre[i];
        if (p === undefined) return -1;
        if (q === undefined) return 1;
        if (p === q) continue;
        const pn = /^\d+$/.test(p);
        const qn = /^\d+$/.test(q);
        if (pn && qn) return Number(p) < Number(q) ? -1 : 1;
        if (pn !== qn) return pn ? -1 : 1;
        return p < q ? -1 : 1;
    }
    return 0;
}

/** Why an ingress-nginx chart version is not acceptable, or undefined when it is. */
export function ingressChartVersionProblem(version: unknown): string | undefined {
    const v = str(version);
    if (v === undefined || v.trim() === "") return `the chart version is not pinned; pin ${MIN_INGRESS_NGINX_CHART} or later`;
    const cmp = compareVersions(v, MIN_INGRESS_NGINX_CHART);
    if (cmp === undefined) return `chart version "${v}" is not an exact version; pin ${MIN_INGRESS_NGINX_CHART} or later`;
    if (cmp < 0) return `chart version ${v} is older than ${MIN_INGRESS_NGINX_CHART} (controller 1.15.1), which fixes CVE-2026-1580, CVE-2026-24512..24514, CVE-2026-3288 and CVE-2026-4342`;
    return undefined;
}

export const ingressNginxChart: PlatformPolicy = {
    name: "ingress-nginx-chart",
    description: `ingress-nginx is a helm.v3.Release (v4.Chart skips the hooks that create its admission secret) pinned to chart ${MIN_INGRESS_NGINX_CHART} or later.`,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (!isIngressNginxChart(pick(args.props, "chart"))) return;
        if (args.type === TYPES.helmChartV4) {
            report(`Chart ${args.name} deploys ingress-nginx with helm.v4.Chart, which does not run Helm hooks: the admission webhook secret is never created and the controller never starts. Use helm.v3.Release.`);
        } else if (args.type === TYPES.helmRelease) {
            const problem = ingressChartVersionProblem(pick(args.props, "version"));
            if (problem) report(`Helm release ${args.name}: ${problem}.`);
        }
    },
};

export const PLATFORM_POLICIES: readonly PlatformPolicy[] = [
    noLoadBalancerExceptIngress,
    claimsUsePlatformStorage,
    statefulDataRetained,
    containersHardened,
    noPlaintextSecrets,
    ingressNginxChart,
];

// ---------------------------------------------------------------------------------------------

function describe(props: unknown, resourceName: string): string {
    const name = str(pick(props, "metadata", "name")) ?? resourceName;
    const ns = str(pick(props, "metadata", "namespace"));
    return ns ? `${ns}/${name}` : name;
}

function kindOf(type: string): string {
    return type.split(":").pop() ?? type;
}
