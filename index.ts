/**
 * Entry point: read and validate the stack configuration (failing before any resource exists),
 * then deploy the selected cloud's stack and export its outputs.
 */
import type { PlatformOutputs } from "./components/cluster";
import { pulumiConfigSource, readConfig } from "./config";
import { deployStack } from "./stacks";

// Pulumi calls an exported function and exports what it resolves to.
export = async (): Promise<PlatformOutputs> => deployStack(readConfig(pulumiConfigSource()));
