/**
 * An AKS cluster shaped for the platform: a small fixed system pool tainted for AKS's add-ons, the
 * workloads on the node mode's nodes (./nodes/: a separate autoscaled pool, or node
 * auto-provisioning), Entra ID with Azure RBAC and no local accounts (./access.ts), workload
 * identity, Azure CNI overlay with Cilium enforcing NetworkPolicy (./network.ts), and a Kubernetes
 * provider that authenticates through kubelogin.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import type * as azureInputs from "@pulumi/azure-native/types/input";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AzureSettings, NodeMode } from "../../config";
import type { MaintenanceWindow } from "../../config/maintenance";
import type { TeamGrant } from "../cluster/contract";
import { grantClusterAccess, kubeloginKubeconfigs, kubeloginMode } from "./access";
import { type DeployerPrincipalType, deployerPrincipalType } from "./deployer";
import { AKS_OS_SKU } from "./facts";
import { AKS_NETWORK_PROFILE } from "./network";
import { plannedMaintenance } from "./maintenance";
import { AKS_NODE_MODES } from "./nodes/index";
import { clusterAccessReady } from "./readiness";
import type { AksNodeMode } from "./nodes/mode";

/**
 * Standard tier: the financially backed API server SLA (99.95% with availability zones) and the
 * control plane sized for production. Free has no SLA and Microsoft recommends it for dev/test
 * only (learn.microsoft.com/azure/aks/free-standard-pricing-tiers). Candidate for a config key
 * (`platform:aksTier`) when a cheap dev stack is wanted.
 */
export const AKS_SKU_TIER = "Standard";

/** Spread nodes over three zones so a zone outage leaves two thirds of the pool. */
export const AKS_DEFAULT_ZONES: readonly string[] = ["1", "2", "3"];

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

