import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { target as awsTarget } from "../../../components/aws/target";
import {
    CLUSTER_AUTOSCALER_SCALING_ACTIONS,
    CLUSTER_AUTOSCALER_VERSIONS,
    ClusterAutoscaler,
    type ClusterAutoscalerArgs,
    clusterAutoscalerPolicy,
    clusterAutoscalerValues,
    clusterAutoscalerVersion,
} from "../../../components/aws/cluster-autoscaler";
import { mapConfigSource, readConfig, type AwsConfig } from "../../../config";
import { CALENDARS, supportPhase } from "../../../facts/versions";
import { mockCall, mockState, type RecordedResource, type ResourceSet, runProgram, valueOf } from "../../harness/mocks";

const ACCOUNT = "123456789012";
const CLUSTER_NAME = "eks-cluster-eksCluster-0a1b2c3";
const OIDC_ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/5C0FFEE5C0FFEE5C0FFEE5C0FFEE";
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC_ISSUER}`;
const RELEASE = "kubernetes:helm.sh/v3:Release";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const SUPPORTED_MINORS = ["1.31", "1.32", "1.33", "1.34", "1.35", "1.36"];

function mockAws(): void {
    mockState("awsx:ec2:Vpc", () => ({ vpcId: "vpc-0new1234", privateSubnetIds: ["subnet-a", "subnet-b", "subnet-d"], publicSubnetIds: ["subnet-c", "subnet-e", "subnet-f"] }));
    mockState("eks:index:Cluster", () => ({
        kubeconfigJson: "{}",
        oidcProviderArn: OIDC_ARN,
        oidcIssuer: OIDC_ISSUER,
        eksCluster: { name: CLUSTER_NAME },
    }));
    mockState(ROLE, (a) => ({ name: a.name, arn: `arn:aws:iam::${ACCOUNT}:role/${a.name}` }));
    mockState("aws:ecr/repository:Repository", (a) => ({ name: a.name, registryId: ACCOUNT, repositoryUrl: `${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/${a.name}` }));
    mockCall("aws:eks/getAddonVersion:getAddonVersion", () => ({ version: "v1-eksbuild.1" }));
    mockCall("aws:ecr/getAuthorizationToken:getAuthorizationToken", () => ({ userName: "AWS", password: "pw", proxyEndpoint: "https://x" }));
}

interface Values {
    fullnameOverride: string;
    cloudProvider: string;
    awsRegion: string;
    autoDiscovery: { clusterName: string };
    image: { repository: string; tag: string };
    rbac: { serviceAccount: { create: boolean; name: string; annotations: Record<string, string> } };
    extraArgs: Record<string, unknown>;
    replicaCount: number;
    resources: Record<string, unknown>;
}

interface Statement {
    Sid: string;
    Effect: string;
    Action: string[];
    Resource: string;
    Condition?: { StringEquals: Record<string, string> };
}

function component(overrides: Partial<ClusterAutoscalerArgs> = {}): ClusterAutoscaler {
    const provider = new k8s.Provider("eks-k8s", { kubeconfig: "{}" });
    return new ClusterAutoscaler("eks-cluster-autoscaler", {
        clusterName: CLUSTER_NAME,
        region: "eu-west-1",
        kubernetesVersion: "1.35",
        oidcProviderArn: OIDC_ARN,
        oidcIssuer: `https://${OIDC_ISSUER}`,
        provider,
        ...overrides,
    });
}

function statements(resources: ResourceSet): Statement[] {
    const policy = resources.one(ROLE_POLICY, "eks-cluster-autoscaler-policy");
    return (JSON.parse(policy.inputs.policy as string) as { Statement: Statement[] }).Statement;
}

function values(release: RecordedResource): Values {
    return release.inputs.values as Values;
}

