/**
 * `platform:nodeMode auto` on AKS: node auto-provisioning (Karpenter) picks VM sizes for pending
 * pods; the platform makes no user pool.
 */
import { KARPENTER_NODES } from "../../cluster/contract";
import type { AksNodeMode } from "./mode";

export const NODE_AUTO_PROVISIONING: AksNodeMode = {
    // Needs Azure CNI overlay with the Cilium dataplane (network.ts) and no cluster autoscaler on any
    // pool (the system pool is fixed).
    clusterArgs: { nodeProvisioningProfile: { mode: "Auto", defaultNodePools: "Auto" } },
    create: () => undefined,
    facts: {
        // Node auto-provisioning is Karpenter, which reads its own disruption annotation.
        nodes: KARPENTER_NODES,
        // unverified: whether the default NodePool also launches arm64 sizes, which would need a
        // multi-arch image.
        imagePlatform: () => "linux/amd64",
        // Node auto-provisioning's own control-plane log (learn.microsoft.com/azure/azure-monitor/
        // reference/supported-logs/microsoft-containerservice-managedclusters-logs: category
        // `karpenter-events`, "Node Auto Provisioning"; checked 2026-12-07).
        logCategories: ["karpenter-events"],
    },
};
