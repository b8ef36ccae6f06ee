/**
 * README and the pages under docs/ link to each other and into the repository: every relative link
 * must reach a file that exists, and a `#anchor` must name a heading of its page, so a moved section
 * or a renamed file fails here instead of leaving a reader at a dead end. The program's own messages
 * and comments that send a reader to a page (`see docs/aws.md "Changing nodeMode on AWS"`) are held to
 * the same: the page exists and has that text.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../harness/project-files";

/** README.md and every Markdown page under docs/, as repository paths. */
function documentationFiles(): string[] {
    const pages = fs
        .readdirSync(path.join(REPO_ROOT, "docs"), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".md"))
        .map((f) => path.posix.join("docs", f.split(path.sep).join("/")));
    return ["README.md", ...pages.sort()];
}

/** The text outside fenced code blocks and inline code, where a link is a link. */
function proseOf(markdown: string): string {
    return markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "``");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
    return heading
        .replace(/`/g, "")
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/ /g, "-");
}

/** Every anchor a page offers: its headings' (a repeated heading gets -1, -2, …). */
export function anchorsOf(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    for (const m of markdown.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} (.+)$/gm)) {
        const base = headingAnchor(m[1]);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    return anchors;
}

/** The relative link targets of a page (`[text](target)`), external ones left out. */
export function relativeLinks(markdown: string): string[] {
    return [...proseOf(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
        .map((m) => m[1])
        .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** What is wrong with one link from `file`, or undefined when it resolves. */
export function brokenLink(file: string, target: string, read: (repoPath: string) => string | undefined): string | undefined {
    const [pathPart, anchor] = target.split("#", 2);
    const resolved = pathPart === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), pathPart));
    if (resolved.startsWith("..")) return `${target} leaves the repository`;
    const content = read(resolved.replace(/\/$/, ""));
    if (content === undefined) return `${target}: ${resolved} does not exist`;
    if (anchor !== undefined && resolved.endsWith(".md") && !anchorsOf(content).has(anchor)) return `${target}: ${resolved} has no heading #${anchor}`;
    return undefined;
}

function readRepoPath(repoPath: string): string | undefined {
    const full = path.join(REPO_ROOT, repoPath);
    if (!fs.existsSync(full)) return undefined;
    return fs.statSync(full).isDirectory() ? "" : fs.readFileSync(full, "utf8");
}

/** The program's source files: what a user sees in messages, and what a maintainer reads. */
function sourceFiles(): string[] {
    return ["components", "config", "facts", "stacks", "policy", "scripts"].flatMap((top) =>
        fs
            .readdirSync(path.join(REPO_ROOT, top), { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".ts"))
            .map((f) => path.posix.join(top, f.split(path.sep).join("/"))),
    );
}

/** Each `docs/<page>.md "<text>"` (or `docs/<page>.md, "<text>"`) a source cites, with the page and the text. */
export function pageCitations(source: string): { page: string; text: string }[] {
    return [...source.matchAll(/(docs\/[a-z-]+\.md)[,:]? \\?"([^"\\]+)\\?"/g)].map((m) => ({ page: m[1], text: m[2].replace(/\s*\n\s*(?:\*\s*|\/\/\s*)?/g, " ") }));
}

describe("links in README and docs/", () => {
    it("every relative link reaches a file, and every #anchor a heading of its page", () => {
        const problems: string[] = [];
        let links = 0;
        for (const file of documentationFiles()) {
            for (const target of relativeLinks(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"))) {
                links++;
                const problem = brokenLink(file, target, readRepoPath);
                if (problem !== undefined) problems.push(`${file}: ${problem}`);
            }
        }
        assert.ok(links > 30, `read ${links} links: the pattern no longer matches the pages`);
        assert.deepEqual(problems, []);
    });

    it("every page the program's messages and comments cite exists and has the text they quote", () => {
        const problems: string[] = [];
        let citations = 0;
        for (const file of sourceFiles()) {
            for (const { page, text } of pageCitations(fs.readFileSync(path.join(REPO_ROOT, file), "utf8"))) {
                citations++;
                const content = readRepoPath(page);
                if (content === undefined) problems.push(`${file}: cites ${page}, which does not exist`);
                else if (!content.replace(/\s+/g, " ").includes(text)) problems.push(`${file}: cites ${page} "${text}", which the page does not have`);
            }
        }
        assert.ok(citations >= 4, `read ${citations} citations: the pattern no longer matches the sources`);
        assert.deepEqual(problems, []);
    });

    it("reads anchors and links as GitHub does", () => {
        assert.equal(headingAnchor("Local cluster (the default `dev` stack)"), "local-cluster-the-default-dev-stack");
        assert.equal(headingAnchor("GKE day-two changes (what `pulumi preview` shows)"), "gke-day-two-changes-what-pulumi-preview-shows");
        assert.deepEqual([...anchorsOf("# A\n```\n# not a heading\n```\n## A\n")], ["a", "a-1"]);
        assert.deepEqual(relativeLinks("[x](docs/a.md#b) [y](https://e.com) `[z](no.md)` [w](#top)"), ["docs/a.md#b", "#top"]);
        const pages: Record<string, string> = { "docs/a.md": "# Top\n## Day two\n", "README.md": "# R\n" };
        const read = (p: string): string | undefined => pages[p];
        assert.equal(brokenLink("README.md", "docs/a.md#day-two", read), undefined);
        assert.equal(brokenLink("docs/a.md", "../README.md#r", read), undefined);
        assert.match(brokenLink("docs/a.md", "README.md", read) ?? "", /docs\/README.md does not exist/);
        assert.match(brokenLink("README.md", "docs/a.md#gone", read) ?? "", /has no heading #gone/);
        assert.deepEqual(pageCitations('see docs/aws.md "Changing nodeMode" or (docs/gateway.md, "Runbook\n     * on") \\"x\\"'), [
            { page: "docs/aws.md", text: "Changing nodeMode" },
            { page: "docs/gateway.md", text: "Runbook on" },
        ]);
    });
});
