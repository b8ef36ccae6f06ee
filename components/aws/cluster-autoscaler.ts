/**
 * The Kubernetes Cluster Autoscaler on EKS. Managed node groups keep whatever desired size they were
 * given: without this, `minNodes`/`maxNodes` are only bounds and the cluster never grows or shrinks
 * (GKE and AKS scale their pools themselves).
 *
 * The autoscaler finds each zone's node group's Auto Scaling group by the tags EKS puts on every
 * managed node group's ASG (`k8s.io/cluster-autoscaler/enabled`, `k8s.io/cluster-autoscaler/<cluster>`),
 * so nothing needs tagging here. It changes only the ASG's desired capacity, within its min/max;
 * the node groups have `ignoreScalingChanges` so Pulumi does not reset that on the next `up`.
 *
 * Installed with `helm.v3.Release` like the platform's other charts; AWS credentials come through
 * IRSA: a role only `kube-system/cluster-autoscaler` of this cluster can assume.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "./iam";
import type { ChartSource } from "../../config";
import { chartLocation, RELEASE_POLICY } from "../platform/helm";

export const CLUSTER_AUTOSCALER_CHART = "cluster-autoscaler";
export const CLUSTER_AUTOSCALER_REPOSITORY = "https://kubernetes.github.io/autoscaler";
export const CLUSTER_AUTOSCALER_IMAGE = "registry.k8s.io/autoscaling/cluster-autoscaler";
/** Helm release name and `fullnameOverride`: the Deployment, Service and leader lease are named after it. */
export const CLUSTER_AUTOSCALER_RELEASE = "cluster-autoscaler";
/** The service account the chart creates; the IAM role trusts exactly this one. */
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = { namespace: "kube-system", name: "cluster-autoscaler" } as const;

export interface ClusterAutoscalerVersion {
    /** Chart version: the newest release of the chart whose `appVersion` has this minor. */
    chart: string;
    /** Image tag, pinned explicitly: the newest patch release of this minor that was checked. */
    image: string;
}

/**
 * The autoscaler's minor must equal Kubernetes' minor: it embeds that release's scheduler code
 * to simulate placements (cluster-autoscaler README, "Releases").
 *
 * Chart versions and their `appVersion`s from the chart repository's index
 * (kubernetes/autoscaler gh-pages index.yaml, as of chart 9.56.0, 2026-03-02): appVersion 1.31.0
 * last in 9.44.0, 1.32.0 last in 9.46.6, 1.33.0 last in 9.51.0, 1.34.2 in 9.53.0 (the last 1.34
 * chart), 1.35.0 in 9.54.0-9.56.0. Image tags are newer patch releases of the same minor:
 * v1.33.6 and v1.34.5 (GitHub releases cluster-autoscaler-1.33.6 / -1.34.5), v1.31.4 and v1.32.3
 * (pinned by kubernetes/kops#17640); for 1.35 no patch release was confirmed, so the chart's v1.35.0.
 *
 * 1.36 (accepted with `gateway`): no chart packages a 1.36 autoscaler yet. Chart 9.59.0 is the newest
 * (appVersion 1.35.0; kubermatic/kubermatic#16253, 2026-08-13; kubernetes/autoscaler#10169, which
 * would have made 9.60.0 with 1.36.1, was closed unmerged), so the image tag is overridden with
 * v1.36.1 (release cluster-autoscaler-1.36.1, 2026-07-23; the image is in registry.k8s.io), as the
 * tag is for every row. unverified: that 9.59.0's RBAC covers everything 1.36.1 reads (not
 * renderable against a cluster here).
 */
export const CLUSTER_AUTOSCALER_VERSIONS: Readonly<Record<string, ClusterAutoscalerVersion>> = {
    "1.31": { chart: "9.44.0", image: "v1.31.4" },
    "1.32": { chart: "9.46.6", image: "v1.32.3" },
    "1.33": { chart: "9.51.0", image: "v1.33.6" },
    "1.34": { chart: "9.53.0", image: "v1.34.5" },
    "1.35": { chart: "9.56.0", image: "v1.35.0" },
    "1.36": { chart: "9.59.0", image: "v1.36.1" },
};

