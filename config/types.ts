/**
 * The validated configuration the stacks and components receive: grouped by concern, every field
 * defaulted. Each field comes from one key in ./keys.ts, where its default and validation live.
 */
import type * as pulumi from "@pulumi/pulumi";

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

export interface ClusterSettings {
    /** `MAJOR.MINOR` from the cloud's support calendar. Empty on `local` (the cluster exists already). */
    kubernetesVersion: string;
    /** Accept minors in paid extended / long-term support (EKS, AKS); GKE: releaseChannel EXTENDED. */
    extendedSupport: boolean;
    nodeMode: NodeMode;
    /** Instance type / machine type / VM size of the worker nodes (managed mode). */
    nodeSize: string;
    /** Autoscaling bounds, total nodes (managed mode). */
    minNodes: number;
    maxNodes: number;
    /** CIDRs that may reach the API endpoint; undefined leaves it open (and every preview warns). */
    apiAllowedCidrs?: string[];
    /** Principals given cluster-admin / read-only access besides the deployer, in the cloud's format. */
    clusterAdmins: string[];
    clusterReaders: string[];
    /** The cloud's own logs and metrics. Always `none` on local. */
    observability: Observability;
    /** Retention of the logs the platform creates (EKS control plane, Log Analytics). */
    logRetentionDays: number;
}

export interface ExistingVpc {
    vpcId: string;
    publicSubnetIds: string[];
    privateSubnetIds: string[];
}

export interface AwsSettings {
    region: string;
    /** Availability zones for a new VPC, 2-6. */
    availabilityZones: number;
    /** CIDR of a new VPC. */
    vpcCidr: string;
    /** Bring your own network instead of creating one. */
    existingVpc?: ExistingVpc;
}

export interface GcpSettings {
    project: string;
    region: string;
    releaseChannel: (typeof GKE_RELEASE_CHANNELS)[number];
    /** Also the Pulumi `protect` option on the cluster: destroy refuses before deleting anything. */
    deletionProtection: boolean;
}

export interface AzureSettings {
    location: string;
    upgradeChannel: (typeof AKS_UPGRADE_CHANNELS)[number];
    nodeOsUpgradeChannel: (typeof AKS_NODE_OS_UPGRADE_CHANNELS)[number];
    /** Availability zones of the node pools; empty for a region without zones (then LRS disks). */
    zones: string[];
}

export interface LocalSettings {
    /** kubeconfig context to deploy to: never the ambient current context. */
    kubeContext: string;
    /** Path to a kubeconfig file; undefined: the client's own lookup ($KUBECONFIG, ~/.kube/config). */
    kubeconfigPath?: string;
    /** Provisioner behind the platform's block StorageClasses. */
    storageProvisioner: string;
    /** A ReadWriteMany provisioner for `platform-shared`; undefined: no shared class. */
    sharedProvisioner?: string;
    /** Host the NodePorts are reached on (outputs only). */
    endpoint: string;
}

export interface TlsSettings {
    /** Public DNS name for host routing and certificates. Unset: path routing on the LB address only. */
    domain?: string;
    /** ACME account email; with `domain` it switches the issuer from self-signed to Let's Encrypt. */
    acmeEmail?: string;
    acmeServer: (typeof ACME_SERVERS)[number];
}

export interface IngressSettings {
    /** Which entry point runs: ingress-nginx, a Gateway API implementation, or both while migrating. */
    controller: IngressControllerChoice;
    /** Controller / data-plane replicas, >= 2 so a node drain never drops traffic. */
    replicas: number;
}

export interface StorageSettings {
    tier: StorageTier;
}

export interface WorkloadSettings {
    /** Visit-counter Deployment replicas (HPA minimum). */
    appReplicas: number;
    /** HPA maximum. */
    appMaxReplicas: number;
    /** postgres image tag. Its major decides the volume layout. */
    postgresVersion: string;
    postgresStorageSize: string;
    redisStorageSize: string;
    /** Pulumi refuses to delete or replace the stateful workloads and their secrets while true. */
    protectData: boolean;
    /** `app.kubernetes.io/name` values of the pods allowed to reach Postgres. */
    postgresClients: string[];
    /** Five-field cron (UTC) of the Postgres logical backup, or `none`. */
    postgresBackupSchedule: string;
    /** Backups kept, newest first. */
    postgresBackupKeep: number;
    /**
     * Size of the backups volume; undefined: made at `postgresStorageSize` and kept at the size it
     * was made with.
     */
    postgresBackupStorageSize?: string;
    /**
     * A prebuilt visit-counter image pinned by digest (`registry/repo[:tag]@sha256:…`); undefined:
     * build app/ and push it to the cluster's registry.
     */
    appImage?: string;
    /** Passwords the user brings, as secret Outputs (never plain text); undefined: generated. */
    postgresPassword?: pulumi.Output<string>;
    redisPassword?: pulumi.Output<string>;
}

export interface CommonConfig {
    cluster: ClusterSettings;
    ingress: IngressSettings;
    storage: StorageSettings;
    tls: TlsSettings;
    workloads: WorkloadSettings;
    /** Charts to install from somewhere other than their public repository; `{}` by default. */
    chartSources: ChartSources;
    /** Whether the read-only account checks run before anything is registered, and how they fail. */
    preflight: PreflightMode;
    /** Things a preview should say out loud (pulumi.log.warn): support ending soon, an open API endpoint. */
    warnings: string[];
}

export type AwsConfig = CommonConfig & { cloud: "aws"; aws: AwsSettings };
export type GcpConfig = CommonConfig & { cloud: "gcp"; gcp: GcpSettings };
export type AzureConfig = CommonConfig & { cloud: "azure"; azure: AzureSettings };
export type LocalConfig = CommonConfig & { cloud: "local"; local: LocalSettings };
export type PlatformConfig = AwsConfig | GcpConfig | AzureConfig | LocalConfig;
