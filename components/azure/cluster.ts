/**
 * An AKS cluster shaped for the platform: one autoscaled, zone-spread system pool, managed identity,
 * workload identity, Azure CNI overlay with Cilium enforcing NetworkPolicy, and a Kubernetes
 * provider bound to the cluster's own kubeconfig.
 */
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AzureConfig, AzureSettings } from "../../config";
import { MANAGED_NODES, type ClusterTarget } from "../cluster";
import { AZURE_LOAD_BALANCER, azureStorageFacts } from "./facts";
import { AzureContainerRegistry } from "./registry";

/**
 * Standard tier: the financially backed API server SLA (99.95% with availability zones) and the
 * control plane sized for production. Free has no SLA and Microsoft recommends it for dev/test
 * only (learn.microsoft.com/azure/aks/free-standard-pricing-tiers). Candidate for a config key
 * (`platform:aksTier`) when a cheap dev stack is wanted.
 */
export const AKS_SKU_TIER = "Standard";

/** Spread nodes over three zones so a zone outage leaves two thirds of the pool. */
export const AKS_DEFAULT_ZONES: readonly string[] = ["1", "2", "3"];

/**
 * Azure Linux: Microsoft's minimal container host, smaller attack surface and faster node-image
 * patches than Ubuntu; `AzureLinux` follows the supported major (3.0 on Kubernetes >= 1.32).
 */
export const AKS_OS_SKU = "AzureLinux";

/** Name of the inline system pool: 1-12 lower-case alphanumerics, starting with a letter. */
export const AKS_SYSTEM_POOL_NAME = "system";

/**
 * AKS DNS prefix: 1-54 letters, digits and hyphens, starting and ending with a letter or digit.
 */
export function aksDnsPrefix(name: string): string {
    const prefix = name
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/^[^a-z0-9]+/, "")
        .slice(0, 54)
        .replace(/[^a-z0-9]+$/, "");
    if (prefix.length === 0) throw new Error(`cannot derive an AKS dnsPrefix from "${name}": it has no letters or digits`);
    return prefix;
}

/** Checks the pool bounds before anything is registered; AKS would reject them only after minutes. */
export function validateAksPool(minNodes: number, maxNodes: number): void {
    if (!Number.isInteger(minNodes) || minNodes < 1) throw new Error(`AKS system pool minNodes must be an integer >= 1, got ${minNodes}`);
    if (!Number.isInteger(maxNodes) || maxNodes < minNodes) throw new Error(`AKS system pool maxNodes must be an integer >= minNodes (${minNodes}), got ${maxNodes}`);
    if (maxNodes > 1000) throw new Error(`AKS system pool maxNodes must be <= 1000, got ${maxNodes}`);
}

/** The decoded first kubeconfig from `listManagedClusterUserCredentials` (the API returns base64). */
export function decodeKubeconfig(creds: containerservice.ListManagedClusterUserCredentialsResult): string {
    const encoded = creds.kubeconfigs?.[0]?.value;
    if (!encoded) throw new Error("AKS returned no user kubeconfig for the cluster");
    return Buffer.from(encoded, "base64").toString("utf8");
}

/** The kubelet identity's object id, the principal that pulls images from ACR. */
export function kubeletObjectId(
    identityProfile: Record<string, { objectId?: string }> | undefined,
): string {
    const objectId = identityProfile?.["kubeletidentity"]?.objectId;
    if (!objectId) throw new Error("the AKS cluster reports no kubelet identity (identityProfile.kubeletidentity.objectId)");
    return objectId;
}

/**
 * Properties Azure changes after creation, which Pulumi must not push back:
 * - the system pool's `count`, owned by the cluster autoscaler (re-applying it fails with "cannot
 *   change count when autoscaling is enabled", pulumi/pulumi-azure#780);
 * - `kubernetesVersion` when the channel moves minors by itself (`rapid`, `stable`): the
 *   configured `MAJOR.MINOR` is then only the creation version, and re-applying it would be a
 *   downgrade AKS refuses. `patch` and `node-image` never leave the configured minor.
 */
export function aksIgnoreChanges(upgradeChannel: AzureSettings["upgradeChannel"]): string[] {
    const ignore = ["agentPoolProfiles[0].count"];
    if (upgradeChannel === "rapid" || upgradeChannel === "stable") ignore.push("kubernetesVersion");
    return ignore;
}

export interface AksClusterArgs {
    resourceGroupName: pulumi.Input<string>;
    /** Region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** `MAJOR.MINOR`; AKS picks the newest patch. */
    kubernetesVersion: string;
    /** VM size of the system pool, e.g. `Standard_D4s_v5`. */
    nodeSize: string;
    minNodes: number;
    maxNodes: number;
    upgradeChannel: AzureSettings["upgradeChannel"];
    nodeOsUpgradeChannel: AzureSettings["nodeOsUpgradeChannel"];
    /** Availability zones of the system pool. Default `AKS_DEFAULT_ZONES` (1, 2, 3). */
    availabilityZones?: readonly string[];
    /** Control-plane tier. Default `AKS_SKU_TIER` (Standard). */
    skuTier?: "Free" | "Standard" | "Premium";
}

