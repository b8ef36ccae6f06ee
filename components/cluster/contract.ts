/**
 * The one interface between a cluster (EKS, GKE, AKS or a local one) and everything that runs on it.
 *
 * The cloud-neutral layer (ingress, storage, TLS, workloads) reads only this: it never asks which
 * cloud it is on. Each cloud builds it in `components/<cloud>/target.ts`, from its facts (`facts.ts`)
 * and components beside it. This module imports no cloud SDK, so it is safe to load from any stack.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../../config";

/** PVC access modes a StorageClass's volumes can be claimed with. */
export type AccessMode = "ReadWriteOnce" | "ReadWriteOncePod" | "ReadOnlyMany" | "ReadWriteMany";

/** One platform StorageClass, as the cluster can provide it. */
export interface StorageClassFacts {
    /** CSI (or local) provisioner, e.g. `ebs.csi.aws.com`. */
    provisioner: string;
    /**
     * StorageClass `parameters` (immutable once the class exists). Values may be outputs: a file
     * system id or a resource group the stack creates.
     */
    parameters: Readonly<Record<string, pulumi.Input<string>>>;
    reclaimPolicy: "Delete" | "Retain";
    /** True only where the provisioner can grow a volume: the class promises what a PVC edit gets. */
    allowVolumeExpansion: boolean;
    /**
     * `WaitForFirstConsumer` for zonal disks (made in the zone the pod lands in); `Immediate` only
     * for storage reachable from every zone.
     */
    volumeBindingMode: "WaitForFirstConsumer" | "Immediate";
    /** The access modes a claim on this class may ask for. */
    accessModes: readonly AccessMode[];
}

/**
 * The platform's classes by role. `general` (reclaim Delete) and `retain` (reclaim Retain) are on
 * every target because Redis and Postgres claim them; `shared` (ReadWriteMany) is undefined where
 * the target does not offer it, and the stack output then says `none`.
 */
export interface StorageClassTable {
    general: StorageClassFacts;
    retain: StorageClassFacts;
    shared: StorageClassFacts | undefined;
}

export type StorageRole = keyof StorageClassTable;

/** Every role, in the order classes are registered and outputs are listed. */
export const STORAGE_ROLES = ["general", "retain", "shared"] as const satisfies readonly StorageRole[];

/** A VolumeSnapshotClass for the block classes. */
export interface SnapshotFacts {
    /** CSI driver that takes the snapshots, e.g. `ebs.csi.aws.com`. */
    driver: string;
    parameters: Readonly<Record<string, pulumi.Input<string>>>;
}

/** How the cluster provisions volumes for the platform's StorageClasses. */
export interface StorageFacts {
    classes: StorageClassTable;
    /** Classes the cluster ships; the platform's class names must never collide with these. */
    builtInClasses: readonly string[];
    /**
     * The built-in class that is the cluster default on a fresh cluster, which the platform
     * un-defaults in favour of its own; undefined where there is none (EKS >= 1.30).
     */
    builtInDefaultClass?: string;
    /**
     * Whether the platform's general class becomes the cluster default. False on local clusters,
     * which we do not own and whose own default the user relies on.
     */
    makeDefault: boolean;
    /** Snapshot support for the block classes; undefined where the platform offers none. */
    snapshots?: SnapshotFacts;
}

/** Access modes of a block (disk) volume: one node at a time. */
export const BLOCK_ACCESS_MODES: readonly AccessMode[] = ["ReadWriteOnce", "ReadWriteOncePod"];

/**
 * The general and retain classes of one block provisioner: identical but for the reclaim policy.
 * No shared class (a disk cannot be mounted read-write on several nodes).
 */
export function blockStorageClasses(disk: {
    provisioner: string;
    parameters: Readonly<Record<string, pulumi.Input<string>>>;
    allowVolumeExpansion: boolean;
}): StorageClassTable {
    const base = {
        provisioner: disk.provisioner,
        allowVolumeExpansion: disk.allowVolumeExpansion,
        // Binding waits for the pod's node, so zonal disks are made in the zone the pod runs in.
        volumeBindingMode: "WaitForFirstConsumer" as const,
        accessModes: BLOCK_ACCESS_MODES,
    };
    return {
        general: { ...base, parameters: { ...disk.parameters }, reclaimPolicy: "Delete" },
        retain: { ...base, parameters: { ...disk.parameters }, reclaimPolicy: "Retain" },
        shared: undefined,
    };
}

