/**
 * EKS + ECR, then the cloud-neutral platform on top. The kubeconfig output is secret (EksCluster
 * wraps it) and runs `aws eks get-token`: the AWS CLI must be on PATH wherever Pulumi or kubectl
 * use it.
 */
import { awsTarget, refuseNodeModeSwitch } from "../components/aws/cluster";
import type { PlatformOutputs } from "../components/cluster/contract";
import type { AwsConfig } from "../config";
import { deployPlatform } from "./platform";

export async function deploy(config: AwsConfig): Promise<PlatformOutputs> {
    // Reads the running cluster (if any) first: a node mode switch is refused before anything is registered.
    await refuseNodeModeSwitch(config);
    return deployPlatform(awsTarget("aws", config), config);
}
