/**
 * The "Layout" block of docs/architecture.md is the map a new engineer reads first, so it must match the tree: every
 * path it names exists, and every folder of components/ and facts/ is on it. In the block,
 * `<cloud>` stands for each managed cloud, and bare file names after a folder are in that folder.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { MANAGED_CLOUDS } from "../../config";
import { REPO_ROOT } from "../harness/project-files";

/** The lines of the first code block after the page's `## Layout` heading. */
export function layoutLines(readme: string): string[] {
    const at = readme.indexOf("\n## Layout\n");
    assert.ok(at >= 0, "docs/architecture.md has a ## Layout section");
    const open = readme.indexOf("\n```\n", at);
    const close = readme.indexOf("\n```\n", open + 1);
    assert.ok(open > at && close > open, "the Layout section has a code block");
    return readme.slice(open + 5, close).split("\n").filter((l) => l.trim() !== "");
}

/** Every repository path a layout line names, `<cloud>` expanded. */
export function namedPaths(line: string): string[] {
    const [head, ...rest] = line.trim().split(/\s+/);
    const description = rest.join(" ");
    const expand = (p: string): string[] => (p.includes("<cloud>") ? MANAGED_CLOUDS.map((c) => p.replaceAll("<cloud>", c)) : [p]);
    const paths = [head];
    for (const token of description.match(/[A-Za-z0-9_.<>-]+(?:\/[A-Za-z0-9_.<>-]*)*/g) ?? []) {
        const word = token.replace(/[.:,;]+$/, "");
        if (word.includes("/")) paths.push(word);
        else if (/\.(ts|sh|md|yaml)$/.test(word)) {
            assert.ok(head.endsWith("/"), `"${word}" on the line of ${head} is a bare file name after a file, not a folder`);
            paths.push(`${head}${word}`);
        }
    }
    return paths.flatMap(expand);
}

const PAGE = fs.readFileSync(path.join(REPO_ROOT, "docs", "architecture.md"), "utf8");

describe("layout in docs/architecture.md", () => {
    const lines = layoutLines(PAGE);

    it("names only paths that exist (folders as folders)", () => {
        const named = lines.flatMap(namedPaths);
        assert.ok(named.length > 40, `read ${named.length} paths`);
        const missing = named.filter((p) => {
            const full = path.join(REPO_ROOT, p);
            return !fs.existsSync(full) || (p.endsWith("/") && !fs.statSync(full).isDirectory());
        });
        assert.deepEqual(missing, []);
    });

    it("names every folder of components/ and facts/", () => {
        const named = new Set(lines.flatMap(namedPaths).map((p) => p.replace(/\/$/, "").split("/").slice(0, 2).join("/")));
        const folders = ["components", "facts"].flatMap((top) =>
            fs
                .readdirSync(path.join(REPO_ROOT, top), { withFileTypes: true })
                .filter((e) => e.isDirectory())
                .map((e) => `${top}/${e.name}`),
        );
        assert.deepEqual(folders.filter((f) => !named.has(f)), []);
    });

    it("reads a line's paths: the folder, files after it, full paths in the text, <cloud> for each cloud", () => {
        assert.deepEqual(namedPaths("components/platform/   storage.ts helm.ts: services (see stacks/platform.ts)"), [
            "components/platform/",
            "components/platform/storage.ts",
            "components/platform/helm.ts",
            "stacks/platform.ts",
        ]);
        assert.deepEqual(namedPaths("facts/<cloud>/versions.ts   calendar"), ["facts/aws/versions.ts", "facts/gcp/versions.ts", "facts/azure/versions.ts"]);
        assert.throws(() => namedPaths("config/keys.ts   see rules.ts"), /bare file name after a file/);
    });
});
