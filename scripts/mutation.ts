/**
 * Mutation testing of the files named, far too slow for `npm test`:
 *
 *     npm run test:mutation -- config/rules.ts policy/rules.ts [--spec tests/x.test.ts]... [--all-tests] [stryker flags]
 *
 * StrykerJS (stryker.config.json: mocha runner under tsx, TypeScript checker, per-test coverage)
 * mutates only the files named and runs only the tests that pin them: the ones in `MUTATION_SPECS`,
 * else the test files that import the file; `--spec` replaces them, `--all-tests` runs the whole
 * suite. Runs are incremental (reports/mutation/incremental/<files>.json, gitignored): a second run
 * over the same files re-tests only the mutants of changed code or changed tests. Other `--flags` go to `stryker run`
 * (e.g. `--concurrency 2`, `--force`). Reports: reports/mutation/mutation.html and .json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..");
export const BASE_CONFIG = "stryker.config.json";
export const RUN_CONFIG = path.join("reports", "mutation", "stryker.run.json");
/**
 * The TypeScript checker's project for a run: the mutated files and what they import, not the
 * whole program (tsconfig.json includes every test and the Pulumi SDKs' types, so each check
 * round took minutes on 2 cores). Written at the top level so the sandbox copy holds it.
 */
export const RUN_TSCONFIG = ".tsconfig.mutation.json";
/** StrykerJS 10 (the one that supports mocha 12) refuses older Node.js. */
export const MIN_NODE_MAJOR = 22;

/**
 * The tests that pin each file, chosen so a run finishes in minutes: the file's own unit tests, not
 * the stack and golden tests that also execute it (those make every mutant cost a whole stack
 * evaluation, and a golden snapshot "kills" a mutant one refresh would silence).
 */
export const MUTATION_SPECS: Readonly<Record<string, readonly string[]>> = {
    "config/index.ts": ["tests/config/config.test.ts"],
    "config/kinds.ts": ["tests/config/config.test.ts", "tests/config/wave2-keys.test.ts"],
    "config/rules.ts": ["tests/config/config.test.ts", "tests/config/wave2-keys.test.ts"],
    "config/cron.ts": ["tests/config/cron.test.ts", "tests/config/config.test.ts"],
    "facts/versions.ts": ["tests/facts/versions.test.ts", "tests/config/config.test.ts"],
    "policy/rules.ts": ["policy/rules.test.ts"],
    "scripts/plan-lib.ts": ["tests/delivery/plan-lib.test.ts"],
};

const TEST_ROOTS = ["tests", "policy"];

export interface MutationArgs {
    files: string[];
    spec: string[];
    allTests: boolean;
    /** Passed on to `stryker run` unchanged. */
    strykerArgs: string[];
}

const USAGE = "usage: npm run test:mutation -- <file.ts>... [--spec <test file or glob>]... [--all-tests] [stryker run flags]";

export function parseMutationArgs(argv: readonly string[]): MutationArgs {
    const args: MutationArgs = { files: [], spec: [], allTests: false, strykerArgs: [] };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--spec") {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new Error(`--spec needs a test file or glob; ${USAGE}`);
            args.spec.push(v);
        } else if (a === "--all-tests") {
            args.allTests = true;
        } else if (a.startsWith("--")) {
            args.strykerArgs.push(a);
            // A flag's value (`--concurrency 2`) goes along with it.
            if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--") && !/\.ts$/.test(argv[i + 1])) args.strykerArgs.push(argv[++i]);
        } else {
            args.files.push(a);
        }
    }
    if (args.files.length === 0) throw new Error(`name at least one file to mutate; ${USAGE}`);
    return args;
}

/** Relative, forward-slashed path of a source file; fails for files that do not exist or are tests. */
export function sourceFile(file: string, root = REPO_ROOT): string {
    const rel = path.relative(root, path.resolve(root, file)).split(path.sep).join("/");
    if (!fs.existsSync(path.join(root, rel))) throw new Error(`no file ${rel}`);
    if (!/\.ts$/.test(rel) || /\.test\.ts$/.test(rel)) throw new Error(`${rel} is not a source file to mutate (expected a .ts file that is not a test)`);
    return rel;
}

function testFiles(root: string): string[] {
    const found: string[] = [];
    const walk = (rel: string) => {
        for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
            const child = `${rel}/${e.name}`;
            if (e.isDirectory() && e.name !== "node_modules") walk(child);
            else if (e.isFile() && e.name.endsWith(".test.ts")) found.push(child);
        }
    };
    for (const r of TEST_ROOTS) if (fs.existsSync(path.join(root, r))) walk(r);
    return found.sort();
}

