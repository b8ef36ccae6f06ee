/**
 * An AKS cluster shaped for the platform: a small fixed system pool tainted for AKS's add-ons, the
 * workloads on a separate autoscaled pool (or on node auto-provisioning), Entra ID with Azure RBAC
 * and no local accounts, workload identity, Azure CNI overlay with Cilium enforcing NetworkPolicy,
 * and a Kubernetes provider that authenticates through kubelogin.
 */
import { createHash } from "node:crypto";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AzureConfig, AzureSettings } from "../../config";
import { CLUSTER_AUTOSCALER_NODES, KARPENTER_NODES, KUBE_DNS, type ClusterTarget } from "../cluster/contract";
import { aksNodePlatform, azureLoadBalancer, azureStorageFacts } from "./facts";
import { AksMonitoring, AksWorkspaces, portalLink } from "./monitoring";
import { AzureContainerRegistry, roleDefinitionId } from "./registry";

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
 * The inline system pool: small and fixed, for AKS's own add-ons only. Fixed because nothing the
 * user configures changes it (Azure will not update the inline profile in place; the workloads'
 * pool is a separate AgentPool), and because node auto-provisioning refuses the cluster
 * autoscaler on any pool. Two nodes so an upgrade or a node loss leaves CoreDNS and the
 * konnectivity agent running; D2s_v5 (2 vCPU, 8 GiB) meets AKS's system-pool minimum of 2 vCPU and
 * 4 GiB (learn.microsoft.com/azure/aks/use-system-pools, checked 2026-12-01).
 */
export const AKS_SYSTEM_POOL = { vmSize: "Standard_D2s_v5", count: 2 } as const;

/** System-pool fields whose change replaces the cluster (see the ManagedCluster's options). */
export const AKS_SYSTEM_POOL_REPLACE_ON = [
    "agentPoolProfiles[0].name",
    "agentPoolProfiles[0].vmSize",
    "agentPoolProfiles[0].availabilityZones",
    "agentPoolProfiles[0].nodeTaints",
    "agentPoolProfiles[0].enableAutoScaling",
    "agentPoolProfiles[0].osSKU",
];

/** Keeps every pod off the system pool except AKS's critical add-ons (which tolerate it). */
export const AKS_SYSTEM_POOL_TAINT = "CriticalAddonsOnly=true:NoSchedule";

/**
 * Name of the workloads' pool, derived from what AKS cannot change on a pool (VM size, zones, OS
 * SKU): a change there yields a new name, which makes Pulumi replace the pool, and its default
 * create-before-delete brings the new pool up before the old one is deleted, so pods move and
 * the app stays up. AKS pool names: 1-12 lower-case alphanumerics starting with a letter; `user`
 * plus 8 hex digits.
 */
export function userPoolName(vmSize: string, zones: readonly string[], osSku: string = AKS_OS_SKU): string {
    const digest = createHash("sha256").update(JSON.stringify([vmSize, [...zones].sort(), osSku])).digest("hex");
    return `user${digest.slice(0, 8)}`;
}

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
    if (!Number.isInteger(minNodes) || minNodes < 1) throw new Error(`AKS user pool minNodes must be an integer >= 1, got ${minNodes}`);
    if (!Number.isInteger(maxNodes) || maxNodes < minNodes) throw new Error(`AKS user pool maxNodes must be an integer >= minNodes (${minNodes}), got ${maxNodes}`);
    if (maxNodes > 1000) throw new Error(`AKS user pool maxNodes must be <= 1000, got ${maxNodes}`);
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

/** Entra's fixed application id of the AKS server (the token audience kubelogin asks for). */
export const AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/**
 * How kubelogin gets an Entra token where Pulumi runs, read from the environment the Azure SDKs
 * use: workload identity (a federated token file, e.g. a CI job's OIDC token), a service principal
 * (client secret or certificate), else the Azure CLI's login (people, and CI jobs that ran
 * `az login`). Never `devicecode`: it waits for a person at a browser, which hangs CI.
 */
export type KubeloginMode = "azurecli" | "workloadidentity" | "spn";
export function kubeloginMode(env: Readonly<Record<string, string | undefined>>): KubeloginMode {
    if (env["AZURE_FEDERATED_TOKEN_FILE"]) return "workloadidentity";
    if (env["AZURE_CLIENT_SECRET"] || env["AZURE_CLIENT_CERTIFICATE_PATH"]) return "spn";
    return "azurecli";
}

