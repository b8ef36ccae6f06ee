/**
 * A regional, private-node, VPC-native GKE cluster: the APIs it needs, the least-privilege service
 * account its nodes run as, its network (./network.ts), the control plane, who may use it
 * (./access.ts) and an explicit Kubernetes provider. The nodes are the node mode's (./nodes/):
 * Standard with the platform's autoscaled pool, or Autopilot.
 */
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { GKE_RELEASE_CHANNELS, NodeMode, Observability } from "../../config";
import type { MaintenanceWindow } from "../../config/maintenance";
import { GkeAccess } from "./access";
import { gkeContextName, gkeKubeconfig } from "./facts";
import { DEFAULT_ADDRESS_PLAN, GkeNetwork, POD_RANGE_NAME, SERVICE_RANGE_NAME, type GkeAddressPlan } from "./network";
import { GKE_NODE_MODES } from "./nodes/index";
import type { GkeNodeMode } from "./nodes/mode";

/**
 * What the nodes themselves need, project-wide: GKE's own minimum role for a node service account,
 * `roles/container.defaultNodeServiceAccount` (logs, metrics, resource metadata, autoscaler
 * metrics), as GKE's docs and CIS GKE 5.2.1 ask. It replaces the four roles the nodes had
 * (logWriter, metricWriter, monitoring.viewer, resourceMetadata.writer), which were not the same
 * set: monitoring.viewer reads every metric and dashboard in the project, more than a node needs.
 * Image pulls are granted on the platform's repository only (./registry.ts `readers`), never
 * project-wide. Workloads get their own identities through Workload Identity. Source: GKE
 * "Configure GKE node service accounts" (docs.cloud.google.com/kubernetes-engine/security/
 * configure-node-service-accounts), checked 2026-12-07.
 */
export const NODE_SERVICE_ACCOUNT_ROLES = ["roles/container.defaultNodeServiceAccount"] as const;

/** The role the GKE service agent needs on a Secrets encryption key. */
export const SECRETS_KEY_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

/**
 * The GKE service agent of a project, which encrypts and decrypts Secrets with the key
 * (GKE "Encrypt Secrets at the application layer", checked 2026-12-07).
 */
