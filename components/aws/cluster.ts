/**
 * The EKS cluster: the control plane (explicitly named, its log group first), who may use it
 * (access entries), the add-ons every node mode needs (metrics-server, the snapshot controller) and
 * the cluster's own Kubernetes provider. The network comes from ./network.ts and the nodes from the
 * node mode (./nodes/), which this component asks and never branches on.
 *
 * Every `@pulumi/eks` and `@pulumi/awsx` resource is a multi-language component: under mocks each is
 * one resource with only the outputs the test returns, so the decisions (subnet sizes, policies,
 * trust, versions) live in small exported functions that tests call directly.
 */
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { ClusterSettings } from "../../config";
import type { TeamAccess, TeamGrant } from "../cluster/contract";
import { eksAddonVersion, type EksAddon } from "./addon-versions";
import { awsPartition, inPartition } from "./iam";
import { eksNetwork, validateEksNetworkArgs, type EksNetwork, type EksNetworkArgs } from "./network";
import { EKS_NODE_MODES } from "./nodes/index";
import type { EksNodeMode } from "./nodes/mode";

/** Every control-plane log stream EKS offers; audit and authenticator are the ones an incident needs. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

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
    accessPolicies?: { [key: string]: { policyArn: string; accessScope: { type: "cluster" } } };
    /** Kubernetes groups the principal is put in: a team's `edit` RoleBinding names its group. */
    kubernetesGroups?: string[];
}

/**
 * The Kubernetes group of a team's editors on EKS. An access entry's groups are matched by name by
 * RoleBindings (EKS API CreateAccessEntry `kubernetesGroups`; names starting `system:` are refused;
 * checked 2026-12-07), so the team's RoleBinding in its namespace is what authorizes them, as on
 * the other clouds.
 */
export function eksTeamGroup(team: string): string {
    return `platform-team-${team}`;
}

/** The RBAC subject of a team on EKS: its group, when it names an editor. */
export const EKS_TEAM_ACCESS: TeamAccess = {
    subjects: (team) => (team.editors.length === 0 ? [] : [{ kind: "Group", name: eksTeamGroup(team.name), apiGroup: "rbac.authorization.k8s.io" }]),
};

const entryKey = (kind: string, arn: string): string => `${kind}-${createHash("sha256").update(arn).digest("hex").slice(0, 10)}`;

/**
 * EKS access entries for `platform:clusterAdmins`, `platform:clusterReaders` and the editors of
 * `platform:teams`, keyed by a hash of the principal, so reordering the lists changes nothing. The
 * deployer is admin already (bootstrapClusterCreatorAdminPermissions). EKS allows one entry per
 * principal ARN (CreateAccessEntry: "You can't specify the same ARN in more than one access entry",
 * checked 2026-12-07): a principal in both admin lists is refused, and a team editor's groups go on
 * its admin or reader entry where it has one, else on one entry of its own holding every team's group.
 */
export function accessEntries(admins: readonly string[], readers: readonly string[], partition = "aws", teams: readonly TeamGrant[] = []): Record<string, AccessEntrySpec> {
    const both = admins.filter((a) => readers.includes(a));
    if (both.length > 0) {
        throw new pulumi.RunError(`platform:clusterAdmins and platform:clusterReaders both name ${both.join(", ")}; EKS allows one access entry per principal: keep it in one list`);
    }
    const groups = new Map<string, string[]>();
    for (const team of teams) for (const arn of team.editors) groups.set(arn, [...(groups.get(arn) ?? []), eksTeamGroup(team.name)].sort());
    // Always sent, empty included: `kubernetesGroups` is Optional+Computed in the provider
    // (terraform-provider-aws internal/service/eks/access_entry.go), and an Optional+Computed value
    // left out keeps what the state holds (pulumi-terraform-bridge issue 2152, checked 2026-12-07).
    // Left out, a reader taken off a team's editors would keep the team's group, and its `edit`.
    const withGroups = (arn: string): Pick<AccessEntrySpec, "kubernetesGroups"> => ({ kubernetesGroups: groups.get(arn) ?? [] });
    const entry = (arn: string, role: keyof typeof EKS_ACCESS_POLICIES): AccessEntrySpec => ({
        principalArn: arn,
        accessPolicies: { [role]: { policyArn: inPartition(EKS_ACCESS_POLICIES[role], partition), accessScope: { type: "cluster" } } },
        ...withGroups(arn),
    });
    const editorsOnly = [...groups.keys()].filter((arn) => !admins.includes(arn) && !readers.includes(arn));
    return Object.fromEntries([
        ...admins.map((a) => [entryKey("admin", a), entry(a, "admin")]),
        ...readers.map((r) => [entryKey("reader", r), entry(r, "view")]),
        ...editorsOnly.map((e) => [entryKey("editor", e), { principalArn: e, ...withGroups(e) }]),
    ]);
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
    if (name === "") throw new pulumi.RunError(`cannot derive an EKS cluster name from project "${project}" and stack "${stack}"`);
    return name.slice(0, EKS_NAME_MAX);
}

