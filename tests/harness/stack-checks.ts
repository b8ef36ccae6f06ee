/** Checks every whole-stack test applies to what a stack registered, each as a list of failures. */
import { PLATFORM_POLICIES } from "../../policy/rules";
import { violations } from "../../policy/testing";
import type { ResourceSet } from "./mocks";
import { validateKubernetesObject } from "./schema";

/** Kubernetes objects whose shape the OpenAPI schema refuses, one line each. */
export function schemaFailures(resources: ResourceSet): string[] {
    const failures: string[] = [];
    for (const r of resources.kubernetesObjects()) {
        try {
            validateKubernetesObject(r);
        } catch (e) {
            failures.push(`${r.type} ${r.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
    }
    return failures;
}

/** What the preview job's policy pack would refuse, one line per violation. */
export async function policyViolations(resources: ResourceSet): Promise<string[]> {
    const found: string[] = [];
    for (const r of resources.all.filter((x) => x.custom && !x.read)) {
        for (const policy of PLATFORM_POLICIES) {
            for (const v of await violations(policy, r.type, r.inputs, r.name)) found.push(`${policy.name}: ${r.type} ${r.name}: ${v}`);
        }
    }
    return found;
}
