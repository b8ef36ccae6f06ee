import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    type Finding,
    type PreflightCheck,
    UnreadableError,
    collectFindings,
    preflightReport,
    quotaShortfall,
    runPreflight,
} from "../../../components/cluster/preflight";

const problem = (what: string, severity: Finding["severity"] = "error", aboutCaller?: boolean): Finding => ({
    severity,
    what,
    why: `why ${what}`,
    fix: `fix ${what}`,
    ...(aboutCaller === undefined ? {} : { aboutCaller }),
});

function check(id: string, findings: Finding[], reads: PreflightCheck["reads"] = "cloud"): PreflightCheck & { runs: number } {
    const c = {
        id,
        reads,
        runs: 0,
        run(): Promise<Finding[]> {
            c.runs++;
            return Promise.resolve(findings);
        },
    };
    return c;
}

const failing = (id: string, message: string): PreflightCheck => ({ id, reads: "cloud", run: () => Promise.reject(new Error(message)) });

/** Runs the preflight, returning what it printed and the error it threw, if any. */
async function preflight(checks: PreflightCheck[], mode: "on" | "warn" | "off", deploying = false): Promise<{ warnings: string[]; error?: unknown }> {
    const warnings: string[] = [];
    try {
        await runPreflight(checks, { mode, deploying, warn: (m) => warnings.push(m) });
        return { warnings };
    } catch (error) {
        return { warnings, error };
    }
}

describe("preflight contract", () => {
    it("with `on`, fails once, listing every error of every check with its why and fix", async () => {
        const { error, warnings } = await preflight([check("a", [problem("quota A")]), check("b", [problem("api B"), problem("note C", "warning")])], "on");
        assert.ok(error instanceof pulumi.RunError, "a RunError: a clean failure without a stack trace");
        const message = (error as Error).message;
        for (const what of ["quota A", "api B"]) {
            assert.match(message, new RegExp(`\\[\\w\\] ${what}\\n\\s+why: why ${what}\\n\\s+fix: fix ${what}`));
        }
        assert.match(message, /2 problem\(s\)/);
        assert.doesNotMatch(message, /note C/);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /^preflight: \[b\] note C/);
    });

    it("with `on` and only warnings, prints them and lets the deployment go on", async () => {
        const { error, warnings } = await preflight([check("a", [problem("small", "warning")]), check("b", [])], "on");
        assert.equal(error, undefined);
        assert.deepEqual(warnings.length, 1);
    });

    it("with `warn`, prints errors and warnings alike and never fails", async () => {
        const { error, warnings } = await preflight([check("a", [problem("quota A"), problem("note", "warning")])], "warn");
        assert.equal(error, undefined);
        assert.equal(warnings.length, 2);
        assert.ok(warnings.some((w) => w.includes("quota A")));
    });

    it("with `off`, runs no check at all", async () => {
        const a = check("a", [problem("quota A")]);
        const { error, warnings } = await preflight([a], "off");
        assert.equal(a.runs, 0);
        assert.equal(error, undefined);
        assert.deepEqual(warnings, []);
    });

    it("runs a guard, and fails on it, whatever the mode: it protects data, it does not judge the account", async () => {
        for (const mode of ["on", "warn", "off"] as const) {
            const guard = { ...check("node-mode", [problem("switch strands the volumes")]), guard: true };
            const account = check("quota", [problem("quota A")]);
            const { error } = await preflight([guard, account], mode);
            assert.ok(error instanceof pulumi.RunError, mode);
            assert.match((error as Error).message, /switch strands the volumes/);
            assert.equal(/quota A/.test((error as Error).message), mode === "on", `${mode}: the account check fails only with on`);
            assert.equal(account.runs, mode === "off" ? 0 : 1);
        }
    });

    it("reports a check that cannot run as a warning naming it, and still reports the others' errors", async () => {
        const findings = await collectFindings([failing("quota-read", "AccessDenied: servicequotas:GetServiceQuota\nstack..."), check("b", [problem("api B")])]);
        const denied = findings.find((f) => f.check === "quota-read");
        assert.equal(denied?.severity, "warning");
        assert.match(denied?.what ?? "", /could not run this check: AccessDenied: servicequotas:GetServiceQuota$/);
        const { error } = await preflight([failing("quota-read", "denied"), check("b", [problem("api B")])], "on");
        assert.match((error as Error).message, /api B/);
        assert.doesNotMatch((error as Error).message, /quota-read/);
    });

    it("names the way to make a read work when the check knows it", async () => {
        const check: PreflightCheck = {
            id: "apis",
            reads: "cloud",
            run: () => Promise.reject(new UnreadableError("Cloud Quotas API is off", "gcloud services enable cloudquotas.googleapis.com")),
        };
        const [f] = await collectFindings([check]);
        assert.equal(f.fix, "gcloud services enable cloudquotas.googleapis.com");
        assert.match(f.what, /Cloud Quotas API is off/);
    });

    it("fails a deployment on a finding about the caller, but only warns in a preview (which may run as a read-only identity)", () => {
        const findings = [{ ...problem("cannot assign roles", "error", true), check: "identity" }];
        const preview = preflightReport(findings, "on", false);
        assert.deepEqual(preview.errors, []);
        assert.match(preview.warnings[0], /if this identity deploys, `pulumi up` fails: cannot assign roles/);
        const up = preflightReport(findings, "on", true);
        assert.equal(up.errors.length, 1);
    });

    it("skips the checks that reach the cluster when asked to read the cloud only (the offline plan)", async () => {
        const cloud = check("quota", []);
        const cluster = check("server-version", [problem("too new")], "cluster");
        await runPreflight([cloud, cluster], { mode: "on", deploying: false, cloudOnly: true, warn: () => undefined });
        assert.equal(cloud.runs, 1);
        assert.equal(cluster.runs, 0);
    });

    describe("quotaShortfall", () => {
        it("is short of the limit when the stack alone needs more than the quota", () => {
            assert.equal(quotaShortfall(5, 6), "limit");
            assert.equal(quotaShortfall(5, 6, 0), "limit");
        });
        it("is short of what is free when others already use part of it", () => {
            assert.equal(quotaShortfall(10, 6, 5), "free");
            assert.equal(quotaShortfall(10, 6, 4), undefined);
        });
        it("fits exactly, and never judges an unlimited quota", () => {
            assert.equal(quotaShortfall(6, 6), undefined);
            assert.equal(quotaShortfall(-1, 1000, 5), undefined);
        });
    });
});
