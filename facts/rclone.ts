/**
 * The uploader of the Postgres backup job: rclone, in the project's official image, pinned by digest
 * (a tag is rebuilt in place; with `IfNotPresent` two nodes could run different builds of it).
 * rclone/rclone:1.75.1, the multi-arch index digest that public pins of 1.75.1 agree on (searched
 * 2026-12-07: a dozen repositories pin `rclone/rclone:1.75.1@sha256:45401ad7…`, e.g. in Dockerfiles
 * and backup scripts of Oct–Nov 2026); no 1.76 pin was found. The image is Alpine with `sh`, and its
 * entrypoint is replaced by the job's command.
 */
export const RCLONE_VERSION = "1.75.1";
export const RCLONE_IMAGE = `rclone/rclone:${RCLONE_VERSION}@sha256:45401ad7410db1d67ffdb58e19059ad20b0d8e0285a60e38bbec55cc1019c7a5`;
