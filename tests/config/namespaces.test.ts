import * as assert from "node:assert/strict";
import { closest, editDistance } from "../../config/namespaces";
import { AWS, GCP, LOCAL, problems, read } from "./fixtures";

const warningsOf = (values: Record<string, string>): string[] => read(values).warnings;

describe("config: namespaces of the keys a stack holds", () => {
    it("refuses a declared key of another cloud, naming the key and the cloud it belongs to", () => {
        assert.deepEqual(problems({ ...AWS, "gcp:project": "p-123" }), [
            "gcp:project: applies only when platform:cloud is gcp (this stack is aws); remove it with: pulumi config rm gcp:project",
        ]);
        assert.deepEqual(problems({ ...LOCAL, "aws:region": "eu-west-1" }), [
            "aws:region: applies only when platform:cloud is aws (this stack is local); remove it with: pulumi config rm aws:region",
        ]);
    });

    it("warns about another cloud's provider key this program does not declare, since the provider owns its namespace", () => {
        const warnings = warningsOf({ ...GCP, "aws:profile": "dev" });
        assert.ok(
            warnings.includes("aws:profile: a setting of the aws provider, which only a platform:cloud aws stack uses (this stack is gcp); nothing reads it here. Remove it with: pulumi config rm aws:profile"),
            warnings.join("\n"),
        );
    });

    it("refuses a misspelt namespace with the key it most likely meant", () => {
        assert.deepEqual(problems({ ...LOCAL, "platfrom:nodeSize": "large" }), [
            'platfrom:nodeSize: "platfrom" is not a namespace this program or its providers read; did you mean platform:nodeSize?',
        ]);
        assert.deepEqual(problems({ ...LOCAL, "awz:regoin": "eu-west-1" }), [
            'awz:regoin: "awz" is not a namespace this program or its providers read; did you mean aws:region?',
        ]);
    });

    it("flags a misspelt provider key of the stack's own cloud with the suggestion", () => {
        const warnings = warningsOf({ ...AWS, "aws:regoin": "eu-west-2" });
        assert.ok(warnings.some((w) => w.startsWith("aws:regoin: not a key this program sets; did you mean aws:region?")), warnings.join("\n"));
    });

    it("accepts the provider keys of the stack's own cloud and the shared SDKs without a word", () => {
        const quiet = (w: string) => !/^(aws:profile|kubernetes:context|pulumi:tags)/.test(w);
        assert.ok(warningsOf({ ...AWS, "aws:profile": "dev", "kubernetes:context": "kind", "pulumi:tags": "{}" }).every(quiet));
    });

    it("warns about a namespace nothing reads and that is no typo (a shared environment may set it for another tool)", () => {
        const warnings = warningsOf({ ...LOCAL, "datadog:apiUrl": "x" });
        assert.ok(warnings.some((w) => w.startsWith('datadog:apiUrl: nothing in this program or its providers reads the namespace "datadog"')), warnings.join("\n"));
    });

    it("counts a swap of two neighbouring letters as one typo", () => {
        assert.equal(editDistance("regoin", "region"), 1);
        assert.equal(editDistance("Region", "region"), 0);
        assert.equal(closest("minNode", ["minNodes", "maxNodes"]), "minNodes");
        assert.equal(closest("zzz", ["minNodes"]), undefined);
    });
});
