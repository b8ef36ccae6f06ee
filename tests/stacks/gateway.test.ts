/**
 * The Gateway API entry point on every target, whole stacks under mocks: `ingressController:
 * gateway` (Kubernetes 1.36 on the clouds) and the migration's `both`. What a user relies on: the
 * pinned charts and CRD channel, one load balancer shaped by the target's facts, the listeners,
 * the app's routes, certificates, who may reach the app, and the outputs.
 */
import * as assert from "node:assert/strict";
import type { PlatformOutputs } from "../../components/cluster/contract";
import { ENVOY_GATEWAY, GATEWAY_API } from "../../facts/gateway-versions";
import { ADDON_NAMESPACE_LABELS } from "../../components/platform/workload-security";
import type { Cloud } from "../../config";
import { EXAMPLE_STACK_OF, runStack } from "../../scripts/plan-lib";
import { MOCK_LB_INGRESS } from "../harness/cloud-mocks";
import type { RecordedResource, ResourceSet } from "../harness/mocks";
import { valueOf } from "../harness/mocks";
import { policyViolations, schemaFailures } from "../harness/stack-checks";

const T = {
    release: "kubernetes:helm.sh/v3:Release",
    chartV4: "kubernetes:helm.sh/v4:Chart",
    proxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
    gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
    gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    service: "kubernetes:core/v1:Service",
    policy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    issuer: "kubernetes:cert-manager.io/v1:ClusterIssuer",
    namespace: "kubernetes:core/v1:Namespace",
} as const;
const DOMAIN = { "platform:domain": "app.example.com", "platform:acmeEmail": "ops@example.com" };

