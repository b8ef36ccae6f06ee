/**
 * EKS: network, control plane, the nodes (managed node groups with the VPC CNI, CoreDNS and the EBS
 * CSI driver, or EKS Auto Mode, which has them built in) and an explicit Kubernetes provider,
 * composed into the `ClusterTarget` the cloud-neutral layer reads.
 *
 * Every `@pulumi/eks` and `@pulumi/awsx` resource is a multi-language component: under mocks each is
 * one resource with only the outputs the test returns, so the decisions (subnet sizes, policies,
 * trust, versions) live in small exported functions that tests call directly.
 */
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { AwsConfig, ClusterSettings, ExistingVpc, NodeMode } from "../../config";
import { CLUSTER_AUTOSCALER_NODES, KARPENTER_NODES, KUBE_DNS, type ClusterTarget, type LoadBalancerFacts } from "../cluster/contract";
import { eksAddonVersion } from "./addon-versions";
import { ClusterAutoscaler } from "./cluster-autoscaler";
import { AUTO_MODE_DNS, AUTO_MODE_PLATFORM, AWS_AUTO_MODE_LOAD_BALANCER, AWS_LOAD_BALANCER, awsStorageFacts, EBS_AUTO_MODE_PROVISIONER, EBS_CSI_PROVISIONER, nodePlatform } from "./facts";
import { irsaTrustPolicy } from "./iam";
import { EfsSharedStorage } from "./efs";
import { awsObservabilityOutput, CloudWatchObservability } from "./observability";
import { EcrRegistry } from "./registry";

/** Every control-plane log stream EKS offers; audit and authenticator are the ones an incident needs. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/**
 * The worker-node policies (EKS user guide, "Amazon EKS node IAM role"). Not AmazonEKS_CNI_Policy:
 * the VPC CNI has its own IRSA role, so the node role (which any pod reaching IMDS could use) cannot
 * change the VPC's network interfaces.
 */
export const NODE_POLICY_ARNS = {
    worker: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    // Nodes pull the platform's images from ECR.
    ecrRead: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
} as const;

export const VPC_CNI_POLICY_ARN = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy";
/** The VPC CNI's DaemonSet service account, as the `vpc-cni` add-on creates it. */
export const VPC_CNI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "aws-node" } as const;

/**
 * Instance metadata of every node: IMDSv2 only, and a hop limit of 1, so a pod (one network hop
 * further than the node) cannot reach IMDS and read the node role's credentials; host-network pods
 * (aws-node, kube-proxy) still can. Add-ons that need AWS use their own IRSA roles.
 * (EC2 user guide, "Configure the instance metadata options"; facts.md "Access", 2026-12.)
 * pulumi-eks's `enableIMDSv2` would set a hop limit of 2 (nodes/nodegroup.ts), hence a launch template of our own.
 */
export const NODE_METADATA_OPTIONS = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 } as const;

/** EKS access policies (EKS user guide, "Access policy permissions", checked 2026-12-01). */
export const EKS_ACCESS_POLICIES = {
    /** cluster-admin on every namespace. */
    admin: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    /**
     * Read-only, like Kubernetes' `view` role: most objects in every namespace, but not Secrets.
     * Chosen over AmazonEKSAdminViewPolicy, which also reads Secrets: a preview job or an auditor
     * needs no password, and Pulumi diffs Secrets against its own (encrypted) state.
     */
    view: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
} as const;

export interface AccessEntrySpec {
    principalArn: string;
    accessPolicies: { [key: string]: { policyArn: string; accessScope: { type: "cluster" } } };
}

/**
 * EKS access entries for `platform:clusterAdmins` and `platform:clusterReaders`, keyed by a hash of
 * the principal, so reordering the lists changes nothing. The deployer is admin already
 * (bootstrapClusterCreatorAdminPermissions); EKS allows one entry per principal, so a principal in
 * both lists is refused.
 */
export function accessEntries(admins: readonly string[], readers: readonly string[]): Record<string, AccessEntrySpec> {
    const both = admins.filter((a) => readers.includes(a));
    if (both.length > 0) {
        throw new Error(`platform:clusterAdmins and platform:clusterReaders both name ${both.join(", ")}; EKS allows one access entry per principal: keep it in one list`);
    }
    const key = (kind: string, arn: string): string => `${kind}-${createHash("sha256").update(arn).digest("hex").slice(0, 10)}`;
    const entry = (arn: string, role: keyof typeof EKS_ACCESS_POLICIES): AccessEntrySpec => ({
        principalArn: arn,
        accessPolicies: { [role]: { policyArn: EKS_ACCESS_POLICIES[role], accessScope: { type: "cluster" } } },
    });
    return Object.fromEntries([...admins.map((a) => [key("admin", a), entry(a, "admin")]), ...readers.map((r) => [key("reader", r), entry(r, "view")])]);
}

/**
 * The physical name Pulumi auto-named node group `resourceName` got (`<resourceName>-<7 hex>`), among
 * a cluster's node group names; undefined before the group exists.
 */
export function autoNamedNodeGroup(names: readonly string[], resourceName: string): string | undefined {
    const prefix = `${resourceName}-`;
    return names.find((n) => n.startsWith(prefix) && /^[0-9a-f]{7}$/.test(n.slice(prefix.length)));
}

