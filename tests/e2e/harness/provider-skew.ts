/**
 * What the e2e changes in the program because its kubernetes provider is older than the one
 * @pulumi/kubernetes asks for (the Go module proxy serves the 4.25.0 release; the SDK asks for
 * 4.34.2): nothing else.
 *
 * Provider 4.25.0 waits, after writing a PersistentVolumeClaim or a claim patch on a
 * WaitForFirstConsumer class, until the claim is `Pending`, which a bound claim never is again, so
 * every size patch of a bound claim times out after five minutes (provider
 * pkg/await/awaiters.go untilCoreV1PersistentVolumeClaimReady at f47bc2d6f199, read 2026-12-07;
 * fixed by pulumi/pulumi-kubernetes#4181, merged 2026-02-24, in the releases the SDK asks for). The
 * e2e skips that await for claim patches only (`pulumi.com/skipAwait`); the StatefulSets' own
 * waits, which include their claims binding, still run.
 */
import type * as pulumi from "@pulumi/pulumi";

export const CLAIM_PATCH_TYPE = "kubernetes:core/v1:PersistentVolumeClaimPatch";

/** A resource transform: a claim patch gets `pulumi.com/skipAwait: "true"`; anything else is left alone. */
export function skipClaimPatchAwait(args: pulumi.ResourceTransformArgs): pulumi.ResourceTransformResult | undefined {
    if (args.type !== CLAIM_PATCH_TYPE) return undefined;
    const metadata = (args.props.metadata ?? {}) as Record<string, unknown>;
    const annotations = (metadata.annotations ?? {}) as Record<string, unknown>;
    return {
        props: { ...args.props, metadata: { ...metadata, annotations: { ...annotations, "pulumi.com/skipAwait": "true" } } },
        opts: args.opts,
    };
}
