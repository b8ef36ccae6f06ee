/**
 * `platform:nodeMode managed` on EKS: one managed node group per zone, scaled by the Cluster
 * Autoscaler, with the add-ons such nodes need (the VPC CNI with its own IRSA role, CoreDNS, the EBS
 * CSI driver) and a launch template that keeps pods away from the node role.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_NODES, KUBE_DNS } from "../../cluster/contract";
import { eksAddonVersion } from "../addon-versions";
import { ClusterAutoscaler } from "../cluster-autoscaler";
import { AWS_LOAD_BALANCER, EBS_CSI, nodePlatform } from "../facts";
import { inPartition, irsaRole } from "../iam";
import type { EksNodeMode, EksNodeScope, EksNodes } from "./mode";

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

/**
 * Every node's root volume: gp3, encrypted whatever the account's EBS default, 20 GiB (the size EKS
 * gives a managed node group's nodes when it writes the launch template itself). The EKS-optimized
 * AL2023 AMIs boot from `/dev/xvda`; a mapping under another name would add a second, unused
 * volume instead (EKS user guide "Customize managed nodes with launch templates", checked
 * 2026-12-07). Encryption uses the account's default EBS key (aws/ebs) unless one is set there.
 */
export const NODE_ROOT_VOLUME = {
    deviceName: "/dev/xvda",
    ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", deleteOnTermination: "true" },
} as const;

export const EBS_CSI_POLICY_ARN = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy";
/** The controller's service account as the `aws-ebs-csi-driver` add-on creates it. */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: "kube-system", name: "ebs-csi-controller-sa" } as const;
export const EBS_CSI_ADDON = "aws-ebs-csi-driver";

export const NODE_TRUST_POLICY = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
} as const;

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

/**
 * The SSM public parameter holding the recommended EKS-optimized AL2023 release for a minor and the
 * nodes' architecture (EKS user guide "Retrieve recommended Amazon Linux AMI IDs", checked
 * 2026-12-07). Sent as the node groups' `releaseVersion`, so an `up` after AWS publishes a new
 * release rolls the nodes onto it (a managed, PDB-respecting rolling update); without it a group
 * keeps the AMI it was created with until the next Kubernetes minor.
 */
export function releaseVersionParameter(kubernetesVersion: string, instanceType: string): string {
    const minor = kubernetesVersion.split(".").slice(0, 2).join(".");
    const arch = nodePlatform(instanceType) === "linux/arm64" ? "arm64" : "x86_64";
    return `/aws/service/eks/optimized-ami/${minor}/amazon-linux-2023/${arch}/standard/recommended/release_version`;
}

function addonVersion(scope: EksNodeScope, addon: Parameters<typeof eksAddonVersion>[1]): string {
    return eksAddonVersion(scope.settings.kubernetesVersion, addon);
}

/** The VPC CNI add-on with its own IRSA role (kube-system/aws-node), before any node. */
function vpcCni(scope: EksNodeScope): aws.eks.Addon {
    const { name, parent, cluster } = scope;
    const role = irsaRole(
        `${name}-vpc-cni`,
        {
            serviceAccount: VPC_CNI_SERVICE_ACCOUNT,
            policyArn: VPC_CNI_POLICY_ARN,
            partition: scope.partition,
            description: `vpc-cni of ${name} (${VPC_CNI_SERVICE_ACCOUNT.namespace}/${VPC_CNI_SERVICE_ACCOUNT.name})`,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
        },
        { parent },
    );
    return new aws.eks.Addon(
        `${name}-vpc-cni`,
        {
            clusterName: scope.clusterName,
            addonName: "vpc-cni",
            addonVersion: addonVersion(scope, "vpc-cni"),
            serviceAccountRoleArn: role.role.arn,
            // The platform isolates Postgres and Redis with NetworkPolicies: without the VPC CNI's
            // policy agent they would be accepted and silently not enforced.
            configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            // Deleting or replacing this resource must not take pod networking off a live cluster.
            preserve: true,
        },
        {
            parent,
            dependsOn: [role.role, role.policy],
            // Stacks made before this add-on moved here had it inside eks.Cluster (pulumi-eks
            // VpcCniAddon "<name>-cluster-vpc-cni"): adopt it there, so it updates in place
            // instead of a create that EKS refuses (the add-on exists).
            aliases: [{ name: `${name}-cluster-vpc-cni`, parent: cluster.urn.apply((u) => childUrn(u, "eks:index:VpcCniAddon", `${name}-cluster-vpc-cni`)) }],
        },
    );
}

