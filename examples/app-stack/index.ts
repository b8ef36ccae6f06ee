/**
 * The app stack's entry point: its config (namespace `app-stack`) handed to ./app-stack.ts, which
 * reads the platform stack's `platformContract` and deploys the app. Run from this directory:
 * `pulumi up` (docs/add-your-service.md).
 */
import * as pulumi from "@pulumi/pulumi";
import { APP_STACK_PROJECT, type AppStackOutputs, appStack } from "./app-stack";

const settings = new pulumi.Config(APP_STACK_PROJECT);

// Pulumi calls an exported function and exports what it resolves to.
export = (): Promise<AppStackOutputs> => appStack((key) => settings.get(key));
