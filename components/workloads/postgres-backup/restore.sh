#!/bin/bash
# Restores one dump written by backup.sh into a database:
#
#   restore.sh DUMP [DATABASE]
#
# DATABASE defaults to the database the dump was taken from.
# - DATABASE exists: every object in the dump is dropped (if present) and recreated from it
#   (pg_restore --clean --if-exists). Objects created after the dump and absent from it stay.
# - DATABASE does not exist: it is created (from template0) and the dump restored into it; restore
#   into a new name and swap with ALTER DATABASE ... RENAME to get exactly the dumped state.
# Either way the restore is one transaction (--single-transaction --exit-on-error): it applies
# completely or not at all, and a database this script created is dropped again on failure.
# Roles are not in a per-database dump: on a new server, apply the set's globals.sql first.
#
# Environment: PGHOST, PGPORT, PGUSER, PGPASSFILE (libpq's own variables; in a pod copied from the
# backup CronJob, its init container has written PGPASSFILE from the Secret).
set -euo pipefail

log() { printf 'restore: %s\n' "$*"; }
die() { printf 'restore: FAILED: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: restore.sh DUMP [DATABASE]"
dump=$1
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
export PSQLRC=/dev/null

[ -f "$dump" ] && [ -r "$dump" ] || die "$dump is not a readable file"
toc=$(pg_restore --list -- "$dump" 2>&1) || die "$dump is not a pg_dump custom-format archive: $toc"
source_db=$(sed -n 's/^;[[:space:]]*[Dd]bname: //p' <<<"$toc" | head -n 1)
db=${2:-$source_db}
[ -n "$db" ] || die "no DATABASE given and the dump does not name its database"

server="${PGHOST:-local socket}:${PGPORT:-5432} as ${PGUSER:-$(id -un)}"
quoted=${db//\\/\\\\}
quoted=${quoted//\'/\\\'}
conninfo="dbname='$quoted'"

# psql variables (:'db', :"db") quote the name as a literal / an identifier; they are expanded only
# in commands read from stdin, not from -c.
sql() { psql -X -w -d postgres -v ON_ERROR_STOP=1 -v db="$db" -A -t -q "$@"; }

exists=$(sql <<<"SELECT count(*) FROM pg_database WHERE datname = :'db'" 2>&1) ||
    die "cannot connect to $server: $exists"

if [ "$exists" = "1" ]; then
    log "restoring $dump into existing database \"$db\" (objects in the dump are replaced)"
    pg_restore --clean --if-exists --single-transaction --exit-on-error --no-password \
        --dbname="$conninfo" -- "$dump" ||
        die "pg_restore into \"$db\" failed; the transaction was rolled back, \"$db\" is as it was"
else
    log "creating database \"$db\" and restoring $dump into it"
    out=$(sql <<<'CREATE DATABASE :"db" TEMPLATE template0' 2>&1) || die "cannot create database \"$db\": $out"
    if ! pg_restore --single-transaction --exit-on-error --no-password --dbname="$conninfo" -- "$dump"; then
        sql <<<'DROP DATABASE IF EXISTS :"db"' || true
        die "pg_restore into new database \"$db\" failed; \"$db\" was dropped again"
    fi
fi
log "restored \"$source_db\" from $dump into \"$db\" on $server"
