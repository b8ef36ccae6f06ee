/**
 * The uploader of the Postgres backup job: rclone, in the project's official image, pinned by digest
 * (a tag is rebuilt in place; with `IfNotPresent` two nodes could run different builds of it).
 * rclone/rclone:1.75.1, the multi-arch index digest that public pins of 1.75.1 agree on (searched
 * 2026-12-07: a dozen repositories pin `rclone/rclone:1.75.1@sha256:45401ad7…`, e.g. in Dockerfiles
 * and backup scripts of Oct–Nov 2026); no 1.76 pin was found. The image is Alpine with `sh`, and its
 * entrypoint is replaced by the job's command.
 *
 * The options of the `store` remote, each read from rclone's source (rclone/rclone
 * backend/*, checked 2026-12-07); rclone maps `RCLONE_CONFIG_<REMOTE>_<OPTION>` to a remote's option:
 * - s3: `env_auth` (the AWS SDK's default chain, which reads the IRSA web identity token from
 *   AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE: backend/s3/s3.go lists the web identity provider in
 *   its env_auth chain, "Pick up IAM role if we are in EKS", in the aws-sdk-go v1 era; since the move to
 *   aws-sdk-go-v2 the SDK's LoadDefaultConfig resolves it; the v2 call site was not in the
 *   searchable copy), `provider`,
 *   `region`, `endpoint`, `no_check_bucket` ("don't attempt to check the bucket exists or create
 *   it"), `no_head` ("don't HEAD uploaded objects": the write-only role may not read them).
 * - google cloud storage: `env_auth` (Application Default Credentials: the GKE metadata server),
 *   `bucket_policy_only` (no object ACLs, which uniform bucket-level access refuses),
 *   `no_check_bucket`.
 * - azureblob: `env_auth` (azidentity's DefaultAzureCredential, whose chain includes workload
 *   identity from AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE:
 *   backend/azureblob/auth/auth.go NewClient, `case opt.EnvAuth`), `account`, `no_check_container`.
 * The targets set the remote's type, `env_auth` and where the store is; upload.sh itself sets the
 * write-only ones (`no_check_bucket`, `no_check_container`, `no_head`) for every backend, so a
 * store's write-only identity works whatever the pod's environment says.
 * With S3 Object Lock's default retention every PUT needs Content-MD5 (or a checksum header):
 * rclone sends Content-MD5 on a single-part upload when the source has an MD5 (a local file; the
 * manifest through `rcat`, which turns input under --streaming-upload-cutoff into an in-memory
 * object and copies that: fs/operations Rcat, "uploading instead of streaming") and on every
 * multipart part (backend/s3/s3.go, UploadPartInput `ContentMD5: &md5sum`).
 */
export const RCLONE_VERSION = "1.75.1";
export const RCLONE_IMAGE = `rclone/rclone:${RCLONE_VERSION}@sha256:45401ad7410db1d67ffdb58e19059ad20b0d8e0285a60e38bbec55cc1019c7a5`;
