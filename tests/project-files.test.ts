/**
 * The files tools outside the program read before it runs. `pulumi` reads Pulumi.yaml and the
 * stack file first and refuses to start if either does not parse (issue 8: a `: ` inside a plain
 * scalar on line 14 stopped every command while every unit test passed), GitHub Actions reads the
 * workflows, docker-compose and kind their files. So every YAML file in the repository is parsed
 * here as strictly as they do, and Pulumi.yaml and the example stacks are held to the project and
 * stack file references and to config.ts.
 *
 * Sources (checked 2026-12-01): pulumi.com "Pulumi project file reference"
 * (docs/iac/concepts/projects/project-file), "Pulumi stack settings file reference"
 * (docs/iac/concepts/projects/stack-settings-file), the CLI's JSON schema for project files
 * (pulumi/pulumi sdk/go/common/workspace/project.json) and the Automation API's ProjectConfigType
 * and ProjectRuntimeOptions. The rules the program needs are written out below, not vendored.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CLOUDS, ConfigError, PLATFORM_KEYS, mapConfigSource, readConfig } from "../config";
import { readAppStackConfig } from "../examples/app-stack/app-stack";
import {
    REPO_ROOT,
    YamlFileError,
    configText,
    isRecord,
    parseStrictYaml,
    projectDefaults,
    projectFile,
    readYamlFile,
    toolYamlFiles,
} from "./harness/project-files";

/** The YAML problems of `text`, or [] when it parses. */
function yamlProblems(file: string, text: string): string[] {
    try {
        parseStrictYaml(file, text);
        return [];
    } catch (e) {
        assert.ok(e instanceof YamlFileError, `expected YamlFileError, got ${String(e)}`);
        return e.problems;
    }
}

