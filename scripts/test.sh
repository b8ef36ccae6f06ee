#!/usr/bin/env bash
# `npm test`: every check. The static checks (eslint, tsc) and the unit tests are each
# single-threaded, so they run side by side on two cores; the static checks' output is held back
# and printed after the unit tests so the two logs do not interleave. Exits non-zero if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then
    echo "npm test takes no arguments (got: $*); run one test file with: bash scripts/use-node.sh mocha <file>" >&2
    exit 2
fi
# The project's Node first on PATH (.tools/node when setup installed it), so every step below --
# npm included -- runs on it even when `npm test` was started by an older machine Node.
# shellcheck source=scripts/use-node.sh
source scripts/use-node.sh || exit 1

static_log=$(mktemp)
trap 'rm -f "$static_log"' EXIT
( npm run --silent lint && npm run --silent typecheck ) >"$static_log" 2>&1 &
static_pid=$!

status=0
npm run --silent test:unit || status=1
if wait "$static_pid"; then
    echo "lint and typecheck: ok"
else
    status=1
    echo "lint or typecheck FAILED:"
fi
cat "$static_log"

npm run --silent test:app || status=1
npm run --silent test:compose && echo "docker-compose.yml: valid" || status=1
exit "$status"
