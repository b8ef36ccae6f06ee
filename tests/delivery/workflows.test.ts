/**
 * What the delivery relies on in .github/workflows: triggers, the job graph, which stacks are
 * previewed and deployed, pulumi/actions inputs, least-privilege permissions, concurrency, fork
 * handling and pinned actions; and the trust boundaries of docs/delivery.md: a pull request gets
 * only read-only identities and a preview-only Pulumi token, is judged by the base branch's policy
 * pack, and a fork's output is shown as inert text. A workflow edit that breaks one of these fails
 * here, not in CI.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { load } from "js-yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    env?: Record<string, string>;
    with?: Record<string, unknown>;
}

interface Job {
    needs?: string | string[];
    if?: string;
    environment?: string;
    permissions?: Record<string, string> | string;
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    strategy?: { matrix?: { stack?: string[] } };
    steps: Step[];
}

interface Workflow {
    name: string;
    on: Record<string, unknown>;
    permissions?: Record<string, string> | string;
    jobs: Record<string, Job>;
}

function workflowFiles(): string[] {
    return fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)).sort();
}

function workflow(file: string): Workflow {
    return load(fs.readFileSync(path.join(WORKFLOWS, file), "utf8")) as Workflow;
}

/**
 * The first major of each action whose action.yml declares `runs.using: node24` (facts.md, and the
 * actions' own tags read on 2026-12-01). Dependabot may move a pin to any later release.
 */
const FIRST_NODE24_MAJOR: Record<string, number> = {
    "actions/checkout": 5,
    "actions/setup-node": 5,
    "actions/cache": 5,
    "actions/upload-artifact": 6,
    "actions/download-artifact": 7,
    "actions/github-script": 8,
    "aws-actions/configure-aws-credentials": 6,
    "google-github-actions/auth": 3,
    "azure/login": 3,
    "pulumi/auth-actions": 2,
    "pulumi/actions": 7,
};

interface Pin {
    file: string;
    action: string;
    sha: string;
    version: string;
}

