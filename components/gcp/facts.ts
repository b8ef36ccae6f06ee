/**
 * What the cloud-neutral layer needs to know about GKE, as plain values and pure functions.
 * No resources are created here, so tests call everything directly.
 */
import type * as pulumi from "@pulumi/pulumi";
import { isArmMachineType } from "../../facts/gcp/machines";
import type { StorageTier } from "../../config";
import {
    blockStorageClasses,
    CLUSTER_DNS_NAMESPACE,
    type DnsFacts,
    KUBE_DNS_PEER,
    type LoadBalancerFacts,
    type StaticAddress,
    type StorageClassFacts,
    type StorageFacts,
} from "../cluster/contract";

/** The GKE-managed Compute Engine Persistent Disk CSI driver. */
export const GCP_DISK_PROVISIONER = "pd.csi.storage.gke.io";

/** The address NodeLocal DNSCache listens on in every pod's resolv.conf (the add-on's link-local default). */
export const NODE_LOCAL_DNS_ADDRESS = "169.254.20.10";

/**
 * The resolver Cloud DNS for GKE puts in every pod's resolv.conf: the node's metadata server,
 * which serves the Cloud DNS data plane. Only port 53 is allowed to it (the rule's ports), never
 * the metadata API on port 80.
 */
export const CLOUD_DNS_RESOLVER_ADDRESS = "169.254.169.254";

/**
 * DNS on GKE. Pods ask one of three resolvers, depending on the cluster:
 * - kube-dns (Standard's default provider): the kube-dns pods in kube-system.
 * - NodeLocal DNSCache, on by default (always on Autopilot; on Standard from 1.34.1-gke.3720000,
 *   and the platform defaults to 1.35): a host-network cache on the pod's node at 169.254.20.10,
 *   which forwards cluster names to kube-dns.
 * - Cloud DNS for GKE (the DNS provider of new Autopilot clusters from 1.25.9, and of any cluster
 *   switched to it): kubelet writes 169.254.169.254, the node's metadata server, as the pod's
 *   nameserver; the kube-dns pods keep running but nobody asks them.
 * Neither link-local address is a pod, so only an ipBlock peer matches it, and Dataplane V2
 * drops what no rule allows: without the Cloud DNS address the app cannot resolve Redis and the
 * backup cannot resolve Postgres on Autopilot. Every peer is additive: on a cluster without that
 * resolver it matches nothing. Sources, checked 2026-12-07:
 * cloud.google.com/kubernetes-engine/docs/how-to/nodelocal-dns-cache and .../cloud-dns;
 * tektoncd/operator#4000 and #4001 (both link-local peers), gke-labs/kube-agents#162.
 */
export const GKE_DNS: DnsFacts = {
    peers: [
        KUBE_DNS_PEER,
        {
            namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": CLUSTER_DNS_NAMESPACE } },
            podSelector: { matchLabels: { "k8s-app": "node-local-dns" } },
        },
        { ipBlock: { cidr: `${NODE_LOCAL_DNS_ADDRESS}/32` } },
        { ipBlock: { cidr: `${CLOUD_DNS_RESOLVER_ADDRESS}/32` } },
    ],
};

/** The GKE-managed Filestore CSI driver (add-on `gcpFilestoreCsiDriverConfig`). */
export const GCP_FILESTORE_PROVISIONER = "filestore.csi.storage.gke.io";

/**
 * StorageClasses GKE creates on a Standard cluster; ours must never reuse these names. The `*-rwx`
 * ones appear once the Filestore CSI add-on is on (GKE "Access Filestore instances with the
 * Filestore CSI driver", checked 2026-12-01).
 */
export const GKE_BUILT_IN_CLASSES = [
    "standard",
    "standard-rwo",
    "premium-rwo",
    "standard-rwx",
    "premium-rwx",
    "enterprise-rwx",
    "enterprise-multishare-rwx",
    "zonal-rwx",
    "regional-rwx",
] as const;

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

/**
 * Filestore tier of `platform-shared`, and the smallest claim it takes (a claim is one instance).
 * Minimums from cloud.google.com/filestore/docs/service-tiers, checked 2026-12-01: BASIC_HDD 1 TiB,
 * but 100 GiB when provisioned through the GKE CSI driver on GKE 1.33+ (it still counts 1 TiB of
 * quota); BASIC_SSD 2.5 TiB; ZONAL, REGIONAL and ENTERPRISE 1 TiB.
 * - `ssd`: `standard` (BASIC_HDD): the only tier whose smallest claim (100Gi, a few dollars a month
 *   per 100Gi) suits upload directories and shared artifacts; one zone, grows but never shrinks.
 * - `premium`: `regional` (REGIONAL, 1Ti minimum): survives a zone outage, as premium disks do.
 */
export const GCP_FILESTORE_TIER: Record<StorageTier, { tier: string; minimumGi: number }> = {
    ssd: { tier: "standard", minimumGi: 100 },
    premium: { tier: "regional", minimumGi: 1024 },
};

/**
 * `platform-shared`: a Filestore instance per claim on the cluster's VPC (`network` is the VPC's
 * name; the driver peers the instance into it). Reclaim Delete, as `platform-standard`: shared
 * scratch and artifacts; data that must outlive its claim belongs on `platform-retain`. Expansion
 * on (every tier grows). `WaitForFirstConsumer`: a zonal (BASIC) instance is made in the zone of
 * the first pod; NFS then serves pods in every zone of the region.
 */
