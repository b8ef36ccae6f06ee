/**
 * The whole Azure side of the platform, as the cloud-neutral layer reads it: a resource group with
 * the AKS cluster (its nodes the node mode's) and the container registry, and a data resource group
 * beside it (Retain disks, snapshots, the static ingress IP) that outlives the cluster. The
 * kubeconfig output is secret (it is a cluster credential).
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import type * as pulumi from "@pulumi/pulumi";
import type { AzureConfig } from "../../config";
import { type BackupStoreFacts, type BackupStoreRequest, KUBE_DNS, type ClusterTarget } from "../cluster/contract";
import type { PreflightCheck } from "../cluster/preflight";
import { AKS_ROLES, AKS_TEAM_ACCESS } from "./access";
import { BlobBackupStore } from "./backup-store";
import { AksCluster } from "./cluster";
import { deployerPrincipalType } from "./deployer";
import { azureLoadBalancer, azureStorageFacts } from "./facts";
import { AksMonitoring, AksWorkspaces, portalLink } from "./monitoring";
import { ingressAddress } from "./network";
import { aksNodeModeGuard } from "./nodes/guard";
import { AKS_NODE_MODES } from "./nodes/index";
import { azurePreflight } from "./preflight";
import { AzureContainerRegistry, roleDefinitionId } from "./registry";

/**
 * Run before anything is registered: the node-mode guard (a running cluster's mode cannot be
 * switched), then resource providers, vCPU quotas and the deploying identity (./preflight.ts).
 */
export function preflight(config: AzureConfig): PreflightCheck[] {
    return [aksNodeModeGuard(config.cluster.nodeMode), ...azurePreflight(config)];
}

export function target(name: string, config: AzureConfig): ClusterTarget {
    const mode = AKS_NODE_MODES[config.cluster.nodeMode];
    // Read once for the cluster-admin and AcrPush assignments: a person or a service principal.
    const deployer = deployerPrincipalType();
    const group = new resources.ResourceGroup(`${name}-rg`, { location: config.azure.location });
    const dataGroup = dataResourceGroup(name, config);
    const workspaces = monitorWorkspaces(name, group, config);
    const aks = new AksCluster(`${name}-aks`, {
        resourceGroupName: group.name,
        location: group.location,
        kubernetesVersion: config.cluster.kubernetesVersion,
        extendedSupport: config.cluster.extendedSupport,
        nodeMode: config.cluster.nodeMode,
        nodeSize: config.cluster.nodeSize,
        minNodes: config.cluster.minNodes,
        maxNodes: config.cluster.maxNodes,
        upgradeChannel: config.azure.upgradeChannel,
        nodeOsUpgradeChannel: config.azure.nodeOsUpgradeChannel,
        maintenanceWindow: config.cluster.maintenanceWindow,
        governance: { imageCleaner: config.azure.imageCleaner, azurePolicy: config.azure.azurePolicy, defenderForContainers: config.azure.defenderForContainers },
        availabilityZones: config.azure.zones,
        apiAllowedCidrs: config.cluster.apiAllowedCidrs,
        clusterAdmins: config.cluster.clusterAdmins, clusterReaders: config.cluster.clusterReaders, teams: config.teams,
        deployerPrincipalType: deployer,
        logAnalyticsWorkspaceId: workspaces?.logAnalytics.id,
    });
    if (workspaces) {
        const monitored = { clusterId: aks.cluster.id, clusterName: aks.cluster.name, nodeLogCategories: mode.facts.logCategories };
        new AksMonitoring(`${name}-monitor`, { resourceGroupName: group.name, location: group.location, workspaces, ...monitored });
    }
    const dataAccess = dataGroupAccess(name, dataGroup, aks);
    const address = ingressAddress(name, { resourceGroupName: dataGroup.name, location: dataGroup.location, zones: config.azure.zones, protect: config.workloads.protectData });
    const registry = new AzureContainerRegistry(`${name}-acr`, {
        resourceGroupName: group.name,
        location: group.location,
        pullPrincipalId: aks.kubeletObjectId,
        deployerPrincipalType: deployer,
        platform: mode.facts.imagePlatform(config.cluster.nodeSize),
    });

    return {
        cloud: "azure",
        provider: aks.provider,
        kubeconfig: aks.kubeconfig,
        storage: azureStorageFacts(config.storage.tier, { zones: config.azure.zones, dataResourceGroup: dataGroup.name }),
        loadBalancer: azureLoadBalancer(address),
        nodes: mode.facts.nodes,
        // CoreDNS pods in both node modes.
        dns: KUBE_DNS,
        registry: registry.imageRegistry,
        teamAccess: AKS_TEAM_ACCESS,
        observability: workspaces ? observability(workspaces, aks) : undefined,
        backupStore: (request) => backupStore(name, request, { group, dataGroup, aks, zones: config.azure.zones }),
        // The pool, the pull assignment and the data-group access too: a pod scheduled before
        // AcrPull lands sits in ImagePullBackOff, a claim before the role fails to provision.
        dependsOn: [aks.cluster, ...(aks.userPool ? [aks.userPool] : []), dataAccess, ...(registry.pullAssignment ? [registry.pullAssignment] : [])],
    };
}