export function gkeServiceAgent(projectNumber: string): string {
    return `serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
}

/**
 * `databaseEncryption` from `platform:secretsKmsKey`. Unset sends `DECRYPTED`, GKE's default, so
 * removing the key later decrypts in place instead of leaving the old key in force.
 */
export function gkeDatabaseEncryption(keyName: string | undefined): gcp.types.input.container.ClusterDatabaseEncryption {
    return keyName === undefined ? { state: "DECRYPTED" } : { state: "ENCRYPTED", keyName };
}

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

/** Start of the daily maintenance window without `maintenanceWindow`, `HH:MM` GMT; GKE picks the (4 h) duration itself. */
export const MAINTENANCE_WINDOW_START = "03:00";

/**
 * The date the recurring window's first occurrence is anchored on. Fixed for the same reason as
 * `MINOR_VERSION_HOLD_START` (a stable input and golden plan); only its time of day and the
 * distance to `endTime` matter once it is past.
 */
export const MAINTENANCE_WINDOW_ANCHOR = "2026-01-01";

/**
 * `platform:maintenanceWindow` as GKE's recurring window: start and end on the anchor date (the
 * end the next day when the window crosses midnight), `FREQ=WEEKLY;BYDAY=<days>`. Times in UTC
 * "Zulu" with whole seconds, as GKE returns them (any other spelling is a permanent diff; provider
 * docs for `recurringWindow`, pulumi-gcp 9.37, checked 2026-12-07).
 */
export function gkeRecurringWindow(w: MaintenanceWindow): gcp.types.input.container.ClusterMaintenancePolicyRecurringWindow {
    const start = new Date(`${MAINTENANCE_WINDOW_ANCHOR}T${w.start}:00Z`);
    const end = new Date(start.getTime() + w.hours * 3_600_000);
    const zulu = (d: Date): string => d.toISOString().replace(/\.000Z$/, "Z");
    return { startTime: zulu(start), endTime: zulu(end), recurrence: `FREQ=WEEKLY;BYDAY=${w.days.join(",")}` };
}

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
 * When GKE may upgrade, and what it may not. The window (`platform:maintenanceWindow`, else a
 * daily one at `MAINTENANCE_WINDOW_START`) is when automatic patch upgrades of the control plane
 * and nodes run; the exclusion keeps automatic MINOR upgrades out of every window. A manual
 * upgrade (a `kubernetesVersion` bump, which the node pool follows) ignores both.
 *
 * Release channels auto-upgrade the control plane to new MINOR versions; `minMasterVersion` is only
 * a lower bound. ingress-nginx is retired and its last release supports Kubernetes 1.31-1.35 only,
 * so the cluster must not move to a new minor on its own (AKS uses the `patch` channel for the same
 * reason). A `NO_MINOR_UPGRADES` exclusion still lets patch upgrades through; `UNTIL_END_OF_SUPPORT`
 * keeps it until the running minor's end of (standard, or extended on EXTENDED) support, after
 * which GKE upgrades anyway: upgrade the minor deliberately before then.
 */
export function gkeMaintenancePolicy(
    exclusionStart: string = MINOR_VERSION_HOLD_START,
    window?: MaintenanceWindow,
): gcp.types.input.container.ClusterMaintenancePolicy {
    return {
        ...(window === undefined ? { dailyMaintenanceWindow: { startTime: MAINTENANCE_WINDOW_START } } : { recurringWindow: gkeRecurringWindow(window) }),
        maintenanceExclusions: [
            {
                exclusionName: "no-minor-upgrades",
                startTime: exclusionStart,
                exclusionOptions: { scope: "NO_MINOR_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" },
            },
        ],
    };
}

/** Logs from system components and from workloads go to Cloud Logging. */
export const LOGGING_COMPONENTS = ["SYSTEM_COMPONENTS", "WORKLOADS"] as const;
/**
 * Monitoring has no `WORKLOADS` component any more (removed in GKE 1.24): workload metrics come
 * from Google Cloud Managed Service for Prometheus, switched on with `managedPrometheus`.
 */
export const MONITORING_COMPONENTS = ["SYSTEM_COMPONENTS"] as const;

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
    // Node counts are config's to check (platform:minNodes, platform:maxNodes).
    const problems: string[] = [];
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
    /** Machine type of the nodes, e.g. `e2-standard-4` (managed mode). */
    nodeSize: string;
    /** Autoscaling lower bound: total nodes across all zones, not per zone (managed mode). */
    minNodes: number;
    /** Autoscaling upper bound: total nodes across all zones, not per zone (managed mode). */
    maxNodes: number;
    /** `managed`: GKE Standard with the platform's autoscaled pool; `auto`: GKE Autopilot. Default managed. */
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
    /** Weekly window for automatic upgrades (`platform:maintenanceWindow`). Default: daily from `MAINTENANCE_WINDOW_START`. */
    maintenanceWindow?: MaintenanceWindow;
    /** Cloud KMS key for application-layer Secrets encryption, in `region`. Default none (Google-managed encryption). */
    secretsKmsKey?: string;
    /** `gke-security-groups@<domain>` for Google Groups for RBAC. Default none: `group:` subjects match nobody. */
    securityGroup?: string;
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

/**
 * Logging and monitoring from `platform:observability`.
 * - `native`: system and workload logs to Cloud Logging (`LOGGING_COMPONENTS`), system metrics, and
 *   Google Cloud Managed Service for Prometheus for workload metrics.
 * - `none`: no log or metric components but those the node mode cannot turn off (`alwaysOn`), and
 *   no managed Prometheus (GKE still keeps its own audit logs). On Autopilot that keeps
 *   SYSTEM_COMPONENTS only and turns off workload logs and managed Prometheus. unverified: that
 *   Autopilot accepts managed Prometheus off on 1.35+.
 */
export function gkeObservabilityArgs(
    observability: Observability,
    alwaysOn: readonly string[] = [],
    managedPrometheus: boolean = true,
): Pick<gcp.container.ClusterArgs, "loggingConfig" | "monitoringConfig"> {
    if (observability === "native") {
        return {
            loggingConfig: { enableComponents: [...LOGGING_COMPONENTS] },
            monitoringConfig: { enableComponents: [...MONITORING_COMPONENTS], managedPrometheus: { enabled: managedPrometheus } },
        };
    }
    return {
        loggingConfig: { enableComponents: [...alwaysOn] },
        monitoringConfig: { enableComponents: [...alwaysOn], managedPrometheus: { enabled: false } },
    };
}

export class GkeCluster extends pulumi.ComponentResource {
    readonly cluster: gcp.container.Cluster;
    /** The project services turned on for the cluster (none with `enableApis: false`). */
    readonly apis: gcp.projects.Service[];
    /** The autoscaled pool; undefined on Autopilot, where GKE provisions the nodes. */
    readonly nodePool: gcp.container.NodePool | undefined;
    /** What workloads wait for before they are scheduled: the pool, or the Autopilot cluster. */
    readonly nodes: pulumi.Resource;
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
        const mode = GKE_NODE_MODES[args.nodeMode ?? "managed"];

        this.apis = this.enableApis(name, project, args.enableApis ?? true);
        this.nodeServiceAccount = this.nodeIdentity(name, project);
        const roleBindings = this.nodeRoles(name, project);
        const keyGrant = this.secretsKeyGrant(name, project, args.secretsKmsKey);
        this.network = new GkeNetwork(
            `${name}-net`,
            { project, region, addressPlan: args.addressPlan ?? DEFAULT_ADDRESS_PLAN, nodeServiceAccounts: [this.nodeServiceAccount.email] },
            { parent: this, dependsOn: this.apis },
        );
        this.cluster = this.controlPlane(name, args, mode, [...roleBindings, ...keyGrant]);
        const nodes = mode.create({
            name,
            parent: this,
            project,
            region,
            cluster: this.cluster,
            nodeServiceAccount: this.nodeServiceAccount,
            dependsOn: [...roleBindings, this.network.nat],
            pool: { nodeSize: args.nodeSize, minNodes: args.minNodes, maxNodes: args.maxNodes, nodeDiskSizeGb: args.nodeDiskSizeGb },
        });
        this.nodePool = nodes.nodePool;
        this.nodes = nodes.ready;
        this.kubeconfig = clusterKubeconfig(this.cluster, project, region);
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
        new GkeAccess(`${name}-access`, { admins: args.clusterAdmins ?? [], readers: args.clusterReaders ?? [] }, { parent: this, provider: this.provider });

        this.registerOutputs({
            clusterName: this.cluster.name,
            endpoint: this.cluster.endpoint,
            nodePool: this.nodePool?.name ?? "none (Autopilot)",
            nodeServiceAccount: this.nodeServiceAccount.email,
            kubeconfig: this.kubeconfig,
        });
    }

    /** `GKE_REQUIRED_APIS`; other things in the project may use them, so a destroy leaves them on. */
    private enableApis(name: string, project: string, enable: boolean): gcp.projects.Service[] {
        if (!enable) return [];
        return GKE_REQUIRED_APIS.map(
            (service) =>
                new gcp.projects.Service(`${name}-api-${service.split(".")[0]}`, { project, service, disableOnDestroy: false, disableDependentServices: false }, { parent: this }),
        );
    }

    private nodeIdentity(name: string, project: string): gcp.serviceaccount.Account {
        return new gcp.serviceaccount.Account(
            `${name}-node-sa`,
            {
                project,
                accountId: nodeServiceAccountId(name, pulumi.getStack()),
                displayName: `GKE nodes of ${name} (${pulumi.getStack()})`,
                description: "Least-privilege identity of the GKE nodes (logs, metrics, image pulls); managed by Pulumi",
            },
            // iam.googleapis.com must be on before the account can be created on a fresh project.
            { parent: this, dependsOn: this.apis },
        );
    }

    private nodeRoles(name: string, project: string): gcp.projects.IAMMember[] {
        return NODE_SERVICE_ACCOUNT_ROLES.map(
            (role) =>
                new gcp.projects.IAMMember(
                    `${name}-node-sa-${roleSuffix(role)}`,
                    { project, role, member: this.nodeServiceAccount.member },
                    // cloudresourcemanager.googleapis.com serves setIamPolicy.
                    { parent: this, dependsOn: this.apis },
                ),
        );
    }

    /**
     * The GKE service agent may use the Secrets key; the cluster waits for the grant, or its
     * creation (or the switch to ENCRYPTED) fails. The agent exists once the Kubernetes Engine API
     * is on; its email takes the project NUMBER, looked up from the id.
     */
    private secretsKeyGrant(name: string, project: string, keyName: string | undefined): gcp.kms.CryptoKeyIAMMember[] {
        if (keyName === undefined) return [];
        const projectNumber = gcp.organizations.getProjectOutput({ projectId: project }, { parent: this }).number;
        return [
            new gcp.kms.CryptoKeyIAMMember(
                `${name}-secrets-key-gke-agent`,
                { cryptoKeyId: keyName, role: SECRETS_KEY_ROLE, member: projectNumber.apply(gkeServiceAgent) },
                { parent: this, dependsOn: this.apis },
            ),
        ];
    }

    private controlPlane(name: string, args: GkeClusterArgs, mode: GkeNodeMode, grants: pulumi.Resource[]): gcp.container.Cluster {
        const plan = this.network.addressPlan;
        return new gcp.container.Cluster(
            `${name}-cluster`,
            {
                project: args.project,
                location: args.region,
                description: "Platform cluster (managed by Pulumi)",
                // Standard: a temporary default pool, deleted for the platform's pool; Autopilot: none.
                ...mode.clusterArgs(this.nodeServiceAccount.email, args.project),
                releaseChannel: { channel: args.releaseChannel },
                minMasterVersion: args.kubernetesVersion,
                maintenancePolicy: gkeMaintenancePolicy(MINOR_VERSION_HOLD_START, args.maintenanceWindow),
                // Application-layer Secrets encryption with the user's key (platform:secretsKmsKey).
                databaseEncryption: gkeDatabaseEncryption(args.secretsKmsKey),
                // Google Groups for RBAC: `group:` subjects in the role bindings match their members.
                // Set or changed in place, never a replacement (GoogleCloudPlatform/magic-modules#6755;
                // hashicorp/terraform-provider-google#10160, checked 2026-12-07).
                ...(args.securityGroup === undefined ? {} : { authenticatorGroupsConfig: { securityGroup: args.securityGroup } }),
                network: this.network.network.id,
                subnetwork: this.network.subnetwork.id,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy: { clusterSecondaryRangeName: POD_RANGE_NAME, servicesSecondaryRangeName: SERVICE_RANGE_NAME },
                // Who may reach the public endpoint (unset: everyone; config warns on every preview).
                masterAuthorizedNetworksConfig: gkeMasterAuthorizedNetworks(args.apiAllowedCidrs),
                // Nodes get no external IP; the API endpoint stays public so Pulumi and CI can reach it.
                // The endpoint model stays on these fields, which GKE now calls the legacy way in
                // favour of Private Service Connect and the IAM-gated DNS endpoint
                // (`controlPlaneEndpointsConfig`): `masterIpv4CidrBlock` cannot change on a running
                // cluster, so moving would replace every existing stack's cluster, and the /28 is
                // the webhook firewall rule's source. The DNS endpoint is the candidate for a later
                // opt-in. (GKE "Network isolation" and "About Private Service Connect"; pulumi-gcp
                // 9.37 ClusterPrivateClusterConfig; checked 2026-12-07. Unverified: whether a
                // cluster created with the /28 today is built on VPC peering or on PSC.)
                privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: plan.controlPlane },
                ...gkeObservabilityArgs(args.observability ?? "native", mode.alwaysOnComponents, args.managedPrometheus),
                // While true, `pulumi destroy` (and any change that replaces the cluster) is refused:
                // set platform:deletionProtection false and run `pulumi up` first.
                deletionProtection: args.deletionProtection,
            },
            {
                parent: this,
                // Pulumi refuses a delete or replace in the preview, before any dependent (workloads,
                // node pool) is deleted; GKE's own flag is checked only at the very end.
                protect: args.deletionProtection,
                // The temporary pool's nodes run as the node service account: give it its roles first
                // (and the GKE service agent its use of the Secrets key).
                dependsOn: [...this.apis, ...grants],
                ignoreChanges: mode.clusterIgnoreChanges,
            },
        );
    }
}

/** The admin kubeconfig: gke-gcloud-auth-plugin against the cluster's endpoint and CA; secret. */
function clusterKubeconfig(cluster: gcp.container.Cluster, project: string, region: string): pulumi.Output<string> {
    return pulumi.secret(
        pulumi
            .all([cluster.name, cluster.endpoint, cluster.masterAuth])
            .apply(([clusterName, endpoint, masterAuth]) =>
                gkeKubeconfig({ contextName: gkeContextName(project, region, clusterName), endpoint, clusterCaCertificate: masterAuth.clusterCaCertificate }),
            ),
    );
}