/** The node role with the worker policies, and the launch template every group starts from. */
function nodeRoleAndTemplate(scope: EksNodeScope): { role: aws.iam.Role; policies: aws.iam.RolePolicyAttachment[]; launchTemplate: aws.ec2.LaunchTemplate } {
    const { name, parent } = scope;
    const role = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: JSON.stringify(NODE_TRUST_POLICY), description: `EKS worker nodes of ${name}` }, { parent });
    const policies = Object.entries(NODE_POLICY_ARNS).map(
        ([key, policyArn]) => new aws.iam.RolePolicyAttachment(`${name}-node-${key}`, { role: role.name, policyArn: inPartition(policyArn, scope.partition) }, { parent }),
    );
    const launchTemplate = new aws.ec2.LaunchTemplate(
        `${name}-nodes`,
        {
            description: `Nodes of ${name}: IMDSv2 only, hop limit 1, encrypted gp3 root volume`,
            metadataOptions: { ...NODE_METADATA_OPTIONS },
            blockDeviceMappings: [{ deviceName: NODE_ROOT_VOLUME.deviceName, ebs: { ...NODE_ROOT_VOLUME.ebs } }],
            updateDefaultVersion: true,
        },
        { parent },
    );
    return { role, policies, launchTemplate };
}

/**
 * The desired size group `groupName` is sent: its live size within `scaling` once it exists (read
 * on every run once the cluster does: unknown in the first preview, no groups until they exist).
 */
function liveDesiredSize(scope: EksNodeScope, liveGroups: pulumi.Output<string[]>, groupName: string, scaling: NodeGroupScaling): pulumi.Output<number> {
    return pulumi.all([liveGroups, scope.clusterName]).apply(([names, clusterName]): pulumi.Output<number> => {
        const physical = autoNamedNodeGroup(names ?? [], groupName);
        return physical === undefined
            ? pulumi.output(desiredNodeCount(scaling, undefined))
            : aws.eks
                  .getNodeGroupOutput({ clusterName, nodeGroupName: physical }, { parent: scope.parent })
                  .scalingConfigs.apply((c) => desiredNodeCount(scaling, c[0]?.desiredSize));
    });
}

/**
 * One managed node group per zone (`<name>-nodes-az1`, `-az2`, ...), each in that zone's private
 * subnet: a single multi-zone group would let the Cluster Autoscaler add a node in any zone, not in
 * the one where a pending pod's EBS volume lives.
 */
function nodeGroups(scope: EksNodeScope, cni: aws.eks.Addon): eks.ManagedNodeGroup[] {
    const { name, parent, settings } = scope;
    const node = nodeRoleAndTemplate(scope);
    // The subnet ids of a new VPC are only known after it exists, but their count is the zone
    // count from the arguments: create the groups by index and pick each one's subnet later.
    const liveGroups = aws.eks.getNodeGroupsOutput({ clusterName: scope.clusterName }, { parent }).names;
    // insecureValue: a public release name, not a secret (value is marked secret for SecureStrings).
    const releaseVersion = aws.ssm.getParameterOutput({ name: releaseVersionParameter(settings.kubernetesVersion, settings.nodeSize) }, { parent }).insecureValue;
    return nodeGroupScaling(settings.minNodes, settings.maxNodes, scope.network.zones).map((scaling, i) => {
        const groupName = `${name}-nodes-az${i + 1}`;
        return new eks.ManagedNodeGroup(
            groupName,
            {
                cluster: scope.cluster,
                nodeRoleArn: node.role.arn,
                // With authenticationMode API, EKS adds the access entry for a managed group's role itself.
                instanceTypes: [settings.nodeSize],
                // No ignoreScalingChanges: the desired size sent is the live one within the new
                // bounds (desiredNodeCount), so neither a raised minNodes is refused nor the
                // Cluster Autoscaler's choice undone.
                scalingConfig: { minSize: scaling.minSize, maxSize: scaling.maxSize, desiredSize: liveDesiredSize(scope, liveGroups, groupName, scaling) },
                launchTemplate: { id: node.launchTemplate.id, version: node.launchTemplate.latestVersion.apply(String) },
                // This zone's private subnet only: nodes get no public address and reach out
                // through the zone's NAT gateway.
                subnetIds: scope.network.privateSubnetIds.apply((ids) => [ids[i]]),
                // AL2 images end with Kubernetes 1.32; AL2023 (x86_64 or arm64 by instance type) covers 1.31-1.35.
                operatingSystem: eks.OperatingSystem.AL2023,
                version: settings.kubernetesVersion,
                // The newest recommended AMI release of that minor: nodes get OS patches.
                releaseVersion,
            },
            // Nodes that start before their policies are attached, or before aws-node has its
            // role, cannot join the cluster or give pods addresses.
            { parent, dependsOn: [...node.policies, cni] },
        );
    });
}

