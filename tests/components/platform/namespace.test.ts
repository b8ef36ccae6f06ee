import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { AUTO_MODE_DNS } from "../../../components/aws/facts";
import { type DnsFacts, KUBE_DNS } from "../../../components/cluster/contract";
import { GKE_DNS } from "../../../components/gcp/facts";
import { AppNamespace, CLUSTER_DNS_POD_LABELS, dnsEgressRule, podSecurityLabels } from "../../../components/platform/namespace";
import { runProgram, valueOf } from "../../harness/mocks";
import { as } from "../../harness/objects";
import { validateKubernetesObject } from "../../harness/schema";

import out = k8s.types.output;

function deploy(dns: DnsFacts = KUBE_DNS) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        return new AppNamespace("apps", { name: "apps", dns }, { provider });
    });
}

async function dnsPolicy(dns: DnsFacts): Promise<out.networking.v1.NetworkPolicy | undefined> {
    const { resources } = await deploy(dns);
    return resources
        .ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .map((r) => as<out.networking.v1.NetworkPolicy>(r))
        .find((p) => p.metadata.name === "allow-dns-egress");
}

describe("AppNamespace", () => {
    it("creates the named namespace with Pod Security restricted enforced", async () => {
        const { resources, result } = await deploy();
        const ns = as<out.core.v1.Namespace>(resources.one("kubernetes:core/v1:Namespace"));
        assert.equal(ns.metadata.name, "apps");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
        assert.equal(await valueOf(result.name), "apps");
        assert.deepEqual(podSecurityLabels()["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("denies all ingress and egress by default for every pod", async () => {
        const { resources } = await deploy();
        const policies = resources.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => as<out.networking.v1.NetworkPolicy>(r));
        const deny = policies.find((p) => p.metadata.name === "default-deny");
        assert.ok(deny);
        assert.equal(deny.metadata.namespace, "apps");
        assert.deepEqual(deny.spec.podSelector, {});
        assert.deepEqual(deny.spec.policyTypes, ["Ingress", "Egress"]);
        assert.equal(deny.spec.ingress, undefined, "no ingress rule: nothing admitted");
        assert.equal(deny.spec.egress, undefined, "no egress rule: nothing allowed out");
    });

    it("allows DNS to the kube-dns pods in kube-system on 53 UDP and TCP, and nothing else", async () => {
        const dns = await dnsPolicy(KUBE_DNS);
        assert.ok(dns);
        assert.deepEqual(dns.spec.podSelector, {});
        assert.deepEqual(dns.spec.policyTypes, ["Egress"]);
        assert.equal(dns.spec.ingress, undefined);
        assert.deepEqual(dns.spec.egress, [dnsEgressRule(KUBE_DNS)]);
        const [rule] = dns.spec.egress;
        // Both selectors in ONE peer: kube-dns pods in kube-system (two peers would mean "or").
        assert.deepEqual(rule.to, [
            {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
            },
        ]);
        assert.deepEqual(CLUSTER_DNS_POD_LABELS, { "k8s-app": "kube-dns" });
        assert.deepEqual(rule.ports, [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ]);
    });

    it("on GKE also lets DNS reach NodeLocal DNSCache (169.254.20.10) and Cloud DNS's resolver (169.254.169.254) on the node", async () => {
        const dns = await dnsPolicy(GKE_DNS);
        const [rule] = dns?.spec.egress ?? [];
        assert.deepEqual(rule.to, [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } },
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "node-local-dns" } } },
            { ipBlock: { cidr: "169.254.20.10/32" } },
            { ipBlock: { cidr: "169.254.169.254/32" } },
        ]);
        assert.deepEqual(rule.ports, [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
        ]);
    });

    it("on EKS Auto Mode, where each node answers DNS itself and no peer can name it, allows port 53 only, to anywhere", async () => {
        const dns = await dnsPolicy(AUTO_MODE_DNS);
        assert.deepEqual(dns?.spec.egress, [{ ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] }]);
    });

    it("gives every object our provider, and every object matches the schema", async () => {
        const { resources } = await deploy();
        const objects = resources.kubernetesObjects();
        assert.equal(objects.length, 3);
        for (const o of objects) {
            assert.match(o.provider, /pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
            assert.equal(validateKubernetesObject(o), "valid");
            assert.match(o.parent, /platform:index:AppNamespace::apps$/);
        }
    });
});
