/**
 * What the platform e2e asserts about a deployed (or destroyed) local stack, read from the API
 * server and the engine: the stack configuration it runs with, the operations a preview plans,
 * the readiness and admission of every workload, secrets kept out of state and pod specs, and
 * what a destroy leaves behind.
 */
import * as assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type { ConfigMap, EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { E2E_CONTEXT } from "./harness/cluster";
import type { InventoryKey } from "./harness/inventory";
import type { KubeClient, KubeObject } from "./harness/kube-client";
import { waitFor } from "./harness/processes";

export type Controller = "gateway" | "nginx";

export interface Target {
    /** Kubernetes minor of the control plane. */
    version: string;
    /** The entry point the stack starts with. */
    controller: Controller;
}

/** Gateway on the newest minor (which ingress-nginx does not support), nginx on the one before. */
export const TARGETS: readonly Target[] = [
    { version: "1.36", controller: "gateway" },
    { version: "1.35", controller: "nginx" },
];

/** A prebuilt image pinned by digest: no build, no docker provider; kwok never pulls it. */
export const APP_IMAGE = `registry.invalid/platform/visit-counter@sha256:${"5e".repeat(32)}`;

export const STUB_CHARTS = path.join(__dirname, "stub-charts");

/** The chart-source override (`platform:chartSources`): every chart the local stack installs, from its stub (directory = chart name). */
export function chartSources(): Record<string, string> {
    return {
        "ingress-nginx": path.join(STUB_CHARTS, "ingress-nginx"),
        "cert-manager": path.join(STUB_CHARTS, "cert-manager"),
        "envoy-gateway": path.join(STUB_CHARTS, "gateway-helm"),
        "envoy-gateway-crds": path.join(STUB_CHARTS, "gateway-crds-helm"),
    };
}

export interface Passwords {
    postgres: string;
    redis: string;
}

export function newPasswords(): Passwords {
    return { postgres: randomBytes(18).toString("base64url"), redis: randomBytes(18).toString("base64url") };
}

/**
 * The one application team of the e2e stack: the team the example app stack's own stack file
 * deploys into (examples/app-stack/Pulumi.dev.yaml), with an editor group as on a local cluster.
 * Its quota is small enough to matter and large enough for that app at its largest scale.
 */
export const E2E_TEAM = { name: "shop", editors: ["group:shop-devs"], quota: { cpu: "1", memory: "1Gi", storage: "1Gi", pods: 10 } } as const;

/**
 * The e2e stack: local target on the e2e context (not `kind-*`, so no `kind load`), a prebuilt
 * image, brought passwords and local charts, so it needs no provider but kubernetes; one team.
 */
export function e2eStackConfig(target: Target, kubeconfig: string, passwords: Passwords): ConfigMap {
    return {
        "platform:cloud": { value: "local" },
        "platform:kubeContext": { value: E2E_CONTEXT },
        "platform:kubeconfigPath": { value: kubeconfig },
        "platform:ingressController": { value: target.controller },
        "platform:appImage": { value: APP_IMAGE },
        "platform:postgresPassword": { value: passwords.postgres, secret: true },
        "platform:redisPassword": { value: passwords.redis, secret: true },
        "platform:chartSources": { value: JSON.stringify(chartSources()) },
        "platform:postgresBackupStorageSize": { value: "2Gi" },
        "platform:teams": { value: JSON.stringify([E2E_TEAM]) },
    };
}

/** One planned operation: `op` on the resource of `type` named `name` (the URN's last part). */
export interface PlannedStep {
    op: string;
    type: string;
    name: string;
}

/** Collects the steps of an operation from its engine events. */
export function stepRecorder(): { onEvent: (e: EngineEvent) => void; steps: PlannedStep[] } {
    const steps: PlannedStep[] = [];
    return {
        steps,
        onEvent: (e: EngineEvent) => {
            const m = e.resourcePreEvent?.metadata;
            if (m === undefined || m.op === "same" || m.op === "read") return;
            steps.push({ op: m.op, type: m.type, name: m.urn.split("::").pop() ?? m.urn });
        },
    };
}

const DESTRUCTIVE = new Set(["delete", "replace", "create-replacement", "delete-replaced", "discard", "discard-replaced"]);

/** The steps that delete or replace something. */
export function destructiveSteps(steps: readonly PlannedStep[]): PlannedStep[] {
    return steps.filter((s) => DESTRUCTIVE.has(s.op));
}

export function describeSteps(steps: readonly PlannedStep[]): string {
    return steps.map((s) => `${s.op} ${s.type} ${s.name}`).join("\n") || "(none)";
}

/**
 * How many replicas a workload must have ready: its own count, or its autoscaler's floor when one
 * scales it (an autoscaled Deployment starts at one and the HPA raises it to `minReplicas` some
 * seconds later, so the own count alone would call a Deployment below its floor ready).
 */
export function wantedReplicas(kind: string, workload: KubeObject, hpas: readonly KubeObject[]): number {
    const own = Number(workload.spec?.replicas ?? 1);
    const scaler = hpas.find((h) => {
        const ref = h.spec?.scaleTargetRef as { kind?: string; name?: string } | undefined;
        return ref?.name === workload.metadata.name && `${String(ref?.kind).toLowerCase()}s` === kind;
    });
    return scaler === undefined ? own : Math.max(own, Number(scaler.spec?.minReplicas ?? 1));
}

/** The workloads in `namespaces` whose replicas are not all ready, as `kind ns/name ready/wanted`. */
export async function unreadyWorkloads(client: KubeClient, namespaces: readonly string[]): Promise<string[]> {
    const unready: string[] = [];
    for (const ns of namespaces) {
        const hpas = await client.list(`/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`);
        for (const kind of ["deployments", "statefulsets"]) {
            for (const w of await client.list(`/apis/apps/v1/namespaces/${ns}/${kind}`)) {
                const want = wantedReplicas(kind, w, hpas);
                const ready = Number(w.status?.readyReplicas ?? 0);
                if (ready !== want || Number(w.spec?.replicas ?? 1) !== want) unready.push(`${kind} ${ns}/${w.metadata.name} ${ready}/${want}`);
            }
        }
    }
    return unready;
}

/**
 * Every workload in `namespaces` gets all its replicas ready within `timeoutMs` (kwok reports a
 * pod ready about a second after it is scheduled; an autoscaler may still be adding some).
 */
export async function assertWorkloadsReady(client: KubeClient, namespaces: readonly string[], timeoutMs = 60_000): Promise<void> {
    let last: string[] = [];
    const ready = await waitFor(
        "workloads ready",
        async () => {
            last = await unreadyWorkloads(client, namespaces);
            return last.length === 0 ? true : undefined;
        },
        timeoutMs,
        500,
    ).catch(() => false);
    assert.ok(ready, `not ready: ${last.join(", ")}`);
}

/** No controller was refused a pod (Pod Security admission, quota, ...): its FailedCreate events. */
export async function assertNoRefusedPods(client: KubeClient): Promise<void> {
    const refused = (await client.list("/api/v1/events")).filter((e) => e.reason === "FailedCreate");
    assert.deepEqual(
        refused.map((e) => `${String((e.involvedObject as { name?: string }).name)}: ${String(e.message)}`),
        [],
        "controllers could not create pods",
    );
}

/** Whether the Deployment whose pods match `selector` in `ns` spreads them over zones (a topology spread constraint on the zone label). */
export async function spreadsOverZones(client: KubeClient, ns: string, selector: string): Promise<boolean> {
    const deployments = await client.list(`/apis/apps/v1/namespaces/${ns}/deployments?labelSelector=${encodeURIComponent(selector)}`);
    return deployments.some((d) => {
        const pod = (d.spec?.template as { spec?: { topologySpreadConstraints?: { topologyKey: string }[] } } | undefined)?.spec;
        return (pod?.topologySpreadConstraints ?? []).some((c) => c.topologyKey === "topology.kubernetes.io/zone");
    });
}

/** The zones the pods matching `selector` in `ns` were scheduled into. */
export async function zonesOf(client: KubeClient, ns: string, selector: string): Promise<string[]> {
    const nodes = new Map((await client.list("/api/v1/nodes")).map((n) => [n.metadata.name, n.metadata.labels?.["topology.kubernetes.io/zone"] ?? "?"]));
    const pods = await client.list(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`);
    return pods.map((p) => nodes.get(String(p.spec?.nodeName)) ?? "unscheduled");
}

interface Container {
    name: string;
    command?: string[];
    args?: string[];
    env?: { name: string; value?: string }[];
}

/** Plain-text places in a pod spec where a secret must never be: env values, commands, args. */
export function plainTextOf(pod: KubeObject): string[] {
    const spec = (pod.spec ?? {}) as { containers?: Container[]; initContainers?: Container[] };
    return [...(spec.containers ?? []), ...(spec.initContainers ?? [])].flatMap((c) => [...(c.command ?? []), ...(c.args ?? []), ...(c.env ?? []).map((e) => e.value ?? "")]);
}

/** Neither password appears in the state export or in any pod's env values, commands or args. */
export async function assertSecretsKept(stack: Stack, client: KubeClient, passwords: Passwords): Promise<void> {
    const exported = JSON.stringify(await stack.exportStack());
    for (const [name, value] of Object.entries(passwords)) {
        assert.ok(!exported.includes(value), `the ${name} password is in plain text in pulumi stack export`);
    }
    for (const pod of await client.list("/api/v1/pods")) {
        const plain = plainTextOf(pod).join("\n");
        for (const [name, value] of Object.entries(passwords)) {
            assert.ok(!plain.includes(value), `the ${name} password is in plain text in pod ${pod.metadata.namespace}/${pod.metadata.name}'s spec`);
        }
    }
}