/** The API server and its CA from an AKS user kubeconfig (the YAML AKS returns). */
export function kubeconfigEndpoint(kubeconfig: string): { server: string; certificateAuthorityData: string } {
    const server = /^\s*server:\s*(\S+)\s*$/m.exec(kubeconfig)?.[1];
    const ca = /^\s*certificate-authority-data:\s*(\S+)\s*$/m.exec(kubeconfig)?.[1];
    if (!server || !ca) throw new Error("the AKS user kubeconfig has no cluster server or certificate-authority-data");
    return { server, certificateAuthorityData: ca };
}

/**
 * A kubeconfig (JSON, which is YAML) whose user runs `kubelogin get-token`: what `kubelogin
 * convert-kubeconfig -l <mode>` writes, built here so no static credential is ever stored. The
 * tenant is passed for the non-interactive modes, which do not read it from the CLI's login.
 */
export function kubeloginKubeconfig(a: { name: string; server: string; certificateAuthorityData: string; mode: KubeloginMode; tenantId: string }): string {
    const args = ["get-token", "--server-id", AKS_AAD_SERVER_ID, "--login", a.mode];
    if (a.mode !== "azurecli") args.push("--tenant-id", a.tenantId);
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: a.name, cluster: { server: a.server, "certificate-authority-data": a.certificateAuthorityData } }],
        users: [
            {
                name: `${a.name}-kubelogin`,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "kubelogin",
                        args,
                        env: null,
                        provideClusterInfo: false,
                        installHint: "kubelogin is not on PATH: install it with `az aks install-cli` or from github.com/Azure/kubelogin/releases",
                        interactiveMode: "Never",
                    },
                },
            },
        ],
        contexts: [{ name: a.name, context: { cluster: a.name, user: `${a.name}-kubelogin` } }],
        "current-context": a.name,
    });
}

/**
 * The support plan and tier a minor needs: long-term support (AKSLongTermSupport) exists only on
 * the Premium tier (learn.microsoft.com/azure/aks/long-term-support, checked 2026-12-01); otherwise
 * the Standard tier's SLA with community support.
 */
export function aksSupport(extendedSupport: boolean): { supportPlan: "KubernetesOfficial" | "AKSLongTermSupport"; tier: "Standard" | "Premium" } {
    return extendedSupport ? { supportPlan: "AKSLongTermSupport", tier: "Premium" } : { supportPlan: "KubernetesOfficial", tier: AKS_SKU_TIER };
}

/**
 * Properties Azure changes after creation, which Pulumi must not push back:
 * - the user pool's `count`, owned by the cluster autoscaler (re-applying it fails with "cannot
 *   change count when autoscaling is enabled", pulumi/pulumi-azure#780);
 * - `kubernetesVersion` (and the pool's `orchestratorVersion`) when the channel moves minors by
 *   itself (`rapid`, `stable`): the configured minor is then only the creation version, and
 *   re-applying it would be a downgrade AKS refuses.
 *
 * The other stored-version drift, AKS upgrading a cluster that fell out of support whatever the
 * channel, is caught before anything is sent: config refuses a minor past its support (with or
 * without long-term support, per the calendar) and tells the user to set the version the cluster
 * now runs (facts/versions.ts). The version is otherwise sent on every update, so raising
 * `platform:kubernetesVersion` upgrades the cluster and then the user pool in place.
 */
export function aksIgnoreChanges(upgradeChannel: AzureSettings["upgradeChannel"]): { cluster: string[]; userPool: string[] } {
    const movesMinors = upgradeChannel === "rapid" || upgradeChannel === "stable";
    return {
        cluster: movesMinors ? ["kubernetesVersion"] : [],
        userPool: movesMinors ? ["count", "orchestratorVersion"] : ["count"],
    };
}

/** Built-in roles (learn.microsoft.com/azure/role-based-access-control/built-in-roles, checked 2026-12-01). */
export const AKS_ROLES = {
    /** Azure Kubernetes Service RBAC Cluster Admin: every Kubernetes object, cluster-wide. */
    clusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    /** Azure Kubernetes Service RBAC Reader: read most objects (not Secrets, not RBAC). */
    reader: "7f6c6a51-bcf8-42ba-9220-52d62157d7db",
    /** Azure Kubernetes Service Cluster User Role: may list the user kubeconfig (listClusterUserCredential). */
    clusterUser: "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    /**
     * Contributor, on the data resource group only: the disk CSI driver creates, attaches and
     * snapshots disks there, and the cloud provider binds the static public IP there. No narrower
     * built-in role covers `Microsoft.Compute/disks/write` and snapshots (the Disk * roles are for
     * backup and disk pools); a custom role is the way to narrow it further.
     */
    contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
} as const;

