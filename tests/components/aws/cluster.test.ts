import * as assert from "node:assert/strict";
import { output as pulumiOutput } from "@pulumi/pulumi";
import {
    type AccessEntrySpec,
    accessEntries,
    CONTROL_PLANE_LOG_TYPES,
    controlPlaneLogGroupName,
    EksCluster,
    eksClusterName,
    eksSupportType,
    type EksClusterArgs,
    validateEksClusterArgs,
} from "../../../components/aws/cluster";
import { DEFAULT_ELASTIC_IP_QUOTA, elasticIpsNeeded, nlbAddressAnnotations, subnetLayout } from "../../../components/aws/network";
import { autoNamedNodeGroup, childUrn, desiredNodeCount, nodeGroupScaling, releaseVersionParameter, splitAcrossZones } from "../../../components/aws/nodes/managed";
import { AUTO_MODE_NETWORK_POLICY } from "../../../components/aws/nodes/auto";
import { nodeModeGuard, nodeModeSwitchProblem } from "../../../components/aws/nodes/guard";
import { runPreflight } from "../../../components/cluster/preflight";
import * as aws from "../../../components/aws/target";
import { eksAddonVersion } from "../../../components/aws/addon-versions";
import { awsStorageFacts } from "../../../components/aws/facts";
import { CLUSTER_AUTOSCALER_NODES, KARPENTER_DO_NOT_DISRUPT, KARPENTER_NODES } from "../../../components/cluster/contract";
import { awsPartition, irsaTrustPolicy } from "../../../components/aws/iam";
import { mapConfigSource, readConfig, type AwsConfig } from "../../../config";
import { isSecret, mockCall, mockState, type RecordedResource, type ResourceSet, runProgram, valueOf } from "../../harness/mocks";

