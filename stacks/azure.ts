/**
 * Azure: a resource group with an AKS cluster and a container registry (`components/azure/target.ts`),
 * then the cloud-neutral platform on top.
 */
import type { PlatformOutputs } from "../components/cluster/contract";
import { target } from "../components/azure/target";
import type { AzureConfig } from "../config";
import { deployPlatform } from "./platform";

export function deploy(config: AzureConfig): PlatformOutputs {
    return deployPlatform(target("platform", config), config);
}
