import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { awsStorageFacts } from "../../../components/aws/facts";
import { azureStorageFacts } from "../../../components/azure/facts";
import type { StorageClassFacts, StorageFacts } from "../../../components/cluster/contract";
import { gcpStorageFacts } from "../../../components/gcp/facts";
import { localStorageFacts } from "../../../components/local/facts";
import {
    DEFAULT_CLASS_ANNOTATION,
    GENERAL_STORAGE_CLASS,
    PlatformStorage,
    RETAIN_STORAGE_CLASS,
    SHARED_STORAGE_CLASS,
    STORAGE_CLASS_REPLACE_OPTIONS,
    SNAPSHOT_CLASS_NAME,
    StorageFactsError,
    builtInClassToUndefault,
    snapshotClassDefinition,
    storageClassDefinitions,
    validateStorageFacts,
} from "../../../components/platform/storage";
import { type RecordedResource, runProgram, valueOf } from "../../harness/mocks";

// The real facts of each target, so the tests see what the stacks get.
const AKS = azureStorageFacts("ssd", { zones: ["1", "2", "3"], dataResourceGroup: "platform-data-rg" });
const GKE = gcpStorageFacts("ssd");
const EKS = awsStorageFacts("ssd");
const LOCAL = localStorageFacts({ kubeContext: "kind-kind", storageProvisioner: "rancher.io/local-path", endpoint: "localhost" });

/** A ReadWriteMany class as a target offering shared files would describe it. */
const SHARED: StorageClassFacts = {
    provisioner: "efs.csi.aws.com",
    parameters: { provisioningMode: "efs-ap", fileSystemId: "fs-0123456789abcdef0", directoryPerms: "700" },
    reclaimPolicy: "Delete",
    allowVolumeExpansion: false,
    volumeBindingMode: "Immediate",
    accessModes: ["ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"],
};
const WITH_SHARED: StorageFacts = { ...EKS, classes: { ...EKS.classes, shared: SHARED } };

/** The same facts with one role's class changed. */
function withClass(facts: StorageFacts, role: "general" | "retain", change: Partial<StorageClassFacts>): StorageFacts {
    return { ...facts, classes: { ...facts.classes, [role]: { ...facts.classes[role], ...change } } };
}

function deploy(storage: StorageFacts) {
    return runProgram(() => {
        const provider = new k8s.Provider("k8s", { context: "kind-kind" });
        return new PlatformStorage("storage", { storage }, { provider });
    });
}

function classNamed(all: RecordedResource[], name: string): RecordedResource {
    const found = all.filter((r) => (r.inputs.metadata as { name: string }).name === name);
    assert.equal(found.length, 1, `one StorageClass named ${name}`);
    return found[0];
}

