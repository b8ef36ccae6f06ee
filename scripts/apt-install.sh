# Sourced by scripts/setup.sh and scripts/postgres-test-binaries.sh: install the Debian packages of
# the arguments that are not installed yet (apt-get update only when something is missing), as root
# or through sudo.
apt_install_missing() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # --no-install-recommends keeps docker-compose from pulling in a Docker engine we do not use.
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
