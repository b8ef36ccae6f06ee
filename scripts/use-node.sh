#!/usr/bin/env bash
# Runs a command on the project's Node (the version in .node-version, or a newer one):
#
#   bash scripts/use-node.sh tsx scripts/plan.ts aws     # what the npm scripts do
#   source scripts/use-node.sh                           # the same PATH for this shell
#
# scripts/setup.sh installs that Node into .tools/node when the machine's is older; this puts
# .tools/node/bin first on PATH. Everything started below it then runs on that Node, also when
# `npm` itself was started by an older one: the npm scripts (mocha, tsx, tsc, eslint) and npm
# (`#!/usr/bin/env node`) all find `node` through PATH.
_use_node_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_use_node_want=$(tr -d '[:space:]' <"$_use_node_root/.node-version")
if [ -x "$_use_node_root/.tools/node/bin/node" ]; then
    case ":$PATH:" in
        *":$_use_node_root/.tools/node/bin:"*) ;;
        *) export PATH="$_use_node_root/.tools/node/bin:$PATH" ;;
    esac
fi
_use_node_have=$(node --version 2>/dev/null || true)
_use_node_have=${_use_node_have#v}
if [ -z "$_use_node_have" ] ||
    [ "$(printf '%s\n' "$_use_node_want" "$_use_node_have" | sort -V | head -n1)" != "$_use_node_want" ]; then
    echo "error: this project needs Node $_use_node_want or newer (.node-version), found ${_use_node_have:-none}:" \
        "run 'bash scripts/setup.sh' first" >&2
    if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then return 1; else exit 1; fi
fi
unset _use_node_root _use_node_want _use_node_have
if [[ "${BASH_SOURCE[0]}" == "$0" && $# -gt 0 ]]; then
    exec "$@"
fi
