/**
 * The fork comment: a fork's plan diff is shown as inert text under the repository's name.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    COMMENT_MARKER,
    MAX_DIFF_BYTES,
    longestBacktickRun,
    neutralise,
    readCapped,
    renderComment,
} from "../../scripts/render-untrusted-diff";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function tempFile(body: string | Buffer): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "render-diff-")), "plan-diff.md");
    fs.writeFileSync(file, body);
    return file;
}

/** The lines between the comment's opening fence and its closing one. */
function fenced(comment: string): { fence: string; inside: string[] } {
    const lines = comment.split("\n");
    const open = lines.findIndex((l) => /^`{3,}text$/.test(l));
    assert.ok(open > 0, "no opening fence");
    const fence = lines[open].slice(0, -"text".length);
    const close = lines.findIndex((l, i) => i > open && l.trim().startsWith("`") && /^`+$/.test(l.trim()) && l.trim().length >= fence.length);
    assert.ok(close > open, "no closing fence");
    return { fence, inside: lines.slice(open + 1, close) };
}

describe("render-untrusted-diff", () => {
    it("fences the diff with more backticks than any run inside it, so it cannot close the fence early", () => {
        const hostile = "### No changes\n````\n</details>\n```\n![x](https://example.invalid/p.png)\n";
        const comment = renderComment({ text: hostile, truncated: false }, SHA);
        const { fence, inside } = fenced(comment);
        assert.equal(fence, "`````");
        assert.deepEqual(inside, hostile.trimEnd().split("\n"), "everything the fork wrote stays inside the fence");
        assert.equal(longestBacktickRun("a `b` ``c`` d"), 2);
        assert.equal(fenced(renderComment({ text: "plain", truncated: false }, SHA)).fence, "```");
    });

    it("breaks @mentions, team mentions and issue references so nobody is pinged or cross-linked", () => {
        const out = neutralise("cc @octocat @acme/admins fixes #12, acme/repo#7 and GH-3; mail a@b.example");
        assert.doesNotMatch(out, /@[A-Za-z0-9]/);
        assert.doesNotMatch(out, /#\d/);
        assert.doesNotMatch(out, /GH-\d/i);
        // Still readable: only zero-width spaces were added.
        assert.equal(out.replace(/\u200b/g, ""), "cc @octocat @acme/admins fixes #12, acme/repo#7 and GH-3; mail a@b.example");
        assert.doesNotMatch(renderComment({ text: "@octocat #1", truncated: false }, SHA), /@octocat|#1\b/);
    });

    it("drops control characters: terminal escapes, NUL and bidi overrides", () => {
        assert.equal(neutralise("a\u001b[31mb\u0000c\u202ed\u2066e\tf\ng"), "a[31mbcde\tf\ng");
    });

    it("says whose output it is, starts with the marker the job finds its own comment by, and refuses a bad SHA", () => {
        const comment = renderComment({ text: "x", truncated: false }, SHA);
        assert.ok(comment.startsWith(`${COMMENT_MARKER}\n`));
        const banner = comment.slice(0, comment.indexOf("```"));
        assert.match(banner, /output of this fork's own code/);
        assert.ok(banner.includes(SHA));
        assert.throws(() => renderComment({ text: "x", truncated: false }, "main`\n@everyone"), /head SHA must be 40 hex digits/);
    });

    it("reads at most the byte cap of the file and says the diff was cut", () => {
        const file = tempFile(Buffer.alloc(MAX_DIFF_BYTES * 3, "a"));
        const capped = readCapped(file, MAX_DIFF_BYTES);
        assert.equal(capped.text.length, MAX_DIFF_BYTES);
        assert.equal(capped.truncated, true);
        const comment = renderComment(capped, SHA);
        assert.ok(comment.length < 65_536, "within GitHub's comment size limit");
        assert.match(comment, /Cut at 60000 bytes/);

        const small = readCapped(tempFile("é ok\n"), MAX_DIFF_BYTES);
        assert.deepEqual(small, { text: "é ok\n", truncated: false });
        // A multi-byte character cut by the cap becomes U+FFFD, never an exception.
        assert.equal(readCapped(tempFile("é"), 1).text, "\ufffd");
    });
});
