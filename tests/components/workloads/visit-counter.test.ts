import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { APP_DIR, AppImage, contentTag } from "../../../components/workloads/app-image";
import { CLUSTER_AUTOSCALER_DISRUPTION, KARPENTER_DISRUPTION, KUBE_DNS, type ImageRegistry } from "../../../components/cluster/contract";
import { AppNamespace } from "../../../components/platform/namespace";
import { Postgres } from "../../../components/workloads/postgres";
import { gatewayEntryPoint } from "../../../components/entry-points/envoy-gateway";
import { ingressNginxEntryPoint, ingressShape } from "../../../components/entry-points/ingress-nginx";
import { Redis } from "../../../components/workloads/redis";
import { CREDENTIALS_DIGEST_ANNOTATION } from "../../../components/workloads/stateful-data";
import { APP_SCRATCH_VOLUMES, VISIT_COUNTER_CLIENT_LABELS, visitCounter, type VisitCounterArgs } from "../../../components/workloads/visit-counter";
import { appUrl } from "../../../components/apps/app";
import { appPlatformData, routeDependencies } from "../../../components/apps/platform-data";
import type { EntryPoint } from "../../../components/entry-points/contract";
import type { DisruptionFacts } from "../../../components/cluster/contract";
import { type ResourceSet, runProgram, valueOf } from "../../harness/mocks";
import { as, container as containerOf, deployment, HARDENED_CONTAINER_SECURITY, statefulSet, volumeOwnerPodSecurity } from "../../harness/objects";
import { mockPasswords, passwordOf, plainOccurrences, secretOccurrences } from "../../harness/passwords";
import { validateKubernetesObject } from "../../harness/schema";

import out = k8s.types.output;

