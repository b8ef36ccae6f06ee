/**
 * EKS + ECR (`components/aws/target.ts`), then the cloud-neutral platform on top.
 */
import type { PlatformOutputs } from "../components/cluster/contract";
import { checks, target } from "../components/aws/target";
import type { AwsConfig } from "../config";
import { deployPlatform } from "./platform";

export async function deploy(config: AwsConfig): Promise<PlatformOutputs> {
    // Reads the running cluster (if any) first: a node mode switch is refused before anything is registered.
    await checks(config);
    return deployPlatform(target("aws", config), config);
}