describe("ClusterAutoscaler", () => {
    beforeEach(mockAws);

    describe("version table", () => {
        it("covers every Kubernetes minor the platform supports, 1.31-1.36", () => {
            assert.deepEqual(Object.keys(CLUSTER_AUTOSCALER_VERSIONS).sort(), SUPPORTED_MINORS);
        });

        it("covers every minor the EKS calendar still creates on its checkedOn date (1.36+ with gateway included)", () => {
            const checkedOn = new Date(`${CALENDARS.aws.checkedOn}T00:00:00Z`);
            for (const entry of CALENDARS.aws.minors.filter((e) => supportPhase(e, checkedOn) !== "gone")) {
                assert.ok(CLUSTER_AUTOSCALER_VERSIONS[entry.minor], `no autoscaler row for ${entry.minor}`);
            }
        });

        for (const minor of SUPPORTED_MINORS) {
            it(`pins an image of the same minor for Kubernetes ${minor}`, () => {
                const { chart, image } = clusterAutoscalerVersion(minor);
                assert.match(image, new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+$`));
                assert.match(chart, /^9\.\d+\.\d+$/);
            });
        }

        it("pins the checked chart releases (last chart of each appVersion minor)", () => {
            assert.deepEqual(
                Object.fromEntries(Object.entries(CLUSTER_AUTOSCALER_VERSIONS).map(([minor, v]) => [minor, v.chart])),
                { "1.31": "9.44.0", "1.32": "9.46.6", "1.33": "9.51.0", "1.34": "9.53.0", "1.35": "9.56.0", "1.36": "9.59.0" },
            );
        });

        it("ignores a patch version and refuses an unpinned minor", () => {
            assert.deepEqual(clusterAutoscalerVersion("1.33.4"), CLUSTER_AUTOSCALER_VERSIONS["1.33"]);
            assert.throws(() => clusterAutoscalerVersion("1.37"), /no Cluster Autoscaler release is pinned for Kubernetes 1\.37; supported: 1\.31, 1\.32, 1\.33, 1\.34, 1\.35, 1\.36/);
            assert.throws(() => clusterAutoscalerVersion("1.30"), /Kubernetes 1\.30/);
            assert.throws(() => clusterAutoscalerVersion("latest"), /Kubernetes latest/);
        });

        it("refuses an unpinned minor before registering anything", async () => {
            const { resources } = await runProgram(() => assert.throws(() => component({ kubernetesVersion: "1.37" }), /1\.37/));
            assert.equal(resources.ofType(RELEASE).length, 0);
            assert.equal(resources.ofType(ROLE).length, 0);
        });
    });

    describe("helm release", () => {
        it("installs chart cluster-autoscaler from kubernetes.github.io/autoscaler into kube-system", async () => {
            const { resources } = await runProgram(() => component());
            const release = resources.one(RELEASE, "eks-cluster-autoscaler-release");
            assert.equal(release.inputs.chart, "cluster-autoscaler");
            assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://kubernetes.github.io/autoscaler" });
            assert.equal(release.inputs.version, "9.56.0");
            assert.equal(release.inputs.name, "cluster-autoscaler");
            assert.equal(release.inputs.namespace, "kube-system");
            assert.equal(release.inputs.createNamespace, false);
            assert.equal(release.inputs.skipAwait, false);
        });

        for (const minor of SUPPORTED_MINORS) {
            it(`runs chart and image of minor ${minor} on a ${minor} cluster`, async () => {
                const { resources } = await runProgram(() => component({ kubernetesVersion: minor }));
                const release = resources.one(RELEASE);
                assert.equal(release.inputs.version, CLUSTER_AUTOSCALER_VERSIONS[minor].chart);
                const image = values(release).image;
                assert.equal(image.repository, "registry.k8s.io/autoscaling/cluster-autoscaler");
                assert.equal(image.tag, CLUSTER_AUTOSCALER_VERSIONS[minor].image);
                assert.ok(image.tag.startsWith(`v${minor}.`), `image ${image.tag} must be Kubernetes ${minor}'s minor`);
            });
        }

        it("discovers this cluster's groups in its region, as the IRSA service account", async () => {
            const { resources } = await runProgram(() => component());
            const v = values(resources.one(RELEASE));
            assert.equal(v.cloudProvider, "aws");
            assert.deepEqual(v.autoDiscovery, { clusterName: CLUSTER_NAME });
            assert.equal(v.awsRegion, "eu-west-1");
            assert.equal(v.rbac.serviceAccount.create, true);
            assert.equal(v.rbac.serviceAccount.name, "cluster-autoscaler");
            assert.deepEqual(v.rbac.serviceAccount.annotations, {
                "eks.amazonaws.com/role-arn": `arn:aws:iam::${ACCOUNT}:role/eks-cluster-autoscaler-role`,
            });
        });

        it("balances similar groups, may drain kube-system pods and expands least-waste", async () => {
            const { resources } = await runProgram(() => component());
            const v = values(resources.one(RELEASE));
            assert.deepEqual(v.extraArgs, {
                "balance-similar-node-groups": true,
                "skip-nodes-with-system-pods": false,
                expander: "least-waste",
            });
            assert.equal(v.replicaCount, 1);
            assert.deepEqual(v.resources, { requests: { cpu: "100m", memory: "300Mi" }, limits: { memory: "600Mi" } });
        });

        it("keeps its own pod from being evicted by a scale-down (safe-to-evict: \"false\")", async () => {
            const { resources } = await runProgram(() => component());
            const podAnnotations = (resources.one(RELEASE).inputs.values as { podAnnotations?: Record<string, unknown> }).podAnnotations;
            // The string "false": the autoscaler reads the annotation's text, a boolean would not validate as one.
            assert.deepEqual(podAnnotations, { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
        });

        it("uses the cluster's provider, and waits for the node group and its own permissions", async () => {
            // Any custom resource stands in for the node group.
            const nodes = new aws.cloudwatch.LogGroup("eks-nodes", {});
            const { resources } = await runProgram(() => component({ dependsOn: [nodes] }));
            const release = resources.one(RELEASE);
            const provider = resources.one("pulumi:providers:kubernetes", "eks-k8s");
            assert.equal(release.provider, `${provider.urn}::eks-k8s-id`);
            assert.ok(release.dependsOn.includes(resources.one("aws:cloudwatch/logGroup:LogGroup").urn), "needs a node to run on");
            assert.ok(release.dependsOn.includes(resources.one(ROLE_POLICY).urn), "starts with its permissions in place");
            assert.deepEqual(
                resources.kubernetesObjects().map((o) => o.type),
                [RELEASE],
            );
        });

        it("parents every child to the component", async () => {
            const { resources } = await runProgram(() => component());
            const self = resources.one("platform:aws:ClusterAutoscaler", "eks-cluster-autoscaler");
            for (const r of [resources.one(ROLE), resources.one(ROLE_POLICY), resources.one(RELEASE)]) {
                assert.equal(r.parent, self.urn, r.name);
                assert.ok(r.name.startsWith("eks-cluster-autoscaler-"), r.name);
            }
        });
    });

    describe("IAM", () => {
        it("lets only kube-system/cluster-autoscaler of this cluster assume the role", async () => {
            const { resources } = await runProgram(() => component());
            assert.deepEqual(JSON.parse(resources.one(ROLE, "eks-cluster-autoscaler-role").inputs.assumeRolePolicy as string), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Federated: OIDC_ARN },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: {
                            StringEquals: {
                                [`${OIDC_ISSUER}:sub`]: "system:serviceaccount:kube-system:cluster-autoscaler",
                                [`${OIDC_ISSUER}:aud`]: "sts.amazonaws.com",
                            },
                        },
                    },
                ],
            });
        });

        it("allows the scaling actions only on groups tagged for this cluster", async () => {
            const { resources } = await runProgram(() => component());
            assert.equal(resources.one(ROLE_POLICY).inputs.role, "eks-cluster-autoscaler-role");
            const all = statements(resources);
            const scaling = all.filter((s) => s.Action.some((a) => (CLUSTER_AUTOSCALER_SCALING_ACTIONS as readonly string[]).includes(a)));
            assert.equal(scaling.length, 1);
            assert.deepEqual([...scaling[0].Action].sort(), ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
            assert.deepEqual(scaling[0].Condition, {
                StringEquals: {
                    "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
                    [`aws:ResourceTag/k8s.io/cluster-autoscaler/${CLUSTER_NAME}`]: "owned",
                },
            });
        });

        it("grants nothing but Describe/Get reads without that condition", () => {
            for (const s of clusterAutoscalerPolicy(CLUSTER_NAME).Statement as Statement[]) {
                assert.equal(s.Effect, "Allow");
                if (s.Condition) continue;
                for (const action of s.Action) assert.match(action, /^(autoscaling|ec2|eks):(Describe|Get)/, action);
                assert.ok(s.Action.includes("eks:DescribeNodegroup"));
                assert.ok(s.Action.includes("autoscaling:DescribeTags"), "auto-discovery reads ASG tags");
            }
        });
    });

    it("builds values that fail for an unpinned version too", () => {
        assert.throws(() => clusterAutoscalerValues({ clusterName: "c", region: "r", roleArn: "a", kubernetesVersion: "1.29" }), /1\.29/);
    });
});

