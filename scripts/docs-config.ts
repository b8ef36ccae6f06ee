/**
 * `npm run docs:config`: rewrite README's configuration reference from config/keys.ts.
 * `npm run docs:config -- --check` exits 1 instead when README is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withRenderedReference } from "../config/reference";

const extra = process.argv.slice(2).filter((a) => a !== "--check");
if (extra.length > 0) {
    console.error(`docs:config: unknown argument ${extra.join(" ")}; usage: npm run docs:config [-- --check]`);
    process.exit(2);
}
const path = join(__dirname, "..", "README.md");
const readme = readFileSync(path, "utf8");
const rendered = withRenderedReference(readme);
if (process.argv.includes("--check")) {
    if (rendered !== readme) {
        console.error("README.md's configuration reference is out of date: run npm run docs:config");
        process.exit(1);
    }
} else if (rendered !== readme) {
    writeFileSync(path, rendered);
    console.log("README.md: configuration reference rewritten");
}
