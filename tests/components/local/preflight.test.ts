import * as assert from "node:assert/strict";
import { collectFindings, runPreflight } from "../../../components/cluster/preflight";
import { localPreflight, serverVersionFindings } from "../../../components/local/preflight";
import type { ServerVersionReading } from "../../../components/local/server-version";
import type { LocalConfig } from "../../../config";
import { LOCAL, read } from "../../config/fixtures";

function localConfig(values: Record<string, string> = {}): LocalConfig {
    const c = read({ ...LOCAL, ...values });
    if (c.cloud !== "local") throw new Error("expected a local config");
    return c;
}

const server = (minor: number): ServerVersionReading => ({ version: { major: 1, minor, gitVersion: `v1.${minor}.1` } });

describe("local preflight: the server's Kubernetes version", () => {
    it("refuses a 1.36 server for ingress-nginx, pointing at the gateway, which supports it", () => {
        const [f] = serverVersionFindings(server(36), "nginx", "kind-dev");
        assert.equal(f.severity, "error");
        assert.match(f.what, /context kind-dev\) runs Kubernetes v1.36.1, outside the range ingress-nginx supports \(1.31-1.35\)/);
        assert.match(f.fix, /^pulumi config set platform:ingressController gateway/);
    });

    it("refuses a server no controller supports, pointing at the pinned node image", () => {
        const [f] = serverVersionFindings(server(29), "both", "kind-dev");
        assert.match(f.fix, /^recreate the cluster .* kind create cluster --config docs\/kind-config.yaml$/);
    });

    it("passes a server inside the range, at both its ends", () => {
        for (const minor of [31, 35]) assert.deepEqual(serverVersionFindings(server(minor), "nginx", "kind-dev"), [], `1.${minor}`);
        assert.deepEqual(serverVersionFindings(server(36), "gateway", "kind-dev"), []);
        assert.deepEqual(serverVersionFindings(server(34), "both", "kind-dev"), []);
    });

    it("refuses 1.37 and 1.32 with the gateway without pointing at the gateway again", () => {
        for (const minor of [37, 32]) {
            const [f] = serverVersionFindings(server(minor), "gateway", "kind-dev");
            assert.match(f.what, /\(1\.33-1\.36\)/);
            assert.doesNotMatch(f.fix, /ingressController gateway/);
        }
    });

    it("with both controllers, refuses what either does not support", () => {
        assert.equal(serverVersionFindings(server(36), "both", "kind-dev").length, 1);
        assert.equal(serverVersionFindings(server(32), "both", "kind-dev").length, 1);
    });

    it("warns with the supported range, and does not refuse, when the version cannot be read", () => {
        const [f] = serverVersionFindings({ unreadable: "kubectl is not on PATH" }, "nginx", "kind-dev");
        assert.equal(f.severity, "warning");
        assert.match(f.what, /kubectl is not on PATH/);
        assert.match(f.why, /1\.31-1\.35/);
        assert.match(f.fix, /kubectl version --context kind-dev/);
    });

    it("is a check that reaches the cluster, so the offline plan skips it, and runs against the stack's own context otherwise", async () => {
        const asked: string[] = [];
        const checks = localPreflight(localConfig({ "platform:kubeContext": "kind-platform" }), (s) => {
            asked.push(s.kubeContext);
            return server(36);
        });
        assert.deepEqual(checks.map((c) => c.reads), ["cluster"]);
        await runPreflight(checks, { mode: "on", deploying: false, cloudOnly: true, warn: () => undefined });
        assert.deepEqual(asked, []);
        const findings = await collectFindings(checks);
        assert.deepEqual(asked, ["kind-platform"]);
        assert.equal(findings[0].check, "local-server-version");
    });
});
