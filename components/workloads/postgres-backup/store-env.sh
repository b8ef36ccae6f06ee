# shellcheck shell=sh
# What upload.sh and download.sh share, sourced by both (POSIX sh: the pod runs busybox sh): the
# store path from BACKUP_STORE_PATH, the optional static key pair, rclone's retries, and rclone's
# last complaint for a FAILED line. The sourcing script defines `die` first.

# The store path without doubled, leading or trailing slashes: the two scripts then name the same
# objects whatever the user typed.
store_path_from_env() {
    [ -n "${BACKUP_STORE_PATH:-}" ] || die "BACKUP_STORE_PATH is not set (<bucket>/<prefix> in the store)"
    printf '%s' "$BACKUP_STORE_PATH" | sed 's#//*#/#g; s#^/##; s#/$##'
}

# The key pair of an S3-compatible store with static keys, read from files into this process's
# environment only: never on a command line (ps) or in the pod spec.
store_credentials_from_files() {
    [ -n "${BACKUP_STORE_CREDENTIALS_DIR:-}" ] || return 0
    for f in access-key-id secret-access-key; do
        [ -s "$BACKUP_STORE_CREDENTIALS_DIR/$f" ] || die "$BACKUP_STORE_CREDENTIALS_DIR/$f is missing or empty"
    done
    RCLONE_CONFIG_STORE_ACCESS_KEY_ID=$(cat "$BACKUP_STORE_CREDENTIALS_DIR/access-key-id")
    RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY=$(cat "$BACKUP_STORE_CREDENTIALS_DIR/secret-access-key")
    export RCLONE_CONFIG_STORE_ACCESS_KEY_ID RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY
}

# A dead or refusing store fails the run within minutes (a refused connection: at once), not after
# rclone's default of 3 full retries with 10 low-level retries each.
export RCLONE_RETRIES="${RCLONE_RETRIES:-2}" RCLONE_LOW_LEVEL_RETRIES="${RCLONE_LOW_LEVEL_RETRIES:-3}"
export RCLONE_CONTIMEOUT="${RCLONE_CONTIMEOUT:-15s}"

# rclone's last complaint, without its date and level, for the FAILED line (its whole log goes to
# stderr above it).
last_error() {
    printf '%s\n' "$1" | grep -E 'ERROR|NOTICE|Failed|error' | tail -n 1 |
        sed -E 's#^[0-9]{4}/[0-9]{2}/[0-9]{2} [0-9:]{8} [A-Z+0-9]+ *: ##'
}
