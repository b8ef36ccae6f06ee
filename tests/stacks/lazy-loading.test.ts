/**
 * A stack loads only its own cloud's SDKs: a gcp stack never loads @pulumi/aws, @pulumi/eks or
 * @pulumi/azure-native. Checked in fresh processes, since this one has loaded every test's modules.
 */
import * as assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import type { Cloud } from "../../config";
import type { Measurement } from "../../scripts/eval-stack";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "../..");

async function evaluateInFreshProcess(cloud: Cloud, settings: readonly string[] = []): Promise<Measurement> {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/eval-stack.ts", "evaluate", cloud, ...settings], { cwd: ROOT, timeout: 60_000 });
    return JSON.parse(stdout.trim().split("\n").pop() ?? "") as Measurement;
}

const COMMON = ["docker", "kubernetes", "pulumi", "random"];
const EXPECTED: Record<Cloud, string[]> = {
    // @pulumi/command runs the kind image load: the local target's alone.
    local: [...COMMON, "command"].sort(),
    aws: [...COMMON, "aws", "awsx", "eks"].sort(),
    gcp: [...COMMON, "gcp"].sort(),
    azure: [...COMMON, "azure-native"].sort(),
};

describe("lazy loading of cloud SDKs", function () {
    this.timeout(120_000);
    let measured: Measurement[];
    before(async () => {
        // Two at a time: the CI machine has two cores.
        const clouds: Cloud[] = ["local", "gcp", "azure", "aws"];
        measured = [];
        for (let i = 0; i < clouds.length; i += 2) measured.push(...(await Promise.all(clouds.slice(i, i + 2).map((c) => evaluateInFreshProcess(c)))));
    });

    for (const cloud of ["local", "gcp", "azure", "aws"] as const) {
        it(`a ${cloud} stack loads exactly @pulumi/{${EXPECTED[cloud].join(",")}}`, () => {
            const m = measured.find((x) => x.cloud === cloud);
            assert.ok(m, `no measurement for ${cloud}`);
            assert.deepEqual(m.packages, EXPECTED[cloud]);
            assert.ok((m.resources ?? 0) > 30, `the whole stack was evaluated (${m.resources} resources)`);
        });
    }
});

describe("lazy loading of the image build", function () {
    this.timeout(120_000);
    const prebuilt = `platform:appImage=registry.example.com/visit-counter@sha256:${"0".repeat(64)}`;

    // kind (the example stack's context) is the target with the most to leave out: the build and
    // the `kind load` delivery; aws stands for the clouds, which push to their registry.
    for (const cloud of ["local", "aws"] as const) {
        it(`a ${cloud} stack with a prebuilt platform:appImage loads neither @pulumi/docker nor @pulumi/command`, async () => {
            const m = await evaluateInFreshProcess(cloud, [prebuilt]);
            assert.deepEqual(m.packages, EXPECTED[cloud].filter((p) => p !== "docker" && p !== "command"));
            assert.ok((m.resources ?? 0) > 30, `the whole stack was evaluated (${m.resources} resources)`);
        });
    }
});
