/**
 * Stack outputs: none is ever undefined (Pulumi drops such an output with a warning on every run,
 * "Undefined value (kubeconfig) will not show as a stack output"); what a target does not offer is
 * the string `none`, or the key is absent where the thing does not run (the gateway outputs). Every
 * output key is in docs/outputs.md's table.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLE_STACK_OF, REPO_ROOT, runStack } from "../../scripts/plan-lib";
import { valueOf } from "../harness/mocks";

/** The output names docs/outputs.md's table documents (its first column, split at commas). */
function documentedOutputs(): Set<string> {
    const section = fs.readFileSync(path.join(REPO_ROOT, "docs", "outputs.md"), "utf8");
    const names = [...section.matchAll(/^\| (`[^|]+`) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((n) => n[1]));
    return new Set(names);
}

const CASES: [string, string, Record<string, string>][] = [
    ["local, nginx", EXAMPLE_STACK_OF.local, { "platform:ingressController": "nginx" }],
    ["local, gateway", EXAMPLE_STACK_OF.local, { "platform:ingressController": "gateway" }],
    ["local, both", EXAMPLE_STACK_OF.local, { "platform:ingressController": "both" }],
    ["aws", EXAMPLE_STACK_OF.aws, {}],
    ["gcp", EXAMPLE_STACK_OF.gcp, {}],
    ["azure", EXAMPLE_STACK_OF.azure, {}],
];

describe("stack outputs", () => {
    for (const [label, stack, extra] of CASES) {
        it(`${label}: every output has a value, and docs/outputs.md's table names it`, async () => {
            const { outputs } = await runStack(stack, extra);
            const entries = Object.entries(outputs);
            assert.ok(entries.length >= 8, entries.map(([k]) => k).join(", "));
            const undefinedKeys: string[] = [];
            for (const [key, value] of entries) if (value === undefined || (await valueOf(value)) === undefined) undefinedKeys.push(key);
            assert.deepEqual(undefinedKeys, []);
            const documented = documentedOutputs();
            assert.deepEqual(entries.map(([k]) => k).filter((k) => !documented.has(k)), []);
        });
    }

    it("says `none` for the kubeconfig of a local cluster (the user has it)", async () => {
        const { outputs } = await runStack(EXAMPLE_STACK_OF.local);
        assert.equal(await valueOf(outputs.kubeconfig), "none");
    });
});
