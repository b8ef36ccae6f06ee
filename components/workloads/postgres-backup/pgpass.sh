#!/bin/bash
# Writes libpq's password file (PGPASSFILE) from the password file mounted from the Secret, so
# that backup.sh, restore.sh and any psql in the pod authenticate with no password in their
# environment or on a command line. Runs as the backup pod's init container.
#
# libpq ignores a password file its group or others may read, and the kubelet makes a Secret's
# files group-readable (the pod's fsGroup): hence this private copy, mode 0600, in a memory-backed
# volume of the pod.
#
# Environment:
#   POSTGRES_PASSWORD_FILE   the mounted password; a final newline is not part of it
#   PGPASSFILE               the file to write
#   PGUSER                   the role it is the password of (default postgres)
set -euo pipefail
umask 077

die() { printf 'pgpass: FAILED: %s\n' "$*" >&2; exit 1; }

: "${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE is not set}"
: "${PGPASSFILE:?PGPASSFILE is not set}"
[ -r "$POSTGRES_PASSWORD_FILE" ] || die "cannot read $POSTGRES_PASSWORD_FILE"
password=$(<"$POSTGRES_PASSWORD_FILE")
[ -n "$password" ] || die "$POSTGRES_PASSWORD_FILE is empty"

# hostname:port:database:username:password; in a field, ':' and '\' are escaped with '\'.
escape() {
    local v=${1//\\/\\\\}
    printf '%s' "${v//:/\\:}"
}
printf '*:*:*:%s:%s\n' "$(escape "${PGUSER:-postgres}")" "$(escape "$password")" >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"
