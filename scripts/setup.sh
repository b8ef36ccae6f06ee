#!/usr/bin/env bash
# One command that prepares a fresh Debian 12 machine for `npm test`: the npm packages from the
# lockfile, and the Debian packages the app's tests and the compose check use (Debian's fastapi,
# redis-py, pytest, a real redis-server, docker-compose). Run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    # npm test: the app's tests (a real redis-server) and the compose check
    python3-fastapi python3-redis python3-pytest python3-httpx python3-uvicorn
    redis-server redis-tools docker-compose
    # npm run bench:app: the load generator, and the fast paths the image's uvicorn uses
    wrk python3-uvloop python3-httptools
)
missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    # --no-install-recommends keeps docker-compose from pulling in a Docker engine we do not use.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The tests start their own redis-server on a free loopback port; the packaged service is not needed.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
    echo "note: the system redis-server service is running; the tests do not use it."
fi

# PostgreSQL 18 for the backup/restore test (Debian 12 has only 15, which cannot read 18's dumps).
bash scripts/postgres-test-binaries.sh

npm ci --no-audit --no-fund
