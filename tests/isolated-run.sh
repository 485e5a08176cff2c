#!/bin/sh
# Runs a test in a network namespace of its own that holds nothing but a loopback
# interface, so nothing the test does can leave this machine: no DNS query reaches the
# resolver, no packet reaches 203.0.113.0/24. With --unprivileged, a test started as
# root runs as nobody, to meet the limits of a student's account (ports below 1024).
#
# Not root, it tries a user namespace instead (root inside it only), except with
# --unprivileged: root there may use ports below 1024. Where no namespace can be made
# (a container without CAP_SYS_ADMIN, user namespaces switched off), the test runs as it
# is: each test that needs isolation checks for it itself and skips, saying why. This
# script never decides that a test passed.
#
# Usage: isolated-run.sh [--unprivileged] TEST [ARGUMENT...]
set -eu

unprivileged=
drop=
if [ "${1-}" = --unprivileged ]; then
    unprivileged=1
    shift
    if [ "$(id -u)" -eq 0 ]; then
        if command -v setpriv >/dev/null 2>&1; then
            drop="setpriv --reuid=nobody --regid=$(id -g nobody) --clear-groups"
        else
            echo "isolated-run.sh: setpriv (util-linux) not found: running as root" >&2
        fi
    fi
fi
if [ $# -lt 1 ]; then
    echo "usage: isolated-run.sh [--unprivileged] TEST [ARGUMENT...]" >&2
    exit 2
fi

namespace=
if unshare --net true 2>/dev/null; then
    namespace="unshare --net"
elif [ -z "$unprivileged" ] && unshare --user --map-root-user --net true 2>/dev/null; then
    namespace="unshare --user --map-root-user --net"
fi

# $namespace and $drop are unquoted on purpose: split into words, or no word when empty.
if [ -n "$namespace" ]; then
    # The namespace the test must not touch: a test changes routes only where its own
    # namespace differs from this one.
    SOCKET_WORKBENCH_OUTER_NETNS=$(readlink /proc/self/ns/net)
    export SOCKET_WORKBENCH_OUTER_NETNS
    # shellcheck disable=SC2086
    exec $namespace sh -c '
        ip link set lo up || echo "isolated-run.sh: could not bring up lo" >&2
        exec "$@"' isolated-run.sh $drop "$@"
fi
echo "isolated-run.sh: cannot create a network namespace here; running $1 without one" >&2
# shellcheck disable=SC2086
exec $drop "$@"
