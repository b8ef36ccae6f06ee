/**
 * kube-score on every example stack's golden plan: no finding without a waiver (with its reason)
 * in tests/kube-score-waivers.yaml, and no waiver left over once its finding is fixed.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
    KUBE_SCORE_VERSION,
    WAIVERS_FILE,
    type Finding,
    type Waiver,
    applyWaivers,
    ensureKubeScore,
    kubeScoreBinary,
    parseFindings,
    parseWaivers,
    reportProblems,
    scoreAllStacks,
    scoreStack,
    stackManifests,
    toolsDirCandidates,
} from "../../scripts/kube-score";
import { GOLDEN_DIR, MANIFESTS_DIR, exampleStacks } from "../../scripts/plan-lib";

const REASON = "a reason long enough to be one";

function finding(check: string, object: string, stack = "dev"): Finding {
    return { stack, check, object, grade: 1, details: [] };
}

describe("kube-score on the golden plans", function () {
    // The first run on a machine builds the pinned kube-score (about a minute on two cores);
    // setup does that, so here it is found in the cache and a run takes about a second.
    this.timeout(300_000);
    let binary: string;

    before(() => {
        binary = ensureKubeScore();
    });

    it("finds nothing that is not waived, and every waiver still matches a finding", () => {
        const { findings } = scoreAllStacks(binary);
        const problems = reportProblems(applyWaivers(findings, parseWaivers(fs.readFileSync(WAIVERS_FILE, "utf8"))));
        assert.deepEqual(problems, [], problems.join("\n"));
        assert.ok(findings.length > 0, "kube-score reported nothing at all: is it scoring the manifests?");
    });

    it("reports a waiver as stale once its object is fixed", () => {
        const dev = stackManifests("dev");
        const redis = Object.keys(dev.files).find((f) => f.startsWith("statefulset-apps-redis"));
        assert.ok(redis);
        // Redis without its ephemeral-storage requests and limits: found again; Postgres keeps them.
        const unfixed = dev.files[redis].replace(/\n +ephemeral-storage: \d+Mi(?=\n)/g, "");
        assert.notEqual(unfixed, dev.files[redis]);
        const findings = scoreStack(binary, { ...dev, files: { ...dev.files, [redis]: unfixed } });
        const waiver: Waiver = { check: "container-ephemeral-storage-request-and-limit", objects: ["StatefulSet/apps/redis", "StatefulSet/apps/postgres"], reason: REASON };
        assert.deepEqual(applyWaivers(findings, [waiver]).stale, [{ check: waiver.check, object: "StatefulSet/apps/postgres" }]);
    });

    it("ignores in-manifest kube-score/ignore annotations, so this file is the only way to waive", () => {
        const dev = stackManifests("dev");
        const redis = Object.keys(dev.files).find((f) => f.startsWith("statefulset-apps-redis"));
        assert.ok(redis);
        const annotated = dev.files[redis].replace(/^metadata:\n/m, "metadata:\n  annotations:\n    kube-score/ignore: container-image-pull-policy\n");
        assert.notEqual(annotated, dev.files[redis]);
        const findings = scoreStack(binary, { ...dev, files: { ...dev.files, [redis]: annotated } });
        assert.ok(findings.some((f) => f.check === "container-image-pull-policy" && f.object === "StatefulSet/apps/redis"));
    });

    it("caches the pinned version's binary under a versioned directory", () => {
        assert.equal(binary, kubeScoreBinary(path.dirname(path.dirname(binary))));
        assert.ok(binary.includes(`kube-score-${KUBE_SCORE_VERSION}`));
        assert.deepEqual(toolsDirCandidates({ PLATFORM_TOOLS_DIR: "/x" }, "/home/u"), ["/x", "/var/cache/platform-tools", "/home/u/.cache/platform-tools"]);
    });
});

describe("kube-score manifests", () => {
    for (const stack of exampleStacks()) {
        it(`${stack}: renders every Kubernetes object of the golden inventory, as the plan's manifests/ holds them`, () => {
            const rendered = stackManifests(stack);
            const golden = fs.readdirSync(path.join(GOLDEN_DIR, stack, MANIFESTS_DIR)).sort();
            assert.deepEqual(Object.keys(rendered.files).sort(), golden);
            assert.ok(rendered.notRendered.every((r) => /^(Release|Chart) /.test(r)), rendered.notRendered.join(", "));
        });
    }
});

describe("kube-score findings", () => {
    it("are the checks graded below OK and not skipped, per object with its containers' comments", () => {
        const json = JSON.stringify([
            {
                type_meta: { kind: "StatefulSet" },
                object_meta: { name: "redis", namespace: "apps" },
                checks: [
                    { check: { id: "container-image-pull-policy" }, grade: 1, skipped: false, comments: [{ path: "redis", summary: "ImagePullPolicy is not set to Always" }] },
                    { check: { id: "label-values" }, grade: 10, skipped: false, comments: null },
                    { check: { id: "statefulset-has-poddisruptionbudget" }, grade: 1, skipped: true, comments: [] },
                    { check: { id: "deployment-has-host-podantiaffinity" }, grade: 5, skipped: false, comments: [{ path: "", summary: "no anti-affinity" }] },
                ],
            },
            { type_meta: { kind: "StorageClass" }, object_meta: { name: "fast" }, checks: [{ check: { id: "stable-version" }, grade: 1, skipped: false, comments: null }] },
        ]);
        assert.deepEqual(parseFindings("dev", json), [
            { stack: "dev", check: "container-image-pull-policy", object: "StatefulSet/apps/redis", grade: 1, details: ["redis: ImagePullPolicy is not set to Always"] },
            { stack: "dev", check: "deployment-has-host-podantiaffinity", object: "StatefulSet/apps/redis", grade: 5, details: ["no anti-affinity"] },
            { stack: "dev", check: "stable-version", object: "StorageClass/fast", grade: 1, details: [] },
        ]);
    });
});

describe("kube-score waivers", () => {
    it("the committed file parses", () => {
        assert.ok(parseWaivers(fs.readFileSync(WAIVERS_FILE, "utf8")).length > 0);
    });

    it("separate waived, not waived, and waived pairs no stack finds any more", () => {
        const waivers: Waiver[] = [{ check: "a-check", objects: ["Deployment/apps/web", "StatefulSet/apps/db"], reason: REASON }];
        const found = [finding("a-check", "Deployment/apps/web"), finding("a-check", "Deployment/apps/web", "aws"), finding("a-check", "CronJob/apps/job"), finding("b-check", "StatefulSet/apps/db")];
        const report = applyWaivers(found, waivers);
        assert.deepEqual(report.waived, [found[0], found[1]]);
        assert.deepEqual(report.unwaived, [found[2], found[3]]);
        assert.deepEqual(report.stale, [{ check: "a-check", object: "StatefulSet/apps/db" }]);
        const problems = reportProblems(report);
        assert.equal(problems.length, 3);
        assert.match(problems[0], /not waived: \[dev\] a-check on CronJob\/apps\/job/);
        assert.match(problems[2], /no longer matches a finding: a-check on StatefulSet\/apps\/db -- remove it/);
    });

    it("accept check, objects and reason, for namespaced and cluster-scoped objects", () => {
        const text = `- check: container-image-pull-policy\n  objects: [Deployment/apps/visit-counter, StorageClass/platform-standard]\n  reason: ${REASON}\n`;
        assert.deepEqual(parseWaivers(text, "w.yaml"), [{ check: "container-image-pull-policy", objects: ["Deployment/apps/visit-counter", "StorageClass/platform-standard"], reason: REASON }]);
    });

    const refused: [string, string, RegExp][] = [
        ["not a list", "check: x\n", /w\.yaml: expected a list of waivers/],
        ["an unknown key", `- check: a-check\n  objects: [Deployment/apps/web]\n  reason: ${REASON}\n  stacks: [dev]\n`, /waiver 1 \(a-check\) has an unknown key "stacks"/],
        ["no reason", "- check: a-check\n  objects: [Deployment/apps/web]\n  reason: later\n", /waiver 1 \(a-check\) reason must say why/],
        ["an object that is not Kind/namespace/name", `- check: a-check\n  objects: [apps/web]\n  reason: ${REASON}\n`, /object "apps\/web" is not Kind\/namespace\/name/],
        ["no objects", `- check: a-check\n  objects: []\n  reason: ${REASON}\n`, /objects must be a non-empty list/],
        ["a check that is not an id", `- check: Container Image Tag\n  objects: [Deployment/apps/web]\n  reason: ${REASON}\n`, /check must be a kube-score check id/],
        [
            "the same pair twice",
            `- check: a-check\n  objects: [Deployment/apps/web]\n  reason: ${REASON}\n- check: a-check\n  objects: [Deployment/apps/web]\n  reason: ${REASON}\n`,
            /waiver 2 \(a-check\) waives Deployment\/apps\/web again \(already waiver 1\)/,
        ],
    ];
    for (const [what, text, message] of refused) {
        it(`refuse ${what}, naming the waiver`, () => {
            assert.throws(() => parseWaivers(text, "w.yaml"), message);
        });
    }
});