/** The Log Analytics and Prometheus workspaces, with `platform:observability native`. */
function monitorWorkspaces(name: string, group: resources.ResourceGroup, config: AzureConfig): AksWorkspaces | undefined {
    if (config.cluster.observability !== "native") return undefined;
    return new AksWorkspaces(`${name}-monitor`, { resourceGroupName: group.name, location: group.location, retentionDays: config.cluster.logRetentionDays });
}

/** Where the data lives: the group's name, region and ARM id. */
export interface DataGroup {
    name: pulumi.Output<string>;
    location: pulumi.Output<string>;
    id: pulumi.Output<string>;
}

/**
 * AKS deletes the node resource group with the cluster; this one is the stack's. Kept on destroy
 * (retainOnDelete): deleting a group deletes every disk in it. A destroy therefore leaves it, and
 * a later `up` of the same stack would make a new one beside it: `platform:dataResourceGroup`
 * names the kept group instead, which the stack then only reads (it is not the stack's to delete),
 * so new disks, snapshots and the ingress IP land beside the retained disks (docs/azure.md: "Coming back
 * after a destroy on Azure").
 */
function dataResourceGroup(name: string, config: AzureConfig): DataGroup {
    const existing = config.azure.dataResourceGroup;
    if (existing !== undefined) {
        const group = resources.getResourceGroupOutput({ resourceGroupName: existing });
        return { name: group.name, location: group.location, id: group.id };
    }
    const protect = config.workloads.protectData;
    const group = new resources.ResourceGroup(`${name}-data-rg`, { location: config.azure.location }, { protect, retainOnDelete: true });
    return { name: group.name, location: group.location, id: group.id };
}

/** The cluster identity creates disks and snapshots and binds the static IP in the data group. */
function dataGroupAccess(name: string, dataGroup: DataGroup, aks: AksCluster): authorization.RoleAssignment {
    const client = authorization.getClientConfigOutput();
    return new authorization.RoleAssignment(`${name}-aks-data-rg`, {
        scope: dataGroup.id,
        roleDefinitionId: client.subscriptionId.apply((sub) => roleDefinitionId(sub, AKS_ROLES.contributor)),
        principalId: aks.clusterPrincipalId,
        principalType: "ServicePrincipal",
    });
}

/**
 * The backups' account beside the retained disks, in the data group (kept on destroy); the
 * identity beside the cluster, whose issuer it trusts.
 */
function backupStore(
    name: string,
    request: BackupStoreRequest,
    at: { group: resources.ResourceGroup; dataGroup: DataGroup; aks: AksCluster; zones: readonly string[] },
): BackupStoreFacts {
    return new BlobBackupStore(`${name}-backups`, {
        request,
        dataResourceGroupName: at.dataGroup.name,
        dataLocation: at.dataGroup.location,
        resourceGroupName: at.group.name,
        location: at.group.location,
        zones: at.zones,
        oidcIssuerUrl: at.aks.oidcIssuerUrl,
    }).facts;
}

/** Where the workspaces and Container Insights are, for the `observability` output. */
function observability(workspaces: AksWorkspaces, aks: AksCluster): ClusterTarget["observability"] {
    return {
        logAnalyticsWorkspaceId: workspaces.logAnalytics.customerId,
        logAnalyticsWorkspace: workspaces.logAnalytics.id,
        logs: workspaces.logAnalytics.id.apply((id) => `${portalLink(id)}/logs`),
        containerInsights: aks.cluster.id.apply((id) => `${portalLink(id)}/containerInsights`),
        prometheusWorkspace: workspaces.prometheus.id,
    };
}
