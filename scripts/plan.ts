/**
 * Offline plan of a stack, written to files a reviewer or a diff can read:
 *
 *     npm run plan -- <stack> [--out <dir>]         # default dir: .plan/<stack>
 *     npm run plan:update-golden [-- <stack>...]    # refresh tests/golden/<stack> (default: all)
 *
 * No Pulumi CLI, credentials or cluster: the stack is evaluated under mocks (scripts/plan-lib.ts).
 */
import * as path from "node:path";
import * as fs from "node:fs";
import { APP_STACK_GOLDEN, GOLDEN_DIR, evaluateAppStack, evaluateStack, exampleStacks, parseStackConfig, secureValueReport, stackFile, writePlan } from "./plan-lib";

const USAGE = "usage: npm run plan -- <stack> [--out <dir>] | npm run plan:update-golden [-- <stack>...]";

export interface PlanArgs {
    mode: "plan" | "update-golden";
    stacks: string[];
    out?: string;
}

/** Parses the command line; throws with the usage text when it makes no sense. */
export function parsePlanArgs(argv: readonly string[], known: readonly string[]): PlanArgs {
    const args = [...argv];
    const updateGolden = args.includes("--update-golden");
    const outAt = args.indexOf("--out");
    const out = outAt >= 0 ? args[outAt + 1] : undefined;
    if (outAt >= 0 && (out === undefined || out.startsWith("--"))) throw new Error(`--out needs a directory; ${USAGE}`);
    const stacks = args.filter((a, i) => !a.startsWith("--") && !(outAt >= 0 && i === outAt + 1));
    const unknown = args.filter((a) => a.startsWith("--") && a !== "--out" && a !== "--update-golden");
    if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(", ")}; ${USAGE}`);
    for (const s of stacks) if (!known.includes(s)) throw new Error(`unknown stack "${s}"; expected one of: ${known.join(", ")}; ${USAGE}`);
    if (updateGolden) {
        if (out !== undefined) throw new Error(`--update-golden writes tests/golden/<stack>; it takes no --out; ${USAGE}`);
        return { mode: "update-golden", stacks: stacks.length > 0 ? stacks : [...known] };
    }
    if (stacks.length !== 1) throw new Error(`expected exactly one stack; ${USAGE}`);
    return { mode: "plan", stacks, out };
}

async function evaluatePlatformStack(stack: string): Promise<Awaited<ReturnType<typeof evaluateStack>>> {
    const { secretKeys } = parseStackConfig(fs.readFileSync(stackFile(stack), "utf8"));
    for (const note of secureValueReport(stack, secretKeys).notes) console.error(note);
    return evaluateStack(stack);
}

async function main(): Promise<void> {
    // Evaluation that never settles would let node exit quietly with 0: fail unless we get to the end.
    process.exitCode = 1;
    // The example app stack is one more set, planned on the dev platform stack's contract.
    const args = parsePlanArgs(process.argv.slice(2), [...exampleStacks(), APP_STACK_GOLDEN]);
    for (const stack of args.stacks) {
        const dir = args.mode === "update-golden" ? path.join(GOLDEN_DIR, stack) : path.resolve(args.out ?? path.join(".plan", stack));
        const plan = stack === APP_STACK_GOLDEN ? await evaluateAppStack() : await evaluatePlatformStack(stack);
        writePlan(plan, dir);
        console.log(`${stack}: ${plan.resources.length} resources, ${Object.keys(plan.manifests).length} manifests -> ${path.relative(process.cwd(), dir) || "."}`);
    }
    process.exitCode = 0;
}

if (require.main === module) {
    main().catch((e: unknown) => {
        console.error(`plan: ${e instanceof Error ? e.message.trim() : String(e)}`);
        process.exitCode = 1;
    });
}
