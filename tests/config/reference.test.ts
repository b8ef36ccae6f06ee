import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CLOUDS, KEYS, type KeyName } from "../../config";
import { type KeyDecl, defaultDocOf } from "../../config/keys";
import { REFERENCE_END, REFERENCE_START, renderConfigReference, withRenderedReference } from "../../config/reference";

const PAGE = readFileSync(join(__dirname, "..", "..", "docs", "configuration.md"), "utf8");

describe("configuration reference (docs/configuration.md)", () => {
    it("is exactly the table rendered from config/keys.ts (run npm run docs:config after changing a key)", () => {
        assert.ok(PAGE.includes(REFERENCE_START) && PAGE.includes(REFERENCE_END), "docs/configuration.md keeps the generated block's markers");
        assert.equal(withRenderedReference(PAGE), PAGE, "docs/configuration.md's configuration reference is out of date: run npm run docs:config");
    });

    it("has one row per key, naming its clouds, type, default and bounds", () => {
        const rows = renderConfigReference().split("\n").slice(2);
        const names = Object.keys(KEYS) as KeyName[];
        assert.equal(rows.length, names.length);
        const row = (name: string) => rows.find((r) => r.startsWith(`| \`${name}\` |`)) ?? assert.fail(`no row for ${name}`);
        assert.match(row("platform:minNodes"), /^\| `platform:minNodes` \| aws, gcp, azure \| integer 1–100 \| `2` \| autoscaling minimum \(total nodes\); GKE starts each of its 3 zones/);
        assert.match(row("platform:appMaxReplicas"), /\| all \| integer 1–500 \| `10`, or appReplicas if larger \|/);
        assert.match(row("platform:logRetentionDays"), /\| aws, azure \| aws: integer: a CloudWatch retention .*; azure: integer 30–730 \|/);
        assert.match(row("platform:storageTier"), /\| `ssd` \\\| `premium` \| `ssd` \|/);
        assert.match(row("aws:region"), /\| aws \| string \| \*\*required on aws\*\* \|/);
        assert.match(row("platform:redisPassword"), /\| all \| secret \(`pulumi config set --secret`\): 16\+ printable ASCII/);
    });

    it("documents every key with a default and a meaning, and scopes every key to known clouds", () => {
        for (const name of Object.keys(KEYS) as KeyName[]) {
            const d = KEYS[name] as KeyDecl<unknown>;
            assert.ok(d.doc.length > 5 && defaultDocOf(d).length > 0, `${name} is documented`);
            assert.ok(d.clouds.length > 0 && d.clouds.every((c) => (CLOUDS as readonly string[]).includes(c)), `${name} applies to known clouds`);
        }
    });
});
