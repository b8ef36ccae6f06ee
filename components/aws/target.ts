/**
 * The whole AWS side of the platform, as the cloud-neutral layer reads it: the EKS cluster with its
 * network and nodes (the node mode's), the ingress NLB's Elastic IPs, the ECR registry, EFS for the
 * shared class and CloudWatch where asked. The kubeconfig output is secret and runs `aws eks
 * get-token`: the AWS CLI must be on PATH wherever Pulumi or kubectl use it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AwsConfig } from "../../config";
import type { ClusterTarget } from "../cluster/contract";
import type { PreflightCheck } from "../cluster/preflight";
import { controlPlaneLogGroupName, EKS_TEAM_ACCESS, EksCluster, eksClusterName } from "./cluster";
import { clusterChangeGuard } from "./cluster-guard";
import { S3BackupStore } from "./backup-store";
import { EfsSharedStorage } from "./efs";
import { awsStorageFacts } from "./facts";
import { ingressAddress } from "./network";
import { EKS_NODE_MODES } from "./nodes/index";
import { nodeModeGuard } from "./nodes/guard";
import { awsObservabilityOutput, CloudWatchObservability } from "./observability";
import { awsPreflight } from "./preflight";
import { EcrRegistry } from "./registry";

/** The resource-name prefix stacks/index.ts gives this target; auto-named clusters carry it. */
const TARGET_NAME = "aws";

/** The physical cluster name: `platform:eksClusterName`, or `<project>-<stack>`. */
export function clusterNameOf(config: AwsConfig): string {
    return config.aws.clusterName ?? eksClusterName(pulumi.getProject(), pulumi.getStack());
}

/**
 * Run before anything is registered: the guards that read the running cluster (if any), so a
 * change EKS cannot make in place (a new cluster name, a removed or changed Secrets key, a node mode
 * switch) is refused before the preview plans a replacement; then the account checks (Elastic IP
 * and vCPU quotas, zones).
 */
export function preflight(config: AwsConfig): PreflightCheck[] {
    const name = clusterNameOf(config);
    return [clusterChangeGuard(config, name, TARGET_NAME), nodeModeGuard(config, name), ...awsPreflight(config)];
}

export function target(name: string, config: AwsConfig): ClusterTarget {
    const mode = EKS_NODE_MODES[config.cluster.nodeMode];
    const cluster = new EksCluster(name, {
        cluster: config.cluster,
        clusterName: clusterNameOf(config),
        region: config.aws.region,
        forceUpgrade: config.aws.forceUpgrade,
        protectData: config.workloads.protectData,
        teams: config.teams,
        network: { availabilityZones: config.aws.availabilityZones, vpcCidr: config.aws.vpcCidr, natGateways: config.aws.natGateways, existingVpc: config.aws.existingVpc },
    });
    const address = config.aws.staticIngressAddresses
        ? ingressAddress(
              name,
              { publicSubnetIds: cluster.network.publicSubnetIds, publicSubnets: cluster.network.publicSubnets, protect: config.workloads.protectData },
              // Children of the cluster component, where they have always been (their URNs hang on it).
              { parent: cluster },
          )
        : undefined;
    const scalers = mode.scale(name, cluster, { region: config.aws.region, kubernetesVersion: config.cluster.kubernetesVersion, chartSource: config.chartSources["cluster-autoscaler"] });
    const registry = new EcrRegistry(`${name}-images`, { platform: mode.facts.imagePlatform(config.cluster.nodeSize), keepTaggedImages: config.aws.registryKeepImages });
    const shared = sharedStorage(name, cluster, config);
    return {
        cloud: "aws",
        provider: cluster.provider,
        kubeconfig: cluster.kubeconfig,
        storage: awsStorageFacts(config.storage.tier, shared.classFacts, mode.facts.blockStorage),
        loadBalancer: address === undefined ? mode.facts.loadBalancer : { ...mode.facts.loadBalancer, address },
        nodes: mode.facts.nodes,
        dns: mode.facts.dns,
        registry: registry.registry,
        teamAccess: EKS_TEAM_ACCESS,
        observability: observability(name, cluster, config),
        backupStore: (request) =>
            new S3BackupStore(`${name}-backups`, { request, region: config.aws.region, oidcProviderArn: cluster.oidcProviderArn, oidcIssuer: cluster.oidcIssuer }).facts,
        // Workloads also wait for the autoscaler: pods beyond minNodes' capacity only become Ready
        // (and Pulumi's await only succeeds) once it can add nodes.
        dependsOn: [...cluster.readyDependencies, shared.addon, ...scalers],
    };
}

/** `platform-shared` on EFS: one mount target per zone, reachable from the nodes only. */
function sharedStorage(name: string, cluster: EksCluster, config: AwsConfig): EfsSharedStorage {
    return new EfsSharedStorage(`${name}-shared`, {
        clusterName: cluster.clusterName,
        kubernetesVersion: config.cluster.kubernetesVersion,
        vpcId: cluster.network.vpcId,
        privateSubnetIds: cluster.network.privateSubnetIds,
        subnetCount: cluster.network.zones,
        // Managed nodes and Auto Mode's default NodeClass both carry the cluster security group.
        nodeSecurityGroupId: cluster.nodeSecurityGroupId,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        protect: config.workloads.protectData,
        backups: config.aws.efsBackups,
        partition: cluster.partition,
        dependsOn: cluster.nodeGroups,
    });
}

/** `platform:observability native`: Container Insights through the CloudWatch add-on, and where to look. */
function observability(name: string, cluster: EksCluster, config: AwsConfig): ClusterTarget["observability"] {
    if (config.cluster.observability !== "native") return undefined;
    new CloudWatchObservability(`${name}-observability`, {
        clusterName: cluster.physicalName,
        kubernetesVersion: config.cluster.kubernetesVersion,
        logRetentionDays: config.cluster.logRetentionDays,
        partition: cluster.partition,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcIssuer,
        dependsOn: cluster.nodeGroups,
    });
    return awsObservabilityOutput(cluster.physicalName, config.aws.region, controlPlaneLogGroupName(cluster.physicalName));
}