/** An address the stack owns for the entry point's load balancer, kept across a Service re-creation. */
export interface StaticAddress {
    /** `spec.loadBalancerIP` where the cloud takes the address that way (GCP, Azure); else undefined. */
    loadBalancerIP?: pulumi.Input<string>;
    /** The IP addresses clients reach: the stack output `ingressAddress`. */
    addresses: pulumi.Input<string[]>;
    /**
     * Service annotations that claim the address (AWS EIP allocations, Azure's public IP name).
     * Kept apart from `LoadBalancerFacts.annotations` because only one Service may hold an address:
     * while two entry points run side by side, the second gets the facts without `address`, so
     * without these annotations too.
     */
    annotations?: Readonly<Record<string, pulumi.Input<string>>>;
}

/**
 * How the entry point's Service is exposed: the platform's single load balancer, whichever
 * controller owns the Service (ingress-nginx today, a Gateway API data plane later).
 */
export interface LoadBalancerFacts {
    /** `LoadBalancer` on clouds; `NodePort` on local clusters that have no cloud LB. */
    serviceType: "LoadBalancer" | "NodePort";
    /**
     * Cloud-specific Service annotations (NLB on AWS, health probe path on Azure, ...). Values may
     * be outputs, e.g. the allocation ids of addresses the stack creates.
     */
    annotations: Readonly<Record<string, pulumi.Input<string>>>;
    /** `spec.loadBalancerClass`; undefined leaves the cloud's default load balancer controller. */
    loadBalancerClass?: string;
    /**
     * The address the stack owns for the load balancer. Undefined where the cloud picks one: the
     * addresses are then read from the Service's status.
     */
    address?: StaticAddress;
    /**
     * NodePort only: the host the node ports are reached on, for `ingressEndpoint` and `appUrl`
     * (`platform:localEndpoint`: `localhost` on kind and Docker Desktop, `minikube ip` on
     * minikube). Default `localhost`.
     */
    nodePortHost?: string;
}

/**
 * Pod annotations that tell the target's node autoscaler what it may do with a pod. Only voluntary
 * consolidation is affected: node upgrades and `kubectl drain` evict these pods as any other.
 */
export interface DisruptionFacts {
    /**
     * For a pod whose only local storage is the named scratch `emptyDir` volumes (lost on a
     * restart anyway), so the pod does not keep an underused node from being removed.
     */
    scratchVolumesEvictable(volumeNames: readonly string[]): Record<string, string>;
    /** For a single-replica pod every request depends on: never moved just to consolidate nodes. */
    neverDisrupt: Readonly<Record<string, string>>;
}

/**
 * What the neutral layer knows about the nodes: only how to annotate pods for the autoscaler that
 * runs them. Which node mode a cloud runs (node pools, EKS Auto Mode, Autopilot, ...) is that
 * cloud's business (`components/<cloud>/nodes/`).
 */
export interface NodeFacts {
    disruption: DisruptionFacts;
}

export const CA_SAFE_TO_EVICT_LOCAL_VOLUMES = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";
export const CA_SAFE_TO_EVICT = "cluster-autoscaler.kubernetes.io/safe-to-evict";
export const KARPENTER_DO_NOT_DISRUPT = "karpenter.sh/do-not-disrupt";

/**
 * The cluster autoscaler (EKS node groups, GKE node pools and Autopilot, AKS pools). With
 * `skip-nodes-with-local-storage` (default true upstream) a pod with an `emptyDir` keeps its node
 * unless the volume is listed in `safe-to-evict-local-volumes` (comma-separated names).
 * `safe-to-evict: "false"` stops scale-down of the pod's node; drains for upgrades still evict it.
 * On GKE Autopilot the same annotation also defers GKE-initiated evictions (auto-upgrades) for up
 * to 7 days (cloud.google.com/kubernetes-engine/docs/how-to/extended-duration-pods).
 * Sources: kubernetes/autoscaler cluster-autoscaler/FAQ.md "What types of pods can prevent CA from
 * removing a node?", checked 2026-12-01.
 */
