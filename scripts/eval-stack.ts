/**
 * One measurement in a fresh process, for `npm run bench` and the lazy-loading test:
 *
 *   tsx scripts/eval-stack.ts load <cloud>      require only the SDKs the cloud's stack uses
 *   tsx scripts/eval-stack.ts evaluate <cloud> [key=value ...]
 *                                               evaluate the cloud's example stack under mocks, with
 *                                               the given config on top
 *
 * Prints one JSON line: wall time since process start, peak RSS, and the @pulumi packages loaded.
 */
import { performance } from "node:perf_hooks";
import { CLOUDS, type Cloud } from "../config";

/** What "loading the SDKs" means per cloud: exactly the module specifiers its stack imports. */
const COMMON_SDKS = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/docker", "@pulumi/random"];
export const STACK_SDKS: Record<Cloud, readonly string[]> = {
    // The kind image load (components/local/registry.ts).
    local: [...COMMON_SDKS, "@pulumi/command"],
    aws: [...COMMON_SDKS, "@pulumi/aws", "@pulumi/awsx", "@pulumi/eks"],
    gcp: [...COMMON_SDKS, "@pulumi/gcp"],
    azure: [
        ...COMMON_SDKS,
        "@pulumi/azure-native/resources",
        "@pulumi/azure-native/containerservice",
        "@pulumi/azure-native/containerregistry",
        "@pulumi/azure-native/authorization",
    ],
};

export interface Measurement {
    mode: "load" | "evaluate";
    cloud: Cloud;
    ms: number;
    maxRssMb: number;
    /** `@pulumi/<name>` packages present in the module cache at the end. */
    packages: string[];
    resources?: number;
}

function loadedPulumiPackages(): string[] {
    const names = new Set<string>();
    for (const file of Object.keys(require.cache)) {
        const m = /node_modules\/@pulumi\/([^/]+)\//.exec(file);
        if (m) names.add(m[1]);
    }
    return [...names].sort();
}

async function main(): Promise<void> {
    const [mode, cloudArg, ...settings] = process.argv.slice(2);
    if ((mode !== "load" && mode !== "evaluate") || !(CLOUDS as readonly string[]).includes(cloudArg)) {
        throw new Error(`usage: tsx scripts/eval-stack.ts load|evaluate ${CLOUDS.join("|")} [key=value ...]`);
    }
    const malformed = settings.filter((kv) => !/^[A-Za-z0-9_-]+:[^=]+=/.test(kv));
    if (mode === "load" ? settings.length > 0 : malformed.length > 0) {
        throw new Error(`expected namespace:key=value settings after "evaluate <cloud>", got: ${(mode === "load" ? settings : malformed).join(" ")}`);
    }
    const cloud = cloudArg as Cloud;
    let resources: number | undefined;
    if (mode === "load") {
        for (const specifier of STACK_SDKS[cloud]) await import(specifier);
    } else {
        const { EXAMPLE_STACK_OF, runStack } = await import("./plan-lib");
        const extra = Object.fromEntries(settings.map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
        resources = (await runStack(EXAMPLE_STACK_OF[cloud], extra)).resources.all.length;
    }
    const m: Measurement = {
        mode,
        cloud,
        ms: Math.round(performance.now()),
        maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
        packages: loadedPulumiPackages(),
        resources,
    };
    process.stdout.write(JSON.stringify(m) + "\n");
}

if (require.main === module) {
    main().then(
        () => process.exit(0),
        (e: unknown) => {
            // One line: the config and usage errors are the user's; a stack trace helps no one there.
            console.error(`eval-stack: ${e instanceof Error ? e.message.split("\n").join("; ") : String(e)}`);
            process.exit(1);
        },
    );
}