/** The number of resources in the stack's state. */
export async function stateResourceCount(stack: Stack): Promise<number> {
    const deployment = (await stack.exportStack()).deployment as { resources?: unknown[] };
    return deployment.resources?.length ?? 0;
}

export interface Leftover {
    what: string;
    pattern: RegExp;
    /** Exactly this many; undefined: at least one. */
    count?: number;
}

/**
 * README's "What `pulumi destroy` leaves on a local cluster", as far as it can be seen here: the
 * Postgres data and backups volumes (`platform-retain`, Retain) released with their data, their
 * claims gone with the namespace; with the gateway, its CRDs (the CRDs chart is retainOnDelete).
 * The stub CRDs chart has its own number of CRDs, so their count is not the real chart's. Not
 * seen here: cert-manager's leader-election Leases (no controller runs) and the volumes'
 * directories on the nodes.
 */
export function expectedLeftovers(controller: Controller): Leftover[] {
    const volumes: Leftover = { what: "the Postgres data and backups volumes", pattern: /^PersistentVolume pvc-/, count: 2 };
    if (controller === "nginx") return [volumes];
    return [volumes, { what: "the Gateway API and Envoy Gateway CRDs", pattern: /^apiextensions\.k8s\.io\/CustomResourceDefinition [a-z]+\.(gateway\.networking\.k8s\.io|gateway\.envoyproxy\.io)$/ }];
}

