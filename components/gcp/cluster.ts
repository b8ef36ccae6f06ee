/**
 * A regional, private-node, VPC-native GKE Standard cluster with one autoscaled node pool that
 * runs as a dedicated least-privilege service account, and an explicit Kubernetes provider for it.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GKE_RELEASE_CHANNELS, GcpConfig, NodeMode, Observability } from "../../config";
import { GKE_DEFAULT_ZONES } from "../../config/keys";
import { CLUSTER_AUTOSCALER_NODES, type ClusterTarget, type NodeFacts } from "../cluster/contract";
import { gcpLoadBalancer, gcpStorageFacts, GKE_DNS, gkeContextName, gkeImagePlatform, gkeKubeconfig, gkeNodeTaintConfig, gkeObservabilityLinks, workloadPool } from "./facts";
import { DEFAULT_ADDRESS_PLAN, GkeNetwork, POD_RANGE_NAME, SERVICE_RANGE_NAME, type GkeAddressPlan } from "./network";
import { GkeAccess } from "./access";
import { ArtifactRegistry } from "./registry";

/**
 * What the nodes themselves need: write logs and metrics, read monitoring config, and pull images
 * from Artifact Registry. Workloads get their own identities through Workload Identity instead.
 * (GKE's docs list the same permissions bundled as `roles/container.defaultNodeServiceAccount`.)
 */
export const NODE_SERVICE_ACCOUNT_ROLES = [
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
    "roles/artifactregistry.reader",
] as const;

/**
 * APIs the component needs on a fresh project. IAM and Cloud Resource Manager are needed for the
 * node service account (`iam.serviceAccounts.create`) and its project role bindings
 * (`projects.setIamPolicy`); without them those calls fail on a new project.
 */
export const GKE_REQUIRED_APIS = [
    "compute.googleapis.com",
    "container.googleapis.com",
    "iam.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    // The Filestore CSI driver creates the `platform-shared` instances through the Filestore API.
    "file.googleapis.com",
] as const;

/** Start of the daily maintenance window, `HH:MM` GMT; GKE picks the (4 h) duration itself. */
export const MAINTENANCE_WINDOW_START = "03:00";

/**
 * Start of the exclusion that keeps the control plane and nodes on their minor version.
 *
 * It is a fixed constant on purpose: a `new Date()` here would change the input, and the checked-in
 * golden plan, on every run. A past start is fine: GKE's own cluster-toolkit blueprints shipped the
 * same `UNTIL_END_OF_SUPPORT` exclusion with a fixed past start (`2025-12-01T00:00:00Z`,
 * GoogleCloudPlatform/cluster-toolkit#5910, #5926), and the exclusion simply applies from creation.
 * It is written in UTC "Zulu" form with whole seconds because GKE returns these times in UTC and
 * any other spelling reads back as a permanent diff (provider docs for `maintenanceExclusions`).
 * The provider reads `startTime` back verbatim and does not store `endTime` for an
 * `UNTIL_END_OF_SUPPORT` exclusion (its flattenMaintenancePolicy), so neither field drifts.
 */
export const MINOR_VERSION_HOLD_START = "2026-01-01T00:00:00Z";

/**
 * Release channels auto-upgrade the control plane to new MINOR versions; `minMasterVersion` is only
 * a lower bound. ingress-nginx is retired and its last release supports Kubernetes 1.31-1.35 only,
 * so the cluster must not move to a new minor on its own (AKS uses the `patch` channel for the same
 * reason). A `NO_MINOR_UPGRADES` exclusion still lets patch upgrades through; `UNTIL_END_OF_SUPPORT`
 * keeps it until the running minor's end of (standard, or extended on EXTENDED) support, after
 * which GKE upgrades anyway: upgrade the minor deliberately before then.
 */
export function gkeMaintenancePolicy(
    exclusionStart: string = MINOR_VERSION_HOLD_START,
): gcp.types.input.container.ClusterMaintenancePolicy {
    return {
        dailyMaintenanceWindow: { startTime: MAINTENANCE_WINDOW_START },
        maintenanceExclusions: [
            {
                exclusionName: "no-minor-upgrades",
                startTime: exclusionStart,
                exclusionOptions: { scope: "NO_MINOR_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" },
            },
        ],
    };
}

/**
 * GKE spreads a regional cluster's nodes over three of the region's zones by default; the same
 * number config checks `maxNodes` against (`GKE_DEFAULT_ZONES`), so the two cannot drift apart.
 */