/** The kubelet identity's object id, the principal that pulls images from ACR. */
export function kubeletObjectId(
    identityProfile: Record<string, { objectId?: string }> | undefined,
): string {
    const objectId = identityProfile?.["kubeletidentity"]?.objectId;
    if (!objectId) throw new Error("the AKS cluster reports no kubelet identity (identityProfile.kubeletidentity.objectId)");
    return objectId;
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

/** The baseline's governance add-ons (`platform:imageCleaner`, `azurePolicy`, `defenderForContainers`). */
export interface AksGovernance {
    imageCleaner: boolean;
    azurePolicy: boolean;
    defenderForContainers: boolean;
}

/** Default: the image cleaner only (free); Policy and Defender are choices with a cost or a policy to write. */
export const AKS_DEFAULT_GOVERNANCE: AksGovernance = { imageCleaner: true, azurePolicy: false, defenderForContainers: false };

/**
 * How often the image cleaner runs: weekly, its default (learn.microsoft.com/azure/aks/image-cleaner,
 * 24-2160 hours, checked 2026-12-07).
 */
export const AKS_IMAGE_CLEANER_HOURS = 168;

/**
 * The security profile and add-ons of `g`, each stated on or off (not left out), so turning one off
 * on a running cluster is an update AKS applies rather than a property it keeps. Workload identity
 * is always on. Defender reports to the stack's Log Analytics workspace when there is one, else AKS
 * uses the subscription's default workspace (learn.microsoft.com/azure/defender-for-cloud/
 * defender-for-containers-enable, checked 2026-12-07).
 */
export function aksGovernanceArgs(
    g: AksGovernance,
    logAnalyticsWorkspaceId: pulumi.Input<string> | undefined,
): { securityProfile: azureInputs.containerservice.ManagedClusterSecurityProfileArgs; addonProfiles: Record<string, azureInputs.containerservice.ManagedClusterAddonProfileArgs> } {
    const defender: azureInputs.containerservice.ManagedClusterSecurityProfileDefenderArgs = {
        securityMonitoring: { enabled: g.defenderForContainers },
        ...(g.defenderForContainers && logAnalyticsWorkspaceId !== undefined ? { logAnalyticsWorkspaceResourceId: logAnalyticsWorkspaceId } : {}),
    };
    return {
        securityProfile: {
            workloadIdentity: { enabled: true },
            imageCleaner: g.imageCleaner ? { enabled: true, intervalHours: AKS_IMAGE_CLEANER_HOURS } : { enabled: false },
            defender,
        },
        addonProfiles: { azurepolicy: { enabled: g.azurePolicy } },
    };
}

export interface AksClusterArgs {
    resourceGroupName: pulumi.Input<string>;
    /** Region. Default: the resource group's. */
    location?: pulumi.Input<string>;
    /** `MAJOR.MINOR`; AKS picks the newest patch. */
    kubernetesVersion: string;
    /** Long-term support: `supportPlan: AKSLongTermSupport` on the Premium tier. Default false. */
    extendedSupport?: boolean;
    /** `managed`: the autoscaled user pool; `auto`: node auto-provisioning. Default `managed`. */
    nodeMode?: NodeMode;
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
    /** `platform:teams`: their editors get RBAC Writer in their namespaces. Default none. */
    teams?: readonly TeamGrant[];
    /** Entra type of the deploying identity. Default: read from its token (`deployerPrincipalType()`). */
    deployerPrincipalType?: pulumi.Input<DeployerPrincipalType>;
    /** The environment that decides kubelogin's login mode for the provider. Default `process.env`. */
    env?: Readonly<Record<string, string | undefined>>;
    /**
     * Weekly UTC window for AKS's auto-upgrades and node OS upgrades (`platform:maintenanceWindow`,
     * one day). Default: none, AKS upgrades at any time.
     */
    maintenanceWindow?: MaintenanceWindow;
    /** Image cleaner, Azure Policy add-on, Defender for Containers. Default `AKS_DEFAULT_GOVERNANCE`. */
    governance?: AksGovernance;
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
        const mode = AKS_NODE_MODES[args.nodeMode ?? "managed"];
        const zones = [...(args.availabilityZones ?? AKS_DEFAULT_ZONES)];
        const ignore = aksIgnoreChanges(args.upgradeChannel);
        const client = authorization.getClientConfigOutput({ parent: this });

        this.cluster = this.controlPlane(name, args, mode, zones, client.tenantId);
        this.userPool = mode.create({
            name,
            parent: this,
            resourceGroupName: args.resourceGroupName,
            cluster: this.cluster,
            pool: { nodeSize: args.nodeSize, minNodes: args.minNodes, maxNodes: args.maxNodes, kubernetesVersion: args.kubernetesVersion, zones, ignoreChanges: ignore.userPool },
        });
        if (args.maintenanceWindow) {
            plannedMaintenance(name, { resourceGroupName: args.resourceGroupName, clusterName: this.cluster.name }, args.maintenanceWindow, { parent: this });
        }
        this.clusterPrincipalId = this.cluster.identity.apply((i) => {
            if (!i?.principalId) throw new Error("the AKS cluster reports no system-assigned identity (identity.principalId)");
            return i.principalId;
        });
        this.deployerAdmin = grantClusterAccess(
            name,
            this.cluster,
            { clusterAdmins: args.clusterAdmins ?? [], clusterReaders: args.clusterReaders ?? [], teams: args.teams ?? [], deployerPrincipalType: args.deployerPrincipalType ?? deployerPrincipalType({ parent: this }) },
            client,
            { parent: this },
        );

        const { endpoint, kubeconfig } = kubeloginKubeconfigs(this.cluster, args.resourceGroupName, client.tenantId, { parent: this });
        this.kubeconfig = pulumi.secret(kubeconfig("azurecli"));
        // Without its role the deployer is refused by the API server (local accounts are off), and
        // the role applies minutes after it exists: the provider's kubeconfig waits for both.
        const ready = clusterAccessReady(this.deployerAdmin, endpoint, { parent: this });
        const providerKubeconfig = pulumi.all([kubeconfig(kubeloginMode(args.env ?? process.env)), ready]).apply(([k]) => k);
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: pulumi.secret(providerKubeconfig) }, { parent: this, dependsOn: [this.deployerAdmin] });

        this.kubeletObjectId = this.cluster.identityProfile.apply(kubeletObjectId);
        this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((p) => p?.issuerURL);

        this.registerOutputs({
            clusterName: this.cluster.name,
            kubeconfig: this.kubeconfig,
            kubeletObjectId: this.kubeletObjectId,
            oidcIssuerUrl: this.oidcIssuerUrl,
        });
    }

    private controlPlane(name: string, args: AksClusterArgs, mode: AksNodeMode, zones: string[], tenantId: pulumi.Output<string>): containerservice.ManagedCluster {
        const support = aksSupport(args.extendedSupport ?? false);
        return new containerservice.ManagedCluster(
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
                aadProfile: { managed: true, enableAzureRBAC: true, tenantID: tenantId },
                disableLocalAccounts: true,
                ...(args.apiAllowedCidrs ? { apiServerAccessProfile: { authorizedIPRanges: [...args.apiAllowedCidrs] } } : {}),
                agentPoolProfiles: [systemPool(zones)],
                // The node mode's own: node auto-provisioning, or nothing (the user pool is separate).
                ...mode.clusterArgs,
                autoUpgradeProfile: { upgradeChannel: args.upgradeChannel, nodeOSUpgradeChannel: args.nodeOsUpgradeChannel },
                oidcIssuerProfile: { enabled: true },
                networkProfile: { ...AKS_NETWORK_PROFILE },
                ...clusterAddons(args),
            },
            {
                parent: this,
                ignoreChanges: aksIgnoreChanges(args.upgradeChannel).cluster,
                // Azure will not change the inline system pool in place: the preview says "replace"
                // (a new cluster) instead of an update that fails after minutes. Only the fields the
                // program sets and Azure never changes by itself (not `count`, `maxPods` or versions a
                // refresh may bring back), so a refresh can never turn into a replacement. Nothing
                // configurable but the zones feeds them; the workloads' pool is a separate AgentPool.
                replaceOnChanges: AKS_SYSTEM_POOL_REPLACE_ON,
            },
        );
    }
}