/** What differs between the objects left and the expected leftovers, or undefined. */
export function leftoverMismatch(left: readonly InventoryKey[], expected: readonly Leftover[]): string | undefined {
    const problems = left.filter((k) => !expected.some((e) => e.pattern.test(k))).map((k) => `not expected: ${k}`);
    for (const e of expected) {
        const n = left.filter((k) => e.pattern.test(k)).length;
        if (e.count === undefined ? n === 0 : n !== e.count) problems.push(`${e.what}: ${n} left, expected ${e.count ?? "at least one"}`);
    }
    return problems.length === 0 ? undefined : problems.join("; ");
}

/** Whether the RBAC authorizer lets members of `group` do `verb` on `resource` in `namespace` (a SubjectAccessReview). */
export async function groupMay(client: KubeClient, group: string, verb: string, resource: { group: string; resource: string }, namespace: string): Promise<boolean> {
    const review: KubeObject = await client.create<KubeObject>("/apis/authorization.k8s.io/v1/subjectaccessreviews", {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        metadata: { name: "" },
        spec: { user: "e2e-team-member", groups: [group], resourceAttributes: { namespace, verb, ...resource } },
    });
    return review.status?.allowed === true;
}

/**
 * The team's namespace as README's teams promise it, read from the API server: Pod Security
 * `restricted` labels (and a pod only `baseline` admits refused in a dry run), its ResourceQuota in effect
 * (the quota controller has counted it), the LimitRange, default-deny with DNS, and `edit` for its
 * editor group there and nowhere else.
 */
export async function assertTeamNamespace(client: KubeClient, team: typeof E2E_TEAM): Promise<void> {
    const ns = team.name;
    const labels = (await client.get(`/api/v1/namespaces/${ns}`))?.metadata.labels ?? {};
    assert.equal(labels["pod-security.kubernetes.io/enforce"], "restricted", `namespace ${ns}: ${JSON.stringify(labels)}`);
    // A pod `baseline` admits and `restricted` does not (it may run as root, escalate, keep capabilities).
    const plain = { apiVersion: "v1", kind: "Pod", metadata: { name: "e2e-plain" }, spec: { containers: [{ name: "c", image: APP_IMAGE }] } };
    await assert.rejects(client.create(`/api/v1/namespaces/${ns}/pods?dryRun=All`, plain), /violates PodSecurity \\?"restricted/);
    const quota = await waitFor(`${ns}'s quota counted`, async () => {
        const q = await client.get(`/api/v1/namespaces/${ns}/resourcequotas/team-quota`);
        return q?.status?.hard === undefined ? undefined : q;
    }, 30_000);
    const hard = quota.spec?.hard as Record<string, string>;
    assert.deepEqual([hard["requests.cpu"], hard["requests.memory"], hard.pods], [team.quota.cpu, team.quota.memory, String(team.quota.pods)]);
    assert.ok(await client.get(`/api/v1/namespaces/${ns}/limitranges/team-limits`), "no LimitRange team-limits");
    const policies = (await client.list(`/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`)).map((p) => p.metadata.name);
    for (const p of ["default-deny", "allow-dns-egress"]) assert.ok(policies.includes(p), `${ns}'s NetworkPolicies: ${policies.join(", ")}`);
    const binding = await client.get(`/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings/team-editors`);
    assert.deepEqual((binding?.subjects as { kind: string; name: string }[] | undefined)?.map((s) => `${s.kind} ${s.name}`), team.editors.map((e) => `Group ${e.replace(/^group:/, "")}`));
    const group = team.editors[0].replace(/^group:/, "");
    const deployments = { group: "apps", resource: "deployments" };
    assert.equal(await groupMay(client, group, "create", deployments, ns), true, `${group} may not create Deployments in ${ns}`);
    assert.equal(await groupMay(client, group, "create", deployments, "apps"), false, `${group} may create Deployments in the platform's apps namespace`);
}
