/**
 * EKS: network, control plane, managed nodes, the EBS CSI driver and an explicit Kubernetes
 * provider, composed into the `ClusterTarget` the cloud-neutral layer reads.
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
import type { AwsConfig, ClusterSettings, ExistingVpc } from "../../config";
import { MANAGED_NODES, type ClusterTarget } from "../cluster";
import { ClusterAutoscaler } from "./cluster-autoscaler";
import { AWS_LOAD_BALANCER, awsStorageFacts, nodePlatform } from "./facts";
import { irsaTrustPolicy } from "./iam";
import { EcrRegistry } from "./registry";

/** Every control-plane log stream EKS offers; audit and authenticator are the ones an incident needs. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The standard worker-node policies (EKS user guide, "Amazon EKS node IAM role"). */
export const NODE_POLICY_ARNS = {
    worker: "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    // aws-node (vpc-cni) runs with the node role: eks.Cluster gives the add-on no role of its own.
    cni: "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    // Nodes pull the platform's images from ECR.
    ecrRead: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
} as const;

export const EBS_CSI_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy";
/** The controller's service account as the `aws-ebs-csi-driver` add-on creates it. */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;
export const EBS_CSI_ADDON = "aws-ebs-csi-driver";

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
    if (!Number.isInteger(minNodes) || minNodes < 1) problems.push(`minNodes must be a whole number >= 1, got ${minNodes}`);
    if (maxNodes < minNodes) problems.push(`maxNodes (${maxNodes}) must be >= minNodes (${minNodes})`);
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
     * `aws-ebs-csi-driver` add-on version. Default: AWS's default version for `kubernetesVersion`,
     * so a Kubernetes upgrade moves the driver with it.
     */
    ebsCsiDriverVersion?: pulumi.Input<string>;
    /** `coredns` add-on version. Default: AWS's default version for `kubernetesVersion`. */
    corednsVersion?: pulumi.Input<string>;
}

