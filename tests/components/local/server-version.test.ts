import * as assert from "node:assert/strict";
import {
    localVersionVerdict,
    parseServerVersion,
    readServerVersion,
    type ServerVersionReading,
    supportedRange,
} from "../../../components/local/server-version";
import type { CommandRunner } from "../../../components/workloads/app-image";
import { type LocalConfig, mapConfigSource, readConfig } from "../../../config";
import { checkServerVersion } from "../../../components/local/target";

/** `kubectl version -o json` as a 1.<minor> server prints it. */
function kubectlOutput(minor: string, gitVersion: string): string {
    return JSON.stringify({
        clientVersion: { major: "1", minor: "35", gitVersion: "v1.35.2" },
        kustomizeVersion: "v5.7.1",
        serverVersion: { major: "1", minor, gitVersion, platform: "linux/amd64" },
    });
}

const server = (minor: number): ServerVersionReading => ({ version: { major: 1, minor, gitVersion: `v1.${minor}.1` } });

describe("local cluster version check", () => {
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

    it("accepts a server inside ingress-nginx's range (1.31-1.35)", () => {
        for (const minor of [31, 35]) assert.deepEqual(localVersionVerdict(server(minor), "nginx"), {}, `1.${minor}`);
    });

    it("refuses a 1.36 server with nginx, naming the version, the range and the gateway way out", () => {
        const { error } = localVersionVerdict(server(36), "nginx");
        assert.ok(error);
        assert.match(error, /v1\.36\.1/);
        assert.match(error, /1\.31-1\.35/);
        assert.match(error, /platform:ingressController gateway/);
        assert.match(error, /docs\/kind-config\.yaml/);
    });

    it("accepts 1.36 with the gateway, and refuses 1.37 there without pointing at the gateway again", () => {
        assert.deepEqual(localVersionVerdict(server(36), "gateway"), {});
        const { error } = localVersionVerdict(server(37), "gateway");
        assert.ok(error);
        assert.match(error, /1\.33-1\.36/);
        assert.doesNotMatch(error, /ingressController gateway/);
        // Too old for the gateway, fine for nginx: the way out is a newer cluster, not nginx.
        assert.ok(localVersionVerdict(server(32), "gateway").error);
    });

    it("with both controllers, takes the range both support", () => {
        assert.equal(supportedRange("both"), "1.33-1.35");
        assert.ok(localVersionVerdict(server(36), "both").error);
        assert.ok(localVersionVerdict(server(32), "both").error);
        assert.deepEqual(localVersionVerdict(server(34), "both"), {});
    });

    it("warns with the supported range when the version cannot be read, and does not refuse", () => {
        const verdict = localVersionVerdict({ unreadable: "kubectl is not on PATH" }, "nginx");
        assert.equal(verdict.error, undefined);
        assert.match(verdict.warning ?? "", /kubectl is not on PATH/);
        assert.match(verdict.warning ?? "", /1\.31-1\.35/);
    });

    it("stops the local stack before any resource on an unsupported server, with the mocked version", () => {
        const config = readConfig(mapConfigSource({ "platform:cloud": "local", "platform:kubeContext": "kind-kind" })) as LocalConfig;
        assert.throws(() => checkServerVersion(config, () => server(36)), /Kubernetes v1\.36\.1.*1\.31-1\.35/);
        assert.doesNotThrow(() => checkServerVersion(config, () => server(35)));
        assert.doesNotThrow(() => checkServerVersion(config, () => ({ unreadable: "kubectl is not on PATH" })));
        const gateway = readConfig(
            mapConfigSource({ "platform:cloud": "local", "platform:kubeContext": "kind-kind", "platform:ingressController": "gateway" }),
        ) as LocalConfig;
        assert.doesNotThrow(() => checkServerVersion(gateway, () => server(36)));
    });
});
