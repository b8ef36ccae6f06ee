/**
 * Renders the offline plan diff of a fork PR for the bot comment, so the fork cannot format it:
 *
 *     node scripts/render-untrusted-diff.ts <plan-diff.md> <head-sha> > comment.md
 *
 * The diff was produced by the fork's own code (preview.yml's `offline-plan` job runs the PR head),
 * so it is text to show, never markdown to render: it goes inside a code fence longer than any
 * backtick run in it (it cannot close the fence), mentions and issue references are broken up (no
 * pings, no cross-links), control characters are dropped, and a banner says whose output it is.
 * The file is read only up to a byte cap, so a huge artifact is never loaded whole.
 *
 * plan-comment.yml runs this file from the default branch (never the PR's copy) on Node 24, which
 * runs TypeScript by stripping types: only erasable syntax and `node:` imports here, no packages.
 */
import * as fs from "node:fs";

/** The hidden first line that marks the bot's own comment, so a re-run edits it instead of adding one. */
export const COMMENT_MARKER = "<!-- platform-offline-plan -->";

/** Bytes of the diff read at most; GitHub refuses comments over 65,536 characters. */
export const MAX_DIFF_BYTES = 60_000;

const ZERO_WIDTH_SPACE = "\u200b";

export interface CappedText {
    text: string;
    /** True when the file is longer than the cap and only its beginning was read. */
    truncated: boolean;
}

/** The first `maxBytes` of a file as UTF-8, without reading the rest (a cut character becomes U+FFFD). */
export function readCapped(file: string, maxBytes: number): CappedText {
    const fd = fs.openSync(file, "r");
    try {
        const size = fs.fstatSync(fd).size;
        const buffer = Buffer.alloc(Math.min(size, maxBytes));
        let read = 0;
        while (read < buffer.length) {
            const n = fs.readSync(fd, buffer, read, buffer.length - read, read);
            if (n === 0) break;
            read += n;
        }
        return { text: new TextDecoder("utf-8", { fatal: false }).decode(buffer.subarray(0, read)), truncated: size > maxBytes };
    } finally {
        fs.closeSync(fd);
    }
}

/** Longest run of consecutive backticks in `text` (0 when there is none). */
export function longestBacktickRun(text: string): number {
    let longest = 0;
    for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
    return longest;
}

/**
 * Breaks what GitHub would turn into a notification or a link even in plain text: `@user` and
 * `@org/team` mentions, `#123`, `GH-123` and `owner/repo#123` references. A zero-width space after
 * the sigil keeps the text readable. Control characters (ANSI escapes, NUL, bidi overrides) go.
 */
export function neutralise(text: string): string {
    return (
        Array.from(text)
            .filter((ch) => !isDropped(ch.codePointAt(0) ?? 0))
            .join("")
            .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZERO_WIDTH_SPACE}`)
            .replace(/#(?=\d)/g, `#${ZERO_WIDTH_SPACE}`)
            .replace(/\bGH-(?=\d)/gi, (m) => `${m.slice(0, 2)}${ZERO_WIDTH_SPACE}-`)
    );
}

/** C0 controls but tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks. */
function isDropped(code: number): boolean {
    return (
        (code < 0x20 && code !== 0x09 && code !== 0x0a) ||
        (code >= 0x7f && code <= 0x9f) ||
        (code >= 0x202a && code <= 0x202e) ||
        (code >= 0x2066 && code <= 0x2069)
    );
}

/** The whole comment body: marker, banner, the diff fenced as text, and a note when it was cut. */
export function renderComment(diff: CappedText, headSha: string): string {
    if (!/^[0-9a-f]{40}$/.test(headSha)) throw new Error(`head SHA must be 40 hex digits, got "${headSha.slice(0, 60)}"`);
    const body = neutralise(diff.text);
    const fence = "`".repeat(Math.max(3, longestBacktickRun(body) + 1));
    return [
        COMMENT_MARKER,
        "### Offline plan (fork PR)",
        "",
        `> [!WARNING]`,
        `> The text below is the output of this fork's own code at ${headSha} (its offline plan under mocks, not a cloud preview).`,
        "> It is shown verbatim as text; nothing in it is a statement by this repository or its maintainers.",
        "",
        `${fence}text`,
        body.endsWith("\n") ? body.slice(0, -1) : body,
        fence,
        ...(diff.truncated ? ["", `Cut at ${MAX_DIFF_BYTES} bytes; the whole diff is in the \`offline-plan\` artifact of the run.`] : []),
        "",
    ].join("\n");
}

function main(argv: string[]): void {
    const [file, headSha] = argv;
    if (!file || !headSha) throw new Error("usage: render-untrusted-diff.ts <plan-diff.md> <head-sha>");
    process.stdout.write(renderComment(readCapped(file, MAX_DIFF_BYTES), headSha));
}

// Run as a script (`node scripts/render-untrusted-diff.ts ...`), not when a test imports it.
if (process.argv[1]?.endsWith("render-untrusted-diff.ts")) main(process.argv.slice(2));