describe("PlatformStorage", () => {
    for (const [cloud, facts] of [["AKS", AKS], ["GKE", GKE], ["EKS", EKS], ["local", LOCAL]] as const) {
        it(`${cloud}: registers the general and retain classes from the facts of each role, and the shared one only where offered`, async () => {
            const { resources } = await deploy(facts);
            const classes = resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass");
            assert.equal(classes.length, facts.classes.shared ? 3 : 2);
            const general = classNamed(classes, GENERAL_STORAGE_CLASS);
            const retain = classNamed(classes, RETAIN_STORAGE_CLASS);
            for (const [sc, role, reclaim] of [[general, "general", "Delete"], [retain, "retain", "Retain"]] as const) {
                const want = facts.classes[role];
                assert.equal(sc.inputs.provisioner, want.provisioner);
                assert.deepEqual(sc.inputs.parameters, want.parameters);
                assert.equal(sc.inputs.reclaimPolicy, reclaim);
                assert.equal(sc.inputs.volumeBindingMode, "WaitForFirstConsumer");
                assert.equal(sc.inputs.allowVolumeExpansion, want.allowVolumeExpansion);
                // Resource names as in the first wave: a rename would replace the class.
                assert.equal(sc.name, `storage-${role}`);
            }
            // Only the general class may ever be default.
            assert.equal((retain.inputs.metadata as { annotations?: unknown }).annotations, undefined);
        });
    }

    it("promises expansion only where the provisioner can expand: the clouds' CSI drivers, not local-path", async () => {
        for (const facts of [AKS, GKE, EKS]) {
            const { resources } = await deploy(facts);
            for (const sc of resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass")) assert.equal(sc.inputs.allowVolumeExpansion, true, sc.name);
        }
        const { resources } = await deploy(LOCAL);
        for (const sc of resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass")) assert.equal(sc.inputs.allowVolumeExpansion, false, sc.name);
    });

    it("registers platform-shared only where the target offers a shared class, with its own facts", async () => {
        const { resources, result } = await deploy(WITH_SHARED);
        const classes = resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass");
        assert.equal(classes.length, 3);
        const shared = classNamed(classes, SHARED_STORAGE_CLASS);
        assert.equal(shared.name, "storage-shared");
        assert.equal(shared.inputs.provisioner, "efs.csi.aws.com");
        assert.deepEqual(shared.inputs.parameters, SHARED.parameters);
        assert.equal(shared.inputs.volumeBindingMode, "Immediate");
        assert.equal(shared.inputs.allowVolumeExpansion, false);
        assert.equal((shared.inputs.metadata as { annotations?: unknown }).annotations, undefined, "never the default");
        assert.deepEqual(await valueOf(result.classNames), { general: "platform-standard", retain: "platform-retain", shared: "platform-shared" });
    });

    it("exposes the class names as outputs, and classNames as {general, retain, shared} with shared `none` where not offered", async () => {
        const { result } = await deploy(EKS);
        assert.equal(await valueOf(result.generalClassName), "platform-standard");
        assert.equal(await valueOf(result.retainClassName), "platform-retain");
        assert.equal(await valueOf(result.sharedClassName), "none");
        assert.deepEqual(await valueOf(result.classNames), { general: "platform-standard", retain: "platform-retain", shared: "none" });
    });

    it("AKS: makes platform-standard default, then un-defaults the built-in `default` by a forced SSA patch", async () => {
        const { resources } = await deploy(AKS);
        const general = classNamed(resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass"), GENERAL_STORAGE_CLASS);
        assert.deepEqual((general.inputs.metadata as { annotations: unknown }).annotations, { [DEFAULT_CLASS_ANNOTATION]: "true" });
        const patch = resources.one("kubernetes:storage.k8s.io/v1:StorageClassPatch");
        const meta = patch.inputs.metadata as { name: string; annotations: Record<string, string> };
        assert.equal(meta.name, "default");
        assert.equal(meta.annotations[DEFAULT_CLASS_ANNOTATION], "false");
        assert.equal(meta.annotations["pulumi.com/patchForce"], "true");
        assert.ok(patch.dependsOn.includes(general.urn), "the patch waits for our default class");
        // A patch must not touch anything but the annotation.
        assert.equal(patch.inputs.provisioner, undefined);
    });

    it("GKE: un-defaults standard-rwo", async () => {
        const { resources } = await deploy(GKE);
        const patch = resources.one("kubernetes:storage.k8s.io/v1:StorageClassPatch");
        assert.equal((patch.inputs.metadata as { name: string }).name, "standard-rwo");
    });

    it("EKS (no built-in default since 1.30): makes ours default and patches nothing", async () => {
        const { resources } = await deploy(EKS);
        assert.equal(resources.ofType("kubernetes:storage.k8s.io/v1:StorageClassPatch").length, 0);
        const general = classNamed(resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass"), GENERAL_STORAGE_CLASS);
        assert.equal((general.inputs.metadata as { annotations: Record<string, string> }).annotations[DEFAULT_CLASS_ANNOTATION], "true");
    });

    it("renders platform-snapshots (deletionPolicy Retain) for the target's snapshot driver, and nothing where it offers none", async () => {
        const withSnapshots = await deploy(EKS);
        const classes = withSnapshots.resources.ofType("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass");
        assert.equal(classes.length, 1);
        assert.deepEqual(classes[0].inputs.metadata, { name: SNAPSHOT_CLASS_NAME, labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "platform" } });
        assert.equal(classes[0].inputs.driver, "ebs.csi.aws.com");
        assert.equal(classes[0].inputs.deletionPolicy, "Retain");
        assert.equal(await valueOf(withSnapshots.result.snapshotClassName), "platform-snapshots");
        const without = await deploy(LOCAL);
        assert.equal(without.resources.ofType("kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshotClass").length, 0);
        assert.equal(await valueOf(without.result.snapshotClassName), "none");
        assert.equal(snapshotClassDefinition({ ...EKS, snapshots: undefined }), undefined);
    });

    it("local: changes no default at all", async () => {
        const { resources } = await deploy(LOCAL);
        assert.equal(resources.ofType("kubernetes:storage.k8s.io/v1:StorageClassPatch").length, 0);
        for (const sc of resources.ofType("kubernetes:storage.k8s.io/v1:StorageClass")) {
            assert.equal((sc.inputs.metadata as { annotations?: unknown }).annotations, undefined);
        }
    });

    it("never un-defaults a built-in class unless ours becomes the default", () => {
        assert.equal(builtInClassToUndefault({ ...AKS, makeDefault: false }), undefined);
        assert.equal(builtInClassToUndefault(AKS), "default");
    });

    it("throws a clear error at construction when a name collides with a built-in class", async () => {
        const clash: StorageFacts = { ...AKS, builtInClasses: [...AKS.builtInClasses, "platform-retain"] };
        assert.throws(() => validateStorageFacts(clash), (e: unknown) => {
            assert.ok(e instanceof StorageFactsError);
            assert.match(e.message, /"platform-retain" collide with the cluster's built-in classes/);
            return true;
        });
        await assert.rejects(deploy(clash), /collide with the cluster's built-in classes/);
    });

    it("accepts every cloud's real facts for every tier (no collision with their built-in classes)", () => {
        for (const tier of ["ssd", "premium"] as const) {
            for (const facts of [awsStorageFacts(tier), gcpStorageFacts(tier), azureStorageFacts(tier, { zones: ["1", "2", "3"], dataResourceGroup: "platform-data-rg" })]) {
                assert.doesNotThrow(() => validateStorageFacts(facts), facts.classes.general.provisioner);
            }
        }
    });

    it("rejects an empty provisioner and a built-in default that names one of our classes", () => {
        assert.throws(() => validateStorageFacts(withClass(EKS, "retain", { provisioner: " " })), /classes\.retain\.provisioner is empty/);
        assert.throws(() => validateStorageFacts({ ...AKS, builtInDefaultClass: GENERAL_STORAGE_CLASS }), /must name a built-in class/);
    });

    it("rejects classes that break their role: no ReadWriteOnce for the data stores, the wrong reclaim policy, shared without ReadWriteMany", () => {
        assert.throws(() => validateStorageFacts(withClass(EKS, "general", { accessModes: ["ReadWriteMany"] })), /general class must support ReadWriteOnce/);
        assert.throws(() => validateStorageFacts(withClass(EKS, "retain", { reclaimPolicy: "Delete" })), /retain class must reclaim with Retain/);
        assert.throws(() => validateStorageFacts(withClass(EKS, "general", { reclaimPolicy: "Retain" })), /general class must reclaim with Delete/);
        const noRwx: StorageFacts = { ...EKS, classes: { ...EKS.classes, shared: { ...SHARED, accessModes: ["ReadWriteOnce"] } } };
        assert.throws(() => validateStorageFacts(noRwx), /shared class must support ReadWriteMany/);
        assert.doesNotThrow(() => validateStorageFacts(WITH_SHARED));
    });

    it("refuses a built-in class named platform-shared even where no shared class is offered yet", () => {
        assert.throws(() => validateStorageFacts({ ...EKS, builtInClasses: ["gp2", SHARED_STORAGE_CLASS] }), /"platform-shared" collide/);
    });

    it("replaces a class delete-first (fixed names, immutable parameters)", async () => {
        assert.deepEqual(STORAGE_CLASS_REPLACE_OPTIONS, { deleteBeforeReplace: true });
        const defs = storageClassDefinitions(GKE);
        assert.equal(defs.general.metadata.name, GENERAL_STORAGE_CLASS);
        assert.equal(defs.retain.metadata.name, RETAIN_STORAGE_CLASS);
        // The facts object is not shared with the classes (no aliasing of parameters).
        assert.notEqual(defs.general.parameters, GKE.classes.general.parameters);
        assert.equal(defs.shared, undefined);
    });

    it("gives every Kubernetes object our explicit provider and parents it to the component", async () => {
        const { resources } = await deploy(AKS);
        const objects = resources.kubernetesObjects();
        // general, retain, shared (AKS offers Azure Files), the snapshot class and the patch un-defaulting `default`.
        assert.equal(objects.length, 5);
        for (const o of objects) {
            assert.match(o.provider, /^urn:pulumi:test::platform::pulumi:providers:kubernetes::k8s::/, `${o.type} ${o.name}`);
            assert.match(o.parent, /platform:storage:PlatformStorage::storage$/);
        }
    });
});
