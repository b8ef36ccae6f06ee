import * as assert from "node:assert/strict";
import type { LoadBalancerFacts } from "../../../components/cluster/contract";
import {
    DATA_PLANE_NAME,
    EnvoyGatewayArgsError,
    envoyGatewayValues,
    envoyProxySpec,
    gatewayListeners,
    httpRouteShapes,
    SECONDARY_NODE_PORTS,
} from "../../../components/entry-points/envoy-gateway";
import { entryPointLoadBalancers, entryPointPlan } from "../../../stacks/platform";

const GATEWAY = { name: "platform", namespace: "envoy-gateway-system" };
const NLB: LoadBalancerFacts = {
    serviceType: "LoadBalancer",
    annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "external" },
    loadBalancerClass: "service.k8s.aws/nlb",
};
const STATIC: LoadBalancerFacts = { serviceType: "LoadBalancer", annotations: {}, address: { loadBalancerIP: "203.0.113.5", addresses: ["203.0.113.5"] } };
const NODE_PORT: LoadBalancerFacts = { serviceType: "NodePort", annotations: {} };

type Service = { name: string; type: string; annotations: Record<string, string>; loadBalancerClass?: string; loadBalancerIP?: string; externalTrafficPolicy: string; patch?: { value: { spec: { ports: unknown[] } } } };
const serviceOf = (spec: Record<string, unknown>) => (spec as { provider: { kubernetes: { envoyService: Service } } }).provider.kubernetes.envoyService;

describe("Envoy Gateway values and EnvoyProxy", () => {
    it("refuses fewer than 2 replicas for the controller and the data plane", () => {
        assert.throws(() => envoyGatewayValues(1), EnvoyGatewayArgsError);
        assert.throws(() => envoyProxySpec({ loadBalancer: NLB, replicas: 1, https: false, gateway: GATEWAY }), /data-plane replicas must be an integer >= 2.*got 1/);
        assert.throws(() => envoyProxySpec({ loadBalancer: NLB, replicas: 2.5, https: false, gateway: GATEWAY }), EnvoyGatewayArgsError);
    });

    it("gives the data plane the target's LB class, annotations and static IP, with Local traffic policy", () => {
        const nlb = serviceOf(envoyProxySpec({ loadBalancer: NLB, replicas: 3, https: true, gateway: GATEWAY }));
        assert.deepEqual(nlb, { name: DATA_PLANE_NAME, type: "LoadBalancer", annotations: NLB.annotations, loadBalancerClass: "service.k8s.aws/nlb", externalTrafficPolicy: "Local" });
        assert.equal(serviceOf(envoyProxySpec({ loadBalancer: STATIC, replicas: 2, https: false, gateway: GATEWAY })).loadBalancerIP, "203.0.113.5");
    });

    it("on NodePort clusters sets node ports only for the listeners that exist", () => {
        const http = serviceOf(envoyProxySpec({ loadBalancer: NODE_PORT, replicas: 2, https: false, gateway: GATEWAY }));
        assert.deepEqual(http.patch?.value.spec.ports, [{ port: 80, nodePort: 30080 }]);
        assert.equal(http.externalTrafficPolicy, "Cluster");
        const both = serviceOf(envoyProxySpec({ loadBalancer: NODE_PORT, replicas: 2, https: true, nodePorts: SECONDARY_NODE_PORTS, gateway: GATEWAY }));
        assert.deepEqual(both.patch?.value.spec.ports, [{ port: 80, nodePort: 30081 }, { port: 443, nodePort: 30444 }]);
    });

    it("listens on HTTP, and on HTTPS for the domain only when one is set; routes from the named namespaces only", () => {
        assert.deepEqual(gatewayListeners({ tlsSecretName: "t", routeNamespaces: ["apps"] }).map((l) => l.name), ["http"]);
        const withDomain = gatewayListeners({ domain: "app.example.com", tlsSecretName: "t", routeNamespaces: ["apps", "envoy-gateway-system"] });
        assert.deepEqual(withDomain.map((l) => [l.name, l.port, l.hostname]), [["http", 80, undefined], ["https", 443, "app.example.com"]]);
        assert.deepEqual(withDomain[1].allowedRoutes, withDomain[0].allowedRoutes);
    });

    it("keeps TLS off the routes without a host, as the Ingress does (no name to certify)", () => {
        const shapes = httpRouteShapes({ name: "app", gateway: GATEWAY, serviceName: "app", servicePort: 80, host: undefined, tls: true });
        assert.equal(shapes.length, 1);
        assert.equal((shapes[0].spec as { parentRefs: { sectionName: string }[] }).parentRefs[0].sectionName, "http");
    });
});

describe("entry-point choice (stacks/platform.ts)", () => {
    it("runs nginx, the gateway, or both with nginx primary", () => {
        assert.deepEqual(entryPointPlan("nginx"), { nginx: true, gateway: false, primary: "nginx" });
        assert.deepEqual(entryPointPlan("gateway"), { nginx: false, gateway: true, primary: "gateway" });
        assert.deepEqual(entryPointPlan("both"), { nginx: true, gateway: true, primary: "nginx" });
    });

    it("leaves a static address with nginx while both run (one Service can hold it), and gives it to the gateway alone", () => {
        const both = entryPointLoadBalancers("both", STATIC);
        assert.equal(both.nginx.address?.loadBalancerIP, "203.0.113.5");
        assert.equal(both.gateway.address, undefined);
        assert.equal(serviceOf(envoyProxySpec({ loadBalancer: both.gateway, replicas: 2, https: false, gateway: GATEWAY })).loadBalancerIP, undefined);
        assert.equal(entryPointLoadBalancers("gateway", STATIC).gateway.address?.loadBalancerIP, "203.0.113.5");
    });

    it("keeps an address claimed by annotation (AWS EIPs, Azure's public IP) off the second Service while both run", () => {
        const claimed = { ...STATIC, address: { addresses: ["198.51.100.11"], annotations: { "service.beta.kubernetes.io/aws-load-balancer-eip-allocations": "eipalloc-01" } } };
        const both = entryPointLoadBalancers("both", claimed);
        const annotations = (spec: ReturnType<typeof envoyProxySpec>) => (serviceOf(spec).annotations ?? {}) as Record<string, unknown>;
        assert.equal(annotations(envoyProxySpec({ loadBalancer: both.gateway, replicas: 2, https: false, gateway: GATEWAY }))["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"], undefined);
        const alone = entryPointLoadBalancers("gateway", claimed).gateway;
        assert.equal(annotations(envoyProxySpec({ loadBalancer: alone, replicas: 2, https: false, gateway: GATEWAY }))["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"], "eipalloc-01");
    });
});
