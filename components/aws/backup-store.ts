/**
 * The object store of the Postgres backups on AWS: an S3 bucket in the cluster's region and account,
 * and an IRSA role only the backup job's ServiceAccount can assume, which may write new objects
 * under the backups prefix and do nothing else (no read, no list, no delete).
 *
 * Who else can read the sets: nobody in the cluster. S3 grants a same-account principal access only
 * through an identity policy or the bucket policy; the bucket policy grants nothing, and no role the
 * stack gives the cluster (node role, CSI driver, autoscaler, CloudWatch agent) has S3 rights. The
 * bucket policy also denies the backup role every action but the upload's, so a broader policy
 * attached to it later still cannot read or delete a set. People restore with their own
 * credentials (docs/aws.md).
 *
 * Sources, checked 2026-12-07: Amazon S3 user guide ("Enabling Object Lock on existing buckets",
 * "Controlling ownership of objects" (BucketOwnerEnforced), "Blocking public access", "Lifecycle
 * configuration elements"), the IAM actions for S3 (multipart's CreateMultipartUpload, UploadPart
 * and CompleteMultipartUpload are authorized by s3:PutObject; AbortMultipartUpload is its own), and
 * @pulumi/aws 7.48 s3/bucketObjectLockConfiguration.d.ts ("can be used to enable Object Lock for
 * new and existing buckets").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BACKUP_STORE_PREFIX, type BackupStoreFacts, type BackupStoreRequest, PUBLIC_HTTPS_EGRESS } from "../cluster/contract";
import { irsaTrustPolicy } from "./iam";

/** The upload's actions: a new object, in one request or in parts, and cleaning up a failed multipart upload. */
export const S3_UPLOAD_ACTIONS = ["s3:PutObject", "s3:AbortMultipartUpload"] as const;
/** The annotation the EKS Pod Identity webhook reads to give a pod the role's web identity. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";

/** The backup role's only permissions: new objects under the prefix. */
export function s3WriteOnlyPolicy(bucketArn: string): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "UploadBackupSets", Effect: "Allow", Action: [...S3_UPLOAD_ACTIONS], Resource: `${bucketArn}/${BACKUP_STORE_PREFIX}/*` }],
    };
}

/**
 * The bucket policy: TLS only for everyone, and the backup role held to the upload's actions
 * whatever identity policy it gets later. It grants nothing.
 */
export function s3BucketPolicy(bucketArn: string, backupRoleArn: string): Record<string, unknown> {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "BackupRoleUploadsOnly",
                Effect: "Deny",
                Principal: { AWS: backupRoleArn },
                NotAction: [...S3_UPLOAD_ACTIONS],
                Resource: [bucketArn, `${bucketArn}/*`],
            },
        ],
    };
}

/**
 * What the bucket keeps: every set, current or replaced, for `retentionDays` (a noncurrent version
 * from the day it was replaced or deleted), expired delete markers, and no half-finished multipart
 * upload past a day.
 */
