import * as assert from "node:assert/strict";
import * as azure from "../../../components/azure/target";
import { type AzureConfig, mapConfigSource, readConfig } from "../../../config";
import { installAzureMocks } from "../../harness/cloud-mocks";
import { mockCall, runProgram, valueOf } from "../../harness/mocks";

const SUB = "11111111-2222-3333-4444-555555555555";
const KEPT = "platform-data-rg-9f8e7d6c";
const KEPT_ID = `/subscriptions/${SUB}/resourceGroups/${KEPT}`;

function azureConfig(extra: Record<string, string> = {}): AzureConfig {
    const config = readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", ...extra }));
    assert.equal(config.cloud, "azure");
    return config as AzureConfig;
}

describe("coming back after a destroy: the kept data resource group", () => {
    let lookups: unknown[] = [];
    beforeEach(() => {
        installAzureMocks();
        lookups = [];
        mockCall("azure-native:resources:getResourceGroup", (args) => {
            lookups.push(args.inputs["resourceGroupName"]);
            return { name: args.inputs["resourceGroupName"], location: "westeurope", id: KEPT_ID };
        });
    });

    it("with platform:dataResourceGroup puts disks, snapshots, the ingress IP and the cluster's access in the kept group, and creates no new one", async () => {
        const { result, resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:dataResourceGroup": KEPT })));
        assert.deepEqual(lookups, [KEPT]);
        assert.deepEqual(resources.ofType("azure-native:resources:ResourceGroup").map((g) => g.name), ["platform-rg"], "only the cluster's own group is created");
        assert.equal(await valueOf(result.storage.classes.retain.parameters.resourceGroup), KEPT);
        assert.equal(await valueOf(result.storage.snapshots?.parameters?.["resourceGroup"]), KEPT);
        assert.equal(resources.one("azure-native:network:PublicIPAddress").inputs.resourceGroupName, KEPT);
        assert.equal(resources.one("azure-native:authorization:RoleAssignment", "platform-aks-data-rg").inputs.scope, KEPT_ID);
    });

    it("without it creates the stack's own data group, kept on destroy", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig()));
        assert.deepEqual(lookups, []);
        assert.equal(resources.one("azure-native:resources:ResourceGroup", "platform-data-rg").retainOnDelete, true);
    });

    it("config refuses a name Azure would not accept, naming the key", () => {
        assert.throws(() => azureConfig({ "platform:dataResourceGroup": "ends-with-dot." }), /platform:dataResourceGroup/);
        assert.equal(azureConfig({ "platform:dataResourceGroup": "a" }).azure.dataResourceGroup, "a");
    });
});
