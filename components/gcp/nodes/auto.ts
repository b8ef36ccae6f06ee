/**
 * `platform:nodeMode auto` on GKE: Autopilot. GKE provisions, scales and patches the nodes; there
 * is no pool to make.
 */
import { CLUSTER_AUTOSCALER_NODES } from "../../cluster/contract";
import { CLOUD_PLATFORM_SCOPE } from "../facts";
import type { GkeNodeMode } from "./mode";

/**
 * Autopilot (`enableAutopilot`): no pools, no `removeDefaultNodePool`/`initialNodeCount`/
 * `nodeConfig` (the provider refuses them with Autopilot, and `enableAutopilot: false` must not be
 * sent either: pulumi/pulumi-gcp#2881). Workload Identity, Dataplane V2, shielded nodes, the PD and
 * Filestore CSI drivers and HTTP load balancing are always on there and not settable. The nodes GKE
 * provisions run as the node service account (`autoProvisioningDefaults`), so the webhook firewall
 * rule, which targets it, still applies. Source: GKE Autopilot overview and security capabilities,
 * terraform-provider-google container_cluster schema (ConflictsWith enable_autopilot), checked
 * 2026-12-01.
 */
export const AUTOPILOT: GkeNodeMode = {
    clusterArgs: (nodeServiceAccount) => ({
        enableAutopilot: true,
        clusterAutoscaling: { autoProvisioningDefaults: { serviceAccount: nodeServiceAccount, oauthScopes: [CLOUD_PLATFORM_SCOPE] } },
    }),
    clusterIgnoreChanges: [],
    // System logs and metrics cannot be turned off on Autopilot (GKE Autopilot overview,
    // "pre-configured").
    alwaysOnComponents: ["SYSTEM_COMPONENTS"],
    // Workloads wait for the cluster itself: GKE adds nodes as pods need them.
    create: (scope) => ({ ready: scope.cluster }),
    // Autopilot scales under GKE's cluster autoscaler too, which reads
    // `cluster-autoscaler.kubernetes.io/safe-to-evict*` (and defers GKE-initiated evictions for it,
    // see CLUSTER_AUTOSCALER_DISRUPTION).
    facts: { nodes: CLUSTER_AUTOSCALER_NODES },
};
