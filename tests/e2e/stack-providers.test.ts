/**
 * The e2e builds one provider plugin, kubernetes (the random, docker and command providers are not
 * served by the Go module proxy), and turns plugin downloads off, so a stack of the e2e that
 * registers any other provider's resource fails minutes into `npm run test:e2e`. Here, under the
 * mocks (part of `npm test`), it fails at once, naming the resources: the platform stack with the
 * e2e's own config on each target, and the example app stack as the e2e runs it.
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { mapConfigSource, readConfig } from "../../config";
import { runAppStack } from "../../scripts/plan-lib";
import { deployStack } from "../../stacks";
import { installCloudMocks } from "../harness/cloud-mocks";
import { type RecordedResource, runProgram } from "../harness/mocks";
import { appStackConfig } from "./app-stack";
import { e2eStackConfig, newPasswords, TARGETS } from "./platform-checks";

/** Packages the e2e's engine can serve: its one plugin, and the engine's own (stack, StackReference, components). */
const SERVED = new Set(["kubernetes", "pulumi", "platform"]);

/** The package whose plugin a resource needs: `random` for `random:index/randomPassword:RandomPassword` and `pulumi:providers:random`. */
export function packageOf(type: string): string {
    const parts = type.split(":");
    return parts[0] === "pulumi" && parts[1] === "providers" ? parts[2] : parts[0];
}

function unserved(resources: readonly RecordedResource[]): string[] {
    return resources.filter((r) => !SERVED.has(packageOf(r.type))).map((r) => `${r.type} ${r.name}`);
}

describe("e2e stacks need no provider the e2e does not build", function () {
    this.timeout(60_000);

    it("names a resource's package, provider resources included", () => {
        assert.equal(packageOf("random:index/randomPassword:RandomPassword"), "random");
        assert.equal(packageOf("pulumi:providers:command"), "command");
        assert.equal(packageOf("pulumi:pulumi:StackReference"), "pulumi");
        assert.equal(packageOf("kubernetes:apps/v1:Deployment"), "kubernetes");
    });

    for (const target of TARGETS) {
        it(`the platform stack with the e2e's config (${target.controller}): kubernetes only`, async () => {
            const config = e2eStackConfig(target, "/e2e/kubeconfig", newPasswords());
            const values = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v.value]));
            const secrets = Object.entries(config)
                .filter(([, v]) => v.secret === true)
                .map(([k]) => k);
            pulumi.runtime.setAllConfig(values, secrets);
            const platform = readConfig(mapConfigSource(values, { secrets }));
            installCloudMocks(platform.cloud);
            const { resources } = await runProgram(() => deployStack(platform, { cloudOnly: true }));
            assert.ok(resources.all.length > 30, `${resources.all.length} resources`);
            assert.deepEqual(unserved(resources.all), []);
        });
    }

    it("the example app stack with the e2e's config: kubernetes only", async () => {
        const extra = Object.fromEntries(Object.entries(appStackConfig("organization/platform/dev", "/e2e/kubeconfig")).map(([k, v]) => [k, v.value]));
        const { resources } = await runAppStack({ appExtra: extra });
        assert.ok(resources.all.some((r) => r.type === "kubernetes:apps/v1:Deployment"));
        assert.deepEqual(unserved(resources.all), []);
    });
});