const container = (rs: ResourceSet) => containerOf(deployment(rs));
const policyNamed = (rs: ResourceSet, name: string) =>
    as<out.networking.v1.NetworkPolicy>(rs.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").find((r) => r.name === name) ?? assert.fail(`no policy ${name}`));

const LOCAL_REGISTRY: ImageRegistry = { repository: "platform/visit-counter", platform: "linux/amd64" };
const REDIS_LABELS = { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": "redis" };
const CONTROLLER_LABELS = { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" };

/** How the visit counter is routed: the entry points (primary first), its host and the platform's TLS. */
interface IngressOverrides {
    entryPoints?: EntryPoint[];
    host?: string;
    clusterIssuer?: pulumi.Input<string>;
    tls?: boolean;
    acmeHttp01?: boolean;
}

/** The platform data the composition root builds, from the entry points and TLS settings given. */
function platformOf(ingress: Required<Pick<IngressOverrides, "entryPoints" | "clusterIssuer" | "tls">> & IngressOverrides, disruption: DisruptionFacts = CLUSTER_AUTOSCALER_DISRUPTION) {
    return appPlatformData({
        entryPoints: ingress.entryPoints,
        tls: { clusterIssuer: ingress.clusterIssuer, enabled: ingress.tls, acmeHttp01: ingress.acmeHttp01 ?? false, ...(ingress.host ? { domain: ingress.host } : {}) },
        storage: { classes: { general: STORAGE, retain: { ...STORAGE, reclaimPolicy: "Retain" }, shared: undefined }, builtInClasses: [], makeDefault: false },
        nodes: { disruption },
        dns: KUBE_DNS,
    });
}
const STORAGE = { provisioner: "rancher.io/local-path", parameters: {}, reclaimPolicy: "Delete" as const, allowVolumeExpansion: false, volumeBindingMode: "WaitForFirstConsumer" as const, accessModes: ["ReadWriteOnce" as const] };

/** The visit counter as stacks/platform.ts builds it. */
function build(args: Omit<VisitCounterArgs, "platform" | "host" | "routesDependOn">, ingress: Required<Pick<IngressOverrides, "entryPoints" | "clusterIssuer" | "tls">> & IngressOverrides, disruption?: DisruptionFacts, opts?: pulumi.ComponentResourceOptions) {
    return visitCounter(
        "visit-counter",
        { ...args, platform: platformOf(ingress, disruption), host: ingress.host, routesDependOn: routeDependencies(ingress.entryPoints) },
        opts,
    );
}

type Extra = Partial<Pick<VisitCounterArgs, "replicas" | "maxReplicas">> & { disruption?: DisruptionFacts };

const nginxEntryPoint = (endpoint = "203.0.113.10") =>
    ingressNginxEntryPoint({
        className: "nginx",
        namespace: "ingress-nginx",
        podLabels: CONTROLLER_LABELS,
        endpoint: pulumi.output(endpoint),
        address: pulumi.output([endpoint]),
    });
const GATEWAY = { name: "platform", namespace: "envoy-gateway-system" };
const REDIS_PASSWORD_DIGEST = "0123456789abcdef0123456789abcdef";
const gatewayPoint = (endpoint = "198.51.100.7") =>
    gatewayEntryPoint({ ...GATEWAY, dependsOn: [], endpoint: pulumi.output(endpoint), address: pulumi.output([endpoint]) });

function deploy(ingress: IngressOverrides = {}, extra: Extra = {}) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        return build(
            {
                namespace: "apps",
                image: new AppImage("visit-counter-image", { registry: LOCAL_REGISTRY }).imageName,
                replicas: extra.replicas ?? 2,
                maxReplicas: extra.maxReplicas ?? 10,
                redis: {
                    host: pulumi.output("redis-rw.apps.svc"),
                    port: 6379,
                    passwordSecret: {
                        name: "redis-auth",
                        key: "password",
                        digest: pulumi.output(REDIS_PASSWORD_DIGEST),
                        resource: new k8s.core.v1.Secret("redis-auth", { metadata: { name: "redis-auth" }, stringData: pulumi.secret({ password: "x" }) }, { provider }),
                    },
                    podLabels: REDIS_LABELS,
                },
            },
            { entryPoints: [nginxEntryPoint()], host: "app.example.com", clusterIssuer: pulumi.output("letsencrypt"), tls: true, ...ingress },
            extra.disruption,
            { provider },
        );
    });
}

