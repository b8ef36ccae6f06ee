import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AWS_LOAD_BALANCER } from "../../../components/aws/facts";
import { AZURE_LOAD_BALANCER } from "../../../components/azure/facts";
import type { LoadBalancerFacts } from "../../../components/cluster/contract";
import { GCP_LOAD_BALANCER } from "../../../components/gcp/facts";
import {
    CONTROLLER_POD_LABELS,
    IngressNginx,
    IngressNginxArgsError,
    INGRESS_NGINX_CHART_VERSION,
    ingressNginxValues,
    loadBalancerAddress,
    loadBalancerIps,
} from "../../../components/entry-points/ingress-nginx";
import { LOCAL_LOAD_BALANCER } from "../../../components/local/facts";
import { mockState, runProgram, valueOf } from "../../harness/mocks";

type Values = {
    fullnameOverride: string;
    controller: {
        replicaCount: number;
        minAvailable: number;
        unhealthyPodEvictionPolicy: string;
        topologySpreadConstraints: { topologyKey: string; whenUnsatisfiable: string; labelSelector: { matchLabels: Record<string, string> } }[];
        resources: { requests: Record<string, string>; limits: Record<string, string> };
        allowSnippetAnnotations: boolean;
        enableAnnotationValidations: boolean;
        config: Record<string, string>;
        admissionWebhooks: { enabled: boolean; failurePolicy: string; patch: { networkPolicy: { enabled: boolean } } };
        networkPolicy: { enabled: boolean };
        metrics: { enabled: boolean; serviceMonitor: { enabled: boolean } };
        ingressClassResource: { name: string; enabled: boolean; default: boolean };
        service: {
            type: string;
            annotations: Record<string, string>;
            externalTrafficPolicy: string;
            nodePorts?: { http: string; https: string };
            loadBalancerClass?: string;
            loadBalancerIP?: unknown;
        };
    };
    defaultBackend: { networkPolicy: { enabled: boolean } };
};

const values = (lb: LoadBalancerFacts, replicas = 2) => ingressNginxValues({ loadBalancer: lb, replicas }) as unknown as Values;

const CLOUDS: [string, LoadBalancerFacts][] = [
    ["AWS", AWS_LOAD_BALANCER],
    ["GCP", GCP_LOAD_BALANCER],
    ["Azure", AZURE_LOAD_BALANCER],
];

let lbStatus: Record<string, unknown> = {};

function deploy(loadBalancer: LoadBalancerFacts, replicas = 2) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        return new IngressNginx("ingress-nginx", { loadBalancer, replicas }, { provider });
    });
}

