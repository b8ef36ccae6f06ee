/**
 * Golden plans: each example stack, evaluated offline, must match tests/golden/<stack>/ exactly.
 * A difference is either a regression or an intended change; for the latter, refresh with
 * `npm run plan:update-golden` and review the snapshot diff in the PR like code.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { GOLDEN_DIR, diffPlans, evaluateStack, exampleStacks, planFiles, readPlanFiles, renderDiff, snapshotOf } from "../../scripts/plan-lib";

/** Why two sets of plan files differ, naming resources and files; undefined when identical. */
export function goldenMismatch(stack: string, golden: ReadonlyMap<string, string>, current: ReadonlyMap<string, string>): string | undefined {
    const files = [...new Set([...golden.keys(), ...current.keys()])].sort();
    const differing = files.filter((f) => golden.get(f) !== current.get(f));
    if (differing.length === 0) return undefined;
    const refresh = `If the change is intended, refresh the snapshot with: npm run plan:update-golden -- ${stack}`;
    if (golden.size === 0) return `no golden plan for stack ${stack} in ${path.relative(process.cwd(), path.join(GOLDEN_DIR, stack))}. ${refresh}`;
    const report = renderDiff(diffPlans(snapshotOf(golden), snapshotOf(current)), `${stack}: golden -> current`);
    const fileList = differing.map((f) => `  ${golden.has(f) ? (current.has(f) ? "changed" : "removed") : "added"}: ${f}`).join("\n");
    return `the offline plan of stack ${stack} differs from tests/golden/${stack}:\n${report}\nFiles:\n${fileList}\n\n${refresh}`;
}

describe("golden offline plans", function () {
    this.timeout(120_000);

    for (const stack of exampleStacks()) {
        it(`stack ${stack} matches tests/golden/${stack}`, async () => {
            const current = planFiles(await evaluateStack(stack));
            const golden = readPlanFiles(path.join(GOLDEN_DIR, stack));
            const mismatch = goldenMismatch(stack, golden, current);
            assert.equal(mismatch, undefined, mismatch);
        });
    }
});
