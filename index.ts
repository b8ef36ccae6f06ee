/**
 * Entry point: read and validate the stack configuration (failing before any resource exists), say
 * what the preview should say out loud, then deploy the selected cloud's stack (its checks first)
 * and export its outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "./components/cluster/contract";
import { pulumiConfigSource, readConfig } from "./config";
import { deployStack } from "./stacks";

// Pulumi calls an exported function and exports what it resolves to.
export = async (): Promise<PlatformOutputs> => {
    const config = readConfig(pulumiConfigSource());
    for (const warning of config.warnings) void pulumi.log.warn(warning);
    return deployStack(config);
};
