#!/usr/bin/env bash
# The binaries `npm run test:e2e` runs, built from the Go module proxy only (no download sites, no
# fetched sources): the Pulumi CLI, the kubernetes provider plugin, two Kubernetes control planes
# (kube-apiserver, kube-controller-manager, kube-scheduler) with the etcd each one pins, and kwok
# for fake nodes.
#
#   bash scripts/e2e-toolchain.sh            build what is missing (warm: a few seconds)
#   bash scripts/e2e-toolchain.sh --check    exit 0 when everything is built, else name what is not
#   bash scripts/e2e-toolchain.sh --print-dir   print the cache directory
#
# Everything lives outside the clone in $PLATFORM_E2E_CACHE (default /var/cache/platform-e2e),
# one directory per tool and version (`kube-v1.36.3/`, `pulumi-v3.276.0/`, ...), so a CI cache or
# a second clone reuses it and a version bump builds only what changed. Go's own module and build
# caches are kept there too (go/), which makes a first run measurably cold and keeps the machine's
# caches untouched. Binaries are stripped (-s -w) and -trimpath; at most $E2E_BUILD_JOBS (default
# 2) `go build`s run at once, each on one core and niced, because the machine is shared.
#
# Why wrapper modules: `go install module@version` refuses modules with replace directives, and
# the Pulumi CLI, the provider, etcd and Kubernetes all have them (pointing into their own
# repositories). Each wrapper module requires the tool's module and restates those replaces
# against published versions: a relative replace becomes the same module at the version the
# tool's go.mod requires, and Kubernetes' `v0.0.0` staging placeholders become v0.<minor>.<patch>.
set -euo pipefail
cd "$(dirname "$0")/.."

PULUMI_VERSION=v3.276.0
KUBE_VERSIONS=(v1.36.3 v1.35.4)
KWOK_VERSION=v0.8.0
# The provider's only published Go module version: a pseudo-version of the v4.25.0 release commit
# (proxy.golang.org, checked 2026-12-07; the repository's tags lack the provider/ prefix).
PROVIDER_MODULE_VERSION=v4.0.0-20260115033456-f47bc2d6f199
PROVIDER_VERSION=4.25.0
CONTROL_PLANE="kube-apiserver kube-controller-manager kube-scheduler"
# The newest `go` line among the modules (github.com/pulumi/pulumi/pkg/v3 v3.276.0: go 1.26.6);
# GOTOOLCHAIN=local below, so an older Go fails instead of fetching a toolchain.
MIN_GO=1.26.6

CACHE=${PLATFORM_E2E_CACHE:-/var/cache/platform-e2e}
JOBS=${E2E_BUILD_JOBS:-2}
MODE=build
case "${1:-}" in
    "") ;;
    --check) MODE=check ;;
    --print-dir) echo "$CACHE"; exit 0 ;;
    *) echo "e2e-toolchain: unknown argument '$1' (allowed: --check, --print-dir, or none to build)" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "e2e-toolchain: one argument at most, got $#: $*" >&2; exit 2; }
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "e2e-toolchain: E2E_BUILD_JOBS must be a positive integer, got '$JOBS'" >&2; exit 2; }

# The version @pulumi/kubernetes asks the engine for; the plugin is installed under it.
SDK_PROVIDER_VERSION=$(sed -n 's/^ *"version": "\([^"]*\)".*/\1/p' node_modules/@pulumi/kubernetes/package.json | head -n1)
[ -n "$SDK_PROVIDER_VERSION" ] || { echo "e2e-toolchain: no @pulumi/kubernetes in node_modules; run 'bash scripts/setup.sh' first" >&2; exit 1; }