describe("aws target with the Cluster Autoscaler", () => {
    beforeEach(mockAws);

    function awsConfig(values: Record<string, string> = {}): AwsConfig {
        const config = readConfig(mapConfigSource({ "platform:cloud": "aws", "aws:region": "eu-central-1", ...values }));
        assert.equal(config.cloud, "aws");
        return config as AwsConfig;
    }

    it("installs the autoscaler for the cluster's version, region and OIDC provider, with the cluster's provider, after the nodes", async () => {
        const { resources } = await runProgram(() => awsTarget("aws", awsConfig({ "platform:kubernetesVersion": "1.34" })));
        const release = resources.one(RELEASE, "aws-cluster-autoscaler-release");
        assert.equal(release.inputs.version, CLUSTER_AUTOSCALER_VERSIONS["1.34"].chart);
        const v = values(release);
        assert.equal(v.image.tag, CLUSTER_AUTOSCALER_VERSIONS["1.34"].image);
        assert.equal(v.awsRegion, "eu-central-1");
        assert.deepEqual(v.autoDiscovery, { clusterName: CLUSTER_NAME });
        assert.match(release.provider, /^urn:pulumi:test::platform::platform:aws:EksCluster\$pulumi:providers:kubernetes::aws-k8s::/);
        const groups = resources.ofType("eks:index:ManagedNodeGroup");
        assert.deepEqual(groups.map((g) => g.name).sort(), ["aws-nodes-az1", "aws-nodes-az2", "aws-nodes-az3"]);
        for (const g of groups) assert.ok(release.dependsOn.includes(g.urn), `the release waits for ${g.name}`);
        const trust = JSON.parse(resources.one(ROLE, "aws-cluster-autoscaler-role").inputs.assumeRolePolicy as string) as {
            Statement: { Principal: { Federated: string } }[];
        };
        assert.equal(trust.Statement[0].Principal.Federated, OIDC_ARN);
        // The desired size the program sends is the live one (cluster.test.ts): it never undoes the autoscaler.
        for (const g of groups) assert.equal(g.inputs.ignoreScalingChanges, undefined, g.name);
    });

    it("hands the component to the platform as a dependency of every workload", async () => {
        const { result } = await runProgram(() => awsTarget("aws", awsConfig()));
        const last = result.dependsOn[result.dependsOn.length - 1];
        assert.ok(last instanceof ClusterAutoscaler);
        assert.equal(await valueOf(last.roleArn), `arn:aws:iam::${ACCOUNT}:role/aws-cluster-autoscaler-role`);
    });
});