/** Every `uses:` line of every workflow, as pinned: `owner/name@<sha> # vX.Y.Z (date)`. */
function pins(): Pin[] {
    return workflowFiles().flatMap((file) =>
        fs
            .readFileSync(path.join(WORKFLOWS, file), "utf8")
            .split("\n")
            .map((l) => /uses: ([\w.-]+\/[\w./-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)/.exec(l))
            .filter((m): m is RegExpExecArray => m !== null)
            .map((m) => ({ file, action: m[1], sha: m[2], version: m[3] })),
    );
}

const OIDC_ACTIONS = ["aws-actions/configure-aws-credentials", "google-github-actions/auth", "azure/login", "pulumi/auth-actions"];

function usesAction(job: Job, action: string): Step[] {
    return job.steps.filter((s) => s.uses?.split("@")[0] === action);
}

function pulumiStep(job: Job): Step {
    const steps = usesAction(job, "pulumi/actions");
    assert.equal(steps.length, 1, "expected exactly one pulumi/actions step");
    return steps[0];
}

function needs(job: Job): string[] {
    return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

function runs(job: Job): string[] {
    return job.steps.flatMap((s) => (s.run ? s.run.split("\n").map((l) => l.trim()) : []));
}

/** The identity each cloud's login step asks for: AWS role, GCP service account, Azure client id. */
function identityInputs(job: Job): Record<string, unknown> {
    return {
        aws: usesAction(job, "aws-actions/configure-aws-credentials")[0]?.with?.["role-to-assume"],
        gcp: usesAction(job, "google-github-actions/auth")[0]?.with?.service_account,
        azure: usesAction(job, "azure/login")[0]?.with?.["client-id"],
    };
}

const preview = workflow("preview.yml");
const deploy = workflow("deploy.yml");
const comment = workflow("plan-comment.yml");
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };

describe("workflows: every file", () => {
    for (const file of workflowFiles()) {
        const wf = workflow(file);

        it(`${file}: pins every action to a full commit SHA with its version in a comment`, () => {
            const lines = fs.readFileSync(path.join(WORKFLOWS, file), "utf8").split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
            assert.ok(lines.length > 0);
            for (const line of lines) {
                assert.match(line, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)$/, line.trim());
            }
        });

        it(`${file}: uses a Node 24 major of every action, one commit per action version across the workflows`, () => {
            const all = pins();
            const steps = Object.values(wf.jobs).flatMap((j) => j.steps.filter((st) => st.uses));
            assert.equal(all.filter((p) => p.file === file).length, steps.length, "every action is pinned with its version");
            for (const pin of all.filter((p) => p.file === file)) {
                const first = FIRST_NODE24_MAJOR[pin.action];
                assert.ok(first, `${pin.action}: which major runs on Node 24? Add it to FIRST_NODE24_MAJOR`);
                assert.ok(Number(pin.version.slice(1).split(".")[0]) >= first, `${pin.action} ${pin.version} declares Node 20`);
                const others = all.filter((p) => p.action === pin.action);
                assert.deepEqual([...new Set(others.map((p) => `${p.sha} ${p.version}`))], [`${pin.sha} ${pin.version}`], `${pin.action} pinned differently`);
            }
        });

        it(`${file}: never leaves the checkout's token in .git/config`, () => {
            for (const [name, job] of Object.entries(wf.jobs)) {
                for (const step of usesAction(job, "actions/checkout")) {
                    assert.equal(step.with?.["persist-credentials"], false, `${file}/${name}: checkout without persist-credentials: false`);
                }
            }
        });

        it(`${file}: reads Node's version from .node-version, never a number of its own`, () => {
            for (const [name, job] of Object.entries(wf.jobs)) {
                for (const step of usesAction(job, "actions/setup-node")) {
                    assert.equal(step.with?.["node-version"], undefined, `${file}/${name}`);
                    assert.match(String(step.with?.["node-version-file"]), /^([\w-]+\/)?\.node-version$/, `${file}/${name}`);
                }
            }
        });

        it(`${file}: runs no install scripts where credentials can be minted`, () => {
            for (const [name, job] of Object.entries(wf.jobs)) {
                const perms = job.permissions as Record<string, string>;
                if (perms["id-token"] !== "write") continue;
                const installs = runs(job).filter((l) => /\bnpm (ci|install|i)\b/.test(l));
                assert.ok(installs.length > 0, `${file}/${name} installs nothing?`);
                for (const l of installs) {
                    for (const cmd of l.split(/&&|;/).filter((c) => /\bnpm (ci|install|i)\b/.test(c))) assert.match(cmd, /npm ci --ignore-scripts/, `${file}/${name}: ${l}`);
                }
                assert.ok(!runs(job).some((l) => l.includes("scripts/setup.sh")), `${file}/${name} runs setup.sh (npm install scripts) with credentials`);
            }
        });

        it(`${file}: grants least privilege (contents: read at the top, no write-all, id-token only where OIDC is used)`, () => {
            assert.deepEqual(wf.permissions, { contents: "read" });
            for (const [name, job] of Object.entries(wf.jobs)) {
                assert.equal(typeof job.permissions, "object", `${file}/${name} must set its own permissions`);
                const perms = job.permissions as Record<string, string>;
                const oidc = OIDC_ACTIONS.some((a) => usesAction(job, a).length > 0);
                assert.equal(perms["id-token"] === "write", oidc, `${file}/${name}: id-token: write if and only if it uses OIDC`);
                const writes = Object.entries(perms).filter(([, v]) => v === "write").map(([k]) => k);
                assert.ok(writes.every((w) => ["id-token", "pull-requests"].includes(w)), `${file}/${name} writes ${writes.join(", ")}`);
                if (perms["pull-requests"] === "write") {
                    const comments = usesAction(job, "actions/github-script").length > 0 || job.steps.some((s) => s.with?.["comment-on-pr"] === true);
                    assert.ok(comments, `${file}/${name} may write pull requests only to comment`);
                }
            }
            assert.doesNotMatch(fs.readFileSync(path.join(WORKFLOWS, file), "utf8"), /write-all|read-all/);
        });

        it(`${file}: uses no long-lived cloud or Pulumi secrets`, () => {
            // The parsed workflow, not the text: comments may explain why a secret is not used.
            assert.doesNotMatch(JSON.stringify(wf), /secrets\.|aws-access-key-id|credentials_json|client-secret|PULUMI_ACCESS_TOKEN/);
        });
    }
});

