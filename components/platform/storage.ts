/**
 * The platform's StorageClasses, one per role the cluster's `StorageFacts` offer, built from those
 * facts alone.
 *
 * - `platform-standard` (role `general`, reclaim Delete): data whose disk may go with its claim.
 * - `platform-retain` (role `retain`, reclaim Retain): data that must outlive its claim; a deleted
 *   PVC leaves a `Released` PV and its disk behind for an operator to recover or delete by hand.
 * - `platform-shared` (role `shared`, ReadWriteMany): only where the target offers shared files.
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
 * Changing the provisioner, parameters, reclaim policy or binding mode replaces a class (they are
 * immutable, pulumi-kubernetes #3767). The names are fixed, so the old class is deleted before the
 * new one is created. This loses no data: a PV carries its own copy of the reclaim policy and
 * volume source and keeps working without its class; PVCs refer to the class by name and find the
 * new one. `allowVolumeExpansion` is the one mutable field: it updates in place.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NOT_OFFERED, STORAGE_ROLES, type AccessMode, type StorageClassFacts, type StorageFacts, type StorageRole } from "../cluster/contract";

export const GENERAL_STORAGE_CLASS = "platform-standard";
export const RETAIN_STORAGE_CLASS = "platform-retain";
export const SHARED_STORAGE_CLASS = "platform-shared";
/** The class name of each role: fixed, since PVCs and the stack output refer to them. */
export const STORAGE_CLASS_NAMES: Readonly<Record<StorageRole, string>> = {
    general: GENERAL_STORAGE_CLASS,
    retain: RETAIN_STORAGE_CLASS,
    shared: SHARED_STORAGE_CLASS,
};
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
/** The platform's VolumeSnapshotClass: named so it collides with no class a cloud ships. */
export const SNAPSHOT_CLASS_NAME = "platform-snapshots";

/**
 * The VolumeSnapshotClass for the target's block storage (`snapshot.storage.k8s.io/v1`), or
 * undefined where it offers none. `deletionPolicy: Retain`: deleting a VolumeSnapshot object (or
 * the namespace, or the stack) keeps the cloud snapshot, which is the point of a backup.
 */
export function snapshotClassDefinition(facts: StorageFacts): Record<string, unknown> | undefined {
    if (facts.snapshots === undefined) return undefined;
    return {
        apiVersion: "snapshot.storage.k8s.io/v1",
        kind: "VolumeSnapshotClass",
        metadata: { name: SNAPSHOT_CLASS_NAME, labels: { ...LABELS } },
        driver: facts.snapshots.driver,
        deletionPolicy: "Retain",
        parameters: { ...facts.snapshots.parameters },
    };
}

/** Options every platform StorageClass is registered with (see the module comment). */
export const STORAGE_CLASS_REPLACE_OPTIONS = { deleteBeforeReplace: true } as const;

/** The StorageClass fields the platform decides; `metadata.name` is the stable identity. */
export interface StorageClassDefinition {
    metadata: { name: string; annotations?: Record<string, string>; labels: Record<string, string> };
    provisioner: string;
    parameters: Record<string, pulumi.Input<string>>;
    reclaimPolicy: "Delete" | "Retain";
    volumeBindingMode: "WaitForFirstConsumer" | "Immediate";
    allowVolumeExpansion: boolean;
}

/** Thrown at construction when the facts cannot give the platform classes of its own. */
export class StorageFactsError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "StorageFactsError";
    }
}

/** What each role's class must let a claim do, and the reclaim policy that is the role's point. */
const ROLE_CONTRACT: Readonly<Record<StorageRole, { accessMode: AccessMode; reclaimPolicy?: "Delete" | "Retain" }>> = {
    // Redis and Postgres claim ReadWriteOnce (stateful-data.ts).
    general: { accessMode: "ReadWriteOnce", reclaimPolicy: "Delete" },
    retain: { accessMode: "ReadWriteOnce", reclaimPolicy: "Retain" },
    shared: { accessMode: "ReadWriteMany" },
};

/** The roles the facts offer, in `STORAGE_ROLES` order. */
export function offeredRoles(facts: StorageFacts): StorageRole[] {
    return STORAGE_ROLES.filter((role) => facts.classes[role] !== undefined);
}

/** The class name of each role the facts offer, `none` for the others (the `storageClasses` output's values). */
export function storageClassNames(facts: StorageFacts): Record<StorageRole, string> {
    const offered = offeredRoles(facts);
    return Object.fromEntries(STORAGE_ROLES.map((role) => [role, offered.includes(role) ? STORAGE_CLASS_NAMES[role] : NOT_OFFERED])) as Record<StorageRole, string>;
}

/**
 * Refuses facts whose built-in classes include one of our names (since @pulumi/kubernetes 4.29 that
 * create fails with AlreadyExists, and before it Pulumi silently adopted, and on destroy deleted,
 * the cloud's own class), and classes that break their role's promise.
 */