/**
 * The desired size a node group update sends: the live one (what the Cluster Autoscaler chose)
 * moved into the new bounds, or the minimum for a group that does not exist yet. This replaces
 * pulumi-eks's `ignoreScalingChanges`, which re-sends the desired size of the last deployment:
 * raising `minNodes` above it made EKS refuse the update (min > desired), and lowering it would
 * not apply (facts.md "Day two").
 */
export function desiredNodeCount(scaling: { minSize: number; maxSize: number }, live: number | undefined): number {
    return live === undefined ? scaling.minSize : Math.min(scaling.maxSize, Math.max(scaling.minSize, live));
}

/** The URN a child `type`/`name` of the resource at `parentUrn` has (urn:pulumi:stack::project::types::name). */
export function childUrn(parentUrn: string, type: string, name: string): string {
    const [prefix, project, types] = parentUrn.split("::");
    return `${prefix}::${project}::${types}$${type}::${name}`;
}

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

export const EBS_CSI_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy";
/** The controller's service account as the `aws-ebs-csi-driver` add-on creates it. */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;
export const EBS_CSI_ADDON = "aws-ebs-csi-driver";

/**
 * One Elastic IP per public subnet for the ingress NLB: the in-tree service controller maps them
 * to the subnets in order and requires as many allocations as subnets
 * (kubernetes/cloud-provider-aws pkg/providers/v1 aws_loadbalancer.go: "Must have same number of EIP
 * AllocationIDs and SubnetIDs"; annotations read at NLB creation only, checked 2026-12-01).
 */
export function nlbAddressAnnotations(allocationIds: readonly string[], subnetIds: readonly string[]): Record<string, string> {
    if (allocationIds.length !== subnetIds.length) {
        throw new Error(`the ingress NLB needs one Elastic IP per public subnet: ${allocationIds.length} allocations for ${subnetIds.length} subnets`);
    }
    return {
        "service.beta.kubernetes.io/aws-load-balancer-eip-allocations": allocationIds.join(","),
        "service.beta.kubernetes.io/aws-load-balancer-subnets": subnetIds.join(","),
    };
}

/**
 * EKS support type from `platform:extendedSupport`. Set explicitly because EKS's own default is
 * EXTENDED: a cluster left on a minor past its standard support would silently bill $0.60/h instead
 * of $0.10/h (docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html, checked 2026-12-01).
 * With STANDARD, EKS upgrades the control plane itself when standard support ends. The policy is
 * updatable in place (UpdateClusterConfig takes upgradePolicy), so flipping the key is an update.
 */
export function eksSupportType(extendedSupport: boolean): "STANDARD" | "EXTENDED" {
    return extendedSupport ? "EXTENDED" : "STANDARD";
}

/** EKS cluster names: 1-100 characters, a letter or digit first, then letters, digits, `-` and `_` (CreateCluster API). */
const EKS_NAME_MAX = 100;

/**
 * The cluster's physical name, fixed by the program rather than auto-named, because the control-plane
 * log group EKS writes to is named after it (`/aws/eks/<name>/cluster`) and must exist before the
 * cluster. Project and stack make it unique per account and region; characters EKS refuses (`.`)
 * become `-`. The name never changes for a stack: a different name would replace the cluster.
 */
