/**
 * The `platformContract` stack output: what an app stack needs of this platform, as one versioned
 * value (components/apps/contract.ts says what each field means). Assembled at the composition root
 * from the live components; an app stack reads it with a `StackReference`.
 */
import * as pulumi from "@pulumi/pulumi";
import { type AppPlatform, CONTRACT_NONE, PLATFORM_CONTRACT_VERSION, type PlatformContract, type TeamFacts } from "../components/apps/contract";
import type { ImageRegistry } from "../components/cluster/contract";

export interface PlatformContractParts {
    /** Entry points, TLS, storage classes, node and DNS facts, as the platform's own apps get them. */
    platform: AppPlatform;
    /** The admin kubeconfig; undefined on a local cluster (the user has it). */
    kubeconfig: pulumi.Output<string> | undefined;
    registry: ImageRegistry;
    teams: readonly TeamFacts[];
}

/**
 * The contract as one output. The kubeconfig makes the whole value a secret (Pulumi marks secrets
 * per output): `pulumi stack output platformContract --show-secrets` shows it, and an app stack
 * reads it with `StackReference.getOutputDetails`, keeping only the kubeconfig secret. The
 * registry is `none` where nothing is pushed (a local engine's images).
 */
export function platformContract(parts: PlatformContractParts): pulumi.Output<PlatformContract> {
    const { platform } = parts;
    const registry = parts.registry.credentials === undefined ? CONTRACT_NONE : parts.registry.repository;
    const kubeconfig = parts.kubeconfig === undefined ? pulumi.output(CONTRACT_NONE) : pulumi.secret(parts.kubeconfig);
    return pulumi.output({
        version: PLATFORM_CONTRACT_VERSION,
        kubeconfig,
        entryPoints: platform.entryPoints,
        tls: platform.tls,
        storageClasses: platform.storageClasses,
        registry,
        nodes: platform.nodes,
        dns: platform.dns,
        teams: [...parts.teams],
    });
}
