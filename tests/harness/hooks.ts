/**
 * Mocha root hooks: a test fails if Pulumi swallowed an error while it ran, even one raised after
 * `runProgram` returned (a late `apply`).
 */
import { setConfigClock } from "../../config";
import { forgetPendingPromises, loggedErrorCount } from "./internals";
import { resetMocks, takeSwallowedErrors } from "./mocks";

let errorsBefore = 0;

/**
 * The date every test judges Kubernetes support windows by: the calendar's check date, so a test
 * that passes today means the same next year. Tests of the clock itself pass their own `today`.
 */
export const TEST_TODAY = new Date("2026-12-01T12:00:00Z");
setConfigClock(() => TEST_TODAY);

export const mochaHooks = {
    beforeEach(): void {
        resetMocks();
        errorsBefore = loggedErrorCount();
        takeSwallowedErrors(errorsBefore);
    },
    afterAll(): void {
        // PULUMI_DEBUG_PROMISE_LEAKS=1 keeps the SDK's own report, with a stack per pending promise.
        if (!process.env.PULUMI_DEBUG_PROMISE_LEAKS) forgetPendingPromises();
    },
    afterEach(this: Mocha.Context): void {
        const swallowed = takeSwallowedErrors(errorsBefore);
        if (swallowed.length > 0 && this.currentTest?.state === "passed") {
            throw new Error(`"${this.currentTest.fullTitle()}" passed but Pulumi swallowed errors:\n${swallowed.join("\n")}`);
        }
    },
};