export class AksCluster extends pulumi.ComponentResource {
    readonly cluster: containerservice.ManagedCluster;
    /** Cluster-user kubeconfig, decoded; secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /** Object id of the kubelet identity (for AcrPull and other node-level role assignments). */
    readonly kubeletObjectId: pulumi.Output<string>;
    readonly oidcIssuerUrl: pulumi.Output<string | undefined>;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:AksCluster", name, {}, opts);
        validateAksPool(args.minNodes, args.maxNodes);

        this.cluster = new containerservice.ManagedCluster(
            `${name}-cluster`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                dnsPrefix: aksDnsPrefix(name),
                kubernetesVersion: args.kubernetesVersion,
                sku: { name: "Base", tier: args.skuTier ?? AKS_SKU_TIER },
                identity: { type: "SystemAssigned" },
                enableRBAC: true,
                // Azure will not change the inline system pool in place later (vmSize, zones, OS
                // SKU force a new pool): grow capacity with separate containerservice.AgentPool
                // resources instead of editing this entry.
                agentPoolProfiles: [
                    {
                        name: AKS_SYSTEM_POOL_NAME,
                        mode: "System",
                        type: "VirtualMachineScaleSets",
                        osType: "Linux",
                        osSKU: AKS_OS_SKU,
                        vmSize: args.nodeSize,
                        availabilityZones: [...(args.availabilityZones ?? AKS_DEFAULT_ZONES)],
                        enableAutoScaling: true,
                        minCount: args.minNodes,
                        maxCount: args.maxNodes,
                        count: args.minNodes,
                    },
                ],
                autoUpgradeProfile: {
                    upgradeChannel: args.upgradeChannel,
                    nodeOSUpgradeChannel: args.nodeOsUpgradeChannel,
                },
                oidcIssuerProfile: { enabled: true },
                securityProfile: { workloadIdentity: { enabled: true } },
                networkProfile: {
                    networkPlugin: "azure",
                    networkPluginMode: "overlay",
                    // Azure CNI powered by Cilium: the eBPF dataplane enforces the platform's
                    // NetworkPolicies; networkPolicy "cilium" is valid only with this dataplane.
                    networkDataplane: "cilium",
                    networkPolicy: "cilium",
                    loadBalancerSku: "standard",
                },
            },
            { parent: this, ignoreChanges: aksIgnoreChanges(args.upgradeChannel) },
        );

        const creds = containerservice.listManagedClusterUserCredentialsOutput(
            { resourceGroupName: args.resourceGroupName, resourceName: this.cluster.name },
            { parent: this },
        );
        this.kubeconfig = pulumi.secret(creds.apply(decodeKubeconfig));

        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });

        this.kubeletObjectId = this.cluster.identityProfile.apply(kubeletObjectId);
        this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((p) => p?.issuerURL);

        this.registerOutputs({
            clusterName: this.cluster.name,
            kubeconfig: this.kubeconfig,
            kubeletObjectId: this.kubeletObjectId,
            oidcIssuerUrl: this.oidcIssuerUrl,
        });
    }
}

/**
 * Composes the Azure side of the platform: a resource group, the AKS cluster and the registry,
 * handed to the cloud-neutral layer as a `ClusterTarget`.
 */
export function azureTarget(name: string, config: AzureConfig): ClusterTarget {
    const group = new resources.ResourceGroup(`${name}-rg`, { location: config.azure.location });

    const aks = new AksCluster(`${name}-aks`, {
        resourceGroupName: group.name,
        location: group.location,
        kubernetesVersion: config.cluster.kubernetesVersion,
        nodeSize: config.cluster.nodeSize,
        minNodes: config.cluster.minNodes,
        maxNodes: config.cluster.maxNodes,
        upgradeChannel: config.azure.upgradeChannel,
        nodeOsUpgradeChannel: config.azure.nodeOsUpgradeChannel,
    });

    const registry = new AzureContainerRegistry(`${name}-acr`, {
        resourceGroupName: group.name,
        location: group.location,
        pullPrincipalId: aks.kubeletObjectId,
    });

    return {
        cloud: "azure",
        provider: aks.provider,
        kubeconfig: aks.kubeconfig,
        storage: azureStorageFacts(config.storage.tier),
        loadBalancer: AZURE_LOAD_BALANCER,
        // Node pools under the cluster autoscaler: the only node mode so far.
        nodes: MANAGED_NODES,
        registry: registry.imageRegistry,
        // The pull assignment too: a pod scheduled before AcrPull lands sits in ImagePullBackOff.
        dependsOn: [aks.cluster, ...(registry.pullAssignment ? [registry.pullAssignment] : [])],
    };
}
