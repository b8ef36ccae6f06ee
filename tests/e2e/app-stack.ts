/**
 * An application team's stack on the deployed platform, as the team would run it: the example app
 * stack's own program (examples/app-stack/index.ts, inline), its own stack file's config with the
 * e2e's kube context, and a StackReference to the platform stack on the same file backend. What
 * it asserts, read from the API server: the App ready in the team's namespace within its quota,
 * routed by the entry point the platform's `platformContract` names.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { load } from "js-yaml";
import type { ConfigMap, PulumiFn, Stack } from "@pulumi/pulumi/automation";
import type { PlatformContract } from "../../components/apps/contract";
import { E2E_CONTEXT } from "./harness/cluster";
import { fileBackendStackName, inlineStack, outputLog } from "./harness/engine";
import { inventory, type InventoryKey, leftBehind } from "./harness/inventory";
import type { KubeClient, KubeObject } from "./harness/kube-client";
import { waitFor } from "./harness/processes";
import type { Scenario } from "./harness/run";
import { assertNoRefusedPods, assertTeamNamespace, describeSteps, E2E_TEAM, stepRecorder } from "./platform-checks";

/** The example's project (its Pulumi.yaml `name`) and the stack file a team starts from. */
export const APP_PROJECT = "app-stack";
export const APP_STACK_FILE = path.join(__dirname, "..", "..", "examples", "app-stack", "Pulumi.dev.yaml");

/** The example's program as `pulumi up` in examples/app-stack runs it (its index.ts), inline. */
export const appStackProgram: PulumiFn = async () => {
    const program = (await import("../../examples/app-stack/index")).default;
    return { ...(await program()) };
};

/** A platform stack of another contract version: only the output an app stack reads, nothing deployed. */
export function otherVersionProgram(version: number): PulumiFn {
    return async () => ({ platformContract: { version } });
}

/** A stack file's `config:` as the Automation API takes it: scalars as text, objects and lists as JSON (as `pulumi.Config.get` returns them). */
export function stackFileConfig(yamlText: string): ConfigMap {
    const doc = load(yamlText) as { config?: Record<string, unknown> } | undefined;
    const config: ConfigMap = {};
    for (const [key, raw] of Object.entries(doc?.config ?? {})) {
        if (typeof raw === "object" && raw !== null && "secure" in raw) throw new Error(`${key}: a secure value of the example's stack file cannot be decrypted here`);
        config[key] = { value: typeof raw === "string" ? raw : typeof raw === "object" ? JSON.stringify(raw) : String(raw) };
    }
    return config;
}

/**
 * The example's stack file, pointed at the e2e's platform stack (`platformStack`, fully qualified)
 * and the e2e cluster's context: the two keys a team changes for its own cluster.
 */
export function appStackConfig(platformStack: string, kubeconfig: string): ConfigMap {
    return {
        ...stackFileConfig(fs.readFileSync(APP_STACK_FILE, "utf8")),
        [`${APP_PROJECT}:platformStack`]: { value: platformStack },
        [`${APP_PROJECT}:kubeContext`]: { value: E2E_CONTEXT },
        [`${APP_PROJECT}:kubeconfigPath`]: { value: kubeconfig },
    };
}

/** The contract as the platform stack exports it (what the app stack's StackReference reads). */
export async function exportedContract(platform: Stack): Promise<PlatformContract> {
    const value = (await platform.outputs()).platformContract?.value as PlatformContract | undefined;
    assert.ok(value !== undefined, "the platform stack exports no platformContract");
    return value;
}

function acceptedParents(route: KubeObject): { name?: string; namespace?: string; sectionName?: string }[] {
    const parents = (route.status?.parents ?? []) as { parentRef: { name?: string; namespace?: string; sectionName?: string }; conditions?: { type: string; status: string }[] }[];
    return parents.filter((p) => (p.conditions ?? []).some((c) => c.type === "Accepted" && c.status === "True")).map((p) => p.parentRef);
}

/**
 * The app's route in `namespace` is taken by the platform's primary entry point as the contract
 * names it: an HTTPRoute accepted by the Gateway (its listeners admit the team's namespace), or an
 * Ingress of the entry point's class with its address published.
 */
