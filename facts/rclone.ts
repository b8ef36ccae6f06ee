/**
 * The uploader of the Postgres backup job: rclone, in the project's official image, pinned by digest
 * (a tag is rebuilt in place; with `IfNotPresent` two nodes could run different builds of it).
 * rclone/rclone:1.75.1, the multi-arch index digest that public pins of 1.75.1 agree on (searched
 * 2026-12-07: a dozen repositories pin `rclone/rclone:1.75.1@sha256:45401ad7…`, e.g. in Dockerfiles
 * and backup scripts of Oct–Nov 2026); no 1.76 pin was found. The image is Alpine with `sh`, and its
 * entrypoint is replaced by the job's command.
 *
 * The options the targets set on the `store` remote, each read from rclone's source (rclone/rclone
 * backend/*, checked 2026-12-07); rclone maps `RCLONE_CONFIG_<REMOTE>_<OPTION>` to a remote's option:
 * - s3: `env_auth` (the AWS SDK's default chain, which reads the IRSA web identity token), `provider`,
 *   `region`, `endpoint`, `no_check_bucket` ("don't attempt to check the bucket exists or create
 *   it"), `no_head` ("don't HEAD uploaded objects": the write-only role may not read them).
 * - google cloud storage: `env_auth` (Application Default Credentials: the GKE metadata server),
 *   `bucket_policy_only` (no object ACLs, which uniform bucket-level access refuses),
 *   `no_check_bucket`.
 * - azureblob: `env_auth` (azidentity's DefaultAzureCredential, whose chain includes workload
 *   identity), `account`, `no_check_container`.
 */
export const RCLONE_VERSION = "1.75.1";
export const RCLONE_IMAGE = `rclone/rclone:${RCLONE_VERSION}@sha256:45401ad7410db1d67ffdb58e19059ad20b0d8e0285a60e38bbec55cc1019c7a5`;
