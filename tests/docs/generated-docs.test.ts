/**
 * docs/diagrams.md and docs/samples.md are generated from the goldens, which follow the code: a
 * change to what a stack builds, its outputs or the diff report shows here until the pages are
 * regenerated.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DIAGRAMS_DOC, SAMPLES_DOC, renderDiagramsDoc, renderSamplesDoc } from "../../scripts/docs-samples";
import { pictureOf } from "../../scripts/diagram";
import { APP_STACK_GOLDEN, GOLDEN_DIR, INVENTORY_FILE, type PlanResource, exampleStacks } from "../../scripts/plan-lib";

const inventory = (stack: string): PlanResource[] => JSON.parse(fs.readFileSync(path.join(GOLDEN_DIR, stack, INVENTORY_FILE), "utf8")) as PlanResource[];

describe("generated docs", () => {
    it("docs/diagrams.md is what the goldens draw (regenerate with npm run docs:samples)", () => {
        assert.equal(fs.readFileSync(DIAGRAMS_DOC, "utf8"), renderDiagramsDoc(), "docs/diagrams.md is out of date: run npm run docs:samples");
    });

    it("docs/samples.md holds the goldens' stack outputs and plan:diff report (regenerate with npm run docs:samples)", () => {
        assert.equal(fs.readFileSync(SAMPLES_DOC, "utf8"), renderSamplesDoc(), "docs/samples.md is out of date: run npm run docs:samples");
    });

    it("draws one diagram per example stack", () => {
        const doc = renderDiagramsDoc();
        for (const stack of fs.readdirSync(GOLDEN_DIR).filter((s) => s !== APP_STACK_GOLDEN)) assert.match(doc, new RegExp(`### \`${stack}\` \\(\\d+ resources\\)\\n\\n\`\`\`mermaid`), stack);
    });
});

describe("architecture picture: read from the inventory", () => {
    it("shows the entry point a stack really builds: nginx, Envoy Gateway", () => {
        assert.deepEqual(pictureOf(inventory("aws")).entries, ["ingress-nginx"]);
        assert.deepEqual(pictureOf(inventory("aws-gateway")).entries, ["Envoy Gateway"]);
    });

    it("shows the registry, who builds and pushes the image, the autoscaler, observability, snapshots and backups per target", () => {
        const aws = pictureOf(inventory("aws"));
        assert.equal(aws.registry, "ECR repository");
        assert.equal(aws.imagePath, "docker build on the deployer's machine, docker push to the registry");
        assert.equal(aws.autoscaler, "Cluster Autoscaler (Helm, IAM role)");
        assert.equal(aws.observability, "CloudWatch Container Insights add-on and log groups");
        assert.deepEqual(aws.snapshotClasses, ["platform-snapshots (ebs.csi.aws.com)"]);
        assert.match(aws.backups ?? "", /^pg_dump CronJob/);
        assert.ok(aws.storageClasses.includes("platform-shared (efs.csi.aws.com)"));
        const gcp = pictureOf(inventory("gcp"));
        assert.match(gcp.autoscaler ?? "", /^GKE cluster autoscaler \(3-6 nodes\)$/);
        assert.equal(gcp.observability, "Cloud Monitoring: managed Prometheus and Cloud Logging");
        const dev = pictureOf(inventory("dev"));
        assert.equal(dev.imagePath, "docker build on the deployer's machine, then kind load into the nodes");
        assert.equal(dev.autoscaler, undefined);
        assert.equal(dev.observability, undefined);
        assert.deepEqual(dev.snapshotClasses, []);
    });

    it("leaves out what a stack does not build", () => {
        const withoutBackups = inventory("aws").filter((r) => r.type !== "kubernetes:batch/v1:CronJob" && r.type !== "platform:aws:ClusterAutoscaler");
        const p = pictureOf(withoutBackups);
        assert.equal(p.backups, undefined);
        assert.equal(p.autoscaler, undefined);
    });
});

describe("docs/costs.md: the monthly cost table", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "costs.md"), "utf8");
    const table = doc.slice(doc.indexOf("## Monthly cost of each example stack"), doc.indexOf("\nSources"));
    const sources = new Set([...doc.matchAll(/^(\d+)\. /gm)].map((m) => m[1]));

    it("has one row per example stack, first on the page", () => {
        assert.equal(/^## .*/m.exec(doc)?.[0], "## Monthly cost of each example stack", "the table is the page's first section");
        const rows = [...table.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]);
        assert.deepEqual(rows.sort(), exampleStacks().sort());
    });

    it("gives every dollar figure a listed source, and a source without a date is marked unverified", () => {
        for (const row of table.split("\n").filter((l) => /^\| `/.test(l))) {
            for (const cell of row.split("|").slice(2, -2)) {
                if (!/\$\d/.test(cell)) continue;
                const refs = [...cell.matchAll(/\[(\d+)/g)].map((m) => m[1]);
                assert.ok(refs.length > 0, `no source for: ${cell.trim()}`);
                for (const r of refs) assert.ok(sources.has(r), `source [${r}] is not listed`);
            }
        }
        for (const line of doc.split("\n").filter((l) => /^\d+\. /.test(l))) {
            assert.match(line, /late 2026|2026-\d\d-\d\d|unverified/i, line);
        }
    });
});