export async function assertRoutedBy(client: KubeClient, contract: PlatformContract, namespace: string, name: string): Promise<void> {
    const entry = contract.entryPoints[0];
    if (entry.kind === "gateway") {
        const path = `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/${name}`;
        const parents = await waitFor(`HTTPRoute ${namespace}/${name} accepted`, async () => {
            const accepted = acceptedParents((await client.get(path)) ?? { metadata: { name } });
            return accepted.length > 0 ? accepted : undefined;
        }, 30_000).catch(async () => assert.fail(`HTTPRoute ${namespace}/${name} not accepted: ${JSON.stringify((await client.get(path))?.status)}`));
        assert.deepEqual(parents.map((p) => `${p.namespace}/${p.name}`), [`${entry.gatewayNamespace}/${entry.gatewayName}`]);
        return;
    }
    const ingress = await waitFor(`Ingress ${namespace}/${name} published`, async () => {
        const ing = await client.get(`/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses/${name}`);
        return ((ing?.status?.loadBalancer as { ingress?: unknown[] } | undefined)?.ingress ?? []).length > 0 ? ing : undefined;
    }, 30_000);
    assert.equal(ingress.spec?.ingressClassName, entry.ingressClassName);
}

/** The team's quota counts the app's pods (admission charged them to it) and stays under its ceiling. */
export async function assertQuotaAdmits(client: KubeClient, namespace: string, pods: number): Promise<void> {
    const used = await waitFor(`${namespace}'s quota to count ${pods} pods`, async () => {
        const q = await client.get(`/api/v1/namespaces/${namespace}/resourcequotas/team-quota`);
        const u = q?.status?.used as Record<string, string> | undefined;
        return u?.pods === String(pods) ? { used: u, hard: q?.status?.hard as Record<string, string> } : undefined;
    }, 30_000);
    assert.ok(Number(used.used.pods) <= Number(used.hard.pods), JSON.stringify(used));
}

/**
 * The app's Deployment ready at its floor: with autoscaling it has no `replicas` of its own (the
 * HPA owns the count), so it starts at one and the HPA raises it to `minReplicas`. Returns the count.
 */
