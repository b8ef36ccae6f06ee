/**
 * The local target's object store: an S3-compatible server the user runs (MinIO, Ceph, a cloud's S3
 * API), named by `platform:postgresBackupS3Endpoint` and its bucket and keys. The stack makes nothing
 * there: the bucket must exist, and the key pair need not list or create buckets. A local cluster has
 * no workload identity, so the key pair reaches the upload as mounted files (the backup job's Secret).
 */
import type * as k8s from "@pulumi/kubernetes";
import type { LocalSettings } from "../../config";
import { BACKUP_STORE_PREFIX, type BackupStoreFacts, type BackupStoreRequest } from "../cluster/contract";

export type LocalBackupStoreSettings = NonNullable<LocalSettings["backupStore"]>;


/**
 * Egress to the endpoint: its address and port where the endpoint is an IPv4 address; its port to
 * any destination where it is a host name, which a NetworkPolicy cannot name (the address is only
 * known once resolved, and may be a Service's pods or a host outside the cluster).
 */
export function endpointEgress(endpoint: string): k8s.types.input.networking.v1.NetworkPolicyEgressRule {
    const url = new URL(endpoint);
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    const ports = [{ protocol: "TCP", port }];
    return /^(\d{1,3}\.){3}\d{1,3}$/.test(url.hostname) ? { to: [{ ipBlock: { cidr: `${url.hostname}/32` } }], ports } : { ports };
}

/**
 * rclone's `s3` remote with provider `Other`, at the endpoint, with keys from files (the upload reads
 * them from `BACKUP_STORE_CREDENTIALS_DIR`; no key is ever an env value). upload.sh itself never
 * checks or creates the bucket and never HEADs what it wrote: the key may be write-only.
 */
export function localBackupStore(settings: LocalBackupStoreSettings, _request: BackupStoreRequest): BackupStoreFacts {
    const path = `${settings.bucket}/${BACKUP_STORE_PREFIX}`;
    return {
        rcloneEnv: {
            RCLONE_CONFIG_STORE_TYPE: "s3",
            RCLONE_CONFIG_STORE_PROVIDER: "Other",
            RCLONE_CONFIG_STORE_ENDPOINT: settings.endpoint,
            RCLONE_CONFIG_STORE_ENV_AUTH: "false",
        },
        path,
        location: `${settings.endpoint}/${path}`,
        serviceAccountAnnotations: {},
        podLabels: {},
        egress: [endpointEgress(settings.endpoint)],
        credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
        dependsOn: [],
    };
}