/** The commands `.ci/run` runs after its preamble: the same ones the README gives. */
const CI_COMMANDS = fs
    .readFileSync(path.join(ROOT, ".ci/run"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd "));

describe(".ci/run", () => {
    it("runs exactly the set-up and test commands README.md gives", () => {
        assert.deepEqual(CI_COMMANDS, ["bash scripts/setup.sh", "npm test", "npm run test:e2e"]);
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const at = readme.indexOf("\n## Run the tests\n");
        assert.ok(at >= 0, "README has a ## Run the tests section");
        const block = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(at));
        assert.ok(block, "README's Run the tests section has a sh block");
        const shown = block[1].split("\n").map((l) => l.replace(/\s+#.*$/, "").trim()).filter((l) => l !== "");
        assert.deepEqual(shown, CI_COMMANDS, "README's test commands and .ci/run's differ");
    });
});

describe("workflows: preview.yml", () => {
    it("runs on pull requests to main", () => {
        assert.deepEqual(Object.keys(preview.on), ["pull_request"]);
    });

    it("tests first (the README's set-up and test commands, as .ci/run runs them), and every other job needs the tests", () => {
        assert.ok(packageJson.scripts?.test, "package.json has no test script");
        const test = preview.jobs.test;
        assert.deepEqual(runs(test), CI_COMMANDS);
        const setup = usesAction(test, "actions/setup-node")[0];
        assert.equal(setup.with?.["node-version-file"], ".node-version");
        assert.equal(setup.with?.cache, "npm");
        assert.deepEqual(needs(preview.jobs.preview), ["test"]);
        assert.deepEqual(needs(preview.jobs["offline-plan"]), ["test"]);
    });

    it("previews every cloud stack that has a stack file, not the local dev stack", () => {
        const stacks = preview.jobs.preview.strategy?.matrix?.stack ?? [];
        assert.deepEqual([...stacks].sort(), ["aws", "azure", "gcp"]);
        for (const s of stacks) assert.ok(fs.existsSync(path.join(ROOT, `Pulumi.${s}.yaml`)), `no Pulumi.${s}.yaml`);
    });

    it("comments one edited preview per stack, with the policy pack", () => {
        const step = pulumiStep(preview.jobs.preview);
        assert.equal(step.with?.command, "preview");
        assert.equal(step.with?.["comment-on-pr"], true);
        assert.equal(step.with?.["edit-pr-comment"], true);
        assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
        // Comments are matched by the heading prefix "`preview` on <stack-name>" (pulumi/actions#754, #1165).
        assert.equal(step.with?.["stack-name"], "${{ vars.PULUMI_ORG }}/platform/${{ matrix.stack }}");
        assert.equal(step.with?.["comment-on-pr-number"], undefined, "comment-on-pr-number breaks edit-pr-comment (pulumi/actions#1382)");
        const stacks = preview.jobs.preview.strategy?.matrix?.stack ?? [];
        for (const a of stacks) for (const b of stacks) if (a !== b) assert.ok(!`platform/${b}`.startsWith(`platform/${a}`), `${a} is a prefix of ${b}`);
    });

    it("gets cloud credentials by OIDC for the matching stack only", () => {
        const job = preview.jobs.preview;
        assert.equal(usesAction(job, "aws-actions/configure-aws-credentials")[0].if, "matrix.stack == 'aws'");
        assert.ok(usesAction(job, "aws-actions/configure-aws-credentials")[0].with?.["role-to-assume"]);
        assert.equal(usesAction(job, "google-github-actions/auth")[0].if, "matrix.stack == 'gcp'");
        assert.ok(usesAction(job, "google-github-actions/auth")[0].with?.workload_identity_provider);
        assert.equal(usesAction(job, "azure/login")[0].if, "matrix.stack == 'azure'");
        for (const k of ["client-id", "tenant-id", "subscription-id"]) assert.ok(usesAction(job, "azure/login")[0].with?.[k], k);
        assert.equal(usesAction(job, "pulumi/auth-actions").length, 1);
    });

    it("uses the read-only preview identity of each cloud, never the deploy identity, and no environment", () => {
        const job = preview.jobs.preview;
        assert.equal(job.environment, undefined, "an environment would give the deploy identity's OIDC subject");
        const identity = identityInputs(job);
        assert.deepEqual(identity, {
            aws: "${{ vars.AWS_PREVIEW_ROLE_ARN }}",
            gcp: "${{ vars.GCP_PREVIEW_SERVICE_ACCOUNT }}",
            azure: "${{ vars.AZURE_PREVIEW_CLIENT_ID }}",
        });
        assert.doesNotMatch(JSON.stringify(preview), /DEPLOY/);
    });

    it("gets a Pulumi team token for previews (Stack Read), never an organization token", () => {
        const auth = usesAction(preview.jobs.preview, "pulumi/auth-actions")[0];
        assert.equal(auth.with?.["requested-token-type"], "urn:pulumi:token-type:access_token:team");
        assert.equal(auth.with?.scope, "team:${{ vars.PULUMI_PREVIEW_TEAM }}");
        for (const wf of [preview, deploy, comment]) assert.doesNotMatch(JSON.stringify(wf), /access_token:organization/);
    });

    it("routes Dependabot's PRs (no OIDC token) to the offline plan, never to the cloud preview", () => {
        assert.match(preview.jobs.preview.if ?? "", /github\.actor != 'dependabot\[bot\]'/);
        assert.match(preview.jobs.preview.if ?? "", /github\.event\.pull_request\.user\.login != 'dependabot\[bot\]'/);
        assert.match(preview.jobs["offline-plan"].if ?? "", /github\.actor == 'dependabot\[bot\]'/);
        assert.match(preview.jobs["offline-plan"].if ?? "", /github\.event\.pull_request\.user\.login == 'dependabot\[bot\]'/);
    });

    it("judges the PR by the base branch's policy pack, with the base's own dependencies", () => {
        const job = preview.jobs.preview;
        const base = usesAction(job, "actions/checkout").find((s) => s.with?.path === "base");
        assert.ok(base, "no checkout of the base branch");
        assert.equal(base.with?.ref, "${{ github.event.pull_request.base.sha }}");
        assert.equal(pulumiStep(job).with?.policyPacks, "base/policy");
        assert.ok(runs(job).includes("(cd base && npm ci --ignore-scripts) && ln -sfn ../node_modules base/policy/node_modules"));
        // After the merge, main is the base: deploy runs main's own pack.
        assert.equal(pulumiStep(deploy.jobs.deploy).with?.policyPacks, "policy");
        assert.ok(runs(deploy.jobs.deploy).includes("ln -sfn ../node_modules policy/node_modules"));
    });

    it("cancels stale previews per stack and PR", () => {
        const c = preview.jobs.preview.concurrency;
        assert.match(c?.group ?? "", /\$\{\{ matrix\.stack \}\}/);
        assert.match(c?.group ?? "", /\$\{\{ github\.event\.pull_request\.number \}\}/);
        assert.equal(c?.["cancel-in-progress"], true);
    });

    it("splits same-repository PRs (cloud preview) from fork PRs (offline plan, read-only)", () => {
        assert.match(preview.jobs.preview.if ?? "", /^github\.event\.pull_request\.head\.repo\.full_name == github\.repository && /);
        const offline = preview.jobs["offline-plan"];
        assert.match(offline.if ?? "", /^github\.event\.pull_request\.head\.repo\.full_name != github\.repository \|\| /);
        assert.deepEqual(offline.permissions, { contents: "read" });
        const commands = runs(offline).join("\n");
        assert.match(commands, /npm run plan -- "\$stack"/);
        assert.match(commands, /npm run --silent plan:diff --/);
        assert.ok(usesAction(offline, "actions/upload-artifact")[0].with?.name === "offline-plan");
        for (const script of ["plan", "plan:diff"]) assert.ok(packageJson.scripts?.[script], `package.json has no ${script} script`);
    });
});

describe("workflows: plan-comment.yml", () => {
    const job = comment.jobs.comment;

    it("comments fork PRs from a workflow_run of preview, only after a successful run", () => {
        assert.deepEqual(comment.on, { workflow_run: { workflows: [preview.name], types: ["completed"] } });
        assert.match(job.if ?? "", /head_repository\.full_name != github\.repository/);
        assert.match(job.if ?? "", /github\.event\.workflow_run\.conclusion == 'success'/);
        assert.equal(usesAction(job, "actions/download-artifact")[0].with?.name, "offline-plan");
        assert.deepEqual(job.permissions, { actions: "read", contents: "read", "pull-requests": "write" });
    });

    it("runs no PR code: only the renderer, checked out from the default branch, with no packages", () => {
        const checkouts = usesAction(job, "actions/checkout");
        assert.equal(checkouts.length, 1);
        assert.equal(checkouts[0].with?.ref, "${{ github.event.repository.default_branch }}");
        assert.equal(checkouts[0].with?.path, "trusted");
        assert.deepEqual(String(checkouts[0].with?.["sparse-checkout"]).trim().split("\n"), ["scripts/render-untrusted-diff.ts", ".node-version"]);
        assert.deepEqual(runs(job), ['node --no-warnings trusted/scripts/render-untrusted-diff.ts untrusted/plan-diff.md "$HEAD_SHA" > comment.md']);
        assert.equal(usesAction(job, "actions/download-artifact")[0].with?.path, "untrusted");
        assert.ok(fs.existsSync(path.join(ROOT, "scripts", "render-untrusted-diff.ts")));
    });

    it("checks the artifact's size before downloading it", () => {
        const check = job.steps.findIndex((s) => /listWorkflowRunArtifacts/.test(String(s.with?.script)) && /size_in_bytes > MAX_ARTIFACT_BYTES/.test(String(s.with?.script)));
        const download = job.steps.findIndex((s) => s.uses?.startsWith("actions/download-artifact@"));
        assert.ok(check >= 0 && check < download, "the size check must come before the download");
    });

    it("posts the rendered comment, checks the PR's head, and edits only its own earlier comment", () => {
        const post = job.steps[job.steps.length - 1];
        const script = String(post.with?.script);
        assert.match(script, /readFileSync\("comment\.md"/);
        assert.doesNotMatch(script, /plan-diff\.md/, "the raw diff is never posted");
        assert.match(script, /pull\.head\.sha !== process\.env\.HEAD_SHA/);
        assert.match(script, /c\.user\?\.login === "github-actions\[bot\]"/);
        assert.match(script, /c\.body\?\.startsWith\(marker\)/);
        assert.match(script, /const marker = "<!-- platform-offline-plan -->"/);
    });
});

describe("delivery: repository files", () => {
    it("has Dependabot move the action pins and the npm lockfile", () => {
        const file = path.join(ROOT, ".github", "dependabot.yml");
        assert.ok(fs.existsSync(file), "no .github/dependabot.yml");
        const config = load(fs.readFileSync(file, "utf8")) as { version: number; updates: { "package-ecosystem": string; directory: string }[] };
        assert.equal(config.version, 2);
        assert.deepEqual(config.updates.map((u) => [u["package-ecosystem"], u.directory]).sort(), [["github-actions", "/"], ["npm", "/"]]);
    });

    it("has code owners for what a PR is judged by: .github/, policy/, scripts/plan*", () => {
        const file = path.join(ROOT, ".github", "CODEOWNERS");
        assert.ok(fs.existsSync(file), "no .github/CODEOWNERS");
        const owned = fs
            .readFileSync(file, "utf8")
            .split("\n")
            .filter((l) => l.trim() && !l.startsWith("#"))
            .map((l) => l.trim().split(/\s+/))
            .filter((parts) => parts.length >= 2 && parts.slice(1).every((o) => o.startsWith("@")))
            .map((parts) => parts[0]);
        for (const pattern of ["/.github/", "/policy/", "/scripts/plan*", "/scripts/render-untrusted-diff.ts"]) assert.ok(owned.includes(pattern), pattern);
    });
});

describe("workflows: deploy.yml", () => {
    it("runs on pushes to main, tests first", () => {
        assert.deepEqual(deploy.on, { push: { branches: ["main"] } });
        assert.deepEqual(runs(deploy.jobs.test), CI_COMMANDS);
        assert.deepEqual(needs(deploy.jobs.deploy), ["test"]);
    });

    it("deploys each cloud stack with `up` in its own protected environment", () => {
        const job = deploy.jobs.deploy;
        const stacks = job.strategy?.matrix?.stack ?? [];
        assert.deepEqual([...stacks].sort(), ["aws", "azure", "gcp"]);
        for (const s of stacks) assert.ok(fs.existsSync(path.join(ROOT, `Pulumi.${s}.yaml`)));
        assert.equal(job.environment, "${{ matrix.stack }}");
        const step = pulumiStep(job);
        assert.equal(step.with?.command, "up");
        assert.equal(step.with?.policyPacks, "policy");
        assert.equal(step.with?.["stack-name"], "${{ vars.PULUMI_ORG }}/platform/${{ matrix.stack }}");
    });

    it("uses the deploy identity of each cloud from environment-scoped variables, and a team token", () => {
        const job = deploy.jobs.deploy;
        assert.deepEqual(identityInputs(job), {
            aws: "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
            gcp: "${{ vars.GCP_DEPLOY_SERVICE_ACCOUNT }}",
            azure: "${{ vars.AZURE_DEPLOY_CLIENT_ID }}",
        });
        assert.doesNotMatch(JSON.stringify(deploy), /PREVIEW/);
        const auth = usesAction(job, "pulumi/auth-actions")[0];
        assert.equal(auth.with?.["requested-token-type"], "urn:pulumi:token-type:access_token:team");
        assert.equal(auth.with?.scope, "team:${{ vars.PULUMI_DEPLOY_TEAM }}");
        // No other job may name the deploy identities (their variables exist only in the environments).
        for (const [file, wf] of [["preview.yml", preview], ["plan-comment.yml", comment]] as const) {
            assert.doesNotMatch(JSON.stringify(wf), /_DEPLOY_/, file);
        }
        assert.deepEqual(Object.keys(deploy.jobs).filter((n) => /_DEPLOY_/.test(JSON.stringify(deploy.jobs[n]))), ["deploy"]);
    });

    it("serialises deploys per stack without cancelling one in progress", () => {
        const c = deploy.jobs.deploy.concurrency;
        assert.equal(c?.group, "deploy-${{ matrix.stack }}");
        assert.equal(c?.["cancel-in-progress"], false);
    });
});
