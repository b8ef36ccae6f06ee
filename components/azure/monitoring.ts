/**
 * Azure Monitor for the AKS cluster (`platform:observability native`): a Log Analytics workspace
 * for Container Insights and the control-plane logs, an Azure Monitor workspace for managed
 * Prometheus, and the data collection rules that connect the cluster's agents to them.
 *
 * Split in two components because the cluster's omsagent add-on names the workspace (workspaces
 * first) and the rule associations and diagnostic setting name the cluster (rules after).
 * Source for the resource shapes: learn.microsoft.com/azure/azure-monitor/containers/
 * kubernetes-monitoring-enable (ARM templates for Container Insights with managed identity and for
 * managed Prometheus), checked 2026-12-01.
 */
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import { prometheusRuleGroups } from "./prometheus-rules";

/**
 * Control-plane log categories sent to the workspace. `kube-audit-admin` rather than `kube-audit`:
 * it leaves out get/list events, which are most of the volume and cost (AKS "Monitor AKS" reference).
 */
export const AKS_CONTROL_PLANE_LOGS = [
    "kube-apiserver",
    "kube-audit-admin",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
    "cloud-controller-manager",
    "guard",
    "csi-azuredisk-controller",
    "csi-azurefile-controller",
    "csi-snapshot-controller",
] as const;

/** Log Analytics' pay-as-you-go SKU (the only one sold to new workspaces besides commitment tiers). */
export const LOG_ANALYTICS_SKU = "PerGB2018";

/** Azure portal link to a resource by id. */
export function portalLink(resourceId: string): string {
    return `https://portal.azure.com/#@/resource${resourceId}`;
}

export interface AksWorkspacesArgs {
    resourceGroupName: pulumi.Input<string>;
    location?: pulumi.Input<string>;
    /** Retention of the Log Analytics workspace (30-730 days, from `platform:logRetentionDays`). */
    retentionDays: number;
}

export class AksWorkspaces extends pulumi.ComponentResource {
    readonly logAnalytics: operationalinsights.Workspace;
    readonly prometheus: monitor.AzureMonitorWorkspace;

    constructor(name: string, args: AksWorkspacesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:AksWorkspaces", name, {}, opts);
        this.logAnalytics = new operationalinsights.Workspace(
            `${name}-logs`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                sku: { name: LOG_ANALYTICS_SKU },
                retentionInDays: args.retentionDays,
            },
            { parent: this },
        );
        this.prometheus = new monitor.AzureMonitorWorkspace(`${name}-prometheus`, { resourceGroupName: args.resourceGroupName, location: args.location }, { parent: this });
        this.registerOutputs({ logAnalyticsId: this.logAnalytics.id, prometheusId: this.prometheus.id });
    }
}

export interface AksMonitoringArgs {
    resourceGroupName: pulumi.Input<string>;
    location?: pulumi.Input<string>;
    clusterId: pulumi.Input<string>;
    /** The cluster's name, which its Prometheus series carry (the rule groups filter on it). */
    clusterName: pulumi.Input<string>;
    workspaces: AksWorkspaces;
    /**
     * Control-plane log categories of the node mode besides `AKS_CONTROL_PLANE_LOGS`, e.g.
     * `karpenter-events` (node auto-provisioning). Default none.
     */
    nodeLogCategories?: readonly string[];
}

/** The rules that send the cluster's data to the workspaces, and the control-plane diagnostic setting. */
export class AksMonitoring extends pulumi.ComponentResource {
    readonly diagnostics: monitor.DiagnosticSetting;

    constructor(name: string, args: AksMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:AksMonitoring", name, {}, opts);
        const parent = { parent: this };
        const { logAnalytics, prometheus } = args.workspaces;

        // Container Insights with managed identity (useAADAuth): the agent takes its configuration
        // from a rule associated with the cluster.
        const insightsRule = new monitor.DataCollectionRule(
            `${name}-insights`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kind: "Linux",
                dataSources: {
                    extensions: [{ name: "ContainerInsightsExtension", extensionName: "ContainerInsights", streams: ["Microsoft-ContainerInsights-Group-Default"] }],
                },
                destinations: { logAnalytics: [{ name: "ciworkspace", workspaceResourceId: logAnalytics.id }] },
                dataFlows: [{ streams: ["Microsoft-ContainerInsights-Group-Default"], destinations: ["ciworkspace"] }],
            },
            parent,
        );
        new monitor.DataCollectionRuleAssociation(`${name}-insights`, { associationName: "ContainerInsightsExtension", resourceUri: args.clusterId, dataCollectionRuleId: insightsRule.id }, parent);

        // Managed Prometheus: the metrics add-on forwards to the Azure Monitor workspace.
        const endpoint = new monitor.DataCollectionEndpoint(`${name}-prometheus`, { resourceGroupName: args.resourceGroupName, location: args.location, kind: "Linux" }, parent);
        const prometheusRule = new monitor.DataCollectionRule(
            `${name}-prometheus`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                kind: "Linux",
                dataCollectionEndpointId: endpoint.id,
                dataSources: { prometheusForwarder: [{ name: "PrometheusDataSource", streams: ["Microsoft-PrometheusMetrics"] }] },
                destinations: { monitoringAccounts: [{ name: "MonitoringAccount1", accountResourceId: prometheus.id }] },
                dataFlows: [{ streams: ["Microsoft-PrometheusMetrics"], destinations: ["MonitoringAccount1"] }],
            },
            parent,
        );
        new monitor.DataCollectionRuleAssociation(`${name}-prometheus`, { resourceUri: args.clusterId, dataCollectionRuleId: prometheusRule.id }, parent);
        // The endpoint is associated under its fixed name, as the template does.
        new monitor.DataCollectionRuleAssociation(`${name}-prometheus-endpoint`, { associationName: "configurationAccessEndpoint", resourceUri: args.clusterId, dataCollectionEndpointId: endpoint.id }, parent);

        this.diagnostics = new monitor.DiagnosticSetting(
            `${name}-control-plane`,
            {
                resourceUri: args.clusterId,
                workspaceId: logAnalytics.id,
                // Resource-specific tables (AKSAudit, AKSControlPlane), cheaper to query than AzureDiagnostics.
                logAnalyticsDestinationType: "Dedicated",
                logs: [...AKS_CONTROL_PLANE_LOGS, ...(args.nodeLogCategories ?? [])].map((category) => ({ category, enabled: true })),
            },
            parent,
        );
        prometheusRuleGroups(`${name}-prometheus`, { resourceGroupName: args.resourceGroupName, location: args.location, workspaceId: prometheus.id, clusterName: args.clusterName }, parent);
        this.registerOutputs({});
    }
}
