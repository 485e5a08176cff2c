# shellcheck shell=bash
# Shared by scripts/run.sh and scripts/test.sh (sourced, never run on its own):
# what the project needs from apt, and how it is configured and built.
# Debian 12 or Ubuntu 24.04 (Qt 6.4 or newer); other systems: install the
# equivalent packages by hand and use the cmake commands below.

SW_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SW_BUILD_DIR=${SW_BUILD_DIR:-$SW_ROOT/build}
[[ $SW_BUILD_DIR == /* ]] || SW_BUILD_DIR=$PWD/$SW_BUILD_DIR

# To build and run the app. qt6-base-dev already depends on libgl-dev (Qt6Gui's
# CMake config looks for OpenGL headers); it is listed so the need is visible.
# libqt6svg6 carries the SVG icon engine plugin.
# shellcheck disable=SC2034 # used by the scripts that source this file
SW_BUILD_PACKAGES=(cmake ninja-build g++ qt6-base-dev qt6-base-dev-tools libgl-dev libqt6svg6)

# Only for the tests: real peers (python3, socat, nc, ncat), a display for
# window tests (xvfb, xauth, xdotool), the formatting check (clang-format),
# network namespaces (iproute2 for ip, util-linux for unshare).
# shellcheck disable=SC2034 # used by the scripts that source this file
SW_TEST_PACKAGES=(python3 socat netcat-openbsd ncat xvfb xauth xdotool clang-format iproute2
                  util-linux)

sw_log() { printf '==> %s\n' "$*" >&2; }
sw_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# ensure_packages PKG...: installs with apt whichever of PKG is not installed.
# Nothing is asked of apt (no update, no root) when everything is there.
ensure_packages() {
    local missing=() package status
    command -v dpkg-query > /dev/null \
        || sw_die "dpkg-query not found: this script knows Debian/Ubuntu only. Install the equivalents of: $*"
    for package in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$package" 2> /dev/null) || true
        [[ $status == *" ok installed" ]] || missing+=("$package")
    done
    ((${#missing[@]} == 0)) && return 0

    local as_root=()
    if ((EUID != 0)); then
        command -v sudo > /dev/null \
            || sw_die "not root and no sudo: as root, run: apt-get install ${missing[*]}"
        as_root=(sudo)
    fi
    sw_log "installing with apt: ${missing[*]}"
    # Waits for another apt/dpkg (up to 10 min) instead of failing on its lock.
    local apt=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
    "${apt[@]}" update < /dev/null
    "${apt[@]}" install -y --no-install-recommends "${missing[@]}" < /dev/null
}

# Build jobs: SW_JOBS if set, else the number of cores capped at 2 (a build
# machine is shared; on a big laptop, SW_JOBS=8 is fine).
sw_jobs() {
    local cores
    cores=$(nproc 2> /dev/null || echo 1)
    echo "${SW_JOBS:-$((cores < 2 ? cores : 2))}"
}

# configure_and_build: configures build/ once (Ninja, RelWithDebInfo), then
# builds. Ninja re-runs CMake by itself when a CMakeLists.txt changes.
configure_and_build() {
    if [[ ! -f $SW_BUILD_DIR/build.ninja ]]; then
        local generator=
        if [[ -f $SW_BUILD_DIR/CMakeCache.txt ]]; then
            generator=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$SW_BUILD_DIR/CMakeCache.txt")
        fi
        [[ -z $generator || $generator == Ninja ]] \
            || sw_die "$SW_BUILD_DIR was configured with '$generator', not Ninja: remove it (rm -rf $SW_BUILD_DIR) or set SW_BUILD_DIR"
        sw_log "configuring $SW_BUILD_DIR"
        cmake -S "$SW_ROOT" -B "$SW_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo < /dev/null
    fi
    sw_log "building with $(sw_jobs) jobs"
    cmake --build "$SW_BUILD_DIR" --parallel "$(sw_jobs)" < /dev/null
}
