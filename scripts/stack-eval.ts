/**
 * Evaluates an example stack (`Pulumi.<stack>.yaml`) under the test mocks: the shared core of the
 * stack tests, the benchmark and the lazy-loading check.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import type { PlatformOutputs } from "../components/cluster";
import { type Cloud, mapConfigSource, readConfig } from "../config";
import { deployStack } from "../stacks";
import { installCloudMocks } from "../tests/harness/cloud-mocks";
import { type ResourceSet, runProgram } from "../tests/harness/mocks";

export const ROOT = path.resolve(__dirname, "..");

/** The example stack file of each target. */
export const EXAMPLE_STACKS: Record<Cloud, string> = { local: "dev", aws: "aws", gcp: "gcp", azure: "azure" };

/** A stack file's `config:` as the strings `readConfig` takes (objects and lists as JSON). */
export function stackConfigValues(stack: string, extra: Record<string, string> = {}): Record<string, string> {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | undefined;
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc?.config ?? {})) {
        values[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { ...values, ...extra };
}

export async function evaluateExampleStack(cloud: Cloud, extra: Record<string, string> = {}): Promise<{ outputs: PlatformOutputs; resources: ResourceSet }> {
    installCloudMocks(cloud);
    const config = readConfig(mapConfigSource(stackConfigValues(EXAMPLE_STACKS[cloud], extra)));
    const { result, resources } = await runProgram(() => deployStack(config));
    return { outputs: result, resources };
}
