/**
 * Stack configuration: every key the platform reads, its type, its default and its validation.
 *
 * Reading is separated from deciding: `readConfig` takes any `ConfigSource` (Pulumi's config at run
 * time, a plain map in tests) and either returns a fully-defaulted `PlatformConfig` or throws one
 * `ConfigError` listing every problem at once, before a single resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { validateCronSchedule } from "./cron";

export const CLOUDS = ["aws", "gcp", "azure", "local"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** ingress-nginx 1.15.x (chart 4.15.1, the project's last release) supports Kubernetes 1.31-1.35. */
export const MIN_KUBERNETES_MINOR = 31;
export const MAX_KUBERNETES_MINOR = 35;
export const DEFAULT_KUBERNETES_VERSION = "1.35";

export const STORAGE_TIERS = ["ssd", "premium"] as const;
/**
 * `ssd`: gp3 / pd-ssd / StandardSSD_LRS (the `managed-csi` kind of disk).
 * `premium`: the most durable disk each cloud offers for a database: io2 / regional pd-ssd /
 * Premium_ZRS.
 */
export type StorageTier = (typeof STORAGE_TIERS)[number];

export const GKE_RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"] as const;
export const AKS_UPGRADE_CHANNELS = ["rapid", "stable", "patch", "node-image", "none"] as const;
export const AKS_NODE_OS_UPGRADE_CHANNELS = ["NodeImage", "SecurityPatch", "Unmanaged", "None"] as const;
export const ACME_SERVERS = ["production", "staging"] as const;

export interface ClusterSettings {
    /** `MAJOR.MINOR`, 1.31-1.35. Default 1.35. Ignored by `local` (the cluster already exists). */
    kubernetesVersion: string;
    /** Instance type / machine type / VM size of the worker nodes. Default per cloud. */
    nodeSize: string;
    /** Autoscaling lower bound (total nodes). Default 2. */
    minNodes: number;
    /** Autoscaling upper bound (total nodes). Default 5. */
    maxNodes: number;
}

export interface ExistingVpc {
    vpcId: string;
    publicSubnetIds: string[];
    privateSubnetIds: string[];
}

export interface AwsSettings {
    region: string;
    /** Availability zones for a new VPC, 2-6. Default 3. */
    availabilityZones: number;
    /** CIDR of a new VPC. Default 10.0.0.0/16. */
    vpcCidr: string;
    /** Bring your own network instead of creating one. */
    existingVpc?: ExistingVpc;
}

export interface GcpSettings {
    project: string;
    region: string;
    releaseChannel: (typeof GKE_RELEASE_CHANNELS)[number];
    /** Default true, as in the provider: `pulumi destroy` fails until it is set false and applied. */
    deletionProtection: boolean;
}

export interface AzureSettings {
    location: string;
    upgradeChannel: (typeof AKS_UPGRADE_CHANNELS)[number];
    nodeOsUpgradeChannel: (typeof AKS_NODE_OS_UPGRADE_CHANNELS)[number];
}

export interface LocalSettings {
    /** kubeconfig context to deploy to. Default `kind-kind`: never the ambient current context. */
    kubeContext: string;
    /** Path to a kubeconfig file. Default: the Kubernetes client's own lookup ($KUBECONFIG, ~/.kube/config). */
    kubeconfigPath?: string;
    /** Provisioner behind the platform's StorageClasses. Default `rancher.io/local-path` (kind). */
    storageProvisioner: string;
}

export interface TlsSettings {
    /** Public DNS name for host routing and certificates. Unset: path routing on the LB address only. */
    domain?: string;
    /** ACME account email; with `domain` it switches the issuer from self-signed to Let's Encrypt. */
    acmeEmail?: string;
    acmeServer: (typeof ACME_SERVERS)[number];
}

export interface IngressSettings {
    /** ingress-nginx controller replicas, >= 2 so a node drain never drops traffic. Default 2. */
    replicas: number;
}

export interface StorageSettings {
    tier: StorageTier;
}

export interface WorkloadSettings {
    /** Visit-counter Deployment replicas (HPA minimum). Default 2. */
    appReplicas: number;
    /** HPA maximum. Default 10. */
    appMaxReplicas: number;
    /** postgres image tag. Default 18.1. Its major decides the volume layout. */
    postgresVersion: string;
    postgresStorageSize: string;
    redisStorageSize: string;
    /**
     * Default true: Pulumi refuses to delete or replace the stateful workloads and their secrets.
     * Set false (and `pulumi up`) before a destroy that is meant to drop data.
     */
    protectData: boolean;
    /** `app.kubernetes.io/name` values of the pods allowed to reach Postgres. Default: none. */
    postgresClients: string[];
    /** Five-field cron (UTC) of the Postgres logical backup, or `none` (no backup CronJob). Default `0 3 * * *`. */
    postgresBackupSchedule: string;
    /** Backup sets kept on the backups volume, 1-365. Default 7. */
    postgresBackupKeep: number;
}

