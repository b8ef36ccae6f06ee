/**
 * `npm run bench`: what evaluating each stack under mocks costs, beside what merely loading the
 * SDKs that stack uses costs. Each figure is the median of fresh processes (module caches cold
 * in-process, file caches warm), alternating the two modes so machine noise hits both alike.
 *
 *   npm run bench [-- --runs 5]
 *
 * Target (docs/performance.md): evaluating a stack costs no more than 1.3x loading its SDKs.
 */
import { execFileSync } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import type { Cloud } from "../config";
import type { Measurement } from "./eval-stack";

const ROOT = path.resolve(__dirname, "..");
const TARGET_RATIO = 1.3;

function measure(mode: "load" | "evaluate", cloud: Cloud): Measurement {
    const out = execFileSync(process.execPath, ["--import", "tsx", "scripts/eval-stack.ts", mode, cloud], { cwd: ROOT, encoding: "utf8" });
    return JSON.parse(out.trim().split("\n").pop() ?? "") as Measurement;
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

/** `--runs N` (default 5), or why the arguments make no sense. */
export function parseBenchArgs(argv: readonly string[]): { runs: number } | { problem: string } {
    if (argv.length === 0) return { runs: 5 };
    const runs = Number(argv[1]);
    if (argv[0] !== "--runs" || argv.length !== 2 || !Number.isInteger(runs) || runs < 1 || runs > 50) {
        return { problem: `expected nothing or --runs <1-50>, got: ${argv.join(" ")}; usage: npm run bench [-- --runs 5]` };
    }
    return { runs };
}

function main(): void {
    const parsed = parseBenchArgs(process.argv.slice(2));
    if ("problem" in parsed) {
        console.error(`bench: ${parsed.problem}`);
        process.exitCode = 2;
        return;
    }
    const { runs } = parsed;
    console.log(`node ${process.version}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; median of ${runs} fresh processes each\n`);
    const header = "| stack | load SDKs: ms | load SDKs: peak MB | evaluate: ms | evaluate: peak MB | resources | time ratio | memory ratio |";
    const rows = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"];
    let worst = 0;
    for (const cloud of ["local", "aws", "gcp", "azure"] as const) {
        const load: Measurement[] = [];
        const evaluate: Measurement[] = [];
        for (let i = 0; i < runs; i++) {
            load.push(measure("load", cloud));
            evaluate.push(measure("evaluate", cloud));
        }
        const l = { ms: median(load.map((m) => m.ms)), mb: median(load.map((m) => m.maxRssMb)) };
        const e = { ms: median(evaluate.map((m) => m.ms)), mb: median(evaluate.map((m) => m.maxRssMb)) };
        const ratio = e.ms / l.ms;
        worst = Math.max(worst, ratio);
        rows.push(`| ${cloud} | ${l.ms} | ${l.mb} | ${e.ms} | ${e.mb} | ${evaluate[0].resources} | ${ratio.toFixed(2)}x | ${(e.mb / l.mb).toFixed(2)}x |`);
    }
    console.log(rows.join("\n"));
    console.log(`\nworst time ratio ${worst.toFixed(2)}x (target <= ${TARGET_RATIO}x): ${worst <= TARGET_RATIO ? "met" : "NOT met"}`);
}

if (require.main === module) main();
