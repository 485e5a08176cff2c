#!/usr/bin/env bash
# Installs what is missing (apt), builds in Release (build-release/), and runs the
# benchmark scenarios B1-B7 of issue 7 under Xvfb, against socat, ncat, the lesson's
# Python server and Packet Sender; prints one table (see BENCHMARKS.md).
#   bash scripts/bench.sh            # the full run, about 6 minutes
#   bash scripts/bench.sh --quick    # smaller loads, about 2 minutes
#   bash scripts/bench.sh --only B1,B3 --peers workbench,socat
# Arguments go to tests/bench/run_benchmarks.py (--help lists them).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${SW_BUILD_PACKAGES[@]}" python3 socat ncat xvfb xauth xdotool
# Packet Sender is a reference, not a need: where apt has no package for it, its column
# says n/a.
(ensure_packages packetsender x11-xserver-utils) || sw_log "packetsender could not be installed: left out"

SW_BUILD_DIR=${SW_BENCH_BUILD_DIR:-$SW_ROOT/build-release}
if [[ ! -f $SW_BUILD_DIR/build.ninja ]]; then
    sw_log "configuring $SW_BUILD_DIR (Release)"
    cmake -S "$SW_ROOT" -B "$SW_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release < /dev/null
fi
sw_log "building with $(sw_jobs) jobs"
cmake --build "$SW_BUILD_DIR" --parallel "$(sw_jobs)" --target socket-workbench bench_logview < /dev/null

run=(python3 "$SW_ROOT/tests/bench/run_benchmarks.py"
     --app "$SW_BUILD_DIR/app/socket-workbench"
     --logview "$SW_BUILD_DIR/tests/bench/bench_logview" "$@")
if [[ -n ${DISPLAY:-} ]]; then
    "${run[@]}" < /dev/null
else
    # A real X server for real windows (B5 times the first one shown) and Packet Sender.
    xvfb-run -a -s "-screen 0 1280x1024x24" "${run[@]}" < /dev/null
fi