/** The inline system pool (`AKS_SYSTEM_POOL`), spread over `zones`. */
function systemPool(zones: string[]): azureInputs.containerservice.ManagedClusterAgentPoolProfileArgs {
    return {
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
    };
}

/** The security profile and every add-on: governance, and Azure Monitor where observability is native. */
function clusterAddons(args: AksClusterArgs): Pick<containerservice.ManagedClusterArgs, "securityProfile" | "addonProfiles" | "azureMonitorProfile"> {
    const governance = aksGovernanceArgs(args.governance ?? AKS_DEFAULT_GOVERNANCE, args.logAnalyticsWorkspaceId);
    const monitor = args.logAnalyticsWorkspaceId !== undefined ? azureMonitorArgs(args.logAnalyticsWorkspaceId) : undefined;
    return {
        securityProfile: governance.securityProfile,
        addonProfiles: { ...governance.addonProfiles, ...monitor?.addonProfiles },
        ...(monitor ? { azureMonitorProfile: monitor.azureMonitorProfile } : {}),
    };
}

/** Container Insights (logs, inventory) with Entra auth to the workspace, and managed Prometheus metrics. */
function azureMonitorArgs(workspaceId: pulumi.Input<string>): {
    addonProfiles: Record<string, azureInputs.containerservice.ManagedClusterAddonProfileArgs>;
    azureMonitorProfile: azureInputs.containerservice.ManagedClusterAzureMonitorProfileArgs;
} {
    return {
        addonProfiles: { omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspaceId, useAADAuth: "true" } } },
        azureMonitorProfile: { metrics: { enabled: true } },
    };
}