export interface AksClusterArgs {
    resourceGroupName: pulumi.Input<string>;
    /** Region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** `MAJOR.MINOR`; AKS picks the newest patch. */
    kubernetesVersion: string;
    /** Long-term support: `supportPlan: AKSLongTermSupport` on the Premium tier. Default false. */
    extendedSupport?: boolean;
    /** `managed`: the autoscaled user pool; `auto`: node auto-provisioning. Default `managed`. */
    nodeMode?: "managed" | "auto";
    /** VM size of the user pool, e.g. `Standard_D4s_v5` (managed mode). */
    nodeSize: string;
    minNodes: number;
    maxNodes: number;
    upgradeChannel: AzureSettings["upgradeChannel"];
    nodeOsUpgradeChannel: AzureSettings["nodeOsUpgradeChannel"];
    /** Availability zones of both pools; `[]` for a region without zones. Default `AKS_DEFAULT_ZONES`. */
    availabilityZones?: readonly string[];
    /** CIDRs allowed to reach the API server. Default: open. */
    apiAllowedCidrs?: readonly string[];
    /** Entra object ids given the RBAC Cluster Admin role besides the deployer. Default none. */
    clusterAdmins?: readonly string[];
    /** Entra object ids given the RBAC Reader role. Default none. */
    clusterReaders?: readonly string[];
    /** Entra type of the deploying identity (see AzureContainerRegistryArgs). Default `ServicePrincipal`. */
    deployerPrincipalType?: "User" | "ServicePrincipal";
    /** The environment that decides kubelogin's login mode for the provider. Default `process.env`. */
    env?: Readonly<Record<string, string | undefined>>;
    /** Log Analytics workspace for Container Insights; undefined: no Azure Monitor (observability none). */
    logAnalyticsWorkspaceId?: pulumi.Input<string>;
}

export class AksCluster extends pulumi.ComponentResource {
    readonly cluster: containerservice.ManagedCluster;
    /** The workloads' pool; undefined in `auto` node mode. */
    readonly userPool?: containerservice.AgentPool;
    /** kubelogin kubeconfig for people (`azurecli` login), for the stack output; secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;
    /** Object id of the kubelet identity (for AcrPull and other node-level role assignments). */
    readonly kubeletObjectId: pulumi.Output<string>;
    /** Principal id of the cluster (control-plane) identity: disks, load balancer IPs. */
    readonly clusterPrincipalId: pulumi.Output<string>;
    readonly oidcIssuerUrl: pulumi.Output<string | undefined>;
    /** The deployer's RBAC Cluster Admin assignment: the provider cannot create anything before it. */
    readonly deployerAdmin: authorization.RoleAssignment;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:azure:AksCluster", name, {}, opts);
        const auto = args.nodeMode === "auto";
        if (!auto) validateAksPool(args.minNodes, args.maxNodes);
        const zones = [...(args.availabilityZones ?? AKS_DEFAULT_ZONES)];
        const support = aksSupport(args.extendedSupport ?? false);
        const ignore = aksIgnoreChanges(args.upgradeChannel);
        const client = authorization.getClientConfigOutput({ parent: this });

