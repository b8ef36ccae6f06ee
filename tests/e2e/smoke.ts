/**
 * The engine's whole cycle with a tiny inline program (a Namespace and a ConfigMap through an
 * explicit provider): preview, up, a second preview with no changes, a refresh without drift, a
 * refresh that notices an edit made behind Pulumi's back, destroy. Run first on every cluster, so
 * a broken toolchain or cluster fails here, not halfway through the platform.
 */
import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { E2E_CONTEXT } from "./harness/cluster";
import { inlineStack, outputLog } from "./harness/engine";
import type { Scenario } from "./harness/run";

const NAMESPACE = "e2e-smoke";

export function smokeProgram(kubeconfig: string): PulumiFn {
    return async () => {
        const provider = new k8s.Provider("e2e", { kubeconfig, context: E2E_CONTEXT });
        const ns = new k8s.core.v1.Namespace("smoke", { metadata: { name: NAMESPACE } }, { provider });
        const cm = new k8s.core.v1.ConfigMap("greeting", { metadata: { namespace: ns.metadata.name, name: "greeting" }, data: { hello: "world" } }, { provider });
        return { configMapUid: cm.metadata.uid };
    };
}

export async function smokeCycle(scenario: Scenario): Promise<void> {
    const { cluster, engine } = scenario;
    const stack = await inlineStack(engine, "smoke", smokeProgram(cluster.kubeconfigPath), {});
    const cmPath = `/api/v1/namespaces/${NAMESPACE}/configmaps/greeting`;

    const preview = await stack.preview({ onOutput: outputLog(engine, "smoke-preview") });
    assert.equal(preview.changeSummary.create, 4, "the stack, the provider, the Namespace and the ConfigMap");
    assert.equal(await cluster.client.get(cmPath), undefined, "a preview creates nothing");

    const up = await stack.up({ onOutput: outputLog(engine, "smoke-up") });
    assert.equal(up.summary.result, "succeeded");
    const cm = await cluster.client.get(cmPath);
    assert.deepEqual(cm?.data, { hello: "world" });
    assert.equal(up.outputs.configMapUid.value, cm?.metadata.uid);

    await stack.preview({ expectNoChanges: true, onOutput: outputLog(engine, "smoke-preview-after-up") });
    await stack.refresh({ expectNoChanges: true, onOutput: outputLog(engine, "smoke-refresh") });

    // An edit behind Pulumi's back is drift: a refresh that expects none must fail.
    await cluster.client.patch(cmPath, { data: { hello: "edited" } });
    await assert.rejects(stack.refresh({ expectNoChanges: true, onOutput: outputLog(engine, "smoke-refresh-drift") }), /no changes were expected/i);

    const destroy = await stack.destroy({ onOutput: outputLog(engine, "smoke-destroy") });
    assert.equal(destroy.summary.result, "succeeded");
    assert.equal(await cluster.client.get(cmPath), undefined);
    assert.equal(await cluster.client.get(`/api/v1/namespaces/${NAMESPACE}`), undefined, "the Namespace is gone, not just terminating");
    await stack.workspace.removeStack("smoke");
}