export async function assertAppReady(client: KubeClient, namespace: string, name: string): Promise<number> {
    let last = "";
    return waitFor(`${namespace}/${name} ready at its floor`, async () => {
        const d = await client.get(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`);
        const hpa = await client.get(`/apis/autoscaling/v2/namespaces/${namespace}/horizontalpodautoscalers/${name}`);
        const want = Math.max(Number(d?.spec?.replicas ?? 1), Number(hpa?.spec?.minReplicas ?? 1));
        const ready = Number(d?.status?.readyReplicas ?? 0);
        last = `${ready}/${want} ready (Deployment replicas ${String(d?.spec?.replicas)}, HPA floor ${String(hpa?.spec?.minReplicas)})`;
        return d !== undefined && ready === want && Number(d.spec?.replicas) === want ? want : undefined;
    }, 60_000, 500).catch(() => assert.fail(`Deployment ${namespace}/${name}: ${last}`));
}

/**
 * What differs between two inventories, as the app stack may change it: everything but pods of
 * other namespaces, which the platform's own controllers may add meanwhile (an HPA raising a
 * Deployment to its floor). `left:` is new in `after`, `removed:` gone from it.
 */
export function appStackDiff(before: readonly InventoryKey[], after: readonly InventoryKey[], namespace: string): string[] {
    const counted = (k: InventoryKey) => !k.startsWith("Pod ") || k.startsWith(`Pod ${namespace}/`);
    return [...leftBehind(before, after).filter(counted).map((k) => `left: ${k}`), ...leftBehind(after, before).filter(counted).map((k) => `removed: ${k}`)];
}

/** The app stack's name, and the app's (examples/app-stack/Pulumi.dev.yaml `app-stack:name`). */
const APP_STACK_NAME = "shop-hello";
const APP_NAME = "hello";
const OTHER_VERSION_STACK = "contract-v2";

/**
 * The app team's stack on one scenario's deployed platform stack, in the order the steps run:
 * refused on another contract version, deployed, destroyed.
 */
export class AppTeamStack {
    private app: Stack | undefined;
    private withPlatformOnly: InventoryKey[] = [];

    constructor(
        private readonly scenario: Scenario,
        private readonly platform: Stack,
    ) {}

    private async stack(platformStack: string): Promise<Stack> {
        const config = appStackConfig(platformStack, this.scenario.cluster.kubeconfigPath);
        if (this.app === undefined) this.app = await inlineStack(this.scenario.engine, APP_STACK_NAME, appStackProgram, config, APP_PROJECT);
        else await this.app.setAllConfig(config);
        return this.app;
    }

    /** A platform stack exporting a contract of version 2: the app stack's preview fails in one clean line. */
    async refusesOtherContractVersion(): Promise<void> {
        const { engine } = this.scenario;
        const other = await inlineStack(engine, OTHER_VERSION_STACK, otherVersionProgram(2), {});
        await other.up({ onOutput: outputLog(engine, "contract-v2-up") });
        const otherName = fileBackendStackName("platform", OTHER_VERSION_STACK);
        const app = await this.stack(otherName);
        const err = await app.preview({ onOutput: outputLog(engine, "app-contract-v2-preview") }).then(
            () => undefined,
            (e: unknown) => (e instanceof Error ? e.message : String(e)),
        );
        assert.ok(err !== undefined, "the app stack previewed on a contract of version 2");
        // One line of its own in the engine's diagnostics, as the user sees it.
        assert.match(err, new RegExp(`^\\s*(error: )?${otherName}: the platform stack's platformContract has version 2; this program reads version 1: update the platform stack or this app stack so both agree\\s*$`, "m"));
        assert.doesNotMatch(err, /unhandled exception|\.ts:\d+:\d+/, "the refusal is printed as a crash");
        await other.destroy({ onOutput: outputLog(engine, "contract-v2-destroy") });
        await other.workspace.removeStack(OTHER_VERSION_STACK);
    }

    /** Preview (nothing created), up, the app ready, routed and within its quota; a second up without changes. */
    async deploys(): Promise<void> {
        const { client } = this.scenario.cluster;
        const log = (name: string) => outputLog(this.scenario.engine, name);
        this.withPlatformOnly = await inventory(client);
        const app = await this.stack(fileBackendStackName("platform", this.platform.name));
        const rec = stepRecorder();
        await app.preview({ onEvent: rec.onEvent, onOutput: log("app-preview") });
        assert.ok(rec.steps.some((s) => s.op === "create" && s.type === "kubernetes:apps/v1:Deployment"), describeSteps(rec.steps));
        assert.deepEqual(appStackDiff(this.withPlatformOnly, await inventory(client), E2E_TEAM.name), [], "the app's preview changed objects");
        const up = await app.up({ onOutput: log("app-up") });
        assert.equal(up.summary.result, "succeeded");
        const ns = E2E_TEAM.name;
        assert.equal(up.outputs.namespace.value, ns);
        const replicas = await assertAppReady(client, ns, APP_NAME);
        assert.ok(await client.get(`/api/v1/namespaces/${ns}/services/${APP_NAME}`), `no Service ${ns}/${APP_NAME}`);
        await assertRoutedBy(client, await exportedContract(this.platform), ns, APP_NAME);
        assert.match(String(up.outputs.url.value), new RegExp(`/${APP_NAME}$`));
        await assertQuotaAdmits(client, ns, replicas);
        await assertNoRefusedPods(client);
        assert.equal(this.scenario.fixtureErrors(), "");
        await app.up({ expectNoChanges: true, onOutput: log("app-up-again") });
    }

    /** Destroy: the cluster as before the app's up (its pods gone too), the platform without changes, its team intact. */
    async destroys(): Promise<void> {
        const { client } = this.scenario.cluster;
        const app = this.app;
        assert.ok(app !== undefined, "no app stack to destroy");
        const destroy = await app.destroy({ onOutput: outputLog(this.scenario.engine, "app-destroy") });
        assert.equal(destroy.summary.result, "succeeded");
        await app.workspace.removeStack(APP_STACK_NAME);
        // Its pods and ReplicaSets go after the Deployment, by the garbage collector.
        let diff: string[] = [];
        await waitFor("the app's objects gone", async () => {
            diff = appStackDiff(this.withPlatformOnly, await inventory(client), E2E_TEAM.name);
            return diff.length === 0 ? true : undefined;
        }, 60_000, 1000).catch(() => assert.fail(diff.join("\n")));
        await this.platform.preview({ expectNoChanges: true, onOutput: outputLog(this.scenario.engine, "after-app-destroy-preview") });
        await assertTeamNamespace(client, E2E_TEAM);
    }
}
