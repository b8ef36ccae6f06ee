import * as assert from "node:assert/strict";
import {
    blockStorageClasses,
    CLUSTER_AUTOSCALER_DISRUPTION,
    KARPENTER_DISRUPTION,
    CLUSTER_AUTOSCALER_NODES,
    KARPENTER_NODES,
    STORAGE_ROLES,
} from "../../../components/cluster/contract";

describe("cluster contract", () => {
    it("lists every storage role, general and retain first", () => {
        assert.deepEqual(STORAGE_ROLES, ["general", "retain", "shared"]);
    });

    it("block classes: the same disk twice, Delete and Retain, one node at a time, no shared class", () => {
        const t = blockStorageClasses({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3" }, allowVolumeExpansion: true });
        assert.equal(t.general.reclaimPolicy, "Delete");
        assert.equal(t.retain.reclaimPolicy, "Retain");
        for (const sc of [t.general, t.retain]) {
            assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
            assert.deepEqual(sc.accessModes, ["ReadWriteOnce", "ReadWriteOncePod"]);
            assert.equal(sc.allowVolumeExpansion, true);
        }
        assert.notEqual(t.general.parameters, t.retain.parameters, "a later per-class parameter (Azure resourceGroup) changes one class only");
        assert.equal(t.shared, undefined);
    });

    describe("disruption annotations", () => {
        it("cluster autoscaler: lists scratch volumes by name (sorted, comma-separated), and safe-to-evict false for never-disrupt", () => {
            const ca = CLUSTER_AUTOSCALER_DISRUPTION;
            assert.deepEqual(ca.scratchVolumesEvictable(["tmp", "cache"]), { "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes": "cache,tmp" });
            assert.deepEqual(ca.scratchVolumesEvictable([]), {});
            assert.deepEqual(ca.neverDisrupt, { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
        });

        it("Karpenter: nothing for scratch volumes, do-not-disrupt for never-disrupt", () => {
            assert.deepEqual(KARPENTER_DISRUPTION.scratchVolumesEvictable(["tmp"]), {});
            assert.deepEqual(KARPENTER_DISRUPTION.neverDisrupt, { "karpenter.sh/do-not-disrupt": "true" });
        });

        it("nodes under the cluster autoscaler use its annotations, Karpenter's nodes Karpenter's", () => {
            assert.equal(CLUSTER_AUTOSCALER_NODES.disruption, CLUSTER_AUTOSCALER_DISRUPTION);
            assert.equal(KARPENTER_NODES.disruption, KARPENTER_DISRUPTION);
        });
    });
});
