import * as assert from "node:assert/strict";
import { aksNodeModeGuard, aksNodeModeSwitchProblem, liveAksNodeMode, readOwnStackResources, type StackResourceOutputs } from "../../../components/azure/nodes/guard";
import type { NodeMode } from "../../../config";
import { runPreflight } from "../../../components/cluster/preflight";
import * as azure from "../../../components/azure/target";
import { type AzureConfig, mapConfigSource, readConfig } from "../../../config";
import { installAzureMocks } from "../../harness/cloud-mocks";
import { mockCall, runProgram } from "../../harness/mocks";

const CLUSTER_URN = "urn:pulumi:azure::platform::platform:azure:AksCluster$azure-native:containerservice:ManagedCluster::platform-aks-cluster";
const snapshot = (profile: Record<string, unknown> | undefined): StackResourceOutputs => ({
    "urn:pulumi:azure::platform::azure-native:resources:ResourceGroup::platform-rg": { type: "azure-native:resources:ResourceGroup", outputs: { name: "platform-rg-1a2b" } },
    [CLUSTER_URN]: { type: "azure-native:containerservice:ManagedCluster", outputs: { name: "platform-aks-cluster-5e6f", ...(profile ? { nodeProvisioningProfile: profile } : {}) } },
});

function azureConfig(extra: Record<string, string> = {}): AzureConfig {
    const config = readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", ...extra }));
    assert.equal(config.cloud, "azure");
    return config as AzureConfig;
}

/** The guard as a preview runs it: its refusal fails the preview whatever platform:preflight says. */
const refuseAksNodeModeSwitch = (wanted: NodeMode, read: () => Promise<StackResourceOutputs>): Promise<void> =>
    runPreflight([aksNodeModeGuard(wanted, read)], { mode: "off", warn: () => undefined });
/** The target's guards alone (the account checks left out, as with `platform:preflight off`). */
const checks = (config: AzureConfig): Promise<void> => runPreflight(azure.preflight(config), { mode: "off", warn: () => undefined });

describe("AKS node-mode guard", () => {
    it("refuses managed → auto and auto → managed on a running cluster, with the way out", async () => {
        await assert.rejects(refuseAksNodeModeSwitch("auto", () => Promise.resolve(snapshot({ mode: "Manual" }))), (e: Error) => {
            assert.match(e.message, /platform:nodeMode: "auto" cannot be applied to the running AKS cluster, which runs nodeMode managed: AKS refuses node auto-provisioning while the cluster autoscaler runs/);
            assert.match(e.message, /pulumi config set platform:nodeMode managed; to move, see docs\/azure\.md "Changing nodeMode on AKS"/);
            return true;
        });
        await assert.rejects(refuseAksNodeModeSwitch("managed", () => Promise.resolve(snapshot({ mode: "Auto", defaultNodePools: "Auto" }))), /which runs nodeMode auto: node auto-provisioning's nodes/);
    });

    it("lets a new stack and an unchanged mode through", async () => {
        await refuseAksNodeModeSwitch("auto", () => Promise.resolve({}));
        await refuseAksNodeModeSwitch("auto", () => Promise.resolve(snapshot({ mode: "Auto" })));
        await refuseAksNodeModeSwitch("managed", () => Promise.resolve(snapshot(undefined)));
    });

    it("reads the stack's own last snapshot through the engine, and the target's checks refuse the switch", async () => {
        installAzureMocks();
        const asked: unknown[] = [];
        mockCall("pulumi:pulumi:readStackResourceOutputs", (args) => {
            asked.push(args.inputs["stackName"]);
            return { name: args.inputs["stackName"], outputs: snapshot(undefined) };
        });
        await runProgram(async () => {
            assert.equal(liveAksNodeMode(await readOwnStackResources()), "managed");
            await assert.rejects(checks(azureConfig({ "platform:nodeMode": "auto" })), /cannot be applied to the running AKS cluster/);
            await checks(azureConfig());
        });
        assert.equal(asked.length, 3);
        assert.match(String(asked[0]), /^[^/]+\/[^/]+\/[^/]+$/, "a fully qualified org/project/stack name");
    });

    it("aksNodeModeSwitchProblem says nothing without a cluster or a change", () => {
        assert.equal(aksNodeModeSwitchProblem(undefined, "auto"), undefined);
        assert.equal(aksNodeModeSwitchProblem("auto", "auto"), undefined);
    });
});
