/**
 * Whole stacks, one per target, evaluated under mocks exactly as `pulumi up` would run them: the
 * properties every cloud shares (explicit provider, one load balancer, schema-valid objects, the
 * stack outputs) checked in one place.
 */
import * as assert from "node:assert/strict";
import type { PlatformOutputs } from "../../components/cluster";
import type { Cloud } from "../../config";
import { EXAMPLE_STACK_OF, runStack } from "../../scripts/plan-lib";
import { STATEFUL_DATA_LABEL } from "../../components/workload-security";
import { PLATFORM_POLICIES } from "../../policy/rules";
import { violations } from "../../policy/testing";
import { MOCK_LB_INGRESS } from "../harness/cloud-mocks";
import { isSecret, type ResourceSet, valueOf } from "../harness/mocks";
import { validateKubernetesObject } from "../harness/schema";

function evaluate(cloud: Cloud, extra: Record<string, string> = {}): Promise<{ outputs: PlatformOutputs; resources: ResourceSet }> {
    return runStack(EXAMPLE_STACK_OF[cloud], extra);
}

const KUBERNETES_PROVIDER = "pulumi:providers:kubernetes";

for (const cloud of ["local", "aws", "gcp", "azure"] as const) {
    describe(`stack: ${cloud}`, () => {
        let outputs: PlatformOutputs;
        let resources: ResourceSet;
        before(async () => {
            ({ outputs, resources } = await evaluate(cloud));
        });

        it("creates exactly one Kubernetes provider, and every Kubernetes object uses it", () => {
            const providers = resources.ofType(KUBERNETES_PROVIDER);
            assert.equal(providers.length, 1, providers.map((p) => p.name).join(", "));
            const ref = `${providers[0].urn}::${providers[0].name}-id`;
            const objects = resources.all.filter((r) => r.type.startsWith("kubernetes:") && r.custom && r.type !== KUBERNETES_PROVIDER);
            assert.ok(objects.length > 20, `expected the whole platform, found ${objects.length} Kubernetes objects`);
            const strays = objects.filter((r) => r.provider !== ref).map((r) => `${r.type} ${r.name} -> ${r.provider || "default provider"}`);
            assert.deepEqual(strays, []);
        });

        it("has no Service of type LoadBalancer of its own: the ingress controller's (inside the chart) is the only one", () => {
            const lbs = resources.ofType("kubernetes:core/v1:Service").filter((s) => !s.read && (s.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer");
            assert.deepEqual(lbs.map((s) => s.name), []);
            const releases = resources.ofType("kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart);
            assert.deepEqual(releases.filter((c) => c === "ingress-nginx"), ["ingress-nginx"]);
        });

        it("gives every Kubernetes object a valid shape (Kubernetes OpenAPI schema)", () => {
            const failures: string[] = [];
            for (const r of resources.kubernetesObjects()) {
                try {
                    validateKubernetesObject(r);
                } catch (e) {
                    failures.push(`${r.type} ${r.name}: ${e instanceof Error ? e.message : String(e)}`);
                }
            }
            assert.deepEqual(failures, []);
        });

        it("satisfies every rule of the policy pack the preview job enforces", async () => {
            const found: string[] = [];
            for (const r of resources.all.filter((x) => x.custom && !x.read)) {
                for (const policy of PLATFORM_POLICIES) {
                    for (const v of await violations(policy, r.type, r.inputs, r.name)) found.push(`${policy.name}: ${r.type} ${r.name}: ${v}`);
                }
            }
            assert.deepEqual(found, []);
        });

        it("marks Postgres as stateful data, so the pack holds it to the Retain class", () => {
            const pg = resources.ofType("kubernetes:apps/v1:StatefulSet").filter((s) => (s.inputs.metadata as { labels?: Record<string, string> }).labels?.[STATEFUL_DATA_LABEL] === "true");
            assert.deepEqual(pg.map((s) => s.name), ["postgres"]);
        });

        it("tells the node autoscaler what it may move: the app's scratch volumes, never Redis or Postgres; no unsatisfiable PDB", () => {
            const template = (type: string, name: string) =>
                (resources.one(type, name).inputs.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations;
            assert.deepEqual(template("kubernetes:apps/v1:Deployment", "visit-counter"), { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "tmp" });
            for (const name of ["redis", "postgres"]) {
                assert.deepEqual(template("kubernetes:apps/v1:StatefulSet", name), { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" }, name);
            }
            const pdbTargets = resources
                .ofType("kubernetes:policy/v1:PodDisruptionBudget")
                .map((p) => (p.inputs.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels?.["app.kubernetes.io/name"]);
            assert.deepEqual(pdbTargets.filter((n) => n === "redis" || n === "postgres"), []);
        });

        it("keeps every Kubernetes object under a component (parent set)", () => {
            const orphans = resources.kubernetesObjects().filter((r) => !r.parent);
            assert.deepEqual(orphans.map((r) => `${r.type} ${r.name}`), []);
        });

        it("exports cloud, ingressEndpoint, ingressAddress, appUrl, storageClasses and appImage", async () => {
            assert.equal(outputs.cloud, cloud);
            const lb = MOCK_LB_INGRESS[cloud];
            const endpoint = lb.hostname ?? lb.ip ?? "localhost:30080";
            assert.equal(await valueOf(outputs.ingressEndpoint), endpoint);
            assert.equal(await valueOf(outputs.appUrl), `http://${endpoint}/`);
            // A target without a shared class says so rather than leaving the key out.
            const shared = cloud === "local" ? "none" : "platform-shared";
            assert.deepEqual(await valueOf(outputs.storageClasses), { general: "platform-standard", retain: "platform-retain", shared });
            // aws: the Elastic IPs the stack owns (the NLB itself reports only a hostname); elsewhere the LB's IPs.
            const owned = ["198.51.100.11", "198.51.100.12", "198.51.100.13"];
            assert.deepEqual(await valueOf(outputs.ingressAddress), cloud === "local" ? ["127.0.0.1"] : cloud === "aws" ? owned : lb.ip ? [lb.ip] : []);
            assert.match(await valueOf(outputs.appImage), /:[0-9a-f]{12,}$/, "tagged by content");
        });

        if (cloud === "local") {
            it("exports no kubeconfig (the user already has it) and creates no cloud resources", () => {
                assert.equal(outputs.kubeconfig, undefined);
                const cloudTypes = resources.all.filter((r) => /^(aws|awsx|eks|gcp|azure-native):/.test(r.type));
                assert.deepEqual(cloudTypes.map((r) => r.type), []);
            });
        } else {
            it("exports the kubeconfig as a secret", async () => {
                assert.ok(outputs.kubeconfig, "kubeconfig output");
                assert.equal(await isSecret(outputs.kubeconfig), true);
                assert.match(await valueOf(outputs.kubeconfig), /apiVersion|"clusters"/);
            });
        }

        it("serves the app over TLS on the configured domain", async () => {
            const { outputs: withDomain, resources: r } = await evaluate(cloud, { "platform:domain": "app.example.com", "platform:acmeEmail": "ops@example.com" });
            assert.equal(await valueOf(withDomain.appUrl), "https://app.example.com/");
            const ingress = r.one("kubernetes:networking.k8s.io/v1:Ingress");
            const spec = ingress.inputs.spec as { tls?: { hosts: string[] }[]; rules: { host?: string }[] };
            assert.deepEqual(spec.tls?.[0].hosts, ["app.example.com"]);
            assert.equal(spec.rules[0].host, "app.example.com");
            // Under default-deny the HTTP-01 challenge only gets through with this policy.
            assert.equal(r.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => p.name === "visit-counter-allow-acme-solver").length, 1);
        });
    });
}
