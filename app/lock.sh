#!/usr/bin/env bash
# Recompile the hash locks after editing requirements.txt or requirements-test.txt:
#
#   app/lock.sh            # needs uv (pip install uv); UV=/path/to/uv to choose one
#
# requirements.lock is what the image installs (Dockerfile: pip install --require-hashes
# --no-deps) and what scripts/setup.sh puts into the test virtual environment, together with
# requirements-test.lock (the test-only packages, resolved with requirements.lock as
# constraints, so they cannot move an app package).
#
# Why uv and not pip-compile: pip-compile resolves for the interpreter it runs on, while the
# image is built for linux/amd64 and linux/arm64 on CPython 3.13. uv resolves for a given
# Python version and platform without that interpreter, so both platforms are resolved here and
# must give the same set (they do: no platform markers among these packages). Either tool
# records the hashes of every file of each pinned release (all wheels and the sdist), so the
# platform wheels of uvloop, httptools and pydantic-core are covered for both architectures.
set -euo pipefail
cd "$(dirname "$0")"
UV=${UV:-uv}
PY=3.13
common=(--generate-hashes --python-version "$PY" --quiet)

"$UV" pip compile requirements.txt "${common[@]}" --python-platform x86_64-manylinux_2_28 \
    --custom-compile-command "app/lock.sh" -o requirements.lock
"$UV" pip compile requirements.txt "${common[@]}" --python-platform aarch64-manylinux_2_28 \
    --custom-compile-command "app/lock.sh" -o "${TMPDIR:-/tmp}/requirements.arm64.lock"
if ! diff -u requirements.lock "${TMPDIR:-/tmp}/requirements.arm64.lock"; then
    echo "lock.sh: linux/amd64 and linux/arm64 resolve differently; the image needs one lock per platform" >&2
    exit 1
fi

# The test lock leaves out every package requirements.lock already pins, so the two files
# together name each package once.
no_emit=()
while read -r name; do no_emit+=(--no-emit-package "$name"); done \
    < <(sed -n 's/^\([A-Za-z0-9._-]*\)==.*/\1/p' requirements.lock)
"$UV" pip compile requirements-test.txt "${common[@]}" --python-platform x86_64-manylinux_2_28 \
    --constraint requirements.lock "${no_emit[@]}" \
    --custom-compile-command "app/lock.sh" -o requirements-test.lock
echo "wrote app/requirements.lock and app/requirements-test.lock ($("$UV" --version))"
