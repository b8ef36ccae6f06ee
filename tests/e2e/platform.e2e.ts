/**
 * The platform's local stack through the real engine against a real API server, on both entry
 * points: Envoy Gateway on Kubernetes 1.36, ingress-nginx on 1.35. Each target gets its own
 * cluster; the steps run in order on one stack (mocha bails at the first failure, since each step
 * starts from the previous one's state):
 * smoke cycle, preview, up, no changes after up and after refresh, the day-two changes README's
 * table says work on local, destroy refused while data is protected, and after lifting protection
 * a destroy that leaves exactly what README's local destroy table lists. No secret may appear in
 * the state export or in a pod spec.
 */
import * as assert from "node:assert/strict";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { inlineStack, outputLog, runCli } from "./harness/engine";
import { inventory, type InventoryKey, leftBehind } from "./harness/inventory";
import { Scenario } from "./harness/run";
import {
    assertNoRefusedPods,
    assertSecretsKept,
    assertWorkloadsReady,
    type Controller,
    describeSteps,
    destructiveSteps,
    e2eStackConfig,
    newPasswords,
    type Passwords,
    stateResourceCount,
    stepRecorder,
    TARGETS,
    zonesOf,
} from "./platform-checks";
import { smokeCycle } from "./smoke";

/** The program exactly as `pulumi up` runs it (index.ts), inline. */
const platformProgram: PulumiFn = async () => {
    const program = (await import("../../index")).default;
    return { ...(await program()) };
};

const PLATFORM_NAMESPACES: Record<Controller, string[]> = {
    gateway: ["apps", "cert-manager", "envoy-gateway-system"],
    nginx: ["apps", "cert-manager", "ingress-nginx"],
};

/**
 * What README's "What `pulumi destroy` leaves on a local cluster" says remains, as it can be seen
 * here: the Postgres volume (class platform-retain, Retain) released with its data, and with the
 * gateway the Gateway API and Envoy Gateway CRDs (retainOnDelete). The backups claim never bound
 * (no backup ran), so it has no volume. cert-manager's leader-election Leases are written by the
 * running controller, which a stub chart does not have.
 */
export function expectedLeftovers(controller: Controller): RegExp[] {
    const volume = [/^PersistentVolume pvc-/];
    if (controller === "nginx") return volume;
    return [...volume, /^apiextensions\.k8s\.io\/CustomResourceDefinition [a-z]+\.(gateway\.networking\.k8s\.io|gateway\.envoyproxy\.io)$/];
}

/** Every leftover matches an expected pattern and every pattern matches something. */
export function leftoverMismatch(left: readonly InventoryKey[], expected: readonly RegExp[]): string | undefined {
    const unexpected = left.filter((k) => !expected.some((re) => re.test(k)));
    const missing = expected.filter((re) => !left.some((k) => re.test(k)));
    if (unexpected.length === 0 && missing.length === 0) return undefined;
    return `unexpected: ${unexpected.join(", ") || "none"}; missing: ${missing.map(String).join(", ") || "none"}`;
}

async function upNoChanges(stack: Stack, scenario: Scenario, label: string): Promise<string> {
    let output = "";
    const log = outputLog(scenario.engine, `${label}-up`);
    const up = await stack.up({
        onOutput: (o) => {
            output += o;
            log(o);
        },
    });
    assert.equal(up.summary.result, "succeeded");
    await stack.preview({ expectNoChanges: true, onOutput: outputLog(scenario.engine, `${label}-preview-after-up`) });
    return output;
}

async function setAndPreview(stack: Stack, scenario: Scenario, label: string, config: Record<string, string>) {
    for (const [key, value] of Object.entries(config)) await stack.setConfig(key, { value });
    const rec = stepRecorder();
    await stack.preview({ onEvent: rec.onEvent, onOutput: outputLog(scenario.engine, `${label}-preview`) });
    return rec.steps;
}