export function eksClusterName(project: string, stack: string): string {
    const name = `${project}-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[^A-Za-z0-9]+/, "");
    if (name === "") throw new Error(`cannot derive an EKS cluster name from project "${project}" and stack "${stack}"`);
    return name.slice(0, EKS_NAME_MAX);
}

/** Where EKS writes control-plane logs for cluster `clusterName` (EKS user guide, "Control plane logs"). */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

export const DEFAULT_AVAILABILITY_ZONES = 3;
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
/** AWS's smallest subnet; it keeps 5 addresses of every subnet for itself. */
const SMALLEST_SUBNET_MASK = 28;

export interface SubnetLayout {
    /** Prefix of each availability zone's share of the VPC. */
    zoneMask: number;
    /** Half of each zone: pods take VPC addresses (VPC CNI), so the node subnets get the most room. */
    privateMask: number;
    /** A quarter of each zone: only load balancer ENIs and NAT gateways live here. */
    publicMask: number;
}

/**
 * Splits the VPC into equal zones (rounded up to a power of two), each holding one private and one
 * public subnet; the last quarter of each zone stays free for later use.
 */
export function subnetLayout(vpcCidr: string, availabilityZones: number): SubnetLayout {
    const prefix = Number(vpcCidr.split("/")[1]);
    const zoneMask = prefix + Math.ceil(Math.log2(availabilityZones));
    const layout = { zoneMask, privateMask: zoneMask + 1, publicMask: zoneMask + 2 };
    if (!Number.isInteger(prefix) || layout.publicMask > SMALLEST_SUBNET_MASK) {
        throw new Error(
            `VPC ${vpcCidr} is too small for ${availabilityZones} availability zones: each public subnet would be /${layout.publicMask}, AWS allows /${SMALLEST_SUBNET_MASK} at most; use a larger vpcCidr (such as ${DEFAULT_VPC_CIDR}) or fewer availability zones`,
        );
    }
    return layout;
}

/**
 * Splits a cluster-wide node count over the zones' node groups so the groups add up to exactly
 * `total`: each gets `floor(total / zones)`, and the remainder goes one each to the first groups
 * (7 over 3 zones is [3, 2, 2]), so no two groups differ by more than one node.
 */
export function splitAcrossZones(total: number, zones: number): number[] {
    if (!Number.isInteger(total) || total < 0 || !Number.isInteger(zones) || zones < 1) {
        throw new Error(`cannot split ${total} nodes across ${zones} zones: expected whole numbers, total >= 0 and zones >= 1`);
    }
    const base = Math.floor(total / zones);
    return Array.from({ length: zones }, (_, i) => base + (i < total % zones ? 1 : 0));
}

export interface NodeGroupScaling {
    minSize: number;
    maxSize: number;
    desiredSize: number;
}

/**
 * Scaling of each zone's node group, from the cluster-wide `minNodes`/`maxNodes` (totals, not per
 * zone). Minimum and maximum are each split exactly (`splitAcrossZones`), so the groups' mins add up
 * to `minNodes` and their maxes to `maxNodes`; since `maxNodes >= minNodes`, every group's max is at
 * least its min. A group starts at its minimum.
 *
 * With fewer `minNodes` than zones some groups get `minSize` 0 and start empty (2 nodes over 3
 * zones: [1, 1, 0]). That is deliberate: rounding up instead would run more nodes than configured,
 * and EKS managed node groups allow 0, while the Cluster Autoscaler scales a managed group up from
 * zero (it reads the group's template through `eks:DescribeNodegroup`) when a pod needs that zone.
 * The one exception to exact totals: EKS requires `maxSize >= 1`, so with `maxNodes` below the zone
 * count each group still gets a max of 1 and the cluster may grow to one node per zone.
 */
export function nodeGroupScaling(minNodes: number, maxNodes: number, zones: number): NodeGroupScaling[] {
    const maxSizes = splitAcrossZones(maxNodes, zones);
    return splitAcrossZones(minNodes, zones).map((minSize, i) => ({ minSize, maxSize: Math.max(1, maxSizes[i]), desiredSize: minSize }));
}

export const NODE_TRUST_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
} as const;

/** Problems with the arguments, all at once, before anything is registered. */
export function validateEksClusterArgs(args: EksClusterArgs): string[] {
    const problems: string[] = [];
    const { minNodes, maxNodes } = args.cluster;
    // Auto Mode has no node counts: EKS sizes the nodes to the pods.
    if (args.cluster.nodeMode === "managed") {
        if (!Number.isInteger(minNodes) || minNodes < 1) problems.push(`minNodes must be a whole number >= 1, got ${minNodes}`);
        if (maxNodes < minNodes) problems.push(`maxNodes (${maxNodes}) must be >= minNodes (${minNodes})`);
    }
    const existing = args.network.existingVpc;
    if (existing) {
        if (existing.privateSubnetIds.length < 2) {
            problems.push("existingVpc.privateSubnetIds needs subnets in at least 2 availability zones (EKS requires 2)");
        }
        if (existing.publicSubnetIds.length < 1) {
            problems.push("existingVpc.publicSubnetIds needs at least 1 subnet for the internet-facing load balancer");
        }
    } else {
        const zones = args.network.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES;
        if (!Number.isInteger(zones) || zones < 2) problems.push(`availabilityZones must be >= 2 (EKS requires 2), got ${zones}`);
        else {
            try {
                subnetLayout(args.network.vpcCidr ?? DEFAULT_VPC_CIDR, zones);
            } catch (e) {
                problems.push(e instanceof Error ? e.message : String(e));
            }
        }
    }
    return problems;
}

export interface EksNetworkArgs {
    /** Zones for a new VPC. Default 3. Ignored with `existingVpc`. */
    availabilityZones?: number;
    /** CIDR of a new VPC. Default 10.0.0.0/16. Ignored with `existingVpc`. */
    vpcCidr?: string;
    /**
     * An existing network instead of a new VPC. Default: none (a new VPC). Its public subnets should
     * carry `kubernetes.io/role/elb=1` so the load balancer lands in them.
     */
    existingVpc?: ExistingVpc;
}

export interface EksClusterArgs {
    /**
     * Version, support type, node size and autoscaling bounds (desired size starts at `minNodes`),
     * and the control-plane log retention.
     */
    cluster: ClusterSettings;
    /** Physical EKS cluster name. Default: `eksClusterName(project, stack)`. */
    clusterName?: string;
    network: EksNetworkArgs;
    /**
     * Pulumi `protect` on the ingress Elastic IPs, like data (`platform:protectData`): a DNS record
     * points at them. Default false.
     */
    protectIngressAddresses?: boolean;
}

export class EksCluster extends pulumi.ComponentResource {
    /** The only provider Kubernetes objects on this cluster may use. */
    readonly provider: k8s.Provider;
    /** Admin kubeconfig; it runs `aws eks get-token`, so the AWS CLI must be on PATH. Secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** The same name, known before the cluster exists (for log groups that must come first). */
    readonly physicalName: string;
    /** `/aws/eks/<cluster name>/cluster`, with `logRetentionDays`, created before the cluster. */
    readonly controlPlaneLogGroup: aws.cloudwatch.LogGroup;
    /** The cluster's IAM OIDC provider and issuer, for IRSA roles of add-ons outside this component. */
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly oidcIssuer: pulumi.Output<string>;
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Zones, one private subnet (and one node group) each. */
    readonly zones: number;
    /** `managed` (node groups below) or `auto` (EKS Auto Mode: EKS launches and scales the nodes). */
    readonly nodeMode: NodeMode;
    /**
     * One managed node group per zone (`<name>-nodes-az1`, `-az2`, ...), each in that zone's private
     * subnet: a single multi-zone group would let the Cluster Autoscaler add a node in any zone, not
     * in the one where a pending pod's EBS volume lives. None in Auto Mode.
     */
    readonly nodeGroups: eks.ManagedNodeGroup[];
    /** The EBS CSI add-on; undefined in Auto Mode, whose block storage is built in. */
    readonly ebsCsiDriver?: aws.eks.Addon;
    /** The VPC CNI with its own IRSA role (kube-system/aws-node); undefined in Auto Mode (built in). */
    readonly vpcCni?: aws.eks.Addon;
    /** CoreDNS as a managed add-on; undefined in Auto Mode, which runs cluster DNS itself. */
    readonly coredns?: aws.eks.Addon;
    /**
     * Auto Mode only: the ConfigMap that turns on its network policy controller, without which the
     * platform's NetworkPolicies would be accepted and silently not enforced.
     */
    readonly networkPolicyConfig?: k8s.core.v1.ConfigMap;
    /** The VolumeSnapshot API (CRDs and controller) behind the platform's snapshot class. */
    readonly snapshotController: aws.eks.Addon;
    /** The security group EKS puts on managed nodes (the cluster security group). */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** Resource metrics for the HorizontalPodAutoscaler: EKS does not run metrics-server by default. */
    readonly metricsServer: aws.eks.Addon;
    /**
     * One Elastic IP per public subnet, for the ingress NLB: its address survives a re-creation of
     * the controller's Service (the NLB's own addresses would not).
     */
    readonly ingressAddresses: aws.ec2.Eip[];
    /**
     * What must exist before any workload or PVC: nodes, DNS and the CSI driver (managed), or the
     * network policy switch (Auto Mode); metrics-server and the snapshot API on both.
     */
    readonly readyDependencies: pulumi.Resource[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateEksClusterArgs(args);
        if (problems.length > 0) throw new Error(`EksCluster ${name}: invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        super("platform:aws:EksCluster", name, {}, opts);

        const network = this.network(name, args.network);
        this.vpcId = network.vpcId;
        this.privateSubnetIds = network.privateSubnetIds;
        this.publicSubnetIds = network.publicSubnetIds;
        this.zones = network.zones;
        this.nodeMode = args.cluster.nodeMode;

        const auto = args.cluster.nodeMode === "auto";
        const clusterName = args.clusterName ?? eksClusterName(pulumi.getProject(), pulumi.getStack());
        this.physicalName = clusterName;
        // EKS creates this group itself on first write, with no expiry, and leaves it behind on
        // delete; created first by the program it has a retention and goes with the stack.
        this.controlPlaneLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-control-plane-logs`,
            { name: controlPlaneLogGroupName(clusterName), retentionInDays: args.cluster.logRetentionDays },
            { parent: this },
        );

        const cluster = new eks.Cluster(
            `${name}-cluster`,
            {
                name: clusterName,
                upgradePolicy: { supportType: eksSupportType(args.cluster.extendedSupport) },
                // Unset keeps EKS's open endpoint (config warns on every preview).
                ...(args.cluster.apiAllowedCidrs === undefined ? {} : { publicAccessCidrs: args.cluster.apiAllowedCidrs }),
                accessEntries: accessEntries(args.cluster.clusterAdmins, args.cluster.clusterReaders),
                ...(auto ? AUTO_MODE_CLUSTER_OPTIONS : {
                      // kube-proxy is made by eks.Cluster; pinned like every add-on (addon-versions.ts), since
                      // pulumi-eks would otherwise take the newest version on each run (mostRecent: true).
                      kubeProxyAddonOptions: { version: eksAddonVersion(args.cluster.kubernetesVersion, "kube-proxy") },
                  }),
                vpcId: network.vpcId,
                // Auto Mode's default NodeClass launches nodes in the cluster's subnets, with a public
                // IP in a public one: give it the private subnets only (the NLB names its public
                // subnets itself). Node groups pick their subnets, so managed clusters keep both.
                ...(auto ? {} : { publicSubnetIds: network.publicSubnetIds }),
                privateSubnetIds: network.privateSubnetIds,
                version: args.cluster.kubernetesVersion,
                // Access entries only: the aws-auth ConfigMap is deprecated (pulumi-eks eks-v3-migration.md).
                authenticationMode: eks.AuthenticationMode.Api,
                // The per-zone managed node groups below (or Auto Mode) replace the self-managed default one.
                skipDefaultNodeGroup: true,
                createOidcProvider: true,
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                // Nodes reach the API server inside the VPC; Pulumi and kubectl still use the public endpoint.
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                // The VPC CNI add-on is created below, not by eks.Cluster: its IRSA role trusts the
                // cluster's OIDC provider, which exists only once the cluster does.
                useDefaultVpcCni: true,
            },
            { parent: this, dependsOn: [this.controlPlaneLogGroup] },
        );
        this.clusterName = cluster.eksCluster.name;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcIssuer = cluster.oidcIssuer;

        const version = (addon: Parameters<typeof eksAddonVersion>[1]): string => eksAddonVersion(args.cluster.kubernetesVersion, addon);
        const managed = auto ? undefined : this.managedNodes(name, args, cluster, network);
        this.vpcCni = managed?.vpcCni;
        this.ebsCsiDriver = managed?.ebsCsiDriver;
        this.coredns = managed?.coredns;
        // Add-ons with pods wait for the node groups; in Auto Mode for nothing: it launches a node
        // when their pods are pending.
        this.nodeGroups = managed?.nodeGroups ?? [];

        // Without metrics-server an HPA holds its minimum and never scales up (GKE and AKS ship one).
        this.metricsServer = new aws.eks.Addon(
            `${name}-metrics-server`,
            {
                clusterName: this.clusterName,
                addonName: "metrics-server",
                addonVersion: version("metrics-server"),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            { parent: this, dependsOn: this.nodeGroups },
        );

        this.ingressAddresses = Array.from(
            { length: network.publicSubnets },
            (_, i) =>
                new aws.ec2.Eip(
                    `${name}-ingress-${i + 1}`,
                    { domain: "vpc", tags: { Name: `${name}-ingress-${i + 1}`, purpose: "ingress NLB" } },
                    { parent: this, protect: args.protectIngressAddresses ?? false },
                ),
        );

        // The VolumeSnapshot CRDs and controller, for the platform-snapshots class (EBS snapshots).
        this.snapshotController = new aws.eks.Addon(
            `${name}-snapshot-controller`,
            {
                clusterName: this.clusterName,
                addonName: "snapshot-controller",
                addonVersion: version("snapshot-controller"),
                // Auto Mode: on the built-in `system` NodePool (the controller tolerates its
                // CriticalAddonsOnly taint), as the EKS user guide suggests (create-storage-class).
                ...(auto ? { configurationValues: JSON.stringify(AUTO_MODE_SYSTEM_POOL) } : {}),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            { parent: this, dependsOn: this.nodeGroups },
        );
        // Managed node groups without security groups in their launch template get this one.
        this.nodeSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;

        // kubeconfigJson, not getKubeconfig(): a component method call needs the engine's `call`.
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
        if (auto) {
            this.networkPolicyConfig = new k8s.core.v1.ConfigMap(
                `${name}-network-policy`,
                { metadata: { ...AUTO_MODE_NETWORK_POLICY.metadata }, data: { ...AUTO_MODE_NETWORK_POLICY.data } },
                { parent: this, provider: this.provider },
            );
        }
        // Managed: the CNI, nodes, DNS and CSI driver; Auto Mode: the network policy switch.
        const parts: (pulumi.Resource | undefined)[] = [this.vpcCni, ...this.nodeGroups, this.coredns, this.ebsCsiDriver, this.networkPolicyConfig];
        this.readyDependencies = [...parts.filter((r): r is pulumi.Resource => r !== undefined), this.metricsServer, this.snapshotController];

        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
        });
    }

    /**
     * The managed-node half: the VPC CNI with its IRSA role, the node role and launch template, one
     * node group per zone, the EBS CSI driver and CoreDNS. Auto Mode has all of this built in.
     */
    private managedNodes(
        name: string,
        args: EksClusterArgs,
        cluster: eks.Cluster,
        network: { privateSubnetIds: pulumi.Output<string[]>; zones: number },
    ): { vpcCni: aws.eks.Addon; nodeGroups: eks.ManagedNodeGroup[]; ebsCsiDriver: aws.eks.Addon; coredns: aws.eks.Addon } {
        const version = (addon: Parameters<typeof eksAddonVersion>[1]): string => eksAddonVersion(args.cluster.kubernetesVersion, addon);
        const cniRole = this.irsaRole(name, "vpc-cni", VPC_CNI_SERVICE_ACCOUNT, VPC_CNI_POLICY_ARN, cluster);
        const vpcCni = new aws.eks.Addon(
            `${name}-vpc-cni`,
            {
                clusterName: this.clusterName,
                addonName: "vpc-cni",
                addonVersion: version("vpc-cni"),
                serviceAccountRoleArn: cniRole.role.arn,
                // The platform isolates Postgres and Redis with NetworkPolicies: without the VPC CNI's
                // policy agent they would be accepted and silently not enforced.
                configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                // Deleting or replacing this resource must not take pod networking off a live cluster.
                preserve: true,
            },
            {
                parent: this,
                dependsOn: [cniRole.role, cniRole.policy],
                // Stacks made before this add-on moved here had it inside eks.Cluster (pulumi-eks
                // VpcCniAddon "<name>-cluster-vpc-cni"): adopt it there, so it updates in place
                // instead of a create that EKS refuses (the add-on exists).
                aliases: [{ name: `${name}-cluster-vpc-cni`, parent: cluster.urn.apply((u) => childUrn(u, "eks:index:VpcCniAddon", `${name}-cluster-vpc-cni`)) }],
            },
        );

        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            { assumeRolePolicy: JSON.stringify(NODE_TRUST_POLICY), description: `EKS worker nodes of ${name}` },
            { parent: this },
        );
        const nodePolicies = Object.entries(NODE_POLICY_ARNS).map(
            ([key, policyArn]) => new aws.iam.RolePolicyAttachment(`${name}-node-${key}`, { role: nodeRole.name, policyArn }, { parent: this }),
        );

        // The subnet ids of a new VPC are only known after it exists, but their count is the zone
        // count from the arguments: create the groups by index and pick each one's subnet later.
        const scaling = nodeGroupScaling(args.cluster.minNodes, args.cluster.maxNodes, network.zones);
        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-nodes`,
            { description: `Nodes of ${name}: IMDSv2 only, hop limit 1`, metadataOptions: { ...NODE_METADATA_OPTIONS }, updateDefaultVersion: true },
            { parent: this },
        );
        // The groups' live desired sizes (read on every run once the cluster exists): unknown in the
        // first preview, empty until the groups exist.
        const liveGroups = aws.eks.getNodeGroupsOutput({ clusterName: this.clusterName }, { parent: this }).names;
        const nodeGroups = scaling.map((groupScaling, i) => {
            const groupName = `${name}-nodes-az${i + 1}`;
            const desiredSize: pulumi.Output<number> = pulumi.all([liveGroups, this.clusterName]).apply(([names, clusterName]): pulumi.Output<number> => {
                const physical = autoNamedNodeGroup(names ?? [], groupName);
                return physical === undefined
                    ? pulumi.output(desiredNodeCount(groupScaling, undefined))
                    : aws.eks
                          .getNodeGroupOutput({ clusterName, nodeGroupName: physical }, { parent: this })
                          .scalingConfigs.apply((c) => desiredNodeCount(groupScaling, c[0]?.desiredSize));
            });
            return new eks.ManagedNodeGroup(
                    groupName,
                    {
                        cluster,
                        nodeRoleArn: nodeRole.arn,
                        // With authenticationMode API, EKS adds the access entry for a managed group's role itself.
                        instanceTypes: [args.cluster.nodeSize],
                        // No ignoreScalingChanges: the desired size sent is the live one within the new
                        // bounds (desiredNodeCount), so neither a raised minNodes is refused nor the
                        // Cluster Autoscaler's choice undone.
                        scalingConfig: { minSize: groupScaling.minSize, maxSize: groupScaling.maxSize, desiredSize },
                        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                        // This zone's private subnet only: nodes get no public address and reach out
                        // through the zone's NAT gateway.
                        subnetIds: network.privateSubnetIds.apply((ids) => [ids[i]]),
                        // AL2 images end with Kubernetes 1.32; AL2023 (x86_64 or arm64 by instance type) covers 1.31-1.35.
                        operatingSystem: eks.OperatingSystem.AL2023,
                        version: args.cluster.kubernetesVersion,
                    },
                    // Nodes that start before their policies are attached, or before aws-node has its
                    // role, cannot join the cluster or give pods addresses.
                    { parent: this, dependsOn: [...nodePolicies, vpcCni] },
                );
        });

        // IRSA rather than Pod Identity: the OIDC provider exists anyway, and IRSA needs no
        // eks-pod-identity-agent DaemonSet to be up before the controller can get credentials. The
        // trust policy names the one service account, so no other pod can assume the role.
        const ebsCsiRole = new aws.iam.Role(
            `${name}-ebs-csi-role`,
            {
                assumeRolePolicy: pulumi
                    .all([cluster.oidcProviderArn, cluster.oidcIssuer])
                    .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, EBS_CSI_SERVICE_ACCOUNT))),
                description: `EBS CSI controller of ${name} (${EBS_CSI_SERVICE_ACCOUNT.namespace}/${EBS_CSI_SERVICE_ACCOUNT.name})`,
            },
            { parent: this },
        );
        const ebsCsiPolicy = new aws.iam.RolePolicyAttachment(
            `${name}-ebs-csi-policy`,
            { role: ebsCsiRole.name, policyArn: EBS_CSI_POLICY_ARN },
            { parent: this },
        );

        // After the nodes: the controller Deployment has nowhere to run before, and the add-on would
        // sit DEGRADED until the create times out.
        const ebsCsiDriver = new aws.eks.Addon(
            `${name}-ebs-csi-driver`,
            {
                clusterName: this.clusterName,
                addonName: EBS_CSI_ADDON,
                addonVersion: version(EBS_CSI_ADDON),
                serviceAccountRoleArn: ebsCsiRole.arn,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                // Deleting or replacing this resource must not uninstall the driver from a live cluster.
                preserve: true,
            },
            // The role and its policy are explicit dependencies, so a destroy deletes them only after
            // the add-on, which itself goes only after every workload and PVC (ClusterTarget.dependsOn):
            // the controller can still delete the EBS volumes of Delete-class claims.
            { parent: this, dependsOn: [...nodeGroups, ebsCsiRole, ebsCsiPolicy] },
        );

        // eks.Cluster only makes coredns a managed add-on when it has a default node group or Fargate
        // (pulumi-eks cluster.ts); with skipDefaultNodeGroup it stays the self-managed copy EKS
        // bootstraps. Adopt it here, after the nodes, so EKS upgrades it with the cluster.
        const coredns = new aws.eks.Addon(
            `${name}-coredns`,
            {
                clusterName: this.clusterName,
                addonName: "coredns",
                addonVersion: version("coredns"),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                preserve: true,
            },
            { parent: this, dependsOn: nodeGroups },
        );

        return { vpcCni, nodeGroups, ebsCsiDriver, coredns };
    }

    /** An IRSA role only `serviceAccount` of this cluster can assume, with one managed policy. */
    private irsaRole(
        name: string,
        purpose: string,
        serviceAccount: { namespace: string; name: string },
        policyArn: string,
        cluster: eks.Cluster,
    ): { role: aws.iam.Role; policy: aws.iam.RolePolicyAttachment } {
        const role = new aws.iam.Role(
            `${name}-${purpose}-role`,
            {
                assumeRolePolicy: pulumi
                    .all([cluster.oidcProviderArn, cluster.oidcIssuer])
                    .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, serviceAccount))),
                description: `${purpose} of ${name} (${serviceAccount.namespace}/${serviceAccount.name})`,
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicyAttachment(`${name}-${purpose}-policy`, { role: role.name, policyArn }, { parent: this });
        return { role, policy };
    }

    private network(
        name: string,
        args: EksNetworkArgs,
    ): { vpcId: pulumi.Output<string>; privateSubnetIds: pulumi.Output<string[]>; publicSubnetIds: pulumi.Output<string[]>; zones: number; publicSubnets: number } {
        if (args.existingVpc) {
            return {
                publicSubnets: args.existingVpc.publicSubnetIds.length,
                // One zone per private subnet: an existing network must give one private subnet per zone.
                zones: args.existingVpc.privateSubnetIds.length,
                vpcId: pulumi.output(args.existingVpc.vpcId),
                privateSubnetIds: pulumi.output(args.existingVpc.privateSubnetIds),
                publicSubnetIds: pulumi.output(args.existingVpc.publicSubnetIds),
            };
        }
        const zones = args.availabilityZones ?? DEFAULT_AVAILABILITY_ZONES;
        const cidr = args.vpcCidr ?? DEFAULT_VPC_CIDR;
        const layout = subnetLayout(cidr, zones);
        const vpc = new awsx.ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: cidr,
                numberOfAvailabilityZones: zones,
                availabilityZoneCidrMask: layout.zoneMask,
                subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
                subnetSpecs: [
                    // Role tags tell the service controller where internet-facing and internal LBs go.
                    { type: awsx.ec2.SubnetType.Private, cidrMask: layout.privateMask, tags: { "kubernetes.io/role/internal-elb": "1" } },
                    { type: awsx.ec2.SubnetType.Public, cidrMask: layout.publicMask, tags: { "kubernetes.io/role/elb": "1" } },
                ],
                // One NAT gateway per zone: losing a zone must not cut the other zones' nodes off.
                natGateways: { strategy: awsx.ec2.NatGatewayStrategy.OnePerAz },
                // EKS nodes register by private DNS name.
                enableDnsHostnames: true,
                enableDnsSupport: true,
            },
            { parent: this },
        );
        // One private subnet spec, so awsx makes exactly one private subnet per zone, in zone order.
        // One public subnet spec too: one public subnet per zone.
        return { zones, publicSubnets: zones, vpcId: vpc.vpcId, privateSubnetIds: vpc.privateSubnetIds, publicSubnetIds: vpc.publicSubnetIds };
    }
}

