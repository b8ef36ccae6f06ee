/**
 * Growing a data volume on a running stack. A StatefulSet's `volumeClaimTemplates` cannot change
 * (a change is a replacement, refused while the data is protected), and a claim's request can only
 * grow, and only once the claim is bound ("spec is immutable after creation except
 * resources.requests ... for bound claims"). So the object that made a claim keeps the size it was
 * made with (Pulumi `ignoreChanges` on that size) and the live claim gets the size the config asks
 * for through a server-side apply patch, which Kubernetes turns into a volume expansion.
 *
 * Shrinking cannot be caught here: a program never sees the inputs of the previous deployment, and
 * the patch's own previous size is Pulumi state. The API server refuses it ("can not be less than
 * previous value"), as it refuses growth on a class without `allowVolumeExpansion` (every local
 * class) and on a claim not bound yet.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/** The size inside a StatefulSet's first claim template: Pulumi ignores later changes to it. */
export const FIRST_CLAIM_TEMPLATE_SIZE = "spec.volumeClaimTemplates[0].spec.resources.requests.storage";
/** The size of a PersistentVolumeClaim resource: Pulumi ignores later changes to it. */
export const CLAIM_SIZE = "spec.resources.requests.storage";

/**
 * The field manager of every size patch, fixed so the live claim's managedFields (and the state)
 * stay the same from one deployment to the next; a Patch resource otherwise gets a random one.
 */
export const CLAIM_SIZE_FIELD_MANAGER = "platform-claim-size";

/** The claim a StatefulSet made for `ordinal` from its template `template` (`data-postgres-0`). */
export function statefulSetClaimName(template: string, statefulSet: string, ordinal = 0): string {
    return `${template}-${statefulSet}-${ordinal}`;
}

export interface ClaimSizeArgs {
    namespace: pulumi.Input<string>;
    /** The live claim's name. */
    claimName: pulumi.Input<string>;
    /** The size the config asks for, e.g. `30Gi`. */
    size: string;
    /**
     * The claim's class and access modes, as it was made. Unchanged (both are immutable), they make
     * the patch a whole, valid claim, so a server-side dry run in a preview never fails on a claim
     * that does not exist yet.
     */
    storageClassName: pulumi.Input<string>;
    accessModes: readonly string[];
}

/**
 * The live claim's request, applied with force: the StatefulSet controller (or the PVC resource)
 * owns the field from the claim's creation. `retainOnDelete`: the request is a required field, so
 * giving it up would fail (pulumi-kubernetes refuses to delete a Patch that manages a required field
 * without it: provider/pkg/provider/provider.go Delete, read 2026-12-07); removing the patch leaves
 * the claim at its size.
 */
export function claimSizePatch(name: string, args: ClaimSizeArgs, opts: pulumi.CustomResourceOptions): k8s.core.v1.PersistentVolumeClaimPatch {
    return new k8s.core.v1.PersistentVolumeClaimPatch(
        name,
        {
            metadata: {
                name: args.claimName,
                namespace: args.namespace,
                annotations: { "pulumi.com/patchForce": "true", "pulumi.com/patchFieldManager": CLAIM_SIZE_FIELD_MANAGER },
            },
            spec: {
                accessModes: [...args.accessModes],
                storageClassName: args.storageClassName,
                resources: { requests: { storage: args.size } },
            },
        },
        { ...opts, retainOnDelete: true },
    );
}
