/**
 * Runs a policy's `validateResource` without the policy engine: for the policy's own unit tests and
 * for the stack tests, which run the whole pack over every resource a stack registers.
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import type { PlatformPolicy } from "./rules";

/** What the engine would pass for a resource: only type, name and props matter to these rules. */
export function fakeArgs(type: string, props: Record<string, unknown>, name = "res"): ResourceValidationArgs {
    const args: ResourceValidationArgs = {
        type,
        props,
        name,
        urn: `urn:pulumi:test::platform::${type}::${name}`,
        opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
            throw new Error(`not applicable: ${reason ?? ""}`);
        },
    };
    return args;
}

/** Runs one policy against one resource and returns the violations it reported. */
export async function violations(policy: PlatformPolicy, type: string, props: Record<string, unknown>, name?: string): Promise<string[]> {
    const reported: string[] = [];
    await policy.validateResource(fakeArgs(type, props, name), (message) => reported.push(message));
    return reported;
}
