/**
 * What the platform must know about AKS storage, load balancing and node sizes. Pure data: no Azure
 * SDK import, so tests and the cloud-neutral layer can read it cheaply.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StorageTier } from "../../config";
import { blockStorageClasses, type LoadBalancerFacts, type StaticAddress, type StorageFacts } from "../cluster/contract";

/** The Azure Disk CSI driver, on by default on every AKS cluster since 1.21. */
export const AZURE_DISK_CSI_PROVISIONER = "disk.csi.azure.com";

/**
 * Every StorageClass AKS creates by itself (`addonmanager.kubernetes.io/mode: EnsureExists`).
 * @pulumi/kubernetes >= 4.29 fails with AlreadyExists on a class of the same name, so the platform's
 * classes must avoid all of these. The in-tree names (`managed`, `azurefile`, ...) survive as CSI
 * classes after the CSI migration; the azureblob ones appear once the Blob CSI driver is enabled,
 * listed so a later `blobCSIDriver` switch cannot collide either.
 * Source: learn.microsoft.com/azure/aks/create-volume-azure-disk, azure-files-csi, azure-blob-csi.
 */
export const AKS_BUILT_IN_CLASSES = [
    "default",
    "managed",
    "managed-premium",
    "managed-csi",
    "managed-csi-premium",
    "azurefile",
    "azurefile-premium",
    "azurefile-csi",
    "azurefile-csi-premium",
    "azureblob-fuse-premium",
    "azureblob-nfs-premium",
] as const;

/** The class AKS marks `is-default-class` on a new cluster (StandardSSD_LRS through the CSI driver). */
export const AKS_BUILT_IN_DEFAULT_CLASS = "default";

/**
 * Disk SKU per tier and zoning. With zones the disks are ZRS: replicated across three zones and
 * attachable from a node in any zone, so a StatefulSet pod survives a zone outage by rescheduling
 * (an LRS disk is pinned to one zone, and the autoscaler of a zone-spread pool is not zone-aware).
 * ZRS exists only in regions with zones, hence LRS with `platform:zones []`.
 * Source: learn.microsoft.com/azure/virtual-machines/disks-redundancy and
 * learn.microsoft.com/azure/aks/create-volume-azure-disk, checked 2026-12-01.
 */
export function azureDiskSku(tier: StorageTier, zoned: boolean): string {
    const kind = tier === "premium" ? "Premium" : "StandardSSD";
    return `${kind}_${zoned ? "ZRS" : "LRS"}`;
}

/**
 * `disk.csi.azure.com` parameters (kubernetes-sigs/azuredisk-csi-driver docs/driver-parameters.md).
 *
 * `cachingMode: ReadOnly` is the driver default, written out because StorageClass parameters are
 * immutable: a later change in the driver default must not silently differ between old and new
 * classes. ReadOnly host caching serves reads from the host cache while every write goes to the
 * disk, which is what a database's fsync expects; `ReadWrite` is deprecated by the driver and can
 * lose acknowledged writes on a host failure. ZRS disks take host caching like LRS ones.
 */
export function azureDiskParameters(tier: StorageTier, zoned: boolean): Record<string, string> {
    return { skuName: azureDiskSku(tier, zoned), cachingMode: "ReadOnly" };
}

/** The Azure Files CSI driver, on by default on every AKS cluster. */
export const AZURE_FILE_CSI_PROVISIONER = "file.csi.azure.com";

/**
 * Azure Files SKU of the shared class: ZRS with zones (a share reachable from every zone), LRS
 * without. `premium` is a FileStorage account (SSD, provisioned: a share is at least 100 GiB and
 * billed for its provisioned size); `ssd` a standard (HDD, pay per use) share, the cheap default for
 * uploads and shared artifacts. Source: learn.microsoft.com/azure/aks/azure-files-csi (skuName
 * Standard_LRS/ZRS, Premium_LRS/ZRS), checked 2026-12-01.
 */
export function azureFileSku(tier: StorageTier, zoned: boolean): string {
    return `${tier === "premium" ? "Premium" : "Standard"}_${zoned ? "ZRS" : "LRS"}`;
}

export interface AzureStorageOptions {
    /** Zones of the node pools; empty: a region without zones (LRS). */
    zones: readonly string[];
    /**
     * Resource group for the Retain-class disks and the snapshots: one the stack creates beside the
     * cluster, because AKS deletes the node resource group (the driver's default) with the cluster.
     */
    dataResourceGroup: pulumi.Input<string>;
}