export class EksCluster extends pulumi.ComponentResource {
    /** The only provider Kubernetes objects on this cluster may use. */
    readonly provider: k8s.Provider;
    /** Admin kubeconfig; it runs `aws eks get-token`, so the AWS CLI must be on PATH. Secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** `/aws/eks/<cluster name>/cluster`, with `logRetentionDays`, created before the cluster. */
    readonly controlPlaneLogGroup: aws.cloudwatch.LogGroup;
    /** The cluster's IAM OIDC provider and issuer, for IRSA roles of add-ons outside this component. */
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly oidcIssuer: pulumi.Output<string>;
    readonly vpcId: pulumi.Output<string>;
    readonly privateSubnetIds: pulumi.Output<string[]>;
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /**
     * One managed node group per zone (`<name>-nodes-az1`, `-az2`, ...), each in that zone's private
     * subnet: a single multi-zone group would let the Cluster Autoscaler add a node in any zone, not
     * in the one where a pending pod's EBS volume lives.
     */
    readonly nodeGroups: eks.ManagedNodeGroup[];
    readonly ebsCsiDriver: aws.eks.Addon;
    readonly coredns: aws.eks.Addon;
    /** Resource metrics for the HorizontalPodAutoscaler: EKS does not run metrics-server by default. */
    readonly metricsServer: aws.eks.Addon;
    /** What must exist before any workload or PVC: nodes, DNS and the CSI driver. */
    readonly readyDependencies: pulumi.Resource[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateEksClusterArgs(args);
        if (problems.length > 0) throw new Error(`EksCluster ${name}: invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        super("platform:aws:EksCluster", name, {}, opts);

        const network = this.network(name, args.network);
        this.vpcId = network.vpcId;
        this.privateSubnetIds = network.privateSubnetIds;
        this.publicSubnetIds = network.publicSubnetIds;

        const clusterName = args.clusterName ?? eksClusterName(pulumi.getProject(), pulumi.getStack());
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
                vpcId: network.vpcId,
                publicSubnetIds: network.publicSubnetIds,
                privateSubnetIds: network.privateSubnetIds,
                version: args.cluster.kubernetesVersion,
                // Access entries only: the aws-auth ConfigMap is deprecated (pulumi-eks eks-v3-migration.md).
                authenticationMode: eks.AuthenticationMode.Api,
                // The per-zone managed node groups below replace the self-managed default one.
                skipDefaultNodeGroup: true,
                createOidcProvider: true,
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                // Nodes reach the API server inside the VPC; Pulumi and kubectl still use the public endpoint.
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                // The platform isolates Postgres and Redis with NetworkPolicies: without the VPC CNI's
                // policy agent they would be accepted and silently not enforced.
                vpcCniOptions: { enableNetworkPolicy: true },
            },
            { parent: this, dependsOn: [this.controlPlaneLogGroup] },
        );
        this.clusterName = cluster.eksCluster.name;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcIssuer = cluster.oidcIssuer;

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
        this.nodeGroups = scaling.map(
            (scalingConfig, i) =>
                new eks.ManagedNodeGroup(
                    `${name}-nodes-az${i + 1}`,
                    {
                        cluster,
                        nodeRoleArn: nodeRole.arn,
                        // With authenticationMode API, EKS adds the access entry for a managed group's role itself.
                        instanceTypes: [args.cluster.nodeSize],
                        scalingConfig,
                        // The Cluster Autoscaler owns the desired size after creation: without this every
                        // `pulumi up` would shrink the group back to its minimum under running pods.
                        ignoreScalingChanges: true,
                        // This zone's private subnet only: nodes get no public address and reach out
                        // through the zone's NAT gateway.
                        subnetIds: network.privateSubnetIds.apply((ids) => [ids[i]]),
                        // AL2 images end with Kubernetes 1.32; AL2023 (x86_64 or arm64 by instance type) covers 1.31-1.35.
                        operatingSystem: eks.OperatingSystem.AL2023,
                        version: args.cluster.kubernetesVersion,
                    },
                    // Nodes that start before their policies are attached cannot join the cluster.
                    { parent: this, dependsOn: nodePolicies },
                ),
        );

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

        const addonVersion = (addonName: string, pinned?: pulumi.Input<string>): pulumi.Input<string> =>
            pinned ??
            aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: args.cluster.kubernetesVersion, mostRecent: false }, { parent: this }).version;

        // After the nodes: the controller Deployment has nowhere to run before, and the add-on would
        // sit DEGRADED until the create times out.
        this.ebsCsiDriver = new aws.eks.Addon(
            `${name}-ebs-csi-driver`,
            {
                clusterName: this.clusterName,
                addonName: EBS_CSI_ADDON,
                addonVersion: addonVersion(EBS_CSI_ADDON, args.ebsCsiDriverVersion),
                serviceAccountRoleArn: ebsCsiRole.arn,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                // Deleting or replacing this resource must not uninstall the driver from a live cluster.
                preserve: true,
            },
            // The role and its policy are explicit dependencies, so a destroy deletes them only after
            // the add-on, which itself goes only after every workload and PVC (ClusterTarget.dependsOn):
            // the controller can still delete the EBS volumes of Delete-class claims.
            { parent: this, dependsOn: [...this.nodeGroups, ebsCsiRole, ebsCsiPolicy] },
        );

        // eks.Cluster only makes coredns a managed add-on when it has a default node group or Fargate
        // (pulumi-eks cluster.ts); with skipDefaultNodeGroup it stays the self-managed copy EKS
        // bootstraps. Adopt it here, after the nodes, so EKS upgrades it with the cluster.
        this.coredns = new aws.eks.Addon(
            `${name}-coredns`,
            {
                clusterName: this.clusterName,
                addonName: "coredns",
                addonVersion: addonVersion("coredns", args.corednsVersion),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                preserve: true,
            },
            { parent: this, dependsOn: this.nodeGroups },
        );

        // Without metrics-server an HPA holds its minimum and never scales up (GKE and AKS ship one).
        this.metricsServer = new aws.eks.Addon(
            `${name}-metrics-server`,
            {
                clusterName: this.clusterName,
                addonName: "metrics-server",
                addonVersion: addonVersion("metrics-server"),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            { parent: this, dependsOn: this.nodeGroups },
        );

        // kubeconfigJson, not getKubeconfig(): a component method call needs the engine's `call`.
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
        this.readyDependencies = [...this.nodeGroups, this.coredns, this.ebsCsiDriver, this.metricsServer];

        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            vpcId: this.vpcId,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
        });
    }

    private network(
        name: string,
        args: EksNetworkArgs,
    ): { vpcId: pulumi.Output<string>; privateSubnetIds: pulumi.Output<string[]>; publicSubnetIds: pulumi.Output<string[]>; zones: number } {
        if (args.existingVpc) {
            return {
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
        return { zones, vpcId: vpc.vpcId, privateSubnetIds: vpc.privateSubnetIds, publicSubnetIds: vpc.publicSubnetIds };
    }
}

/** The whole AWS side of the platform: the EKS cluster, the ECR registry and the facts. */
export function awsTarget(name: string, config: AwsConfig): ClusterTarget {
    const cluster = new EksCluster(name, {
        cluster: config.cluster,
        network: {
            availabilityZones: config.aws.availabilityZones,
            vpcCidr: config.aws.vpcCidr,
            existingVpc: config.aws.existingVpc,
        },
    });
    // Managed node groups never resize themselves: this turns minNodes/maxNodes into real autoscaling.
    const autoscaler = new ClusterAutoscaler(`${name}-cluster-autoscaler`, {
        clusterName: cluster.clusterName,
        region: config.aws.region,
        kubernetesVersion: config.cluster.kubernetesVersion,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        provider: cluster.provider,
        dependsOn: cluster.nodeGroups,
    });
    const registry = new EcrRegistry(`${name}-images`, { platform: nodePlatform(config.cluster.nodeSize) });
    return {
        cloud: "aws",
        provider: cluster.provider,
        kubeconfig: cluster.kubeconfig,
        storage: awsStorageFacts(config.storage.tier),
        loadBalancer: AWS_LOAD_BALANCER,
        // Node pools under the cluster autoscaler: the only node mode so far.
        nodes: MANAGED_NODES,
        registry: registry.registry,
        // Workloads also wait for the autoscaler: pods beyond minNodes' capacity only become Ready
        // (and Pulumi's await only succeeds) once it can add nodes.
        dependsOn: [...cluster.readyDependencies, autoscaler],
    };
}
