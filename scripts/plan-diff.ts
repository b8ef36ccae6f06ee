/**
 * Markdown diff of two offline plans, for a PR comment or a terminal:
 *
 *     npm run plan:diff -- <base-dir> <head-dir>
 *
 * Each directory is one plan (`inventory.json` at its top) or holds one plan per stack
 * (`<dir>/<stack>/inventory.json`). Always exits 0: it is a report, the tests are the gate.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { INVENTORY_FILE, diffPlans, readPlanFiles, renderDiff, snapshotOf } from "./plan-lib";

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

/** The whole report for two plan directories. */
export function diffDirectories(baseDir: string, headDir: string): string {
    const stacks = [...new Set([...planDirsOf(baseDir), ...planDirsOf(headDir)])].sort();
    if (stacks.length === 0) return `### Offline plan\n\nNo plans found in ${baseDir} or ${headDir}.\n`;
    const sections = stacks.map((stack) => {
        const base = snapshotOf(readPlanFiles(path.join(baseDir, stack)));
        const head = snapshotOf(readPlanFiles(path.join(headDir, stack)));
        return renderDiff(diffPlans(base, head), `Offline plan${stack ? `: ${stack}` : ""}`);
    });
    return [
        ...sections,
        "<sub>Evaluated under Pulumi mocks from the stack files (`npm run plan`); cloud-side values are mocked. The real preview is `pulumi preview`.</sub>",
        "",
    ].join("\n");
}

if (require.main === module) {
    const [baseDir, headDir] = process.argv.slice(2);
    if (!baseDir || !headDir) {
        console.error("usage: npm run plan:diff -- <base-dir> <head-dir>");
    } else {
        process.stdout.write(diffDirectories(baseDir, headDir));
    }
}
