#!/bin/bash
# Gives an app a database and a role of its own in the platform's Postgres: creates the role
# (LOGIN, no other privilege) and the database it owns when they do not exist, and sets the role's
# password from the mounted file on every run, so a new password in the Secret takes effect. Runs
# as the app's database Job, as the superuser, over TCP to the server.
#
# No password is on a command line or in the environment: the superuser's reaches libpq through a
# private password file (mode 0600, as libpq requires, in a memory-backed volume), the role's
# through a psql variable read from its file. psql's own quoting (:'var', :"var") keeps names and
# the password from being read as SQL.
#
# Environment:
#   PGHOST, PGPORT           the server
#   ADMIN_PASSWORD_FILE      the superuser's mounted password; a final newline is not part of it
#   ROLE_PASSWORD_FILE       the app role's mounted password
#   APP_ROLE, APP_DATABASE   the names to create
#   PGPASSFILE               where to write libpq's password file
#   PG_WAIT_SECONDS          how long to wait for the server to accept connections (default 300)
set -euo pipefail
umask 077

die() { printf 'create-database: FAILED: %s\n' "$*" >&2; exit 1; }

: "${ADMIN_PASSWORD_FILE:?}" "${ROLE_PASSWORD_FILE:?}" "${APP_ROLE:?}" "${APP_DATABASE:?}" "${PGPASSFILE:?}"
[ -r "$ADMIN_PASSWORD_FILE" ] || die "cannot read $ADMIN_PASSWORD_FILE"
[ -s "$ROLE_PASSWORD_FILE" ] || die "$ROLE_PASSWORD_FILE is missing or empty"

escape() {
    local v=${1//\\/\\\\}
    printf '%s' "${v//:/\\:}"
}
# On a new stack the server may still be starting: wait for it (up to PG_WAIT_SECONDS, default 300)
# rather than spend the Job's retries on a refused connection.
deadline=$((SECONDS + ${PG_WAIT_SECONDS:-300}))
until pg_isready -q; do
    [ "$SECONDS" -lt "$deadline" ] || die "the server at ${PGHOST:-localhost}:${PGPORT:-5432} is not accepting connections"
    sleep 2
done

admin=$(<"$ADMIN_PASSWORD_FILE")
printf '*:*:*:postgres:%s\n' "$(escape "$admin")" >"$PGPASSFILE"
chmod 600 "$PGPASSFILE"

psql -X -v ON_ERROR_STOP=1 -U postgres -d postgres -v role="$APP_ROLE" -v db="$APP_DATABASE" <<'SQL'
\set pw `cat "$ROLE_PASSWORD_FILE"`
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'pw';
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT ALL ON DATABASE :"db" TO :"role";
SQL
printf 'create-database: role %s owns database %s\n' "$APP_ROLE" "$APP_DATABASE"
