import * as assert from "node:assert/strict";
import * as azure from "../../../components/azure/target";
import { aksMaintenanceWindow } from "../../../components/azure/maintenance";
import { type AzureConfig, mapConfigSource, readConfig } from "../../../config";
import { installAzureMocks } from "../../harness/cloud-mocks";
import { runProgram } from "../../harness/mocks";

const MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration";

function azureConfig(extra: Record<string, string> = {}): AzureConfig {
    const config = readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", ...extra }));
    assert.equal(config.cloud, "azure");
    return config as AzureConfig;
}

describe("AKS planned maintenance", () => {
    beforeEach(installAzureMocks);

    it("confines auto-upgrades and node OS upgrades to the default window, Sundays 01:00 UTC for 8 hours", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig()));
        const configs = resources.ofType(MAINTENANCE);
        assert.deepEqual(configs.map((c) => c.inputs.configName).sort(), ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]);
        for (const c of configs) {
            assert.equal(c.inputs.resourceName, "platform-aks-cluster-5e6f7a8b");
            assert.deepEqual(c.inputs.maintenanceWindow, {
                schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } },
                startTime: "01:00",
                durationHours: 8,
                utcOffset: "+00:00",
            });
            assert.match(c.parent, /platform:azure:AksCluster::platform-aks$/);
        }
    });

    it("follows platform:maintenanceWindow", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:maintenanceWindow": "WE 22:30 5h" })));
        const configs = resources.ofType(MAINTENANCE);
        assert.equal(configs.length, 2);
        for (const c of configs) {
            assert.deepEqual(c.inputs.maintenanceWindow, { schedule: { weekly: { dayOfWeek: "Wednesday", intervalWeeks: 1 } }, startTime: "22:30", durationHours: 5, utcOffset: "+00:00" });
        }
    });

    it("aksMaintenanceWindow maps iCalendar days to AKS's and takes one day only", () => {
        assert.deepEqual(aksMaintenanceWindow({ days: ["SA"], start: "03:00", hours: 4 }).schedule, { weekly: { dayOfWeek: "Saturday", intervalWeeks: 1 } });
        assert.throws(() => aksMaintenanceWindow({ days: ["SA", "SU"], start: "03:00", hours: 4 }), /opens on one day, got SA,SU/);
    });
});