type Obj = Record<string, unknown>;
const spec = (r: RecordedResource): unknown => r.inputs.spec;
const metadata = (r: RecordedResource) => r.inputs.metadata as { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

function controllerConfig(cloud: Cloud, controller: "gateway" | "both", extra: Record<string, string> = {}): Record<string, string> {
    // 1.36 needs the gateway; `both` stays on a version nginx supports.
    const version: Record<string, string> = cloud === "local" ? {} : { "platform:kubernetesVersion": controller === "gateway" ? "1.36" : "1.35" };
    return { "platform:ingressController": controller, ...version, ...extra };
}

function evaluate(cloud: Cloud, controller: "gateway" | "both", extra: Record<string, string> = {}): Promise<{ outputs: PlatformOutputs; resources: ResourceSet }> {
    return runStack(EXAMPLE_STACK_OF[cloud], controllerConfig(cloud, controller, extra));
}

const envoyService = (rs: ResourceSet) => (spec(rs.one(T.proxy)) as { provider: { kubernetes: { envoyService: Obj } } }).provider.kubernetes.envoyService;
const nginxService = (rs: ResourceSet) =>
    ((rs.ofType(T.release).find((r) => r.inputs.chart === "ingress-nginx") ?? assert.fail("no nginx release")).inputs.values as { controller: { service: Obj } }).controller.service;

for (const cloud of ["local", "aws", "gcp", "azure"] as const) {
    describe(`stack: ${cloud} with ingressController gateway`, () => {
        let outputs: PlatformOutputs;
        let resources: ResourceSet;
        let nginxResources: ResourceSet;
        before(async () => {
            ({ outputs, resources } = await evaluate(cloud, "gateway"));
            ({ resources: nginxResources } = await runStack(EXAMPLE_STACK_OF[cloud]));
        });

        it("installs Envoy Gateway from its OCI chart, pinned, without the chart's experimental CRDs; the standard-channel CRDs from gateway-crds-helm", () => {
            const charts = resources.ofType(T.release).map((r) => r.inputs.chart);
            assert.ok(!charts.includes("ingress-nginx"), "no ingress-nginx");
            assert.equal(charts.filter((c) => c === ENVOY_GATEWAY.chart).length, 1);
            const eg = resources.one(T.release, "envoy-gateway-release");
            assert.equal(eg.inputs.chart, "oci://docker.io/envoyproxy/gateway-helm");
            assert.equal(eg.inputs.version, "v1.9.2");
            assert.equal(eg.inputs.namespace, "envoy-gateway-system");
            const values = eg.inputs.values as { crds: Obj; deployment: { replicas: number; envoyGateway: { resources: { requests: Obj } } }; podDisruptionBudget: Obj };
            assert.deepEqual(values.crds, { enabled: false });
            assert.equal(values.deployment.replicas, 2);
            assert.deepEqual(values.podDisruptionBudget, { minAvailable: 1 });
            assert.ok(values.deployment.envoyGateway.resources.requests.cpu);

            const crds = resources.one(T.chartV4, "envoy-gateway-crds");
            assert.equal(crds.inputs.chart, "oci://docker.io/envoyproxy/gateway-crds-helm");
            assert.equal(crds.inputs.version, "v1.9.2");
            assert.deepEqual(crds.inputs.values, { crds: { gatewayAPI: { enabled: true, channel: "standard" }, envoyGateway: { enabled: true } } });
            assert.equal(GATEWAY_API.version, "v1.6.1");
            assert.ok(eg.dependsOn.includes(crds.urn), "the controller starts after its CRDs");
            assert.deepEqual(metadata(resources.one(T.namespace, "envoy-gateway-namespace")).labels, { ...ADDON_NAMESPACE_LABELS });
        });

        it("has exactly one load balancer: the gateway's data plane, shaped by the same facts as nginx's Service on this target", () => {
            const lbs = resources.ofType(T.service).filter((s) => !s.read && (spec(s) as { type?: string }).type === "LoadBalancer");
            assert.deepEqual(lbs.map((s) => s.name), []);
            assert.equal(resources.ofType(T.proxy).length, 1);
            const envoy = envoyService(resources);
            const nginx = nginxService(nginxResources);
            assert.equal(envoy.type, nginx.type);
            assert.deepEqual(envoy.annotations, nginx.annotations);
            assert.equal(envoy.loadBalancerClass, nginx.loadBalancerClass);
            assert.equal(envoy.loadBalancerIP, nginx.loadBalancerIP);
            assert.equal(envoy.externalTrafficPolicy, nginx.externalTrafficPolicy);
            assert.equal(envoy.name, "platform-gateway");
            if (cloud === "local") {
                assert.equal(envoy.type, "NodePort");
                assert.deepEqual(envoy.patch, { type: "StrategicMerge", value: { spec: { ports: [{ port: 80, nodePort: 30080 }] } } });
            } else {
                assert.equal(envoy.type, "LoadBalancer");
                assert.equal(envoy.patch, undefined);
            }
        });

        it("runs the data plane with ingress.replicas (>= 2), a PDB, requests and a restricted pod context", () => {
            const k = (spec(resources.one(T.proxy)) as { provider: { kubernetes: { envoyDeployment: { replicas: number; pod: { securityContext: Obj }; container: { resources: { requests: Obj } } }; envoyPDB: Obj } } }).provider.kubernetes;
            assert.equal(k.envoyDeployment.replicas, 2);
            assert.deepEqual(k.envoyPDB, { maxUnavailable: 1 });
            assert.deepEqual(k.envoyDeployment.pod.securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
            assert.ok(k.envoyDeployment.container.resources.requests.cpu && k.envoyDeployment.container.resources.requests.memory);
        });

        it("has one GatewayClass of Envoy Gateway's controller, parameterised by the platform's EnvoyProxy, and one Gateway with an HTTP listener only (no domain)", () => {
            const gc = resources.one(T.gatewayClass);
            assert.deepEqual(spec(gc), {
                controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
                parametersRef: { group: "gateway.envoyproxy.io", kind: "EnvoyProxy", name: "platform-proxy", namespace: "envoy-gateway-system" },
            });
            const gw = resources.one(T.gateway);
            const listeners = (spec(gw) as { gatewayClassName: string; listeners: { name: string; protocol: string; port: number }[] }).listeners;
            assert.equal((spec(gw) as { gatewayClassName: string }).gatewayClassName, "platform");
            assert.deepEqual(listeners.map((l) => [l.name, l.protocol, l.port]), [["http", "HTTP", 80]]);
            assert.equal(metadata(gw).annotations?.["cert-manager.io/cluster-issuer"], undefined);
        });

        it("routes / to the app Service through an HTTPRoute on the HTTP listener, and admits only the data plane to the app", () => {
            const route = resources.one(T.route);
            assert.equal(metadata(route).namespace, "apps");
            const s = spec(route) as { parentRefs: { name: string; namespace: string; sectionName: string }[]; hostnames?: string[]; rules: { backendRefs: { name: string; port: number }[] }[] };
            assert.deepEqual(s.parentRefs.map((p) => `${p.namespace}/${p.name}#${p.sectionName}`), ["envoy-gateway-system/platform#http"]);
            assert.equal(s.hostnames, undefined);
            assert.deepEqual(s.rules[0].backendRefs.map((b) => `${b.name}:${b.port}`), ["visit-counter:80"]);
            assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 0);
            const inbound = spec(resources.one(T.policy, "visit-counter-allow-ingress-controller")) as { ingress: { from: { namespaceSelector: { matchLabels: Obj }; podSelector: { matchLabels: Obj } }[] }[] };
            assert.deepEqual(
                inbound.ingress[0].from.map((p) => [p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"], p.podSelector.matchLabels["gateway.envoyproxy.io/owning-gateway-name"]]),
                [["envoy-gateway-system", "platform"]],
            );
            // The app's Service route attaches only where the Gateway lets it: the platform's apps, and the teams (the local dev stack declares shop).
            const allowed = (spec(resources.one(T.gateway)) as { listeners: { allowedRoutes: { namespaces: { selector: { matchExpressions: { values: string[] }[] } } } }[] }).listeners[0].allowedRoutes;
            assert.deepEqual(allowed.namespaces.selector.matchExpressions[0].values, ["apps", "envoy-gateway-system", ...(cloud === "local" ? ["shop"] : [])]);
        });

        it("turns on cert-manager's Gateway API support after the gateway's CRDs, and exports the gateway as the entry point", async () => {
            const cm = resources.one(T.release, "cert-manager-release");
            assert.equal((cm.inputs.values as { config?: { enableGatewayAPI?: boolean } }).config?.enableGatewayAPI, true);
            assert.ok(cm.dependsOn.includes(resources.one(T.chartV4, "envoy-gateway-crds").urn), "cert-manager starts after the Gateway API CRDs");

            assert.equal(await valueOf(outputs.ingressController), "gateway");
            const lb = MOCK_LB_INGRESS[cloud];
            const endpoint = lb.hostname ?? lb.ip ?? "localhost:30080";
            assert.equal(await valueOf(outputs.ingressEndpoint), endpoint);
            assert.equal(await valueOf(outputs.gatewayEndpoint), endpoint);
            assert.equal(await valueOf(outputs.appUrl), `http://${endpoint}/`);
            // aws: the stack's Elastic IPs (the NLB reports only a hostname); elsewhere the LB's IPs.
            const owned = ["198.51.100.11", "198.51.100.12", "198.51.100.13"];
            assert.deepEqual(await valueOf(outputs.ingressAddress), cloud === "local" ? ["127.0.0.1"] : cloud === "aws" ? owned : lb.ip ? [lb.ip] : []);
        });

        it("with a domain: an HTTPS listener for it whose certificate cert-manager issues (Gateway annotated, HTTP-01 through an HTTPRoute solver), the app on it, http redirected", async () => {
            const { outputs: o, resources: r } = await evaluate(cloud, "gateway", DOMAIN);
            const gw = r.one(T.gateway);
            assert.equal(metadata(gw).annotations?.["cert-manager.io/cluster-issuer"], "letsencrypt-production");
            const listeners = (spec(gw) as { listeners: { name: string; port: number; hostname?: string; tls?: { mode: string; certificateRefs: { kind: string; name: string }[] } }[] }).listeners;
            assert.deepEqual(listeners.map((l) => l.name), ["http", "https"]);
            assert.equal(listeners[1].hostname, "app.example.com");
            assert.deepEqual(listeners[1].tls, { mode: "Terminate", certificateRefs: [{ group: "", kind: "Secret", name: "platform-gateway-tls" }] });
            const solvers = (spec(r.one(T.issuer)) as { acme: { solvers: Obj[] } }).acme.solvers;
            assert.deepEqual(solvers, [
                { http01: { gatewayHTTPRoute: { parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "platform", namespace: "envoy-gateway-system", sectionName: "http" }] } } },
            ]);
            const routes = r.ofType(T.route).map((x) => [metadata(x).name, (spec(x) as { parentRefs: { sectionName: string }[] }).parentRefs[0].sectionName]);
            assert.deepEqual(routes, [["visit-counter", "https"], ["visit-counter-https-redirect", "http"]]);
            if (cloud === "local") {
                const ports = (envoyService(r).patch as { value: { spec: { ports: Obj[] } } }).value.spec.ports;
                assert.deepEqual(ports, [{ port: 80, nodePort: 30080 }, { port: 443, nodePort: 30443 }]);
            }
            assert.equal(await valueOf(o.appUrl), "https://app.example.com/");
        });

        it("gives every Kubernetes object a valid shape and satisfies the policy pack", async () => {
            assert.deepEqual([...schemaFailures(resources), ...(await policyViolations(resources))], []);
        });
    });

    describe(`stack: ${cloud} with ingressController both (migration)`, () => {
        let outputs: PlatformOutputs;
        let resources: ResourceSet;
        before(async () => {
            ({ outputs, resources } = await evaluate(cloud, "both"));
        });

        it("runs nginx and the gateway side by side: two load balancers only now, nginx still the primary entry point", async () => {
            const charts = resources.ofType(T.release).map((r) => r.inputs.chart);
            assert.deepEqual(charts.filter((c) => c === ENVOY_GATEWAY.chart || c === "ingress-nginx").sort(), [ENVOY_GATEWAY.chart, "ingress-nginx"].sort());
            assert.equal(envoyService(resources).type, nginxService(resources).type);
            assert.equal(resources.ofType("kubernetes:networking.k8s.io/v1:Ingress").length, 1);
            assert.equal(resources.ofType(T.route).length, 1);
            assert.equal(await valueOf(outputs.ingressController), "both");
            const lb = MOCK_LB_INGRESS[cloud];
            if (cloud === "local") {
                assert.equal(await valueOf(outputs.ingressEndpoint), "localhost:30080");
                assert.equal(await valueOf(outputs.gatewayEndpoint), "localhost:30081");
                assert.deepEqual((envoyService(resources).patch as { value: { spec: { ports: Obj[] } } }).value.spec.ports, [{ port: 80, nodePort: 30081 }]);
            } else {
                assert.equal(await valueOf(outputs.ingressEndpoint), lb.hostname ?? lb.ip);
                assert.ok(outputs.gatewayAddress, "gatewayAddress output");
            }
            const from = (spec(resources.one(T.policy, "visit-counter-allow-ingress-controller")) as { ingress: { from: { namespaceSelector: { matchLabels: Obj } }[] }[] }).ingress[0].from;
            assert.deepEqual(from.map((p) => p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]), ["ingress-nginx", "envoy-gateway-system"]);
        });

        it("with ACME: nginx's solver first (DNS still points there), the gateway's second, and the nginx solver policy kept", async () => {
            const { resources: r } = await evaluate(cloud, "both", DOMAIN);
            const solvers = (spec(r.one(T.issuer)) as { acme: { solvers: Obj[] } }).acme.solvers;
            assert.deepEqual(solvers.map((s) => Object.keys(s.http01 as Obj)[0]), ["ingress", "gatewayHTTPRoute"]);
            assert.equal(r.ofType(T.policy).filter((p) => p.name === "visit-counter-allow-acme-solver").length, 1);
        });
    });
}

