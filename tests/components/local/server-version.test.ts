import * as assert from "node:assert/strict";
import { parseServerVersion, readServerVersion, supportedRange } from "../../../components/local/server-version";
import type { CommandRunner } from "../../../components/workloads/app-image";

/** `kubectl version -o json` as a 1.<minor> server prints it. */
function kubectlOutput(minor: string, gitVersion: string): string {
    return JSON.stringify({
        clientVersion: { major: "1", minor: "35", gitVersion: "v1.35.2" },
        kustomizeVersion: "v5.7.1",
        serverVersion: { major: "1", minor, gitVersion, platform: "linux/amd64" },
    });
}

describe("local cluster version: reading the server", () => {
    it("reads the server's version with kubectl against the stack's own context and kubeconfig", () => {
        const calls: { file: string; args: readonly string[] }[] = [];
        const run: CommandRunner = (file, args) => {
            calls.push({ file, args });
            return kubectlOutput("36", "v1.36.1");
        };
        const reading = readServerVersion({ kubeContext: "kind-dev", kubeconfigPath: "/tmp/kc" }, run);
        assert.deepEqual(reading, { version: { major: 1, minor: 36, gitVersion: "v1.36.1" } });
        assert.equal(calls[0].file, "kubectl");
        const args = calls[0].args.join(" ");
        assert.match(args, /--context kind-dev/);
        assert.match(args, /--kubeconfig \/tmp\/kc/);
        assert.match(args, /-o json/);
    });

    it("takes the leading digits of a minor such as `35+`", () => {
        assert.equal(parseServerVersion(kubectlOutput("35+", "v1.35.3-gke.100"))?.minor, 35);
        assert.equal(parseServerVersion('{"clientVersion":{}}'), undefined, "no server part: unreadable");
        assert.equal(parseServerVersion("not json"), undefined);
    });

    it("says kubectl is missing when it is not on PATH, and that the call failed otherwise", () => {
        const missing: CommandRunner = () => {
            throw Object.assign(new Error("spawn kubectl ENOENT"), { code: "ENOENT" });
        };
        assert.deepEqual(readServerVersion({ kubeContext: "kind-kind" }, missing), { unreadable: "kubectl is not on PATH" });
        const down: CommandRunner = () => {
            throw Object.assign(new Error("exit 1"), { status: 1, stdout: '{"clientVersion":{"major":"1","minor":"35"}}' });
        };
        assert.match(JSON.stringify(readServerVersion({ kubeContext: "kind-kind" }, down)), /failed/);
    });

    it("takes the range every controller of the setting supports", () => {
        assert.equal(supportedRange("nginx"), "1.31-1.35");
        assert.equal(supportedRange("both"), "1.33-1.35");
    });
});