export const REGIONAL_ZONE_COUNT = GKE_DEFAULT_ZONES;

/** Logs from system components and from workloads go to Cloud Logging. */
export const LOGGING_COMPONENTS = ["SYSTEM_COMPONENTS", "WORKLOADS"] as const;
/**
 * Monitoring has no `WORKLOADS` component any more (removed in GKE 1.24): workload metrics come
 * from Google Cloud Managed Service for Prometheus, switched on with `managedPrometheus`.
 */
export const MONITORING_COMPONENTS = ["SYSTEM_COMPONENTS"] as const;

/**
 * Nodes each zone starts with. `initialNodeCount` is per zone and, for a regional pool, the
 * autoscaler's totals are spread over all zones; starting at ceil(min / zones) (at least one) means
 * the pool is never below its minimum at creation, unless that would start it above its maximum
 * (min 4, max 4 over 3 zones: 2 per zone is 6 nodes), when it starts at floor(max / zones) and the
 * autoscaler adds the rest. Config keeps maxNodes >= zones, so that is at least one. Changing it
 * later would replace the pool, so the pool ignores later changes to it.
 */
export function initialNodesPerZone(totalMinNodes: number, zones: number = REGIONAL_ZONE_COUNT, totalMaxNodes: number = Number.MAX_SAFE_INTEGER): number {
    const atLeastMin = Math.max(1, Math.ceil(totalMinNodes / zones));
    return Math.max(1, Math.min(atLeastMin, Math.floor(totalMaxNodes / zones)));
}

/**
 * Service account id for the nodes: 6-30 characters, lower-case letters, digits and hyphens,
 * starting with a letter. It carries the stack name because ids are unique per project and two
 * stacks may share one.
 */
export function nodeServiceAccountId(name: string, stack: string): string {
    const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    const base = `${slug(name)}-${slug(stack)}`.replace(/^[^a-z]+/, "") || "gke";
    const suffix = "-nodes";
    return `${base.slice(0, 30 - suffix.length).replace(/-+$/, "")}${suffix}`;
}

/** Problems with the arguments, checked before anything is registered; empty when valid. */
export function validateGkeClusterArgs(args: GkeClusterArgs): string[] {
    const problems: string[] = [];
    if (!Number.isInteger(args.minNodes) || args.minNodes < 1) problems.push(`minNodes must be a whole number >= 1 (got ${args.minNodes})`);
    if (!Number.isInteger(args.maxNodes) || args.maxNodes < args.minNodes) {
        problems.push(`maxNodes must be a whole number >= minNodes (got ${args.maxNodes}, minNodes ${args.minNodes})`);
    }
    if (!/^1\.[0-9]+$/.test(args.kubernetesVersion)) problems.push(`kubernetesVersion must be MAJOR.MINOR such as 1.35 (got "${args.kubernetesVersion}")`);
    const controlPlane = (args.addressPlan ?? DEFAULT_ADDRESS_PLAN).controlPlane;
    if (!/\/28$/.test(controlPlane)) problems.push(`addressPlan.controlPlane must be a /28, as GKE requires (got ${controlPlane})`);
    if (args.nodeDiskSizeGb !== undefined && (!Number.isInteger(args.nodeDiskSizeGb) || args.nodeDiskSizeGb < 10)) {
        problems.push(`nodeDiskSizeGb must be a whole number >= 10 (got ${args.nodeDiskSizeGb})`);
    }
    return problems;
}

