import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { BASE_CONFIG, MUTATION_SPECS, RUN_TSCONFIG, checkerProject, incrementalFileFor, parseMutationArgs, runConfig, sourceFile, specsFor, testsImporting } from "../../scripts/mutation";

const ROOT = path.resolve(__dirname, "..", "..");

describe("npm run test:mutation", () => {
    it("takes the files to mutate, test files to run and stryker flags (with their values)", () => {
        assert.deepEqual(parseMutationArgs(["config.ts", "--spec", "tests/config.test.ts", "--concurrency", "2", "policy/rules.ts", "--force"]), {
            files: ["config.ts", "policy/rules.ts"],
            spec: ["tests/config.test.ts"],
            allTests: false,
            strykerArgs: ["--concurrency", "2", "--force"],
        });
        assert.equal(parseMutationArgs(["config.ts", "--all-tests"]).allTests, true);
        assert.throws(() => parseMutationArgs([]), /name at least one file to mutate/);
        assert.throws(() => parseMutationArgs(["config.ts", "--spec"]), /--spec needs a test file/);
    });

    it("mutates only source files that exist, never tests", () => {
        assert.equal(sourceFile("./config/rules.ts", ROOT), "config/rules.ts");
        assert.throws(() => sourceFile("nope.ts", ROOT), /no file nope\.ts/);
        assert.throws(() => sourceFile("tests/config/config.test.ts", ROOT), /not a source file/);
    });

    it("runs each file's own unit tests, else the tests that import it; --spec replaces them, --all-tests runs everything", () => {
        for (const specs of Object.values(MUTATION_SPECS)) for (const s of specs) assert.ok(fs.existsSync(path.join(ROOT, s)), s);
        const none = { spec: [], allTests: false };
        assert.deepEqual(specsFor(["config/index.ts", "policy/rules.ts"], none, ROOT), ["policy/rules.test.ts", "tests/config/config.test.ts"]);
        assert.ok(testsImporting("components/workloads/postgres.ts", ROOT).includes("tests/components/workloads/postgres.test.ts"));
        assert.deepEqual(specsFor(["components/workloads/postgres.ts"], none, ROOT), testsImporting("components/workloads/postgres.ts", ROOT));
        assert.deepEqual(specsFor(["config.ts"], { spec: ["tests/x.test.ts"], allTests: false }, ROOT), ["tests/x.test.ts"]);
        assert.equal(specsFor(["config.ts"], { spec: [], allTests: true }, ROOT), undefined);
    });

    it("writes the committed config with only the files and tests changed", () => {
        const base = JSON.parse(fs.readFileSync(path.join(ROOT, BASE_CONFIG), "utf8")) as Record<string, unknown>;
        const config = runConfig(base, ["config.ts"], ["tests/config.test.ts"]);
        assert.deepEqual(config.mutate, ["config.ts"]);
        const mocha = config.mochaOptions as Record<string, unknown>;
        assert.deepEqual(mocha.spec, ["tests/config.test.ts"]);
        assert.equal(mocha.config, ".mocharc.json", "root hooks and timeouts as in npm test");
        // The runner's workers load TypeScript through tsx, as mocha does for npm test (.mocharc.json's node-option).
        assert.deepEqual(config.testRunnerNodeArgs, ["--import", "tsx"]);
        assert.deepEqual(config.checkers, ["typescript"]);
        // The checker compiles the mutated files and their imports, with the project's compiler options.
        assert.equal(config.tsconfigFile, RUN_TSCONFIG);
        assert.deepEqual(checkerProject(["config.ts"]), { extends: "./tsconfig.json", include: [], files: ["config.ts"] });
        assert.equal(config.incremental, true);
        // Each set of files keeps its own incremental result, so runs over other files do not void it.
        assert.equal(config.incrementalFile, "reports/mutation/incremental/config.json");
        assert.equal(incrementalFileFor(["scripts/plan-lib.ts", "config.ts"]), "reports/mutation/incremental/config+scripts-plan-lib.json");
        assert.equal(config.$schema, undefined);
        assert.deepEqual((runConfig(base, ["config.ts"], undefined).mochaOptions as Record<string, unknown>).spec, (base.mochaOptions as Record<string, unknown>).spec);
    });
});
