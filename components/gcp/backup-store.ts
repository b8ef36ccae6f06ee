/**
 * The object store of the Postgres backups on Google Cloud: a Cloud Storage bucket in the cluster's
 * region, and the backup job's Kubernetes ServiceAccount as a principal of the cluster's Workload
 * Identity pool, granted `roles/storage.objectCreator` on this bucket only: create objects, never
 * read, list, overwrite or delete them.
 *
 * A direct principal binding rather than a Google service account the KSA impersonates: no second
 * identity, no `roles/iam.workloadIdentityUser` binding and no KSA annotation, and the grant names
 * exactly `ns/<namespace>/sa/<name>` of this project's pool. Cloud Storage accepts such principals
 * (GKE "Authenticate to Google Cloud APIs from GKE workloads": "Configure authorization and
 * principals", the `principal://iam.googleapis.com/projects/PROJECT_NUMBER/locations/global/
 * workloadIdentityPools/PROJECT_ID.svc.id.goog/subject/ns/NAMESPACE/sa/KSA` form; checked 2026-12-07).
 * The pool is shared by every cluster of the project: a KSA of the same name and namespace in
 * another cluster of the project would get the same grant (the docs' "identity sameness").
 *
 * Who else can read the sets: nobody in the cluster. The node service account has no storage role
 * (components/gcp/cluster.ts), pods have no other Google identity, uniform bucket-level access
 * turns ACLs off, and public access prevention refuses `allUsers` grants. People with project-level
 * storage roles (owners, `roles/storage.admin`) can, which is how a restore reads them (docs/gcp.md).
 */
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_STORE_PREFIX, type BackupStoreFacts, type BackupStoreRequest, PUBLIC_HTTPS_EGRESS } from "../cluster/contract";
import { CLOUD_DNS_RESOLVER_ADDRESS, workloadPool } from "./facts";

/** Create objects only: no get, list or delete (Cloud Storage IAM roles reference, checked 2026-12-07). */
export const GCS_UPLOAD_ROLE = "roles/storage.objectCreator";
/**
 * Where pods on GKE get their Workload Identity tokens: the GKE metadata server on the node. With
 * GKE Dataplane V2 pods reach it at 169.254.169.254 on 80 and 8080; with Calico network policy
 * (GKE 1.21 and later) at 169.254.169.252 on 987 and 988. A NetworkPolicy that denies egress must
 * allow the profile the cluster runs; both are allowed, so a change of dataplane breaks nothing.
 * Sources, checked 2026-12-07: public NetworkPolicies for Workload Identity on GKE that pair the
 * addresses and ports this way (searched for `169.254.169.252/32`: several repositories' egress
 * policies and their notes); the GKE Workload Identity page itself was not in the searchable copy.
 * 169.254.169.254 is also the Cloud DNS resolver (facts.ts), there on port 53 only.
 */
export const GKE_METADATA_EGRESS = [
    { to: [{ ipBlock: { cidr: `${CLOUD_DNS_RESOLVER_ADDRESS}/32` } }], ports: [80, 8080].map((port) => ({ protocol: "TCP", port })) },
    { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [987, 988].map((port) => ({ protocol: "TCP", port })) },
];

