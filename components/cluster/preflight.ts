/**
 * Preflight: read-only checks of the account (or the existing cluster) a stack deploys into, run
 * before anything is registered, in a preview and in `pulumi up`. Config validation catches what
 * the stack file gets wrong; this catches what the world will refuse on a first `up`, after minutes
 * of creating things: a quota too small, an API or resource provider not enabled, an identity that
 * cannot assign roles.
 *
 * Each target supplies its checks (`PreflightCheck`); this module runs them all, collects every
 * finding and reports them at once, like `readConfig` does for the config. It imports no cloud SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PreflightMode } from "../../config";

export type Severity = "error" | "warning";

/** One problem, written for the person who has to fix it. */
export interface Finding {
    severity: Severity;
    /** What is missing or short, with the numbers read: `the Elastic IP quota in eu-west-1 is 5; the stack allocates 6`. */
    what: string;
    /** Why the platform needs it. */
    why: string;
    /** The exact command or console step that fixes it. */
    fix: string;
    /**
     * The finding is about the identity running the program (its type, its rights), not the account.
     * It is an error only when that identity deploys: a preview may run under a read-only identity
     * (CI's preview job does), for which the same finding is only a warning.
     */
    aboutCaller?: boolean;
}

/**
 * What a check reads. `cloud`: the cloud's API, through provider invokes or the cloud's REST API
 * with the caller's own token (the offline plan and the tests answer these). `cluster`: the
 * Kubernetes cluster itself, through kubectl, which the offline plan never reaches.
 */
export type PreflightReads = "cloud" | "cluster";

/** One check a target supplies. */
export interface PreflightCheck {
    /** Stable id, named in every finding and in the warning when the check cannot run. */
    id: string;
    reads: PreflightReads;
    /**
     * A refusal that protects data rather than a look at the account (a running cluster whose node
     * mode an update cannot switch): it runs, and fails, whatever `platform:preflight` says.
     */
    guard?: boolean;
    /**
     * Read-only calls only. Throws when it cannot read what it needs (no permission to read a
     * quota, an API that is off): the runner reports that as a warning, never as a crash.
     */
    run(): Promise<Finding[]>;
}

/** A finding with the id of the check that made it, and whether that check is a guard. */
export type CheckedFinding = Finding & { check: string; guard?: boolean };

/** Thrown by a check that could not read what it needed and knows how to make the read work. */
export class UnreadableError extends Error {
    constructor(
        message: string,
        /** The command or console step that lets the check read next time. */
        readonly fix: string,
    ) {
        super(message);
        this.name = "UnreadableError";
    }
}

/** The warning for a check that could not read what it needed: say so, and that nothing was judged. */
export function couldNotRun(check: string, error: unknown): CheckedFinding {
    const reason = error instanceof Error ? error.message : String(error);
    return {
        check,
        severity: "warning",
        what: `could not run this check: ${reason.split("\n")[0]}`,
        why: "nothing was judged, so a problem it looks for may still stop `pulumi up`",
        fix:
            error instanceof UnreadableError
                ? error.fix
                : "give the identity running Pulumi the read permissions listed in docs/delivery.md (\"Preflight and preview reads\"), or skip the checks: pulumi config set platform:preflight off",
    };
}

/** Runs every check at once; a check that throws becomes a warning naming it. */
export async function collectFindings(checks: readonly PreflightCheck[]): Promise<CheckedFinding[]> {
    const results = await Promise.all(
        checks.map(async (c): Promise<CheckedFinding[]> => {
            try {
                return (await c.run()).map((f) => ({ ...f, check: c.id, ...(c.guard === true ? { guard: true } : {}) }));
            } catch (e) {
                return [couldNotRun(c.id, e)];
            }
        }),
    );
    return results.flat();
}

/** One finding as printed: what, why, and the fix, each on its own line. */
export function formatFinding(f: CheckedFinding): string {
    return `[${f.check}] ${f.what}\n      why: ${f.why}\n      fix: ${f.fix}`;
}

/** What the preflight fails with and what it prints. */
export interface PreflightReport {
    errors: string[];
    warnings: string[];
}

/**
 * Sorts findings by what the mode makes of them: with `on` errors fail, with `warn` everything is
 * printed, with `off` nothing is said; a guard's findings count as `on` whatever the mode. A finding
 * about the caller fails only a deployment.
 */
export function preflightReport(findings: readonly CheckedFinding[], mode: PreflightMode, deploying: boolean): PreflightReport {
    const errors: string[] = [];
    const warnings: string[] = [];
    for (const f of findings) {
        const effective = f.guard === true ? "on" : mode;
        if (effective === "off") continue;
        const callerInPreview = f.aboutCaller === true && !deploying;
        if (f.severity === "error" && effective === "on" && !callerInPreview) {
            errors.push(formatFinding(f));
        } else if (f.severity === "error" && callerInPreview) {
            // Said as a condition: the identity running a preview need not be the one that deploys.
            warnings.push(formatFinding({ ...f, what: `if this identity deploys, \`pulumi up\` fails: ${f.what}` }));
        } else {
            warnings.push(formatFinding(f));
        }
    }
    return { errors, warnings };
}

/** The message of the one error a failed preflight throws: every problem, numbered. */
export function preflightFailure(errors: readonly string[]): string {
    const list = errors.map((e, i) => `  ${i + 1}. ${e}`).join("\n");
    return (
        `preflight: ${errors.length} problem(s) in the account this stack deploys into would stop \`pulumi up\`; nothing was registered.\n${list}\n` +
        "Fix them and preview again (or, knowingly, `pulumi config set platform:preflight warn` to print them instead)."
    );
}

export interface RunPreflightOptions {
    mode: PreflightMode;
    /** Whether this run deploys (`pulumi up`); default: not a dry run. */
    deploying?: boolean;
    /** Run only the checks that read the cloud (the offline plan, which never reaches a cluster). */
    cloudOnly?: boolean;
    /** Where warnings go; default `pulumi.log.warn`. */
    warn?: (message: string) => void;
}

/**
 * Runs the target's checks before anything is registered: prints every warning, and with `on`
 * (or from a guard) throws one `RunError` listing every error (a clean failure, no stack trace).
 */
export async function runPreflight(checks: readonly PreflightCheck[], options: RunPreflightOptions): Promise<void> {
    const selected = checks.filter((c) => (options.mode !== "off" || c.guard === true) && (options.cloudOnly !== true || c.reads === "cloud"));
    if (selected.length === 0) return;
    const findings = await collectFindings(selected);
    const report = preflightReport(findings, options.mode, options.deploying ?? !pulumi.runtime.isDryRun());
    const warn = options.warn ?? ((m: string) => void pulumi.log.warn(m));
    for (const w of report.warnings) warn(`preflight: ${w}`);
    if (report.errors.length > 0) throw new pulumi.RunError(preflightFailure(report.errors));
}

/**
 * How a quota compares with what the stack needs of it. `limit`: the stack alone needs more than
 * the quota allows. `free`: it fits the quota, but not what others already use of it (`usedByOthers`,
 * when known). Undefined: it fits. A negative limit means unlimited.
 */
export function quotaShortfall(limit: number, need: number, usedByOthers?: number): "limit" | "free" | undefined {
    if (limit < 0) return undefined;
    if (need > limit) return "limit";
    if (usedByOthers !== undefined && need > limit - usedByOthers) return "free";
    return undefined;
}
