/**
 * What the delivery relies on in .github/workflows: triggers, the job graph, which stacks are
 * previewed and deployed, pulumi/actions inputs, least-privilege permissions, concurrency, fork
 * handling and pinned actions. A workflow edit that breaks one of these fails here, not in CI.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { load } from "js-yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const WORKFLOWS = path.join(ROOT, ".github", "workflows");

interface Step {
    uses?: string;
    run?: string;
    if?: string;
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

const preview = workflow("preview.yml");
const deploy = workflow("deploy.yml");
const comment = workflow("plan-comment.yml");
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts?: Record<string, string> };

describe("workflows: every file", () => {
    for (const file of workflowFiles()) {
        const wf = workflow(file);

        it(`${file}: pins every action to a version tag or a commit SHA`, () => {
            for (const job of Object.values(wf.jobs)) {
                for (const step of job.steps) {
                    if (!step.uses) continue;
                    assert.match(step.uses, /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, step.uses);
                }
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

/** The commands `.ci/run` runs after its preamble: the same two the README gives. */
const CI_COMMANDS = fs
    .readFileSync(path.join(ROOT, ".ci/run"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd "));

describe(".ci/run", () => {
    it("runs exactly the set-up and test commands README.md gives", () => {
        assert.deepEqual(CI_COMMANDS, ["bash scripts/setup.sh", "npm test"]);
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const setUp = readme.slice(readme.indexOf("## Set up and test"), readme.indexOf("## Deploy"));
        for (const command of CI_COMMANDS) assert.match(setUp, new RegExp(`^${command.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "m"), command);
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
        assert.equal(String(setup.with?.["node-version"]), "20");
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
        assert.equal(step.with?.policyPacks, "policy");
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

    it("links node_modules into the policy pack before pulumi runs it", () => {
        assert.ok(runs(preview.jobs.preview).includes("ln -sfn ../node_modules policy/node_modules"));
    });

    it("cancels stale previews per stack and PR", () => {
        const c = preview.jobs.preview.concurrency;
        assert.match(c?.group ?? "", /\$\{\{ matrix\.stack \}\}/);
        assert.match(c?.group ?? "", /\$\{\{ github\.event\.pull_request\.number \}\}/);
        assert.equal(c?.["cancel-in-progress"], true);
    });

    it("splits same-repository PRs (cloud preview) from fork PRs (offline plan, read-only)", () => {
        assert.equal(preview.jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
        const offline = preview.jobs["offline-plan"];
        assert.equal(offline.if, "github.event.pull_request.head.repo.full_name != github.repository");
        assert.deepEqual(offline.permissions, { contents: "read" });
        const commands = runs(offline).join("\n");
        assert.match(commands, /npm run plan -- "\$stack"/);
        assert.match(commands, /npm run --silent plan:diff --/);
        assert.ok(usesAction(offline, "actions/upload-artifact")[0].with?.name === "offline-plan");
        for (const script of ["plan", "plan:diff"]) assert.ok(packageJson.scripts?.[script], `package.json has no ${script} script`);
    });
});

describe("workflows: plan-comment.yml", () => {
    it("comments fork PRs from a workflow_run of preview, without running their code", () => {
        assert.deepEqual(comment.on, { workflow_run: { workflows: [preview.name], types: ["completed"] } });
        const job = comment.jobs.comment;
        assert.match(job.if ?? "", /head_repository\.full_name != github\.repository/);
        assert.equal(usesAction(job, "actions/checkout").length, 0, "must never check out the PR");
        assert.ok(job.steps.every((s) => s.run === undefined), "must run no shell commands");
        assert.equal(usesAction(job, "actions/download-artifact")[0].with?.name, "offline-plan");
        assert.deepEqual(job.permissions, { actions: "read", "pull-requests": "write" });
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

    it("serialises deploys per stack without cancelling one in progress", () => {
        const c = deploy.jobs.deploy.concurrency;
        assert.equal(c?.group, "deploy-${{ matrix.stack }}");
        assert.equal(c?.["cancel-in-progress"], false);
    });
});
