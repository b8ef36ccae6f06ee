/**
 * The whole gcp-auto stack against what GKE Autopilot refuses at admission (GKE Warden): writes to
 * its managed namespaces, host namespaces and paths, privileged containers, capabilities outside
 * its allowlist. A refusal there fails `pulumi up` half-way, so it is checked here, offline.
 */
import * as assert from "node:assert/strict";
import { CERT_MANAGER_NAMESPACE } from "../../../components/platform/cert-manager";
import { GKE_DNS } from "../../../components/gcp/facts";
import { runStack } from "../../../scripts/plan-lib";
import type { RecordedResource, ResourceSet } from "../../harness/mocks";

/**
 * Namespaces Autopilot manages and denies writes to (GKE "Autopilot security measures", managed
 * namespaces; checked 2026-12-07).
 */
const MANAGED_NAMESPACE = /^(kube-system|kube-node-lease|kube-public|gke-.+|gmp-system|gmp-public|istio-system|anthos-.+)$/;

/** Capabilities Autopilot lets a container add (GKE "Autopilot security measures", checked 2026-12-07). */
const AUTOPILOT_CAPABILITIES = new Set([
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "SYS_PTRACE",
]);

interface Container { name: string; securityContext?: { privileged?: boolean; capabilities?: { add?: string[] } } }
interface PodSpec { hostNetwork?: boolean; hostPID?: boolean; hostIPC?: boolean; volumes?: { name: string; hostPath?: unknown }[]; containers: Container[]; initContainers?: Container[] }

function podSpec(r: RecordedResource): PodSpec | undefined {
    const spec = r.inputs.spec as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } } | undefined;
    return spec?.template?.spec ?? spec?.jobTemplate?.spec.template.spec;
}

function podProblems(r: RecordedResource, pod: PodSpec): string[] {
    const problems: string[] = [];
    for (const host of ["hostNetwork", "hostPID", "hostIPC"] as const) if (pod[host]) problems.push(`${r.name}: ${host}`);
    for (const v of pod.volumes ?? []) if (v.hostPath !== undefined) problems.push(`${r.name}: hostPath volume ${v.name}`);
    for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        if (c.securityContext?.privileged) problems.push(`${r.name}/${c.name}: privileged`);
        for (const cap of c.securityContext?.capabilities?.add ?? []) if (!AUTOPILOT_CAPABILITIES.has(cap)) problems.push(`${r.name}/${c.name}: adds ${cap}`);
    }
    return problems;
}

describe("GKE Autopilot: what the platform installs", () => {
    let resources: ResourceSet;
    before(async () => {
        ({ resources } = await runStack("gcp-auto"));
    });

    it("writes nothing into a namespace Autopilot manages (objects and Helm releases)", () => {
        const writes = resources.all.filter((r) => r.custom && !r.read && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers"));
        assert.ok(writes.length > 20, `expected the whole platform, found ${writes.length} objects`);
        const inManaged = writes
            .map((r) => ({ r, ns: (r.inputs.metadata as { namespace?: string } | undefined)?.namespace ?? (r.inputs.namespace as string | undefined) }))
            .filter(({ ns }) => ns !== undefined && MANAGED_NAMESPACE.test(ns))
            .map(({ r, ns }) => `${r.type} ${r.name} in ${ns}`);
        assert.deepEqual(inManaged, []);
    });

    it("keeps cert-manager's leader-election locks in its own namespace, not the chart's default kube-system", () => {
        const release = resources.one("kubernetes:helm.sh/v3:Release", "cert-manager-release");
        assert.equal(release.inputs.namespace, CERT_MANAGER_NAMESPACE);
        assert.deepEqual((release.inputs.values as { global?: unknown }).global, { leaderElection: { namespace: CERT_MANAGER_NAMESPACE } });
    });

    it("runs no pod with host namespaces, host paths, privileged containers or capabilities outside Autopilot's allowlist", () => {
        const pods = resources.all.filter((r) => r.custom && !r.read && /^kubernetes:(apps\/v1:(Deployment|StatefulSet|DaemonSet)|batch\/v1:(Job|CronJob))$/.test(r.type));
        assert.ok(pods.length >= 4, `expected the app, Redis, Postgres and its backup, found ${pods.map((p) => p.name).join(", ")}`);
        assert.deepEqual(pods.flatMap((r) => { const pod = podSpec(r); return pod === undefined ? [] : podProblems(r, pod); }), []);
    });

    it("lets every DNS egress rule reach the resolver Autopilot's Cloud DNS writes into resolv.conf", () => {
        const policies = resources.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy");
        const dnsRules = policies.flatMap((p) =>
            ((p.inputs.spec as { egress?: { ports?: { port: number }[]; to?: unknown[] }[] }).egress ?? []).filter((e) => e.ports?.some((port) => port.port === 53)),
        );
        assert.ok(dnsRules.length >= 2, "expected the namespace's DNS rule and the backup's");
        for (const rule of dnsRules) assert.deepEqual(rule.to, [...(GKE_DNS.peers as unknown[])]);
        assert.ok(dnsRules.every((rule) => JSON.stringify(rule.to).includes('"169.254.169.254/32"')));
    });
});