/** Where EKS writes control-plane logs for cluster `clusterName` (EKS user guide, "Control plane logs"). */
export function controlPlaneLogGroupName(clusterName: string): string {
    return `/aws/eks/${clusterName}/cluster`;
}

/** Problems with the arguments, all at once, before anything is registered. */
export function validateEksClusterArgs(args: EksClusterArgs): string[] {
    // Node counts are config's to check (platform:minNodes, platform:maxNodes); the network may be
    // given by hand.
    return validateEksNetworkArgs(args.network);
}

/**
 * Lets an update of the cluster's version override EKS's upgrade-blocking insights
 * (`forceUpdateVersion` on aws.eks.Cluster: "Force version update by overriding upgrade-blocking
 * readiness checks", @pulumi/aws 7.x eks/cluster.d.ts, checked 2026-12-07). @pulumi/eks 4.3's
 * Cluster does not take the argument, so it goes onto the component's aws.eks.Cluster through a
 * transform: transforms reach the children of packaged (multi-language) components, the old
 * `transformations` did not (Pulumi docs "Resource options: transforms", checked 2026-12-07).
 * None unless asked, so a stack that never forces sees no diff.
 */
export function forceUpgradeTransforms(force: boolean): pulumi.ResourceTransform[] {
    if (!force) return [];
    return [(a) => (a.type === "aws:eks/cluster:Cluster" ? { props: { ...a.props, forceUpdateVersion: true }, opts: a.opts } : undefined)];
}

export interface EksClusterArgs {
    /**
     * Version, support type, node mode, node size and autoscaling bounds (desired size starts at
     * `minNodes`), the control-plane log retention and the Secrets KMS key.
     */
    cluster: ClusterSettings;
    /** Physical EKS cluster name. Default: `eksClusterName(project, stack)`. */
    clusterName?: string;
    /** The region, whose partition the AWS-owned ARNs are written in. Default: the `aws` partition. */
    region?: string;
    /** Override EKS's upgrade-blocking insights on a version update. Default false. */
    forceUpgrade?: boolean;
    /** EKS deletion protection, like the data (`platform:protectData`). Default false. */
    protectData?: boolean;
    network: EksNetworkArgs;
    /** `platform:teams`: their editors get access entries in their teams' groups. Default none. */
    teams?: readonly TeamGrant[];
}