export const CLUSTER_AUTOSCALER_DISRUPTION: DisruptionFacts = {
    scratchVolumesEvictable: (volumeNames): Record<string, string> =>
        volumeNames.length === 0 ? {} : { [CA_SAFE_TO_EVICT_LOCAL_VOLUMES]: [...volumeNames].sort().join(",") },
    neverDisrupt: { [CA_SAFE_TO_EVICT]: "false" },
};

/**
 * Karpenter (EKS Auto Mode, AKS node auto-provisioning). Karpenter does not hold nodes for
 * `emptyDir` volumes, so scratch volumes need no annotation. `do-not-disrupt` on a pod blocks
 * consolidation of its node and drift (unless the NodeClaim sets a terminationGracePeriod); it does
 * not block expiration, repair or forced termination (karpenter.sh/docs/reference/annotations,
 * checked 2026-12-01).
 */
export const KARPENTER_DISRUPTION: DisruptionFacts = {
    scratchVolumesEvictable: () => ({}),
    neverDisrupt: { [KARPENTER_DO_NOT_DISRUPT]: "true" },
};

/** Nodes the cluster autoscaler scales (EKS node groups, GKE node pools and Autopilot, AKS pools). */
export const CLUSTER_AUTOSCALER_NODES: NodeFacts = { disruption: CLUSTER_AUTOSCALER_DISRUPTION };

/** Nodes the cloud provisions with Karpenter (EKS Auto Mode, AKS node auto-provisioning). */
export const KARPENTER_NODES: NodeFacts = { disruption: KARPENTER_DISRUPTION };

/** A NetworkPolicy peer, in the shape `networking.k8s.io/v1` takes. */
export type PolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;

/**
 * Where the cluster's pods send DNS queries, for the egress rule that lets them (port 53, UDP and
 * TCP) out of the platform's default-deny namespace. `peers` are the resolvers a NetworkPolicy can
 * name; `"any"` where the resolver answers on each node at an address no policy can select, so the
 * rule allows port 53 to any destination (every other port stays denied).
 */
export interface DnsFacts {
    peers: readonly PolicyPeer[] | "any";
}

export const CLUSTER_DNS_NAMESPACE = "kube-system";
/**
 * Labels of the cluster DNS pods. `k8s-app: kube-dns` is kept by CoreDNS on EKS (managed add-on),
 * AKS and kind, and by kube-dns on GKE, for compatibility with the original kube-dns add-on.
 */
export const CLUSTER_DNS_POD_LABELS: Readonly<Record<string, string>> = { "k8s-app": "kube-dns" };

/** The kube-dns pods in kube-system: one peer with both selectors, not any pod anywhere labelled kube-dns. */
export const KUBE_DNS_PEER: PolicyPeer = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": CLUSTER_DNS_NAMESPACE } },
    podSelector: { matchLabels: { ...CLUSTER_DNS_POD_LABELS } },
};

/** Clusters whose pods query the kube-dns Service, served by CoreDNS pods (EKS node groups, AKS, local). */
export const KUBE_DNS: DnsFacts = { peers: [KUBE_DNS_PEER] };

/** A registry login; the password is a secret. */
export interface RegistryLogin {
    username: pulumi.Input<string>;
    password: pulumi.Input<string>;
}

/**
 * Where images are pushed, and how a push logs in. `login` looks the push credential up (an ECR
 * token, a Google access token, an ACR token minted from an Entra token): `AppImage` calls it only
 * in a deployment, never in a preview, which neither builds nor pushes (docker.Image's
 * `buildOnPreview` is off) and runs under an identity that has no push rights.
 */
export interface RegistryCredentials {
    server: pulumi.Input<string>;
    login: () => RegistryLogin;
}

/** Where workload images go. */
export interface ImageRegistry {
    /** Repository without tag, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-app`. */
    repository: pulumi.Input<string>;
    /** Credentials to push with; undefined means build into the local engine only (no push). */
    credentials?: RegistryCredentials;
    /** Platform to build for (the nodes'); undefined builds for the local engine's own platform. */
    platform?: string;
    /**
     * How the built image reaches nodes that can neither pull it from `repository` nor share the
     * build engine (a kind cluster's nodes); undefined where they can. Loaded only when the image is
     * built: a delivery's module may need an SDK (kind's load runs through @pulumi/command) that a
     * stack running a prebuilt image (`platform:appImage`, pulled by the nodes) never loads.
     */
    loadDelivery?: () => Promise<ImageDelivery>;
}

