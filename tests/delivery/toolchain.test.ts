/**
 * The suite runs on the Node that .node-version names (the one file that says it; CI's
 * setup-node reads it too), and package.json's `engines` agrees with it.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** Compares dotted numeric versions ("24.22.3"); negative when a < b. */
export function compareVersions(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d;
    }
    return 0;
}

describe("toolchain", () => {
    const pinned = fs.readFileSync(path.join(ROOT, ".node-version"), "utf8").trim();

    it(".node-version names one exact Node release", () => {
        assert.match(pinned, /^\d+\.\d+\.\d+$/);
    });

    it("runs the tests on that Node or a newer one", () => {
        assert.ok(compareVersions(process.versions.node, pinned) >= 0, `tests run on Node ${process.version}, .node-version says ${pinned}`);
    });

    it("declares the same minimum in package.json engines", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines?: { node?: string } };
        assert.equal(pkg.engines?.node, `>=${pinned}`);
    });

    it("compares versions numerically", () => {
        assert.ok(compareVersions("24.10.0", "24.9.9") > 0);
        assert.ok(compareVersions("20.20.2", "24.22.3") < 0);
        assert.equal(compareVersions("24.22.3", "24.22.3"), 0);
    });
});
