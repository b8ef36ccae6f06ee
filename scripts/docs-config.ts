/**
 * `npm run docs:config`: rewrite docs/configuration.md's generated tables (the keys from
 * config/keys.ts, the Kubernetes versions from facts/versions.ts).
 * `npm run docs:config -- --check` exits 1 instead when the page is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withRenderedReference } from "../config/reference";

const extra = process.argv.slice(2).filter((a) => a !== "--check");
if (extra.length > 0) {
    console.error(`docs:config: unknown argument ${extra.join(" ")}; usage: npm run docs:config [-- --check]`);
    process.exit(2);
}
const path = join(__dirname, "..", "docs", "configuration.md");
const page = readFileSync(path, "utf8");
const rendered = withRenderedReference(page);
if (process.argv.includes("--check")) {
    if (rendered !== page) {
        console.error("docs/configuration.md's configuration reference is out of date: run npm run docs:config");
        process.exit(1);
    }
} else if (rendered !== page) {
    writeFileSync(path, rendered);
    console.log("docs/configuration.md: configuration reference rewritten");
}
