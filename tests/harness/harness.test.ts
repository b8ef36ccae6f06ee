import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "./mocks";

/** A resource that takes another resource as an input, as eks.ManagedNodeGroup takes its cluster. */
class Thing extends pulumi.CustomResource {
    constructor(name: string, props: { owner: pulumi.Resource }) {
        super("test:index:Thing", name, props);
    }
}

describe("test harness", () => {
    it("fails the run when an error is thrown inside apply()", async () => {
        await assert.rejects(
            runProgram(() => {
                const provider = new k8s.Provider("p", { context: "kind-kind" });
                const name = pulumi.output("x").apply((): string => {
                    throw new Error("boom inside apply");
                });
                new k8s.core.v1.ConfigMap("cm", { metadata: { name } }, { provider });
            }),
            /reported errors under mocks/,
        );
    });

    it("records the options the mock API hides: provider, parent, protect, retainOnDelete", async () => {
        const { resources } = await runProgram(() => {
            const provider = new k8s.Provider("p", { context: "kind-kind" });
            const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
            new k8s.core.v1.ConfigMap("cm", { metadata: { name: "cm" } }, { provider, parent, protect: true, retainOnDelete: true });
        });
        const cm = resources.one("kubernetes:core/v1:ConfigMap");
        assert.match(cm.provider, /pulumi:providers:kubernetes::p::/);
        assert.match(cm.parent, /test:index:Parent::parent$/);
        assert.equal(cm.protect, true);
        assert.equal(cm.retainOnDelete, true);
        assert.match(cm.urn, /test:index:Parent\$kubernetes:core\/v1:ConfigMap::cm$/);
    });

    it("records which inputs were secret", async () => {
        const { resources } = await runProgram(() => {
            const provider = new k8s.Provider("p", { context: "kind-kind" });
            new k8s.core.v1.Secret("s", { metadata: { name: "s" }, stringData: pulumi.secret({ password: "hunter2" }) }, { provider });
        });
        const s = resources.one("kubernetes:core/v1:Secret");
        assert.deepEqual(s.secretInputs, ["stringData"]);
        assert.deepEqual(s.inputs.stringData, { password: "hunter2" });
    });

    it("records a resource passed as an input by its URN", async () => {
        const { resources } = await runProgram(() => {
            const provider = new k8s.Provider("p", { context: "kind-kind" });
            const ns = new k8s.core.v1.Namespace("ns", { metadata: { name: "ns" } }, { provider });
            new Thing("thing", { owner: ns });
        });
        const thing = resources.one("test:index:Thing");
        assert.deepEqual(thing.inputs.owner, { resource: resources.one("kubernetes:core/v1:Namespace").urn });
    });
});