/** Resource-name suffix for a role binding: `roles/logging.logWriter` -> `logging-logwriter`. */
export function roleSuffix(role: string): string {
    return role.replace(/^roles\//, "").replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();
}

export interface GkeClusterArgs {
    project: string;
    /** The cluster is regional: control plane replicas and nodes in three zones of this region. */
    region: string;
    /**
     * `MAJOR.MINOR`: the minimum control-plane version at creation. The release channel picks the
     * patch and would later move the cluster to newer minors on its own; the maintenance
     * exclusion (`gkeMaintenancePolicy`) holds it on this minor until its end of support.
     */
    kubernetesVersion: string;
    releaseChannel: (typeof GKE_RELEASE_CHANNELS)[number];
    /**
     * GKE's guard against deletion, and the Pulumi `protect` option on the cluster (only: the node
     * pool stays replaceable). GKE checks its flag only when the cluster itself is deleted, after
     * Pulumi has deleted every workload and the node pool; `protect` refuses before anything goes.
     */
    deletionProtection: boolean;
    /**
     * IPv4 CIDRs allowed to reach the API endpoint (master authorized networks). Undefined: open
     * to every address, as GKE's default.
     */
    apiAllowedCidrs?: readonly string[];
    /** Google members (`user:`, `group:`, `serviceAccount:`) bound to cluster-admin. Default none. */
    clusterAdmins?: readonly string[];
    /** Google members bound to `view`. Default none. */
    clusterReaders?: readonly string[];
    /** `protect` on the reserved ingress address (as on data: platform:protectData). Default true. */
    protectIngressAddress?: boolean;
    /** Machine type of the nodes, e.g. `e2-standard-4`. */
    nodeSize: string;
    /** Autoscaling lower bound: total nodes across all zones, not per zone. */
    minNodes: number;
    /** Autoscaling upper bound: total nodes across all zones, not per zone. */
    maxNodes: number;
    /** `managed`: GKE Standard with the autoscaled pool below; `auto`: GKE Autopilot. Default managed. */
    nodeMode?: NodeMode;
    /** `native`: system and workload logs, managed Prometheus; `none`: the minimum. Default native. */
    observability?: Observability;
    /** Google Cloud Managed Service for Prometheus with `native`. Default true (GKE's own default for new clusters). */
    managedPrometheus?: boolean;
    /** Node boot disk size in GB. Default 100. */
    nodeDiskSizeGb?: number;
    /** VPC address plan. Default `DEFAULT_ADDRESS_PLAN`. */
    addressPlan?: GkeAddressPlan;
    /** Turn on `GKE_REQUIRED_APIS` (never turned off on destroy). Default true. */
    enableApis?: boolean;
}

/**
 * Master authorized networks from `platform:apiAllowedCidrs`. With a list, Google Cloud's own
 * public ranges (any VM of any customer) are not let in either (`gcpPublicCidrsAccessEnabled:
 * false`): list Cloud Build or Cloud Shell ranges explicitly if you deploy from there. Undefined
 * keeps GKE's default: no restriction.
 */
export function gkeMasterAuthorizedNetworks(cidrs: readonly string[] | undefined): gcp.types.input.container.ClusterMasterAuthorizedNetworksConfig | undefined {
    if (cidrs === undefined) return undefined;
    return {
        cidrBlocks: cidrs.map((cidrBlock, i) => ({ cidrBlock, displayName: `platform-apiAllowedCidrs-${i}` })),
        gcpPublicCidrsAccessEnabled: false,
    };
}

const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/**
 * The cluster arguments that differ between GKE Standard and Autopilot.
 *
 * Standard: GKE cannot create a cluster without a pool, so the smallest one is created and deleted
 * (every node comes from the managed NodePool); it runs as the node service account, since the
 * Compute Engine default one is disabled in hardened and new organisations. Workload Identity,
 * Dataplane V2 (NetworkPolicy enforcement; never with the Calico `networkPolicy` block), shielded
 * nodes and the add-ons are explicit.
 *
 * Autopilot (`enableAutopilot`): no pools, no `removeDefaultNodePool`/`initialNodeCount`/
 * `nodeConfig` (the provider refuses them with Autopilot, and `enableAutopilot: false` must not be
 * sent either: pulumi/pulumi-gcp#2881). Workload Identity, Dataplane V2, shielded nodes, the PD and
 * Filestore CSI drivers and HTTP load balancing are always on there and not settable. The nodes GKE
 * provisions run as the node service account (`autoProvisioningDefaults`), so the webhook firewall
 * rule, which targets it, still applies. Source: GKE Autopilot overview and security capabilities,
 * terraform-provider-google container_cluster schema (ConflictsWith enable_autopilot), checked
 * 2026-12-01.
 */
export function gkeNodeModeArgs(mode: NodeMode, nodeServiceAccount: pulumi.Input<string>, project: string): Partial<gcp.container.ClusterArgs> {
    if (mode === "auto") {
        return {
            enableAutopilot: true,
            clusterAutoscaling: { autoProvisioningDefaults: { serviceAccount: nodeServiceAccount, oauthScopes: [CLOUD_PLATFORM_SCOPE] } },
        };
    }
    return {
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: { serviceAccount: nodeServiceAccount, oauthScopes: [CLOUD_PLATFORM_SCOPE] },
        workloadIdentityConfig: { workloadPool: workloadPool(project) },
        datapathProvider: "ADVANCED_DATAPATH",
        addonsConfig: {
            // On by default for new clusters; explicit because every platform volume needs it.
            gcePersistentDiskCsiDriverConfig: { enabled: true },
            // `platform-shared` (ReadWriteMany). Turning it on for an existing cluster is an
            // in-place update (the add-on is not a replacement field of the cluster).
            gcpFilestoreCsiDriverConfig: { enabled: true },
            // Backend-service-based LoadBalancer Services (the ingress NLB) need this add-on.
            httpLoadBalancing: { disabled: false },
            horizontalPodAutoscaling: { disabled: false },
        },
        enableShieldedNodes: true,
    };
}

/**
 * Logging and monitoring from `platform:observability`.
 * - `native`: system and workload logs to Cloud Logging (`LOGGING_COMPONENTS`), system metrics, and
 *   Google Cloud Managed Service for Prometheus for workload metrics.
 * - `none` on Standard: no log or metric components and no managed Prometheus (GKE still keeps its
 *   own audit logs). On Autopilot system logs and metrics cannot be turned off (GKE Autopilot
 *   overview, "pre-configured"), so `none` keeps SYSTEM_COMPONENTS only and turns off workload logs
 *   and managed Prometheus. unverified: that Autopilot accepts managed Prometheus off on 1.35+.
 */
export function gkeObservabilityArgs(
    observability: Observability,
    mode: NodeMode,
    managedPrometheus: boolean = true,
): Pick<gcp.container.ClusterArgs, "loggingConfig" | "monitoringConfig"> {
    if (observability === "native") {
        return {
            loggingConfig: { enableComponents: [...LOGGING_COMPONENTS] },
            monitoringConfig: { enableComponents: [...MONITORING_COMPONENTS], managedPrometheus: { enabled: managedPrometheus } },
        };
    }
    const minimum = mode === "auto" ? ["SYSTEM_COMPONENTS"] : [];
    return {
        loggingConfig: { enableComponents: [...minimum] },
        monitoringConfig: { enableComponents: [...minimum], managedPrometheus: { enabled: false } },
    };
}

/**
 * Node facts: Standard pools and Autopilot both scale under GKE's cluster autoscaler, which reads
 * `cluster-autoscaler.kubernetes.io/safe-to-evict*` (on Autopilot the annotation also defers
 * GKE-initiated evictions, see CLUSTER_AUTOSCALER_DISRUPTION).
 */
export function gkeNodeFacts(_mode: NodeMode): NodeFacts {
    return CLUSTER_AUTOSCALER_NODES;
}

export class GkeCluster extends pulumi.ComponentResource {
    readonly cluster: gcp.container.Cluster;
    /** Regional external address of the ingress load balancer; kept across Service re-creations. */
    readonly ingressAddress: gcp.compute.Address;
    /** The autoscaled pool; undefined on Autopilot, where GKE provisions the nodes. */
    readonly nodePool: gcp.container.NodePool | undefined;
    readonly nodeServiceAccount: gcp.serviceaccount.Account;
    readonly network: GkeNetwork;
    /** Admin kubeconfig (exec plugin, no embedded credential); secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly provider: k8s.Provider;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateGkeClusterArgs(args);
        if (problems.length > 0) throw new Error(`GkeCluster ${name}: ${problems.join("; ")}`);
        super("platform:gcp:GkeCluster", name, {}, opts);
        const { project, region } = args;
        const mode = args.nodeMode ?? "managed";

        const apis = (args.enableApis ?? true)
            ? GKE_REQUIRED_APIS.map(
                  (service) =>
                      new gcp.projects.Service(
                          `${name}-api-${service.split(".")[0]}`,
                          // Other things in the project may use these APIs: destroying the stack leaves them on.
                          { project, service, disableOnDestroy: false, disableDependentServices: false },
                          { parent: this },
                      ),
              )
            : [];

        this.nodeServiceAccount = new gcp.serviceaccount.Account(
            `${name}-node-sa`,
            {
                project,
                accountId: nodeServiceAccountId(name, pulumi.getStack()),
                displayName: `GKE nodes of ${name} (${pulumi.getStack()})`,
                description: "Least-privilege identity of the GKE nodes (logs, metrics, image pulls); managed by Pulumi",
            },
            // iam.googleapis.com must be on before the account can be created on a fresh project.
            { parent: this, dependsOn: apis },
        );

        const roleBindings = NODE_SERVICE_ACCOUNT_ROLES.map(
            (role) =>
                new gcp.projects.IAMMember(
                    `${name}-node-sa-${roleSuffix(role)}`,
                    { project, role, member: this.nodeServiceAccount.member },
                    // cloudresourcemanager.googleapis.com serves setIamPolicy.
                    { parent: this, dependsOn: apis },
                ),
        );

        this.network = new GkeNetwork(
            `${name}-net`,
            {
                project,
                region,
                addressPlan: args.addressPlan ?? DEFAULT_ADDRESS_PLAN,
                nodeServiceAccounts: [this.nodeServiceAccount.email],
            },
            { parent: this, dependsOn: apis },
        );
        const plan = this.network.addressPlan;

        this.cluster = new gcp.container.Cluster(
            `${name}-cluster`,
            {
                project,
                location: region,
                description: "Platform cluster (managed by Pulumi)",
                // Standard: a temporary default pool, deleted for the managed NodePool; Autopilot: none.
                ...gkeNodeModeArgs(mode, this.nodeServiceAccount.email, project),
                releaseChannel: { channel: args.releaseChannel },
                minMasterVersion: args.kubernetesVersion,
                maintenancePolicy: gkeMaintenancePolicy(),
                network: this.network.network.id,
                subnetwork: this.network.subnetwork.id,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy: {
                    clusterSecondaryRangeName: POD_RANGE_NAME,
                    servicesSecondaryRangeName: SERVICE_RANGE_NAME,
                },
                // Who may reach the public endpoint (unset: everyone; config warns on every preview).
                masterAuthorizedNetworksConfig: gkeMasterAuthorizedNetworks(args.apiAllowedCidrs),
                // Nodes get no external IP; the API endpoint stays public so Pulumi and CI can reach it.
                privateClusterConfig: {
                    enablePrivateNodes: true,
                    enablePrivateEndpoint: false,
                    masterIpv4CidrBlock: plan.controlPlane,
                },
                ...gkeObservabilityArgs(args.observability ?? "native", mode, args.managedPrometheus),
                // While true, `pulumi destroy` (and any change that replaces the cluster) is refused:
                // set platform:deletionProtection false and run `pulumi up` first.
                deletionProtection: args.deletionProtection,
            },
            {
                parent: this,
                // Pulumi refuses a delete or replace in the preview, before any dependent (workloads,
                // node pool) is deleted; GKE's own flag is checked only at the very end.
                protect: args.deletionProtection,
                // The temporary pool's nodes run as the node service account: give it its roles first.
                dependsOn: [...apis, ...roleBindings],
                // The cluster-level nodeConfig only describes the temporary default pool. GKE later
                // reports the remaining pools' config there, and every nodeConfig change forces a
                // new cluster: without this each `pulumi up` would plan a replacement
                // (hashicorp/terraform-provider-google#12070, #2115, #17511).
                ignoreChanges: mode === "managed" ? ["nodeConfig"] : [],
            },
        );

        this.nodePool = mode === "auto" ? undefined : new gcp.container.NodePool(
            `${name}-nodes`,
            {
                project,
                location: region,
                cluster: this.cluster.name,
                initialNodeCount: initialNodesPerZone(args.minNodes, REGIONAL_ZONE_COUNT, args.maxNodes),
                // The config values are totals for the whole regional pool (spread over its zones),
                // hence total*, not the per-zone min/maxNodeCount.
                autoscaling: {
                    totalMinNodeCount: args.minNodes,
                    totalMaxNodeCount: args.maxNodes,
                    locationPolicy: "BALANCED",
                },
                management: { autoRepair: true, autoUpgrade: true },
                // Surge one node at a time and never take one away first: ingress and the app keep capacity.
                upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
                nodeConfig: {
                    machineType: args.nodeSize,
                    diskType: "pd-balanced",
                    diskSizeGb: args.nodeDiskSizeGb ?? 100,
                    imageType: "COS_CONTAINERD",
                    serviceAccount: this.nodeServiceAccount.email,
                    // Access is decided by the service account's IAM roles, as Google recommends;
                    // narrower scopes would only add a second, coarser filter.
                    oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
                    // Pods see the GKE metadata server: Workload Identity, no node credentials.
                    workloadMetadataConfig: { mode: "GKE_METADATA" },
                    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
                    metadata: { "disable-legacy-endpoints": "true" },
                    // Arm pools: no arm64 NoSchedule taint, or every platform pod stays Pending.
                    ...(gkeNodeTaintConfig(args.nodeSize) === undefined ? {} : { taintConfig: gkeNodeTaintConfig(args.nodeSize) }),
                },
            },
            {
                parent: this,
                dependsOn: [...roleBindings, this.network.nat],
                // Per-zone start size only matters at creation; a later change must not replace the pool.
                ignoreChanges: ["initialNodeCount"],
            },
        );

        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.masterAuth])
                .apply(([clusterName, endpoint, masterAuth]) =>
                    gkeKubeconfig({
                        contextName: gkeContextName(project, region, clusterName),
                        endpoint,
                        clusterCaCertificate: masterAuth.clusterCaCertificate,
                    }),
                ),
        );

        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });

        new GkeAccess(`${name}-access`, { admins: args.clusterAdmins ?? [], readers: args.clusterReaders ?? [] }, { parent: this, provider: this.provider });

        // Reserved before the Service exists and protected like data: DNS pointed at it survives a
        // re-created ingress Service (or controller switch), which would otherwise get a new IP.
        this.ingressAddress = new gcp.compute.Address(
            `${name}-ingress-ip`,
            {
                project,
                region,
                addressType: "EXTERNAL",
                // The tier the NLB's forwarding rule uses by default; they must match.
                networkTier: "PREMIUM",
                description: "Ingress load balancer address of the platform (managed by Pulumi)",
            },
            { parent: this, protect: args.protectIngressAddress ?? true, dependsOn: apis },
        );

        this.registerOutputs({
            clusterName: this.cluster.name,
            endpoint: this.cluster.endpoint,
            nodePool: this.nodePool?.name ?? "none (Autopilot)",
            nodeServiceAccount: this.nodeServiceAccount.email,
            ingressAddress: this.ingressAddress.address,
            kubeconfig: this.kubeconfig,
        });
    }
}

/** The GKE cluster and its registry, as the cloud-neutral layer sees them. */
export function gcpTarget(config: GcpConfig): ClusterTarget {
    const gke = new GkeCluster("gke", {
        project: config.gcp.project,
        region: config.gcp.region,
        kubernetesVersion: config.cluster.kubernetesVersion,
        releaseChannel: config.gcp.releaseChannel,
        deletionProtection: config.gcp.deletionProtection,
        apiAllowedCidrs: config.cluster.apiAllowedCidrs,
        clusterAdmins: config.cluster.clusterAdmins,
        clusterReaders: config.cluster.clusterReaders,
        protectIngressAddress: config.workloads.protectData,
        nodeMode: config.cluster.nodeMode,
        observability: config.cluster.observability,
        nodeSize: config.cluster.nodeSize,
        minNodes: config.cluster.minNodes,
        maxNodes: config.cluster.maxNodes,
    });

    const registry = new ArtifactRegistry("platform", {
        project: config.gcp.project,
        region: config.gcp.region,
        platform: gkeImagePlatform(config.cluster.nodeSize),
    });

    return {
        cloud: "gcp",
        provider: gke.provider,
        kubeconfig: gke.kubeconfig,
        // The Filestore instances of `platform-shared` join the cluster's own VPC, by name.
        storage: gcpStorageFacts(config.storage.tier, gke.network.network.name),
        loadBalancer: gcpLoadBalancer({ loadBalancerIP: gke.ingressAddress.address, addresses: gke.ingressAddress.address.apply((ip) => [ip]) }),
        nodes: gkeNodeFacts(config.cluster.nodeMode),
        dns: GKE_DNS,
        observability:
            config.cluster.observability === "none"
                ? undefined
                : gke.cluster.name.apply((clusterName) => gkeObservabilityLinks(config.gcp.project, config.gcp.region, clusterName)),
        registry: registry.registry,
        // Nodes before anything is scheduled (the node pool exists only once the cluster, and so
        // its PD and Filestore CSI add-ons, do); NAT before public images are pulled; the webhook
        // firewall rule before the API server calls ingress-nginx's admission webhook.
        // On Autopilot the cluster itself: GKE adds nodes as pods need them.
        dependsOn: [gke.nodePool ?? gke.cluster, gke.network.nat, gke.network.webhookFirewall],
    };
}
