/**
 * Managed Prometheus rules for the cluster, in the Azure Monitor workspace: a few recording rules
 * (per-namespace CPU and memory, per-node CPU and memory use, what dashboards and capacity
 * questions read) and a few alerts a platform with one Postgres needs first (a crash-looping pod,
 * a node not ready, a volume nearly full, a failed Job such as the backup). Written here against
 * the metrics managed Prometheus collects by default (cadvisor, kubelet, node exporter,
 * kube-state-metrics; learn.microsoft.com/azure/azure-monitor/containers/
 * prometheus-metrics-scrape-default, checked 2026-12-07). Rule groups are
 * `Microsoft.AlertsManagement/prometheusRuleGroups` (azure-native 3.28: API 2023-03-01); `clusterName`
 * limits them to this cluster's series. The alerts fire in Azure Monitor without notifying anyone:
 * an action group (`actions`) is the operator's choice of who to page.
 */
import * as alertsmanagement from "@pulumi/azure-native/alertsmanagement";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import type * as pulumi from "@pulumi/pulumi";

type Rule = azureInputs.alertsmanagement.PrometheusRuleArgs;

export const AKS_RECORDING_RULES: readonly Rule[] = [
    {
        record: "namespace:container_cpu_usage_seconds:sum_rate5m",
        expression: 'sum by (cluster, namespace) (rate(container_cpu_usage_seconds_total{job="cadvisor", image!=""}[5m]))',
    },
    {
        record: "namespace:container_memory_working_set_bytes:sum",
        expression: 'sum by (cluster, namespace) (container_memory_working_set_bytes{job="cadvisor", image!=""})',
    },
    {
        record: "instance:node_cpu_utilisation:rate5m",
        expression: '1 - avg by (cluster, instance) (rate(node_cpu_seconds_total{job="node", mode="idle"}[5m]))',
    },
    {
        record: "instance:node_memory_utilisation:ratio",
        expression: '1 - node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}',
    },
];

/** Azure Monitor severities: 0 critical … 4 verbose. */
export const AKS_ALERT_RULES: readonly Rule[] = [
    {
        alert: "PodCrashLooping",
        expression: 'max_over_time(kube_pod_container_status_waiting_reason{job="kube-state-metrics", reason="CrashLoopBackOff"}[5m]) >= 1',
        for: "PT15M",
        severity: 3,
        annotations: { description: "{{ $labels.namespace }}/{{ $labels.pod }} ({{ $labels.container }}) has been crash-looping for 15 minutes" },
    },
    {
        alert: "NodeNotReady",
        expression: 'kube_node_status_condition{job="kube-state-metrics", condition="Ready", status="true"} == 0',
        for: "PT15M",
        severity: 2,
        annotations: { description: "node {{ $labels.node }} has not been Ready for 15 minutes" },
    },
    {
        alert: "PersistentVolumeFillingUp",
        expression: 'kubelet_volume_stats_available_bytes{job="kubelet"} / kubelet_volume_stats_capacity_bytes{job="kubelet"} < 0.1',
        for: "PT15M",
        severity: 2,
        annotations: { description: "{{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has less than 10% free space" },
    },
    {
        alert: "JobFailed",
        expression: 'kube_job_status_failed{job="kube-state-metrics"} > 0',
        for: "PT5M",
        severity: 3,
        annotations: { description: "Job {{ $labels.namespace }}/{{ $labels.job_name }} failed (the Postgres backup runs as one)" },
    },
];

/** How often the groups are evaluated (ISO 8601). */
export const AKS_RULE_INTERVAL = "PT1M";

export interface PrometheusRulesArgs {
    resourceGroupName: pulumi.Input<string>;
    location?: pulumi.Input<string>;
    /** The Azure Monitor workspace the metrics go to. */
    workspaceId: pulumi.Input<string>;
    /** The AKS cluster's name (its series carry it as `cluster`). */
    clusterName: pulumi.Input<string>;
}

/** The recording and the alert rule group. */
export function prometheusRuleGroups(name: string, args: PrometheusRulesArgs, opts: pulumi.CustomResourceOptions): alertsmanagement.PrometheusRuleGroup[] {
    const group = (kind: string, description: string, rules: readonly Rule[]): alertsmanagement.PrometheusRuleGroup =>
        new alertsmanagement.PrometheusRuleGroup(
            `${name}-${kind}`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                scopes: [args.workspaceId],
                clusterName: args.clusterName,
                description,
                enabled: true,
                interval: AKS_RULE_INTERVAL,
                rules: [...rules],
            },
            opts,
        );
    return [group("recording-rules", "Per-namespace and per-node CPU and memory", AKS_RECORDING_RULES), group("alerts", "The platform's first alerts", AKS_ALERT_RULES)];
}
