# Shared set-up for scripts/run, scripts/test and scripts/bench (sourced, not run).
# Installs the system packages entk needs when running as root, or says exactly what to
# install when not. A wrong pkg-config name only warns in SwiftPM, so we check for ourselves.
set -euo pipefail

ENTK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ENTK_ROOT"

entk_require_packages() {
    local wanted=("$@") missing=()
    for pkg in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -eq 0 ]; then
        echo "entk setup: installing ${missing[*]}" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq "${missing[@]}" >&2
    else
        echo "entk setup: missing system packages: ${missing[*]}" >&2
        echo "  install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
}

entk_setup() {
    if ! command -v swift >/dev/null 2>&1; then
        echo "entk setup: the Swift toolchain (6.0 or later) is not on PATH; install it from swift.org" >&2
        exit 1
    fi
    entk_require_packages libedit-dev libopenblas-dev liblapacke-dev "$@"
    local header
    for header in /usr/include/editline/readline.h /usr/include/lapacke.h; do
        [ -f "$header" ] || { echo "entk setup: $header not found after install" >&2; exit 1; }
    done
}

# Builds the release binary quietly and prints its path.
entk_build_release() {
    swift build -c release --product entk >&2
    echo "$ENTK_ROOT/.build/release/entk"
}