export function s3LifecycleRules(retentionDays: number): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    return [
        {
            id: "expire-backup-sets",
            status: "Enabled",
            filter: { prefix: `${BACKUP_STORE_PREFIX}/` },
            expiration: { days: retentionDays },
            noncurrentVersionExpiration: { noncurrentDays: retentionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
        { id: "remove-expired-delete-markers", status: "Enabled", filter: { prefix: `${BACKUP_STORE_PREFIX}/` }, expiration: { expiredObjectDeleteMarker: true } },
    ];
}

/**
 * rclone's `s3` remote for AWS: credentials from the environment (the webhook's web identity token
 * and role), the bucket's region, no bucket check (the role may not list or create buckets) and no
 * HEAD of an uploaded object (the role may not read it; a 200 to the PUT is the check).
 */
export function s3RcloneEnv(region: string): Record<string, string> {
    return {
        RCLONE_CONFIG_STORE_TYPE: "s3",
        RCLONE_CONFIG_STORE_PROVIDER: "AWS",
        RCLONE_CONFIG_STORE_ENV_AUTH: "true",
        RCLONE_CONFIG_STORE_REGION: region,
    };
}

export interface S3BackupStoreArgs {
    request: BackupStoreRequest;
    region: string;
    /** The cluster's IAM OIDC provider and issuer: the role trusts the backup ServiceAccount through them. */
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuer: pulumi.Input<string>;
}

/**
 * The bucket and its settings, the role and its grants. The bucket is `protect`ed with the data and
 * kept on destroy (`retainOnDelete`), like the retained disks: a destroy leaves it, and its sets,
 * in the account.
 */
export class S3BackupStore extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly role: aws.iam.Role;
    readonly facts: BackupStoreFacts;

    constructor(name: string, args: S3BackupStoreArgs, opts?: pulumi.ComponentResourceOptions) {
        super("platform:aws:S3BackupStore", name, {}, opts);
        const { request } = args;
        this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: false }, { parent: this, protect: request.protectData, retainOnDelete: true });
        const settings = this.bucketSettings(name, request);
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Uploads Postgres backup sets; assumed only by ${request.namespace}/${request.serviceAccount}`,
                assumeRolePolicy: pulumi
                    .all([args.oidcProviderArn, args.oidcIssuer])
                    .apply(([arn, issuer]) => JSON.stringify(irsaTrustPolicy(arn, issuer, { namespace: request.namespace, name: request.serviceAccount }))),
            },
            { parent: this },
        );
        const grant = new aws.iam.RolePolicy(`${name}-upload`, { role: this.role.id, policy: this.bucket.arn.apply((arn) => JSON.stringify(s3WriteOnlyPolicy(arn))) }, { parent: this });
        const policy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            { bucket: this.bucket.id, policy: pulumi.all([this.bucket.arn, this.role.arn]).apply(([bucket, role]) => JSON.stringify(s3BucketPolicy(bucket, role))) },
            // After the public access block: a policy written first could be judged public. Kept
            // on destroy with the bucket, as its settings are (TLS only stays).
            { parent: this, dependsOn: settings, retainOnDelete: true },
        );
        this.facts = {
            rcloneEnv: s3RcloneEnv(args.region),
            path: pulumi.interpolate`${this.bucket.bucket}/${BACKUP_STORE_PREFIX}`,
            location: pulumi.interpolate`s3://${this.bucket.bucket}/${BACKUP_STORE_PREFIX}`,
            serviceAccountAnnotations: { [IRSA_ROLE_ANNOTATION]: this.role.arn },
            podLabels: {},
            // S3 and STS answer on public addresses, on 443 only.
            egress: [PUBLIC_HTTPS_EGRESS],
            dependsOn: [grant, policy, ...settings],
        };
        this.registerOutputs({ bucket: this.bucket.bucket, roleArn: this.role.arn });
    }

    /**
     * Versioning (a replaced or deleted set stays for the retention), S3-managed encryption, no
     * public access and no ACLs, the lifecycle, and with `objectLock` a default retention.
     *
     * SSE-S3 (AES-256), not KMS: every object is encrypted either way; a KMS key would add a key to
     * manage, a charge per request, and a grant every restore needs, while access is already decided
     * by IAM and the bucket policy above.
     */
    private bucketSettings(name: string, request: BackupStoreRequest): pulumi.Resource[] {
        // Kept on destroy with the bucket: the provider's delete of a setting strips it from the kept
        // bucket (BucketVersioning's delete suspends versioning, the others delete the lifecycle,
        // the public access block and the ownership controls: terraform-provider-aws
        // internal/service/s3/bucket_versioning.go resourceBucketVersioningDelete, checked
        // 2026-12-07), so a destroy would leave the sets unprotected. They only ever change in place.
        const opts = { parent: this, retainOnDelete: true };
        const bucket = this.bucket.id;
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket, versioningConfiguration: { status: "Enabled" } }, opts);
        // No S3 Bucket Key: it only cuts the KMS calls of SSE-KMS ("Reducing the cost of SSE-KMS with
        // Amazon S3 Bucket Keys", S3 user guide, checked 2026-12-07); with SSE-S3 it does nothing, and
        // clients disagree on whether S3 even accepts it there (ansible amazon.aws#2735).
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
            opts,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            opts,
        );
        const ownership = new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
        // Noncurrent-version rules need versioning on first.
        const lifecycle = new aws.s3.BucketLifecycleConfiguration(`${name}-lifecycle`, { bucket, rules: s3LifecycleRules(request.retentionDays) }, { ...opts, dependsOn: [versioning] });
        const lock = request.objectLock ? [this.objectLock(name, request.retentionDays, versioning)] : [];
        return [versioning, encryption, publicAccess, ownership, lifecycle, ...lock];
    }

    /**
     * S3 Object Lock with a default retention in governance mode: each new set cannot be deleted or
     * overwritten for `retentionDays` by anyone without `s3:BypassGovernanceRetention` (the stack's
     * roles never get it). Enabled on the existing, versioned bucket in place: no new bucket, so
     * turning the key on in a running stack replaces nothing. Object Lock itself can never be turned
     * off on a bucket; turning the key off removes the default retention only (the resource's delete
     * puts the configuration back with `ObjectLockEnabled` and no rule: terraform-provider-aws
     * bucket_object_lock_configuration.go, checked 2026-12-07), and sets already uploaded stay locked
     * until their date. Governance, not compliance: compliance cannot be lifted
     * or shortened by anyone, the account root included, so a mistyped retention would be billed to
     * its end; a user who wants it sets compliance by hand (docs/aws.md).
     */
    private objectLock(name: string, days: number, versioning: aws.s3.BucketVersioning): aws.s3.BucketObjectLockConfiguration {
        return new aws.s3.BucketObjectLockConfiguration(
            `${name}-object-lock`,
            { bucket: this.bucket.id, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "GOVERNANCE", days } } },
            // Object Lock on an existing bucket needs versioning on first.
            { parent: this, dependsOn: [versioning] },
        );
    }
}
