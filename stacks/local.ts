/**
 * An existing local cluster (kind, minikube, Docker Desktop): no cloud resources, just an explicit
 * provider bound to a named context, so a stale current-context never receives the platform.
 */
import * as pulumi from "@pulumi/pulumi";
import { localTarget } from "../components/local/cluster";
import { localVersionVerdict, readServerVersion, type ServerVersionReading } from "../components/local/server-version";
import type { PlatformOutputs } from "../components/cluster/contract";
import type { LocalConfig } from "../config";
import { deployPlatform } from "./platform";

/**
 * The version check the clouds get from `platform:kubernetesVersion`, on the server the user made:
 * throws (before any resource) when it is outside the ingress controller's range, warns when it
 * cannot be read. Called by the entry point only, so offline plans never ask a real cluster.
 */
export function checkLocalCluster(
    config: LocalConfig,
    read: (settings: LocalConfig["local"]) => ServerVersionReading = readServerVersion,
): void {
    const verdict = localVersionVerdict(read(config.local), config.ingress.controller);
    if (verdict.error !== undefined) throw new Error(verdict.error);
    if (verdict.warning !== undefined) void pulumi.log.warn(verdict.warning);
}

export function deploy(config: LocalConfig): PlatformOutputs {
    return deployPlatform(localTarget("local", config.local), config);
}
