#!/bin/sh
# Fetches one backup set that upload.sh put in the object store and verifies it, for restore.sh:
#
#   download.sh SET|latest DEST_DIR
#
# SET is a set name (20261201T030000.123Z); `latest` is the newest set whose manifest (SHA256SUMS,
# which upload.sh writes last) exists, so a set whose upload was cut short is never picked. Every
# file is checked against the manifest, and a file missing from either side fails the run. DEST_DIR
# must not exist or be empty; it appears (the set's dumps, globals.sql and SHA256SUMS) only once
# everything checked out, then:
#
#   restore.sh DEST_DIR/<database>.dump [DATABASE]
#
# Listing the store needs list and read rights: run it with your own credentials, not the backup
# job's write-only identity. Nothing in the store is changed.
#
# Environment: as upload.sh: BACKUP_STORE_PATH (<bucket-or-container>/<prefix>), the rclone remote
# `store` (RCLONE_CONFIG_STORE_TYPE and RCLONE_CONFIG_STORE_*, or a [store] section in your
# rclone.conf), optional BACKUP_STORE_CREDENTIALS_DIR (files access-key-id, secret-access-key).
set -eu
umask 077

log() { printf 'download: %s\n' "$*"; }
die() { printf 'download: FAILED: %s\n' "$*" >&2; exit 1; }
usage() { printf 'usage: download.sh SET|latest DEST_DIR   (SET like 20261201T030000.123Z)\n' >&2; exit 2; }

set_re='^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$'
[ $# -eq 2 ] || usage
want=$1
dest=$2
# grep matches line by line: the case also refuses a name with a newline in it.
case $want in *[!0-9TZ.]*) [ "$want" = latest ] || usage ;; esac
[ "$want" = latest ] || printf '%s\n' "$want" | grep -Eq "$set_re" || usage
[ -n "$dest" ] || usage
if [ -e "$dest" ] || [ -L "$dest" ]; then
    [ -d "$dest" ] && [ -z "$(ls -A -- "$dest")" ] || die "$dest exists and is not an empty directory; nothing downloaded"
fi

# shellcheck source=components/workloads/postgres-backup/store-env.sh
. "$(dirname -- "$0")/store-env.sh"
store_path=$(store_path_from_env)
command -v rclone >/dev/null || die "rclone is not on PATH"
store_credentials_from_files
root="store:$store_path/"

fail_with() { # fail_with OUTPUT MESSAGE: rclone's log on stderr, then the one FAILED line
    printf '%s\n' "$1" >&2
    die "$2: $(last_error "$1")"
}

# The complete sets: the names of the set directories that hold a manifest.
if ! listing=$(rclone lsf --recursive --files-only --stats 0 --include '/*/SHA256SUMS' "$root" 2>&1); then
    fail_with "$listing" "cannot list the sets in $root"
fi
complete=$(printf '%s\n' "$listing" | sed -n 's#^\([^/]*\)/SHA256SUMS$#\1#p' | grep -E "$set_re" | LC_ALL=C sort) || true
if [ "$want" = latest ]; then
    set=$(printf '%s\n' "$complete" | tail -n 1)
    [ -n "$set" ] || die "no complete set (one with its SHA256SUMS) in $root"
else
    set=$want
    printf '%s\n' "$complete" | grep -qxF "$set" ||
        die "set $set is not in $root with its manifest SHA256SUMS (never uploaded, or its upload did not finish)"
fi

# Into a directory beside DEST_DIR, renamed only when verified: a failed run leaves no DEST_DIR
# that looks like a set.
parent=$(dirname -- "$dest")
mkdir -p -- "$parent" || die "cannot create $parent"
work=$(mktemp -d "$parent/.download-$set.XXXXXX") || die "cannot create a directory in $parent"
trap 'rm -rf -- "$work"' EXIT
trap 'exit 1' HUP INT TERM

log "downloading set $set from $root$set/"
if ! out=$(rclone copy --stats 0 --max-depth 1 "$root$set/" "$work/" 2>&1); then
    fail_with "$out" "cannot download set $set from $root$set/"
fi
[ -f "$work/SHA256SUMS" ] || die "set $set lost its manifest during the download from $root$set/"
# Every line of the manifest is `<sha256>  <file name>`, names as backup.sh writes them: anything
# else is not a manifest upload.sh wrote.
if grep -Evq '^[0-9a-f]{64}  [A-Za-z0-9_%-][A-Za-z0-9_%.-]*$' "$work/SHA256SUMS"; then
    die "the manifest $root$set/SHA256SUMS is malformed"
fi
# rclone checksum fails on a differing file and on a file missing on either side (the manifest
# itself excluded).
if ! out=$(rclone checksum sha256 --stats 0 --exclude /SHA256SUMS "$work/SHA256SUMS" "$work/" 2>&1); then
    fail_with "$out" "set $set from $root$set/ does not match its manifest SHA256SUMS; nothing kept"
fi
count=$(grep -c . "$work/SHA256SUMS")

[ ! -d "$dest" ] || rmdir -- "$dest" || die "cannot replace the empty directory $dest"
mv -- "$work" "$dest" || die "cannot rename $work to $dest"
trap - EXIT
log "set $set: $count files verified against SHA256SUMS in $dest"
log "restore a database with: restore.sh $dest/<database>.dump [DATABASE] (roles: $dest/globals.sql)"