describe("YAML files read by tools outside the program", () => {
    const files = toolYamlFiles();

    it("finds every one of them by globbing the repository, not from a list", () => {
        for (const expected of [
            "Pulumi.yaml",
            "Pulumi.dev.yaml",
            "Pulumi.aws.yaml",
            "Pulumi.gcp.yaml",
            "Pulumi.azure.yaml",
            "policy/PulumiPolicy.yaml",
            "docker-compose.yml",
            "docs/kind-config.yaml",
            ".github/workflows/deploy.yml",
        ]) {
            assert.ok(files.includes(expected), `${expected} is not among ${files.join(", ")}`);
        }
        assert.ok(!files.some((f) => f.startsWith("tests/golden/")), "the plan snapshots are read by our tests only");
    });

    it("also finds a file added later, before it is committed, and skips golden snapshots and node_modules", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-files-"));
        try {
            execFileSync("git", ["init", "-q"], { cwd: dir });
            fs.writeFileSync(path.join(dir, ".gitignore"), "node_modules/\n");
            for (const f of ["new.yml", "deep/er/new.yaml", "tests/golden/aws/x.yaml", "node_modules/pkg/x.yaml", "README.md"]) {
                fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
                fs.writeFileSync(path.join(dir, f), "a: 1\n");
            }
            assert.deepEqual(toolYamlFiles(dir), ["deep/er/new.yaml", "new.yml"]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    for (const file of files) {
        it(`${file} parses as strict YAML 1.2, without duplicate keys`, () => {
            const docs = parseStrictYaml(file, fs.readFileSync(path.join(REPO_ROOT, file), "utf8"));
            assert.ok(docs.length >= 1 && docs.every((d) => d !== null && d !== undefined), `${file} is empty`);
        });
    }

    describe("the strict parser", () => {
        it("refuses a plain scalar containing `: ` (issue 8's line 14), naming file, line and column", () => {
            const problems = yamlProblems(
                "Pulumi.yaml",
                "name: platform\nconfig:\n  platform:cloud:\n    type: string\n    description: Where the platform runs: aws | gcp | azure | local.\n",
            );
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /^Pulumi\.yaml:5:\d+: /);
            assert.match(problems[0], /line 5, column \d+/);
        });

        it("refuses duplicate keys, which other parsers silently resolve to the last one", () => {
            const problems = yamlProblems("Pulumi.dev.yaml", "config:\n  platform:cloud: local\n  platform:cloud: aws\n");
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /^Pulumi\.dev\.yaml:3:3: DUPLICATE_KEY: /);
        });

        it("reports every problem of a file, each with its own position", () => {
            const problems = yamlProblems("x.yaml", "a: 1\na: 2\nb: c: d\n");
            assert.equal(problems.length, 2, problems.join("\n"));
            assert.match(problems[0], /^x\.yaml:2:1: /);
            assert.match(problems[1], /^x\.yaml:3:\d+: /);
        });

        it("accepts the quoted form of line 14", () => {
            assert.deepEqual(parseStrictYaml("Pulumi.yaml", 'description: "Where the platform runs: aws | gcp | azure | local."\n'), [
                { description: "Where the platform runs: aws | gcp | azure | local." },
            ]);
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Pulumi.yaml against the project file reference

/** Top-level attributes of a project file (the reference's table, plus the schema's metadata strings). */
const PROJECT_ATTRIBUTES: Record<string, (v: unknown) => boolean> = {
    name: (v) => typeof v === "string",
    runtime: (v) => typeof v === "string" || isRecord(v),
    description: (v) => typeof v === "string",
    author: (v) => typeof v === "string",
    website: (v) => typeof v === "string",
    license: (v) => typeof v === "string",
    main: (v) => typeof v === "string",
    config: isRecord,
    stackConfigDir: (v) => typeof v === "string",
    backend: (v) => isRecord(v) && Object.keys(v).every((k) => k === "url") && (v.url === undefined || typeof v.url === "string"),
    options: (v) => isRecord(v) && Object.keys(v).every((k) => k === "refresh") && (v.refresh === undefined || v.refresh === "always"),
    template: isRecord,
    plugins: isRecord,
    packages: isRecord,
};

/** Options of the `nodejs` runtime and the value each takes. */
const NODEJS_OPTIONS: Record<string, (v: unknown) => boolean> = {
    typescript: (v) => typeof v === "boolean",
    nodeargs: (v) => typeof v === "string",
    packagemanager: (v) => v === "npm" || v === "yarn" || v === "pnpm" || v === "bun",
};

/** Keys a `config:` entry may have; `value` is for other namespaces, `default` for the project's. */
const CONFIG_DECLARATION_KEYS = ["type", "items", "description", "secret", "default", "value"];
const CONFIG_TYPES = ["string", "integer", "boolean", "array"];

function ofType(type: unknown, value: unknown, items?: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "boolean":
            return typeof value === "boolean";
        case "array":
            return Array.isArray(value) && isRecord(items) && value.every((v) => ofType(items.type, v, items.items));
        default:
            return false;
    }
}

/** Provider namespaces a stack may configure: the providers the program depends on, and Pulumi's own. */
function providerNamespaces(): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const providers = Object.keys(pkg.dependencies)
        .map((d) => /^@pulumi\/(.+)$/.exec(d)?.[1])
        .filter((n): n is string => n !== undefined && n !== "pulumi");
    return ["pulumi", ...providers].sort();
}

/** Problems of one Pulumi.yaml `config:` entry. */
function configEntryProblems(project: string, key: string, entry: unknown): string[] {
    const [namespace, name] = key.includes(":") ? key.split(/:(.*)/s) : [project, key];
    const problems: string[] = [];
    const own = namespace === project;
    if (!own && !providerNamespaces().includes(namespace)) {
        problems.push(`${key}: namespace "${namespace}" is neither this project's (${project}) nor a provider's (${providerNamespaces().join(", ")})`);
    }
    if (own && !(PLATFORM_KEYS as readonly string[]).includes(name)) {
        problems.push(`${key}: config.ts does not read it (known: ${PLATFORM_KEYS.join(", ")})`);
    }
    if (!isRecord(entry)) {
        if (!["string", "number", "boolean"].includes(typeof entry) || (typeof entry === "number" && !Number.isInteger(entry))) {
            problems.push(`${key}: a short-form value must be a string, an integer or a boolean`);
        }
        return problems;
    }
    for (const k of Object.keys(entry)) {
        if (!CONFIG_DECLARATION_KEYS.includes(k)) problems.push(`${key}: unknown attribute "${k}" (allowed: ${CONFIG_DECLARATION_KEYS.join(", ")})`);
    }
    if (entry.description !== undefined && typeof entry.description !== "string") problems.push(`${key}: description must be a string`);
    if (entry.secret !== undefined && typeof entry.secret !== "boolean") problems.push(`${key}: secret must be a boolean`);
    if (!own) {
        // The CLI refuses types on keys of other namespaces: their schema is the provider's.
        for (const k of ["type", "items", "default"]) if (k in entry) problems.push(`${key}: a key of another namespace may only set \`value\`, not \`${k}\``);
        return problems;
    }
    if ("value" in entry) problems.push(`${key}: a key of this project sets \`default\`, not \`value\``);
    if (!CONFIG_TYPES.includes(String(entry.type))) {
        problems.push(`${key}: type ${JSON.stringify(entry.type)} is not one of ${CONFIG_TYPES.join(", ")}`);
        return problems;
    }
    // wave-2 decision: list keys stay JSON text (config.ts parses them); no `type: array` declarations.
    if (entry.type === "array") problems.push(`${key}: declare list keys as string (JSON text), not type: array`);
    if (entry.default !== undefined && !ofType(entry.type, entry.default, entry.items)) {
        problems.push(`${key}: default ${JSON.stringify(entry.default)} is not of type ${String(entry.type)}`);
    }
    return problems;
}

describe("Pulumi.yaml against the project file reference", () => {
    let project: Record<string, unknown>;
    before(() => {
        project = projectFile();
    });

    it("has only attributes the reference defines, each of its type, and the required name and runtime", () => {
        const problems: string[] = [];
        for (const [key, value] of Object.entries(project)) {
            const check = PROJECT_ATTRIBUTES[key];
            if (!check) problems.push(`unknown attribute "${key}" (allowed: ${Object.keys(PROJECT_ATTRIBUTES).join(", ")})`);
            else if (!check(value)) problems.push(`${key}: ${JSON.stringify(value)} is not of the type the reference gives`);
        }
        for (const required of ["name", "runtime"]) if (!(required in project)) problems.push(`${required} is required`);
        assert.deepEqual(problems, []);
    });

    it("is named `platform`, the namespace of every key config.ts reads", () => {
        assert.match(String(project.name), /^[A-Za-z0-9_.-]+$/);
        assert.equal(project.name, "platform");
        assert.equal(typeof project.description, "string");
    });

    it("runs on nodejs with options that runtime knows, of their types", () => {
        const runtime = typeof project.runtime === "string" ? { name: project.runtime } : (project.runtime as Record<string, unknown>);
        assert.deepEqual(Object.keys(runtime).filter((k) => k !== "name" && k !== "options"), []);
        assert.equal(runtime.name, "nodejs");
        const options = runtime.options ?? {};
        assert.ok(isRecord(options), "runtime.options must be a mapping");
        for (const [key, value] of Object.entries(options)) {
            const check = NODEJS_OPTIONS[key];
            assert.ok(check, `runtime.options.${key} is not a nodejs option (known: ${Object.keys(NODEJS_OPTIONS).join(", ")})`);
            assert.ok(check(value), `runtime.options.${key}: ${JSON.stringify(value)} is not of its type`);
        }
    });

    it("points `main` at a file that exists, and can load it as TypeScript at deploy time", () => {
        assert.equal(typeof project.main, "string");
        const main = path.join(REPO_ROOT, String(project.main));
        assert.ok(fs.existsSync(main) && fs.statSync(main).isFile(), `main: ${String(project.main)} does not exist`);
        const options = isRecord(project.runtime) && isRecord(project.runtime.options) ? project.runtime.options : {};
        if (main.endsWith(".ts") && options.typescript === false) {
            // Without Pulumi's ts-node, node itself needs a loader, installed as a runtime dependency.
            assert.match(String(options.nodeargs), /--import[ =]tsx\b/);
            const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
            assert.ok(pkg.dependencies.tsx, "tsx must be a dependency (not a devDependency): `pulumi up` loads the program with it");
        }
    });

    it("declares config keys this project reads or provider keys, with types and defaults the reference allows", () => {
        const config = isRecord(project.config) ? project.config : {};
        const problems = Object.entries(config).flatMap(([key, entry]) => configEntryProblems(String(project.name), key, entry));
        assert.deepEqual(problems, []);
    });

    it("describes platform:cloud with every cloud config.ts accepts", () => {
        const entry = isRecord(project.config) ? project.config["platform:cloud"] : undefined;
        assert.ok(isRecord(entry) && typeof entry.description === "string", "platform:cloud needs a description");
        for (const cloud of CLOUDS) assert.match(entry.description, new RegExp(`\\b${cloud}\\b`), `description does not name ${cloud}`);
    });

    it("keeps stack files where `stackConfigDir` says, if it says anything", () => {
        if (project.stackConfigDir === undefined) return;
        const dir = path.join(REPO_ROOT, String(project.stackConfigDir));
        assert.ok(fs.existsSync(dir) && fs.statSync(dir).isDirectory(), `stackConfigDir: ${String(project.stackConfigDir)} is not a directory`);
    });

    describe("the rule checks themselves", () => {
        it("refuse what the CLI refuses", () => {
            assert.deepEqual(configEntryProblems("platform", "platform:cloud", { type: "strin" }), ['platform:cloud: type "strin" is not one of string, integer, boolean, array']);
            assert.deepEqual(configEntryProblems("platform", "ingressReplicas", { type: "integer", default: "2" }), ['ingressReplicas: default "2" is not of type integer']);
            assert.deepEqual(configEntryProblems("platform", "aws:region", { type: "string" }), ["aws:region: a key of another namespace may only set `value`, not `type`"]);
            assert.deepEqual(configEntryProblems("platform", "acme:thing", "x"), [
                `acme:thing: namespace "acme" is neither this project's (platform) nor a provider's (${providerNamespaces().join(", ")})`,
            ]);
            assert.deepEqual(configEntryProblems("platform", "platform:ingresReplicas", 2), [`platform:ingresReplicas: config.ts does not read it (known: ${PLATFORM_KEYS.join(", ")})`]);
            assert.deepEqual(configEntryProblems("platform", "platform:appReplicas", { type: "integer", default: 3, description: "x" }), []);
        });
    });
});

// ---------------------------------------------------------------------------------------------
// Example stack files against the stack settings file reference and config.ts

/** Top-level attributes of a stack settings file. */
const STACK_ATTRIBUTES = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];
const CONFIG_KEY = /^([a-z][a-z0-9-]*):([A-Za-z][A-Za-z0-9_.-]*)$/;

function stackDir(): string {
    let dir: unknown;
    try {
        dir = projectFile().stackConfigDir;
    } catch {
        // A Pulumi.yaml that does not parse fails its own test above; list the stacks from the root.
        dir = undefined;
    }
    return typeof dir === "string" ? path.join(REPO_ROOT, dir) : REPO_ROOT;
}

function exampleStackFiles(): string[] {
    return fs
        .readdirSync(stackDir())
        .filter((f) => /^Pulumi\.[A-Za-z0-9_.-]+\.ya?ml$/.test(f))
        .sort();
}

/** The stack's `config:` as the CLI hands it to the program; `secure:` values become placeholders. */
function stackValues(config: Record<string, unknown>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        out[key] = isRecord(value) && typeof value.secure === "string" ? `secret-placeholder-${key.replace(/[^A-Za-z0-9]/g, "-")}` : configText(value);
    }
    return out;
}

describe("example stack files", () => {
    const stacks = exampleStackFiles();

    it("exist for every cloud config.ts accepts", () => {
        const clouds = stacks.map((f) => {
            const doc = readYamlFile(path.relative(REPO_ROOT, path.join(stackDir(), f)));
            return isRecord(doc) && isRecord(doc.config) ? doc.config["platform:cloud"] : undefined;
        });
        for (const cloud of CLOUDS) assert.ok(clouds.includes(cloud), `no example stack sets platform:cloud ${cloud}`);
    });

    for (const file of stacks) {
        describe(file, () => {
            const relative = path.relative(REPO_ROOT, path.join(stackDir(), file));
            const doc = (): Record<string, unknown> => {
                const parsed = readYamlFile(relative);
                assert.ok(isRecord(parsed), `${relative}: expected a mapping at the top level`);
                return parsed;
            };

            it("has only the attributes of a stack settings file, and a `config:` mapping", () => {
                const d = doc();
                assert.deepEqual(Object.keys(d).filter((k) => !STACK_ATTRIBUTES.includes(k)), [], `allowed: ${STACK_ATTRIBUTES.join(", ")}`);
                assert.ok(isRecord(d.config), "config: must be a mapping");
            });

            it("sets only `namespace:key` keys of this project or of the program's providers", () => {
                const problems: string[] = [];
                const namespaces = ["platform", ...providerNamespaces()];
                for (const key of Object.keys(doc().config as Record<string, unknown>)) {
                    const m = CONFIG_KEY.exec(key);
                    if (!m) problems.push(`${key}: expected namespace:key`);
                    else if (!namespaces.includes(m[1])) problems.push(`${key}: unknown namespace "${m[1]}" (known: ${namespaces.join(", ")})`);
                    else if (m[1] === "platform" && !(PLATFORM_KEYS as readonly string[]).includes(m[2])) problems.push(`${key}: config.ts does not read it`);
                }
                assert.deepEqual(problems, []);
            });

            it("passes config.ts's validation with the project defaults applied, as `pulumi up` would run it", () => {
                const values = { ...projectDefaults(), ...stackValues(doc().config as Record<string, unknown>) };
                try {
                    readConfig(mapConfigSource(values));
                } catch (e) {
                    if (e instanceof ConfigError) assert.fail(`${relative}: ${e.message}`);
                    throw e;
                }
            });
        });
    }
});

// ---------------------------------------------------------------------------------------------
// The example app stack: a project of its own (examples/app-stack/), held to the same references

describe("examples/app-stack/Pulumi.yaml and its stack files", () => {
    const dir = "examples/app-stack";
    const project = (): Record<string, unknown> => {
        const parsed = readYamlFile(`${dir}/Pulumi.yaml`);
        assert.ok(isRecord(parsed), "expected a mapping at the top level");
        return parsed;
    };

    it("has only attributes the project reference defines, each of its type, with name, runtime, main and description", () => {
        const problems: string[] = [];
        for (const [key, value] of Object.entries(project())) {
            const check = PROJECT_ATTRIBUTES[key];
            if (!check) problems.push(`unknown attribute "${key}"`);
            else if (!check(value)) problems.push(`${key}: ${JSON.stringify(value)} is not of the type the reference gives`);
        }
        for (const required of ["name", "runtime", "main", "description"]) if (!(required in project())) problems.push(`${required} is required here`);
        assert.deepEqual(problems, []);
        assert.equal(project().name, "app-stack");
    });

    it("runs on nodejs under tsx, resolved from the repository's node_modules, and its main exists", () => {
        const runtime = project().runtime as Record<string, unknown>;
        assert.equal(runtime.name, "nodejs");
        const options = runtime.options as Record<string, unknown>;
        for (const [key, value] of Object.entries(options)) assert.ok(NODEJS_OPTIONS[key]?.(value), `runtime.options.${key}`);
        assert.equal(options.typescript, false);
        assert.match(String(options.nodeargs), /--import[ =]tsx\b/);
        assert.ok(fs.existsSync(path.join(REPO_ROOT, dir, String(project().main))));
    });

    for (const file of fs.readdirSync(path.join(REPO_ROOT, dir)).filter((f) => /^Pulumi\.[A-Za-z0-9_.-]+\.yaml$/.test(f) && f !== "Pulumi.yaml")) {
        it(`${file} sets only app-stack: keys, which the app stack reads without a problem`, () => {
            const doc = readYamlFile(`${dir}/${file}`);
            assert.ok(isRecord(doc) && isRecord(doc.config), "config: must be a mapping");
            assert.deepEqual(Object.keys(doc).filter((k) => !STACK_ATTRIBUTES.includes(k)), []);
            const values = stackValues(doc.config);
            assert.deepEqual(Object.keys(values).filter((k) => !/^app-stack:[A-Za-z]+$/.test(k)), []);
            assert.doesNotThrow(() => readAppStackConfig((k) => values[`app-stack:${k}`]));
        });
    }
});