/** The chart and image for a cluster's `MAJOR.MINOR` (a patch, if given, is ignored). */
export function clusterAutoscalerVersion(kubernetesVersion: string): ClusterAutoscalerVersion {
    const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(kubernetesVersion.trim());
    const minor = m ? `${m[1]}.${m[2]}` : undefined;
    const version = minor === undefined ? undefined : CLUSTER_AUTOSCALER_VERSIONS[minor];
    if (version === undefined) {
        throw new Error(
            `no Cluster Autoscaler release is pinned for Kubernetes ${kubernetesVersion}; supported: ${Object.keys(CLUSTER_AUTOSCALER_VERSIONS).join(", ")} (add a row to CLUSTER_AUTOSCALER_VERSIONS: the autoscaler's minor must match the cluster's)`,
        );
    }
    return version;
}

/** Read-only calls the autoscaler makes on any group; AWS offers no resource-level scoping for them. */
export const CLUSTER_AUTOSCALER_DESCRIBE_ACTIONS = [
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingInstances",
    "autoscaling:DescribeLaunchConfigurations",
    "autoscaling:DescribeScalingActivities",
    // Auto-discovery reads the ASG tags.
    "autoscaling:DescribeTags",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    // Managed node groups launch from launch templates.
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceTypesFromInstanceRequirements",
    // Node group labels/taints, for scale-up from zero.
    "eks:DescribeNodegroup",
] as const;

/** The only write calls; allowed only on groups tagged as this cluster's (see the policy). */
export const CLUSTER_AUTOSCALER_SCALING_ACTIONS = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"] as const;

/**
 * Least-privilege policy per the autoscaler's AWS docs (cloudprovider/aws/README.md, IAM policy):
 * Describe* on `*`, and the two scaling actions only on ASGs that carry both auto-discovery tags
 * for this cluster, so the autoscaler can never resize another cluster's (or any other) group.
 */
export function clusterAutoscalerPolicy(clusterName: string): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DescribeScalingState",
                Effect: "Allow",
                Action: [...CLUSTER_AUTOSCALER_DESCRIBE_ACTIONS],
                Resource: "*",
            },
            {
                Sid: "ScaleThisClustersGroups",
                Effect: "Allow",
                Action: [...CLUSTER_AUTOSCALER_SCALING_ACTIONS],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "aws:ResourceTag/k8s.io/cluster-autoscaler/enabled": "true",
                        [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned",
                    },
                },
            },
        ],
    };
}

export interface ClusterAutoscalerValuesArgs {
    clusterName: string;
    region: string;
    roleArn: string;
    kubernetesVersion: string;
    resources?: Record<string, unknown>;
}

/** Requests sized for a small cluster; memory limit only, so the autoscaler is never CPU-throttled. */
export const DEFAULT_CLUSTER_AUTOSCALER_RESOURCES = {
    requests: { cpu: "100m", memory: "300Mi" },
    limits: { memory: "600Mi" },
} as const;