export function validateStorageFacts(facts: StorageFacts): void {
    const ours = Object.values(STORAGE_CLASS_NAMES);
    const clashes = ours.filter((n) => facts.builtInClasses.includes(n));
    if (clashes.length > 0) {
        throw new StorageFactsError(
            `StorageClass name(s) ${clashes.map((n) => `"${n}"`).join(", ")} collide with the cluster's built-in classes (${facts.builtInClasses.join(", ")}); ` +
                "the platform must never create or adopt a built-in class. Rename the platform classes in components/platform/storage.ts.",
        );
    }
    if (facts.builtInDefaultClass !== undefined && ours.includes(facts.builtInDefaultClass)) {
        throw new StorageFactsError(`builtInDefaultClass "${facts.builtInDefaultClass}" is one of the platform's own classes; it must name a built-in class`);
    }
    for (const role of offeredRoles(facts)) {
        const sc = facts.classes[role] as StorageClassFacts;
        const contract = ROLE_CONTRACT[role];
        if (sc.provisioner.trim() === "") {
            throw new StorageFactsError(`StorageFacts.classes.${role}.provisioner is empty; expected a CSI provisioner such as ebs.csi.aws.com`);
        }
        if (!sc.accessModes.includes(contract.accessMode)) {
            throw new StorageFactsError(
                `StorageFacts.classes.${role} (${sc.provisioner}) supports ${sc.accessModes.join(", ") || "no access mode"}; the ${role} class must support ${contract.accessMode}`,
            );
        }
        if (contract.reclaimPolicy !== undefined && sc.reclaimPolicy !== contract.reclaimPolicy) {
            throw new StorageFactsError(`StorageFacts.classes.${role}.reclaimPolicy is ${sc.reclaimPolicy}; the ${role} class must reclaim with ${contract.reclaimPolicy}`);
        }
    }
}

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "platform" };

function definition(role: StorageRole, sc: StorageClassFacts, makeDefault: boolean): StorageClassDefinition {
    return {
        metadata: {
            name: STORAGE_CLASS_NAMES[role],
            labels: { ...LABELS },
            // Only the general class may ever be the default.
            ...(role === "general" && makeDefault ? { annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } } : {}),
        },
        provisioner: sc.provisioner,
        parameters: { ...sc.parameters },
        reclaimPolicy: sc.reclaimPolicy,
        volumeBindingMode: sc.volumeBindingMode,
        // Where true, an operator grows a disk by editing the PVC (StatefulSet templates cannot change).
        allowVolumeExpansion: sc.allowVolumeExpansion,
    };
}

/** The class definitions by role; undefined for a role the facts do not offer. */
export function storageClassDefinitions(facts: StorageFacts): {
    general: StorageClassDefinition;
    retain: StorageClassDefinition;
    shared: StorageClassDefinition | undefined;
} {
    const { general, retain, shared } = facts.classes;
    return {
        general: definition("general", general, facts.makeDefault),
        retain: definition("retain", retain, facts.makeDefault),
        shared: shared === undefined ? undefined : definition("shared", shared, facts.makeDefault),
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
    /** `platform-shared` (ReadWriteMany), or `none` where the target offers no shared class. */
    readonly sharedClassName: pulumi.Output<string>;
    /** `platform-snapshots`, or `none` where the target offers no snapshots. */
    readonly snapshotClassName: pulumi.Output<string>;
    /** `{ general, retain, shared }`: the stack output `storageClasses`. */
    readonly classNames: pulumi.Output<Record<StorageRole, string>>;

    constructor(name: string, args: PlatformStorageArgs, opts?: pulumi.ComponentResourceOptions) {
        validateStorageFacts(args.storage);
        super("platform:storage:PlatformStorage", name, {}, opts);

        const defs = storageClassDefinitions(args.storage);
        // Resource names `<name>-<role>`: the general and retain URNs are the ones of the first wave.
        const register = (role: StorageRole, def: StorageClassDefinition) =>
            new k8s.storage.v1.StorageClass(`${name}-${role}`, def, { parent: this, ...STORAGE_CLASS_REPLACE_OPTIONS });
        const general = register("general", defs.general);
        const retain = register("retain", defs.retain);
        const shared = defs.shared === undefined ? undefined : register("shared", defs.shared);

        const snapshotClass = snapshotClassDefinition(args.storage);
        this.snapshotClassName =
            snapshotClass === undefined
                ? pulumi.output(NOT_OFFERED)
                : new k8s.apiextensions.CustomResource(`${name}-snapshots`, snapshotClass as k8s.apiextensions.CustomResourceArgs, { parent: this }).metadata.name;

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
        this.sharedClassName = shared === undefined ? pulumi.output(NOT_OFFERED) : shared.metadata.name;
        this.classNames = pulumi
            .all([this.generalClassName, this.retainClassName, this.sharedClassName])
            .apply(([g, r, s]): Record<StorageRole, string> => ({ general: g, retain: r, shared: s }));
        this.registerOutputs({
            generalClassName: this.generalClassName,
            retainClassName: this.retainClassName,
            sharedClassName: this.sharedClassName,
            classNames: this.classNames,
        });
    }
}
