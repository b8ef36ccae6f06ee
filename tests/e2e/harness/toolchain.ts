/**
 * The binaries scripts/e2e-toolchain.sh built, as its manifest (`<cache>/toolchain.json`) lists
 * them. The cache is outside the clone: `PLATFORM_E2E_CACHE`, default /var/cache/platform-e2e.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface ControlPlaneBinaries {
    /** `v1.36.3` */
    version: string;
    /** Directory with kube-apiserver, kube-controller-manager and kube-scheduler. */
    bin: string;
    etcd: string;
    etcdVersion: string;
}

export interface Toolchain {
    /** The Pulumi installation root (`bin/pulumi`), for the Automation API's PulumiCommand. */
    pulumiRoot: string;
    pulumiVersion: string;
    /** A PULUMI_HOME whose plugins/ holds the kubernetes provider under the SDK's version. */
    pluginHome: string;
    /** The provider actually built (the Go module's release). */
    providerVersion: string;
    /** The version @pulumi/kubernetes requests, under which that provider is installed. */
    sdkProviderVersion: string;
    kwok: string;
    kubectl: string;
    kubes: ControlPlaneBinaries[];
}

export const DEFAULT_CACHE = "/var/cache/platform-e2e";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
    return env.PLATFORM_E2E_CACHE || DEFAULT_CACHE;
}

const STRING_FIELDS = ["pulumiRoot", "pulumiVersion", "pluginHome", "providerVersion", "sdkProviderVersion", "kwok", "kubectl"] as const;

/** Parses and checks a manifest's text; throws naming the first missing field. */
export function parseToolchain(text: string, source: string): Toolchain {
    const doc = JSON.parse(text) as Record<string, unknown>;
    for (const field of STRING_FIELDS) {
        if (typeof doc[field] !== "string") throw new Error(`${source}: no "${field}" (rebuild with bash scripts/e2e-toolchain.sh)`);
    }
    if (!Array.isArray(doc.kubes) || doc.kubes.length === 0) throw new Error(`${source}: no control planes listed`);
    return doc as unknown as Toolchain;
}

export function readToolchain(env: NodeJS.ProcessEnv = process.env): Toolchain {
    const file = path.join(cacheDir(env), "toolchain.json");
    if (!fs.existsSync(file)) throw new Error(`${file} not found: run bash scripts/e2e-toolchain.sh (npm run test:e2e does)`);
    return parseToolchain(fs.readFileSync(file, "utf8"), file);
}

/** The control plane of `version` (`v1.36.3`, or a minor such as `1.36`). */
export function controlPlane(toolchain: Toolchain, version: string): ControlPlaneBinaries {
    const found = toolchain.kubes.find((k) => k.version === version || k.version.startsWith(`v${version}.`));
    if (!found) throw new Error(`no Kubernetes ${version} in the e2e toolchain (built: ${toolchain.kubes.map((k) => k.version).join(", ")})`);
    return found;
}
