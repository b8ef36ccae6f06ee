/**
 * `npm run docs:permissions`: rewrite docs/delivery.md's per-cloud permissions from
 * components/<cloud>/permissions.ts. `npm run docs:permissions -- --check` exits 1 instead when
 * the document is out of date.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AWS_PERMISSIONS } from "../components/aws/permissions";
import { AZURE_PERMISSIONS } from "../components/azure/permissions";
import { type CloudPermissions, withRenderedPermissions } from "../components/cluster/permissions";
import { GCP_PERMISSIONS } from "../components/gcp/permissions";

/** Every cloud's permissions, in the order docs/delivery.md lists them. */
export const ALL_PERMISSIONS: readonly CloudPermissions[] = [AWS_PERMISSIONS, GCP_PERMISSIONS, AZURE_PERMISSIONS];

export const DELIVERY_DOC = join(__dirname, "..", "docs", "delivery.md");

if (require.main === module) {
    const extra = process.argv.slice(2).filter((a) => a !== "--check");
    if (extra.length > 0) {
        console.error(`docs:permissions: unknown argument ${extra.join(" ")}; usage: npm run docs:permissions [-- --check]`);
        process.exit(2);
    }
    const doc = readFileSync(DELIVERY_DOC, "utf8");
    const rendered = withRenderedPermissions(doc, ALL_PERMISSIONS);
    if (process.argv.includes("--check")) {
        if (rendered !== doc) {
            console.error("docs/delivery.md's permissions are out of date: run npm run docs:permissions");
            process.exit(1);
        }
    } else if (rendered !== doc) {
        writeFileSync(DELIVERY_DOC, rendered);
        console.log("docs/delivery.md: permissions rewritten");
    }
}
