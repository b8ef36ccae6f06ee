/**
 * Golden plans: each example stack, evaluated offline, must match tests/golden/<stack>/ exactly.
 * A difference is either a regression or an intended change; for the latter, refresh with
 * `npm run plan:update-golden` and review the snapshot diff in the PR like code.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { APP_STACK_GOLDEN, GOLDEN_DIR, evaluateAppStack, evaluateStack, exampleStacks, goldenMismatch, planFiles, readPlanFiles } from "../../scripts/plan-lib";

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

    it(`the example app stack (on the dev stack's contract) matches tests/golden/${APP_STACK_GOLDEN}`, async () => {
        const current = planFiles(await evaluateAppStack());
        const golden = readPlanFiles(path.join(GOLDEN_DIR, APP_STACK_GOLDEN));
        const mismatch = goldenMismatch(APP_STACK_GOLDEN, golden, current);
        assert.equal(mismatch, undefined, mismatch);
    });
});
