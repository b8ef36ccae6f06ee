/**
 * Checks of the running EKS cluster that must refuse before anything is registered: a stack whose
 * cluster was auto-named keeps it, and a Secrets KMS key only changes the way EKS allows.
 */
import * as aws from "@pulumi/aws";
import type { AwsConfig } from "../../config";
import type { PreflightCheck } from "../cluster/preflight";

/**
 * The names Pulumi gave the cluster before the program named it: @pulumi/eks creates its
 * aws.eks.Cluster as `<component name>-eksCluster` (pulumi/pulumi-eks nodejs/eks/cluster.ts,
 * checked 2026-12-07), auto-named with 7 hex digits, and the component here was `<target>-cluster`.
 */
export function autoNamedClusterPattern(targetName: string): RegExp {
    return new RegExp(`^${targetName}-cluster-eksCluster-[0-9a-f]{7}$`);
}

/**
 * Why the stack cannot go on with cluster name `wanted`, or undefined. Only where
 * `platform:eksClusterName` is unset, `wanted` does not exist, and the region holds clusters Pulumi
 * auto-named for this program: one of them may be this stack's, and the new name would replace it
 * (and take its volumes' claims with it). Which one is the stack's only its state says, so the
 * preview refuses and names both ways out.
 */
export function clusterNameProblem(wanted: string, configured: boolean, live: readonly string[], targetName: string): string | undefined {
    if (configured || live.includes(wanted)) return undefined;
    const pattern = autoNamedClusterPattern(targetName);
    const candidates = live.filter((n) => pattern.test(n));
    if (candidates.length === 0) return undefined;
    return (
        `platform:eksClusterName: this region has EKS clusters named by an earlier version of this program (${candidates.join(", ")}) and none named ${wanted}; ` +
        `if one is this stack's (pulumi stack export | grep -o '${targetName}-cluster-eksCluster-[0-9a-f]*'), keep it: pulumi config set platform:eksClusterName <that name> ` +
        `(the new name would replace the cluster), then adopt the log group EKS made for it: pulumi import aws:cloudwatch/logGroup:LogGroup ${targetName}-control-plane-logs /aws/eks/<that name>/cluster --parent <the EksCluster component's URN>. ` +
        `If none is, this stack gets a new cluster: pulumi config set platform:eksClusterName ${wanted}`
    );
}

/**
 * Why the Secrets KMS key of the running cluster cannot become `wanted`, or undefined. EKS
 * associates a key with a cluster that has none (AssociateEncryptionConfig, an update in place) but
 * can neither remove nor change it: "You can't disable secrets encryption after enabling it"
 * (EKS user guide enable-kms, EKS API AssociateEncryptionConfig; checked 2026-12-07). The aws
 * provider makes the first key an in-place AssociateEncryptionConfig (terraform-provider-aws
 * internal/service/eks cluster.go update: no config before, one now); anything else would reach
 * EKS as a change it refuses or as a replacement of the cluster.
 */
export function secretsKmsKeyProblem(clusterName: string, live: string | undefined, wanted: string | undefined): string | undefined {
    if (live === undefined || live === wanted) return undefined;
    const keep = `keep it: pulumi config set platform:secretsKmsKey ${live}`;
    return wanted === undefined
        ? `platform:secretsKmsKey: the EKS cluster ${clusterName} encrypts Secrets with ${live}, and EKS cannot remove a cluster's key; ${keep}`
        : `platform:secretsKmsKey: "${wanted}" cannot replace ${live} on the EKS cluster ${clusterName}: EKS cannot change a cluster's key; ${keep} (rotate with the key's own automatic rotation, which keeps its ARN)`;
}

/**
 * The running cluster's Secrets key from its Cloud Control properties (`AWS::EKS::Cluster`
 * `EncryptionConfig[].Provider.KeyArn`, CloudFormation resource reference, checked 2026-12-07), or
 * undefined without one. Read there because the aws.eks.getCluster data source does not return the
 * encryption config (@pulumi/aws 7.x eks/getCluster.d.ts).
 */
export function liveSecretsKey(properties: string): string | undefined {
    const parsed = JSON.parse(properties) as { EncryptionConfig?: { Provider?: { KeyArn?: string } }[] };
    return parsed.EncryptionConfig?.[0]?.Provider?.KeyArn;
}

/** Every problem of the cluster name and the KMS key against what runs in the region. */
export async function clusterChangeProblems(config: AwsConfig, wanted: string, targetName: string): Promise<string[]> {
    const { names } = await aws.eks.getClusters();
    const nameProblem = clusterNameProblem(wanted, config.aws.clusterName !== undefined, names, targetName);
    if (nameProblem !== undefined) return [nameProblem];
    if (!names.includes(wanted)) return [];
    const live = await aws.cloudcontrol.getResource({ typeName: "AWS::EKS::Cluster", identifier: wanted });
    const kms = secretsKmsKeyProblem(wanted, liveSecretsKey(live.properties), config.cluster.secretsKmsKey);
    return kms === undefined ? [] : [kms];
}

/**
 * The cluster name and Secrets key refusals as a preflight guard: they run whatever
 * `platform:preflight` says, because `off` must not let a preview plan the cluster's replacement.
 */
export function clusterChangeGuard(config: AwsConfig, wanted: string, targetName: string): PreflightCheck {
    return {
        id: "aws-cluster-change",
        reads: "cloud",
        guard: true,
        run: async () =>
            (await clusterChangeProblems(config, wanted, targetName)).map((what) => ({
                severity: "error" as const,
                what,
                why: "EKS cannot make this change to a running cluster; the update would replace the cluster and every volume claim on it",
                fix: "set the key as the message says (the running value, or the new cluster confirmed)",
            })),
    };
}
