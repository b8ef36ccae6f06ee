/**
 * Ownership shows in the imports: no module depends on one that depends on it (type-only imports
 * count: they still mean one side knows the other), config and the pure facts depend on no
 * component, and components depend on no stack. Checked over the compiler's own view of the
 * program (tests/harness/import-graph.ts).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { importCycles, importGraph } from "./harness/import-graph";

const GRAPH = importGraph();

/** `from -> to` for every import of a file matching `from` into a file matching `to`. */
function edges(from: RegExp, to: RegExp): string[] {
    return [...GRAPH].flatMap(([file, targets]) => (from.test(file) ? [...targets].filter((t) => to.test(t)).map((t) => `${file} -> ${t}`) : []));
}

describe("imports", () => {
    it("form no cycle, type-only imports included", () => {
        assert.ok(GRAPH.has("stacks/platform.ts") && GRAPH.has("config/keys.ts"), "the graph covers the program");
        assert.deepEqual(importCycles(GRAPH), []);
    });

    it("keep config and the pure facts free of components and stacks, and facts free of config", () => {
        assert.deepEqual(edges(/^(config|facts)\//, /^(components|stacks)\/|^index\.ts$/), []);
        assert.deepEqual(edges(/^facts\//, /^config\//), []);
    });

    it("keep components free of the stacks that compose them", () => {
        assert.deepEqual(edges(/^components\//, /^stacks\/|^index\.ts$/), []);
    });

    it("sees type-only imports, re-exports, import() types and require, and reports each cycle once", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "import-graph-"));
        try {
            const files: Record<string, string> = {
                "tsconfig.json": JSON.stringify({ compilerOptions: { module: "commonjs", moduleResolution: "bundler", strict: true }, include: ["**/*.ts"] }),
                "a.ts": 'import type { B } from "./b";\nexport type A = B;\n',
                "b.ts": 'export * from "./c";\nexport type B = string;\n',
                "c.ts": 'export type C = import("./a").A;\n',
                "d.ts": 'const e = require("./e");\nexport const d = e;\n',
                "e.ts": 'export const e = () => import("./d");\n',
                "f.ts": 'import { d } from "./d";\nexport const f = d;\n',
            };
            for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(root, name), text);
            const graph = importGraph(root);
            assert.deepEqual(importCycles(graph), [["a.ts", "b.ts", "c.ts"], ["d.ts", "e.ts"]]);
            assert.deepEqual([...(graph.get("f.ts") ?? [])], ["d.ts"]);
        } finally {
            fs.rmSync(root, { recursive: true, force: true });
        }
    });
});
