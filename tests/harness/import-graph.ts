/**
 * The program's import graph as the TypeScript compiler sees it: every module specifier of every
 * file tsconfig.json includes, type-only ones too (`import type`, `export … from`, `import("…")`
 * types, `require`), resolved with the project's own compiler options. Files outside the
 * repository (node_modules) are left out: only our own modules can form a cycle we own.
 */
import * as path from "node:path";
import ts from "typescript";
import { REPO_ROOT } from "./project-files";

/** Repository-relative path of each file → the repository files it imports. */
export type ImportGraph = Map<string, Set<string>>;

function specifiers(source: ts.SourceFile): string[] {
    const found: string[] = [];
    const visit = (node: ts.Node): void => {
        if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
            found.push(node.moduleSpecifier.text);
        } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
            found.push(node.moduleReference.expression.text);
        } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
            found.push(node.argument.literal.text);
        } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
            const callee = node.expression;
            if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) found.push(node.arguments[0].text);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

/** The graph of the files the root tsconfig.json includes. */
export function importGraph(root = REPO_ROOT): ImportGraph {
    const configPath = path.join(root, "tsconfig.json");
    const read = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
    const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root);
    const graph: ImportGraph = new Map();
    const inRepo = (file: string): string | undefined => {
        const rel = path.relative(root, file);
        return rel.startsWith("..") || rel.split(path.sep).includes("node_modules") ? undefined : rel.split(path.sep).join("/");
    };
    for (const file of parsed.fileNames) {
        const from = inRepo(file);
        if (from === undefined) continue;
        const text = ts.sys.readFile(file) ?? "";
        const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
        const targets = new Set<string>();
        for (const spec of specifiers(source)) {
            const resolved = ts.resolveModuleName(spec, file, parsed.options, ts.sys).resolvedModule?.resolvedFileName;
            const to = resolved === undefined ? undefined : inRepo(resolved);
            if (to !== undefined && to !== from) targets.add(to);
        }
        graph.set(from, targets);
    }
    return graph;
}

/** Every cycle, as the strongly connected components with more than one file (Tarjan), each sorted. */
export function importCycles(graph: ImportGraph): string[][] {
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const connect = (v: string): void => {
        index.set(v, counter);
        low.set(v, counter);
        counter++;
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!index.has(w)) {
                connect(w);
                low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
            } else if (onStack.has(w)) {
                low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
            }
        }
        if (low.get(v) === index.get(v)) {
            const component: string[] = [];
            let w: string | undefined;
            do {
                w = stack.pop();
                if (w === undefined) break;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1) cycles.push(component.sort());
        }
    };
    for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
    return cycles;
}
