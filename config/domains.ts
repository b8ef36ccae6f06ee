/**
 * What config values may be: the clouds, the enumerations keys choose from, the charts the
 * platform installs and the shape of a chart source. ./keys.ts declares the keys over these, and
 * ./types.ts derives the validated configuration's shape from those declarations.
 */

export const CLOUDS = ["aws", "gcp", "azure", "local"] as const;
export type Cloud = (typeof CLOUDS)[number];
export const MANAGED_CLOUDS = ["aws", "gcp", "azure"] as const;
export type ManagedCloud = (typeof MANAGED_CLOUDS)[number];

export const STORAGE_TIERS = ["ssd", "premium"] as const;
/**
 * `ssd`: gp3 / pd-ssd / StandardSSD (ZRS on a zoned AKS cluster).
 * `premium`: the most durable disk each cloud offers for a database: io2 / regional pd-ssd / Premium_ZRS.
 */
export type StorageTier = (typeof STORAGE_TIERS)[number];

export const GKE_RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"] as const;
export const AKS_UPGRADE_CHANNELS = ["rapid", "stable", "patch", "node-image", "none"] as const;
export const AKS_NODE_OS_UPGRADE_CHANNELS = ["NodeImage", "SecurityPatch", "Unmanaged", "None"] as const;
export const ACME_SERVERS = ["production", "staging"] as const;
export const INGRESS_CONTROLLERS = ["nginx", "gateway", "both"] as const;
export type IngressControllerChoice = (typeof INGRESS_CONTROLLERS)[number];
export const NODE_MODES = ["managed", "auto"] as const;
export type NodeMode = (typeof NODE_MODES)[number];
export const OBSERVABILITY = ["native", "none"] as const;
export type Observability = (typeof OBSERVABILITY)[number];
export const PREFLIGHT_MODES = ["on", "warn", "off"] as const;
/** `on`: a failed account check fails the preview; `warn`: it is printed as a warning; `off`: no checks. */
export type PreflightMode = (typeof PREFLIGHT_MODES)[number];

/**
 * The Helm charts the platform installs, by the name `platform:chartSources` keys them with, and
 * the clouds that install each. Components key their chart source by these names (config imports
 * no component, so the list lives here). The Cluster Autoscaler runs only beside EKS managed node
 * groups: GKE and AKS scale their own node pools, and a local cluster has none.
 */
export const PLATFORM_CHARTS = {
    "ingress-nginx": CLOUDS,
    "cert-manager": CLOUDS,
    /** Envoy Gateway's controller chart (gateway-helm). */
    "envoy-gateway": CLOUDS,
    /** The Gateway API and Envoy Gateway CRDs (gateway-crds-helm), installed apart from the controller. */
    "envoy-gateway-crds": CLOUDS,
    "cluster-autoscaler": ["aws"],
} as const satisfies Record<string, readonly Cloud[]>;
export type PlatformChart = keyof typeof PLATFORM_CHARTS;
export const PLATFORM_CHART_NAMES = Object.keys(PLATFORM_CHARTS) as PlatformChart[];

/**
 * Where a chart comes from instead of its public repository. The chart's version stays the one the
 * platform pins; only the place changes.
 */
export type ChartSource =
    /** A Helm repository (`repositoryOpts.repo`); the chart keeps its name in it. */
    | { readonly kind: "repository"; readonly url: string }
    /** The chart's own OCI reference, without a tag (as `helm install oci://…` takes it). */
    | { readonly kind: "oci"; readonly chart: string }
    /**
     * An unpacked chart on disk, as given: absolute, or relative to the project directory (the
     * program's working directory under `pulumi`); resolve it before handing it to Helm.
     */
    | { readonly kind: "directory"; readonly path: string };
export type ChartSources = { readonly [chart in PlatformChart]?: ChartSource };
