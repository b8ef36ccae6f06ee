/**
 * The app stack's entry point: read its config, read the platform stack's `platformContract`
 * through a StackReference, and deploy the app (./app-stack.ts). Run from this directory:
 * `pulumi up` (docs/add-your-service.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_STACK_PROJECT, type AppStackOutputs, contractFrom, deployAppStack, readAppStackConfig } from "./app-stack";

// Pulumi calls an exported function and exports what it resolves to.
export = async (): Promise<AppStackOutputs> => {
    const settings = new pulumi.Config(APP_STACK_PROJECT);
    const config = readAppStackConfig((key) => settings.get(key));
    const platform = new pulumi.StackReference(config.platformStack);
    // The details, not an Output: the version is checked before anything is registered, and only
    // the kubeconfig stays secret (the contract output is secret as a whole on the clouds).
    const details = await platform.getOutputDetails("platformContract");
    return deployAppStack(config, contractFrom(config.platformStack, details.value ?? details.secretValue));
};