/**
 * The NLB facts with the stack's Elastic IPs: their allocations on the Service, their IPs as
 * `ingressAddress`; the in-tree controller's NLB with managed nodes, Auto Mode's with `auto`.
 */
export function awsLoadBalancer(eips: readonly aws.ec2.Eip[], publicSubnetIds: pulumi.Input<string[]>, nodeMode: NodeMode = "managed"): LoadBalancerFacts {
    const address = pulumi
        .all([pulumi.all(eips.map((e) => e.allocationId)), pulumi.output(publicSubnetIds)])
        .apply(([ids, subnets]) => nlbAddressAnnotations(ids, subnets));
    const claim: Record<string, pulumi.Input<string>> = {};
    for (const key of ["service.beta.kubernetes.io/aws-load-balancer-eip-allocations", "service.beta.kubernetes.io/aws-load-balancer-subnets"]) {
        claim[key] = address.apply((a) => a[key]);
    }
    // Both controllers read the same two annotations (in-tree: cloud-provider-aws; Auto Mode: the
    // Load Balancer Controller's eip-allocations, internet-facing only).
    const facts = nodeMode === "auto" ? AWS_AUTO_MODE_LOAD_BALANCER : AWS_LOAD_BALANCER;
    return { ...facts, address: { addresses: pulumi.all(eips.map((e) => e.publicIp)), annotations: claim } };
}