describe("ingressNginxValues", () => {
    it("keeps the hardening the CVEs call for", () => {
        const c = values(AWS_LOAD_BALANCER).controller;
        assert.equal(c.allowSnippetAnnotations, false);
        assert.equal(c.enableAnnotationValidations, true);
        assert.equal(c.config["annotations-risk-level"], "High");
        assert.equal(c.config["strict-validate-path-type"], "true");
        // L4 load balancers add no X-Forwarded-For: trusting client-sent headers would allow spoofing.
        assert.equal(c.config["use-forwarded-headers"], "false");
        assert.deepEqual(c.admissionWebhooks, { enabled: true, failurePolicy: "Fail", patch: { networkPolicy: { enabled: true } } });
        assert.deepEqual(c.networkPolicy, { enabled: true });
        assert.deepEqual(values(AWS_LOAD_BALANCER).defaultBackend, { networkPolicy: { enabled: true } });
    });

    it("runs replicas with a PDB, zone and host spread that still schedules on one node, and bounded memory", () => {
        const c = values(LOCAL_LOAD_BALANCER, 3).controller;
        assert.equal(c.replicaCount, 3);
        assert.equal(c.minAvailable, 2);
        assert.equal(c.unhealthyPodEvictionPolicy, "AlwaysAllow");
        assert.deepEqual(c.topologySpreadConstraints.map((t) => [t.topologyKey, t.whenUnsatisfiable]), [
            ["topology.kubernetes.io/zone", "ScheduleAnyway"],
            ["kubernetes.io/hostname", "ScheduleAnyway"],
        ]);
        for (const t of c.topologySpreadConstraints) assert.deepEqual(t.labelSelector.matchLabels, CONTROLLER_POD_LABELS);
        assert.deepEqual(c.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } });
        assert.equal(values(LOCAL_LOAD_BALANCER, 2).controller.minAvailable, 1);
    });

    it("exposes metrics without a ServiceMonitor, and is the default `nginx` IngressClass", () => {
        const v = values(GCP_LOAD_BALANCER);
        assert.deepEqual(v.controller.metrics, { enabled: true, serviceMonitor: { enabled: false } });
        assert.deepEqual(v.controller.ingressClassResource, { name: "nginx", enabled: true, default: true });
        assert.equal(v.fullnameOverride, "ingress-nginx");
    });

    for (const [cloud, lb] of CLOUDS) {
        it(`${cloud}: a LoadBalancer Service with exactly the cloud's annotations and Local traffic policy`, () => {
            const s = values(lb).controller.service;
            assert.equal(s.type, "LoadBalancer");
            assert.deepEqual(s.annotations, lb.annotations);
            assert.equal(s.externalTrafficPolicy, "Local");
            assert.equal(s.nodePorts, undefined);
            // Nothing the facts do not ask for: the cloud's default LB controller and a cloud-picked address.
            assert.equal("loadBalancerClass" in s, false);
            assert.equal("loadBalancerIP" in s, false);
        });
    }

    it("passes the facts' loadBalancerClass and static loadBalancerIP to the Service", () => {
        const lb: LoadBalancerFacts = {
            ...GCP_LOAD_BALANCER,
            loadBalancerClass: "networking.gke.io/l4-regional-external",
            address: { loadBalancerIP: "203.0.113.7", addresses: ["203.0.113.7"] },
        };
        const s = values(lb).controller.service;
        assert.equal(s.loadBalancerClass, "networking.gke.io/l4-regional-external");
        assert.equal(s.loadBalancerIP, "203.0.113.7");
    });

    it("AWS asks for an NLB and Azure probes /healthz (through the facts, not a cloud switch)", () => {
        assert.equal(values(AWS_LOAD_BALANCER).controller.service.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
        assert.equal(
            values(AZURE_LOAD_BALANCER).controller.service.annotations["service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path"],
            "/healthz",
        );
    });

    it("local: NodePort on fixed ports 30080/30443, Cluster policy", () => {
        const s = values(LOCAL_LOAD_BALANCER).controller.service;
        assert.equal(s.type, "NodePort");
        assert.deepEqual(s.nodePorts, { http: "30080", https: "30443" });
        assert.equal(s.externalTrafficPolicy, "Cluster");
        assert.deepEqual(s.annotations, {});
    });

    it("refuses fewer than 2 replicas", () => {
        assert.throws(() => values(AWS_LOAD_BALANCER, 1), (e: unknown) => e instanceof IngressNginxArgsError && /replicas must be an integer >= 2.*got 1/.test(e.message));
        assert.throws(() => values(AWS_LOAD_BALANCER, 2.5), IngressNginxArgsError);
    });

    it("reads the LB address: hostname first (AWS), else IP", () => {
        assert.equal(loadBalancerAddress({ loadBalancer: { ingress: [{ hostname: "a.elb.amazonaws.com", ip: "1.2.3.4" }] } }), "a.elb.amazonaws.com");
        assert.equal(loadBalancerAddress({ loadBalancer: { ingress: [{ ip: "34.1.2.3" }] } }), "34.1.2.3");
        assert.equal(loadBalancerAddress({ loadBalancer: {} }), undefined);
        assert.equal(loadBalancerAddress(undefined), undefined);
    });

    it("reads every IP of the LB status, and none from a hostname-only NLB", () => {
        assert.deepEqual(loadBalancerIps({ loadBalancer: { ingress: [{ ip: "34.1.2.3" }, { ip: "34.1.2.4" }] } }), ["34.1.2.3", "34.1.2.4"]);
        assert.deepEqual(loadBalancerIps({ loadBalancer: { ingress: [{ hostname: "a.elb.amazonaws.com" } as { ip?: string }] } }), []);
        assert.deepEqual(loadBalancerIps(undefined), []);
    });
});

