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
    /** The teams, a database's host an output where one has it. */
    teams: readonly TeamFacts<pulumi.Input<string>>[];
}

/**
 * The contract as one stack output whose fields are each an output: only the kubeconfig is secret.
 * Pulumi keeps a secret nested in an output's value where it is (`pulumi stack output
 * platformContract` shows the rest, the kubeconfig as [secret]); wrapped whole in one `Output`, the
 * secret would cover the entry points and teams too. An app stack reads the value with
 * `StackReference.getOutputDetails`. The registry is `none` where nothing is pushed (a local
 * engine's images).
 */
export type PlatformContractOutput = { readonly [K in keyof PlatformContract]-?: pulumi.Output<PlatformContract[K]> };

export function platformContract(parts: PlatformContractParts): PlatformContractOutput {
    const { platform } = parts;
    return {
        version: pulumi.output(PLATFORM_CONTRACT_VERSION),
        kubeconfig: parts.kubeconfig === undefined ? pulumi.output(CONTRACT_NONE) : pulumi.secret(parts.kubeconfig),
        entryPoints: pulumi.output(platform.entryPoints),
        tls: pulumi.output(platform.tls),
        storageClasses: pulumi.output(platform.storageClasses),
        registry: parts.registry.credentials === undefined ? pulumi.output(CONTRACT_NONE) : pulumi.output(parts.registry.repository),
        nodes: pulumi.output(platform.nodes),
        dns: pulumi.output(platform.dns),
        teams: pulumi.output([...parts.teams]),
    };
}

/** The contract's value, as a stack reads it back (secret as a whole when the kubeconfig is). */
export function contractValue(output: PlatformContractOutput): pulumi.Output<PlatformContract> {
    return pulumi.output(output) as pulumi.Output<PlatformContract>;
}