/** The image `AppImage` built, handed to an `ImageDelivery`. */
export interface BuiltImage {
    /** The image component's name: the delivery names its resources after it. */
    name: string;
    /** `<repository>:<tag>`. */
    imageName: pulumi.Output<string>;
    /** The build (and push, where there is one): a delivery waits for it. */
    build: pulumi.Resource;
    /** The image component, parent of whatever the delivery creates. */
    parent: pulumi.Resource;
}

/**
 * A target's own step between the build and the workloads, e.g. `kind load docker-image` on a kind
 * cluster. `AppImage` asks it and knows nothing of how it works.
 */
export interface ImageDelivery {
    /** Makes `image` runnable on the nodes; resolves to the reference pods use, once it is. */
    deliver(image: BuiltImage): pulumi.Output<string>;
}

/** What the backup job asks of the target's object store: who uploads, and how long sets stay. */
export interface BackupStoreRequest {
    /** The backup pods' namespace and ServiceAccount: the only identity the store lets write. */
    namespace: string;
    serviceAccount: string;
    /** Days a set is kept (every version of it); with `objectLock`, the days it cannot be deleted. */
    retentionDays: number;
    /** Sets nobody can delete or overwrite before `retentionDays` (`platform:postgresBackupObjectLock`). */
    objectLock: boolean;
    /** `protect` on the store, as on the other stateful data; the store is kept on destroy either way. */
    protectData: boolean;
}

/**
 * A key pair for a store that has no workload identity (a local S3-compatible server). The backup
 * job puts it in a Secret and mounts it as files `access-key-id` and `secret-access-key`.
 */
export interface StaticStoreCredentials {
    accessKeyId: pulumi.Output<string>;
    secretAccessKey: pulumi.Output<string>;
}

/**
 * How the backup job reaches the target's object store. The uploader is rclone with one remote,
 * `store`, configured by environment only (`RCLONE_CONFIG_STORE_TYPE`, `RCLONE_CONFIG_STORE_…`).
 */
export interface BackupStoreFacts {
    /** `RCLONE_CONFIG_STORE_*` variables: the remote's type and options. No credential ever. */
    rcloneEnv: Readonly<Record<string, pulumi.Input<string>>>;
    /** `<bucket or container>/<prefix>` on the remote, where the sets go. */
    path: pulumi.Input<string>;
    /** The same place for people (`s3://…`, `gs://…`, `https://…`): the `backupStore` output. */
    location: pulumi.Input<string>;
    /** Annotations of the backup ServiceAccount that bind it to the cloud identity (IRSA, Azure). */
    serviceAccountAnnotations: Readonly<Record<string, pulumi.Input<string>>>;
    /** Labels the backup pods need for the identity to be injected (Azure workload identity). */
    podLabels: Readonly<Record<string, string>>;
    /** Egress the upload needs beyond DNS: the store, the token service, a metadata server. */
    egress: readonly k8s.types.input.networking.v1.NetworkPolicyEgressRule[];
    /** Only where no workload identity exists (a local store): the key pair, as mounted files. */
    credentials?: StaticStoreCredentials;
    /** Cloud resources the job waits for (the identity's grant), so the first run can upload. */
    dependsOn: pulumi.Resource[];
}

/** The prefix under the bucket or container the sets go to, on every target. */
export const BACKUP_STORE_PREFIX = "postgres";

/** Private address ranges (RFC 1918): pods, Services and nodes, never a cloud's public store endpoint. */
export const PRIVATE_IPV4_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/**
 * HTTPS to addresses outside the cluster's private ranges: the cloud's public object-store and
 * token endpoints, whose addresses change and cannot be listed. Every other port stays denied, and
 * so does 443 to anything on a private address (other pods, Services, nodes).
 */
export const PUBLIC_HTTPS_EGRESS: k8s.types.input.networking.v1.NetworkPolicyEgressRule = {
    to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [...PRIVATE_IPV4_RANGES] } }],
    ports: [{ protocol: "TCP", port: 443 }],
};

/** A subject of a Kubernetes RoleBinding (rbac.authorization.k8s.io/v1). */
export interface RbacSubject {
    kind: "User" | "Group";
    name: string;
    apiGroup: "rbac.authorization.k8s.io";
}

/** A team as the cluster layer needs it: its name (its namespace's) and its editors as configured. */
export interface TeamGrant {
    name: string;
    editors: readonly string[];
}