export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
export GOPROXY=${GOPROXY:-https://proxy.golang.org}
LOGS="$CACHE/logs"
# Everything the built set depends on; toolchain.json records it.
KEY="pulumi $PULUMI_VERSION; kubernetes ${KUBE_VERSIONS[*]}; kwok $KWOK_VERSION; provider $PROVIDER_MODULE_VERSION as $SDK_PROVIDER_VERSION"

minor_of() { local v=${1#v}; v=${v#*.}; echo "${v%%.*}"; }  # v1.36.3 -> 36
staging_of() { echo "v0.${1#v1.}"; }                       # v1.36.3 -> v0.36.3

# The go.mod of module@version, from the module cache (downloads only that file).
gomod_of() { go mod download -json "$1@$2" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p'; }

# Prints the `replace` lines a wrapper module needs for module@version's own replaces.
wrapper_replaces() {
    local gomod=$1 staging=${2:-}
    awk -v staging="$staging" '
        function emit(line,   parts, n, old, target, ver) {
            n = split(line, parts, /[ \t]+/)
            old = parts[1]; target = parts[3]
            if (target ~ /^\.\.?\//) {  # into the repository itself: the published module instead
                ver = req[old]
                if (ver == "") return  # not required: a module of the repository the tool does not use
                if (ver == "v0.0.0" && staging != "") ver = staging
                print "replace " old " => " old " " ver
            } else {
                print "replace " line
            }
        }
        { sub(/\/\/.*/, "") }
        /^require[ \t]*\(/ { inreq = 1; next }
        inreq && /^\)/ { inreq = 0; next }
        inreq && NF >= 2 { req[$1] = $2; next }
        /^require[ \t]+[^(]/ { req[$2] = $3; next }
        /^replace[ \t]*\(/ { inrep = 1; next }
        inrep && /^\)/ { inrep = 0; next }
        inrep && NF >= 3 { gsub(/^[ \t]+|[ \t]+$/, ""); reps[++nrep] = $0; next }
        /^replace[ \t]+[^(]/ { sub(/^replace[ \t]+/, ""); gsub(/[ \t]+$/, ""); reps[++nrep] = $0; next }
        END { for (i = 1; i <= nrep; i++) emit(reps[i]) }
    ' "$gomod"
}

# new_wrapper <dir> <module> <version> [staging]: a module requiring module@version with its replaces.
new_wrapper() {
    local dir=$1 module=$2 version=$3 staging=${4:-}
    rm -rf "$dir" && mkdir -p "$dir"
    {
        echo "module platform-e2e/wrapper"
        echo
        echo "go $(go env GOVERSION | sed 's/^go//')"
        echo
        echo "require $module $version"
        echo
        wrapper_replaces "$(gomod_of "$module" "$version")" "$staging"
    } >"$dir/go.mod"
}

# gobuild <wrapper dir> <out dir> <package>[@version] [extra ldflags]: `go get` the package at the
# version its module is required at (no version would mean "upgrade to the latest"), then build it.
gobuild() {
    local dir=$1 out=$2 pkg=$3 ldx=${4:-}
    (cd "$dir" && { [[ "$pkg" != *@* ]] || go get "$pkg"; } && nice -n 10 env GOMAXPROCS=1 go build -p 1 -trimpath \
        -ldflags "-s -w $ldx" -o "$out/" "${pkg%@*}")
}

# --- the tools -----------------------------------------------------------------------------------
# Each build_<tool> fills $1 (a scratch directory renamed into place only on success).

build_pulumi() {
    local out=$1
    new_wrapper "$out.src" github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION"
    # The Automation API refuses a CLI older than its minimum: the version must be stamped.
    # bin/pulumi: the layout the Automation API's PulumiCommand.get({ root }) expects.
    gobuild "$out.src" "$out/bin" "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$PULUMI_VERSION" \
        "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"
}

build_provider() {
    local out=$1 module=github.com/pulumi/pulumi-kubernetes/provider/v4 cmd
    new_wrapper "$out.src" "$module" "$PROVIDER_MODULE_VERSION"
    # The command embeds schema-embed.json, which its `go:generate` step (generate.go, in the
    # module) writes from the module's schema.json; the module cannot be built in the read-only
    # module cache, so its command directory is built as the wrapper's own main package.
    cmd="$(go mod download -json "$module@$PROVIDER_MODULE_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')/cmd/pulumi-resource-kubernetes"
    mkdir -p "$out.src/provider" && cp "$cmd"/*.go "$cmd"/*.json "$out.src/provider/" && chmod -R u+w "$out.src/provider"
    (cd "$out.src" && go get "$module/pkg/provider@$PROVIDER_MODULE_VERSION" &&
        cd provider && VERSION="$PROVIDER_VERSION" GOMAXPROCS=1 go run generate.go && rm generate.go schema.json terraform-mapping.json)
    gobuild "$out.src" "$out" ./provider "-X $module/pkg/version.Version=$PROVIDER_VERSION"
    mv "$out/provider" "$out/pulumi-resource-kubernetes"
}

build_kwok() {
    local out=$1
    new_wrapper "$out.src" sigs.k8s.io/kwok "$KWOK_VERSION"
    gobuild "$out.src" "$out" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "-X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION"
}

build_etcd() {  # $2: the etcd version
    local out=$1 version=$2
    new_wrapper "$out.src" go.etcd.io/etcd/server/v3 "$version"
    gobuild "$out.src" "$out" "go.etcd.io/etcd/server/v3@$version"
    mv "$out/server" "$out/etcd"  # go names the command after the module's last element before /v3
}

# What the release build stamps (hack/lib/version.sh); clients and the provider read it.
kube_ldflags() {
    local version=$1 pkg ld=""
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
        ld+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(minor_of "$version")"
        ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
    done
    echo "$ld"
}

# build_kube <out> <version> <command>...: Kubernetes commands of one version.
build_kube() {
    local out=$1 version=$2 cmd
    shift 2
    new_wrapper "$out.src" k8s.io/kubernetes "$version" "$(staging_of "$version")"
    for cmd in "$@"; do
        gobuild "$out.src" "$out" "k8s.io/kubernetes/cmd/$cmd@$version" "$(kube_ldflags "$version")"
    done
}

# --- the plan ------------------------------------------------------------------------------------
# name|directory|function args: the directory name is the cache key.
etcd_pin() { sed -n 's/^\tgo.etcd.io\/etcd\/server\/v3 \(v[^ ]*\).*/\1/p' "$(gomod_of k8s.io/kubernetes "$1")"; }

plan() {
    # Longest first on one lane while the other does the short ones; the second control plane
    # goes to whichever lane frees up first.
    local v e
    echo "kube-${KUBE_VERSIONS[0]}|build_kube ${KUBE_VERSIONS[0]} $CONTROL_PLANE"
    echo "pulumi-$PULUMI_VERSION|build_pulumi"
    echo "pulumi-resource-kubernetes-v$PROVIDER_VERSION|build_provider"
    echo "kwok-$KWOK_VERSION|build_kwok"
    for v in "${KUBE_VERSIONS[@]}"; do
        e=$(etcd_pin "$v")
        [ -n "$e" ] || { echo "e2e-toolchain: no etcd pin in k8s.io/kubernetes $v's go.mod" >&2; exit 1; }
        echo "etcd-$e|build_etcd $e"
    done | sort -u
    for v in "${KUBE_VERSIONS[@]:1}"; do echo "kube-$v|build_kube $v $CONTROL_PLANE"; done
    # One client: kubectl talks to servers one minor either side of its own. The program runs
    # `kubectl version` to check the local cluster's version before deploying.
    echo "kubectl-${KUBE_VERSIONS[0]}|build_kube ${KUBE_VERSIONS[0]} kubectl"
}

# Runs one plan entry into $CACHE/<name>, logging to $LOGS/<name>.log; prints its wall time.
run_entry() {
    local name=$1 cmd=$2 out="$CACHE/$1" start
    start=$(date +%s)
    rm -rf "$out.tmp" "$out.tmp.src"
    local fn args rc
    read -r fn args <<<"$cmd"
    # The subshell runs outside any condition so `set -e` holds in it: any failing step fails the build.
    set +e
    # shellcheck disable=SC2086 # args: the plan's words, none with spaces
    (set -e; "$fn" "$out.tmp" $args) >"$LOGS/$name.log" 2>&1
    rc=$?
    set -e
    if [ "$rc" -eq 0 ]; then
        rm -rf "$out.tmp.src" "$out" && mv "$out.tmp" "$out"
        echo "built $name in $(($(date +%s) - start))s"
    else
        echo "e2e-toolchain: building $name FAILED after $(($(date +%s) - start))s; see $LOGS/$name.log:" >&2
        tail -n 15 "$LOGS/$name.log" >&2
        return 1
    fi
}

# The plugin directory the harness points PULUMI_HOME's plugins at: the provider built above,
# installed under the version the SDK requests (see the skew note in tests/e2e/README.md).
install_plugin() {
    local dir="$CACHE/plugins-kubernetes-$SDK_PROVIDER_VERSION-from-v$PROVIDER_VERSION"
    [ -x "$dir/plugins/resource-kubernetes-v$SDK_PROVIDER_VERSION/pulumi-resource-kubernetes" ] && return 0
    rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
    PULUMI_HOME="$dir.tmp" PULUMI_SKIP_UPDATE_CHECK=true "$CACHE/pulumi-$PULUMI_VERSION/bin/pulumi" plugin install \
        resource kubernetes "$SDK_PROVIDER_VERSION" \
        --file "$CACHE/pulumi-resource-kubernetes-v$PROVIDER_VERSION/pulumi-resource-kubernetes" >"$LOGS/plugin.log" 2>&1 ||
        { echo "e2e-toolchain: installing the kubernetes plugin FAILED; see $LOGS/plugin.log" >&2; return 1; }
    # The install copied the binary: link it to the built one instead (160 MB).
    ln -f "$CACHE/pulumi-resource-kubernetes-v$PROVIDER_VERSION/pulumi-resource-kubernetes" \
        "$dir.tmp/plugins/resource-kubernetes-v$SDK_PROVIDER_VERSION/pulumi-resource-kubernetes"
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    echo "installed the kubernetes provider v$PROVIDER_VERSION as plugin v$SDK_PROVIDER_VERSION"
}

# What the harness reads: every path it runs, and the versions behind them.
write_manifest() {
    local v etcd kubes=""
    for v in "${KUBE_VERSIONS[@]}"; do
        etcd=$(etcd_pin "$v")
        kubes+="${kubes:+,}{\"version\":\"$v\",\"bin\":\"$CACHE/kube-$v\",\"etcd\":\"$CACHE/etcd-$etcd/etcd\",\"etcdVersion\":\"$etcd\"}"
    done
    cat >"$CACHE/toolchain.json.tmp" <<EOF
{
  "key": "$KEY",
  "pulumiRoot": "$CACHE/pulumi-$PULUMI_VERSION",
  "pulumiVersion": "$PULUMI_VERSION",
  "pluginHome": "$CACHE/plugins-kubernetes-$SDK_PROVIDER_VERSION-from-v$PROVIDER_VERSION",
  "providerVersion": "$PROVIDER_VERSION",
  "sdkProviderVersion": "$SDK_PROVIDER_VERSION",
  "kwok": "$CACHE/kwok-$KWOK_VERSION/kwok",
  "kubectl": "$CACHE/kubectl-${KUBE_VERSIONS[0]}/kubectl",
  "kubes": [$kubes]
}
EOF
    mv "$CACHE/toolchain.json.tmp" "$CACHE/toolchain.json"
}

# Whether toolchain.json was written for exactly these versions and everything it names exists:
# then nothing is to be done, and Go (and the network) is not even asked.
manifest_current() {
    local f="$CACHE/toolchain.json" p
    [ -f "$f" ] && grep -qF "\"key\": \"$KEY\"," "$f" || return 1
    for p in $(grep -o '"/[^"]*"' "$f" | tr -d '"'); do [ -e "$p" ] || return 1; done
}

# Go's module and build caches (about 17 GB after a cold build) are only needed to build: gone
# once everything is built, unless E2E_KEEP_GO_CACHE=1 (a version bump then rebuilds less).
drop_go_caches() {
    [ "${E2E_KEEP_GO_CACHE:-0}" = 1 ] && return 0
    [ -d "$CACHE/go" ] || return 0
    go clean -cache -modcache && rm -rf "$CACHE/go"
}

main() {
    mkdir -p "$CACHE" "$LOGS"
    exec 9>"$CACHE/.lock"
    flock 9  # a second run waits for the first instead of building the same thing twice
    manifest_current && exit 0
    local have
    have=$(go env GOVERSION 2>/dev/null | sed 's/^go//') || have=""
    if [ -z "$have" ] || [ "$(printf '%s\n' "$MIN_GO" "$have" | sort -V | head -n1)" != "$MIN_GO" ]; then
        echo "e2e-toolchain: Go $MIN_GO or newer is needed to build the toolchain, found ${have:-none}" >&2
        exit 1
    fi
    local entries=() missing=() e name
    mapfile -t entries < <(plan)
    for e in "${entries[@]}"; do
        name=${e%%|*}
        [ -d "$CACHE/$name" ] || missing+=("$e")
    done
    if [ "$MODE" = check ]; then
        [ ${#missing[@]} -eq 0 ] && [ -f "$CACHE/toolchain.json" ] && exit 0
        echo "e2e-toolchain: not built in $CACHE: ${missing[*]%%|*} (run bash scripts/e2e-toolchain.sh)" >&2
        exit 1
    fi
    local failed=0 running=0 start
    start=$(date +%s)
    for e in "${missing[@]}"; do
        if [ "$running" -ge "$JOBS" ]; then wait -n || failed=1; running=$((running - 1)); fi
        run_entry "${e%%|*}" "${e#*|}" &
        running=$((running + 1))
    done
    while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
    [ "$failed" -eq 0 ] || exit 1
    install_plugin
    write_manifest
    drop_go_caches
    [ ${#missing[@]} -eq 0 ] || echo "e2e toolchain built in $(($(date +%s) - start))s ($CACHE)"
}

main