describe("VisitCounter", () => {
    it("names its scratch emptyDir to the cluster autoscaler, so nodes added under load can be removed again", async () => {
        const { resources } = await deploy();
        const pod = deployment(resources).spec.template;
        const emptyDirs = pod.spec.volumes.filter((v) => v.emptyDir !== undefined).map((v) => v.name);
        assert.deepEqual(emptyDirs, ["tmp"]);
        assert.deepEqual(pod.metadata.annotations, {
            "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "tmp",
            [CREDENTIALS_DIGEST_ANNOTATION]: REDIS_PASSWORD_DIGEST,
        });
        // Every emptyDir the pod has is scratch: nothing would be lost with it (the Secret's file is the Secret's).
        assert.deepEqual(emptyDirs, APP_SCRATCH_VOLUMES.map((v) => v.name));
        assert.deepEqual(pod.spec.volumes.filter((v) => v.emptyDir === undefined).map((v) => Object.keys(v).sort()), [["name", "secret"]]);
        // Not the blanket safe-to-evict "true", which would also cover any other local storage added later.
        assert.equal((pod.metadata.annotations as Record<string, string>)["cluster-autoscaler.kubernetes.io/safe-to-evict"], undefined);
    });

    it("needs no annotation under Karpenter, which keeps no node for emptyDir volumes", async () => {
        const { resources } = await deploy({}, { disruption: KARPENTER_DISRUPTION });
        assert.deepEqual(deployment(resources).spec.template.metadata.annotations, { [CREDENTIALS_DIGEST_ANNOTATION]: REDIS_PASSWORD_DIGEST });
    });

    it("runs the content-tagged image, pulled only if not present", async () => {
        const { resources, result } = await deploy();
        const c = container(resources);
        assert.equal(c.image, `platform/visit-counter:${contentTag(APP_DIR, "linux/amd64")}`);
        assert.equal(c.imagePullPolicy, "IfNotPresent");
        assert.equal(await valueOf(result.imageName), c.image);
        assert.equal(resources.one("docker:index/image:Image").inputs.skipPush, true);
    });

    it("keeps at least `replicas` pods through the HPA (CPU 70%, min=replicas, max=maxReplicas) and leaves the count to it", async () => {
        const { resources } = await deploy({}, { replicas: 3, maxReplicas: 7 });
        const hpa = as<out.autoscaling.v2.HorizontalPodAutoscaler>(resources.one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler"));
        assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "visit-counter" });
        assert.equal(hpa.spec.minReplicas, 3);
        assert.equal(hpa.spec.maxReplicas, 7);
        assert.deepEqual(hpa.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
        // A fixed count would be re-applied on every update and undo the HPA's scaling.
        assert.equal(deployment(resources).spec.replicas, undefined);
        assert.equal(deployment(resources).spec.strategy.rollingUpdate.maxUnavailable, 0);
        assert.ok(container(resources).resources.requests.cpu, "CPU utilisation needs a CPU request");
    });

    it("probes /readyz for readiness and /healthz for liveness on the app port, with requests and limits", async () => {
        const { resources } = await deploy();
        const c = container(resources);
        assert.deepEqual(c.ports, [{ name: "http", containerPort: 8000, protocol: "TCP" }]);
        assert.deepEqual(c.readinessProbe.httpGet, { path: "/readyz", port: "http" });
        assert.deepEqual(c.livenessProbe.httpGet, { path: "/healthz", port: "http" });
        assert.deepEqual(c.startupProbe.httpGet, { path: "/healthz", port: "http" });
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory);
        assert.ok(c.resources.limits.cpu && c.resources.limits.memory);
        // Ephemeral storage: the 64Mi /tmp plus the container's log, reserved as much as bounded.
        assert.equal(c.resources.requests["ephemeral-storage"], "128Mi");
        assert.equal(c.resources.limits["ephemeral-storage"], "128Mi");
    });

    it("keeps serving for 5 s after SIGTERM (preStop sleep), inside the termination grace period", async () => {
        const { resources } = await deploy();
        const c = container(resources);
        assert.deepEqual(c.lifecycle?.preStop, { exec: { command: ["sleep", "5"] } });
        const grace = deployment(resources).spec.template.spec.terminationGracePeriodSeconds ?? 30;
        assert.ok(grace > 5, `grace period ${grace}s leaves the app no time to shut down after the preStop sleep`);
    });

    it("runs non-root as 10001 with a read-only root, no escalation, no capabilities, RuntimeDefault seccomp", async () => {
        const { resources } = await deploy();
        const pod = deployment(resources).spec.template.spec;
        const c = container(resources);
        assert.deepEqual(pod.securityContext, volumeOwnerPodSecurity(10001, 10001), "fsGroup: the password file is readable by the app's group only");
        assert.deepEqual(c.securityContext, HARDENED_CONTAINER_SECURITY);
        assert.equal(pod.automountServiceAccountToken, false);
    });

    it("gets the Redis address in env and the password as a file mounted from the Secret (REDIS_PASSWORD_FILE)", async () => {
        const { resources } = await deploy();
        const c = container(resources);
        assert.deepEqual(c.env, [
            { name: "REDIS_HOST", value: "redis-rw.apps.svc" },
            { name: "REDIS_PORT", value: "6379" },
            { name: "REDIS_PASSWORD_FILE", value: "/run/secrets/redis/password" },
        ]);
        assert.deepEqual(c.volumeMounts.find((m) => m.mountPath === "/run/secrets/redis"), { name: "redis-password", mountPath: "/run/secrets/redis", readOnly: true });
        const volume = deployment(resources).spec.template.spec.volumes.find((v) => v.name === "redis-password");
        assert.deepEqual(volume?.secret, { secretName: "redis-auth", defaultMode: 0o440, items: [{ key: "password", path: "password" }] });
        assert.equal(deployment(resources).spec.template.spec.enableServiceLinks, false, "no injected REDIS_PORT=tcp://...");
        const d = resources.one("kubernetes:apps/v1:Deployment");
        assert.ok(d.dependsOn.includes(resources.one("kubernetes:core/v1:Secret", "redis-auth").urn), "created after the Secret it mounts");
    });

    it("spreads pods across zones without ever blocking scheduling", async () => {
        const { resources } = await deploy();
        const spread = deployment(resources).spec.template.spec.topologySpreadConstraints;
        const zone = spread.find((t) => t.topologyKey === "topology.kubernetes.io/zone");
        assert.ok(zone);
        assert.equal(zone.whenUnsatisfiable, "ScheduleAnyway");
        assert.equal(zone.maxSkew, 1);
        assert.deepEqual(zone.labelSelector, { matchLabels: deployment(resources).spec.template.metadata.labels });
        assert.ok(spread.every((t) => t.whenUnsatisfiable === "ScheduleAnyway"));
    });

    it("is served by a named ClusterIP Service on 80 → 8000 and guarded by a PDB of maxUnavailable 1", async () => {
        const { resources } = await deploy();
        const podLabels = deployment(resources).spec.template.metadata.labels;
        const svc = as<out.core.v1.Service>(resources.one("kubernetes:core/v1:Service"));
        assert.equal(svc.metadata.name, "visit-counter");
        assert.equal(svc.spec.type, "ClusterIP");
        assert.deepEqual(svc.spec.ports, [{ name: "http", port: 80, targetPort: 8000, protocol: "TCP" }]);
        assert.deepEqual(svc.spec.selector, podLabels);
        const pdb = as<out.policy.v1.PodDisruptionBudget>(resources.one("kubernetes:policy/v1:PodDisruptionBudget"));
        assert.equal(pdb.spec.maxUnavailable, 1);
        assert.equal(pdb.spec.minAvailable, undefined);
        assert.deepEqual(pdb.spec.selector, { matchLabels: podLabels });
        assert.deepEqual(deployment(resources).spec.selector, { matchLabels: podLabels });
        for (const [k, v] of Object.entries(VISIT_COUNTER_CLIENT_LABELS)) assert.equal(podLabels[k], v, "the platform admits these pods to Redis");
    });

    it("with host and TLS: host rule, TLS section, cluster issuer and ssl-redirect; https URL", async () => {
        const { resources, result } = await deploy();
        const ing = as<out.networking.v1.Ingress>(resources.one("kubernetes:networking.k8s.io/v1:Ingress"));
        assert.equal(ing.metadata.name, "visit-counter");
        assert.equal(ing.spec.ingressClassName, "nginx");
        assert.deepEqual(ing.spec.rules, [
            {
                host: "app.example.com",
                http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "visit-counter", port: { number: 80 } } } }] },
            },
        ]);
        assert.deepEqual(ing.spec.tls, [{ hosts: ["app.example.com"], secretName: "visit-counter-tls" }]);
        assert.deepEqual(ing.metadata.annotations, {
            "cert-manager.io/cluster-issuer": "letsencrypt",
            "nginx.ingress.kubernetes.io/ssl-redirect": "true",
        });
        assert.equal(await valueOf(result.url), "https://app.example.com/");
    });

    it("with a host but no TLS: host rule only, http URL", async () => {
        const { resources, result } = await deploy({ tls: false });
        const ing = as<out.networking.v1.Ingress>(resources.one("kubernetes:networking.k8s.io/v1:Ingress"));
        assert.equal(ing.spec.rules[0].host, "app.example.com");
        assert.equal(ing.spec.tls, undefined);
        assert.deepEqual(ing.metadata.annotations ?? {}, {});
        assert.equal(await valueOf(result.url), "http://app.example.com/");
    });

    it("without a host: path routing on the controller's address, http URL", async () => {
        const { resources, result } = await deploy({ host: undefined, tls: false });
        const ing = as<out.networking.v1.Ingress>(resources.one("kubernetes:networking.k8s.io/v1:Ingress"));
        assert.equal(ing.spec.rules.length, 1);
        assert.equal(ing.spec.rules[0].host, undefined);
        assert.equal(ing.spec.rules[0].http.paths[0].path, "/");
        assert.equal(ing.spec.tls, undefined);
        assert.equal(await valueOf(result.url), "http://203.0.113.10/");
    });

    it("decides URL and TLS from host and tls (TLS needs a host)", () => {
        assert.equal(appUrl("a.example.com", true, "1.2.3.4"), "https://a.example.com/");
        assert.equal(appUrl("a.example.com", false, "1.2.3.4"), "http://a.example.com/");
        assert.equal(appUrl(undefined, false, "lb.example.net"), "http://lb.example.net/");
        assert.equal(appUrl(undefined, true, "lb.example.net"), "http://lb.example.net/");
        const shape = ingressShape({ className: "nginx", serviceName: "s", servicePort: 80, host: undefined, tls: true, clusterIssuer: "i", tlsSecretName: "t" });
        assert.equal(shape.spec.tls, undefined);
        assert.deepEqual(shape.annotations, {});
    });

    it("admits the controller to cert-manager's HTTP-01 solver pods when certificates come from ACME", async () => {
        const { resources } = await deploy({ acmeHttp01: true });
        const solver = policyNamed(resources, "visit-counter-allow-acme-solver");
        assert.deepEqual(solver.spec.podSelector, { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } });
        assert.deepEqual(solver.spec.ingress, [
            {
                from: [
                    {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
                        podSelector: { matchLabels: CONTROLLER_LABELS },
                    },
                ],
                ports: [{ protocol: "TCP", port: 8089 }],
            },
        ]);
        const { resources: selfSigned } = await deploy();
        assert.equal(selfSigned.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((r) => r.name.endsWith("acme-solver")).length, 0);
    });

    it("admits only the ingress controller pods (in the controller namespace) on 8000, and egresses only to Redis on 6379", async () => {
        const { resources } = await deploy();
        const podLabels = deployment(resources).spec.template.metadata.labels;
        const inbound = policyNamed(resources, "visit-counter-allow-ingress-controller");
        assert.deepEqual(inbound.spec.podSelector, { matchLabels: podLabels });
        assert.deepEqual(inbound.spec.policyTypes, ["Ingress"]);
        assert.deepEqual(inbound.spec.ingress, [
            {
                from: [
                    {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
                        podSelector: { matchLabels: CONTROLLER_LABELS },
                    },
                ],
                ports: [{ protocol: "TCP", port: 8000 }],
            },
        ]);
        const outbound = policyNamed(resources, "visit-counter-allow-redis-egress");
        assert.deepEqual(outbound.spec.podSelector, { matchLabels: podLabels });
        assert.deepEqual(outbound.spec.policyTypes, ["Egress"]);
        assert.deepEqual(outbound.spec.egress, [{ to: [{ podSelector: { matchLabels: REDIS_LABELS } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
    });

    it("creates no LoadBalancer, gives every object our provider and a name, and every object matches the schema", async () => {
        for (const ingress of [{}, { host: undefined, tls: false }]) {
            const { resources } = await deploy(ingress);
            // The Redis Secret is the test's own fixture, not the app's.
            const objects = resources.kubernetesObjects().filter((o) => o.parent.includes("platform:index:App"));
            assert.equal(objects.length, 7);
            for (const o of objects) {
                const obj = as<{ metadata: out.meta.v1.ObjectMeta; spec?: { type?: string } }>(o);
                assert.match(o.provider, /pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
                assert.equal(validateKubernetesObject(o), "valid");
                assert.notEqual(obj.spec?.type, "LoadBalancer");
                assert.ok(obj.metadata.name);
            }
        }
    });
});

const HTTPROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
type RouteSpec = { parentRefs: { name: string; namespace: string; sectionName: string }[]; hostnames?: string[]; rules: { backendRefs?: unknown[]; filters?: unknown[]; matches: unknown[] }[] };
const routeSpec = (rs: ResourceSet, name: string) => as<{ metadata: { name: string; namespace: string }; spec: RouteSpec }>(rs.one(HTTPROUTE, name));

describe("VisitCounter behind the Gateway", () => {
    it("routes / under the host to the app Service on the HTTPS listener, and redirects http to https (as ssl-redirect)", async () => {
        const { resources, result } = await deploy({ entryPoints: [gatewayPoint()] });
        assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0, "no Ingress without nginx");
        const app = routeSpec(resources, "visit-counter-httproute");
        assert.deepEqual(app.metadata, { name: "visit-counter", namespace: "apps", labels: deployment(resources).metadata.labels });
        assert.deepEqual(app.spec.parentRefs, [{ group: "gateway.networking.k8s.io", kind: "Gateway", ...GATEWAY, sectionName: "https" }]);
        assert.deepEqual(app.spec.hostnames, ["app.example.com"]);
        assert.deepEqual(app.spec.rules, [
            { matches: [{ path: { type: "PathPrefix", value: "/" } }], backendRefs: [{ group: "", kind: "Service", name: "visit-counter", port: 80 }] },
        ]);
        const redirect = routeSpec(resources, "visit-counter-https-redirect-httproute");
        assert.deepEqual(redirect.spec.parentRefs.map((p) => p.sectionName), ["http"]);
        assert.deepEqual(redirect.spec.hostnames, ["app.example.com"]);
        assert.deepEqual(redirect.spec.rules[0].filters, [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }]);
        assert.equal(redirect.spec.rules[0].backendRefs, undefined);
        assert.equal(await valueOf(result.url), "https://app.example.com/");
    });

    it("without a host: one route on the HTTP listener, no hostnames, the gateway's address in the URL", async () => {
        const { resources, result } = await deploy({ entryPoints: [gatewayPoint()], host: undefined, tls: true });
        const routes = resources.ofType(HTTPROUTE);
        assert.equal(routes.length, 1);
        const app = routeSpec(resources, "visit-counter-httproute");
        assert.deepEqual(app.spec.parentRefs.map((p) => p.sectionName), ["http"]);
        assert.equal(app.spec.hostnames, undefined);
        assert.equal(await valueOf(result.url), "http://198.51.100.7/");
    });

    it("admits only the gateway's data-plane pods (its namespace, its owning-gateway labels) on the app port", async () => {
        const { resources } = await deploy({ entryPoints: [gatewayPoint()], acmeHttp01: true });
        const inbound = policyNamed(resources, "visit-counter-allow-ingress-controller");
        assert.deepEqual(inbound.spec.ingress, [
            {
                from: [
                    {
                        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "envoy-gateway-system" } },
                        podSelector: {
                            matchLabels: {
                                "app.kubernetes.io/name": "envoy",
                                "app.kubernetes.io/component": "proxy",
                                "app.kubernetes.io/managed-by": "envoy-gateway",
                                "gateway.envoyproxy.io/owning-gateway-name": "platform",
                                "gateway.envoyproxy.io/owning-gateway-namespace": "envoy-gateway-system",
                            },
                        },
                    },
                ],
                ports: [{ protocol: "TCP", port: 8000 }],
            },
        ]);
        // cert-manager puts the Gateway's solver (and its route) in the Gateway's namespace, not the app's.
        assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((r) => r.name.endsWith("acme-solver")).length, 0);
    });

    it("while migrating (both): an Ingress and HTTPRoutes, both data planes admitted, the URL still nginx's", async () => {
        const { resources, result } = await deploy({ entryPoints: [nginxEntryPoint(), gatewayPoint()], host: undefined, tls: false, acmeHttp01: false });
        assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 1);
        assert.equal(resources.ofType(HTTPROUTE).length, 1);
        const from = policyNamed(resources, "visit-counter-allow-ingress-controller").spec.ingress[0].from;
        assert.deepEqual(from.map((p) => p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]), ["ingress-nginx", "envoy-gateway-system"]);
        assert.equal(await valueOf(result.url), "http://203.0.113.10/");
    });
});