/** Test files with a relative import that resolves to `file` (`../config`, `./rules`). */
export function testsImporting(file: string, root = REPO_ROOT): string[] {
    const target = file.replace(/\.ts$/, "");
    return testFiles(root).filter((t) => {
        const text = fs.readFileSync(path.join(root, t), "utf8");
        return [...text.matchAll(/from\s+["'](\.{1,2}\/[^"']+)["']/g)].some((m) => {
            const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(t), m[1])).replace(/\.ts$/, "");
            return resolved === target || resolved === `${target}/index`;
        });
    });
}

/** The tests to run for these files: `--spec`, else `MUTATION_SPECS`, else the tests importing each file. */
export function specsFor(files: readonly string[], args: Pick<MutationArgs, "spec" | "allTests">, root = REPO_ROOT): string[] | undefined {
    if (args.allTests) return undefined;
    if (args.spec.length > 0) return [...args.spec];
    const specs = new Set<string>();
    for (const f of files) {
        const own = MUTATION_SPECS[f] ?? testsImporting(f, root);
        if (own.length === 0) throw new Error(`no test imports ${f}; name the tests that pin it with --spec`);
        for (const s of own) specs.add(s);
    }
    return [...specs].sort();
}

/** The base config with the files to mutate, the tests to run and the checker's narrowed project. */
export function runConfig(base: Record<string, unknown>, mutate: readonly string[], spec: readonly string[] | undefined): Record<string, unknown> {
    const mochaOptions = { ...((base.mochaOptions as Record<string, unknown> | undefined) ?? {}) };
    if (spec) mochaOptions.spec = [...spec];
    const { $schema: _schema, ...rest } = base;
    void _schema;
    return { ...rest, mutate: [...mutate], mochaOptions, tsconfigFile: RUN_TSCONFIG, incrementalFile: incrementalFileFor(mutate) };
}

/**
 * One incremental result per set of files mutated: the file records the tests of its run, so a
 * run over other files (with other tests) would otherwise make the next one re-test everything.
 */
export function incrementalFileFor(mutate: readonly string[]): string {
    const slug = [...mutate].sort().map((f) => f.replace(/\.ts$/, "").replace(/[^A-Za-z0-9]+/g, "-")).join("+");
    return `reports/mutation/incremental/${slug}.json`;
}

/** tsconfig.json's options over only the mutated files (their imports come along). */
export function checkerProject(mutate: readonly string[]): Record<string, unknown> {
    return { extends: "./tsconfig.json", include: [], files: [...mutate] };
}

function main(argv: readonly string[]): number {
    const major = Number(process.versions.node.split(".")[0]);
    if (major < MIN_NODE_MAJOR) {
        console.error(
            `StrykerJS 10 needs Node.js ${MIN_NODE_MAJOR}+ (this is ${process.version}). Run it with a newer Node.js from the npm registry:\n` +
                `  npx -y -p node@${MIN_NODE_MAJOR} npm run test:mutation -- ${argv.join(" ")}`,
        );
        return 2;
    }
    const args = parseMutationArgs(argv);
    const files = args.files.map((f) => sourceFile(f));
    const spec = specsFor(files, args);
    const base = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, BASE_CONFIG), "utf8")) as Record<string, unknown>;
    const config = runConfig(base, files, spec);
    fs.mkdirSync(path.join(REPO_ROOT, path.dirname(RUN_CONFIG)), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, RUN_CONFIG), `${JSON.stringify(config, null, 2)}\n`);
    fs.writeFileSync(path.join(REPO_ROOT, RUN_TSCONFIG), `${JSON.stringify(checkerProject(files), null, 2)}\n`);
    console.log(`mutating ${files.join(", ")}; tests: ${spec ? spec.join(", ") : "the whole suite"}`);
    const stryker = path.join(REPO_ROOT, "node_modules", ".bin", "stryker");
    // See scripts/mutation-mocha12.cjs: lets mocha-runner 10.1.1 load Mocha 12 (in Stryker and its workers).
    const shim = `--require ${path.join(REPO_ROOT, "scripts", "mutation-mocha12.cjs")}`;
    const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, shim].filter(Boolean).join(" ") };
    const run = spawnSync(stryker, ["run", RUN_CONFIG, ...args.strykerArgs], { cwd: REPO_ROOT, stdio: "inherit", env });
    return run.status ?? 1;
}

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (e) {
        console.error(e instanceof Error ? e.message : String(e));
        process.exitCode = 2;
    }
}
