import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    REDACTED,
    changeWarnings,
    configString,
    diffPlans,
    evaluateStack,
    goldenMismatch,
    parseStackConfig,
    planFiles,
    readPlanFiles,
    redactPlan,
    renderDiff,
    snapshotOf,
    writePlan,
    type PlanResource,
    type PlanSnapshot,
    type ResourceChange,
} from "../../scripts/plan-lib";
import { diffDirectories } from "../../scripts/plan-diff";
import { parsePlanArgs } from "../../scripts/plan";
import type { RecordedResource } from "../harness/mocks";

function recorded(name: string, inputs: Record<string, unknown>, secretInputs: string[] = []): RecordedResource {
    return {
        type: "kubernetes:core/v1:Secret",
        name,
        urn: `urn:pulumi:test::platform::kubernetes:core/v1:Secret::${name}`,
        inputs,
        secretInputs,
        custom: true,
        provider: "",
        parent: "",
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        dependsOn: [],
        aliases: [],
        read: false,
    };
}

function resource(name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource {
    return {
        urn: `urn:pulumi:test::platform::kubernetes:apps/v1:Deployment::${name}`,
        type: "kubernetes:apps/v1:Deployment",
        name,
        parent: "",
        provider: "",
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        dependsOn: [],
        aliases: [],
        inputs,
        ...extra,
    };
}

describe("offline plan: stack config", () => {
    it("turns YAML scalars and objects into the strings readConfig expects", () => {
        const { values, secretKeys } = parseStackConfig(
            "config:\n  platform:cloud: aws\n  platform:minNodes: 3\n  platform:protectData: false\n  platform:postgresClients:\n    - visit-counter\n  platform:token:\n    secure: AAABAxyz\n",
        );
        assert.equal(values["platform:cloud"], "aws");
        assert.equal(values["platform:minNodes"], "3");
        assert.equal(values["platform:protectData"], "false");
        assert.equal(values["platform:postgresClients"], '["visit-counter"]');
        assert.deepEqual(secretKeys, ["platform:token"]);
        assert.notEqual(values["platform:token"], "AAABAxyz");
        assert.equal(configString({ a: 1 }), '{"a":1}');
    });
});

describe("offline plan: redaction", () => {
    it("redacts secret inputs, and the same secret wherever else it appears", () => {
        const secret = recorded("auth", { metadata: { name: "auth" }, stringData: { password: "s3cr3t-pass" } }, ["stringData"]);
        const user = recorded("cm", { data: { url: "redis://:s3cr3t-pass@redis:6379", copy: "s3cr3t-pass", plain: "hello" } });
        const { resources, outputs } = redactPlan([secret, user], {
            kubeconfig: { value: "apiVersion: v1 kubeconfig-body", secret: true },
            endpoint: { value: "1.2.3.4", secret: false },
        });
        const text = JSON.stringify({ resources, outputs });
        assert.ok(!text.includes("s3cr3t-pass"), text);
        assert.ok(!text.includes("kubeconfig-body"), text);
        const auth = resources.find((r) => r.name === "auth");
        assert.equal(auth?.inputs.stringData, REDACTED);
        const cm = resources.find((r) => r.name === "cm");
        assert.deepEqual(cm?.inputs.data, { url: `redis://:${REDACTED}@redis:6379`, copy: REDACTED, plain: "hello" });
        assert.equal(outputs.kubeconfig, REDACTED);
        assert.equal(outputs.endpoint, "1.2.3.4");
    });

    it("never writes a generated password of the dev stack", async () => {
        const files = planFiles(await evaluateStack("dev"));
        const all = [...files.values()].join("\n");
        assert.ok(!/mock-password-/.test(all), "a mocked RandomPassword result leaked into the plan");
        assert.ok(!all.includes(process.cwd()), "an absolute path leaked into the plan");
    });
});

describe("offline plan: determinism", () => {
    it("produces byte-identical files for two evaluations of the same stack", async () => {
        const a = planFiles(await evaluateStack("dev"));
        const b = planFiles(await evaluateStack("dev"));
        assert.deepEqual([...a.keys()], [...b.keys()]);
        for (const [file, content] of a) assert.equal(b.get(file), content, file);
        assert.ok([...a.keys()].some((f) => f.startsWith("manifests/statefulset-apps-postgres")), [...a.keys()].join(", "));
    });

    it("round-trips through files, and removes manifests of deleted objects", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
        try {
            const manifest = "# urn\napiVersion: v1\n";
            writePlan({ stack: "x", resources: [resource("a", { replicas: 1 })], outputs: { o: 1 }, manifests: { "old.yaml": manifest } }, dir);
            writePlan({ stack: "x", resources: [resource("a", { replicas: 1 })], outputs: { o: 1 }, manifests: { "new.yaml": manifest } }, dir);
            const files = readPlanFiles(dir);
            assert.deepEqual([...files.keys()].sort(), ["inventory.json", "manifests/new.yaml", "outputs.json"]);
            assert.deepEqual(snapshotOf(files).resources[0].inputs, { replicas: 1 });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("offline plan: diff", () => {
    const base: PlanSnapshot = {
        resources: [
            resource("kept", { spec: { replicas: 2, template: { image: "app:1" } } }),
            resource("gone", { spec: {} }, { protect: true }),
            resource("same", { spec: { replicas: 1 } }),
        ],
        outputs: { url: "http://a" },
    };
    const head: PlanSnapshot = {
        resources: [
            resource("kept", { spec: { replicas: 3, template: { image: "app:1" } } }, { protect: true }),
            resource("same", { spec: { replicas: 1 } }),
            resource("new", { spec: {} }),
        ],
        outputs: { url: "http://b" },
    };

    it("finds added, removed and changed resources with dotted paths", () => {
        const d = diffPlans(base, head);
        assert.deepEqual(d.added.map((r) => r.name), ["new"]);
        assert.deepEqual(d.removed.map((r) => r.name), ["gone"]);
        assert.equal(d.unchanged, 1);
        assert.deepEqual(d.changed.map((c) => c.name), ["kept"]);
        assert.deepEqual(d.changed[0].changes, [
            { path: "inputs.spec.replicas", before: 2, after: 3 },
            { path: "protect", before: false, after: true },
        ]);
        assert.deepEqual(d.outputs, [{ path: "url", before: "http://a", after: "http://b" }]);
    });

    it("renders a markdown report that names every change", () => {
        const md = renderDiff(diffPlans(base, head), "Offline plan: dev");
        assert.match(md, /^### Offline plan: dev/);
        assert.match(md, /1 to add, 1 to remove, 1 to change/);
        assert.match(md, /`inputs\.spec\.replicas`: `2` → `3`/);
        assert.match(md, /\*\*gone\*\* ⚠️ protected/);
        assert.match(renderDiff(diffPlans(base, base), "t"), /No changes \(3 resources\)/);
    });

    it("diffs directories holding one plan per stack", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "plan-diff-"));
        try {
            writePlan({ stack: "dev", resources: base.resources, outputs: base.outputs, manifests: {} }, path.join(root, "base", "dev"));
            writePlan({ stack: "dev", resources: head.resources, outputs: head.outputs, manifests: {} }, path.join(root, "head", "dev"));
            const md = diffDirectories(path.join(root, "base"), path.join(root, "head"));
            assert.match(md, /### Offline plan: dev/);
            assert.match(md, /\*\*new\*\*/);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("explains a golden mismatch by resource and says how to refresh", () => {
        const toFiles = (s: PlanSnapshot) => planFiles({ stack: "dev", resources: s.resources, outputs: s.outputs, manifests: {} });
        assert.equal(goldenMismatch("dev", toFiles(base), toFiles(base)), undefined);
        const msg = goldenMismatch("dev", toFiles(base), toFiles(head)) ?? "";
        assert.match(msg, /\*\*kept\*\*/);
        assert.match(msg, /npm run plan:update-golden -- dev/);
        assert.match(goldenMismatch("dev", new Map(), toFiles(head)) ?? "", /no golden plan for stack dev/);
    });
});

describe("offline plan: review warnings", () => {
    const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
    const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
    const typed = (type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource =>
        resource(name, inputs, { urn: `urn:pulumi:test::platform::${type}::${name}`, type, ...extra });
    const change = (type: string, changes: ResourceChange["changes"]): ResourceChange => ({ urn: "u", type, name: "n", changes });
    const claims = (storage: string) => ({ spec: { volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage } } } }] } });

    it("warns that protection is removed only when it goes from on to off", () => {
        assert.deepEqual(changeWarnings(change("kubernetes:core/v1:Secret", [{ path: "protect", before: true, after: false }])), ["protection removed"]);
        assert.deepEqual(changeWarnings(change("kubernetes:core/v1:Secret", [{ path: "protect", before: false, after: true }])), []);
        // Another field going to false is not protection.
        assert.deepEqual(changeWarnings(change("kubernetes:core/v1:Secret", [{ path: "retainOnDelete", before: true, after: false }])), []);
    });

    it("warns that a StatefulSet is replaced when its volumeClaimTemplates change, and only a StatefulSet", () => {
        const templates = [{ path: "inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage", before: "20Gi", after: "40Gi" }];
        assert.deepEqual(changeWarnings(change(STATEFUL_SET, templates)), ["volumeClaimTemplates changed: the StatefulSet is replaced"]);
        assert.deepEqual(changeWarnings(change(STATEFUL_SET, [{ path: "inputs.spec.template.spec.containers[0].image", before: "a", after: "b" }])), []);
        assert.deepEqual(changeWarnings(change("kubernetes:apps/v1:Deployment", templates)), []);
    });

    it("warns that a StorageClass is replaced when its parameters, provisioner or reclaim policy change", () => {
        for (const path of ["inputs.parameters.type", "inputs.provisioner", "inputs.reclaimPolicy"]) {
            assert.deepEqual(changeWarnings(change(STORAGE_CLASS, [{ path, before: "a", after: "b" }])), ["StorageClass fields are immutable: it is replaced"], path);
        }
        assert.deepEqual(changeWarnings(change(STORAGE_CLASS, [{ path: "inputs.allowVolumeExpansion", before: false, after: true }])), []);
        assert.deepEqual(changeWarnings(change("kubernetes:core/v1:ConfigMap", [{ path: "inputs.parameters.type", before: "a", after: "b" }])), []);
    });

    it("shows every warning that applies to a resource, not only the first", () => {
        const before = typed(STATEFUL_SET, "postgres", claims("20Gi"), { protect: true });
        const after = typed(STATEFUL_SET, "postgres", claims("40Gi"), { protect: false });
        const md = renderDiff(diffPlans({ resources: [before], outputs: {} }, { resources: [after], outputs: {} }), "t");
        assert.match(md, /\*\*postgres\*\* ⚠️ protection removed ⚠️ volumeClaimTemplates changed: the StatefulSet is replaced\n/);
        const sc = (type: string) => typed(STORAGE_CLASS, "retain", { parameters: { type } }, { protect: type === "gp3" });
        assert.match(renderDiff(diffPlans({ resources: [sc("gp3")], outputs: {} }, { resources: [sc("io2")], outputs: {} }), "t"), /⚠️ protection removed ⚠️ StorageClass fields are immutable/);
    });

    it("tells a reviewer of protectData false + postgresStorageSize 40Gi that Postgres loses protection and is replaced", async function () {
        this.timeout(120_000);
        const base = await evaluateStack("dev");
        const head = await evaluateStack("dev", undefined, { "platform:protectData": "false", "platform:postgresStorageSize": "40Gi" });
        const md = renderDiff(diffPlans(base, head), "Offline plan: dev");
        const postgresLine = md.split("\n").find((l) => l.includes(`\`${STATEFUL_SET}\` **postgres**`));
        assert.equal(postgresLine, `- \`${STATEFUL_SET}\` **postgres** ⚠️ protection removed ⚠️ volumeClaimTemplates changed: the StatefulSet is replaced`, md);
        assert.match(md, /`inputs\.spec\.volumeClaimTemplates\[0\]\.spec\.resources\.requests\.storage`: `"20Gi"` → `"40Gi"`/);
    });
});

describe("offline plan: command line", () => {
    const stacks = ["aws", "dev"];
    it("takes one stack and an optional output directory", () => {
        assert.deepEqual(parsePlanArgs(["dev"], stacks), { mode: "plan", stacks: ["dev"], out: undefined });
        assert.deepEqual(parsePlanArgs(["aws", "--out", "x/aws"], stacks), { mode: "plan", stacks: ["aws"], out: "x/aws" });
    });
    it("refreshes every golden plan, or the ones named", () => {
        assert.deepEqual(parsePlanArgs(["--update-golden"], stacks), { mode: "update-golden", stacks });
        assert.deepEqual(parsePlanArgs(["--update-golden", "dev"], stacks).stacks, ["dev"]);
    });
    it("rejects unknown stacks and options with the usage text", () => {
        assert.throws(() => parsePlanArgs(["prod"], stacks), /unknown stack "prod"; expected one of: aws, dev/);
        assert.throws(() => parsePlanArgs(["dev", "--force"], stacks), /unknown option --force/);
        assert.throws(() => parsePlanArgs([], stacks), /expected exactly one stack/);
        assert.throws(() => parsePlanArgs(["dev", "--out"], stacks), /--out needs a directory/);
    });
});
