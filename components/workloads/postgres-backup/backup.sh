#!/bin/bash
# Logical backup of every database of one PostgreSQL server: one backup set per run, a directory
# named by the UTC time it started, holding `<database>.dump` (pg_dump custom format) per database
# and `globals.sql` (roles and tablespaces, which no per-database dump contains).
#
# A set appears under its final name only when every dump in it succeeded and reads back: it is
# written to `.partial-<name>/` and renamed in one step. Only then are old sets removed, keeping the
# newest BACKUP_KEEP. Any error exits non-zero with a message saying what failed, before any
# earlier set is touched.
#
# Environment:
#   PGHOST, PGPORT, PGUSER, PGPASSFILE   the server (libpq's own variables; in the pod, pgpass.sh
#                                        writes PGPASSFILE from the Secret before this runs)
#   BACKUP_DIR    where the sets go (default /backups)
#   BACKUP_KEEP   how many sets to keep, 1-365 (default 7)
#   PGCONNECT_TIMEOUT  seconds to wait for the server (default here 10, so a dead host fails fast)
set -euo pipefail
umask 077

log() { printf 'backup: %s\n' "$*"; }
die() { printf 'backup: FAILED: %s\n' "$*" >&2; exit 1; }

BACKUP_DIR=${BACKUP_DIR:-/backups}
BACKUP_KEEP=${BACKUP_KEEP:-7}
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
# Never read a ~/.psqlrc or write history: the root filesystem is read-only in the pod.
export PSQLRC=/dev/null

[[ "$BACKUP_KEEP" =~ ^[0-9]+$ ]] && ((10#$BACKUP_KEEP >= 1 && 10#$BACKUP_KEEP <= 365)) ||
    die "BACKUP_KEEP=\"$BACKUP_KEEP\" is not an integer from 1 to 365"
BACKUP_KEEP=$((10#$BACKUP_KEEP))
[ -d "$BACKUP_DIR" ] && [ -w "$BACKUP_DIR" ] || die "backup directory $BACKUP_DIR does not exist or is not writable"
for tool in psql pg_dump pg_dumpall pg_restore; do
    command -v "$tool" >/dev/null || die "$tool is not on PATH"
done

server="${PGHOST:-local socket}:${PGPORT:-5432} as ${PGUSER:-$(id -un)}"

# A set name sorts by time: 20261201T030000.123Z (milliseconds, so two runs never collide).
name=$(date -u +%Y%m%dT%H%M%S.%3NZ)
set_re='^[0-9]{8}T[0-9]{6}\.[0-9]{3}Z$'

# concurrencyPolicy Forbid means no other run is writing: a partial set left here was killed
# mid-write (OOM, deadline) and is never a backup.
for stale in "$BACKUP_DIR"/.partial-*; do
    [ -e "$stale" ] || continue
    log "removing $(basename "$stale") left by an interrupted run"
    rm -rf -- "$stale"
done

partial="$BACKUP_DIR/.partial-$name"
mkdir -- "$partial" || die "cannot create $partial"
trap 'rm -rf -- "$partial"' EXIT

# Database names are printed NUL-separated so any name survives.
list_err=$(mktemp)
if ! psql -X -w -d postgres -v ON_ERROR_STOP=1 -A -t -0 -c \
    "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname" \
    >"$partial/.databases" 2>"$list_err"; then
    err=$(cat "$list_err")
    rm -f "$list_err"
    die "cannot list the databases on $server: ${err:-psql exited with an error}"
fi
rm -f "$list_err"
mapfile -d '' databases <"$partial/.databases"
rm -f -- "$partial/.databases"
[ ${#databases[@]} -gt 0 ] || die "no databases to back up on $server"

# A file name for any database name: bytes outside [A-Za-z0-9_-] become %XX (so `.` and `/` and
# names starting with a dot cannot escape the set directory or hide in it).
encode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case "$c" in
            [A-Za-z0-9_-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

pg_dumpall --globals-only --no-password --file="$partial/globals.sql" ||
    die "pg_dumpall --globals-only failed on $server"

for db in "${databases[@]}"; do
    file="$partial/$(encode "$db").dump"
    # --dbname takes a connection string: quote the name for it (backslash, then quote, escaped).
    quoted=${db//\\/\\\\}
    quoted=${quoted//\'/\\\'}
    conninfo="dbname='$quoted'"
    pg_dump --format=custom --no-password --dbname="$conninfo" --file="$file" ||
        die "pg_dump of database \"$db\" on $server failed"
    # Read the archive's table of contents back: a truncated or corrupt file fails here, not at restore.
    pg_restore --list "$file" >/dev/null || die "the dump of \"$db\" does not read back ($file)"
    log "dumped \"$db\" ($(du -h -- "$file" | cut -f1))"
done

# Data first, then the directory entries: the set survives a node crash right after the rename.
sync -- "$partial"/* "$partial"
final="$BACKUP_DIR/$name"
[ ! -e "$final" ] || die "$final already exists"
mv -T -- "$partial" "$final" || die "cannot rename $partial to $final"
trap - EXIT
sync -- "$BACKUP_DIR"
log "wrote set $name: ${#databases[@]} database(s), $(du -sh -- "$final" | cut -f1)"

# Rotation, only after a good set exists: keep the newest BACKUP_KEEP sets, whatever else is there.
mapfile -t sets < <(find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -E "$set_re" | LC_ALL=C sort)
excess=$((${#sets[@]} - BACKUP_KEEP))
for ((i = 0; i < excess; i++)); do
    rm -rf -- "${BACKUP_DIR:?}/${sets[i]}"
    log "removed set ${sets[i]} (keeping the newest $BACKUP_KEEP)"
done
log "sets kept:"
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | grep -E "$set_re" | LC_ALL=C sort | sed 's/^/  /'