export function azureStorageFacts(tier: StorageTier, options: AzureStorageOptions): StorageFacts {
    const zoned = options.zones.length > 0;
    const disk = azureDiskParameters(tier, zoned);
    const block = blockStorageClasses({ provisioner: AZURE_DISK_CSI_PROVISIONER, parameters: disk, allowVolumeExpansion: true });
    return {
        classes: {
            general: block.general,
            // Retain disks outlive the cluster: in the data resource group, not the node one.
            retain: { ...block.retain, parameters: { ...disk, resourceGroup: options.dataResourceGroup } },
            shared: {
                provisioner: AZURE_FILE_CSI_PROVISIONER,
                // The share lives in a storage account the driver creates in the node resource group,
                // so it goes with the cluster: Delete says so honestly. Data that must outlive the
                // cluster belongs on the retain class (or a backup), not on the shared one.
                parameters: { skuName: azureFileSku(tier, zoned) },
                reclaimPolicy: "Delete",
                // Azure Files shares grow online (the driver's expansion is supported).
                allowVolumeExpansion: true,
                // A share is reachable from every zone: no reason to wait for the pod's node.
                volumeBindingMode: "Immediate",
                accessModes: ["ReadWriteMany", "ReadOnlyMany", "ReadWriteOnce"],
            },
        },
        builtInClasses: AKS_BUILT_IN_CLASSES,
        builtInDefaultClass: AKS_BUILT_IN_DEFAULT_CLASS,
        makeDefault: true,
        // Incremental snapshots (the driver default, written out: class parameters are immutable),
        // kept in the data resource group so a Retain snapshot survives the cluster too.
        // Source: azuredisk-csi-driver docs/driver-parameters.md (VolumeSnapshotClass), checked 2026-12-01.
        snapshots: { driver: AZURE_DISK_CSI_PROVISIONER, parameters: { incremental: "true", resourceGroup: options.dataResourceGroup } },
    };
}

/**
 * The image platform of the user pool's VM size: Azure Arm sizes carry the `p` additive-feature
 * letter after the vCPU count (Standard_D4ps_v5, Standard_D4pds_v6, Standard_B2pls_v2, ...),
 * learn.microsoft.com/azure/virtual-machines/vm-naming-conventions, checked 2026-12-01.
 */
export function aksNodePlatform(vmSize: string): "linux/amd64" | "linux/arm64" {
    const m = /^Standard_[A-Z]+[0-9]+(?:-[0-9]+)?([a-z]*)(?:_|$)/.exec(vmSize);
    if (!m) throw new Error(`"${vmSize}" is not an Azure VM size such as Standard_D4s_v5`);
    return (m[1] ?? "").includes("p") ? "linux/arm64" : "linux/amd64";
}

/**
 * Azure Linux: Microsoft's minimal container host, smaller attack surface and faster node-image
 * patches than Ubuntu; `AzureLinux` follows the supported major (3.0 on Kubernetes >= 1.32).
 */
export const AKS_OS_SKU = "AzureLinux";

/** Annotation telling the Azure cloud provider which path its LB health probe requests. */
export const AZURE_HEALTH_PROBE_PATH_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path";

/**
 * With `appProtocol` set on the Service (the ingress-nginx chart default) the Azure LB probes `/`
 * over HTTP; nginx answers 404 there, every backend looks down and no traffic arrives.
 * `/healthz` answers 200 (Azure/AKS#2903, #3210; kubernetes/ingress-nginx#9601).
 */
export const AZURE_LOAD_BALANCER: LoadBalancerFacts = {
    serviceType: "LoadBalancer",
    annotations: { [AZURE_HEALTH_PROBE_PATH_ANNOTATION]: "/healthz" },
};

/** The resource group of a public IP the Service's load balancer should use (not the node RG). */
export const AZURE_PIP_RESOURCE_GROUP_ANNOTATION = "service.beta.kubernetes.io/azure-load-balancer-resource-group";
/** The name of that public IP; preferred over the deprecated `spec.loadBalancerIP`. */
export const AZURE_PIP_NAME_ANNOTATION = "service.beta.kubernetes.io/azure-pip-name";

/**
 * The entry point on the stack's own static Standard public IP, so the address survives a
 * re-creation of the Service (and of the cluster: the IP is outside the node resource group).
 * The cluster identity needs Network Contributor on the IP's group for this
 * (learn.microsoft.com/azure/aks/static-ip, "Create a static IP address outside the node resource
 * group", checked 2026-12-01).
 */
export function azureLoadBalancer(address: StaticAddress): LoadBalancerFacts {
    return { serviceType: "LoadBalancer", annotations: { ...AZURE_LOAD_BALANCER.annotations }, address };
}

/**
 * Storage Blob Data Contributor: read, write and delete blobs (Azure built-in roles reference,
 * checked 2026-12-07). The backup identity's role on its container; the deployer's role-assignment
 * right must allow it.
 */
export const STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
