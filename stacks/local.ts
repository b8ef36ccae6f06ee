/**
 * An existing local cluster (kind, minikube, Docker Desktop): no cloud resources, just an explicit
 * provider bound to a named context, so a stale current-context never receives the platform.
 */
import { localTarget } from "../components/local/cluster";
import type { PlatformOutputs } from "../components/cluster";
import type { LocalConfig } from "../config";
import { deployPlatform } from "./platform";

export function deploy(config: LocalConfig): PlatformOutputs {
    return deployPlatform(localTarget("local", config.local), config);
}
