/**
 * The commands README and docs/ show a user must work as shown: every `npm run <script>` exists in
 * package.json (the scripts themselves run in `npm test` or `.ci/run`), and every
 * `pulumi config set <key> <value>` names a key this program reads, for the target the example is
 * about, with a value that key accepts on that target. A renamed script or key, a stale example value,
 * or an example of one cloud's value on another cloud's page fails here.
 */
import * as assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CLOUDS, type Cloud, KEYS, type KeyName } from "../../config";
import { fullName } from "../../config/keys";

const ROOT = join(__dirname, "..", "..");
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const text = (file: string): string => readFileSync(join(ROOT, file), "utf8");
const scripts = (JSON.parse(text("package.json")) as { scripts: Record<string, string> }).scripts;

/** The target a heading or a line's `# <cloud> only` comment is about, if it names one. */
export function targetNamed(text: string): Cloud | undefined {
    const only = /#\s*(aws|gcp|azure|local) only\b/i.exec(text);
    if (only) return only[1].toLowerCase() as Cloud;
    if (/\b(aws|eks)\b/i.test(text)) return "aws";
    if (/\b(gcp|gke|google cloud)\b/i.test(text)) return "gcp";
    if (/\b(azure|aks)\b/i.test(text)) return "azure";
    if (/\b(local|kind|minikube|docker desktop|podman)\b/i.test(text)) return "local";
    return undefined;
}

/** A page's own target: docs/<cloud>.md is that cloud's page. */
function pageTarget(file: string): Cloud | undefined {
    const name = /^docs\/([a-z]+)\.md$/.exec(file)?.[1];
    return (CLOUDS as readonly string[]).includes(name ?? "") ? (name as Cloud) : undefined;
}

interface ConfigExample {
    key: string;
    value: string;
    line: number;
    /** The target the example is for: the page's, else the nearest heading's, else a `# <cloud> only` comment's. */
    target: Cloud | undefined;
}

/** `pulumi config set [--path] [--secret] key value` as shown; placeholders (`<...>`, `…`) skipped. */
export function configSets(markdown: string, file: string): ConfigExample[] {
    const out: ConfigExample[] = [];
    let heading: Cloud | undefined;
    markdown.split("\n").forEach((l, i) => {
        if (/^#{1,6} /.test(l) && !l.startsWith("# ")) heading = targetNamed(l);
        const target = pageTarget(file) ?? (/#\s*\w+ only\b/.test(l) ? targetNamed(l) : undefined) ?? heading;
        for (const m of l.matchAll(/pulumi config set((?: --[a-z]+)*) '?([a-z-]+:[A-Za-z]+)(\[\d+\])?'? ([^\s`&;|)]+)/g)) {
            const [, flags, key, index, value] = m;
            // Placeholders and shell substitutions (`<...>`, `…`, `"$(minikube ip)"`) are not literal values.
            if (/[<>…$"]/.test(value) || flags.includes("--secret")) continue;
            out.push({ key, value: index !== undefined ? JSON.stringify([value]) : value, line: i + 1, target });
        }
    });
    return out;
}

describe("commands shown in README and docs/", () => {
    it("every `npm run <script>` exists in package.json", () => {
        for (const file of DOCS) {
            for (const m of text(file).matchAll(/npm run ([a-z][a-z0-9:-]*)/g)) {
                assert.ok(m[1] in scripts, `${file}: npm run ${m[1]} is not a script in package.json`);
            }
        }
    });

    it("every `pulumi config set` names a key of its target with a value that key accepts there", () => {
        const byName = new Map((Object.keys(KEYS) as KeyName[]).map((k) => [fullName(k), k] as const));
        const problems: string[] = [];
        let checked = 0;
        for (const file of DOCS) {
            for (const { key, value, line, target } of configSets(text(file), file)) {
                const name = byName.get(key);
                if (name === undefined) {
                    if (key.startsWith("platform:")) problems.push(`${file}:${line}: ${key} is not a key this program reads`);
                    continue;
                }
                const decl = KEYS[name];
                if (target !== undefined && !decl.clouds.includes(target)) {
                    problems.push(`${file}:${line}: ${key} is not a key of ${target} (only ${decl.clouds.join(", ")})`);
                    continue;
                }
                // An example about no one target must hold on every target its key applies to.
                for (const cloud of target !== undefined ? [target] : decl.clouds) {
                    const kind = typeof decl.kind === "function" ? decl.kind(cloud) : decl.kind;
                    const parsed = kind.parse(value);
                    if ("problem" in parsed) problems.push(`${file}:${line}: pulumi config set ${key} ${value} (${cloud}): ${parsed.problem}`);
                }
                checked++;
            }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked >= 5, `found ${checked} config examples: the pattern no longer matches the pages`);
    });

    it("reads each example's target from its page, its heading or its `# <cloud> only` comment", () => {
        const md = ["## AWS (EKS)", "pulumi config set platform:nodeSize m6i.large", "## Data", "pulumi config set platform:deletionProtection false   # gcp only", "pulumi config set platform:appReplicas 3"].join("\n");
        assert.deepEqual(
            configSets(md, "README.md").map((e) => e.target),
            ["aws", "gcp", undefined],
        );
        assert.deepEqual(
            configSets("## Access\npulumi config set platform:nodeSize e2-standard-4", "docs/gcp.md").map((e) => e.target),
            ["gcp"],
        );
    });
});