/** The IAM principal of a Kubernetes ServiceAccount in the project's Workload Identity pool. */
export function workloadIdentityPrincipal(projectNumber: string, project: string, namespace: string, serviceAccount: string): string {
    return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${workloadPool(project)}/subject/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * What the bucket keeps. Without a lock: versioning, so a replaced or deleted set stays as a
 * noncurrent version; live sets are deleted (made noncurrent) after `retentionDays`, noncurrent ones
 * `retentionDays` after they became so. With the lock: a retention policy instead, which Cloud
 * Storage refuses to combine with versioning ("Object versioning cannot be enabled on a bucket with
 * a retention policy": Sonar rule S6412 citing the Cloud Storage docs, and
 * google/exposure-notifications-verification-server#877; checked 2026-12-07), and the live sets
 * expire at its end. The noncurrent rule stays with the lock: versions kept from before the key was
 * turned on still expire.
 */
export function gcsProtection(request: Pick<BackupStoreRequest, "retentionDays" | "objectLock">): Pick<gcp.storage.BucketArgs, "versioning" | "lifecycleRules" | "retentionPolicy"> {
    const days = request.retentionDays;
    const expireLive = { action: { type: "Delete" }, condition: { age: days, withState: "LIVE", matchesPrefixes: [`${BACKUP_STORE_PREFIX}/`] } };
    const expireNoncurrent = { action: { type: "Delete" }, condition: { daysSinceNoncurrentTime: days, withState: "ARCHIVED", matchesPrefixes: [`${BACKUP_STORE_PREFIX}/`] } };
    if (request.objectLock) {
        return {
            versioning: { enabled: false },
            // Unlocked: it can be lifted or shortened by a storage admin. Locking it is irreversible
            // (the bucket then cannot be deleted until every object is past it), a step left to a person.
            retentionPolicy: { retentionPeriod: String(days * 86400), isLocked: false },
            lifecycleRules: [expireLive, expireNoncurrent],
        };
    }
    return { versioning: { enabled: true }, lifecycleRules: [expireLive, expireNoncurrent] };
}

/**
 * rclone's `google cloud storage` remote: credentials from the environment (the metadata server
 * answers for the pod's KSA), no ACLs on uploads (uniform access refuses them). upload.sh itself
 * turns off the bucket check a create-only identity may not make.
 */
export const GCS_RCLONE_ENV: Readonly<Record<string, string>> = {
    RCLONE_CONFIG_STORE_TYPE: "google cloud storage",
    RCLONE_CONFIG_STORE_ENV_AUTH: "true",
    RCLONE_CONFIG_STORE_BUCKET_POLICY_ONLY: "true",
};

export interface GcsBackupStoreArgs {
    request: BackupStoreRequest;
    project: string;
    region: string;
    /**
     * What creates the project's Workload Identity pool (the GKE cluster with Workload Identity on).
     * The grant names a principal of that pool, and IAM refuses a binding to a pool that does not
     * exist yet ("Error 400: Identity Pool does not exist (PROJECT.svc.id.goog)", on a project's
     * first cluster: googleforgames/global-multiplayer-demo#39,
     * terraform-google-modules/terraform-google-kubernetes-engine#916 and #301; checked 2026-12-07).
     */
    workloadPoolReady: pulumi.Resource[];
}

/**
 * The bucket (protected with the data and kept on destroy, like the retained disks) and the upload
 * grant. Soft delete is left at Cloud Storage's default (7 days): a deleted object can be restored
 * for that long, billed as stored.
 */
export class GcsBackupStore extends pulumi.ComponentResource {
    readonly bucket: gcp.storage.Bucket;
    readonly facts: BackupStoreFacts;

    constructor(name: string, args: GcsBackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:gcp:GcsBackupStore", name, {}, opts);
        const { request } = args;
        this.bucket = new gcp.storage.Bucket(
            `${name}-bucket`,
            {
                project: args.project,
                location: args.region,
                storageClass: "STANDARD",
                uniformBucketLevelAccess: true,
                publicAccessPrevention: "enforced",
                forceDestroy: false,
                ...gcsProtection(request),
            },
            { parent: this, protect: request.protectData, retainOnDelete: true },
        );
        const member = this.bucket.projectNumber.apply((n) => workloadIdentityPrincipal(String(n), args.project, request.namespace, request.serviceAccount));
        const grant = new gcp.storage.BucketIAMMember(
            `${name}-upload`,
            { bucket: this.bucket.name, role: GCS_UPLOAD_ROLE, member },
            { parent: this, dependsOn: args.workloadPoolReady },
        );
        this.facts = {
            rcloneEnv: GCS_RCLONE_ENV,
            path: pulumi.interpolate`${this.bucket.name}/${BACKUP_STORE_PREFIX}`,
            location: pulumi.interpolate`gs://${this.bucket.name}/${BACKUP_STORE_PREFIX}`,
            serviceAccountAnnotations: {},
            podLabels: {},
            egress: [PUBLIC_HTTPS_EGRESS, ...GKE_METADATA_EGRESS],
            dependsOn: [grant],
        };
        this.registerOutputs({ bucket: this.bucket.name });
    }
}
