/**
 * Loads only the selected cloud's stack. The imports are dynamic so a gcp stack never loads
 * @pulumi/aws, @pulumi/eks or @pulumi/azure-native (start-up time, memory and plugins it does not need).
 */
import type { PlatformOutputs } from "../components/cluster/contract";
import type { PlatformConfig } from "../config";

export async function deployStack(config: PlatformConfig): Promise<PlatformOutputs> {
    switch (config.cloud) {
        case "aws":
            return (await import("./aws")).deploy(config);
        case "gcp":
            return (await import("./gcp")).deploy(config);
        case "azure":
            return (await import("./azure")).deploy(config);
        case "local":
            return (await import("./local")).deploy(config);
    }
}
