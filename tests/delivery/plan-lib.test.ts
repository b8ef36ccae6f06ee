import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    REDACTED,
    canonical,
    changeWarnings,
    configString,
    diffValues,
    exampleStacks,
    isManifestResource,
    normalizePaths,
    redactStrings,
    renderManifests,
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

describe("offline plan: what reviewers and the goldens rely on", () => {
    it("reads every YAML scalar as text, a stack file without config as empty, and names secure placeholders by key", () => {
        const { values, secretKeys } = parseStackConfig("config:\n  platform:replicas: 0\n  platform:flag: true\n  platform:empty: null\n  aws:token:\n    secure: v1:abc\n");
        assert.deepEqual(values, { "platform:replicas": "0", "platform:flag": "true", "platform:empty": "", "aws:token": "offline-placeholder-aws-token" });
        assert.deepEqual(secretKeys, ["aws:token"]);
        assert.deepEqual(parseStackConfig("encryptionsalt: x\n"), { values: {}, secretKeys: [] });
        assert.deepEqual(parseStackConfig("config: 3\n"), { values: {}, secretKeys: [] });
        assert.deepEqual(parseStackConfig("config:\n"), { values: {}, secretKeys: [] });
        assert.equal(configString(undefined), "");
        assert.equal(configString(false), "false");
        assert.equal(configString(["a"]), '["a"]');
    });

    it("finds the example stacks by their Pulumi.<stack>.yaml files only", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
        try {
            for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml", "Pulumi.dev.yaml", "Pulumi.dev.yaml.bak", "XPulumi.x.yaml", "Pulumi..yaml"]) fs.writeFileSync(path.join(dir, f), "");
            assert.deepEqual(exampleStacks(dir), ["dev", "prod"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("keeps a short name that sits in a secret input, such as ECR's user name, where it appears in plain", () => {
        const image = recorded("image", { registry: { username: "AWS", password: "mock-ecr-token" } }, ["registry"]);
        const job = recorded("job", { env: { PROVIDER: "AWS", TOKEN_COPY: "mock-ecr-token" } });
        const { resources } = redactPlan([image, job], {});
        assert.equal(resources.find((r) => r.name === "image")?.inputs.registry, REDACTED);
        assert.deepEqual(resources.find((r) => r.name === "job")?.inputs.env, { PROVIDER: "AWS", TOKEN_COPY: REDACTED });
    });

    it("redacts the longest secret first, embedded ones only from 6 characters, in lists and nested objects", () => {
        const secrets = new Set(["abcdefgh", "abcdefghij", "12345", "123456"]);
        assert.deepEqual(redactStrings({ a: ["x-abcdefghij-y", { b: "abcdefgh" }], c: "pin 12345 here", d: "12345", e: "code 123456", f: 7 }, secrets), {
            a: [`x-${REDACTED}-y`, { b: REDACTED }],
            c: "pin 12345 here",
            d: REDACTED,
            e: `code ${REDACTED}`,
            f: 7,
        });
    });

    it("redacts secret outputs and secret config values wherever they reappear, never the empty string", () => {
        const { resources, outputs } = redactPlan(
            [recorded("cm", { data: { a: "token-value-1", b: ["config-secret-9"], c: "", d: "plain" } })],
            { token: { value: ["token-value-1"], secret: true }, url: { value: "http://host/token-value-1", secret: false } },
            ["config-secret-9", ""],
        );
        assert.deepEqual(resources[0].inputs.data, { a: REDACTED, b: [REDACTED], c: "", d: "plain" });
        assert.deepEqual(outputs, { token: REDACTED, url: `http://host/${REDACTED}` });
    });

    it("orders resources by URN, outputs by name, and dependencies and aliases, so plans compare byte for byte", () => {
        const r = (name: string) => ({ ...recorded(name, {}), dependsOn: ["urn:b", "urn:a"], aliases: ["z", "y"] });
        const { resources, outputs } = redactPlan([r("b"), r("a"), r("c")], { zeta: { value: 1, secret: false }, alpha: { value: 2, secret: false }, mid: { value: 3, secret: false } });
        assert.deepEqual(resources.map((x) => x.name), ["a", "b", "c"]);
        assert.deepEqual(resources[0].dependsOn, ["urn:a", "urn:b"]);
        assert.deepEqual(resources[0].aliases, ["y", "z"]);
        assert.deepEqual(Object.keys(outputs), ["alpha", "mid", "zeta"]);
        assert.deepEqual(canonical({ b: 1, a: { d: undefined, c: [undefined, { f: 1, e: 2 }] } }), { a: { c: [null, { e: 2, f: 1 }] }, b: 1 });
        assert.deepEqual(Object.keys(canonical({ b: 1, a: 2 }) as object), ["a", "b"]);
    });

    it("replaces the checkout path and the home directory in every string", () => {
        const home = os.homedir();
        assert.deepEqual(normalizePaths({ a: ["/repo/x/app", `${home}/.kube/config`], b: { c: "/repo/x" }, n: 1 }, "/repo/x"), { a: ["<repo>/app", "~/.kube/config"], b: { c: "<repo>" }, n: 1 });
    });

    it("writes a manifest per Kubernetes object, named by kind, namespace and name, never for Helm releases or providers", () => {
        const k = (type: string, inputs: Record<string, unknown>, name = "r") => resource(name, inputs, { type, urn: `urn:${type}::${name}` });
        assert.equal(isManifestResource(k("kubernetes:core/v1:ConfigMap", { apiVersion: "v1", kind: "ConfigMap" })), true);
        assert.equal(isManifestResource(k("kubernetes:helm.sh/v3:Release", { chart: "x", kind: 3 })), false);
        assert.equal(isManifestResource(k("kubernetes:core/v1:ConfigMap", { kind: "ConfigMap" })), false);
        assert.equal(isManifestResource(k("pulumi:providers:kubernetes", { apiVersion: "v1", kind: "Config" })), false);
        const files = renderManifests([
            k("kubernetes:core/v1:ConfigMap", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "My App", namespace: "apps" }, data: { b: "2", a: "1" } }, "cm1"),
            k("kubernetes:core/v1:ConfigMap", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "my_app", namespace: "apps" } }, "cm2"),
            k("kubernetes:storage.k8s.io/v1:StorageClass", { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" }, "retain"),
        ]);
        assert.deepEqual(Object.keys(files), ["configmap-apps-my_app.yaml", "configmap-apps-my_app-2.yaml", "storageclass-_cluster-retain.yaml"]);
        assert.equal(files["configmap-apps-my_app.yaml"], "# urn:kubernetes:core/v1:ConfigMap::cm1\napiVersion: v1\ndata:\n  a: '1'\n  b: '2'\nkind: ConfigMap\nmetadata:\n  name: My App\n  namespace: apps\n");
    });

    it("diffs empty lists and objects as values, and reads plan files in a stable order", () => {
        assert.deepEqual(diffValues({ a: [], b: {} }, { a: ["x"], b: { c: 1 } }), [
            { path: "a", before: [], after: undefined },
            { path: "a[0]", before: undefined, after: "x" },
            { path: "b", before: {}, after: undefined },
            { path: "b.c", before: undefined, after: 1 },
        ]);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-order-"));
        try {
            for (const f of ["b.yaml", "a.yaml", "c.yaml"]) {
                fs.mkdirSync(path.join(dir, "manifests"), { recursive: true });
                fs.writeFileSync(path.join(dir, "manifests", f), f);
            }
            fs.writeFileSync(path.join(dir, "outputs.json"), "{}");
            assert.deepEqual([...readPlanFiles(dir).keys()], ["manifests/a.yaml", "manifests/b.yaml", "manifests/c.yaml", "outputs.json"]);
            assert.deepEqual(readPlanFiles(path.join(dir, "missing")).size, 0);
            assert.deepEqual(snapshotOf(readPlanFiles(dir)), { resources: [], outputs: {} });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("reports added and removed resources and changed outputs, values shortened to 120 characters", () => {
        const long = "x".repeat(200);
        const md = renderDiff(
            diffPlans({ resources: [resource("gone", {})], outputs: { url: "a", old: "`tick`" } }, { resources: [resource("new", { v: long })], outputs: { url: long } }),
            "t",
        );
        assert.match(md, /#### Added\n- `kubernetes:apps\/v1:Deployment` \*\*new\*\*\n/);
        assert.match(md, /#### Removed\n- `kubernetes:apps\/v1:Deployment` \*\*gone\*\*\n/, "not protected: no warning");
        assert.match(md, /#### Stack outputs\n- `old`: `"'tick'"` → \(unset\)\n- `url`: `"a"` → `"x{116}\.\.\.`\n/);
        assert.doesNotMatch(md, /#### Changed/);
        assert.match(renderDiff(diffPlans({ resources: [], outputs: {} }, { resources: [], outputs: { o: 1 } }), "t"), /0 to add, 0 to remove, 0 to change, 0 to replace\*\*, 0 unchanged\.\n\n#### Stack outputs/);
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

    it("warns that a StatefulSet is replaced when its serviceName, selector or podManagementPolicy change", () => {
        for (const [path, field] of [
            ["inputs.spec.serviceName", "serviceName"],
            ["inputs.spec.selector.matchLabels.app", "selector"],
            ["inputs.spec.podManagementPolicy", "podManagementPolicy"],
        ]) {
            assert.deepEqual(changeWarnings(change(STATEFUL_SET, [{ path, before: "a", after: "b" }])), [`${field} changed: the StatefulSet is replaced`], path);
        }
        // A field whose name only starts the same is not that field.
        assert.deepEqual(changeWarnings(change(STATEFUL_SET, [{ path: "inputs.spec.serviceNameX", before: "a", after: "b" }])), []);
    });

    it("warns that a Service is replaced when its clusterIP changes (a ClusterIP Service made headless)", () => {
        const headless = [{ path: "inputs.spec.clusterIP", before: undefined, after: "None" }];
        assert.deepEqual(changeWarnings(change("kubernetes:core/v1:Service", headless)), ["clusterIP is immutable: the Service is replaced (deleted, then created)"]);
        assert.deepEqual(changeWarnings(change("kubernetes:core/v1:Service", [{ path: "inputs.spec.ports[0].port", before: 1, after: 2 }])), []);
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

    it("tells a reviewer of protectData false + redisStorageSize 40Gi that Redis loses protection and is replaced", async function () {
        this.timeout(120_000);
        const base = await evaluateStack("dev");
        const head = await evaluateStack("dev", undefined, { "platform:protectData": "false", "platform:redisStorageSize": "40Gi" });
        const md = renderDiff(diffPlans(base, head), "Offline plan: dev");
        const redisLine = md.split("\n").find((l) => l.includes(`\`${STATEFUL_SET}\` **redis**`));
        assert.equal(redisLine, `- \`${STATEFUL_SET}\` **redis** ⚠️ protection removed ⚠️ volumeClaimTemplates changed: the StatefulSet is replaced`, md);
        assert.match(md, /`inputs\.spec\.volumeClaimTemplates\[0\]\.spec\.resources\.requests\.storage`: `"5Gi"` → `"40Gi"`/);
    });

    it("shows postgresStorageSize 40Gi as the live claim's size patch: Postgres is not replaced", async function () {
        this.timeout(120_000);
        const base = await evaluateStack("dev");
        const head = await evaluateStack("dev", undefined, { "platform:postgresStorageSize": "40Gi" });
        const md = renderDiff(diffPlans(base, head), "Offline plan: dev");
        assert.doesNotMatch(md, /replaced/, md);
        assert.match(md, /\*\*postgres-data-size\*\*\n {2}- `inputs\.spec\.resources\.requests\.storage`: `"20Gi"` → `"40Gi"`/, md);
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

describe("offline plan: the diff folds what the cloud never sees and counts replacements apart", () => {
    const dep = (name: string) => `urn:pulumi:test::platform::kubernetes:core/v1:Namespace::${name}`;
    const service = (name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}) =>
        resource(name, inputs, { type: "kubernetes:core/v1:Service", urn: `urn:pulumi:test::platform::kubernetes:core/v1:Service::${name}`, ...extra });

    it("folds a resource whose only change is its dependency list, naming what was added and dropped", () => {
        const md = renderDiff(
            diffPlans(
                { resources: [resource("app", { a: 1 }, { dependsOn: [dep("old"), dep("kept")] })], outputs: {} },
                { resources: [resource("app", { a: 1 }, { dependsOn: [dep("kept"), dep("new")] })], outputs: {} },
            ),
            "t",
        );
        assert.match(md, /\*\*0 to add, 0 to remove, 0 to change, 0 to replace\*\*, 1 with only their dependency list changed \(folded\), 0 unchanged\./);
        assert.match(md, /<details><summary>1 resources with only their dependency list changed[^\n]*\n\n- `kubernetes:apps\/v1:Deployment` \*\*app\*\*\n {2}- `dependsOn` \(order only\): \+ new; − old\n/);
        assert.doesNotMatch(md, /#### Changed/);
    });

    it("reads a reordered dependency list as no change", () => {
        const d = diffPlans(
            { resources: [resource("app", {}, { dependsOn: [dep("a"), dep("b")] })], outputs: {} },
            { resources: [resource("app", {}, { dependsOn: [dep("b"), dep("a")] })], outputs: {} },
        );
        assert.equal(d.changed.length, 0);
        assert.equal(d.unchanged, 1);
    });

    it("counts a change the API server refuses as a replacement, apart from the updates", () => {
        const md = renderDiff(
            diffPlans(
                { resources: [service("svc", { spec: { clusterIP: "10.0.0.1" } }), resource("app", { replicas: 1 })], outputs: {} },
                { resources: [service("svc", { spec: { clusterIP: "10.0.0.2" } }), resource("app", { replicas: 2 })], outputs: {} },
            ),
            "t",
        );
        assert.match(md, /\*\*0 to add, 0 to remove, 1 to change, 1 to replace\*\*, 0 unchanged\./);
        assert.match(md, /#### Replaced \(deleted, then created again\)\n- `kubernetes:core\/v1:Service` \*\*svc\*\* ⚠️ clusterIP is immutable/);
        assert.match(md, /#### Changed\n- `kubernetes:apps\/v1:Deployment` \*\*app\*\*\n/);
    });

    it("counts a resource that moved to another URN without an alias as a replacement, and one with an alias as kept", () => {
        const parent = "urn:pulumi:test::platform::platform:index:Old::old";
        const from = resource("db", {}, { urn: "urn:pulumi:test::platform::platform:index:Old$kubernetes:apps/v1:Deployment::db", parent });
        const to = resource("db", {}, { urn: "urn:pulumi:test::platform::platform:index:New$kubernetes:apps/v1:Deployment::db", parent: "urn:pulumi:test::platform::platform:index:New::new" });
        const unaliased = renderDiff(diffPlans({ resources: [from], outputs: {} }, { resources: [to], outputs: {} }), "t");
        assert.match(unaliased, /\*\*0 to add, 0 to remove, 0 to change, 1 to replace\*\*/);
        assert.match(unaliased, /\*\*db\*\* ⚠️ its URN changed and no alias names the old one/);
        const aliased = renderDiff(diffPlans({ resources: [from], outputs: {} }, { resources: [{ ...to, aliases: [`name=;type=;parent=${parent}`] }], outputs: {} }), "t");
        assert.match(aliased, /\*\*0 to add, 0 to remove, 0 to change, 0 to replace\*\*/);
        assert.match(aliased, /#### Moved \(an alias keeps the object\)\n- `kubernetes:apps\/v1:Deployment` \*\*db\*\* from/);
    });
});