describe("stack: aws-auto with ingressController gateway (EKS Auto Mode)", () => {
    it("gives Envoy's Service Auto Mode's NLB class and the stack's Elastic IPs, as ingress-nginx gets them", async () => {
        const { resources, outputs } = await runStack("aws-auto", { "platform:kubernetesVersion": "1.36", "platform:ingressController": "gateway" });
        const service = envoyService(resources);
        assert.equal(service.loadBalancerClass, "eks.amazonaws.com/nlb");
        assert.equal(service.externalTrafficPolicy, "Local");
        const annotations = service.annotations as Record<string, string>;
        assert.equal(annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internet-facing");
        assert.equal(annotations["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"], "eipalloc-0ingress0001,eipalloc-0ingress0002,eipalloc-0ingress0003");
        assert.deepEqual(await valueOf(outputs.ingressAddress), ["198.51.100.11", "198.51.100.12", "198.51.100.13"]);
        assert.equal(resources.ofType(T.release).filter((r) => r.inputs.chart === "ingress-nginx").length, 0);
    });
});

describe("stack: dev with ingressController gateway on minikube (platform:localEndpoint)", () => {
    it("reports the gateway on the node address, as ingress-nginx does, not on localhost", async () => {
        const extra = { "platform:kubeContext": "minikube", "platform:localEndpoint": "192.168.49.2" };
        const gateway = await runStack(EXAMPLE_STACK_OF.local, { ...extra, "platform:ingressController": "gateway" });
        assert.equal(await valueOf(gateway.outputs.ingressEndpoint), "192.168.49.2:30080");
        assert.equal(await valueOf(gateway.outputs.appUrl), "http://192.168.49.2:30080/");
        const both = await runStack(EXAMPLE_STACK_OF.local, { ...extra, "platform:ingressController": "both" });
        assert.equal(await valueOf(both.outputs.ingressEndpoint), "192.168.49.2:30080");
        assert.equal(await valueOf(both.outputs.gatewayEndpoint), "192.168.49.2:30081");
    });
});
