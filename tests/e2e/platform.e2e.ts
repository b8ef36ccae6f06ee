/**
 * The platform's local stack through the real engine against a real API server, on both entry
 * points: Envoy Gateway on Kubernetes 1.36, ingress-nginx on 1.35. Each target gets its own
 * cluster; the steps run in order on one stack (after a failure the rest fail at once, since each
 * step starts from the previous one's state):
 * smoke cycle, preview, up (with its team's namespace), no changes after up and after refresh, an
 * app team's stack deployed on the platform's contract and destroyed, the day-two changes README's
 * table says work on local, destroy refused while data is protected, and after lifting protection
 * a destroy that leaves exactly what README's local destroy table lists. No secret may appear in
 * the state export or in a pod spec.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { AppTeamStack } from "./app-stack";
import { conditionTrue, E2E_CONTEXT } from "./harness/cluster";
import { inlineStack, outputLog, runCli } from "./harness/engine";
import { inventory, type InventoryKey, leftBehind } from "./harness/inventory";
import { skipClaimPatchAwait } from "./harness/provider-skew";
import { waitFor } from "./harness/processes";
import { Scenario } from "./harness/run";
import {
    assertNoRefusedPods,
    assertSecretsKept,
    assertTeamNamespace,
    assertWorkloadsReady,
    type Controller,
    describeSteps,
    destructiveSteps,
    E2E_TEAM,
    e2eStackConfig,
    expectedLeftovers,
    leftoverMismatch,
    newPasswords,
    type Passwords,
    stateResourceCount,
    stepRecorder,
    spreadsOverZones,
    TARGETS,
    zonesOf,
} from "./platform-checks";
import { smokeCycle } from "./smoke";

const execFileAsync = promisify(execFile);

/** The program as `pulumi up` runs it (index.ts), inline, with the provider-skew workaround. */
const platformProgram: PulumiFn = async () => {
    pulumi.runtime.registerResourceTransform(skipClaimPatchAwait);
    const program = (await import("../../index")).default;
    return { ...(await program()) };
};

const PLATFORM_NAMESPACES: Record<Controller, string[]> = {
    gateway: ["apps", "cert-manager", "envoy-gateway-system"],
    nginx: ["apps", "cert-manager", "ingress-nginx"],
};