for (const target of TARGETS) {
    describe(`e2e: the local stack with ${target.controller} on Kubernetes ${target.version}`, function () {
        let scenario: Scenario;
        // Each step starts from the one before: after a failure the rest fail at once, naming it
        // (mocha's bail would also abort the other target's stack).
        let failedStep: string | undefined;
        const step = (title: string, fn: () => Promise<void>) =>
            it(title, async function () {
                if (failedStep !== undefined) throw new Error(`not run: the earlier step "${failedStep}" failed`);
                try {
                    await fn();
                } catch (e) {
                    failedStep = title;
                    throw e;
                }
            });
        let stack: Stack;
        let passwords: Passwords;
        let baseline: InventoryKey[];

        before(async function () {
            scenario = await Scenario.open(`${target.controller}-${target.version}`, target.version);
        });
        afterEach(function () {
            scenario?.noteResult(this.currentTest?.state);
        });
        after(async function () {
            await scenario?.close();
        });

        step("runs the engine's whole cycle on this cluster (smoke)", async () => {
            await smokeCycle(scenario);
        });

        step("previews the platform without creating anything", async () => {
            baseline = await inventory(scenario.cluster.client);
            passwords = newPasswords();
            stack = await inlineStack(scenario.engine, `local-${target.controller}`, platformProgram, e2eStackConfig(target, scenario.cluster.kubeconfigPath, passwords));
            const rec = stepRecorder();
            await stack.preview({ onEvent: rec.onEvent, onOutput: outputLog(scenario.engine, "platform-preview") });
            assert.ok(rec.steps.filter((s) => s.op === "create").length > 30, describeSteps(rec.steps));
            assert.deepEqual(leftBehind(baseline, await inventory(scenario.cluster.client)), [], "a preview created objects");
        });

        step("deploys it: every pod admitted and ready, spread over the zones, no change left to make", async () => {
            const output = await upNoChanges(stack, scenario, "platform");
            assert.doesNotMatch(output, /will not show as a stack output/, "an undefined stack output");
            const { client } = scenario.cluster;
            await assertWorkloadsReady(client, PLATFORM_NAMESPACES[target.controller]);
            await assertNoRefusedPods(client);
            const selector = target.controller === "nginx" ? "app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller" : "control-plane=envoy-gateway";
            const zones = await zonesOf(client, target.controller === "nginx" ? "ingress-nginx" : "envoy-gateway-system", selector);
            assert.equal(new Set(zones).size, zones.length, `entry-point pods share a zone: ${zones.join(", ")}`);
            await assertSecretsKept(stack, client, passwords);
            assert.equal(scenario.fixtureErrors(), "");
        });

        step("refreshes without drift, and a preview still shows no changes", async () => {
            await stack.refresh({ expectNoChanges: true, onOutput: outputLog(scenario.engine, "platform-refresh") });
            await stack.preview({ expectNoChanges: true, onOutput: outputLog(scenario.engine, "platform-preview-after-refresh") });
        });

        step("scales the app and the entry point in place", async () => {
            const steps = await setAndPreview(stack, scenario, "replicas", { "platform:appReplicas": "3", "platform:ingressReplicas": "3" });
            assert.deepEqual(destructiveSteps(steps), [], describeSteps(steps));
            await upNoChanges(stack, scenario, "replicas");
            const hpa = await scenario.cluster.client.list("/apis/autoscaling/v2/namespaces/apps/horizontalpodautoscalers");
            assert.deepEqual(
                hpa.map((h) => h.spec?.minReplicas),
                [3],
            );
            await assertWorkloadsReady(scenario.cluster.client, PLATFORM_NAMESPACES[target.controller]);
        });

        step("grows the Postgres volume on the running stack", async () => {
            const steps = await setAndPreview(stack, scenario, "postgres-size", { "platform:postgresStorageSize": "20Gi" });
            assert.deepEqual(destructiveSteps(steps), [], describeSteps(steps));
            await upNoChanges(stack, scenario, "postgres-size");
            const claims = await scenario.cluster.client.list("/api/v1/namespaces/apps/persistentvolumeclaims?labelSelector=app.kubernetes.io%2Fname%3Dpostgres");
            assert.ok(claims.length > 0, "no Postgres claim");
            for (const c of claims) assert.equal((c.spec?.resources as { requests: { storage: string } }).requests.storage, "20Gi", c.metadata.name);
        });

        step("rotates both passwords: the Secrets change and the workloads using them roll", async () => {
            const { client } = scenario.cluster;
            const revisions = async () => (await client.list("/apis/apps/v1/namespaces/apps/statefulsets")).map((s) => `${s.metadata.name}=${String(s.status?.updateRevision)}`).sort();
            const beforeRevisions = await revisions();
            passwords = newPasswords();
            await stack.setConfig("platform:postgresPassword", { value: passwords.postgres, secret: true });
            await stack.setConfig("platform:redisPassword", { value: passwords.redis, secret: true });
            const rec = stepRecorder();
            await stack.preview({ onEvent: rec.onEvent, onOutput: outputLog(scenario.engine, "rotate-preview") });
            assert.deepEqual(destructiveSteps(rec.steps), [], describeSteps(rec.steps));
            await upNoChanges(stack, scenario, "rotate");
            const afterRevisions = await revisions();
            for (const [i, r] of afterRevisions.entries()) assert.notEqual(r, beforeRevisions[i], `${r}: not rolled after the password changed`);
            await assertWorkloadsReady(client, ["apps"]);
            await assertSecretsKept(stack, client, passwords);
        });

        if (target.controller === "gateway") {
            step("refuses ingress-nginx on 1.36 with a clean message, not a crash", async () => {
                await stack.setConfig("platform:ingressController", { value: "nginx" });
                const err = await stack.preview({ onOutput: outputLog(scenario.engine, "refusal-preview") }).then(
                    () => undefined,
                    (e: unknown) => (e instanceof Error ? e.message : String(e)),
                );
                assert.ok(err !== undefined, "the preview was not refused");
                assert.match(err, /outside the range/);
                assert.doesNotMatch(err, /unhandled exception|\.ts:\d+:\d+/, "the refusal is printed as a crash");
                await stack.setConfig("platform:ingressController", { value: "gateway" });
                await stack.preview({ expectNoChanges: true, onOutput: outputLog(scenario.engine, "refusal-reverted-preview") });
            });
        } else {
            step("switches the entry point nginx -> both -> gateway, the gateway first created, then nginx removed", async () => {
                const both = await setAndPreview(stack, scenario, "switch-both", { "platform:ingressController": "both" });
                assert.deepEqual(destructiveSteps(both), [], describeSteps(both));
                await upNoChanges(stack, scenario, "switch-both");
                await assertWorkloadsReady(scenario.cluster.client, ["apps", "ingress-nginx", "envoy-gateway-system"]);
                const gateway = await setAndPreview(stack, scenario, "switch-gateway", { "platform:ingressController": "gateway" });
                const deleted = destructiveSteps(gateway);
                assert.ok(deleted.length > 0 && deleted.every((s) => s.op === "delete" && /IngressNginx|ingress-nginx|Ingress|nginx/i.test(`${s.type} ${s.name}`)), describeSteps(deleted));
                await upNoChanges(stack, scenario, "switch-gateway");
                assert.equal(await scenario.cluster.client.get("/api/v1/namespaces/ingress-nginx"), undefined);
            });
        }

        step("refuses a destroy while the data is protected, deleting nothing", async () => {
            const count = await stateResourceCount(stack);
            const destroy = await runCli(scenario.engine, ["destroy", "--yes"], `local-${target.controller}`);
            assert.notEqual(destroy.code, 0, "the destroy went through");
            assert.match(destroy.stdout + destroy.stderr, /protected/);
            assert.equal(await stateResourceCount(stack), count, "resources were deleted before the refusal");
            await stack.preview({ expectNoChanges: true, onOutput: outputLog(scenario.engine, "after-refused-destroy-preview") });
        });

        step("after protectData false, destroys everything but what README says remains", async () => {
            const steps = await setAndPreview(stack, scenario, "unprotect", { "platform:protectData": "false" });
            assert.deepEqual(destructiveSteps(steps), [], describeSteps(steps));
            await upNoChanges(stack, scenario, "unprotect");
            const destroy = await stack.destroy({ onOutput: outputLog(scenario.engine, "platform-destroy") });
            assert.equal(destroy.summary.result, "succeeded");
            // Both stacks end on the gateway (the nginx one switched), so both leave its CRDs.
            const left = leftBehind(baseline, await inventory(scenario.cluster.client));
            assert.equal(leftoverMismatch(left, expectedLeftovers("gateway")), undefined);
        });
    });
}
