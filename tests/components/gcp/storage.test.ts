import * as assert from "node:assert/strict";
import * as gcp from "../../../components/gcp/target";
import { GCP_FILESTORE_TIER, GKE_BUILT_IN_CLASSES, gcpSharedClass, gcpStorageFacts } from "../../../components/gcp/facts";
import { STORAGE_CLASS_NAMES } from "../../../components/platform/storage";
import { runProgram, valueOf } from "../../harness/mocks";
import { gcpConfig, mockGcp } from "./helpers";

const CLUSTER = "gcp:container/cluster:Cluster";
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";

describe("GKE storage: shared files and snapshots", () => {
    beforeEach(() => mockGcp());

    it("turns on the Filestore CSI driver add-on and the Filestore API", async () => {
        const { resources } = await runProgram(() => gcp.target("gke", gcpConfig()));
        const addons = resources.one(CLUSTER).inputs.addonsConfig as Record<string, unknown>;
        assert.deepEqual(addons.gcpFilestoreCsiDriverConfig, { enabled: true });
        assert.ok(resources.ofType("gcp:projects/service:Service").some((s) => s.inputs.service === "file.googleapis.com"));
    });

    it("offers platform-shared on Filestore, on the cluster's own VPC, with the tier chosen per storage tier", async () => {
        const { result: target, resources } = await runProgram(() => gcp.target("gke", gcpConfig()));
        const shared = target.storage.classes.shared;
        assert.ok(shared, "GKE offers a shared class");
        assert.equal(shared.provisioner, "filestore.csi.storage.gke.io");
        assert.equal(shared.parameters.tier, "standard");
        resources.one("gcp:compute/network:Network");
        assert.equal(await valueOf(shared.parameters.network), "gke-net-vpc-5e6f");
        assert.equal(shared.reclaimPolicy, "Delete");
        assert.equal(shared.allowVolumeExpansion, true);
        assert.equal(shared.volumeBindingMode, "WaitForFirstConsumer");
        assert.ok(shared.accessModes.includes("ReadWriteMany"));
        assert.equal(gcpSharedClass("premium", "vpc").parameters.tier, "regional");
    });

    it("says the tiers' smallest claims: 100Gi BASIC_HDD through the GKE driver, 1Ti REGIONAL", () => {
        assert.deepEqual(GCP_FILESTORE_TIER, { ssd: { tier: "standard", minimumGi: 100 }, premium: { tier: "regional", minimumGi: 1024 } });
    });

    it("registers platform-shared with a name no built-in GKE class has (the *-rwx ones included)", () => {
        assert.ok(!(GKE_BUILT_IN_CLASSES as readonly string[]).includes(STORAGE_CLASS_NAMES.shared));
        for (const name of ["standard-rwx", "premium-rwx", "enterprise-rwx", "zonal-rwx", "regional-rwx"]) {
            assert.ok((GKE_BUILT_IN_CLASSES as readonly string[]).includes(name), name);
        }
    });

    it("has no shared class without the VPC name (a target that did not turn Filestore on)", () => {
        assert.equal(gcpStorageFacts("ssd").classes.shared, undefined);
    });

    it("snapshots the block classes with the PD CSI driver", () => {
        assert.deepEqual(gcpStorageFacts("ssd", "vpc").snapshots, { driver: "pd.csi.storage.gke.io", parameters: {} });
    });

    it("renders platform-shared in the whole stack", async () => {
        const { runStack, EXAMPLE_STACK_OF } = await import("../../../scripts/plan-lib");
        const { resources } = await runStack(EXAMPLE_STACK_OF.gcp);
        const classes = resources.ofType(STORAGE_CLASS).map((c) => c.inputs as { metadata: { name: string }; provisioner: string; parameters: Record<string, string> });
        const shared = classes.find((c) => c.metadata.name === "platform-shared");
        assert.ok(shared, classes.map((c) => c.metadata.name).join(", "));
        assert.equal(shared.provisioner, "filestore.csi.storage.gke.io");
        assert.equal(shared.parameters.tier, "standard");
        assert.equal(shared.parameters.network, "gke-net-vpc-5e6f");
    });
});