export function gcpSharedClass(tier: StorageTier, network: pulumi.Input<string>): StorageClassFacts {
    return {
        provisioner: GCP_FILESTORE_PROVISIONER,
        parameters: { tier: GCP_FILESTORE_TIER[tier].tier, network },
        reclaimPolicy: "Delete",
        allowVolumeExpansion: true,
        volumeBindingMode: "WaitForFirstConsumer",
        accessModes: ["ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"],
    };
}

/**
 * PD CSI snapshots (the driver ships snapshot support on GKE; snapshot CRDs and controller are
 * managed by GKE). `storage-locations` is left to the driver: the snapshot goes to the
 * multi-region nearest the disk.
 */
export const GCP_SNAPSHOTS = { driver: GCP_DISK_PROVISIONER, parameters: {} } as const;

/**
 * The platform's classes on GKE. `network` (the cluster VPC's name) turns on `platform-shared`;
 * without it (a cluster whose Filestore add-on is off) the target offers no shared class.
 */
export function gcpStorageFacts(tier: StorageTier, network?: pulumi.Input<string>): StorageFacts {
    const block = blockStorageClasses({ provisioner: GCP_DISK_PROVISIONER, parameters: GCP_DISK_PARAMETERS[tier], allowVolumeExpansion: true });
    return {
        // The PD CSI driver can expand zonal and regional disks.
        classes: { ...block, shared: network === undefined ? undefined : gcpSharedClass(tier, network) },
        builtInClasses: GKE_BUILT_IN_CLASSES,
        builtInDefaultClass: "standard-rwo",
        makeDefault: true,
        snapshots: { driver: GCP_SNAPSHOTS.driver, parameters: { ...GCP_SNAPSHOTS.parameters } },
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

/**
 * The NLB on a regional address the stack reserved: GKE takes a reserved regional external IP for
 * an external passthrough NLB through `spec.loadBalancerIP` (GKE "LoadBalancer Service
 * parameters", checked 2026-12-01; the `networking.gke.io/load-balancer-ip-addresses` annotation,
 * GKE 1.29+, takes address names and is meant for dual-stack). The Service's deletion then
 * releases the forwarding rule, never the address.
 */
export function gcpLoadBalancer(address?: StaticAddress): LoadBalancerFacts {
    if (address === undefined) return { ...GCP_LOAD_BALANCER };
    // The reserved address is Premium tier; a Service otherwise follows the project's default
    // tier, and a Standard-tier project would then refuse the Premium address.
    return { ...GCP_LOAD_BALANCER, annotations: { ...GCP_LOAD_BALANCER.annotations, [GKE_NETWORK_TIER_ANNOTATION]: "Premium" }, address };
}

/** GKE's Service annotation for the network tier of an external LoadBalancer's forwarding rule. */
export const GKE_NETWORK_TIER_ANNOTATION = "cloud.google.com/network-tier";

/**
 * The OAuth scope nodes run with: access is decided by the node service account's IAM roles, as
 * Google recommends; narrower scopes would only add a second, coarser filter.
 */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

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
export const GKE_AUTH_PLUGIN_ARGS = ["--use_application_default_credentials"] as const;

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
                            // Application Default Credentials: a CI job with only ADC / workload
                            // identity federation (no gcloud login) can reach the cluster. Without
                            // the flag the plugin shells out to `gcloud config config-helper`.
                            args: [...GKE_AUTH_PLUGIN_ARGS],
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

/** The image platform the node pool runs, from its machine type. */
export function gkeImagePlatform(machineType: string): string {
    return isArmMachineType(machineType) ? "linux/arm64" : "linux/amd64";
}

/**
 * GKE Standard taints Arm nodes `kubernetes.io/arch=arm64:NoSchedule` and adds the toleration only
 * to pods that select arm64, so the platform's pods would stay Pending. Every image the platform
 * runs is multi-arch (ingress-nginx, cert-manager, Envoy Gateway, redis, postgres) and the app is
 * built for the pool's platform, so Arm pools turn the taint off (`NONE`). GA 2026-07-28; needs a
 * control plane on 1.35.0-gke.2141000 or later (config refuses Arm below 1.35). GKE updates the
 * taint in place, without recreating nodes (GKE release notes 2026-07-28, checked 2026-12-01).
 * Undefined on x86 pools: nothing to turn off, and the field stays out of their plan.
 */
export function gkeNodeTaintConfig(machineType: string): { architectureTaintBehavior: "NONE" } | undefined {
    return isArmMachineType(machineType) ? { architectureTaintBehavior: "NONE" } : undefined;
}

/** Console links for the cluster's logs and metrics (`target.observability`). */
export function gkeObservabilityLinks(project: string, location: string, clusterName: string): Record<string, string> {
    const filter = encodeURIComponent(
        `resource.type="k8s_container" OR resource.type="k8s_cluster" OR resource.type="k8s_node"\nresource.labels.cluster_name="${clusterName}"\nresource.labels.location="${location}"`,
    );
    return {
        logs: `https://console.cloud.google.com/logs/query;query=${filter}?project=${project}`,
        metrics: `https://console.cloud.google.com/monitoring/prometheus?project=${project}`,
        cluster: `https://console.cloud.google.com/kubernetes/clusters/details/${location}/${clusterName}/observability?project=${project}`,
    };
}