export class EksCluster extends pulumi.ComponentResource {
    /** The only provider Kubernetes objects on this cluster may use. */
    readonly provider: k8s.Provider;
    /** Admin kubeconfig; it runs `aws eks get-token`, so the AWS CLI must be on PATH. Secret. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** The partition of the cluster's region (`aws`, `aws-cn`, `aws-us-gov`, ...). */
    readonly partition: string;
    /** The same name, known before the cluster exists (for log groups that must come first). */
    readonly physicalName: string;
    /** `/aws/eks/<cluster name>/cluster`, with `logRetentionDays`, created before the cluster. */
    readonly controlPlaneLogGroup: aws.cloudwatch.LogGroup;
    /** The cluster's IAM OIDC provider and issuer, for IRSA roles of add-ons outside this component. */
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly oidcIssuer: pulumi.Output<string>;
    /** The VPC and subnets, and how many zones and public subnets there are (known before they exist). */
    readonly network: EksNetwork;
    /** What add-ons with pods wait for: the node mode's node groups (none in Auto Mode). */
    readonly nodeGroups: pulumi.Resource[];
    /** The VolumeSnapshot API (CRDs and controller) behind the platform's snapshot class. */
    readonly snapshotController: aws.eks.Addon;
    /** The security group EKS puts on managed nodes and Auto Mode's default NodeClass (the cluster security group). */
    readonly nodeSecurityGroupId: pulumi.Output<string>;
    /** Resource metrics for the HorizontalPodAutoscaler: EKS does not run metrics-server by default. */
    readonly metricsServer: aws.eks.Addon;
    /**
     * What must exist before any workload or PVC: what the node mode made (nodes, DNS and the CSI
     * driver; or Auto Mode's network policy switch), then metrics-server and the snapshot API.
     */
    readonly readyDependencies: pulumi.Resource[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = validateEksClusterArgs(args);
        if (problems.length > 0) throw new Error(`EksCluster ${name}: invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        super("platform:aws:EksCluster", name, {}, opts);
        const mode = EKS_NODE_MODES[args.cluster.nodeMode];

        this.partition = awsPartition(args.region ?? "");
        this.network = eksNetwork(name, args.network, this);
        this.physicalName = args.clusterName ?? eksClusterName(pulumi.getProject(), pulumi.getStack());
        this.controlPlaneLogGroup = this.logGroup(name, args.cluster.logRetentionDays);
        const cluster = this.controlPlane(name, args, mode);
        this.clusterName = cluster.eksCluster.name;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcIssuer = cluster.oidcIssuer;
        // Managed node groups without security groups in their launch template get this one.
        this.nodeSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;
        // kubeconfigJson, not getKubeconfig(): a component method call needs the engine's `call`.
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });

        const nodes = mode.create({ name, parent: this, cluster, clusterName: this.clusterName, provider: this.provider, settings: args.cluster, network: this.network, partition: this.partition });
        this.nodeGroups = nodes.nodeGroups;
        // Without metrics-server an HPA holds its minimum and never scales up (GKE and AKS ship one).
        this.metricsServer = this.addon(name, "metrics-server", args.cluster.kubernetesVersion, undefined);
        // The VolumeSnapshot CRDs and controller, for the platform-snapshots class (EBS snapshots).
        this.snapshotController = this.addon(name, "snapshot-controller", args.cluster.kubernetesVersion, mode.snapshotControllerValues);
        this.readyDependencies = [...nodes.ready, this.metricsServer, this.snapshotController];

        this.registerOutputs({
            kubeconfig: this.kubeconfig,
            clusterName: this.clusterName,
            vpcId: this.network.vpcId,
            privateSubnetIds: this.network.privateSubnetIds,
            publicSubnetIds: this.network.publicSubnetIds,
        });
    }

    /**
     * EKS creates the control-plane log group itself on first write, with no expiry, and leaves it
     * behind on delete; created first by the program it has a retention and goes with the stack.
     */
    private logGroup(name: string, retentionInDays: number): aws.cloudwatch.LogGroup {
        return new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, { name: controlPlaneLogGroupName(this.physicalName), retentionInDays }, { parent: this });
    }

    private controlPlane(name: string, args: EksClusterArgs, mode: EksNodeMode): eks.Cluster {
        const settings = args.cluster;
        return new eks.Cluster(
            `${name}-cluster`,
            {
                name: this.physicalName,
                upgradePolicy: { supportType: eksSupportType(settings.extendedSupport) },
                // A destroy (or a replacement) of the cluster fails while the data is protected:
                // its volumes' claims and the ingress addresses go with it. Updatable in place
                // (UpdateClusterConfig deletionProtection; EKS user guide "Protect EKS clusters from
                // accidental deletion": a protected cluster refuses DeleteCluster until it is lifted;
                // checked 2026-12-07).
                deletionProtection: args.protectData ?? false,
                // Envelope encryption of Secrets with the customer's key; EKS can add one to a
                // running cluster once and never change or remove it (checks() refuses those).
                ...(settings.secretsKmsKey === undefined ? {} : { encryptionConfigKeyArn: settings.secretsKmsKey }),
                // Unset keeps EKS's open endpoint (config warns on every preview).
                ...(settings.apiAllowedCidrs === undefined ? {} : { publicAccessCidrs: settings.apiAllowedCidrs }),
                accessEntries: accessEntries(settings.clusterAdmins, settings.clusterReaders, this.partition, args.teams ?? []),
                vpcId: this.network.vpcId,
                privateSubnetIds: this.network.privateSubnetIds,
                // The mode's own: Auto Mode on, or the node groups' kube-proxy and the public subnets.
                ...mode.clusterArgs(settings, this.network),
                version: settings.kubernetesVersion,
                // Access entries only: the aws-auth ConfigMap is deprecated (pulumi-eks eks-v3-migration.md).
                authenticationMode: eks.AuthenticationMode.Api,
                // The node mode's nodes replace the self-managed default node group.
                skipDefaultNodeGroup: true,
                createOidcProvider: true,
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                // Nodes reach the API server inside the VPC; Pulumi and kubectl still use the public endpoint.
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                // The VPC CNI add-on is created by the managed node mode, not by eks.Cluster: its IRSA
                // role trusts the cluster's OIDC provider, which exists only once the cluster does.
                useDefaultVpcCni: true,
            },
            { parent: this, dependsOn: [this.controlPlaneLogGroup], transforms: forceUpgradeTransforms(args.forceUpgrade ?? false) },
        );
    }

    /**
     * An add-on with pods, pinned from the version table: it waits for the node groups, and in Auto
     * Mode for nothing (Auto Mode launches a node when its pods are pending).
     */
    private addon(name: string, addonName: EksAddon, kubernetesVersion: string, configurationValues: string | undefined): aws.eks.Addon {
        return new aws.eks.Addon(
            `${name}-${addonName}`,
            {
                clusterName: this.clusterName,
                addonName,
                addonVersion: eksAddonVersion(kubernetesVersion, addonName),
                ...(configurationValues === undefined ? {} : { configurationValues }),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            { parent: this, dependsOn: this.nodeGroups },
        );
    }
}
