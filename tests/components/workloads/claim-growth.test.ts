/**
 * A Postgres volume grows on a running stack: changing `platform:postgresStorageSize` is an update of
 * the live claim's size patch, never a replacement of the StatefulSet (its claim template keeps the
 * first size, `ignoreChanges`), and never a change to the backups claim, which has its own key.
 * The offline plan honours `ignoreChanges` as Pulumi does, so `npm run plan:diff` says the same.
 */
import * as assert from "node:assert/strict";
import { CLAIM_SIZE, CLAIM_SIZE_FIELD_MANAGER, FIRST_CLAIM_TEMPLATE_SIZE, statefulSetClaimName } from "../../../components/workloads/claim-growth";
import { changeWarnings, diffPlans, evaluateStack, ignoredByPulumi, type Plan, type PlanResource } from "../../../scripts/plan-lib";

const PATCH = "kubernetes:core/v1:PersistentVolumeClaimPatch";

function one(plan: Plan, type: string, name: string): PlanResource {
    const found = plan.resources.filter((r) => r.type === type && r.name === name);
    assert.equal(found.length, 1, `${type} ${name}: ${found.length}`);
    return found[0];
}

/** What the preview of `extra` on top of the dev stack changes: `type name` → changed paths. */
async function changesOf(extra: Record<string, string>, base: Record<string, string> = {}): Promise<{ changed: Map<string, string[]>; warnings: string[]; added: string[]; removed: string[] }> {
    const before = await evaluateStack("dev", undefined, base);
    const after = await evaluateStack("dev", undefined, { ...base, ...extra });
    const diff = diffPlans(before, after);
    return {
        changed: new Map(diff.changed.map((c) => [`${c.type} ${c.name}`, c.changes.map((x) => x.path)])),
        warnings: diff.changed.flatMap(changeWarnings),
        added: diff.added.map((r) => `${r.type} ${r.name}`),
        removed: diff.removed.map((r) => `${r.type} ${r.name}`),
    };
}

describe("growing the Postgres volume", function () {
    this.timeout(60_000);

    it("patches the live claim data-postgres-0 to the configured size, after the StatefulSet, forced, under a fixed field manager", async () => {
        const plan = await evaluateStack("dev", undefined, { "platform:postgresStorageSize": "30Gi" });
        const sts = one(plan, "kubernetes:apps/v1:StatefulSet", "postgres");
        assert.deepEqual(sts.ignoreChanges, [FIRST_CLAIM_TEMPLATE_SIZE]);
        const patch = one(plan, PATCH, "postgres-data-size");
        const inputs = patch.inputs as { metadata: { name: string; namespace: string; annotations: Record<string, string> }; spec: { resources: { requests: { storage: string } } } };
        assert.equal(inputs.metadata.name, statefulSetClaimName("data", "postgres"));
        assert.equal(inputs.metadata.name, "data-postgres-0");
        assert.equal(inputs.metadata.namespace, "apps");
        assert.equal(inputs.spec.resources.requests.storage, "30Gi");
        assert.deepEqual(inputs.metadata.annotations, { "pulumi.com/patchForce": "true", "pulumi.com/patchFieldManager": CLAIM_SIZE_FIELD_MANAGER });
        assert.ok(patch.dependsOn.includes(sts.urn), "the claim exists once the StatefulSet is ready");
        assert.equal(patch.retainOnDelete, true, "removing the patch must not try to drop the claim's required request");
    });

    it("previews a size change as an update of the patch alone: no replacement, no change to the backups claim", async () => {
        const { changed, warnings, added, removed } = await changesOf({ "platform:postgresStorageSize": "30Gi" });
        assert.deepEqual([...changed.keys()], [`${PATCH} postgres-data-size`]);
        assert.deepEqual(changed.get(`${PATCH} postgres-data-size`), ["inputs.spec.resources.requests.storage"]);
        assert.deepEqual({ warnings, added, removed }, { warnings: [], added: [], removed: [] });
    });
});

describe("the backups volume", function () {
    this.timeout(60_000);

    it("is made at the Postgres size and keeps the size it was made with: no patch while its key is unset", async () => {
        const plan = await evaluateStack("dev");
        const claim = one(plan, "kubernetes:core/v1:PersistentVolumeClaim", "postgres-backup");
        assert.deepEqual(claim.ignoreChanges, [CLAIM_SIZE]);
        assert.equal((claim.inputs.spec as { resources: { requests: { storage: string } } }).resources.requests.storage, "20Gi");
        assert.equal(plan.resources.filter((r) => r.type === PATCH && r.name === "postgres-backup-size").length, 0);
    });

    it("grows by its own key: platform:postgresBackupStorageSize patches the live claim, and nothing else changes", async () => {
        const { changed, added, warnings } = await changesOf({ "platform:postgresBackupStorageSize": "50Gi" });
        assert.deepEqual(added, [`${PATCH} postgres-backup-size`]);
        assert.deepEqual([...changed.keys()], [], "the claim itself ignores its size");
        assert.deepEqual(warnings, []);
        const grown = await changesOf({ "platform:postgresBackupStorageSize": "80Gi" }, { "platform:postgresBackupStorageSize": "50Gi" });
        assert.deepEqual(grown.changed.get(`${PATCH} postgres-backup-size`), ["inputs.spec.resources.requests.storage"]);
    });
});

describe("ignoredByPulumi", () => {
    it("leaves out a change at or under an ignored path, and nothing else", () => {
        const ignored = ["spec.volumeClaimTemplates[0].spec.resources.requests.storage", "spec.x"];
        assert.equal(ignoredByPulumi("inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage", ignored), true);
        assert.equal(ignoredByPulumi("inputs.spec.x.y", ignored), true);
        assert.equal(ignoredByPulumi("inputs.spec.x[1]", ignored), true);
        assert.equal(ignoredByPulumi("inputs.spec.xy", ignored), false);
        assert.equal(ignoredByPulumi("inputs.spec.volumeClaimTemplates[0].spec.storageClassName", ignored), false);
        assert.equal(ignoredByPulumi("protect", ignored), false);
    });
});
