import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

interface KindNode {
    role: string;
    image?: string;
    extraPortMappings?: { containerPort: number; hostPort: number; listenAddress?: string }[];
}

describe("docs/kind-config.yaml", () => {
    const config = parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "docs", "kind-config.yaml"), "utf8")) as { nodes: KindNode[] };

    it("pins every node's image by digest to a Kubernetes minor ingress-nginx supports (1.35)", () => {
        for (const node of config.nodes) {
            assert.match(node.image ?? "", /^kindest\/node:v1\.35\.\d+@sha256:[0-9a-f]{64}$/, node.role);
        }
    });

    it("binds the node ports to 127.0.0.1 only, not the whole LAN", () => {
        const mappings = config.nodes.flatMap((n) => n.extraPortMappings ?? []);
        assert.deepEqual(mappings.map((m) => m.hostPort).sort(), [30080, 30443]);
        for (const m of mappings) assert.equal(m.listenAddress, "127.0.0.1", String(m.hostPort));
    });
});