const ACCOUNT = "123456789012";
/** The cluster settings a default aws stack gets. */
const CLUSTER = readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1" })).cluster;
/** eksClusterName(PROJECT, STACK) of the test harness. */
const CLUSTER_NAME = "platform-test";
/** The security group EKS puts on managed nodes (the cluster security group). */
const EKS_NODE_SG = "sg-0eks00001";
const OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C0FFEE5C0FFEE5C0FFEE5C0FFEE";
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_ISSUER}`;
const NEW_PRIVATE = ["subnet-0aaa0001", "subnet-0aaa0002", "subnet-0aaa0003"];
const NEW_PUBLIC = ["subnet-0bbb0001", "subnet-0bbb0002", "subnet-0bbb0003"];
const KUBECONFIG = JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "kubernetes", cluster: { server: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", "certificate-authority-data": "Q0E=" } }],
    contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
    "current-context": "aws",
    users: [{ name: "aws", user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", CLUSTER_NAME] } } }],
});

function mockAws(): void {
    // Like awsx with one private and one public spec: one subnet of each per zone, in zone order.
    mockState("awsx:ec2:Vpc", (a) => {
        const zones = a.inputs.numberOfAvailabilityZones as number;
        const ids = (prefix: string): string[] => Array.from({ length: zones }, (_, i) => `subnet-0${prefix}000${i + 1}`);
        return { vpcId: "vpc-0new1234", privateSubnetIds: ids("aaa"), publicSubnetIds: ids("bbb") };
    });
    mockState("eks:index:Cluster", (a) => ({
        kubeconfigJson: KUBECONFIG,
        oidcProviderArn: OIDC_ARN,
        oidcIssuer: OIDC_ISSUER,
        oidcProviderUrl: `https://${OIDC_ISSUER}`,
        eksCluster: { name: a.inputs.name, version: "1.35", vpcConfig: { clusterSecurityGroupId: EKS_NODE_SG } },
    }));
    mockState("aws:iam/role:Role", (a) => ({ name: a.name, arn: `arn:aws:iam::${ACCOUNT}:role/${a.name}` }));
    mockState("aws:ecr/repository:Repository", (a) => ({
        name: a.name,
        registryId: ACCOUNT,
        repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${a.name}`,
    }));
    // No node groups yet unless a test says otherwise (liveGroups).
    mockCall("aws:eks/getNodeGroups:getNodeGroups", () => ({ names: Object.keys(liveGroups) }));
    mockCall("aws:eks/getNodeGroup:getNodeGroup", (a) => ({ scalingConfigs: [{ desiredSize: liveGroups[String(a.inputs.nodeGroupName)], minSize: 0, maxSize: 10 }] }));
    mockState("aws:ec2/eip:Eip", (a) => {
        const n = Number(/-(\d+)$/.exec(a.name)?.[1] ?? "0");
        return { allocationId: `eipalloc-0${n}`, publicIp: `198.51.100.${n}` };
    });
    mockState("aws:ec2/launchTemplate:LaunchTemplate", () => ({ latestVersion: 3 }));
    mockCall("aws:ecr/getAuthorizationToken:getAuthorizationToken", () => ({ userName: "AWS", password: "pw", proxyEndpoint: "https://x" }));
}

/** Live desired size per physical node group name, as EKS reports it (the autoscaler's choice). */
let liveGroups: Record<string, number> = {};

function args(overrides: Partial<EksClusterArgs> = {}): EksClusterArgs {
    return {
        cluster: { ...CLUSTER, kubernetesVersion: "1.35", nodeSize: "m6i.large", minNodes: 2, maxNodes: 5 },
        network: {},
        ...overrides,
    };
}

const EXISTING = {
    vpcId: "vpc-0a1d5678",
    publicSubnetIds: ["subnet-0ccc0001", "subnet-0ccc0002"],
    privateSubnetIds: ["subnet-0ddd0001", "subnet-0ddd0002"],
};

const ROLE = "aws:iam/role:Role";
const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
const ADDON = "aws:eks/addon:Addon";
const NODE_GROUP = "eks:index:ManagedNodeGroup";

/** The per-zone node groups in zone order (`-nodes-az1`, `-az2`, ...). */
function nodeGroups(resources: ResourceSet): RecordedResource[] {
    return resources.ofType(NODE_GROUP).sort((a, b) => a.name.localeCompare(b.name));
}

function scalingOf(group: RecordedResource): { minSize: number; maxSize: number; desiredSize: number } {
    return group.inputs.scalingConfig as { minSize: number; maxSize: number; desiredSize: number };
}

/** Sum of one scaling field over all groups. */
function total(groups: RecordedResource[], field: "minSize" | "maxSize" | "desiredSize"): number {
    return groups.reduce((sum, g) => sum + scalingOf(g)[field], 0);
}

function assertDependsOnEveryGroup(resource: RecordedResource, resources: ResourceSet): void {
    const groups = nodeGroups(resources);
    assert.ok(groups.length > 1);
    for (const g of groups) assert.ok(resource.dependsOn.includes(g.urn), `${resource.name} waits for ${g.name}`);
}

function attachedPolicies(resources: ResourceSet, role: RecordedResource): string[] {
    return resources
        .ofType(ATTACHMENT)
        .filter((a) => a.inputs.role === role.name)
        .map((a) => a.inputs.policyArn as string)
        .sort();
}

describe("EksCluster", () => {
    beforeEach(() => {
        liveGroups = {};
        mockAws();
    });

    describe("network", () => {
        it("creates an awsx VPC across 3 zones with one NAT gateway, private and public subnets", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const vpc = resources.one("awsx:ec2:Vpc", "eks-vpc");
            assert.equal(vpc.inputs.numberOfAvailabilityZones, 3);
            assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
            assert.deepEqual(vpc.inputs.natGateways, { strategy: "Single" });
            assert.equal(vpc.inputs.subnetStrategy, "Auto");
            assert.equal(vpc.inputs.availabilityZoneCidrMask, 18);
            assert.deepEqual(vpc.inputs.subnetSpecs, [
                { type: "Private", cidrMask: 19, tags: { "kubernetes.io/role/internal-elb": "1" } },
                { type: "Public", cidrMask: 20, tags: { "kubernetes.io/role/elb": "1" } },
            ]);
            assert.equal(vpc.inputs.enableDnsHostnames, true);
            assert.match(vpc.parent, /platform:aws:EksCluster::eks$/);
        });

        it("gives every zone its own NAT gateway with natGateways perZone", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args({ network: { natGateways: "perZone" } })));
            assert.deepEqual(resources.one("awsx:ec2:Vpc", "eks-vpc").inputs.natGateways, { strategy: "OnePerAz" });
        });

        it("counts the Elastic IPs the stack needs: the defaults fit a fresh account's quota of 5", () => {
            const config = (values: Record<string, string>): AwsConfig => readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1", ...values })) as AwsConfig;
            // One NAT gateway plus one address per public subnet.
            assert.equal(elasticIpsNeeded(config({})), 4);
            assert.ok(elasticIpsNeeded(config({})) <= DEFAULT_ELASTIC_IP_QUOTA);
            assert.equal(elasticIpsNeeded(config({ "platform:natGateways": "perZone" })), 6);
            assert.equal(elasticIpsNeeded(config({ "platform:availabilityZones": "6", "platform:natGateways": "perZone" })), 12);
            assert.equal(elasticIpsNeeded(config({ "platform:availabilityZones": "6", "platform:staticIngressAddresses": "false" })), 1);
            // An existing network's NAT is not the stack's.
            const existing = { "platform:vpcId": EXISTING.vpcId, "platform:publicSubnetIds": JSON.stringify(EXISTING.publicSubnetIds), "platform:privateSubnetIds": JSON.stringify(EXISTING.privateSubnetIds) };
            assert.equal(elasticIpsNeeded(config(existing)), 2);
            assert.equal(elasticIpsNeeded(config({ ...existing, "platform:staticIngressAddresses": "false" })), 0);
        });

        it("follows the configured zone count and CIDR", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args({ network: { availabilityZones: 2, vpcCidr: "172.20.0.0/20" } })));
            const vpc = resources.one("awsx:ec2:Vpc");
            assert.equal(vpc.inputs.numberOfAvailabilityZones, 2);
            assert.equal(vpc.inputs.cidrBlock, "172.20.0.0/20");
            assert.equal(vpc.inputs.availabilityZoneCidrMask, 21);
        });

        it("puts the cluster in the new VPC's subnets and the nodes only in its private subnets", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const cluster = resources.one("eks:index:Cluster", "eks-cluster");
            assert.equal(cluster.inputs.vpcId, "vpc-0new1234");
            assert.deepEqual(cluster.inputs.privateSubnetIds, NEW_PRIVATE);
            assert.deepEqual(cluster.inputs.publicSubnetIds, NEW_PUBLIC);
            // One group per zone, each in exactly one private subnet, no two in the same one.
            assert.deepEqual(
                nodeGroups(resources).map((g) => [g.name, g.inputs.subnetIds]),
                NEW_PRIVATE.map((id, i) => [`eks-nodes-az${i + 1}`, [id]]),
            );
        });


        it("uses an existing VPC's ids as given and creates no VPC", async () => {
            const { result, resources } = await runProgram(() => new EksCluster("eks", args({ network: { existingVpc: EXISTING } })));
            assert.equal(resources.ofType("awsx:ec2:Vpc").length, 0);
            // No network of its own: only the nodes' launch template (the ingress addresses are the target's).
            assert.deepEqual([...new Set(resources.all.filter((r) => r.type.startsWith("aws:ec2/")).map((r) => r.type))].sort(), ["aws:ec2/launchTemplate:LaunchTemplate"]);
            const cluster = resources.one("eks:index:Cluster");
            assert.equal(cluster.inputs.vpcId, "vpc-0a1d5678");
            assert.deepEqual(cluster.inputs.privateSubnetIds, EXISTING.privateSubnetIds);
            assert.deepEqual(cluster.inputs.publicSubnetIds, EXISTING.publicSubnetIds);
            assert.deepEqual(
                nodeGroups(resources).map((g) => [g.name, g.inputs.subnetIds]),
                [
                    ["eks-nodes-az1", [EXISTING.privateSubnetIds[0]]],
                    ["eks-nodes-az2", [EXISTING.privateSubnetIds[1]]],
                ],
            );
            assert.equal(await valueOf(result.network.vpcId), "vpc-0a1d5678");
        });

        it("sizes subnets per zone: private half, public quarter, and refuses a VPC too small to split", () => {
            assert.deepEqual(subnetLayout("10.0.0.0/16", 3), { zoneMask: 18, privateMask: 19, publicMask: 20 });
            assert.deepEqual(subnetLayout("10.0.0.0/16", 2), { zoneMask: 17, privateMask: 18, publicMask: 19 });
            assert.deepEqual(subnetLayout("10.0.0.0/16", 6), { zoneMask: 19, privateMask: 20, publicMask: 21 });
            assert.deepEqual(subnetLayout("10.0.0.0/24", 4), { zoneMask: 26, privateMask: 27, publicMask: 28 });
            assert.throws(() => subnetLayout("10.0.0.0/24", 5), /VPC 10\.0\.0\.0\/24 is too small for 5 availability zones: each public subnet would be \/29/);
        });
    });

    describe("control plane", () => {
        it("uses access entries, an OIDC provider, all control-plane logs, the configured version and no default node group", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, kubernetesVersion: "1.34", nodeSize: "m6i.large", minNodes: 2, maxNodes: 5 } })));
            const cluster = resources.one("eks:index:Cluster", "eks-cluster");
            assert.equal(cluster.inputs.authenticationMode, "API");
            assert.equal(cluster.inputs.createOidcProvider, true);
            assert.equal(cluster.inputs.skipDefaultNodeGroup, true);
            assert.deepEqual(cluster.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
            assert.deepEqual([...CONTROL_PLANE_LOG_TYPES], cluster.inputs.enabledClusterLogTypes);
            assert.equal(cluster.inputs.version, "1.34");
            assert.equal(cluster.inputs.endpointPrivateAccess, true);
        });

        it("pins the support type: STANDARD unless extendedSupport, so no minor bills extended support silently", async () => {
            const standard = await runProgram(() => new EksCluster("eks", args()));
            assert.deepEqual(standard.resources.one("eks:index:Cluster").inputs.upgradePolicy, { supportType: "STANDARD" });
            const extended = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, kubernetesVersion: "1.33", extendedSupport: true } })));
            assert.deepEqual(extended.resources.one("eks:index:Cluster").inputs.upgradePolicy, { supportType: "EXTENDED" });
            assert.equal(eksSupportType(false), "STANDARD");
            assert.equal(eksSupportType(true), "EXTENDED");
        });

        it("creates the control-plane log group /aws/eks/<name>/cluster with logRetentionDays before the explicitly named cluster", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, logRetentionDays: 14 } })));
            const cluster = resources.one("eks:index:Cluster", "eks-cluster");
            // Named up front (not auto-named), so the log group's name is known before the cluster exists.
            assert.equal(cluster.inputs.name, CLUSTER_NAME);
            const group = resources.one("aws:cloudwatch/logGroup:LogGroup", "eks-control-plane-logs");
            assert.equal(group.inputs.name, `/aws/eks/${CLUSTER_NAME}/cluster`);
            assert.equal(group.inputs.retentionInDays, 14);
            assert.match(group.parent, /platform:aws:EksCluster::eks$/);
            assert.ok(cluster.dependsOn.includes(group.urn), "EKS would otherwise create the group itself, with no expiry");
            // Deleting it with the stack is the point: no protect, no retainOnDelete.
            assert.equal(group.protect || group.retainOnDelete, false);
        });

        it("derives a stable cluster name EKS accepts from project and stack", () => {
            assert.equal(eksClusterName("platform", "prod"), "platform-prod");
            assert.equal(eksClusterName("platform", "team.eu-west-1"), "platform-team-eu-west-1");
            assert.equal(eksClusterName("_x", "a"), "x-a");
            assert.equal(eksClusterName("p", "s".repeat(200)).length, 100);
            assert.equal(controlPlaneLogGroupName("platform-prod"), "/aws/eks/platform-prod/cluster");
        });

        it("runs the VPC CNI add-on itself, with NetworkPolicy enforcement and its own IRSA role for kube-system/aws-node, before the nodes", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const cluster = resources.one("eks:index:Cluster");
            // eks.Cluster's own add-on could not take a role that trusts the cluster's OIDC provider.
            assert.equal(cluster.inputs.useDefaultVpcCni, true);
            assert.equal(cluster.inputs.vpcCniOptions, undefined);
            const cni = resources.one(ADDON, "eks-vpc-cni");
            assert.equal(cni.inputs.addonName, "vpc-cni");
            assert.equal(cni.inputs.clusterName, CLUSTER_NAME);
            assert.deepEqual(JSON.parse(cni.inputs.configurationValues as string), { enableNetworkPolicy: "true" });
            assert.equal(cni.inputs.preserve, true);
            const role = resources.one(ROLE, "eks-vpc-cni-role");
            assert.equal(cni.inputs.serviceAccountRoleArn, `arn:aws:iam::${ACCOUNT}:role/eks-vpc-cni-role`);
            assert.deepEqual(attachedPolicies(resources, role), ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]);
            assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string), irsaTrustPolicy(OIDC_ARN, OIDC_ISSUER, { namespace: "kube-system", name: "aws-node" }));
            assert.ok(cni.dependsOn.includes(role.urn));
            for (const g of nodeGroups(resources)) assert.ok(g.dependsOn.includes(cni.urn), `${g.name} starts after aws-node has its role`);
            // A stack whose add-on pulumi-eks made adopts it in place.
            assert.deepEqual(cni.aliases, ["name=eks-cluster-vpc-cni;type=;parent=urn:pulumi:test::platform::platform:aws:EksCluster$eks:index:Cluster$eks:index:VpcCniAddon::eks-cluster-vpc-cni"]);
            assert.equal(
                childUrn("urn:pulumi:s::p::platform:aws:EksCluster$eks:index:Cluster::aws-cluster", "eks:index:VpcCniAddon", "aws-cluster-vpc-cni"),
                "urn:pulumi:s::p::platform:aws:EksCluster$eks:index:Cluster$eks:index:VpcCniAddon::aws-cluster-vpc-cni",
            );
        });

        it("limits the public endpoint to apiAllowedCidrs, and leaves it open (EKS's default) when unset", async () => {
            const open = await runProgram(() => new EksCluster("eks", args()));
            assert.equal(open.resources.one("eks:index:Cluster").inputs.publicAccessCidrs, undefined);
            const closed = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, apiAllowedCidrs: ["203.0.113.0/24", "198.51.100.7/32"] } })));
            const cluster = closed.resources.one("eks:index:Cluster");
            assert.deepEqual(cluster.inputs.publicAccessCidrs, ["203.0.113.0/24", "198.51.100.7/32"]);
            assert.equal(cluster.inputs.endpointPublicAccess, true);
        });

        it("gives clusterAdmins the cluster admin policy and clusterReaders the view policy, cluster-wide, through access entries", async () => {
            const admin = "arn:aws:iam::123456789012:role/platform-ci";
            const reader = "arn:aws:iam::123456789012:role/platform-preview";
            const { resources } = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, clusterAdmins: [admin], clusterReaders: [reader] } })));
            const entries = Object.values(resources.one("eks:index:Cluster").inputs.accessEntries as Record<string, AccessEntrySpec>);
            assert.deepEqual(entries, [
                { principalArn: admin, accessPolicies: { admin: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } }, kubernetesGroups: [] },
                { principalArn: reader, accessPolicies: { view: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", accessScope: { type: "cluster" } } }, kubernetesGroups: [] },
            ]);
            // Keys follow the principal, not its position: reordering changes no resource.
            assert.deepEqual(Object.keys(accessEntries(["a", "b"], [])).sort(), Object.keys(accessEntries(["b", "a"], [])).sort());
            assert.deepEqual(accessEntries([], []), {});
            assert.throws(() => accessEntries([admin], [admin]), /platform:clusterAdmins and platform:clusterReaders both name arn:aws:iam::123456789012:role\/platform-ci/);
        });
    });

    describe("nodes", () => {
        it("runs one managed node group per zone whose sizes add up to minNodes..maxNodes, starting at minNodes, on the configured type", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, kubernetesVersion: "1.35", nodeSize: "m6i.xlarge", minNodes: 4, maxNodes: 9 } })));
            const groups = nodeGroups(resources);
            assert.deepEqual(
                groups.map((g) => [g.name, g.inputs.scalingConfig]),
                [
                    ["eks-nodes-az1", { minSize: 2, maxSize: 3, desiredSize: 2 }],
                    ["eks-nodes-az2", { minSize: 1, maxSize: 3, desiredSize: 1 }],
                    ["eks-nodes-az3", { minSize: 1, maxSize: 3, desiredSize: 1 }],
                ],
            );
            assert.equal(total(groups, "minSize"), 4);
            assert.equal(total(groups, "maxSize"), 9);
            assert.equal(total(groups, "desiredSize"), 4);
            for (const g of groups) {
                assert.deepEqual(g.inputs.instanceTypes, ["m6i.xlarge"]);
                assert.equal(g.inputs.operatingSystem, "AL2023");
                assert.equal(g.inputs.version, "1.35");
            }
        });

        it("sends each group's live desired size within the new bounds, so a raised minNodes applies and the autoscaler's size stays", async () => {
            // The autoscaler grew az1 to 4 and az3 to 2; az2 sits at 1. Now minNodes 6, maxNodes 9 (2..3 per zone).
            liveGroups = { "eks-nodes-az1-0a1b2c3": 4, "eks-nodes-az2-4d5e6f7": 1, "eks-nodes-az3-8a9b0c1": 2, "other-group-1234567": 7 };
            const { resources } = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, kubernetesVersion: "1.35", nodeSize: "m6i.large", minNodes: 6, maxNodes: 9 } })));
            assert.deepEqual(nodeGroups(resources).map(scalingOf), [
                // Above the new max: EKS would refuse desired > max; cut to 3.
                { minSize: 2, maxSize: 3, desiredSize: 3 },
                // Below the new min: ignoreScalingChanges re-sent 1 and EKS refused min 2 > desired 1.
                { minSize: 2, maxSize: 3, desiredSize: 2 },
                // Within: kept, no node is removed under running pods.
                { minSize: 2, maxSize: 3, desiredSize: 2 },
            ]);
            for (const g of nodeGroups(resources)) assert.equal(g.inputs.ignoreScalingChanges, undefined, `${g.name} must not re-send a stale desired size`);
        });

        it("starts a group that does not exist yet at its minimum", async () => {
            liveGroups = { "eks-nodes-az1-0a1b2c3": 2 };
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            assert.deepEqual(nodeGroups(resources).map((g) => scalingOf(g).desiredSize), [2, 1, 0]);
        });

        it("clamps a live size into the bounds and finds a group by its Pulumi auto-name only", () => {
            assert.equal(desiredNodeCount({ minSize: 2, maxSize: 5 }, undefined), 2);
            assert.equal(desiredNodeCount({ minSize: 2, maxSize: 5 }, 1), 2);
            assert.equal(desiredNodeCount({ minSize: 2, maxSize: 5 }, 4), 4);
            assert.equal(desiredNodeCount({ minSize: 2, maxSize: 5 }, 9), 5);
            const names = ["aws-nodes-az10-1234567", "aws-nodes-az1-89abcde", "aws-nodes-az1-extra-1234567"];
            assert.equal(autoNamedNodeGroup(names, "aws-nodes-az1"), "aws-nodes-az1-89abcde");
            assert.equal(autoNamedNodeGroup(names, "aws-nodes-az2"), undefined);
        });

        it("launches nodes from a template that requires IMDSv2 with hop limit 1, so pods cannot use the node role", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const template = resources.one("aws:ec2/launchTemplate:LaunchTemplate", "eks-nodes");
            assert.deepEqual(template.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
            for (const g of nodeGroups(resources)) {
                const lt = g.inputs.launchTemplate as { id: string; version: string };
                assert.equal(lt.version, "3");
                assert.match(lt.id, /eks-nodes/);
                assert.equal(g.inputs.enableIMDSv2, undefined, "pulumi-eks's IMDSv2 switch sets hop limit 2");
            }
        });

        it("runs the newest recommended AMI release of the minor and architecture (SSM), so an up patches the nodes", async () => {
            mockCall("aws:ssm/getParameter:getParameter", (a) => ({ name: a.inputs.name, insecureValue: `release-of:${String(a.inputs.name)}`, value: "x" }));
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            for (const g of nodeGroups(resources)) {
                assert.equal(g.inputs.releaseVersion, "release-of:/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/release_version");
            }
            assert.equal(releaseVersionParameter("1.36", "m7g.large"), "/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/arm64/standard/recommended/release_version");
        });

        it("boots every node from an encrypted 20 GiB gp3 root volume, whatever the account's EBS default", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const template = resources.one("aws:ec2/launchTemplate:LaunchTemplate", "eks-nodes");
            assert.deepEqual(template.inputs.blockDeviceMappings, [
                { deviceName: "/dev/xvda", ebs: { volumeType: "gp3", volumeSize: 20, encrypted: "true", deleteOnTermination: "true" } },
            ]);
        });

        it("splits a total across zones exactly, the remainder to the first zones", () => {
            assert.deepEqual(splitAcrossZones(7, 3), [3, 2, 2]);
            assert.deepEqual(splitAcrossZones(6, 3), [2, 2, 2]);
            assert.deepEqual(splitAcrossZones(2, 3), [1, 1, 0]);
            assert.deepEqual(splitAcrossZones(0, 2), [0, 0]);
            assert.throws(() => splitAcrossZones(3, 0), /cannot split 3 nodes across 0 zones/);
            assert.throws(() => splitAcrossZones(2.5, 2), /whole numbers/);
            for (let zones = 1; zones <= 6; zones++) {
                for (let n = 0; n <= 100; n++) {
                    const parts = splitAcrossZones(n, zones);
                    assert.equal(parts.length, zones);
                    assert.equal(parts.reduce((a, b) => a + b, 0), n, `${n} over ${zones}`);
                    assert.ok(Math.max(...parts) - Math.min(...parts) <= 1);
                }
            }
        });

        it("keeps every group's min <= max, desired = min, max >= 1, and the totals of the config", () => {
            // Fewer nodes than zones: the last zone starts empty and the autoscaler scales it from 0.
            assert.deepEqual(nodeGroupScaling(2, 6, 3), [
                { minSize: 1, maxSize: 2, desiredSize: 1 },
                { minSize: 1, maxSize: 2, desiredSize: 1 },
                { minSize: 0, maxSize: 2, desiredSize: 0 },
            ]);
            // EKS needs maxSize >= 1: the only case where the total max exceeds maxNodes.
            assert.deepEqual(
                nodeGroupScaling(1, 2, 3).map((s) => s.maxSize),
                [1, 1, 1],
            );
            for (let zones = 2; zones <= 6; zones++) {
                for (let min = 1; min <= 30; min++) {
                    for (let max = min; max <= 40; max++) {
                        const groups = nodeGroupScaling(min, max, zones);
                        const sum = (f: "minSize" | "maxSize" | "desiredSize"): number => groups.reduce((a, g) => a + g[f], 0);
                        assert.equal(groups.length, zones);
                        assert.equal(sum("minSize"), min);
                        assert.equal(sum("desiredSize"), min);
                        // Exactly maxNodes, unless that is below one node per zone.
                        assert.equal(sum("maxSize"), Math.max(max, zones), `${min}..${max} over ${zones}`);
                        for (const g of groups) {
                            assert.ok(g.minSize <= g.maxSize && g.maxSize >= 1, `${min}..${max} over ${zones}`);
                            assert.equal(g.desiredSize, g.minSize);
                        }
                    }
                }
            }
        });

        it("gives nodes a role with exactly the worker and ECR read-only policies, attached before the group", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const role = resources.one(ROLE, "eks-node-role");
            assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string), {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            });
            // No AmazonEKS_CNI_Policy: the VPC CNI has its own role.
            assert.deepEqual(attachedPolicies(resources, role), [
                "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
                "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            ]);
            const attachments = resources.ofType(ATTACHMENT).filter((a) => a.inputs.role === "eks-node-role");
            for (const group of nodeGroups(resources)) {
                assert.equal(group.inputs.nodeRoleArn, `arn:aws:iam::${ACCOUNT}:role/eks-node-role`);
                for (const a of attachments) assert.ok(group.dependsOn.includes(a.urn), `${group.name} waits for ${a.name}`);
            }
        });
    });

    describe("EBS CSI driver", () => {
        it("installs the aws-ebs-csi-driver add-on with its own role, after every node group", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const addon = resources.one(ADDON, "eks-ebs-csi-driver");
            assert.equal(addon.inputs.addonName, "aws-ebs-csi-driver");
            assert.equal(addon.inputs.clusterName, CLUSTER_NAME);
            assert.equal(addon.inputs.serviceAccountRoleArn, `arn:aws:iam::${ACCOUNT}:role/eks-ebs-csi-role`);
            assert.equal(addon.inputs.addonVersion, "v1.65.0-eksbuild.1");
            assert.equal(addon.inputs.resolveConflictsOnCreate, "OVERWRITE");
            assert.equal(addon.inputs.preserve, true);
            // The controller needs nodes to run on.
            assertDependsOnEveryGroup(addon, resources);
            const policy = resources.ofType(ATTACHMENT).find((a) => a.inputs.role === "eks-ebs-csi-role");
            assert.ok(policy && addon.dependsOn.includes(policy.urn), "the controller starts with its permissions in place");
        });

        it("is deleted only after the workloads and before its role and policy, so Delete-class volumes are released while the driver can act", async () => {
            const { result, resources } = await runProgram(() => aws.target("aws", readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1" })) as AwsConfig));
            const addon = resources.one(ADDON, "aws-ebs-csi-driver");
            // Workloads and PVCs depend on target.dependsOn: destroy deletes them before the add-on.
            const waitedFor = await Promise.all(result.dependsOn.map((r) => valueOf(r.urn)));
            assert.ok(waitedFor.includes(addon.urn), "workloads wait for (and are deleted before) the add-on");
            // The add-on depends on the role and its policy: destroy deletes them after the add-on.
            const role = resources.one(ROLE, "aws-ebs-csi-role");
            const policy = resources.ofType(ATTACHMENT).find((a) => a.inputs.role === "aws-ebs-csi-role");
            assert.ok(policy);
            assert.ok(addon.dependsOn.includes(role.urn), "add-on waits for (and outlives) its role");
            assert.ok(addon.dependsOn.includes(policy.urn), "add-on waits for (and outlives) its policy attachment");
        });

        it("gives the role AmazonEBSCSIDriverPolicy only, assumable by kube-system/ebs-csi-controller-sa alone", async () => {
            const { resources } = await runProgram(() => new EksCluster("eks", args()));
            const role = resources.one(ROLE, "eks-ebs-csi-role");
            assert.deepEqual(attachedPolicies(resources, role), ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]);
            assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: OIDC_ARN },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${OIDC_ISSUER}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa",
                                [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
                            },
                        },
                    },
                ],
            });
        });

        it("pins every managed add-on, kube-proxy included, from the version table: no lookup of AWS's moving default", async () => {
            let lookups = 0;
            mockCall("aws:eks/getAddonVersion:getAddonVersion", () => {
                lookups++;
                return { version: "v0-moving-default" };
            });
            for (const minor of ["1.34", "1.35", "1.36"]) {
                const { resources } = await runProgram(() => new EksCluster("eks", args({ cluster: { ...CLUSTER, kubernetesVersion: minor } })));
                const versions = Object.fromEntries(resources.ofType(ADDON).map((a) => [a.inputs.addonName as string, a.inputs.addonVersion]));
                assert.deepEqual(versions, {
                    "vpc-cni": eksAddonVersion(minor, "vpc-cni"),
                    coredns: eksAddonVersion(minor, "coredns"),
                    "aws-ebs-csi-driver": eksAddonVersion(minor, "aws-ebs-csi-driver"),
                    "metrics-server": eksAddonVersion(minor, "metrics-server"),
                    "snapshot-controller": eksAddonVersion(minor, "snapshot-controller"),
                });
                const cluster = resources.one("eks:index:Cluster");
                assert.equal((cluster.inputs.kubeProxyAddonOptions as { version: string }).version, eksAddonVersion(minor, "kube-proxy"));
            }
            assert.equal(lookups, 0);
        });

        it("writes IRSA conditions against the issuer host, with or without https://", () => {
            const sa = { namespace: "kube-system", name: "ebs-csi-controller-sa" };
            assert.deepEqual(irsaTrustPolicy(OIDC_ARN, `https://${OIDC_ISSUER}`, sa), irsaTrustPolicy(OIDC_ARN, OIDC_ISSUER, sa));
        });
    });

    it("adopts coredns as a managed add-on once the nodes exist", async () => {
        const { resources } = await runProgram(() => new EksCluster("eks", args()));
        const coredns = resources.one(ADDON, "eks-coredns");
        assert.equal(coredns.inputs.addonName, "coredns");
        assert.equal(coredns.inputs.clusterName, CLUSTER_NAME);
        assert.equal(coredns.inputs.addonVersion, "v1.14.3-eksbuild.16");
        assert.equal(coredns.inputs.resolveConflictsOnCreate, "OVERWRITE");
        assertDependsOnEveryGroup(coredns, resources);
    });

    describe("kubeconfig and provider", () => {
        it("exports the cluster's kubeconfig as a secret", async () => {
            const { result } = await runProgram(() => new EksCluster("eks", args()));
            assert.equal(await isSecret(result.kubeconfig), true);
            assert.equal(await valueOf(result.kubeconfig), KUBECONFIG);
        });

        it("builds the Kubernetes provider from the cluster's kubeconfigJson, as a secret input", async () => {
            const { result, resources } = await runProgram(() => new EksCluster("eks", args()));
            const provider = resources.one("pulumi:providers:kubernetes", "eks-k8s");
            assert.equal(provider.inputs.kubeconfig, KUBECONFIG);
            assert.deepEqual(provider.secretInputs, ["kubeconfig"]);
            assert.equal(provider.inputs.context, undefined);
            assert.match(provider.parent, /platform:aws:EksCluster::eks$/);
            assert.match(await valueOf(result.provider.urn), /eks-k8s$/);
        });
    });

    describe("validation", () => {
        it("names every bad argument at once and registers nothing", async () => {
            const bad = args({ network: { availabilityZones: 6, vpcCidr: "10.0.0.0/24" } });
            assert.deepEqual(validateEksClusterArgs(bad), [
                "VPC 10.0.0.0/24 is too small for 6 availability zones: each public subnet would be /29, AWS allows /28 at most; use a larger vpcCidr (such as 10.0.0.0/16) or fewer availability zones",
            ]);
            const { resources } = await runProgram(() => assert.throws(() => new EksCluster("eks", bad), /EksCluster eks: invalid arguments:\n {2}- VPC 10\.0\.0\.0\/24 is too small/));
            assert.equal(resources.all.length, 0);
        });

        it("refuses an existing network with fewer than 2 private subnets or no public one", () => {
            assert.deepEqual(validateEksClusterArgs(args({ network: { existingVpc: { vpcId: "vpc-0a1d5678", privateSubnetIds: ["subnet-0ddd0001"], publicSubnetIds: [] } } })), [
                "existingVpc.privateSubnetIds needs subnets in at least 2 availability zones (EKS requires 2)",
                "existingVpc.publicSubnetIds needs at least 1 subnet for the internet-facing load balancer",
            ]);
            assert.deepEqual(validateEksClusterArgs(args({ network: { existingVpc: EXISTING } })), []);
        });

        it("refuses fewer than 2 availability zones", () => {
            const problems = validateEksClusterArgs(args({ network: { availabilityZones: 1 } }));
            assert.deepEqual(problems, ["availabilityZones must be >= 2 (EKS requires 2), got 1"]);
        });

        it("leaves node counts to config, which refuses them before any component exists", () => {
            assert.throws(() => readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1", "platform:minNodes": "0" })), /platform:minNodes: 0 is out of range/);
            assert.throws(() => readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1", "platform:minNodes": "4", "platform:maxNodes": "3" })), /platform:maxNodes: 3 is less than platform:minNodes \(4\)/);
        });
    });
});