/**
 * Why the stack's running cluster cannot move to node mode `wanted`, or undefined (no cluster yet,
 * or the same mode). Refused both ways, before anything changes, because the switch is not an
 * update that keeps data: volumes made by the EBS CSI driver (`ebs.csi.aws.com`, Postgres's among
 * them) cannot be attached by Auto Mode's block storage (`ebs.csi.eks.amazonaws.com`) nor the other
 * way round, every StorageClass would be replaced, and the ingress Service would move to another
 * load balancer controller. AWS documents an in-place path (update-cluster-config, then each
 * detached volume re-created from a snapshot by awslabs/eks-auto-mode-ebs-migration-tool, then the
 * node groups drained, and a new load balancer): a runbook with downtime, not a preview the program
 * could make safe (EKS user guide auto-enable-existing, auto-migrate-mng; checked 2026-12-01).
 */
export function nodeModeSwitchProblem(clusterName: string, live: NodeMode | undefined, wanted: NodeMode): string | undefined {
    if (live === undefined || live === wanted) return undefined;
    return (
        `platform:nodeMode: "${wanted}" cannot be applied to the running EKS cluster ${clusterName}, which runs ${live === "auto" ? "EKS Auto Mode" : "managed node groups"}: ` +
        `its volumes (Postgres's among them) were made by ${live === "auto" ? EBS_AUTO_MODE_PROVISIONER : EBS_CSI_PROVISIONER}, which ${wanted === "auto" ? "Auto Mode" : "the EBS CSI driver"} cannot attach. ` +
        `Keep it with: pulumi config set platform:nodeMode ${live}; to move, see README "Changing nodeMode on AWS" (a new stack and a restore, or AWS's volume migration by hand)`
    );
}

