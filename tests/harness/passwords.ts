/**
 * Generated passwords under mocks: each RandomPassword resolves to a value named after it, so a test
 * can search every plain input for it. The root hook (hooks.ts) forgets every mock before each test,
 * so a mock registered at module level is gone before the first test runs, and a `beforeEach` at
 * module level registers on the root suite, i.e. for every test of the whole run. Call
 * `mockPasswords()` inside the `describe` whose tests need the passwords.
 */
import { mockState, type ResourceSet } from "./mocks";

export const PASSWORD_TYPE = "random:index/randomPassword:RandomPassword";

/** The `result` the mocked RandomPassword named `name` resolves to. */
export const passwordOf = (name: string): string => `mock-password-for-${name}`;

/** Registers the RandomPassword mock before each test of the calling `describe`. */
export function mockPasswords(): void {
    beforeEach(() => mockState(PASSWORD_TYPE, (args) => ({ result: passwordOf(args.name) })));
}

/** Every recorded input, outside the ones registered as secret, that contains `needle`. */
export function plainOccurrences(resources: ResourceSet, needle: string): string[] {
    const hits: string[] = [];
    for (const r of resources.all) {
        for (const [key, value] of Object.entries(r.inputs)) {
            if (!r.secretInputs.includes(key) && JSON.stringify(value ?? null).includes(needle)) hits.push(`${r.type}/${r.name}.${key}`);
        }
    }
    return hits;
}

/** Every recorded input registered as secret that contains `needle`: the positive control. */
export function secretOccurrences(resources: ResourceSet, needle: string): string[] {
    const hits: string[] = [];
    for (const r of resources.all) {
        for (const key of r.secretInputs) {
            if (JSON.stringify(r.inputs[key] ?? null).includes(needle)) hits.push(`${r.type}/${r.name}.${key}`);
        }
    }
    return hits;
}