describe("aws target", () => {
    beforeEach(() => {
        liveGroups = {};
        mockAws();
    });

    function awsConfig(values: Record<string, string> = {}): AwsConfig {
        const config = readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1", ...values }));
        assert.equal(config.cloud, "aws");
        return config as AwsConfig;
    }

    it("hands the platform the cluster's provider, a secret kubeconfig, EKS facts and the ECR registry", async () => {
        const { result, resources } = await runProgram(() => aws.target("aws", awsConfig({ "platform:storageTier": "premium" })));
        assert.equal(result.cloud, "aws");
        assert.match(await valueOf(result.provider.urn), /pulumi:providers:kubernetes::aws-k8s$/);
        assert.ok(result.kubeconfig);
        assert.equal(await isSecret(result.kubeconfig), true);
        const { shared, ...block } = result.storage.classes;
        assert.deepEqual({ ...result.storage, classes: { ...block, shared: undefined } }, awsStorageFacts("premium"));
        assert.equal(shared?.provisioner, "efs.csi.aws.com");
        assert.deepEqual(result.nodes, CLUSTER_AUTOSCALER_NODES);
        assert.equal(result.loadBalancer.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
        assert.equal(await valueOf(result.registry.repository), `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/aws-images-repo`);
        assert.equal(result.registry.platform, "linux/amd64");
        assert.equal(resources.ofType("platform:aws:EcrRegistry").length, 1);
    });

    it("installs metrics-server once the nodes exist, so the HPA can scale", async () => {
        const { resources } = await runProgram(() => new EksCluster("eks", args()));
        const metrics = resources.one(ADDON, "eks-metrics-server");
        assert.equal(metrics.inputs.addonName, "metrics-server");
        assert.equal(metrics.inputs.clusterName, CLUSTER_NAME);
        assert.equal(metrics.inputs.addonVersion, "v0.8.1-eksbuild.6");
        assertDependsOnEveryGroup(metrics, resources);
    });

    it("makes every workload wait for the nodes, coredns, the EBS CSI driver, metrics-server and the Cluster Autoscaler", async () => {
        const { result } = await runProgram(() => aws.target("aws", awsConfig()));
        const urns = await Promise.all(result.dependsOn.map((r) => valueOf(r.urn)));
        assert.deepEqual(urns.map((u) => u.split("::").pop()), [
            "aws-vpc-cni",
            "aws-nodes-az1",
            "aws-nodes-az2",
            "aws-nodes-az3",
            "aws-coredns",
            "aws-ebs-csi-driver",
            "aws-metrics-server",
            "aws-snapshot-controller",
            "aws-shared-csi-driver",
            "aws-cluster-autoscaler",
        ]);
    });

    it("passes the configured network and node settings through", async () => {
        const { resources } = await runProgram(() =>
            aws.target(
                "aws",
                awsConfig({
                    "platform:availabilityZones": "4",
                    "platform:vpcCidr": "10.20.0.0/16",
                    "platform:minNodes": "3",
                    "platform:maxNodes": "7",
                    "platform:nodeSize": "m7g.large",
                    "platform:kubernetesVersion": "1.34",
                }),
            ),
        );
        const vpc = resources.one("awsx:ec2:Vpc", "aws-vpc");
        assert.equal(vpc.inputs.numberOfAvailabilityZones, 4);
        assert.equal(vpc.inputs.cidrBlock, "10.20.0.0/16");
        // 4 zones: 3..7 nodes in total become 1,1,1,0 .. 2,2,2,1.
        const groups = nodeGroups(resources);
        assert.deepEqual(
            groups.map((g) => g.name),
            ["aws-nodes-az1", "aws-nodes-az2", "aws-nodes-az3", "aws-nodes-az4"],
        );
        assert.deepEqual(groups.map(scalingOf), [
            { minSize: 1, maxSize: 2, desiredSize: 1 },
            { minSize: 1, maxSize: 2, desiredSize: 1 },
            { minSize: 1, maxSize: 2, desiredSize: 1 },
            { minSize: 0, maxSize: 1, desiredSize: 0 },
        ]);
        assert.equal(total(groups, "minSize"), 3);
        assert.equal(total(groups, "maxSize"), 7);
        assert.deepEqual(
            groups.map((g) => g.inputs.subnetIds),
            ["subnet-0aaa0001", "subnet-0aaa0002", "subnet-0aaa0003", "subnet-0aaa0004"].map((id) => [id]),
        );
        for (const g of groups) assert.deepEqual(g.inputs.instanceTypes, ["m7g.large"]);
        assert.equal(resources.one("eks:index:Cluster").inputs.version, "1.34");
    });

    it("owns one Elastic IP per public subnet, protected like data, put on the NLB and listed as its address", async () => {
        const { result, resources } = await runProgram(() => aws.target("aws", awsConfig()));
        const eips = resources.ofType("aws:ec2/eip:Eip").sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(eips.map((e) => [e.name, e.inputs.domain, e.protect]), [
            ["aws-ingress-1", "vpc", true],
            ["aws-ingress-2", "vpc", true],
            ["aws-ingress-3", "vpc", true],
        ]);
        // The claim on the addresses travels with the address (one Service only may hold it).
        const annotations = result.loadBalancer.address?.annotations ?? {};
        assert.equal(await valueOf(pulumiOutput(annotations["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"])), "eipalloc-01,eipalloc-02,eipalloc-03");
        assert.equal(await valueOf(pulumiOutput(annotations["service.beta.kubernetes.io/aws-load-balancer-subnets"])), NEW_PUBLIC.join(","));
        assert.equal(result.loadBalancer.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
        assert.equal(result.loadBalancer.annotations["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"], undefined);
        assert.ok(result.loadBalancer.address);
        assert.deepEqual(await valueOf(pulumiOutput(result.loadBalancer.address.addresses)), ["198.51.100.1", "198.51.100.2", "198.51.100.3"]);
        // In-tree NLBs take no loadBalancerIP.
        assert.equal(result.loadBalancer.address.loadBalancerIP, undefined);
    });

    it("protects the cluster from deletion while protectData is on, and encrypts Secrets with secretsKmsKey when set", async () => {
        const key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const on = (await runProgram(() => aws.target("aws", awsConfig({ "platform:secretsKmsKey": key })))).resources.one("eks:index:Cluster").inputs;
        assert.equal(on.deletionProtection, true);
        assert.equal(on.encryptionConfigKeyArn, key);
        const off = (await runProgram(() => aws.target("aws", awsConfig({ "platform:protectData": "false" })))).resources.one("eks:index:Cluster").inputs;
        assert.equal(off.deletionProtection, false);
        assert.equal(off.encryptionConfigKeyArn, undefined);
    });

    it("writes every AWS-owned policy ARN in the region's partition (aws-cn, aws-us-gov), none in another", async () => {
        for (const [region, partition] of [["cn-north-1", "aws-cn"], ["us-gov-west-1", "aws-us-gov"], ["eu-west-1", "aws"]] as const) {
            const admin = `arn:${partition}:iam::123456789012:role/ops`;
            const { resources } = await runProgram(() => aws.target("aws", awsConfig({ "aws:region": region, "platform:clusterAdmins": JSON.stringify([admin]) })));
            const arns = resources.ofType(ATTACHMENT).map((a) => String(a.inputs.policyArn));
            const entries = resources.one("eks:index:Cluster").inputs.accessEntries as Record<string, AccessEntrySpec>;
            arns.push(...Object.values(entries).flatMap((e) => Object.values(e.accessPolicies ?? {}).map((p) => p.policyArn)));
            assert.ok(arns.length >= 6, `${region}: ${arns.length} ARNs`);
            for (const arn of arns) assert.ok(arn.startsWith(`arn:${partition}:`), `${region}: ${arn}`);
        }
        assert.equal(awsPartition("us-isob-east-1"), "aws-iso-b");
        assert.equal(awsPartition("us-iso-east-1"), "aws-iso");
    });

    it("staticIngressAddresses false: no Elastic IPs, and the NLB keeps its own addresses (no claim on the Service)", async () => {
        const { result, resources } = await runProgram(() => aws.target("aws", awsConfig({ "platform:staticIngressAddresses": "false" })));
        assert.deepEqual(resources.ofType("aws:ec2/eip:Eip"), []);
        assert.equal(result.loadBalancer.address, undefined);
        assert.equal(result.loadBalancer.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
    });

    it("lifts the addresses' protection with protectData, and gives an existing VPC one address per public subnet", async () => {
        const { resources } = await runProgram(() =>
            aws.target(
                "aws",
                awsConfig({
                    "platform:protectData": "false",
                    "platform:vpcId": EXISTING.vpcId,
                    "platform:publicSubnetIds": JSON.stringify(EXISTING.publicSubnetIds),
                    "platform:privateSubnetIds": JSON.stringify(EXISTING.privateSubnetIds),
                }),
            ),
        );
        assert.deepEqual(resources.ofType("aws:ec2/eip:Eip").map((e) => e.protect), [false, false]);
        assert.throws(() => nlbAddressAnnotations(["eipalloc-1"], ["subnet-1", "subnet-2"]), /one Elastic IP per public subnet: 1 allocations for 2 subnets/);
    });

    it("observability native: the CloudWatch add-on and target.observability; none: neither", async () => {
        const native = await runProgram(() => aws.target("aws", awsConfig()));
        assert.equal(native.resources.ofType("platform:aws:CloudWatchObservability").length, 1);
        const where = (await valueOf(pulumiOutput(native.result.observability))) as Record<string, string>;
        assert.equal(where.controlPlaneLogs, `/aws/eks/${CLUSTER_NAME}/cluster`);
        assert.equal(where.applicationLogs, `/aws/containerinsights/${CLUSTER_NAME}/application`);
        const none = await runProgram(() => aws.target("aws", awsConfig({ "platform:observability": "none" })));
        assert.equal(none.resources.ofType("platform:aws:CloudWatchObservability").length, 0);
        assert.equal(none.resources.ofType(ADDON).filter((a) => a.inputs.addonName === "amazon-cloudwatch-observability").length, 0);
        assert.equal(none.result.observability, undefined);
    });

    it("builds arm64 images when the nodes are Graviton", async () => {
        const { result } = await runProgram(() => aws.target("aws", awsConfig({ "platform:nodeSize": "m7g.large" })));
        assert.equal(result.registry.platform, "linux/arm64");
    });

    it("uses an existing network from config and creates no VPC", async () => {
        const { resources } = await runProgram(() =>
            aws.target(
                "aws",
                awsConfig({
                    "platform:vpcId": EXISTING.vpcId,
                    "platform:publicSubnetIds": JSON.stringify(EXISTING.publicSubnetIds),
                    "platform:privateSubnetIds": JSON.stringify(EXISTING.privateSubnetIds),
                }),
            ),
        );
        assert.equal(resources.ofType("awsx:ec2:Vpc").length, 0);
        assert.equal(resources.one("eks:index:Cluster").inputs.vpcId, EXISTING.vpcId);
        assert.deepEqual(
            nodeGroups(resources).map((g) => g.inputs.subnetIds),
            EXISTING.privateSubnetIds.map((id) => [id]),
        );
        // 2 zones: the default 2..5 nodes become 1,1 .. 3,2.
        assert.deepEqual(nodeGroups(resources).map(scalingOf), [
            { minSize: 1, maxSize: 3, desiredSize: 1 },
            { minSize: 1, maxSize: 2, desiredSize: 1 },
        ]);
    });
});

describe("EKS Auto Mode (platform:nodeMode auto)", () => {
    beforeEach(() => {
        liveGroups = {};
        mockAws();
    });

    function autoConfig(values: Record<string, string> = {}): AwsConfig {
        const config = readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-west-1", "platform:nodeMode": "auto", ...values }));
        assert.equal(config.cloud, "aws");
        return config as AwsConfig;
    }

    const addonNames = (resources: ResourceSet): string[] => resources.ofType(ADDON).map((a) => String(a.inputs.addonName)).sort();

    it("creates the cluster with Auto Mode on, and neither kube-proxy nor CoreDNS as add-ons (Auto Mode runs both itself)", async () => {
        const { resources } = await runProgram(() => aws.target("aws", autoConfig()));
        const cluster = resources.one("eks:index:Cluster");
        // createNodeRole: pulumi-eks makes the node role Auto Mode's NodePools launch with.
        assert.deepEqual(cluster.inputs.autoMode, { enabled: true, createNodeRole: true });
        assert.equal((cluster.inputs.kubeProxyAddonOptions as { enabled?: boolean }).enabled, false);
        assert.equal((cluster.inputs.corednsAddonOptions as { enabled?: boolean }).enabled, false);
        // Auto Mode needs access entries (API authentication); the rest is the managed cluster's.
        assert.equal(cluster.inputs.authenticationMode, "API");
        assert.equal(cluster.inputs.skipDefaultNodeGroup, true);
        assert.equal(cluster.inputs.name, CLUSTER_NAME);
        assert.deepEqual(cluster.inputs.upgradePolicy, { supportType: "STANDARD" });
        assert.deepEqual(cluster.inputs.enabledClusterLogTypes, [...CONTROL_PLANE_LOG_TYPES]);
    });

    it("gives the cluster only the private subnets, where Auto Mode's default NodeClass launches nodes (no public IPs)", async () => {
        const auto = (await runProgram(() => aws.target("aws", autoConfig()))).resources.one("eks:index:Cluster");
        assert.deepEqual(auto.inputs.privateSubnetIds, NEW_PRIVATE);
        assert.equal(auto.inputs.publicSubnetIds, undefined);
        // Managed clusters keep both: their node groups choose the private subnets themselves.
        const managed = (await runProgram(() => aws.target("aws", autoConfig({ "platform:nodeMode": "managed" })))).resources.one("eks:index:Cluster");
        assert.deepEqual(managed.inputs.publicSubnetIds, NEW_PUBLIC);
    });

    it("runs the snapshot controller on the built-in system NodePool, as AWS suggests", async () => {
        const { resources } = await runProgram(() => aws.target("aws", autoConfig()));
        const snapshots = resources.one(ADDON, "aws-snapshot-controller");
        assert.deepEqual(JSON.parse(String(snapshots.inputs.configurationValues)), { nodeSelector: { "karpenter.sh/nodepool": "system" } });
        const managed = await runProgram(() => aws.target("aws", autoConfig({ "platform:nodeMode": "managed" })));
        assert.equal(managed.resources.one(ADDON, "aws-snapshot-controller").inputs.configurationValues, undefined);
    });

    it("has no node groups, node role, launch template, Cluster Autoscaler, VPC CNI, EBS CSI or CoreDNS add-on", async () => {
        const { resources } = await runProgram(() => aws.target("aws", autoConfig()));
        assert.equal(resources.ofType(NODE_GROUP).length, 0);
        assert.equal(resources.ofType("aws:ec2/launchTemplate:LaunchTemplate").length, 0);
        assert.equal(resources.ofType("platform:aws:ClusterAutoscaler").length, 0);
        // What stays: metrics-server for the HPA, the snapshot API (Auto Mode has none), EFS and CloudWatch.
        assert.deepEqual(addonNames(resources), ["amazon-cloudwatch-observability", "aws-efs-csi-driver", "metrics-server", "snapshot-controller"]);
        // Only the IRSA roles of the add-ons that remain (pulumi-eks makes the cluster and node roles).
        assert.deepEqual(resources.ofType(ROLE).map((r) => r.name).sort(), ["aws-observability-role", "aws-shared-csi-role"]);
        const managed = await runProgram(() => aws.target("aws", autoConfig({ "platform:nodeMode": "managed" })));
        assert.ok(addonNames(managed.resources).includes("aws-ebs-csi-driver") && addonNames(managed.resources).includes("vpc-cni"));
    });

    it("hands the platform gp3 and io2 classes on Auto Mode's own EBS provisioner, snapshots by the same driver", async () => {
        for (const tier of ["ssd", "premium"] as const) {
            const { result } = await runProgram(() => aws.target("aws", autoConfig({ "platform:storageTier": tier })));
            const { general, retain, shared } = result.storage.classes;
            for (const c of [general, retain]) {
                assert.equal(c.provisioner, "ebs.csi.eks.amazonaws.com");
                assert.equal(c.volumeBindingMode, "WaitForFirstConsumer");
                assert.equal(c.allowVolumeExpansion, true);
                assert.equal(c.parameters.type, tier === "ssd" ? "gp3" : "io2");
                assert.equal(c.parameters.encrypted, "true");
            }
            assert.deepEqual([general.reclaimPolicy, retain.reclaimPolicy], ["Delete", "Retain"]);
            assert.deepEqual(result.storage.snapshots, { driver: "ebs.csi.eks.amazonaws.com", parameters: {} });
            // Shared files stay on EFS, whose CSI add-on runs on Auto Mode nodes.
            assert.equal(shared?.provisioner, "efs.csi.aws.com");
            assert.equal(result.storage.makeDefault, true);
        }
    });

    it("exposes ingress through one internet-facing Auto Mode NLB that holds the stack's Elastic IPs", async () => {
        const { result } = await runProgram(() => aws.target("aws", autoConfig()));
        const lb = result.loadBalancer;
        assert.equal(lb.serviceType, "LoadBalancer");
        assert.equal(lb.loadBalancerClass, "eks.amazonaws.com/nlb");
        assert.deepEqual(lb.annotations, {
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance",
            "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
        });
        const claim = lb.address?.annotations ?? {};
        assert.equal(await valueOf(pulumiOutput(claim["service.beta.kubernetes.io/aws-load-balancer-eip-allocations"])), "eipalloc-01,eipalloc-02,eipalloc-03");
        assert.equal(await valueOf(pulumiOutput(claim["service.beta.kubernetes.io/aws-load-balancer-subnets"])), NEW_PUBLIC.join(","));
        assert.deepEqual(await valueOf(pulumiOutput(lb.address?.addresses)), ["198.51.100.1", "198.51.100.2", "198.51.100.3"]);
    });

    it("turns on NetworkPolicy enforcement through the cluster's own provider, before any workload", async () => {
        const { result, resources } = await runProgram(() => aws.target("aws", autoConfig()));
        const cm = resources.one("kubernetes:core/v1:ConfigMap", "aws-network-policy");
        assert.deepEqual(cm.inputs.metadata, { ...AUTO_MODE_NETWORK_POLICY.metadata });
        assert.deepEqual(cm.inputs.data, { "enable-network-policy-controller": "true" });
        assert.match(cm.provider, /pulumi:providers:kubernetes::aws-k8s::/);
        const urns = await Promise.all(result.dependsOn.map((r) => valueOf(r.urn)));
        assert.deepEqual(urns.map((u) => u.split("::").pop()), ["aws-network-policy", "aws-metrics-server", "aws-snapshot-controller", "aws-shared-csi-driver"]);
        const managed = await runProgram(() => aws.target("aws", autoConfig({ "platform:nodeMode": "managed" })));
        assert.equal(managed.resources.ofType("kubernetes:core/v1:ConfigMap").length, 0, "with managed nodes the VPC CNI add-on enforces policies");
    });

    it("reports Karpenter's node facts and builds amd64 images, the only architecture of the general-purpose NodePool", async () => {
        const { result } = await runProgram(() => aws.target("aws", autoConfig()));
        assert.deepEqual(result.nodes, KARPENTER_NODES);
        assert.deepEqual(result.nodes.disruption.neverDisrupt, { [KARPENTER_DO_NOT_DISRUPT]: "true" });
        assert.equal(result.registry.platform, "linux/amd64");
    });

    it("installs the add-ons with pods without waiting for node groups (Auto Mode launches nodes for pending pods)", async () => {
        const { resources } = await runProgram(() => aws.target("aws", autoConfig()));
        for (const addon of resources.ofType(ADDON)) {
            assert.ok(!addon.dependsOn.some((u) => u.includes(NODE_GROUP)), `${addon.name} waits for no node group`);
        }
        const cloudwatch = resources.ofType(ADDON).find((a) => a.inputs.addonName === "amazon-cloudwatch-observability");
        assert.ok(cloudwatch?.dependsOn.some((u) => u.endsWith("::aws-observability-application")), "Fluent Bit still finds its log groups made first");
    });

    it("observability native and none work the same as on managed nodes, log retention included", async () => {
        const native = await runProgram(() => aws.target("aws", autoConfig({ "platform:logRetentionDays": "90" })));
        const groups = native.resources.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => [g.inputs.name, g.inputs.retentionInDays]);
        assert.deepEqual(Object.fromEntries(groups), {
            [`/aws/eks/${CLUSTER_NAME}/cluster`]: 90,
            [`/aws/containerinsights/${CLUSTER_NAME}/application`]: 90,
            [`/aws/containerinsights/${CLUSTER_NAME}/dataplane`]: 90,
            [`/aws/containerinsights/${CLUSTER_NAME}/host`]: 90,
            [`/aws/containerinsights/${CLUSTER_NAME}/performance`]: 90,
        });
        assert.equal(((await valueOf(pulumiOutput(native.result.observability))) as Record<string, string>).controlPlaneLogs, `/aws/eks/${CLUSTER_NAME}/cluster`);
        const none = await runProgram(() => aws.target("aws", autoConfig({ "platform:observability": "none" })));
        assert.deepEqual(addonNames(none.resources), ["aws-efs-csi-driver", "metrics-server", "snapshot-controller"]);
        assert.deepEqual(none.resources.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.name), [`/aws/eks/${CLUSTER_NAME}/cluster`]);
        assert.equal(none.result.observability, undefined);
    });

    describe("switching nodeMode on a running cluster", () => {
        it("is allowed while no cluster exists, and a no-op when the mode stays", () => {
            assert.equal(nodeModeSwitchProblem("c", undefined, "auto"), undefined);
            assert.equal(nodeModeSwitchProblem("c", "auto", "auto"), undefined);
            assert.equal(nodeModeSwitchProblem("c", "managed", "managed"), undefined);
        });

        it("is refused both ways, naming the key, the driver that made the volumes and how to keep the mode", () => {
            assert.equal(
                nodeModeSwitchProblem("platform-prod", "managed", "auto"),
                'platform:nodeMode: "auto" cannot be applied to the running EKS cluster platform-prod, which runs managed node groups: its volumes (Postgres\'s among them) were made by ebs.csi.aws.com, which Auto Mode cannot attach. Keep it with: pulumi config set platform:nodeMode managed; to move, see docs/aws.md "Changing nodeMode on AWS" (a new stack and a restore, or AWS\'s volume migration by hand)',
            );
            assert.match(nodeModeSwitchProblem("platform-prod", "auto", "managed") ?? "", /runs EKS Auto Mode: .* made by ebs\.csi\.eks\.amazonaws\.com, which the EBS CSI driver cannot attach\. Keep it with: pulumi config set platform:nodeMode auto;/);
        });

        it("reads the live cluster's compute config and refuses before anything is registered", async () => {
            const clusters: Record<string, boolean> = { [CLUSTER_NAME]: false, "someone-else": true };
            mockCall("aws:eks/getClusters:getClusters", () => ({ names: Object.keys(clusters) }));
            mockCall("aws:eks/getCluster:getCluster", (a) => ({ name: a.inputs.name, computeConfigs: [{ enabled: clusters[String(a.inputs.name)] }] }));
            // A guard: platform:preflight off does not skip it.
            const guard = (config: AwsConfig, name: string) => runPreflight([nodeModeGuard(config, name)], { mode: "off", warn: () => undefined });
            const { resources } = await runProgram(async () => {
                await assert.rejects(guard(autoConfig(), CLUSTER_NAME), /platform:nodeMode: "auto" cannot be applied to the running EKS cluster platform-test, which runs managed node groups/);
                await guard(autoConfig({ "platform:nodeMode": "managed" }), CLUSTER_NAME);
                // Another stack's cluster in the account is not this stack's business.
                await guard(autoConfig(), "platform-fresh");
            });
            assert.equal(resources.all.length, 0);
            clusters[CLUSTER_NAME] = true;
            await runProgram(() => assert.rejects(guard(autoConfig({ "platform:nodeMode": "managed" }), CLUSTER_NAME), /which runs EKS Auto Mode/));
        });
    });
});
