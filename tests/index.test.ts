/**
 * The entry point as Pulumi runs it: `require("index.ts")` gives a function whose result is the
 * stack's outputs, reading Pulumi's own config (not a test map).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../components/cluster/contract";
import { ConfigError } from "../config";
import { installCloudMocks } from "./harness/cloud-mocks";
import { registeredSoFar, runProgram, valueOf } from "./harness/mocks";
import { projectDefaults } from "./harness/project-files";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- exactly how Pulumi loads a CommonJS program
const program = require("../index") as () => Promise<PlatformOutputs>;

describe("index.ts", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));

    it("exports one function, which Pulumi calls for the stack outputs", () => {
        assert.equal(typeof program, "function");
    });

    it("reads the stack config and deploys the selected cloud", async () => {
        // As the CLI runs it: the project defaults of Pulumi.yaml under the stack's own values.
        pulumi.runtime.setAllConfig({ ...projectDefaults(), "platform:cloud": "local", "platform:kubeContext": "minikube" });
        installCloudMocks("local");
        const { result, resources } = await runProgram(program);
        assert.equal(result.cloud, "local");
        assert.equal(await valueOf(result.ingressEndpoint), "localhost:30080");
        assert.equal(resources.one("pulumi:providers:kubernetes").inputs.context, "minikube");
    });

    it("fails on bad config before any resource is registered, naming every problem", async () => {
        pulumi.runtime.setAllConfig({ ...projectDefaults(), "platform:cloud": "aws", "platform:minNodes": "0" });
        await assert.rejects(runProgram(program), (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.deepEqual(e.problems, [
                "platform:minNodes: 0 is out of range; expected an integer from 1 to 100",
                "aws:region: is required for platform:cloud aws. Set it with: pulumi config set aws:region <value>",
            ]);
            return true;
        });
        assert.deepEqual(registeredSoFar(), []);
    });
});
