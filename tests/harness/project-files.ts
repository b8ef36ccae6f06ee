/**
 * The repository's YAML files as the tools outside the program read them: the Pulumi CLI
 * (Pulumi.yaml, Pulumi.<stack>.yaml, policy/PulumiPolicy.yaml), GitHub Actions, docker-compose and
 * kind. Parsing is strict YAML 1.2 (eemeli/yaml): any error or warning, and any duplicate key,
 * fails with the file, line and column, because those tools refuse such a file before our code runs.
 *
 * Also the project's config defaults as the CLI applies them: declared in Pulumi.yaml, set on every
 * stack, and handed to the program as strings like every other config value.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Files that only this repository's own tests read (the offline plan's snapshots), and the e2e's
 * stub charts' templates: Go templates that render to YAML, which the e2e checks by rendering them.
 */
const NOT_READ_BY_TOOLS = [/^tests\/golden\//, /(^|\/)node_modules\//, /^tests\/e2e\/stub-charts\/[^/]+\/templates\//];

/**
 * Every `*.yml`/`*.yaml` file git knows of, tracked or new but not ignored, so a file added later is
 * covered before it is even committed.
 */
export function toolYamlFiles(root = REPO_ROOT): string[] {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "*.yml", "*.yaml"], {
        cwd: root,
        encoding: "utf8",
    });
    return [...new Set(out.split("\0").filter((f) => f !== ""))]
        .filter((f) => !NOT_READ_BY_TOOLS.some((re) => re.test(f)))
        .filter((f) => fs.existsSync(path.join(root, f)))
        .sort();
}

/** Thrown by `parseStrictYaml`: one line per problem, each `file:line:column: message`. */
export class YamlFileError extends Error {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "YamlFileError";
    }
}

/**
 * Parses `text` (every document in it) as strict YAML 1.2 and returns the documents as plain
 * values. Duplicate keys, errors and warnings all throw `YamlFileError` naming `file`, line and column.
 */
export function parseStrictYaml(file: string, text: string): unknown[] {
    const docs = parseAllDocuments(text, { version: "1.2", uniqueKeys: true, strict: true, prettyErrors: true });
    // parseAllDocuments returns an EmptyStream (an empty array with its own `errors`) for empty text.
    const list = Array.isArray(docs) ? docs : [];
    const problems: string[] = [];
    for (const doc of list) {
        for (const e of [...doc.errors, ...doc.warnings]) {
            const at = e.linePos?.[0];
            // prettyErrors puts "at line L, column C:" and a caret excerpt into the message.
            problems.push(`${file}:${at ? `${at.line}:${at.col}` : "?:?"}: ${e.code}: ${e.message}`);
        }
    }
    if (problems.length > 0) throw new YamlFileError(problems);
    return list.map((doc) => doc.toJS({ maxAliasCount: 100 }) as unknown);
}

/** Reads and strictly parses one single-document YAML file of the repository. */
export function readYamlFile(relative: string, root = REPO_ROOT): unknown {
    const docs = parseStrictYaml(relative, fs.readFileSync(path.join(root, relative), "utf8"));
    if (docs.length !== 1) throw new YamlFileError([`${relative}: expected one YAML document, found ${docs.length}`]);
    return docs[0];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A config value as the Pulumi CLI hands it to a Node.js program: strings as they are, numbers and
 * booleans as their text, lists and objects as JSON (what `pulumi config set --path` stores).
 */
export function configText(value: unknown): string {
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
}

/** The parsed Pulumi.yaml. */
export function projectFile(root = REPO_ROOT): Record<string, unknown> {
    const doc = readYamlFile("Pulumi.yaml", root);
    if (!isRecord(doc)) throw new Error("Pulumi.yaml: expected a mapping at the top level");
    return doc;
}

/**
 * The defaults Pulumi.yaml's `config:` gives every stack, as `namespace:key` -> string: a short-form
 * `key: value`, a `default:` (keys of this project) or a `value:` (keys of other namespaces).
 * Unnamespaced keys belong to the project.
 */
export function projectDefaults(project: Record<string, unknown> = projectFile()): Record<string, string> {
    const name = String(project.name);
    const config = isRecord(project.config) ? project.config : {};
    const out: Record<string, string> = {};
    for (const [key, entry] of Object.entries(config)) {
        const full = key.includes(":") ? key : `${name}:${key}`;
        if (!isRecord(entry)) out[full] = configText(entry);
        else if (entry.default !== undefined) out[full] = configText(entry.default);
        else if (entry.value !== undefined) out[full] = configText(entry.value);
    }
    return out;
}