interface CommonConfig {
    cluster: ClusterSettings;
    ingress: IngressSettings;
    storage: StorageSettings;
    tls: TlsSettings;
    workloads: WorkloadSettings;
}

export type AwsConfig = CommonConfig & { cloud: "aws"; aws: AwsSettings };
export type GcpConfig = CommonConfig & { cloud: "gcp"; gcp: GcpSettings };
export type AzureConfig = CommonConfig & { cloud: "azure"; azure: AzureSettings };
export type LocalConfig = CommonConfig & { cloud: "local"; local: LocalSettings };
export type PlatformConfig = AwsConfig | GcpConfig | AzureConfig | LocalConfig;

/** Where raw values come from: `namespace` is the part before the colon (`platform`, `aws`, ...). */
export interface ConfigSource {
    get(namespace: string, key: string): string | undefined;
    /** Every `namespace:key` that is set, so misspelt keys are reported instead of ignored. */
    keys(): string[];
}

/** Pulumi's stack configuration as a `ConfigSource`. */
export function pulumiConfigSource(): ConfigSource {
    const bags = new Map<string, pulumi.Config>();
    return {
        get(namespace, key) {
            let bag = bags.get(namespace);
            if (!bag) {
                bag = new pulumi.Config(namespace);
                bags.set(namespace, bag);
            }
            return bag.get(key);
        },
        keys: () => Object.keys(pulumi.runtime.allConfig()),
    };
}

/** A plain `{"platform:cloud": "aws"}` map as a `ConfigSource` (tests, the offline plan). */
export function mapConfigSource(values: Record<string, string>): ConfigSource {
    return { get: (namespace, key) => values[`${namespace}:${key}`], keys: () => Object.keys(values) };
}

