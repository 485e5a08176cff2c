#!/usr/bin/env bash
# Installs what is missing (apt), builds, and starts Socket Workbench.
#   bash scripts/run.sh [ARGS...]     ARGS go to the app unchanged
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${SW_BUILD_PACKAGES[@]}"
configure_and_build

if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} && -z ${QT_QPA_PLATFORM:-} ]]; then
    sw_log "no DISPLAY or WAYLAND_DISPLAY: the window needs a desktop session (or QT_QPA_PLATFORM=offscreen, or xvfb-run)"
fi
exec "$SW_BUILD_DIR/app/socket-workbench" "$@"
