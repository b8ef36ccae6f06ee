/**
 * Deploys the selected cloud: its target module's preflight checks, then its `ClusterTarget`, then
 * the cloud-neutral platform on top (./platform.ts). Each cloud's wiring is its
 * `components/<cloud>/target.ts`; the imports are dynamic so a gcp stack never loads @pulumi/aws,
 * @pulumi/eks or @pulumi/azure-native (start-up time, memory and plugins it does not need).
 */
import type { ClusterTarget, PlatformOutputs } from "../components/cluster/contract";
import type { PlatformContractOutput } from "./platform-contract";
import { type PreflightCheck, runPreflight } from "../components/cluster/preflight";
import { loadAppImageSource } from "../components/workloads/image-source";
import type { PlatformConfig } from "../config";
import { deployPlatform } from "./platform";

/** What every `components/<cloud>/target.ts` exports, and all that is called of it. */
export interface TargetModule<C extends PlatformConfig> {
    /**
     * Read-only checks of the world outside the config (the account, the running cluster), run
     * before anything is registered (components/cluster/preflight.ts); a refusal is one
     * `pulumi.RunError`, which Pulumi prints without a stack trace.
     */
    preflight(config: C): PreflightCheck[];
    /** The cloud's cluster, registry and facts; `name` prefixes every resource it creates. */
    target(name: string, config: C): ClusterTarget;
}

/** The selected cloud's module, loaded now, with the config and resource-name prefix bound. */
interface SelectedTarget {
    preflight(): PreflightCheck[];
    target(): ClusterTarget;
}

function select<C extends PlatformConfig>(module: TargetModule<C>, name: string, config: C): SelectedTarget {
    return { preflight: () => module.preflight(config), target: () => module.target(name, config) };
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
     * Run only the preflight checks that read the cloud (which the mocks answer), none that reach
     * a cluster (kubectl). Default false; the offline plan sets it, since it asks no real cluster.
     */
    cloudOnly?: boolean;
}

export async function deployStack(config: PlatformConfig, options: DeployOptions = {}): Promise<PlatformOutputs<PlatformContractOutput>> {
    const selected = await load(config);
    await runPreflight(selected.preflight(), { mode: config.preflight, cloudOnly: options.cloudOnly ?? false });
    const target = selected.target();
    return deployPlatform(target, config, await loadAppImageSource(config.workloads.appImage, target.registry));
}