/** kubectl on the e2e cluster's context, as a user would run it. */
async function kubectl(scenario: Scenario, args: string[]): Promise<string> {
    const { stdout } = await execFileAsync(scenario.toolchain.kubectl, ["--kubeconfig", scenario.cluster.kubeconfigPath, "--context", E2E_CONTEXT, ...args]);
    return stdout;
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

/** The targets on which an app team's stack runs on the platform (each adds about half a minute). */
const APP_STACK_TARGETS: ReadonlySet<Controller> = new Set(["gateway", "nginx"]);

/** An app team's stack on the deployed platform (./app-stack.ts), as three steps. */
function appStackSteps(step: (title: string, fn: () => Promise<void>) => void, current: () => { scenario: Scenario; platform: Stack }): void {
    let team: AppTeamStack;
    step("refuses an app stack on a platform contract of another version, in one line, before any resource", async () => {
        const { scenario, platform } = current();
        team = new AppTeamStack(scenario, platform);
        await team.refusesOtherContractVersion();
    });
    step("deploys an app team's stack on the platform contract: ready in the team's namespace, within its quota, routed by the entry point", () => team.deploys());
    step("destroys the app stack: its objects go, the platform's stay and it shows no changes", () => team.destroys());
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
            const ns = target.controller === "nginx" ? "ingress-nginx" : "envoy-gateway-system";
            // The zone spread the program asks for reached the API server (which validates it) and the scheduler kept it.
            assert.ok(await spreadsOverZones(client, ns, selector), "the entry point's Deployment has no zone spread constraint");
            const zones = await zonesOf(client, ns, selector);
            assert.equal(new Set(zones).size, zones.length, `entry-point pods share a zone: ${zones.join(", ")}`);
            await assertSecretsKept(stack, client, passwords);
            await assertTeamNamespace(client, E2E_TEAM);
            assert.equal(scenario.fixtureErrors(), "");
        });

        step("refreshes without drift, and a preview still shows no changes", async () => {
            await stack.refresh({ expectNoChanges: true, onOutput: outputLog(scenario.engine, "platform-refresh") });
            await stack.preview({ expectNoChanges: true, onOutput: outputLog(scenario.engine, "platform-preview-after-refresh") });
        });

        if (APP_STACK_TARGETS.has(target.controller)) appStackSteps(step, () => ({ scenario, platform: stack }));

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

        step("runs a backup from the CronJob (as README's runbook does): the backups claim binds", async () => {
            const { client } = scenario.cluster;
            await kubectl(scenario, ["-n", "apps", "create", "job", "--from=cronjob/postgres-backup", "e2e-backup"]);
            await waitFor("the backup Job to complete", async () => (conditionTrue((await client.get("/apis/batch/v1/namespaces/apps/jobs/e2e-backup")) ?? { metadata: { name: "" } }, "Complete") ? true : undefined), 120_000);
            assert.equal((await client.get("/api/v1/namespaces/apps/persistentvolumeclaims/postgres-backup"))?.status?.phase, "Bound");
            await stack.preview({ expectNoChanges: true, onOutput: outputLog(scenario.engine, "after-backup-preview") });
        });

        for (const volume of [
            { key: "platform:postgresStorageSize", claim: "data-postgres-0", patch: "postgres-data-size" },
            { key: "platform:postgresBackupStorageSize", claim: "postgres-backup", patch: "postgres-backup-size" },
        ]) {
            step(`refuses to grow ${volume.claim} on a local class (README: day-two changes), replacing nothing`, async () => {
                const claimPath = `/api/v1/namespaces/apps/persistentvolumeclaims/${volume.claim}`;
                const sizeOf = async () => ((await scenario.cluster.client.get(claimPath))?.spec?.resources as { requests?: { storage?: string } } | undefined)?.requests?.storage;
                const before = await sizeOf();
                assert.ok(before !== undefined, `no claim ${volume.claim}`);
                const steps = await setAndPreview(stack, scenario, `${volume.claim}-size`, { [volume.key]: "30Gi" });
                assert.deepEqual(
                    steps.map((s) => `${s.op} ${s.name}`),
                    [`update ${volume.patch}`],
                    "only the live claim's size patch changes",
                );
                await assert.rejects(stack.up({ onOutput: outputLog(scenario.engine, `${volume.claim}-size-up`) }), /storageclass that provisions the pvc must support resize/i);
                assert.equal(await sizeOf(), before, "the claim changed although the API server refused");
                // The refused attempt is in the state: setting the size back takes one up (a no-op on the claim).
                await stack.setConfig(volume.key, { value: before });
                await upNoChanges(stack, scenario, `${volume.claim}-size-reverted`);
                assert.equal(await sizeOf(), before);
            });
        }

        step("rotates both passwords: only the password Secrets are replaced, and the workloads using them roll", async () => {
            const { client } = scenario.cluster;
            const templates = async () => {
                const sets = await client.list("/apis/apps/v1/namespaces/apps/statefulsets");
                const deployments = await client.list("/apis/apps/v1/namespaces/apps/deployments");
                return [...sets, ...deployments].map((w) => `${w.metadata.name}=${JSON.stringify((w.spec?.template as { metadata?: unknown }).metadata)}`).sort();
            };
            const before = await templates();
            passwords = newPasswords();
            await stack.setConfig("platform:postgresPassword", { value: passwords.postgres, secret: true });
            await stack.setConfig("platform:redisPassword", { value: passwords.redis, secret: true });
            const rec = stepRecorder();
            await stack.preview({ onEvent: rec.onEvent, onOutput: outputLog(scenario.engine, "rotate-preview") });
            const replaced = destructiveSteps(rec.steps);
            assert.deepEqual([...new Set(replaced.map((s) => `${s.type} ${s.name}`))].sort(), ["kubernetes:core/v1:Secret postgres-auth", "kubernetes:core/v1:Secret redis-auth"], describeSteps(replaced));
            await upNoChanges(stack, scenario, "rotate");
            const after = await templates();
            assert.equal(after.length, before.length);
            for (const [i, t] of after.entries()) assert.notEqual(t, before[i], `${t.split("=")[0]}: its pods did not roll after the password changed`);
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

        if (target.controller === "gateway") {
            step("a --skip-preview destroy while protected deletes around the data and stops at it; up restores the rest (README)", async () => {
                const { client } = scenario.cluster;
                const count = await stateResourceCount(stack);
                const destroy = await runCli(scenario.engine, ["destroy", "--yes", "--skip-preview"], `local-${target.controller}`);
                assert.notEqual(destroy.code, 0, "the destroy went through");
                assert.ok((await stateResourceCount(stack)) < count, "nothing was deleted: README says a --skip-preview destroy deletes what the protected data does not need");
                for (const sts of ["postgres", "redis"]) assert.ok(await client.get(`/apis/apps/v1/namespaces/apps/statefulsets/${sts}`), `${sts} was deleted`);
                assert.equal((await client.get("/api/v1/namespaces/apps/persistentvolumeclaims/data-postgres-0"))?.status?.phase, "Bound");
                await upNoChanges(stack, scenario, "after-skip-preview-destroy");
                await assertWorkloadsReady(client, PLATFORM_NAMESPACES[target.controller]);
            });
        }

        step("after protectData false, destroys everything but what README says remains", async () => {
            const protectedCount = async () => (JSON.stringify(await stack.exportStack()).match(/"protect":true/g) ?? []).length;
            assert.ok((await protectedCount()) > 0, "nothing is protected to begin with");
            const steps = await setAndPreview(stack, scenario, "unprotect", { "platform:protectData": "false" });
            assert.deepEqual(destructiveSteps(steps), [], describeSteps(steps));
            await upNoChanges(stack, scenario, "unprotect");
            assert.equal(await protectedCount(), 0, "README: the up after protectData false clears every protect flag");
            const destroy = await stack.destroy({ onOutput: outputLog(scenario.engine, "platform-destroy") });
            assert.equal(destroy.summary.result, "succeeded");
            // Both stacks end on the gateway (the nginx one switched), so both leave its CRDs.
            const left = leftBehind(baseline, await inventory(scenario.cluster.client));
            assert.equal(leftoverMismatch(left, expectedLeftovers("gateway")), undefined);
            for (const pv of await scenario.cluster.client.list("/api/v1/persistentvolumes")) {
                assert.deepEqual([pv.spec?.persistentVolumeReclaimPolicy, pv.spec?.storageClassName, pv.status?.phase], ["Retain", "platform-retain", "Released"], pv.metadata.name);
            }
        });
    });
}
