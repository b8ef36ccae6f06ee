/**
 * Markdown diff of two offline plans, for a PR comment or a terminal:
 *
 *     npm run plan:diff -- <base-dir> <head-dir>
 *
 * Each directory is one plan (`inventory.json` at its top) or holds one plan per stack
 * (`<dir>/<stack>/inventory.json`). Exits 0 with any differences: it is a report, the tests are the
 * gate. Exits 2, with one line on stderr, when the arguments are wrong or the head holds no plan;
 * a missing base is reported as empty (a base branch that cannot plan shows everything as added).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { INVENTORY_FILE, OUTPUTS_FILE, diffPlans, readPlanFiles, renderDiff, snapshotOf } from "./plan-lib";

/** Stack sub-directories of a plan directory, or [""] when the directory is itself one plan. */
export function planDirsOf(dir: string): string[] {
    if (fs.existsSync(path.join(dir, INVENTORY_FILE))) return [""];
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, INVENTORY_FILE)))
        .map((e) => e.name)
        .sort();
}

/** A usage or input mistake: one line, no stack trace. */
export class PlanDiffError extends Error {}

const USAGE = "usage: npm run plan:diff -- <base-dir> <head-dir>";

/** The two directories of the command line, or why they cannot be diffed. */
export function parsePlanDiffArgs(argv: readonly string[]): { baseDir: string; headDir: string } {
    const options = argv.filter((a) => a.startsWith("-"));
    if (options.length > 0) throw new PlanDiffError(`unknown option ${options.join(", ")}; ${USAGE}`);
    if (argv.length !== 2) throw new PlanDiffError(`expected two plan directories, got ${argv.length}; ${USAGE}`);
    const [baseDir, headDir] = argv;
    for (const dir of argv) {
        if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new PlanDiffError(`${dir} is a file; expected a plan directory (npm run plan -- <stack> --out <dir>)`);
    }
    if (planDirsOf(headDir).length === 0) {
        throw new PlanDiffError(`${headDir} holds no plan (no ${INVENTORY_FILE} in it or in a sub-directory); write one with: npm run plan -- <stack> --out <dir>`);
    }
    return { baseDir, headDir };
}

/** A plan directory's snapshot; a plan file that is not JSON is named, not a stack trace. */
function readSnapshot(dir: string): ReturnType<typeof snapshotOf> {
    const files = readPlanFiles(dir);
    for (const name of [INVENTORY_FILE, OUTPUTS_FILE]) {
        if (files.get(name)?.trim() === "") throw new PlanDiffError(`${path.join(dir, name)} is empty; re-create the plan with: npm run plan`);
    }
    try {
        return snapshotOf(files);
    } catch (e) {
        throw new PlanDiffError(`${dir}: a plan file is not valid JSON (${e instanceof Error ? e.message : String(e)}); re-create it with: npm run plan`);
    }
}

/** The whole report for two plan directories. */
export function diffDirectories(baseDir: string, headDir: string): string {
    const stacks = [...new Set([...planDirsOf(baseDir), ...planDirsOf(headDir)])].sort();
    if (stacks.length === 0) return `### Offline plan\n\nNo plans found in ${baseDir} or ${headDir}.\n`;
    const sections = stacks.map((stack) => {
        const base = readSnapshot(path.join(baseDir, stack));
        const head = readSnapshot(path.join(headDir, stack));
        return renderDiff(diffPlans(base, head), `Offline plan${stack ? `: ${stack}` : ""}`);
    });
    const noBase = planDirsOf(baseDir).length === 0 ? [`<sub>No base plan in ${path.basename(baseDir)}: every resource shows as added.</sub>`, ""] : [];
    return [
        ...sections,
        ...noBase,
        "<sub>Evaluated under Pulumi mocks from the stack files (`npm run plan`); cloud-side values are mocked. The real preview is `pulumi preview`.</sub>",
        "",
    ].join("\n");
}

if (require.main === module) {
    try {
        const { baseDir, headDir } = parsePlanDiffArgs(process.argv.slice(2));
        process.stdout.write(diffDirectories(baseDir, headDir));
    } catch (e) {
        if (!(e instanceof PlanDiffError)) throw e;
        console.error(`plan:diff: ${e.message}`);
        process.exitCode = 2;
    }
}