        this.cluster = new containerservice.ManagedCluster(
            `${name}-cluster`,
            {
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                dnsPrefix: aksDnsPrefix(name),
                kubernetesVersion: args.kubernetesVersion,
                sku: { name: "Base", tier: support.tier },
                supportPlan: support.supportPlan,
                identity: { type: "SystemAssigned" },
                enableRBAC: true,
                // Entra ID with Azure RBAC and no local accounts: no long-lived admin certificate
                // exists; every client, Pulumi included, signs in through Entra (kubelogin).
                aadProfile: { managed: true, enableAzureRBAC: true, tenantID: client.tenantId },
                disableLocalAccounts: true,
                ...(args.apiAllowedCidrs ? { apiServerAccessProfile: { authorizedIPRanges: [...args.apiAllowedCidrs] } } : {}),
                agentPoolProfiles: [
                    {
                        name: AKS_SYSTEM_POOL_NAME,
                        mode: "System",
                        type: "VirtualMachineScaleSets",
                        osType: "Linux",
                        osSKU: AKS_OS_SKU,
                        vmSize: AKS_SYSTEM_POOL.vmSize,
                        ...(zones.length > 0 ? { availabilityZones: zones } : {}),
                        enableAutoScaling: false,
                        count: AKS_SYSTEM_POOL.count,
                        nodeTaints: [AKS_SYSTEM_POOL_TAINT],
                    },
                ],
                // Node auto-provisioning (Karpenter): needs Azure CNI overlay with the Cilium
                // dataplane (below) and no cluster autoscaler on any pool (the system pool is fixed).
                ...(auto ? { nodeProvisioningProfile: { mode: "Auto", defaultNodePools: "Auto" } } : {}),
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
                ...(args.logAnalyticsWorkspaceId !== undefined
                    ? {
                          // Container Insights (logs, inventory) with Entra auth to the workspace, and
                          // managed Prometheus metrics.
                          addonProfiles: {
                              omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: args.logAnalyticsWorkspaceId, useAADAuth: "true" } },
                          },
                          azureMonitorProfile: { metrics: { enabled: true } },
                      }
                    : {}),
            },
            {
                parent: this,
                ignoreChanges: ignore.cluster,
                // Azure will not change the inline system pool in place: the preview says "replace"
                // (a new cluster) instead of an update that fails after minutes. Only the fields the
                // program sets and Azure never changes by itself (not `count`, `maxPods` or versions a
                // refresh may bring back), so a refresh can never turn into a replacement. Nothing
                // configurable but the zones feeds them; the workloads' pool is a separate AgentPool.
                replaceOnChanges: AKS_SYSTEM_POOL_REPLACE_ON,
            },
        );

        if (!auto) {
            this.userPool = new containerservice.AgentPool(
                `${name}-user`,
                {
                    resourceGroupName: args.resourceGroupName,
                    resourceName: this.cluster.name,
                    agentPoolName: userPoolName(args.nodeSize, zones),
                    mode: "User",
                    type: "VirtualMachineScaleSets",
                    osType: "Linux",
                    osSKU: AKS_OS_SKU,
                    vmSize: args.nodeSize,
                    orchestratorVersion: args.kubernetesVersion,
                    ...(zones.length > 0 ? { availabilityZones: zones } : {}),
                    enableAutoScaling: true,
                    minCount: args.minNodes,
                    maxCount: args.maxNodes,
                    count: args.minNodes,
                },
                // The name follows the size: a size change replaces the pool, the new one first.
                { parent: this, deleteBeforeReplace: false, ignoreChanges: ignore.userPool },
            );
        }

        this.clusterPrincipalId = this.cluster.identity.apply((i) => {
            if (!i?.principalId) throw new Error("the AKS cluster reports no system-assigned identity (identity.principalId)");
            return i.principalId;
        });
        const role = (id: string): pulumi.Output<string> => client.subscriptionId.apply((sub) => roleDefinitionId(sub, id));
        this.deployerAdmin = new authorization.RoleAssignment(
            `${name}-deployer-admin`,
            {
                scope: this.cluster.id,
                roleDefinitionId: role(AKS_ROLES.clusterAdmin),
                principalId: client.objectId,
                principalType: args.deployerPrincipalType ?? "ServicePrincipal",
            },
            { parent: this },
        );
        const grant = (kind: string, roleId: string, principals: readonly string[]): void => {
            for (const principal of principals) {
                // No principalType: an object id may be a user, a group or a service principal.
                new authorization.RoleAssignment(`${name}-${kind}-${principal}`, { scope: this.cluster.id, roleDefinitionId: role(roleId), principalId: principal }, { parent: this });
            }
        };
        grant("admin", AKS_ROLES.clusterAdmin, args.clusterAdmins ?? []);
        grant("reader", AKS_ROLES.reader, args.clusterReaders ?? []);
        // Admins and readers fetch the (credential-free) kubeconfig with `az aks get-credentials`.
        grant("user", AKS_ROLES.clusterUser, [...new Set([...(args.clusterAdmins ?? []), ...(args.clusterReaders ?? [])])]);

        // The user kubeconfig carries only the endpoint and CA once local accounts are off.
        const creds = containerservice.listManagedClusterUserCredentialsOutput(
            { resourceGroupName: args.resourceGroupName, resourceName: this.cluster.name },
            { parent: this },
        );
        const endpoint = creds.apply((c) => kubeconfigEndpoint(decodeKubeconfig(c)));
        const build = (mode: KubeloginMode): pulumi.Output<string> =>
            pulumi.all([endpoint, client.tenantId, this.cluster.name]).apply(([e, tenantId, clusterName]) => kubeloginKubeconfig({ name: clusterName, ...e, mode, tenantId }));
        this.kubeconfig = pulumi.secret(build("azurecli"));

        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: pulumi.secret(build(kubeloginMode(args.env ?? process.env))) },
            // Without its role the deployer is refused by the API server (local accounts are off).
            { parent: this, dependsOn: [this.deployerAdmin] },
        );

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
 * Composes the Azure side of the platform: a resource group with the AKS cluster and the registry,
 * a data resource group beside it (Retain disks, snapshots, the static ingress IP) that outlives
 * the cluster, handed to the cloud-neutral layer as a `ClusterTarget`.
 */
