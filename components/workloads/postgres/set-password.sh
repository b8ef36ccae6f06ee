#!/bin/bash
# Makes the stored password of the superuser the one in the mounted Secret, before the server
# starts. Runs as an init container on every start of the Postgres pod.
#
# The image's entrypoint applies POSTGRES_PASSWORD_FILE only when it creates the database (an
# empty volume); from then on the role's password lives in the data directory, and a new password
# in the Secret would lock every client out. So, on an existing data directory, this starts a
# private server (no TCP listener; its socket and its pg_hba.conf in a private temporary
# directory), sets the password from the file over that socket, and stops the server again: the
# server that follows accepts exactly the Secret's password. The password is on no command line
# (bash's printf is a builtin), and the private server logs no statement.
#
# Environment:
#   PGDATA                   the data directory (the image sets it for 18 and later)
#   POSTGRES_PASSWORD_FILE   the mounted password; a final newline is not part of it, as for
#                            the image's own reading of the file
#   POSTGRES_USER            the role (default postgres, as in the image)
#   PG_START_TIMEOUT         seconds to wait for the private server, which may first have to
#                            recover from a crash (default 3600)
set -euo pipefail
umask 077

log() { printf 'set-password: %s\n' "$*"; }
die() { printf 'set-password: FAILED: %s\n' "$*" >&2; exit 1; }

: "${PGDATA:?PGDATA is not set}"
: "${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE is not set}"
user=${POSTGRES_USER:-postgres}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    log "no database in $PGDATA yet: the server's first start creates it with the password from $POSTGRES_PASSWORD_FILE"
    exit 0
fi

data_major=$(<"$PGDATA/PG_VERSION")
[[ $(postgres -V) =~ \(PostgreSQL\)\ ([0-9]+) ]] || die "cannot tell the version of $(command -v postgres)"
server_major=${BASH_REMATCH[1]}
[ "$data_major" = "$server_major" ] ||
    die "$PGDATA holds a PostgreSQL $data_major database and this image runs PostgreSQL $server_major; upgrade the data first (pg_upgrade, or dump and restore)"

[ -r "$POSTGRES_PASSWORD_FILE" ] || die "cannot read $POSTGRES_PASSWORD_FILE"
password=$(<"$POSTGRES_PASSWORD_FILE")
[ -n "$password" ] || die "$POSTGRES_PASSWORD_FILE is empty"

private=$(mktemp -d)
trap 'rm -rf -- "$private"' EXIT
# Only this script can reach the private server: no TCP, a socket in a directory only its user
# can enter, and whatever the data directory's pg_hba.conf says, trust for that socket alone.
printf 'local all all trust\n' >"$private/pg_hba.conf"
options="-c listen_addresses='' -c unix_socket_directories='$private' -c hba_file='$private/pg_hba.conf'"
options+=" -c log_statement=none -c log_min_error_statement=panic"
pg_ctl -D "$PGDATA" -w -t "${PG_START_TIMEOUT:-3600}" -o "$options" start ||
    die "the server did not start on $PGDATA (its log is above)"
trap 'pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf -- "$private"' EXIT

literal=${password//\'/\'\'}
identifier=${user//\"/\"\"}
printf "ALTER ROLE \"%s\" PASSWORD '%s';\n" "$identifier" "$literal" |
    psql -X -q -v ON_ERROR_STOP=1 -h "$private" -U "$user" -d postgres >/dev/null ||
    die "could not set the password of role \"$user\""

pg_ctl -D "$PGDATA" -m fast -w -t 600 stop || die "the server on $PGDATA did not stop"
trap 'rm -rf -- "$private"' EXIT
log "set the password of role \"$user\" from $POSTGRES_PASSWORD_FILE"
