/**
 * An existing local cluster (kind, minikube, Docker Desktop): `components/local/target.ts`, with the
 * cloud-neutral platform on top.
 */
import type { PlatformOutputs } from "../components/cluster/contract";
import { checks, target } from "../components/local/target";
import type { LocalConfig } from "../config";
import { deployPlatform } from "./platform";

/** The server-version check; called by the entry point only, so offline plans never ask a real cluster. */
export const checkLocalCluster = checks;

export function deploy(config: LocalConfig): PlatformOutputs {
    return deployPlatform(target("local", config), config);
}
