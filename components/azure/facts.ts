/**
 * What the platform must know about AKS storage and load balancing. Pure data: no Azure SDK import,
 * so tests and the cloud-neutral layer can read it cheaply.
 */
import type { StorageTier } from "../../config";
import { blockStorageClasses, type LoadBalancerFacts, type StorageFacts } from "../cluster";

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
 * `disk.csi.azure.com` parameters per tier (kubernetes-sigs/azuredisk-csi-driver docs/driver-parameters.md).
 *
 * `cachingMode: ReadOnly` is the driver default, written out because StorageClass parameters are
 * immutable: a later change in the driver default must not silently differ between old and new
 * classes. ReadOnly host caching serves reads from the host cache while every write goes to the
 * disk, which is what a database's fsync expects; `ReadWrite` is deprecated by the driver and can
 * lose acknowledged writes on a host failure.
 *
 * `premium` is Premium_ZRS: the disk is replicated across three zones and can attach to a node in
 * any zone, so a StatefulSet pod survives a zone outage by rescheduling, which an LRS disk (pinned to
 * one zone) cannot. ZRS disks support host caching like LRS ones (only PremiumV2/Ultra need `None`),
 * but they exist only in regions with availability zones.
 */
export const AZURE_DISK_PARAMETERS: Readonly<Record<StorageTier, Readonly<Record<string, string>>>> = {
    ssd: { skuName: "StandardSSD_LRS", cachingMode: "ReadOnly" },
    premium: { skuName: "Premium_ZRS", cachingMode: "ReadOnly" },
};

export function azureStorageFacts(tier: StorageTier): StorageFacts {
    return {
        // The Azure Disk CSI driver can expand its disks.
        classes: blockStorageClasses({ provisioner: AZURE_DISK_CSI_PROVISIONER, parameters: AZURE_DISK_PARAMETERS[tier], allowVolumeExpansion: true }),
        builtInClasses: AKS_BUILT_IN_CLASSES,
        builtInDefaultClass: AKS_BUILT_IN_DEFAULT_CLASS,
        makeDefault: true,
    };
}

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