/**
 * How a team's editors are given `edit` in its namespace. The neutral layer binds the `edit`
 * ClusterRole there to `subjects(team)` (no RoleBinding where that is empty); whatever the cloud
 * needs besides (an EKS access entry, an Azure role assignment) the target creates itself, from the
 * same `platform:teams`, when it builds the cluster.
 */
export interface TeamAccess {
    subjects(team: TeamGrant): RbacSubject[];
}

/** What every target (`components/<cloud>/target.ts`) hands the cloud-neutral layer. */
export interface ClusterTarget {
    cloud: Cloud;
    /** The only provider any Kubernetes resource may use: never the ambient kubeconfig. */
    provider: k8s.Provider;
    /** Admin kubeconfig for the stack output; secret. Undefined for local clusters (the user has it). */
    kubeconfig?: pulumi.Output<string>;
    storage: StorageFacts;
    loadBalancer: LoadBalancerFacts;
    nodes: NodeFacts;
    /** Where pods resolve names, for the DNS egress rule of every default-deny namespace. */
    dns: DnsFacts;
    registry: ImageRegistry;
    /** How `platform:teams`' editors become RBAC subjects on this cluster. */
    teamAccess: TeamAccess;
    /**
     * Where the cloud's own logs and metrics for this cluster are (log group names, workspace id,
     * console links), for the `observability` output; undefined where there are none (local, or
     * `platform:observability none`).
     */
    observability?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Whether cert-manager's CRDs stay when the stack is destroyed (chart `crds.keep`). Default
     * true: deleting a CRD deletes every Certificate and Issuer in the cluster, including ones the
     * platform did not make. False on local clusters, where the user expects a clean slate.
     */
    keepCrdsOnDestroy?: boolean;
    /**
     * The object store Postgres backups are uploaded to, made when the backup job asks (so a stack
     * without backups makes none). Undefined where the target has none: locally without
     * `platform:postgresBackupS3Endpoint`, the sets stay on the backups volume only.
     */
    backupStore?: (request: BackupStoreRequest) => BackupStoreFacts;
    /**
     * Cloud resources that must exist before workloads are scheduled (node groups, the CSI driver
     * add-on): Kubernetes resources depend on these so a PVC is never created before its driver.
     */
    dependsOn: pulumi.Resource[];
}

/** The value of an output for something this target does not offer (e.g. `storageClasses.shared`). */
export const NOT_OFFERED = "none";

/**
 * The outputs every stack exports, whatever the cloud. `Contract` is the `platformContract`
 * output's type (components/apps/contract.ts `PlatformContract`, which imports this module, so it
 * is named where the stack is composed).
 */
export interface PlatformOutputs<Contract = unknown> {
    cloud: Cloud;
    /**
     * The admin kubeconfig (secret) on the clouds; `none` on a local cluster, whose kubeconfig the
     * user has. Never undefined: Pulumi drops an undefined output with a warning on every run.
     */
    kubeconfig: pulumi.Output<string>;
    /** `platform:ingressController`: which entry point runs (`nginx`, `gateway`, or `both` while migrating). */
    ingressController: pulumi.Output<string>;
    ingressEndpoint: pulumi.Output<string>;
    /** The gateway's endpoint and IP addresses, where it runs (with `both`, `ingress*` stay nginx's). */
    gatewayEndpoint?: pulumi.Output<string>;
    gatewayAddress?: pulumi.Output<string[]>;
    /** The entry point's IP addresses (one per public subnet on AWS once it owns them; `127.0.0.1` locally). */
    ingressAddress: pulumi.Output<string[]>;
    appUrl: pulumi.Output<string>;
    /** The visit-counter image reference, tagged by content. */
    appImage: pulumi.Output<string>;
    /** The platform's StorageClass names by role; `none` for a role the target does not offer. */
    storageClasses: pulumi.Output<Record<StorageRole, string>>;
    /** Where the Postgres backup sets are uploaded (`s3://…`, `gs://…`, `https://…`), or `none`. */
    backupStore: pulumi.Output<string>;
    /** Where to look for the cloud's logs and metrics, or `none`. */
    observability: pulumi.Output<Record<string, string> | typeof NOT_OFFERED>;
    /** What an app stack needs of this platform, versioned; its kubeconfig field is secret. */
    platformContract: Contract;
}
