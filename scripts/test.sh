#!/usr/bin/env bash
# Installs what is missing (apt), checks formatting, builds, runs every test.
#   bash scripts/test.sh
# Exits non-zero if the formatting check, the build or any test fails.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${SW_BUILD_PACKAGES[@]}" "${SW_TEST_PACKAGES[@]}"

# Formatting: every C++ file under app/ widgets/ core/ tests/ as .clang-format says.
# Leaves the files that differ in `unformatted`.
unformatted=()
check_format() {
    local files=() file
    cd "$SW_ROOT"
    if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
        # tracked files plus new ones not yet added (but not ignored ones)
        mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
            'app/*.cpp' 'app/*.h' 'widgets/*.cpp' 'widgets/*.h' \
            'core/*.cpp' 'core/*.h' 'tests/*.cpp' 'tests/*.h' | sort -u)
    else
        mapfile -t files < <(find app widgets core tests -name '*.cpp' -o -name '*.h' | sort)
    fi
    sw_log "checking formatting of ${#files[@]} files ($(clang-format --version))"
    for file in "${files[@]}"; do
        [[ -f $file ]] || continue # deleted, not yet staged
        clang-format --dry-run --Werror "$file" > /dev/null 2>&1 || unformatted+=("$file")
    done
    ((${#unformatted[@]} > 0)) || return 0
    for file in "${unformatted[@]}"; do
        clang-format "$file" | diff -u --label "$file" --label "$file (formatted)" "$file" - | head -n 40 || true
    done
    printf '\nFORMAT CHECK FAILED: %d file(s) differ from .clang-format. Fix with:\n    clang-format -i %s\n\n' \
        "${#unformatted[@]}" "${unformatted[*]}" >&2
}

check_format

configure_and_build

sw_log "running the tests"
cd "$SW_BUILD_DIR"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --no-tests=error --parallel 2 < /dev/null

if ((${#unformatted[@]} > 0)); then
    sw_die "the tests passed, but the format check failed. Fix with: clang-format -i ${unformatted[*]}"
fi
