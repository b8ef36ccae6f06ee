/**
 * The two programs the backup scripts' object-store test runs
 * (tests/components/workloads/postgres-backup.store.test.ts): rclone, which upload.sh and
 * download.sh drive (the backup pod runs the official rclone image of the same version), and
 * versitygw, a real S3 server (posix backend, access-key authentication) started on loopback.
 *
 *     bash scripts/use-node.sh node_modules/.bin/tsx scripts/object-store-test-tools.ts --build
 *
 * Both are built from their Go modules (`go install`, the Go module proxy) into the same cache as
 * kube-score (scripts/kube-score.ts: $PLATFORM_TOOLS_DIR, /var/cache/platform-tools,
 * ~/.cache/platform-tools), once per pinned version; later runs need no network.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { RCLONE_VERSION } from "../facts/rclone";
import { toolsDirCandidates, writable } from "./kube-score";

export interface GoTool {
    name: string;
    /** The package `go install` builds, without the version. */
    pkg: string;
    version: string;
    /** -X flags that make `versionArgs` print `version`. */
    ldflags: string;
    versionArgs: string[];
}

/**
 * rclone at the version of the pod's image (facts/rclone.ts), so the test runs the program the
 * backup pod runs; versitygw v1.8.0, the newest release on the Go module proxy on 2026-12-07.
 * Cold builds (empty module and build caches, 2 cores shared with other work) measured that day:
 * rclone (v1.76.0) 3 min 7 s, versitygw 1 min 35 s. The whole rclone, not a build with only the
 * commands and backends the scripts use (1 min 38 s): the same program as the image, and no
 * second go.mod to keep in step with rclone's.
 */
export const RCLONE: GoTool = {
    name: "rclone",
    pkg: "github.com/rclone/rclone",
    version: `v${RCLONE_VERSION}`,
    ldflags: `-X github.com/rclone/rclone/fs.Version=v${RCLONE_VERSION}`,
    versionArgs: ["version"],
};
export const VERSITYGW: GoTool = {
    name: "versitygw",
    pkg: "github.com/versity/versitygw/cmd/versitygw",
    version: "v1.8.0",
    ldflags: "-X main.Version=v1.8.0",
    versionArgs: ["--version"],
};
export const OBJECT_STORE_TOOLS = [RCLONE, VERSITYGW] as const;

export function toolBinary(toolsDir: string, tool: GoTool): string {
    return path.join(toolsDir, `${tool.name}-${tool.version}`, tool.name);
}

/** True when `binary` runs and reports the pinned version. */
function reportsVersion(binary: string, tool: GoTool): boolean {
    if (!fs.existsSync(binary)) return false;
    const run = spawnSync(binary, tool.versionArgs, { encoding: "utf8", timeout: 10_000 });
    return run.status === 0 && new RegExp(`\\b${tool.version.replace(/\./g, "\\.")}\\b`).test(run.stdout);
}

/** The pinned binary from the first tools directory that has it, or undefined. */
export function findTool(tool: GoTool, dirs = toolsDirCandidates()): string | undefined {
    return dirs.map((d) => toolBinary(d, tool)).find((b) => reportsVersion(b, tool));
}

/** The command that builds what is missing, for the test's one-line failure. */
export const BUILD_COMMAND = "bash scripts/setup.sh (or: bash scripts/use-node.sh node_modules/.bin/tsx scripts/object-store-test-tools.ts --build)";

/** `go install` of the pinned version into `<toolsDir>/<name>-<version>/`; returns the binary. */
export function buildTool(toolsDir: string, tool: GoTool, log: (line: string) => void = console.error): string {
    const binary = toolBinary(toolsDir, tool);
    const started = Date.now();
    log(`${tool.name}: building ${tool.pkg}@${tool.version} into ${path.dirname(binary)} (Go module proxy)`);
    try {
        execFileSync("go", ["install", "-trimpath", `-ldflags=-s -w ${tool.ldflags}`, `${tool.pkg}@${tool.version}`], {
            env: { ...process.env, GOBIN: path.dirname(binary), CGO_ENABLED: "0", GOFLAGS: "" },
            stdio: ["ignore", "inherit", "inherit"],
        });
    } catch (e) {
        throw new Error(`${tool.name}: go install failed (Go 1.26+ and the Go module proxy, or a warm module cache, are needed): ${(e as Error).message}`, { cause: e });
    }
    log(`${tool.name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!reportsVersion(binary, tool)) throw new Error(`${tool.name}: ${binary} does not report version ${tool.version}`);
    return binary;
}

/** Every pinned tool: found in a tools directory, else built into the first writable one. */
export function ensureObjectStoreTools(log: (line: string) => void = console.error): Record<string, string> {
    const candidates = toolsDirCandidates();
    const out: Record<string, string> = {};
    for (const tool of OBJECT_STORE_TOOLS) {
        const found = findTool(tool, candidates);
        if (found !== undefined) {
            out[tool.name] = found;
            continue;
        }
        const target = candidates.find(writable);
        if (target === undefined) throw new Error(`${tool.name}: none of ${candidates.join(", ")} is writable; set PLATFORM_TOOLS_DIR`);
        out[tool.name] = buildTool(target, tool, log);
    }
    return out;
}

if (require.main === module) {
    try {
        if (!process.argv.slice(2).includes("--build")) throw new Error("usage: object-store-test-tools.ts --build");
        for (const [name, binary] of Object.entries(ensureObjectStoreTools())) console.log(`${name}: ${binary}`);
    } catch (e) {
        console.error(e instanceof Error ? e.message : String(e));
        process.exitCode = 1;
    }
}
