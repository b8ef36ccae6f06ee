/**
 * Mocha root hooks: a test fails if Pulumi swallowed an error while it ran, even one raised after
 * `runProgram` returned (a late `apply`).
 */
import { forgetPendingPromises, loggedErrorCount } from "./internals";
import { resetMocks, takeSwallowedErrors } from "./mocks";

let errorsBefore = 0;

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