/** The node mode of the stack's cluster as EKS reports it, or undefined before the cluster exists. */
export async function liveEksNodeMode(clusterName: string): Promise<NodeMode | undefined> {
    const { names } = await aws.eks.getClusters();
    if (!names.includes(clusterName)) return undefined;
    const live = await aws.eks.getCluster({ name: clusterName });
    return live.computeConfigs[0]?.enabled === true ? "auto" : "managed";
}

/**
 * Refuses a `platform:nodeMode` switch on a running cluster before any resource is registered, so
 * the preview fails with the reason instead of planning a change that strands the data.
 */
export async function refuseNodeModeSwitch(config: AwsConfig, clusterName = eksClusterName(pulumi.getProject(), pulumi.getStack())): Promise<void> {
    const problem = nodeModeSwitchProblem(clusterName, await liveEksNodeMode(clusterName), config.cluster.nodeMode);
    if (problem !== undefined) throw new pulumi.RunError(problem);
}

/** The whole AWS side of the platform: the EKS cluster, the ECR registry and the facts. */
export function awsTarget(name: string, config: AwsConfig): ClusterTarget {
    const auto = config.cluster.nodeMode === "auto";
    const cluster = new EksCluster(name, {
        cluster: config.cluster,
        network: {
            availabilityZones: config.aws.availabilityZones,
            vpcCidr: config.aws.vpcCidr,
            existingVpc: config.aws.existingVpc,
        },
        protectIngressAddresses: config.workloads.protectData,
    });
    // Managed node groups never resize themselves: this turns minNodes/maxNodes into real
    // autoscaling. Auto Mode scales its own nodes.
    const autoscaler = auto
        ? undefined
        : new ClusterAutoscaler(`${name}-cluster-autoscaler`, {
              clusterName: cluster.clusterName,
              region: config.aws.region,
              kubernetesVersion: config.cluster.kubernetesVersion,
              oidcProviderArn: cluster.oidcProviderArn,
              oidcIssuer: cluster.oidcIssuer,
              provider: cluster.provider,
              dependsOn: cluster.nodeGroups,
          });
    const registry = new EcrRegistry(`${name}-images`, { platform: auto ? AUTO_MODE_PLATFORM : nodePlatform(config.cluster.nodeSize) });
    // `platform:observability native`: Container Insights through the CloudWatch add-on.
    const observability =
        config.cluster.observability === "native"
            ? new CloudWatchObservability(`${name}-observability`, {
                  clusterName: cluster.physicalName,
                  kubernetesVersion: config.cluster.kubernetesVersion,
                  logRetentionDays: config.cluster.logRetentionDays,
                  oidcProviderArn: cluster.oidcProviderArn,
                  oidcIssuer: cluster.oidcIssuer,
                  dependsOn: cluster.nodeGroups,
              })
            : undefined;
    const shared = new EfsSharedStorage(`${name}-shared`, {
        clusterName: cluster.clusterName,
        kubernetesVersion: config.cluster.kubernetesVersion,
        vpcId: cluster.vpcId,
        privateSubnetIds: cluster.privateSubnetIds,
        subnetCount: cluster.zones,
        // Managed nodes and Auto Mode's default NodeClass both carry the cluster security group.
        nodeSecurityGroupId: cluster.nodeSecurityGroupId,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        protect: config.workloads.protectData,
        dependsOn: cluster.nodeGroups,
    });
    return {
        cloud: "aws",
        provider: cluster.provider,
        kubeconfig: cluster.kubeconfig,
        storage: awsStorageFacts(config.storage.tier, shared.classFacts, config.cluster.nodeMode),
        loadBalancer: awsLoadBalancer(cluster.ingressAddresses, cluster.publicSubnetIds, config.cluster.nodeMode),
        // Node groups under the Cluster Autoscaler, or Auto Mode's Karpenter.
        nodes: auto ? KARPENTER_NODES : CLUSTER_AUTOSCALER_NODES,
        dns: auto ? AUTO_MODE_DNS : KUBE_DNS,
        registry: registry.registry,
        observability:
            observability === undefined ? undefined : awsObservabilityOutput(cluster.physicalName, config.aws.region, controlPlaneLogGroupName(cluster.physicalName)),
        // Workloads also wait for the autoscaler: pods beyond minNodes' capacity only become Ready
        // (and Pulumi's await only succeeds) once it can add nodes.
        dependsOn: [...cluster.readyDependencies, shared.addon, ...(autoscaler === undefined ? [] : [autoscaler])],
    };
}
