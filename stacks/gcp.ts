/**
 * Google Cloud: a regional private-node GKE cluster and an Artifact Registry repository
 * (`components/gcp/target.ts`), with the cloud-neutral platform on top.
 */
import type { PlatformOutputs } from "../components/cluster/contract";
import { target } from "../components/gcp/target";
import type { GcpConfig } from "../config";
import { deployPlatform } from "./platform";

export function deploy(config: GcpConfig): PlatformOutputs {
    return deployPlatform(target("gke", config), config);
}
