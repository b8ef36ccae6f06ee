/**
 * The two @internal SDK functions the harness needs, typed narrowly in one place. They are stable
 * across 3.x (the SDK's own tests use them); if an upgrade moves them, only this file changes.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): { logErrorCount: number } };
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): [Set<unknown>, string] };
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void>; getMonitor(): unknown };

/** How many errors Pulumi has logged in this process (it logs, rather than throws, many of them). */
export function loggedErrorCount(): number {
    return state.getStore().logErrorCount;
}

/** Resolves when every outstanding registration, invoke and log call has finished. */
export function waitForRPCs(): Promise<void> {
    return settings.waitForRPCs();
}

export function getMonitor(): unknown {
    return settings.getMonitor();
}

/**
 * Forgets promises still pending (outputs of resources that tests made fail on purpose), so the SDK's
 * exit-time leak notice does not bury the test report. Returns how many there were.
 */
export function forgetPendingPromises(): number {
    return debuggable.leakedPromises()[0].size;
}