/**
 * The EBS CSI add-on with its own IRSA role, after the nodes: the controller Deployment has nowhere
 * to run before, and the add-on would sit DEGRADED until the create times out.
 */
function ebsCsiDriver(scope: EksNodeScope, groups: pulumi.Resource[]): aws.eks.Addon {
    const { name, parent, cluster } = scope;
    const sa = EBS_CSI_SERVICE_ACCOUNT;
    const role = irsaRole(
        `${name}-ebs-csi`,
        { serviceAccount: sa, policyArn: EBS_CSI_POLICY_ARN, partition: scope.partition, description: `EBS CSI controller of ${name} (${sa.namespace}/${sa.name})`, oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer },
        { parent },
    );
    return new aws.eks.Addon(
        `${name}-ebs-csi-driver`,
        {
            clusterName: scope.clusterName,
            addonName: EBS_CSI_ADDON,
            addonVersion: addonVersion(scope, EBS_CSI_ADDON),
            serviceAccountRoleArn: role.role.arn,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            // Deleting or replacing this resource must not uninstall the driver from a live cluster.
            preserve: true,
        },
        // The role and its policy are explicit dependencies, so a destroy deletes them only after
        // the add-on, which itself goes only after every workload and PVC (ClusterTarget.dependsOn):
        // the controller can still delete the EBS volumes of Delete-class claims.
        { parent, dependsOn: [...groups, role.role, role.policy] },
    );
}

/**
 * eks.Cluster only makes coredns a managed add-on when it has a default node group or Fargate
 * (pulumi-eks cluster.ts); with skipDefaultNodeGroup it stays the self-managed copy EKS bootstraps.
 * Adopted here, after the nodes, so EKS upgrades it with the cluster.
 */
function coredns(scope: EksNodeScope, groups: pulumi.Resource[]): aws.eks.Addon {
    return new aws.eks.Addon(
        `${scope.name}-coredns`,
        {
            clusterName: scope.clusterName,
            addonName: "coredns",
            addonVersion: addonVersion(scope, "coredns"),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            preserve: true,
        },
        { parent: scope.parent, dependsOn: groups },
    );
}

function createManagedNodes(scope: EksNodeScope): EksNodes {
    const cni = vpcCni(scope);
    const groups = nodeGroups(scope, cni);
    const dns = coredns(scope, groups);
    const csi = ebsCsiDriver(scope, groups);
    return { nodeGroups: groups, ready: [cni, ...groups, dns, csi] };
}

export const MANAGED_NODE_GROUPS: EksNodeMode = {
    clusterArgs: (settings, network) => ({
        // kube-proxy is made by eks.Cluster; pinned like every add-on (addon-versions.ts), since
        // pulumi-eks would otherwise take the newest version on each run (mostRecent: true).
        kubeProxyAddonOptions: { version: eksAddonVersion(settings.kubernetesVersion, "kube-proxy") },
        // Node groups pick their own (private) subnets; the cluster keeps both kinds.
        publicSubnetIds: network.publicSubnetIds,
    }),
    create: createManagedNodes,
    // Managed node groups never resize themselves: this turns minNodes/maxNodes into real
    // autoscaling.
    scale: (name, cluster, settings) => [
        new ClusterAutoscaler(`${name}-cluster-autoscaler`, {
            clusterName: cluster.clusterName,
            region: settings.region,
            kubernetesVersion: settings.kubernetesVersion,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcIssuer: cluster.oidcIssuer,
            provider: cluster.provider,
            dependsOn: cluster.nodeGroups,
            chartSource: settings.chartSource,
        }),
    ],
    facts: {
        nodes: CLUSTER_AUTOSCALER_NODES,
        dns: KUBE_DNS,
        loadBalancer: AWS_LOAD_BALANCER,
        blockStorage: EBS_CSI,
        imagePlatform: nodePlatform,
    },
    guard: { runs: "managed node groups", attachedBy: "the EBS CSI driver" },
};
