#!/usr/bin/env bash
# `npm run test:e2e`: the platform against a real Pulumi engine and real Kubernetes API servers
# (tests/e2e/README.md says what it proves and what it does not). Builds the toolchain first when
# it is missing (scripts/e2e-toolchain.sh; cached outside the clone), then runs the e2e specs with
# mocha; extra arguments go to mocha (e.g. --grep smoke). Every process the tests started is
# ended here too if the test process died first; a failed run's directory is kept for its logs.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/use-node.sh
source scripts/use-node.sh

bash scripts/e2e-toolchain.sh
command -v openssl >/dev/null || { echo "e2e: openssl is needed (apt-get install openssl)" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/platform-e2e.XXXXXX")
export E2E_RUN_ROOT="$root"
status=0
finish() {
    # What the tests started (the servers, and the provider plugins the engine started, which
    # outlive a killed engine) all name this run's unique directory on their command lines; the
    # pids come from /proc, each checked before it is ended.
    local cmdline pid args
    for cmdline in /proc/[0-9]*/cmdline; do
        pid=${cmdline#/proc/}
        pid=${pid%/cmdline}
        args=$(tr '\0' ' ' 2>/dev/null <"$cmdline") || continue
        if [ "$pid" != "$$" ] && [[ "$args" == *"$root/"* ]]; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    if [ "$status" -eq 0 ]; then rm -rf "$root"; else echo "e2e: logs of the failed run kept in $root" >&2; fi
}
trap finish EXIT
trap 'status=130; exit 130' INT TERM
node_modules/.bin/mocha --config tests/e2e/mocharc.json "$@" || status=$?
exit "$status"