export function azureTarget(name: string, config: AzureConfig): ClusterTarget {
    const group = new resources.ResourceGroup(`${name}-rg`, { location: config.azure.location });
    const protectData = config.workloads.protectData;
    // AKS deletes the node resource group with the cluster; this one is the stack's. Kept on
    // destroy (retainOnDelete): deleting a group deletes every disk in it.
    const dataGroup = new resources.ResourceGroup(`${name}-data-rg`, { location: config.azure.location }, { protect: protectData, retainOnDelete: true });
    // Deployer identity type shared with the registry's AcrPush assignment.
    const deployerPrincipalType = "ServicePrincipal";
    const managed = config.cluster.nodeMode === "managed";
    const workspaces =
        config.cluster.observability === "native"
            ? new AksWorkspaces(`${name}-monitor`, { resourceGroupName: group.name, location: group.location, retentionDays: config.cluster.logRetentionDays })
            : undefined;

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
        availabilityZones: config.azure.zones,
        apiAllowedCidrs: config.cluster.apiAllowedCidrs,
        clusterAdmins: config.cluster.clusterAdmins,
        clusterReaders: config.cluster.clusterReaders,
        deployerPrincipalType,
        logAnalyticsWorkspaceId: workspaces?.logAnalytics.id,
    });
    if (workspaces) {
        new AksMonitoring(`${name}-monitor`, { resourceGroupName: group.name, location: group.location, clusterId: aks.cluster.id, workspaces });
    }

    // The cluster identity creates disks and snapshots and binds the static IP in the data group.
    const client = authorization.getClientConfigOutput();
    const dataAccess = new authorization.RoleAssignment(`${name}-aks-data-rg`, {
        scope: dataGroup.id,
        roleDefinitionId: client.subscriptionId.apply((sub) => roleDefinitionId(sub, AKS_ROLES.contributor)),
        principalId: aks.clusterPrincipalId,
        principalType: "ServicePrincipal",
    });

    // A zone-redundant Standard IP (Standard LBs take only Standard IPs); zoned only where the
    // region has zones.
    const ingressIp = new network.PublicIPAddress(
        `${name}-ingress-ip`,
        {
            resourceGroupName: dataGroup.name,
            location: dataGroup.location,
            sku: { name: "Standard", tier: "Regional" },
            publicIPAllocationMethod: "Static",
            publicIPAddressVersion: "IPv4",
            ...(config.azure.zones.length > 0 ? { zones: [...config.azure.zones] } : {}),
        },
        { protect: protectData },
    );

    const registry = new AzureContainerRegistry(`${name}-acr`, {
        resourceGroupName: group.name,
        location: group.location,
        pullPrincipalId: aks.kubeletObjectId,
        deployerPrincipalType,
        platform: managed ? aksNodePlatform(config.cluster.nodeSize) : "linux/amd64",
    });

    return {
        cloud: "azure",
        provider: aks.provider,
        kubeconfig: aks.kubeconfig,
        storage: azureStorageFacts(config.storage.tier, { zones: config.azure.zones, dataResourceGroup: dataGroup.name }),
        loadBalancer: azureLoadBalancer({ name: ingressIp.name, resourceGroup: dataGroup.name, addresses: ingressIp.ipAddress.apply((ip) => (ip ? [ip] : [])) }),
        // Node auto-provisioning is Karpenter, which reads its own disruption annotation.
        nodes: managed ? CLUSTER_AUTOSCALER_NODES : KARPENTER_NODES,
        // CoreDNS pods in both node modes.
        dns: KUBE_DNS,
        registry: registry.imageRegistry,
        observability: workspaces
            ? {
                  logAnalyticsWorkspaceId: workspaces.logAnalytics.customerId,
                  logAnalyticsWorkspace: workspaces.logAnalytics.id,
                  logs: workspaces.logAnalytics.id.apply((id) => `${portalLink(id)}/logs`),
                  containerInsights: aks.cluster.id.apply((id) => `${portalLink(id)}/containerInsights`),
                  prometheusWorkspace: workspaces.prometheus.id,
              }
            : undefined,
        // The pool, the pull assignment and the data-group access too: a pod scheduled before
        // AcrPull lands sits in ImagePullBackOff, a claim before the role fails to provision.
        dependsOn: [aks.cluster, ...(aks.userPool ? [aks.userPool] : []), dataAccess, ...(registry.pullAssignment ? [registry.pullAssignment] : [])],
    };
}
