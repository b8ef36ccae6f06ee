/**
 * What the cloud-neutral layer needs to know about GKE, as plain values and pure functions.
 * No resources are created here, so tests call everything directly.
 */
import type { StorageTier } from "../../config";
import { blockStorageClasses, type LoadBalancerFacts, type StorageFacts } from "../cluster";

/** The GKE-managed Compute Engine Persistent Disk CSI driver. */
export const GCP_DISK_PROVISIONER = "pd.csi.storage.gke.io";

/** StorageClasses GKE creates on every Standard cluster; ours must never reuse these names. */
export const GKE_BUILT_IN_CLASSES = ["standard", "standard-rwo", "premium-rwo"] as const;

const FS_TYPE = { "csi.storage.k8s.io/fstype": "ext4" } as const;

/**
 * `ssd`: zonal pd-ssd. `premium`: regional pd-ssd, synchronously replicated to a second zone, so
 * the database survives a zone outage. Regional PD needs a class with `volumeBindingMode:
 * WaitForFirstConsumer` (GKE then puts the replicas in the Pod's zone plus one other); with
 * `Immediate` and no `allowedTopologies` provisioning picks zones blind to where the Pod can run.
 * Node sizes that take only Hyperdisk (C3, N4, ...) are rejected in config for this reason.
 */
export const GCP_DISK_PARAMETERS: Record<StorageTier, Record<string, string>> = {
    ssd: { type: "pd-ssd", ...FS_TYPE },
    premium: { type: "pd-ssd", "replication-type": "regional-pd", ...FS_TYPE },
};

export function gcpStorageFacts(tier: StorageTier): StorageFacts {
    return {
        // The PD CSI driver can expand zonal and regional disks.
        classes: blockStorageClasses({ provisioner: GCP_DISK_PROVISIONER, parameters: GCP_DISK_PARAMETERS[tier], allowVolumeExpansion: true }),
        builtInClasses: GKE_BUILT_IN_CLASSES,
        builtInDefaultClass: "standard-rwo",
        makeDefault: true,
    };
}

/**
 * Backend-service-based external passthrough NLB. Without the annotation GKE builds the older
 * target-pool-based NLB, which Google no longer recommends. `spec.loadBalancerClass:
 * networking.gke.io/l4-regional-external` (`LoadBalancerFacts.loadBalancerClass`) is the newer way
 * but needs GKE >= 1.33.1; the annotation works on every supported version.
 * Source: cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer.
 */
export const GCP_LOAD_BALANCER: LoadBalancerFacts = {
    serviceType: "LoadBalancer",
    annotations: { "cloud.google.com/l4-rbs": "enabled" },
};

/** Workload Identity pool of a project: `<project>.svc.id.goog`. */
export function workloadPool(project: string): string {
    return `${project}.svc.id.goog`;
}

/** The kubeconfig context name `gcloud container clusters get-credentials` would write. */
export function gkeContextName(project: string, location: string, clusterName: string): string {
    return `gke_${project}_${location}_${clusterName}`;
}

export interface GkeKubeconfigArgs {
    /** Context, cluster and user name in the file. */
    contextName: string;
    /** The cluster's `endpoint` (an IP address, without scheme). */
    endpoint: string;
    /** `masterAuth.clusterCaCertificate`: already base64 PEM. */
    clusterCaCertificate: string;
}

export const GKE_AUTH_PLUGIN = "gke-gcloud-auth-plugin";

/**
 * A kubeconfig that gets short-lived tokens from `gke-gcloud-auth-plugin` (GKE dropped the built-in
 * gcp auth provider in 1.26). It holds no credential itself, but it names the endpoint and CA and is
 * exported as a secret anyway. JSON is valid kubeconfig YAML and needs no YAML library at run time.
 */
export function gkeKubeconfig(args: GkeKubeconfigArgs): string {
    const name = args.contextName;
    return JSON.stringify(
        {
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name,
                    cluster: { server: `https://${args.endpoint}`, "certificate-authority-data": args.clusterCaCertificate },
                },
            ],
            contexts: [{ name, context: { cluster: name, user: name } }],
            "current-context": name,
            preferences: {},
            users: [
                {
                    name,
                    user: {
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: GKE_AUTH_PLUGIN,
                            provideClusterInfo: true,
                            interactiveMode: "Never",
                            installHint:
                                "Install gke-gcloud-auth-plugin for kubectl and Pulumi to reach GKE: " +
                                "gcloud components install gke-gcloud-auth-plugin (or apt-get install google-cloud-cli-gke-gcloud-auth-plugin). " +
                                "See https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
                        },
                    },
                },
            ],
        },
        null,
        2,
    );
}

/** Artifact Registry's Docker host for a region. */
export function registryHost(region: string): string {
    return `${region}-docker.pkg.dev`;
}

/** Full image repository (no tag): `<region>-docker.pkg.dev/<project>/<repo>/<image>`. */
export function registryImageRepository(region: string, project: string, repositoryId: string, image: string): string {
    return `${registryHost(region)}/${project}/${repositoryId}/${image}`;
}

/** Artifact Registry's fixed user name for OAuth access-token logins. */
export const REGISTRY_TOKEN_USERNAME = "oauth2accesstoken";

/** Arm GCE families (Tau T2A, Axion C4A/N4A): their nodes run linux/arm64 images only. */
const ARM_GCE_FAMILIES = /^(t2a|c4a|n4a)-/;

/** The image platform the node pool runs, from its machine type. */
export function gkeImagePlatform(machineType: string): string {
    return ARM_GCE_FAMILIES.test(machineType) ? "linux/arm64" : "linux/amd64";
}