/** The chart values: pure, so tests can check them without a cluster. */
export function clusterAutoscalerValues(args: ClusterAutoscalerValuesArgs): Record<string, unknown> {
    const version = clusterAutoscalerVersion(args.kubernetesVersion);
    return {
        fullnameOverride: CLUSTER_AUTOSCALER_RELEASE,
        cloudProvider: "aws",
        awsRegion: args.region,
        // Discovers ASGs tagged k8s.io/cluster-autoscaler/enabled and k8s.io/cluster-autoscaler/<name>.
        autoDiscovery: { clusterName: args.clusterName },
        image: { repository: CLUSTER_AUTOSCALER_IMAGE, tag: version.image },
        rbac: {
            create: true,
            serviceAccount: {
                create: true,
                name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT.name,
                annotations: { "eks.amazonaws.com/role-arn": args.roleArn },
            },
        },
        extraArgs: {
            // One node group per zone (for zonal EBS volumes): keep them balanced across zones.
            "balance-similar-node-groups": true,
            // coredns, the EBS CSI controller and other kube-system Deployments are replicated and
            // carry PDBs: they must not pin every node they land on.
            "skip-nodes-with-system-pods": false,
            expander: "least-waste",
        },
        // One replica: the autoscaler elects a leader, so a second replica would only stand by. A
        // restart or reschedule delays scaling by a minute and never touches traffic. The chart's
        // PDB (maxUnavailable 1) keeps node drains possible.
        replicaCount: 1,
        priorityClassName: "system-cluster-critical",
        // The autoscaler must not drain the node it runs on in the middle of its own decision
        // (AWS EKS guide); that node is one of the minNodes anyway.
        podAnnotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
        resources: args.resources ?? DEFAULT_CLUSTER_AUTOSCALER_RESOURCES,
    };
}

export interface ClusterAutoscalerArgs {
    /** EKS cluster name: the auto-discovery tags and the IAM condition use it. */
    clusterName: pulumi.Input<string>;
    /** AWS region of the cluster (`aws:region`). */
    region: pulumi.Input<string>;
    /** The cluster's `MAJOR.MINOR`; picks chart and image (see `CLUSTER_AUTOSCALER_VERSIONS`). */
    kubernetesVersion: string;
    /** The cluster's IAM OIDC provider ARN and issuer (with or without https://), for IRSA. */
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
    /** The cluster's explicit Kubernetes provider; the release never uses the ambient kubeconfig. */
    provider: k8s.Provider;
    /** What the release waits for: the node groups (the autoscaler needs a node to run on). Default none. */
    dependsOn?: pulumi.Resource[];
    /** Pod resources. Default `DEFAULT_CLUSTER_AUTOSCALER_RESOURCES`. */
    resources?: Record<string, unknown>;
    /** Helm wait timeout in seconds. Default 600. */
    timeoutSeconds?: number;
    /** Where the chart comes from (`platform:chartSources`); default its public repository. */
    chartSource?: ChartSource;
}

export class ClusterAutoscaler extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly release: k8s.helm.v3.Release;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: ClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
        const version = clusterAutoscalerVersion(args.kubernetesVersion);
        super("platform:aws:ClusterAutoscaler", name, {}, opts);

        const sa = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: pulumi
                    .all([args.oidcProviderArn, args.oidcIssuer])
                    .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, sa))),
                description: `Cluster Autoscaler of ${name} (${sa.namespace}/${sa.name})`,
            },
            { parent: this },
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: this.role.name,
                policy: pulumi.output(args.clusterName).apply((clusterName) => JSON.stringify(clusterAutoscalerPolicy(clusterName))),
            },
            { parent: this },
        );
        this.roleArn = this.role.arn;

        const values = pulumi
            .all([args.clusterName, args.region, this.role.arn])
            .apply(([clusterName, region, roleArn]) =>
                clusterAutoscalerValues({ clusterName, region, roleArn, kubernetesVersion: args.kubernetesVersion, resources: args.resources }),
            );

        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            {
                name: CLUSTER_AUTOSCALER_RELEASE,
                ...chartLocation({ name: CLUSTER_AUTOSCALER_CHART, version: version.chart, home: { kind: "repository", url: CLUSTER_AUTOSCALER_REPOSITORY } }, args.chartSource),
                namespace: sa.namespace,
                values,
                ...RELEASE_POLICY,
                timeout: args.timeoutSeconds ?? 600,
            },
            // The pod must start with its permissions in place, on a node of the group it scales.
            { parent: this, provider: args.provider, dependsOn: [policy, ...(args.dependsOn ?? [])] },
        );

        this.registerOutputs({ roleArn: this.roleArn, chartVersion: version.chart, imageTag: version.image });
    }
}
