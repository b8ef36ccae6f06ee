import * as assert from "node:assert/strict";
import * as azure from "../../../components/azure/target";
import { AKS_ALERT_RULES, AKS_RECORDING_RULES } from "../../../components/azure/prometheus-rules";
import { type AzureConfig, mapConfigSource, readConfig } from "../../../config";
import { installAzureMocks } from "../../harness/cloud-mocks";
import { runProgram } from "../../harness/mocks";

const RULE_GROUP = "azure-native:alertsmanagement:PrometheusRuleGroup";

function azureConfig(extra: Record<string, string> = {}): AzureConfig {
    const config = readConfig(mapConfigSource({ "platform:cloud": "azure", "azure-native:location": "westeurope", ...extra }));
    assert.equal(config.cloud, "azure");
    return config as AzureConfig;
}

const categories = (logs: unknown): string[] => (logs as { category: string }[]).map((l) => l.category);

describe("AKS managed Prometheus rules and node logs", () => {
    beforeEach(installAzureMocks);

    it("evaluates recording rules and the first alerts on this cluster's series in the Azure Monitor workspace", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig()));
        const workspace = resources.one("azure-native:monitor:AzureMonitorWorkspace");
        const groups = resources.ofType(RULE_GROUP);
        assert.deepEqual(groups.map((g) => g.name).sort(), ["platform-monitor-prometheus-alerts", "platform-monitor-prometheus-recording-rules"]);
        for (const g of groups) {
            assert.deepEqual(g.inputs.scopes, [`${workspace.name}-id`]);
            assert.equal(g.inputs.clusterName, "platform-aks-cluster-5e6f7a8b");
            assert.equal(g.inputs.interval, "PT1M");
        }
        const alerts = (resources.one(RULE_GROUP, "platform-monitor-prometheus-alerts").inputs.rules as { alert: string }[]).map((r) => r.alert);
        assert.deepEqual(alerts, ["PodCrashLooping", "NodeNotReady", "PersistentVolumeFillingUp", "JobFailed"]);
        const records = resources.one(RULE_GROUP, "platform-monitor-prometheus-recording-rules").inputs.rules as { record: string }[];
        assert.equal(records.length, AKS_RECORDING_RULES.length);
    });

    it("sends node auto-provisioning's log (karpenter-events) in auto mode only", async () => {
        const auto = await runProgram(() => azure.target("platform", azureConfig({ "platform:nodeMode": "auto" })));
        assert.ok(categories(auto.resources.one("azure-native:monitor:DiagnosticSetting").inputs.logs).includes("karpenter-events"));
        const managed = await runProgram(() => azure.target("platform", azureConfig()));
        assert.ok(!categories(managed.resources.one("azure-native:monitor:DiagnosticSetting").inputs.logs).includes("karpenter-events"));
    });

    it("makes no rule groups with observability none", async () => {
        const { resources } = await runProgram(() => azure.target("platform", azureConfig({ "platform:observability": "none" })));
        assert.equal(resources.ofType(RULE_GROUP).length, 0);
    });

    it("every rule is either a recording rule or an alert with a duration and a severity", () => {
        for (const r of AKS_RECORDING_RULES) assert.ok(r.record !== undefined && r.alert === undefined, String(r.record));
        for (const r of AKS_ALERT_RULES) assert.ok(r.alert !== undefined && r.for !== undefined && r.severity !== undefined, String(r.alert));
    });
});