/** Thrown for invalid configuration; a RunError so Pulumi prints the message without a stack trace. */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(`Invalid stack configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

const DEFAULT_NODE_SIZE: Record<Exclude<Cloud, "local">, string> = {
    aws: "m6i.large",
    gcp: "e2-standard-4",
    azure: "Standard_D4s_v5",
};

/** A loose shape check per cloud, enough to catch a size meant for another cloud. */
const NODE_SIZE_PATTERN: Record<Exclude<Cloud, "local">, { re: RegExp; expected: string }> = {
    aws: { re: /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, expected: "an EC2 instance type such as m6i.large" },
    gcp: { re: /^[a-z][a-z0-9]*-[a-z0-9-]+$/, expected: "a Compute Engine machine type such as e2-standard-4" },
    azure: { re: /^Standard_[A-Za-z0-9_]+$/, expected: "an Azure VM size such as Standard_D4s_v5" },
};

const MANAGED: readonly Cloud[] = ["aws", "gcp", "azure"];
/** Keys that only mean something on some clouds; setting them elsewhere is a mistake, not a no-op. */
const KEY_CLOUDS: Record<string, readonly Cloud[]> = {
    kubernetesVersion: MANAGED,
    nodeSize: MANAGED,
    minNodes: MANAGED,
    maxNodes: MANAGED,
    availabilityZones: ["aws"],
    vpcCidr: ["aws"],
    vpcId: ["aws"],
    publicSubnetIds: ["aws"],
    privateSubnetIds: ["aws"],
    releaseChannel: ["gcp"],
    deletionProtection: ["gcp"],
    upgradeChannel: ["azure"],
    nodeOsUpgradeChannel: ["azure"],
    kubeContext: ["local"],
    kubeconfigPath: ["local"],
    localStorageProvisioner: ["local"],
};

/** GCE families that attach only Hyperdisk, never Persistent Disk (pd-ssd). */
const HYPERDISK_ONLY_GCE_FAMILIES = /^(c3|c3d|c4|c4a|c4d|n4|n4a|n4d|h3|x4|a4|a4x)-/;
/** Every `platform:` key this program reads. */
export const PLATFORM_KEYS = [
    "cloud",
    ...Object.keys(KEY_CLOUDS),
    "domain",
    "acmeEmail",
    "acmeServer",
    "ingressReplicas",
    "storageTier",
    "appReplicas",
    "appMaxReplicas",
    "postgresVersion",
    "postgresStorageSize",
    "redisStorageSize",
    "protectData",
    "postgresClients",
    "postgresBackupSchedule",
    "postgresBackupKeep",
] as const;

/** The known key closest to a misspelt one, if any is close (edits <= a quarter of its length). */
function closestKey(key: string): string | undefined {
    const distance = (a: string, b: string): number => {
        const row = Array.from({ length: b.length + 1 }, (_, j) => j);
        for (let i = 1; i <= a.length; i++) {
            let diagonal = row[0];
            row[0] = i;
            for (let j = 1; j <= b.length; j++) {
                const above = row[j];
                row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length];
    };
    let best: { key: string; d: number } | undefined;
    for (const known of PLATFORM_KEYS) {
        const d = distance(key, known);
        if (d <= Math.max(1, Math.floor(known.length / 4)) && (!best || d < best.d)) best = { key: known, d };
    }
    return best?.key;
}

const KUBERNETES_QUANTITY = /^[1-9][0-9]*(Mi|Gi|Ti)$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const EMAIL = /^[^@\s]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/**
 * Debian-based postgres tags only: the workload runs as the image's postgres uid 999, which the
 * Alpine images do not have (theirs is 70), so initdb would fail or own the data as a stranger.
 */
const POSTGRES_TAG = /^(1[4-9]|[2-9][0-9])(\.[0-9]+)?(-(bookworm|trixie))?$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Collects problems while reading, so one run reports all of them. */
class Reader {
    readonly problems: string[] = [];

    constructor(private readonly source: ConfigSource) {}

    raw(namespace: string, key: string): string | undefined {
        const value = this.source.get(namespace, key);
        return value === undefined || value.trim() === "" ? undefined : value.trim();
    }

    fail(key: string, message: string): undefined {
        this.problems.push(`${key}: ${message}`);
        return undefined;
    }

    required(namespace: string, key: string, how: string): string | undefined {
        const value = this.raw(namespace, key);
        if (value === undefined) {
            return this.fail(`${namespace}:${key}`, `is required ${how}. Set it with: pulumi config set ${namespace}:${key} <value>`);
        }
        return value;
    }

    oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
        const value = this.raw("platform", key);
        if (value === undefined) return fallback;
        if ((allowed as readonly string[]).includes(value)) return value as T;
        this.fail(`platform:${key}`, `"${value}" is not allowed; expected one of: ${allowed.join(", ")}`);
        return fallback;
    }

    integer(key: string, fallback: number, min: number, max: number): number {
        const value = this.raw("platform", key);
        if (value === undefined) return fallback;
        if (!/^-?[0-9]+$/.test(value)) {
            this.fail(`platform:${key}`, `"${value}" is not a whole number; expected an integer from ${min} to ${max}`);
            return fallback;
        }
        const n = Number(value);
        if (n < min || n > max) {
            this.fail(`platform:${key}`, `${n} is out of range; expected an integer from ${min} to ${max}`);
            return fallback;
        }
        return n;
    }

    boolean(key: string, fallback: boolean): boolean {
        const value = this.raw("platform", key);
        if (value === undefined) return fallback;
        if (value === "true") return true;
        if (value === "false") return false;
        this.fail(`platform:${key}`, `"${value}" is not a boolean; expected true or false`);
        return fallback;
    }

    matching(key: string, pattern: RegExp, expected: string, fallback: string): string {
        const value = this.raw("platform", key);
        if (value === undefined) return fallback;
        if (pattern.test(value)) return value;
        this.fail(`platform:${key}`, `"${value}" is not valid; expected ${expected}`);
        return fallback;
    }

    optionalMatching(key: string, pattern: RegExp, expected: string): string | undefined {
        const value = this.raw("platform", key);
        if (value === undefined || pattern.test(value)) return value;
        return this.fail(`platform:${key}`, `"${value}" is not valid; expected ${expected}`);
    }

    /** A list set with `pulumi config set --path 'platform:key[0]' v` (stored as JSON) or as JSON text. */
    stringList(key: string, itemPattern: RegExp, expected: string): string[] | undefined {
        const value = this.raw("platform", key);
        if (value === undefined) return undefined;
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((v) => typeof v === "string" && itemPattern.test(v))) {
            return this.fail(`platform:${key}`, `${value} is not valid; expected a non-empty JSON list of ${expected}`);
        }
        return parsed as string[];
    }
}

export function validateKubernetesVersion(version: string): string | undefined {
    const m = /^1\.([0-9]+)$/.exec(version);
    if (!m) return `"${version}" is not valid; expected MAJOR.MINOR such as ${DEFAULT_KUBERNETES_VERSION}`;
    const minor = Number(m[1]);
    if (minor > MAX_KUBERNETES_MINOR) {
        return `"${version}" is not supported: ingress-nginx 1.15 (chart 4.15.1, its last release) supports Kubernetes 1.${MIN_KUBERNETES_MINOR} to 1.${MAX_KUBERNETES_MINOR}; move ingress to a Gateway API implementation before going past 1.${MAX_KUBERNETES_MINOR}`;
    }
    if (minor < MIN_KUBERNETES_MINOR) {
        return `"${version}" is not supported: expected 1.${MIN_KUBERNETES_MINOR} to 1.${MAX_KUBERNETES_MINOR} (older minors are out of support on every managed service and unsupported by ingress-nginx 1.15)`;
    }
    return undefined;
}

/** A validated `KUBERNETES_QUANTITY` in GiB. */
function quantityGiB(quantity: string): number {
    const n = Number(quantity.slice(0, -2));
    return { Mi: n / 1024, Gi: n, Ti: n * 1024 }[quantity.slice(-2) as "Mi" | "Gi" | "Ti"];
}

function validCidr(value: string): boolean {
    const m = CIDR.exec(value);
    return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) >= 16 && Number(m[5]) <= 24;
}

/**
 * Reads and validates the whole configuration. Throws `ConfigError` naming every bad key, its value
 * and what is allowed.
 */
export function readConfig(source: ConfigSource): PlatformConfig {
    const r = new Reader(source);

    const cloudRaw = r.raw("platform", "cloud");
    if (cloudRaw === undefined) {
        throw new ConfigError([
            `platform:cloud: is required; expected one of: ${CLOUDS.join(", ")}. Set it with: pulumi config set platform:cloud <value>`,
        ]);
    }
    if (!(CLOUDS as readonly string[]).includes(cloudRaw)) {
        throw new ConfigError([`platform:cloud: "${cloudRaw}" is not allowed; expected one of: ${CLOUDS.join(", ")}`]);
    }
    const cloud = cloudRaw as Cloud;

    for (const full of source.keys()) {
        if (!full.startsWith("platform:")) continue;
        const key = full.slice("platform:".length);
        if ((PLATFORM_KEYS as readonly string[]).includes(key)) continue;
        const guess = closestKey(key);
        r.fail(full, `is not a setting of this program${guess ? `; did you mean platform:${guess}?` : "."} See README "Configuration reference" for every key.`);
    }

    for (const [key, clouds] of Object.entries(KEY_CLOUDS)) {
        if (!clouds.includes(cloud) && r.raw("platform", key) !== undefined) {
            r.fail(`platform:${key}`, `applies only when platform:cloud is ${clouds.join(" or ")} (this stack is ${cloud}); remove it with: pulumi config rm platform:${key}`);
        }
    }

    const kubernetesVersion = r.raw("platform", "kubernetesVersion") ?? DEFAULT_KUBERNETES_VERSION;
    const versionProblem = validateKubernetesVersion(kubernetesVersion);
    if (versionProblem && cloud !== "local") r.fail("platform:kubernetesVersion", versionProblem);

    let nodeSize = "";
    if (cloud !== "local") {
        const { re, expected } = NODE_SIZE_PATTERN[cloud];
        nodeSize = r.matching("nodeSize", re, expected, DEFAULT_NODE_SIZE[cloud]);
    }
    if (cloud === "aws" && /^a1\./.test(nodeSize)) {
        r.fail("platform:nodeSize", `"${nodeSize}" is a first-generation Graviton type, for which @pulumi/eks selects an x86_64 AMI, so its nodes would never join; expected a Graviton 2+ type such as m7g.large, or an x86 type such as m6i.large`);
    }
    if (cloud === "gcp" && HYPERDISK_ONLY_GCE_FAMILIES.test(nodeSize)) {
        r.fail("platform:nodeSize", `"${nodeSize}" takes only Hyperdisk volumes, so the platform's pd-ssd classes could not attach to it; expected a family that takes Persistent Disk, such as e2, n2, n2d or t2d`);
    }
    const minNodes = r.integer("minNodes", 2, 1, 100);
    const maxNodes = r.integer("maxNodes", Math.max(5, minNodes), 1, 100);
    if (maxNodes < minNodes) {
        r.fail("platform:maxNodes", `${maxNodes} is less than platform:minNodes (${minNodes}); expected maxNodes >= minNodes`);
    }

    const domain = r.optionalMatching("domain", DNS_NAME, "a lower-case DNS name such as app.example.com");
    const acmeEmail = r.optionalMatching("acmeEmail", EMAIL, "an email address such as ops@example.com");
    if (acmeEmail !== undefined && domain === undefined && r.raw("platform", "domain") === undefined) {
        r.fail("platform:acmeEmail", "is set but platform:domain is not; Let's Encrypt needs a public domain. Set it with: pulumi config set platform:domain <name>");
    }
    const acmeServer = r.oneOf("acmeServer", ACME_SERVERS, "production");

    const appReplicas = r.integer("appReplicas", 2, 1, 100);
    const appMaxReplicas = r.integer("appMaxReplicas", Math.max(10, appReplicas), 1, 500);
    if (appMaxReplicas < appReplicas) {
        r.fail("platform:appMaxReplicas", `${appMaxReplicas} is less than platform:appReplicas (${appReplicas}); expected appMaxReplicas >= appReplicas`);
    }

    const postgresBackupSchedule = (r.raw("platform", "postgresBackupSchedule") ?? "0 3 * * *").split(/\s+/).join(" ");
    const scheduleProblem = postgresBackupSchedule === "none" ? undefined : validateCronSchedule(postgresBackupSchedule);
    if (scheduleProblem) r.fail("platform:postgresBackupSchedule", `${scheduleProblem}, or none to turn the backup off`);

    const common: CommonConfig = {
        cluster: { kubernetesVersion, nodeSize, minNodes, maxNodes },
        ingress: { replicas: r.integer("ingressReplicas", 2, 2, 20) },
        storage: { tier: r.oneOf("storageTier", STORAGE_TIERS, "ssd") },
        tls: { domain, acmeEmail, acmeServer },
        workloads: {
            appReplicas,
            appMaxReplicas,
            postgresVersion: r.matching("postgresVersion", POSTGRES_TAG, "a Debian-based postgres image tag from 14 up, such as 18.1 or 17.7-bookworm (Alpine tags run as another uid)", "18.1"),
            postgresStorageSize: r.matching("postgresStorageSize", KUBERNETES_QUANTITY, "a size in Mi, Gi or Ti such as 20Gi", "20Gi"),
            redisStorageSize: r.matching("redisStorageSize", KUBERNETES_QUANTITY, "a size in Mi, Gi or Ti such as 5Gi", "5Gi"),
            protectData: r.boolean("protectData", true),
            postgresClients: r.stringList("postgresClients", /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "app names (the app.kubernetes.io/name label of the client pods)") ?? [],
            postgresBackupSchedule,
            postgresBackupKeep: r.integer("postgresBackupKeep", 7, 1, 365),
        },
    };

    let config: PlatformConfig;
    switch (cloud) {
        case "aws": {
            const region = r.required("aws", "region", "for platform:cloud aws") ?? "";
            const vpcId = r.optionalMatching("vpcId", /^vpc-[0-9a-f]{8,17}$/, "a VPC id such as vpc-0abc1234");
            const publicSubnetIds = r.stringList("publicSubnetIds", /^subnet-[0-9a-f]{8,17}$/, "subnet ids");
            const privateSubnetIds = r.stringList("privateSubnetIds", /^subnet-[0-9a-f]{8,17}$/, "subnet ids");
            const setRaw = ["vpcId", "publicSubnetIds", "privateSubnetIds"].filter((k) => r.raw("platform", k) !== undefined);
            if (setRaw.length > 0 && setRaw.length < 3) {
                r.fail("platform:vpcId", `an existing network needs all of platform:vpcId, platform:publicSubnetIds and platform:privateSubnetIds; only ${setRaw.join(", ")} set`);
            }
            if (privateSubnetIds && privateSubnetIds.length < 2) {
                r.fail("platform:privateSubnetIds", "EKS needs subnets in at least 2 availability zones; expected 2 or more private subnet ids");
            }
            const vpcCidr = r.raw("platform", "vpcCidr") ?? "10.0.0.0/16";
            const availabilityZones = r.integer("availabilityZones", 3, 2, 6);
            // One managed node group per zone (components/aws/cluster.ts), each able to hold a node.
            const zones = privateSubnetIds?.length ?? availabilityZones;
            if (maxNodes < zones && r.raw("platform", "maxNodes") === undefined) {
                common.cluster.maxNodes = zones; // the default adapts; only an explicit value is an error
            } else if (maxNodes < zones) {
                r.fail("platform:maxNodes", `${maxNodes} is less than the ${zones} availability zones; the nodes run in one group per zone and each needs room for a node; expected maxNodes >= ${zones}`);
            }
            if (!validCidr(vpcCidr)) {
                r.fail("platform:vpcCidr", `"${vpcCidr}" is not valid; expected an IPv4 CIDR from /16 to /24 such as 10.0.0.0/16`);
            } else {
                // Each zone gets a private half and a public quarter of its share (components/aws/cluster.ts).
                const publicMask = Number(vpcCidr.split("/")[1]) + Math.ceil(Math.log2(availabilityZones)) + 2;
                if (publicMask > 28) {
                    r.fail("platform:vpcCidr", `"${vpcCidr}" is too small for ${availabilityZones} availability zones (public subnets would be /${publicMask}; AWS allows /28 at most); expected a larger block such as 10.0.0.0/16`);
                }
            }
            config = {
                ...common,
                cloud,
                aws: {
                    region,
                    availabilityZones,
                    vpcCidr,
                    existingVpc: vpcId && publicSubnetIds && privateSubnetIds ? { vpcId, publicSubnetIds, privateSubnetIds } : undefined,
                },
            };
            break;
        }
        case "gcp":
            config = {
                ...common,
                cloud,
                gcp: {
                    project: r.required("gcp", "project", "for platform:cloud gcp") ?? "",
                    region: r.required("gcp", "region", "for platform:cloud gcp (the cluster is regional)") ?? "",
                    releaseChannel: r.oneOf("releaseChannel", GKE_RELEASE_CHANNELS, "REGULAR"),
                    deletionProtection: r.boolean("deletionProtection", true),
                },
            };
            if (common.storage.tier === "premium") {
                // Premium on GKE is regional pd-ssd, whose smallest disk is 10 GiB; the CSI driver does
                // not round up, so a smaller claim would stay Pending.
                for (const key of ["postgresStorageSize", "redisStorageSize"] as const) {
                    const size = common.workloads[key];
                    if (quantityGiB(size) < 10) {
                        r.fail(`platform:${key}`, `"${size}" is below the 10Gi minimum of a regional pd-ssd disk (platform:storageTier premium on gcp); expected 10Gi or more`);
                    }
                }
            }
            break;
        case "azure":
            config = {
                ...common,
                cloud,
                azure: {
                    location: r.required("azure-native", "location", "for platform:cloud azure") ?? "",
                    // `patch` keeps the configured minor: `stable`/`rapid` move the cluster to newer minors
                    // on their own, past 1.35, where no ingress-nginx release works.
                    upgradeChannel: r.oneOf("upgradeChannel", AKS_UPGRADE_CHANNELS, "patch"),
                    nodeOsUpgradeChannel: r.oneOf("nodeOsUpgradeChannel", AKS_NODE_OS_UPGRADE_CHANNELS, "NodeImage"),
                },
            };
            if (config.azure.upgradeChannel === "node-image" && config.azure.nodeOsUpgradeChannel !== "NodeImage") {
                // AKS ties the two: the node-image cluster channel forces the node OS channel to NodeImage.
                r.fail("platform:nodeOsUpgradeChannel", `"${config.azure.nodeOsUpgradeChannel}" cannot be combined with platform:upgradeChannel node-image, which upgrades node images itself; expected NodeImage, or another platform:upgradeChannel`);
            }
            break;
        case "local":
            config = {
                ...common,
                cloud,
                local: {
                    kubeContext: r.matching("kubeContext", /^[A-Za-z0-9@_.:/-]+$/, "a kubeconfig context name such as kind-kind, minikube or docker-desktop", "kind-kind"),
                    kubeconfigPath: r.raw("platform", "kubeconfigPath"),
                    storageProvisioner: r.matching(
                        "localStorageProvisioner",
                        /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9.-]*[a-z0-9])?)?$/,
                        "a provisioner name such as rancher.io/local-path (kind), k8s.io/minikube-hostpath (minikube) or docker.io/hostpath (Docker Desktop)",
                        "rancher.io/local-path",
                    ),
                },
            };
            break;
    }

    if (r.problems.length > 0) throw new ConfigError(r.problems);
    return config;
}
