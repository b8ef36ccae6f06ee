/**
 * The shape the code keeps so a reader can find their way: no function longer than a screen in the
 * program, read with the TypeScript compiler's own parser. (Import cycles: tests/imports.test.ts.)
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..");

/** `.ts` files under `rel` (a file or a folder), relative to the repository root. */
function sources(rel: string): string[] {
    const full = path.join(ROOT, rel);
    if (fs.statSync(full).isFile()) return [rel];
    return fs
        .readdirSync(full, { withFileTypes: true })
        .filter((e) => !["node_modules", "golden"].includes(e.name) && !e.name.startsWith("."))
        .flatMap((e) => (e.isDirectory() ? sources(path.join(rel, e.name)) : e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path.join(rel, e.name)] : []));
}

function parse(rel: string): ts.SourceFile {
    return ts.createSourceFile(rel, fs.readFileSync(path.join(ROOT, rel), "utf8"), ts.ScriptTarget.Latest, true);
}

export const MAX_FUNCTION_LINES = 60;

/** Every function, method, constructor and arrow function with a body longer than `max` lines, as `file#name (lines)`. */
export function longFunctions(files: readonly string[], max: number = MAX_FUNCTION_LINES): Map<string, number> {
    const found = new Map<string, number>();
    for (const rel of files) {
        const sf = parse(rel);
        const visit = (node: ts.Node): void => {
            if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
                const first = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
                const last = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
                const lines = last - first + 1;
                const name = ts.isConstructorDeclaration(node) ? "constructor" : (node.name?.getText(sf) ?? `<anonymous at line ${first + 1}>`);
                if (lines > max) found.set(`${rel.split(path.sep).join("/")}#${name}`, lines);
            }
            ts.forEachChild(node, visit);
        };
        visit(sf);
    }
    return found;
}

/** Functions still longer than a screen, each with why (none today: add one only with a reason). */
const LONG_FUNCTION_EXCEPTIONS: Readonly<Record<string, string>> = {};

describe("code shape", () => {
    it(`keeps every function in components/, stacks/, config/, facts/, examples/ and index.ts within ${MAX_FUNCTION_LINES} lines`, () => {
        const files = ["components", "stacks", "config", "facts", "examples", "index.ts"].flatMap(sources);
        assert.ok(files.length > 50, `read ${files.length} files`);
        const long = [...longFunctions(files)].filter(([where]) => !(where in LONG_FUNCTION_EXCEPTIONS)).map(([where, lines]) => `${where} (${lines} lines)`);
        assert.deepEqual(long, []);
    });

    it("finds a function one line over the limit, and passes one at the limit (the check itself)", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "code-shape-"));
        try {
            const rel = path.relative(ROOT, dir).split(path.sep).join("/");
            fs.writeFileSync(path.join(dir, "a.ts"), `export function long(): void {\n${"    void 0;\n".repeat(MAX_FUNCTION_LINES)}}\n`);
            fs.writeFileSync(path.join(dir, "b.ts"), `export function short(): void {\n${"    void 0;\n".repeat(MAX_FUNCTION_LINES - 2)}}\n`);
            assert.deepEqual([...longFunctions(sources(rel)).keys()], [`${rel}/a.ts#long`]);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
