/**
 * `platform:appImage`: a prebuilt image pinned by digest runs instead of a build of app/, on every
 * target. Nothing of the build is registered (no docker.Image, no docker provider, no registry
 * login, no kind load, no read of the kind cluster's identity) and the Deployment runs the reference
 * as given. The build itself, with the key unset, is pinned by tests/stacks/stacks.test.ts.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../../components/cluster/contract";
import { loadAppImageSource } from "../../components/workloads/image-source";
import type { Cloud } from "../../config";
import { EXAMPLE_STACK_OF, runStack } from "../../scripts/plan-lib";
import { type ResourceSet, runProgram, valueOf } from "../harness/mocks";

const IMAGE = `registry.example.com/team/visit-counter@sha256:${"ab".repeat(32)}`;

/** Every container image of the visit-counter Deployment. */
function appContainerImages(resources: ResourceSet): unknown[] {
    const deployment = resources.ofType("kubernetes:apps/v1:Deployment").find((d) => d.name.startsWith("visit-counter"));
    assert.ok(deployment, "the visit-counter Deployment");
    const spec = deployment.inputs.spec as { template: { spec: { containers: { image?: unknown }[]; initContainers?: { image?: unknown }[] } } };
    return [...spec.template.spec.containers, ...(spec.template.spec.initContainers ?? [])].map((c) => c.image);
}

for (const cloud of ["local", "aws", "gcp", "azure"] as const satisfies readonly Cloud[]) {
    describe(`stack: ${cloud} with platform:appImage`, () => {
        let outputs: PlatformOutputs;
        let resources: ResourceSet;
        before(async () => {
            ({ outputs, resources } = await runStack(EXAMPLE_STACK_OF[cloud], { "platform:appImage": IMAGE }));
        });

        it("builds nothing: no docker.Image, no docker provider, no image component, no kind load", () => {
            const build = resources.all.filter((r) => r.type.startsWith("docker:") || r.type.startsWith("pulumi:providers:docker") || r.type.startsWith("command:") || r.type === "platform:index:AppImage");
            assert.deepEqual(build.map((r) => `${r.type} ${r.name}`), []);
        });

        it("reads nothing to deliver the image: the nodes pull it (no kube-system read for kind's load)", () => {
            assert.deepEqual(resources.all.filter((r) => r.read && r.name.endsWith("kube-system")).map((r) => r.name), []);
        });

        it("runs the reference as given and reports it as the appImage output", async () => {
            assert.ok(appContainerImages(resources).includes(IMAGE), String(appContainerImages(resources)));
            assert.equal(await valueOf(outputs.appImage), IMAGE);
        });
    });
}

describe("loadAppImageSource", () => {
    it("names a prebuilt image without loading the registry's delivery or logging in", async () => {
        let asked = 0;
        const registry = {
            repository: "example.com/app",
            credentials: { server: "example.com", login: () => (asked++, { username: "u", password: "p" }) },
            loadDelivery: () => (asked++, Promise.reject(new Error("the delivery is not loaded for a prebuilt image"))),
        };
        const { result } = await runProgram(async () => (await loadAppImageSource(IMAGE, registry))("app", {}));
        assert.equal(await valueOf(result), IMAGE);
        assert.equal(asked, 0);
    });

    it("builds when unset: the target's delivery is loaded and handed to the build", async () => {
        let loaded = 0;
        const registry = {
            repository: "platform/visit-counter",
            loadDelivery: () => (loaded++, Promise.resolve({ deliver: () => pulumi.output("delivered") })),
        };
        const { resources, result } = await runProgram(async () => (await loadAppImageSource(undefined, registry))("app", {}));
        assert.equal(loaded, 1);
        assert.equal(await valueOf(result), "delivered");
        assert.equal(resources.ofType("docker:index/image:Image").length, 1);
    });
});
