/**
 * The pack is loaded by Pulumi's Node.js policy analyzer, which compiles it with ts-node, type
 * checking on, and its own compiler options (target ES2020, module and resolution nodenext), not
 * the repository's tsconfig.json (@pulumi/pulumi cmd/run-policy-pack/run.js, checked 2026-12-07).
 * The rules import names from their owners in components/ and facts/, so every file the pack
 * reaches must compile that way too.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.join(__dirname, "..");

describe("the policy pack", () => {
    it("compiles as the policy analyzer compiles it, with every repository file it imports", function () {
        this.timeout(120_000);
        const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, sourceMap: true };
        const program = ts.createProgram([path.join(ROOT, "policy", "index.ts")], options);
        const ours = program.getSourceFiles().filter((f) => !f.fileName.split(path.sep).includes("node_modules") && !f.fileName.includes("/node_modules/"));
        assert.ok(ours.some((f) => f.fileName.endsWith(path.join("policy", "rules.ts"))), "the pack's rules are compiled");
        const problems = ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]).map((d) => {
            const where = d.file ? path.relative(ROOT, d.file.fileName) : "";
            return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
        });
        assert.deepEqual(problems, []);
    });
});
