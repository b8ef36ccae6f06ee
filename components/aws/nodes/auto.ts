/**
 * `platform:nodeMode auto` on EKS: EKS Auto Mode launches, scales and patches the nodes itself, and
 * runs pod networking, cluster DNS, block storage and load balancing built in. The platform only
 * switches its network policy controller on.
 */
import * as k8s from "@pulumi/kubernetes";
import { KARPENTER_NODES } from "../../cluster/contract";
import { AUTO_MODE_DNS, AUTO_MODE_PLATFORM, AWS_AUTO_MODE_LOAD_BALANCER, EBS_AUTO_MODE } from "../facts";
import type { EksNodeMode, EksNodeScope, EksNodes } from "./mode";

/**
 * What `nodeMode auto` changes in the eks.Cluster arguments. `autoMode.enabled` turns on EKS Auto
 * Mode's compute, block storage and load balancing together (computeConfig, storageConfig,
 * kubernetesNetworkConfig.elasticLoadBalancing), creates the cluster without the self-managed
 * add-ons, gives the cluster role AmazonEKSComputePolicy, BlockStoragePolicy, LoadBalancingPolicy
 * and NetworkingPolicy (and sts:TagSession), and makes a node role with
 * AmazonEKSWorkerNodeMinimalPolicy and AmazonEC2ContainerRegistryPullOnly for the built-in
 * `general-purpose` and `system` NodePools (pulumi-eks 4.3 nodejs/eks/cluster/cluster.ts, checked
 * 2026-12-01). Auto Mode runs pod networking, kube-proxy's job and cluster DNS itself (EKS user
 * guide, "Considerations for Amazon EKS Auto Mode"): no VPC CNI, kube-proxy or CoreDNS add-on, which
 * pulumi-eks would otherwise still make for CoreDNS.
 */
export const AUTO_MODE_CLUSTER_OPTIONS = {
    autoMode: { enabled: true },
    kubeProxyAddonOptions: { enabled: false },
    corednsAddonOptions: { enabled: false },
} as const;

/**
 * Auto Mode enforces NetworkPolicies only once this ConfigMap turns its network policy controller
 * on; the default NodeClass's `networkPolicy` is DefaultAllow, so pods no policy selects keep all
 * traffic (EKS user guide "Use Network Policies with EKS Auto Mode", checked 2026-12-01).
 */
export const AUTO_MODE_NETWORK_POLICY = {
    metadata: { name: "amazon-vpc-cni", namespace: "kube-system" },
    data: { "enable-network-policy-controller": "true" },
} as const;

/** Add-on configuration that puts its pods on Auto Mode's built-in `system` NodePool. */
export const AUTO_MODE_SYSTEM_POOL = { nodeSelector: { "karpenter.sh/nodepool": "system" } } as const;

/**
 * No nodes to make: Auto Mode launches one when a pod is pending. Without the network policy
 * switch the platform's NetworkPolicies would be accepted and silently not enforced, so every
 * workload waits for it.
 */
function createAutoModeNodes(scope: EksNodeScope): EksNodes {
    const networkPolicy = new k8s.core.v1.ConfigMap(
        `${scope.name}-network-policy`,
        { metadata: { ...AUTO_MODE_NETWORK_POLICY.metadata }, data: { ...AUTO_MODE_NETWORK_POLICY.data } },
        { parent: scope.parent, provider: scope.provider },
    );
    return { nodeGroups: [], ready: [networkPolicy] };
}

export const AUTO_MODE: EksNodeMode = {
    // Auto Mode's default NodeClass launches nodes in the cluster's subnets, with a public IP in a
    // public one: the cluster gets the private subnets only (the NLB names its public subnets
    // itself).
    clusterArgs: () => ({ ...AUTO_MODE_CLUSTER_OPTIONS }),
    // On the built-in `system` NodePool (the controller tolerates its CriticalAddonsOnly taint), as
    // the EKS user guide suggests (create-storage-class).
    snapshotControllerValues: JSON.stringify(AUTO_MODE_SYSTEM_POOL),
    create: createAutoModeNodes,
    // Auto Mode scales its own nodes.
    scale: () => [],
    facts: {
        // Auto Mode's Karpenter reads its own disruption annotation.
        nodes: KARPENTER_NODES,
        dns: AUTO_MODE_DNS,
        loadBalancer: AWS_AUTO_MODE_LOAD_BALANCER,
        blockStorage: EBS_AUTO_MODE,
        imagePlatform: () => AUTO_MODE_PLATFORM,
    },
    guard: { runs: "EKS Auto Mode", attachedBy: "Auto Mode" },
};
