/**
 * The platform's two StorageClasses, built from the cluster's `StorageFacts` alone.
 *
 * - `platform-standard` (reclaim Delete): general data whose disk may go with its claim.
 * - `platform-retain` (reclaim Retain): data that must outlive its claim; a deleted PVC leaves a
 *   `Released` PV and its disk behind for an operator to recover or delete by hand.
 *
 * Default class: where `makeDefault` is set, `platform-standard` becomes the cluster default, so a
 * PVC with no `storageClassName` gets our disk type. Where the cluster ships a default of its own
 * (`builtInDefaultClass`: AKS `default`, GKE `standard-rwo`) it is un-defaulted with a server-side
 * apply patch, applied only after our class exists: Kubernetes (>= 1.26) gives a PVC the newest of
 * several defaults, so there is never a moment with no default or with the old one winning. EKS has
 * had no default since 1.30: nothing to patch. Local clusters are left exactly as they are.
 * On destroy the patch releases the annotation it took over: the built-in class is then no default
 * either (Kubernetes cannot restore the old value), and a PVC without a class waits for one.
 *
 * Changing the provisioner or parameters replaces a class (they are immutable, pulumi-kubernetes
 * #3767). The names are fixed, so the old class is deleted before the new one is created. This
 * loses no data: a PV carries its own copy of the reclaim policy and volume source and keeps
 * working without its class; PVCs refer to the class by name and find the new one.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StorageFacts } from "./cluster";

export const GENERAL_STORAGE_CLASS = "platform-standard";
export const RETAIN_STORAGE_CLASS = "platform-retain";
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** Options every platform StorageClass is registered with (see the module comment). */
export const STORAGE_CLASS_REPLACE_OPTIONS = { deleteBeforeReplace: true } as const;

/** The StorageClass fields the platform decides; `metadata.name` is the stable identity. */
export interface StorageClassDefinition {
    metadata: { name: string; annotations?: Record<string, string>; labels: Record<string, string> };
    provisioner: string;
    parameters: Record<string, string>;
    reclaimPolicy: "Delete" | "Retain";
    volumeBindingMode: "WaitForFirstConsumer";
    allowVolumeExpansion: true;
}

/** Thrown at construction when the facts cannot give two classes of their own. */
export class StorageFactsError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "StorageFactsError";
    }
}

/**
 * Refuses facts whose built-in classes include one of our names: since @pulumi/kubernetes 4.29 that
 * create fails with AlreadyExists, and before it Pulumi silently adopted (and on destroy deleted)
 * the cloud's own class.
 */
export function validateStorageFacts(facts: StorageFacts): void {
    const ours = [GENERAL_STORAGE_CLASS, RETAIN_STORAGE_CLASS];
    const clashes = ours.filter((n) => facts.builtInClasses.includes(n));
    if (clashes.length > 0) {
        throw new StorageFactsError(
            `StorageClass name(s) ${clashes.map((n) => `"${n}"`).join(", ")} collide with the cluster's built-in classes (${facts.builtInClasses.join(", ")}); ` +
                "the platform must never create or adopt a built-in class. Rename the platform classes in components/storage.ts.",
        );
    }
    if (facts.builtInDefaultClass !== undefined && ours.includes(facts.builtInDefaultClass)) {
        throw new StorageFactsError(`builtInDefaultClass "${facts.builtInDefaultClass}" is one of the platform's own classes; it must name a built-in class`);
    }
    if (facts.provisioner.trim() === "") {
        throw new StorageFactsError("StorageFacts.provisioner is empty; expected a CSI provisioner such as ebs.csi.aws.com");
    }
}

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "platform" };

/** The two class definitions, in role order `general`, `retain`. */
export function storageClassDefinitions(facts: StorageFacts): { general: StorageClassDefinition; retain: StorageClassDefinition } {
    const base = {
        provisioner: facts.provisioner,
        parameters: { ...facts.parameters },
        // Binding waits for the pod's node, so zonal disks are made in the zone the pod runs in.
        volumeBindingMode: "WaitForFirstConsumer" as const,
        // Lets an operator grow a disk by editing the PVC (StatefulSet templates cannot change).
        allowVolumeExpansion: true as const,
    };
    return {
        general: {
            ...base,
            metadata: {
                name: GENERAL_STORAGE_CLASS,
                labels: { ...LABELS },
                ...(facts.makeDefault ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } } : {}),
            },
            reclaimPolicy: "Delete",
        },
        retain: { ...base, metadata: { name: RETAIN_STORAGE_CLASS, labels: { ...LABELS } }, reclaimPolicy: "Retain" },
    };
}

/**
 * The built-in class to un-default, or undefined when the cluster's default stays as it is. Only
 * when ours becomes the default: un-defaulting alone would leave the cluster with none.
 */
export function builtInClassToUndefault(facts: StorageFacts): string | undefined {
    return facts.makeDefault ? facts.builtInDefaultClass : undefined;
}

export interface PlatformStorageArgs {
    /** The cluster's storage facts; the only input. */
    storage: StorageFacts;
}

export class PlatformStorage extends pulumi.ComponentResource {
    /** `platform-standard`: reclaim Delete. */
    readonly generalClassName: pulumi.Output<string>;
    /** `platform-retain`: reclaim Retain. */
    readonly retainClassName: pulumi.Output<string>;
    /** `{ general, retain }`: the stack output `storageClasses`. */
    readonly classNames: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: PlatformStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        validateStorageFacts(args.storage);
        super("platform:storage:PlatformStorage", name, {}, opts);

        const defs = storageClassDefinitions(args.storage);
        const general = new k8s.storage.v1.StorageClass(`${name}-general`, defs.general, { parent: this, ...STORAGE_CLASS_REPLACE_OPTIONS });
        const retain = new k8s.storage.v1.StorageClass(`${name}-retain`, defs.retain, { parent: this, ...STORAGE_CLASS_REPLACE_OPTIONS });

        const builtIn = builtInClassToUndefault(args.storage);
        if (builtIn !== undefined) {
            new k8s.storage.v1.StorageClassPatch(
                `${name}-undefault-${builtIn}`,
                {
                    metadata: {
                        name: builtIn,
                        annotations: {
                            [DEFAULT_CLASS_ANNOTATION]: "false",
                            // The annotation is owned by the cloud's addon manager; take it over
                            // rather than fail on the server-side apply conflict.
                            "pulumi.com/patchForce": "true",
                        },
                    },
                },
                // After ours is the default, so a PVC created in between still gets a default.
                { parent: this, dependsOn: [general] },
            );
        }

        this.generalClassName = general.metadata.name;
        this.retainClassName = retain.metadata.name;
        this.classNames = pulumi.all([this.generalClassName, this.retainClassName]).apply(([g, r]): Record<string, string> => ({ general: g, retain: r }));
        this.registerOutputs({ generalClassName: this.generalClassName, retainClassName: this.retainClassName, classNames: this.classNames });
    }
}
