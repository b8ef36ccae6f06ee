/**
 * The commands README and docs/ show a user must work as shown: every `npm run <script>` exists in
 * package.json (the scripts themselves run in `npm test` or `.ci/run`), and every
 * `pulumi config set <key> <value>` names a key this program reads, for a cloud it applies to, with a
 * value that key accepts. A renamed script or key, or a stale example value, fails here.
 */
import * as assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { KEYS, type KeyName } from "../../config";
import { fullName } from "../../config/keys";

const ROOT = join(__dirname, "..", "..");
const DOCS = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
const text = (file: string): string => readFileSync(join(ROOT, file), "utf8");
const scripts = (JSON.parse(text("package.json")) as { scripts: Record<string, string> }).scripts;

/** `pulumi config set [--path] [--secret] key value` as shown; placeholders (`<...>`, `…`) skipped. */
function configSets(markdown: string): { key: string; value: string; line: number }[] {
    const out: { key: string; value: string; line: number }[] = [];
    markdown.split("\n").forEach((l, i) => {
        for (const m of l.matchAll(/pulumi config set((?: --[a-z]+)*) '?([a-z-]+:[A-Za-z]+)(\[\d+\])?'? ([^\s`&;|)]+)/g)) {
            const [, flags, key, index, value] = m;
            // Placeholders and shell substitutions (`<...>`, `…`, `"$(minikube ip)"`) are not literal values.
            if (/[<>…$"]/.test(value) || flags.includes("--secret")) continue;
            out.push({ key, value: index !== undefined ? JSON.stringify([value]) : value, line: i + 1 });
        }
    });
    return out;
}

describe("commands shown in README and docs/", () => {
    it("every `npm run <script>` exists in package.json", () => {
        for (const file of DOCS) {
            for (const m of text(file).matchAll(/npm run ([a-z][a-z:-]*)/g)) {
                assert.ok(m[1] in scripts, `${file}: npm run ${m[1]} is not a script in package.json`);
            }
        }
    });

    it("every `pulumi config set` names a declared key with a value that key accepts", () => {
        const byName = new Map((Object.keys(KEYS) as KeyName[]).map((k) => [fullName(k), k] as const));
        let checked = 0;
        for (const file of DOCS) {
            for (const { key, value, line } of configSets(text(file))) {
                const name = byName.get(key);
                if (name === undefined) {
                    assert.ok(!key.startsWith("platform:"), `${file}:${line}: ${key} is not a key this program reads`);
                    continue;
                }
                const decl = KEYS[name];
                const cloud = decl.clouds[0];
                const kind = typeof decl.kind === "function" ? decl.kind(cloud) : decl.kind;
                const parsed = kind.parse(value);
                assert.ok("value" in parsed, `${file}:${line}: pulumi config set ${key} ${value}: ${"problem" in parsed ? parsed.problem : ""}`);
                checked++;
            }
        }
        assert.ok(checked >= 5, `found ${checked} config examples: the pattern no longer matches README`);
    });
});