describe("the workloads together", () => {
    mockPasswords();

    it("wire Redis to the app, keep every password out of plain inputs, and pass the schema with our provider", async () => {
        const { resources, result } = await runProgram(() => {
            const provider = new k8s.Provider("k8s", { context: "kind-kind" });
            const ns = new AppNamespace("apps", { name: "apps", dns: KUBE_DNS }, { provider });
            const redis = new Redis(
                "redis",
                { namespace: ns.name, storageClassName: "general", storageSize: "5Gi", protectData: true, clients: [VISIT_COUNTER_CLIENT_LABELS], disruption: CLUSTER_AUTOSCALER_DISRUPTION },
                { provider },
            );
            new Postgres(
                "postgres",
                { namespace: ns.name, storageClassName: "retain", storageSize: "20Gi", version: "18.1", clients: [], protectData: true, disruption: CLUSTER_AUTOSCALER_DISRUPTION },
                { provider },
            );
            return build(
                {
                    namespace: ns.name,
                    image: new AppImage("visit-counter-image", { registry: LOCAL_REGISTRY }).imageName,
                    replicas: 2,
                    maxReplicas: 10,
                    redis: redis.connection,
                },
                { entryPoints: [nginxEntryPoint("localhost")], clusterIssuer: "selfsigned", tls: false },
                CLUSTER_AUTOSCALER_DISRUPTION,
                { provider },
            );
        });
        const redisPods = statefulSet(resources, "redis").spec.template.metadata.labels;
        const appPods = deployment(resources).spec.template.metadata.labels;
        const redisPolicy = policyNamed(resources, "redis-allow-clients");
        // Redis admits a subset of the app's labels (wired as in stacks/platform.ts); the app's egress selects exactly Redis's pods.
        for (const [k, v] of Object.entries(redisPolicy.spec.ingress[0].from[0].podSelector.matchLabels)) assert.equal(appPods[k], v);
        assert.deepEqual(policyNamed(resources, "visit-counter-allow-redis-egress").spec.egress[0].to, [{ podSelector: { matchLabels: redisPods } }]);
        assert.equal(await valueOf(result.url), "http://localhost/");

        // The passwords are really produced (in the Secrets, as secrets), so their absence elsewhere means something.
        assert.deepEqual(secretOccurrences(resources, passwordOf("redis-password")), ["kubernetes:core/v1:Secret/redis-auth.stringData"]);
        assert.deepEqual(secretOccurrences(resources, passwordOf("postgres-password")), ["kubernetes:core/v1:Secret/postgres-auth.stringData"]);
        for (const pw of [passwordOf("redis-password"), passwordOf("postgres-password")]) assert.deepEqual(plainOccurrences(resources, pw), [], `${pw} in plain text`);
        const objects = resources.kubernetesObjects();
        assert.ok(objects.length >= 15);
        for (const o of objects) {
            assert.match(o.provider, /pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
            assert.equal(validateKubernetesObject(o), "valid");
        }
        assert.equal(resources.all.filter((r) => (r.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer").length, 0);
    });
});
