#!/usr/bin/env bash
# Runs the app's Python: the virtual environment scripts/setup.sh builds from app/requirements.lock
# (what the image installs) plus app/requirements-test.lock, on Python 3.13 where the machine has it.
#
#   bash scripts/app-python.sh -m pytest app/tests -q      # npm run test:app
set -euo pipefail
venv="$(cd "$(dirname "$0")/.." && pwd)/.tools/app-venv"
if [ ! -x "$venv/bin/python" ]; then
    echo "error: $venv is missing: run 'bash scripts/setup.sh' first" >&2
    exit 1
fi
exec "$venv/bin/python" "$@"
