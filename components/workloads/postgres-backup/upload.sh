#!/bin/sh
# Copies the newest backup set that backup.sh wrote to the object store, with rclone, so the
# backups survive the loss of the cluster, its zone or its account. Runs in the official rclone
# image (busybox sh): POSIX sh only.
#
#   <BACKUP_DIR>/<set>/*  ->  store:<BACKUP_STORE_PATH>/<set>/*, then <set>/SHA256SUMS
#
# SHA256SUMS (the SHA-256 of every file of the set) is written last: a set in the store is complete
# if and only if its manifest exists, and download.sh verifies every file against it.
#
# Write-only: every request is a PUT of a new object under a new set's prefix. Nothing is listed,
# overwritten or deleted, in the store or here, and on S3 and GCS nothing is read, so a
# PutObject-only identity (s3:PutObject, roles/storage.objectCreator) suffices (Azure Blob: see
# below), and an object lock or retention policy never gets in the way. A set name is the time backup.sh started (milliseconds), so each run writes a prefix no
# earlier run wrote. Any failure exits non-zero with one `upload: FAILED:` line naming the store
# path; an earlier set, here or in the store, is never touched.
#
# Environment:
#   BACKUP_DIR                    where backup.sh writes the sets (default /backups)
#   BACKUP_STORE_PATH             <bucket-or-container>/<prefix> in the store
#   RCLONE_CONFIG_STORE_TYPE      s3 | google cloud storage | azureblob, and the other
#   RCLONE_CONFIG_STORE_*         options of the rclone remote `store` (env_auth, region, ...)
#   BACKUP_STORE_CREDENTIALS_DIR  optional: a directory with files access-key-id and
#                                 secret-access-key, for an S3-compatible store with static keys
set -eu
umask 077

log() { printf 'upload: %s\n' "$*"; }
die() { printf 'upload: FAILED: %s\n' "$*" >&2; exit 1; }

BACKUP_DIR=${BACKUP_DIR:-/backups}
# shellcheck source=components/workloads/postgres-backup/store-env.sh
. "$(dirname -- "$0")/store-env.sh"
store_path=$(store_path_from_env)
[ -n "${RCLONE_CONFIG_STORE_TYPE:-}" ] || die "RCLONE_CONFIG_STORE_TYPE is not set (the rclone remote \"store\" is configured by environment)"
command -v rclone >/dev/null || die "rclone is not on PATH"
[ -d "$BACKUP_DIR" ] && [ -r "$BACKUP_DIR" ] || die "backup directory $BACKUP_DIR does not exist or is not readable"

store_credentials_from_files

# What keeps rclone to PUTs only (rclone v1.76.0 source, the same in the image's 1.75.1, backend/*/: options of each backend; a backend
# ignores the options it does not have, 2026-12-07):
# - no_check_bucket (s3, google cloud storage), no_check_container (azureblob): do not look for the
#   bucket or try to create it;
# - no_head (s3): trust the PUT's 200 instead of a HEAD of each uploaded object;
# - --no-check-dest (below): upload without listing the destination or HEADing each name;
# - every destination ends in "/": the s3 backend otherwise HEADs the path once to learn whether
#   it names a file (backend/s3/s3.go NewFs), which a PutObject-only identity may not do.
# azureblob reads each blob's properties after writing it (backend/azureblob/azureblob.go Update,
# and its NewFs reads the destination path's; no option turns that off: rclone/rclone#7027, open
# on 2026-12-07), so there the identity also needs blob read, never list or delete.
export RCLONE_CONFIG_STORE_NO_CHECK_BUCKET=true RCLONE_CONFIG_STORE_NO_CHECK_CONTAINER=true RCLONE_CONFIG_STORE_NO_HEAD=true
# No config file: the remote is the environment's, and the image's root filesystem is read-only.
export RCLONE_CONFIG=${RCLONE_CONFIG:-/dev/null}

# The newest complete set: backup.sh's set name (sortable time), never a .partial-* directory.
newest=$(cd "$BACKUP_DIR" && for d in *; do
    [ -d "$d" ] && printf '%s\n' "$d"
done | grep -E '^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$' | LC_ALL=C sort | tail -n 1) || true
[ -n "$newest" ] || die "no backup set in $BACKUP_DIR to upload to store:$store_path/"
set_dir="$BACKUP_DIR/$newest"
dest="store:$store_path/$newest/"

# The manifest is computed before anything is sent, so it describes exactly what was uploaded
# from this directory. It is kept in memory: this container writes nothing to disk.
files=$(cd "$set_dir" && for f in *; do [ -f "$f" ] && printf '%s\n' "$f"; done) || true
[ -n "$files" ] || die "set $set_dir is empty; nothing uploaded to $dest"
# rclone's complaints, if any, go to stderr above the FAILED line.
manifest=$(rclone hashsum sha256 --max-depth 1 "$set_dir") || die "cannot checksum $set_dir for $dest"
manifest=$(printf '%s\n' "$manifest" | LC_ALL=C sort -k 2)
[ "$(printf '%s\n' "$manifest" | sed 's/^[0-9a-f]\{64\}  //')" = "$(printf '%s\n' "$files" | LC_ALL=C sort)" ] ||
    die "the checksums of $set_dir do not name exactly its files; nothing uploaded to $dest"

log "uploading set $newest ($(printf '%s\n' "$files" | wc -l | tr -d ' ') files) to $dest"
if ! out=$(rclone copy --no-check-dest --max-depth 1 --stats 0 "$set_dir/" "$dest" 2>&1); then
    printf '%s\n' "$out" >&2
    die "cannot upload set $newest to $dest: $(last_error "$out")"
fi
if ! out=$(printf '%s\n' "$manifest" | rclone rcat --stats 0 "${dest}SHA256SUMS" 2>&1); then
    printf '%s\n' "$out" >&2
    die "cannot write the manifest ${dest}SHA256SUMS (the set's files are there, but without it the set is incomplete): $(last_error "$out")"
fi
log "uploaded set $newest to $dest (manifest SHA256SUMS written last)"
