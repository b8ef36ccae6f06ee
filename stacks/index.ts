/**
 * Deploys the selected cloud: its target module's checks, then its `ClusterTarget`, then the
 * cloud-neutral platform on top (./platform.ts). Each cloud's wiring is its
 * `components/<cloud>/target.ts`; the imports are dynamic so a gcp stack never loads @pulumi/aws,
 * @pulumi/eks or @pulumi/azure-native (start-up time, memory and plugins it does not need).
 */
import type { ClusterTarget, PlatformOutputs } from "../components/cluster/contract";
import { loadAppImageSource } from "../components/workloads/image-source";
import type { PlatformConfig } from "../config";
import { deployPlatform } from "./platform";

/** What every `components/<cloud>/target.ts` exports, and all that is called of it. */
export interface TargetModule<C extends PlatformConfig> {
    /**
     * Checks that need the world outside the config (the running cluster), run before anything is
     * registered; throws a `pulumi.RunError` to refuse the deployment (Pulumi prints its message
     * alone; any other error comes with a stack trace, as a bug would).
     */
    checks(config: C): Promise<void>;
    /** The cloud's cluster, registry and facts; `name` prefixes every resource it creates. */
    target(name: string, config: C): ClusterTarget;
}

/** The selected cloud's module, loaded now, with the config and resource-name prefix bound. */
interface SelectedTarget {
    checks(): Promise<void>;
    target(): ClusterTarget;
}

function select<C extends PlatformConfig>(module: TargetModule<C>, name: string, config: C): SelectedTarget {
    return { checks: () => module.checks(config), target: () => module.target(name, config) };
}

/**
 * Loads the selected cloud's target module. The second argument is the prefix of every resource
 * the target creates, as each cloud's stacks were first deployed with: URNs are made from it, so a
 * change would replace every cloud resource.
 */
async function load(config: PlatformConfig): Promise<SelectedTarget> {
    switch (config.cloud) {
        case "aws":
            return select(await import("../components/aws/target"), "aws", config);
        case "gcp":
            return select(await import("../components/gcp/target"), "gke", config);
        case "azure":
            return select(await import("../components/azure/target"), "platform", config);
        case "local":
            return select(await import("../components/local/target"), "local", config);
    }
}

export interface DeployOptions {
    /**
     * Run the target's checks first. Default true; the offline plan turns them off, since they ask
     * the real cluster.
     */
    checks?: boolean;
}

export async function deployStack(config: PlatformConfig, options: DeployOptions = {}): Promise<PlatformOutputs> {
    const selected = await load(config);
    if (options.checks ?? true) await selected.checks();
    const target = selected.target();
    return deployPlatform(target, config, await loadAppImageSource(config.workloads.appImage, target.registry));
}
