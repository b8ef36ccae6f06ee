import * as assert from "node:assert/strict";
import * as azure from "../../../components/azure/target";
import { AKS_DEFAULT_GOVERNANCE, aksGovernanceArgs } from "../../../components/azure/cluster";
import { type AzureConfig, mapConfigSource, readConfig } from "../../../config";
import { installAzureMocks } from "../../harness/cloud-mocks";
import { runProgram } from "../../harness/mocks";

const MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster";

function azureConfig(extra: Record<string, string> = {}): AzureConfig {
    const config = readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", ...extra }));
    assert.equal(config.cloud, "azure");
    return config as AzureConfig;
}

async function clusterInputs(extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const { resources } = await runProgram(() => azure.target("platform", azureConfig(extra)));
    return resources.one(MANAGED_CLUSTER).inputs;
}

describe("AKS governance add-ons", () => {
    beforeEach(installAzureMocks);

    it("by default runs the image cleaner weekly, with Azure Policy and Defender stated off", async () => {
        const inputs = await clusterInputs();
        assert.deepEqual(inputs.securityProfile, {
            workloadIdentity: { enabled: true },
            imageCleaner: { enabled: true, intervalHours: 168 },
            defender: { securityMonitoring: { enabled: false } },
        });
        const addons = inputs.addonProfiles as Record<string, { enabled: boolean }>;
        assert.deepEqual(addons["azurepolicy"], { enabled: false });
        assert.equal(addons["omsagent"]?.enabled, true, "Container Insights stays beside them");
    });

    it("turns on Azure Policy and Defender for Containers (reporting to the stack's workspace) from their keys", async () => {
        const inputs = await clusterInputs({ "platform:azurePolicy": "true", "platform:defenderForContainers": "true", "platform:imageCleaner": "false" });
        const security = inputs.securityProfile as Record<string, unknown>;
        assert.deepEqual(security["imageCleaner"], { enabled: false });
        const defender = security["defender"] as { securityMonitoring: unknown; logAnalyticsWorkspaceResourceId: unknown };
        assert.deepEqual(defender.securityMonitoring, { enabled: true });
        assert.match(String(defender.logAnalyticsWorkspaceResourceId), /platform-monitor-logs/);
        assert.deepEqual((inputs.addonProfiles as Record<string, unknown>)["azurepolicy"], { enabled: true });
    });

    it("with observability none, Defender uses AKS's default workspace and no monitoring add-on appears", async () => {
        const inputs = await clusterInputs({ "platform:defenderForContainers": "true", "platform:observability": "none" });
        assert.deepEqual((inputs.securityProfile as Record<string, unknown>)["defender"], { securityMonitoring: { enabled: true } });
        assert.deepEqual(Object.keys(inputs.addonProfiles as object), ["azurepolicy"]);
        assert.equal(inputs.azureMonitorProfile, undefined);
    });

    it("config refuses a non-boolean and the keys on other clouds, naming the key", () => {
        assert.throws(() => azureConfig({ "platform:imageCleaner": "yes" }), /platform:imageCleaner/);
        assert.throws(() => readConfig(mapConfigSource({ "platform:cloud": "aws", "platform:defenderForContainers": "true" })), /platform:defenderForContainers/);
    });

    it("aksGovernanceArgs: the default is the free image cleaner only", () => {
        assert.deepEqual(AKS_DEFAULT_GOVERNANCE, { imageCleaner: true, azurePolicy: false, defenderForContainers: false });
        assert.deepEqual(aksGovernanceArgs({ imageCleaner: false, azurePolicy: false, defenderForContainers: false }, "ws").securityProfile.defender, { securityMonitoring: { enabled: false } });
    });
});
