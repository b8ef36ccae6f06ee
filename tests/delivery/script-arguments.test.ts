/**
 * Every helper script answers a wrong command line or a missing input with one line on stderr and a
 * non-zero exit: no stack trace, no silent success.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseBenchArgs } from "../../scripts/bench";
import { parsePlanArgs } from "../../scripts/plan";
import { parsePlanDiffArgs } from "../../scripts/plan-diff";
import { INVENTORY_FILE, runStack, secureValueReport } from "../../scripts/plan-lib";

const ROOT = path.resolve(__dirname, "..", "..");

function runScript(script: string, args: readonly string[]): { status: number | null; stderr: string; stdout: string } {
    const r = spawnSync(process.execPath, ["--import", "tsx", `scripts/${script}`, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    return { status: r.status, stderr: r.stderr.trim(), stdout: r.stdout };
}

function assertRefused(r: { status: number | null; stderr: string }, pattern: RegExp): void {
    assert.notEqual(r.status, 0, "expected a non-zero exit");
    assert.equal(r.stderr.split("\n").length, 1, `expected one line, got:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.match(r.stderr, pattern);
}

describe("helper scripts refuse bad arguments and missing inputs", () => {
    let tmp: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "script-args-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("plan: no stack, an unknown stack, an unknown option, --out without a directory: one line each", () => {
        const known = ["aws", "dev"];
        for (const [argv, pattern] of [
            [[], /expected exactly one stack; usage:/],
            [["nonsense"], /unknown stack "nonsense"; expected one of: aws, dev; usage:/],
            [["dev", "--bogus"], /unknown option --bogus; usage:/],
            [["dev", "--out"], /--out needs a directory; usage:/],
        ] as const) {
            assert.throws(() => parsePlanArgs(argv, known), (e: Error) => pattern.test(e.message) && !e.message.includes("\n"));
        }
    });

    it("plan:diff: no argument, one, nonsense options, a file, a missing or empty head: one line each", () => {
        const file = path.join(tmp, "file.txt");
        fs.writeFileSync(file, "x");
        const empty = fs.mkdtempSync(path.join(tmp, "empty-"));
        for (const [argv, pattern] of [
            [[], /expected two plan directories, got 0/],
            [["a"], /expected two plan directories, got 1/],
            [["--nonsense", "a", "b"], /unknown option --nonsense/],
            [[file, empty], /file\.txt is a file; expected a plan directory/],
            [[empty, path.join(tmp, "missing")], /missing holds no plan/],
            [[empty, empty], /holds no plan/],
        ] as const) {
            assert.throws(() => parsePlanDiffArgs(argv), (e: Error) => pattern.test(e.message) && !e.message.includes("\n"), argv.join(" "));
        }
    });

    it("plan:diff: an empty inventory file is named, with a non-zero exit and no stack trace", () => {
        const head = path.join(tmp, "head");
        fs.mkdirSync(head);
        fs.writeFileSync(path.join(head, INVENTORY_FILE), "");
        assertRefused(runScript("plan-diff.ts", [path.join(tmp, "none"), head]), /^plan:diff: .*head\/inventory\.json is empty; re-create the plan/);
    });

    it("plan:diff without arguments exits non-zero instead of printing usage and succeeding", () => {
        assertRefused(runScript("plan-diff.ts", []), /^plan:diff: expected two plan directories, got 0; usage: npm run plan:diff/);
    });

    it("bench: only --runs with a sensible count", () => {
        assert.deepEqual(parseBenchArgs([]), { runs: 5 });
        assert.deepEqual(parseBenchArgs(["--runs", "3"]), { runs: 3 });
        for (const argv of [["--runs"], ["--runs", "x"], ["--runs", "0"], ["nonsense"], ["--runs", "2", "extra"]]) {
            const r = parseBenchArgs(argv);
            assert.ok("problem" in r && /usage: npm run bench/.test(r.problem), argv.join(" "));
        }
    });

    it("eval-stack: nonsense mode and malformed settings, one line", () => {
        assertRefused(runScript("eval-stack.ts", ["nonsense"]), /^eval-stack: usage: tsx scripts\/eval-stack\.ts load\|evaluate/);
        assertRefused(runScript("eval-stack.ts", ["evaluate", "local", "nonsense"]), /^eval-stack: expected namespace:key=value settings .* got: nonsense$/);
    });

    it("npm test, npm run setup and npm run bench:app take no arguments rather than ignoring them", () => {
        for (const [script, pattern] of [
            ["scripts/test.sh", /^npm test takes no arguments \(got: nonsense\)/],
            ["scripts/setup.sh", /^npm run setup takes no arguments \(got: nonsense\)/],
            ["app/bench/bench.sh", /^bench:app: takes no arguments \(got: nonsense\)/],
        ] as const) {
            const r = spawnSync("bash", [script, "nonsense"], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
            assertRefused({ status: r.status, stderr: r.stderr.trim() }, pattern);
        }
    });

    it("docs:config and docs:permissions refuse an unknown argument instead of rewriting the document", () => {
        assertRefused(runScript("docs-config.ts", ["--chek"]), /^docs:config: unknown argument --chek; usage:/);
        assertRefused(runScript("docs-permissions.ts", ["nonsense"]), /^docs:permissions: unknown argument nonsense; usage:/);
    });
});

describe("offline plan: secure: values in a stack file", () => {
    it("names a secret key, says it is replaced by a stand-in shown as [secret], and plans it", () => {
        const r = secureValueReport("dev", ["platform:postgresPassword"]);
        assert.deepEqual(r.problems, []);
        assert.deepEqual(r.notes, ["platform:postgresPassword is secret (secure:) in Pulumi.dev.yaml: the offline plan cannot decrypt it, uses a stand-in and shows it as [secret]"]);
    });

    it("refuses to plan a stack file whose non-credential key is encrypted, naming the key instead of a placeholder", async () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "secure-stack-"));
        try {
            fs.writeFileSync(path.join(root, "Pulumi.x.yaml"), "config:\n  platform:cloud: local\n  platform:ingressController:\n    secure: v1:abc\n");
            await assert.rejects(runStack("x", {}, root), (e: Error) => {
                assert.equal(e.message, "platform:ingressController is encrypted (secure:) in Pulumi.x.yaml, and the offline plan cannot decrypt it; it is not a credential, so set it in plain text: pulumi config set platform:ingressController <value>");
                return true;
            });
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });

    it("refuses an encrypted value of a key that decides what is built, naming the key and the fix", () => {
        assert.deepEqual(secureValueReport("aws", ["platform:nodeSize"]).problems, [
            "platform:nodeSize is encrypted (secure:) in Pulumi.aws.yaml, and the offline plan cannot decrypt it; it is not a credential, so set it in plain text: pulumi config set platform:nodeSize <value>",
        ]);
    });
});
