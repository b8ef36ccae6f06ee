/**
 * EKS + ECR, then the cloud-neutral platform on top. The kubeconfig output is secret (EksCluster
 * wraps it) and runs `aws eks get-token`: the AWS CLI must be on PATH wherever Pulumi or kubectl
 * use it.
 */
import { awsTarget } from "../components/aws/cluster";
import type { PlatformOutputs } from "../components/cluster";
import type { AwsConfig } from "../config";
import { deployPlatform } from "./platform";

export function deploy(config: AwsConfig): PlatformOutputs {
    return deployPlatform(awsTarget("aws", config), config);
}