describe("IngressNginx", () => {
    // Mocks are per test (tests/harness/hooks.ts resets them): registered before each test of this block.
    beforeEach(() => mockState("kubernetes:core/v1:Service", (args) => (args.id ? { status: lbStatus } : {})));

    it("installs chart ingress-nginx 4.15.1 from the official repository as a helm.v3 Release in its own namespace", async () => {
        lbStatus = { loadBalancer: { ingress: [{ hostname: "abc.elb.eu-west-1.amazonaws.com" }] } };
        const { resources } = await deploy(AWS_LOAD_BALANCER);
        assert.equal(resources.ofType("kubernetes:helm.sh/v4:Chart").length, 0);
        const release = resources.one("kubernetes:helm.sh/v3:Release");
        assert.equal(release.inputs.chart, "ingress-nginx");
        assert.equal(release.inputs.version, "4.15.1");
        assert.equal(INGRESS_NGINX_CHART_VERSION, "4.15.1");
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://kubernetes.github.io/ingress-nginx" });
        assert.equal(release.inputs.name, "ingress-nginx");
        assert.equal(release.inputs.namespace, "ingress-nginx");
        assert.equal(release.inputs.createNamespace, false);
        assert.equal(release.inputs.cleanupOnFail, true);
        assert.equal(release.inputs.atomic, false);
        assert.equal(release.inputs.skipAwait, false);
        assert.equal(release.inputs.maxHistory, 10);
        assert.equal(release.inputs.timeout, 900);
        assert.deepEqual(release.inputs.values, JSON.parse(JSON.stringify(ingressNginxValues({ loadBalancer: AWS_LOAD_BALANCER, replicas: 2 }))));

        const ns = resources.one("kubernetes:core/v1:Namespace");
        const meta = ns.inputs.metadata as { name: string; labels: Record<string, string> };
        assert.equal(meta.name, "ingress-nginx");
        assert.equal(meta.labels["pod-security.kubernetes.io/enforce"], "baseline");
        // The namespace is passed as the Namespace's output, so the release waits for it.
        assert.ok(release.dependsOn.includes(ns.urn) || release.inputs.namespace === meta.name);
    });

    it("endpoint: reads the controller Service after the release and returns its LB hostname", async () => {
        lbStatus = { loadBalancer: { ingress: [{ hostname: "abc.elb.eu-west-1.amazonaws.com" }] } };
        const { result, resources } = await deploy(AWS_LOAD_BALANCER);
        const read = resources.all.filter((r) => r.read && r.type === "kubernetes:core/v1:Service");
        assert.equal(read.length, 1);
        // The harness records options only for registrations, not reads, so the read's dependsOn
        // on the release is not visible here; the read's id is the chart's controller Service.
        assert.equal(read[0].name, "ingress-nginx-controller-service");
        assert.match(read[0].provider, /pulumi:providers:kubernetes::k8s::/);
        assert.equal(await valueOf(result.endpoint), "abc.elb.eu-west-1.amazonaws.com");
    });

    it("endpoint: falls back to the LB IP (GCP, Azure)", async () => {
        lbStatus = { loadBalancer: { ingress: [{ ip: "20.1.2.3" }] } };
        const { result } = await deploy(AZURE_LOAD_BALANCER);
        assert.equal(await valueOf(result.endpoint), "20.1.2.3");
    });

    it("endpoint on NodePort clusters is localhost:<http nodePort>, address 127.0.0.1, with no Service read", async () => {
        const { result, resources } = await deploy(LOCAL_LOAD_BALANCER);
        assert.equal(await valueOf(result.endpoint), "localhost:30080");
        assert.deepEqual(await valueOf(result.address), ["127.0.0.1"]);
        assert.equal(resources.all.filter((r) => r.read).length, 0);
    });

    it("address: the LB's IPs from the Service status where the target owns no address; none from an AWS hostname", async () => {
        lbStatus = { loadBalancer: { ingress: [{ ip: "20.1.2.3" }] } };
        assert.deepEqual(await valueOf((await deploy(AZURE_LOAD_BALANCER)).result.address), ["20.1.2.3"]);
        lbStatus = { loadBalancer: { ingress: [{ hostname: "abc.elb.eu-west-1.amazonaws.com" }] } };
        assert.deepEqual(await valueOf((await deploy(AWS_LOAD_BALANCER)).result.address), []);
    });

    it("address: the target's static addresses when it owns them, and output annotation values reach the chart", async () => {
        lbStatus = { loadBalancer: { ingress: [{ hostname: "abc.elb.eu-west-1.amazonaws.com" }] } };
        const lb: LoadBalancerFacts = {
            ...AWS_LOAD_BALANCER,
            annotations: { ...AWS_LOAD_BALANCER.annotations, "service.beta.kubernetes.io/aws-load-balancer-eip-allocations": pulumi.output("eipalloc-1,eipalloc-2") },
            address: { addresses: pulumi.output(["198.51.100.1", "198.51.100.2"]) },
        };
        const { result, resources } = await deploy(lb);
        assert.deepEqual(await valueOf(result.address), ["198.51.100.1", "198.51.100.2"]);
        const service = (resources.one("kubernetes:helm.sh/v3:Release").inputs.values as Values).controller.service;
        assert.equal(service.annotations["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"], "eipalloc-1,eipalloc-2");
        assert.equal(await valueOf(result.endpoint), "abc.elb.eu-west-1.amazonaws.com");
    });

    it("exposes the class, namespace and controller pod labels the workloads rely on", async () => {
        const { result } = await deploy(LOCAL_LOAD_BALANCER);
        assert.equal(await valueOf(result.ingressClassName), "nginx");
        assert.equal(await valueOf(result.namespace), "ingress-nginx");
        assert.deepEqual(result.controllerPodLabels, {
            "app.kubernetes.io/name": "ingress-nginx",
            "app.kubernetes.io/instance": "ingress-nginx",
            "app.kubernetes.io/component": "controller",
        });
    });

    it("registers no Service of type LoadBalancer of its own, and every object uses our provider", async () => {
        lbStatus = { loadBalancer: { ingress: [{ ip: "34.1.2.3" }] } };
        const { resources } = await deploy(GCP_LOAD_BALANCER);
        const objects = resources.kubernetesObjects();
        assert.deepEqual(objects.map((o) => o.type).sort(), ["kubernetes:core/v1:Namespace", "kubernetes:helm.sh/v3:Release"]);
        const lbServices = objects.filter((o) => o.type === "kubernetes:core/v1:Service" && (o.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer");
        assert.equal(lbServices.length, 0);
        for (const o of objects) {
            assert.match(o.provider, /^urn:pulumi:test::platform::pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
            assert.match(o.parent, /platform:ingress:IngressNginx::ingress-nginx$/);
        }
    });

    it("fails construction with fewer than 2 replicas", async () => {
        await assert.rejects(deploy(LOCAL_LOAD_BALANCER, 1), /replicas must be an integer >= 2/);
    });
});
