/**
 * Google Cloud: a regional private-node GKE cluster and an Artifact Registry repository
 * (`gcpTarget`), with the cloud-neutral platform on top.
 */
import type { PlatformOutputs } from "../components/cluster/contract";
import { gcpTarget } from "../components/gcp/cluster";
import type { GcpConfig } from "../config";
import { deployPlatform } from "./platform";

export function deploy(config: GcpConfig): PlatformOutputs {
    return deployPlatform(gcpTarget(config), config);
}
