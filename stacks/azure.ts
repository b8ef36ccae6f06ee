/**
 * Azure: a resource group with an AKS cluster and a container registry (components/azure/), then the
 * cloud-neutral platform on top. The kubeconfig output is secret (it is a cluster credential).
 */
import { azureTarget } from "../components/azure/cluster";
import type { PlatformOutputs } from "../components/cluster/contract";
import type { AzureConfig } from "../config";
import { deployPlatform } from "./platform";

export function deploy(config: AzureConfig): PlatformOutputs {
    return deployPlatform(azureTarget("platform", config), config);
}
