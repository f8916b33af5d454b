#!/bin/bash
# Run packaging/test-deb.sh in a clean Debian 12 chroot made with debootstrap
# from Debian's archive, for machines where the package should not (or
# cannot) be installed on the machine itself. Run as root from the
# repository root:
#
#   bash packaging/test-deb-chroot.sh [--systemd] [--deb FILE.deb] [--keep]
#
# The .deb is built here on the host (packaging/build-deb.sh) unless --deb
# names one. A minbase bookworm tree is bootstrapped once into
# $TEST_DEB_BASE (default /var/tmp/sup-deb12-chroot) and never changed; each
# run copies it to a scratch directory, so every run starts from a clean
# Debian 12 without systemd as PID 1, like a container. The test runs in its
# own PID and mount namespaces: /proc shows only the chroot's processes, and
# when the test ends the kernel ends anything still running in there and
# drops the mounts. The scratch copy is then deleted (--keep keeps it).
#
# --systemd boots the copy instead, with systemd as PID 1, in a
# systemd-nspawn container (systemd, systemd-sysv and dbus are installed in
# it first), and runs the same test there: "service supervisord ..." then
# goes through systemctl and supervisord.service. It needs systemd-nspawn
# (package systemd-container), but no systemd on the host.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base=${TEST_DEB_BASE:-/var/tmp/sup-deb12-chroot}
mirror=${TEST_DEB_MIRROR:-http://deb.debian.org/debian}
deb=""
keep=0
systemd=0
while (($#)); do
    case $1 in
        --systemd) systemd=1; shift ;;
        --deb) deb=$(realpath "$2"); shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--systemd] [--deb FILE.deb] [--keep]" >&2; exit 2 ;;
    esac
done
[[ $(id -u) == 0 ]] || { echo "test-deb-chroot: must run as root" >&2; exit 2; }

if [[ ! -x $base/usr/bin/apt-get ]]; then
    echo "-- bootstrapping Debian 12 (minbase) into $base"
    command -v debootstrap >/dev/null ||
        apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >/dev/null
    mv "$base.tmp" "$base"
fi

work=$(mktemp -d /var/tmp/test-deb-chroot.XXXXXX)
cleanup() {
    if ((keep)); then
        echo "-- chroot kept: $work/root"
    else
        rm -rf --one-file-system "$work"
    fi
}
trap cleanup EXIT

out=$work/out
mkdir -p "$out"
if [[ -z $deb ]]; then
    echo "-- building the package on the host"
    DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" BUILD_DEB_INSTALL_DEPS=1 \
        bash "$repo/packaging/build-deb.sh" "$out" >"$work/build.log" 2>&1 ||
        { tail -n 40 "$work/build.log"; echo "test-deb-chroot: build FAILED"; exit 1; }
else
    # The .deb and what was built with it (dbgsym, .buildinfo, .changes).
    cp -a "$deb" "$out/"
    cp -an "$(dirname "$deb")"/supervisor-cpp*_"$(dpkg-deb -f "$deb" Version)"_* "$out/" 2>/dev/null || true
fi

root=$work/root
cp -a "$base" "$root"
# Same archive as the host, so the package's dependencies resolve alike.
if [[ -f /etc/apt/sources.list.d/debian.sources ]]; then
    rm -f "$root/etc/apt/sources.list"
    cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/root/src" "$root/root/out"
cp -a "$repo/packaging" "$root/root/src/"
cp -a "$out"/. "$root/root/out/"
inner_deb=/root/out/$(basename "$(ls "$out"/supervisor-cpp_*.deb | head -n 1)")

inner_env=(/usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM="${TERM:-dumb}")
test_cmd=(/bin/bash /root/src/packaging/test-deb.sh --deb "$inner_deb")

if ((!systemd)); then
    echo "-- running test-deb.sh in the chroot ($root)"
    set +e
    unshare --pid --mount --fork --propagation private /bin/bash -c '
        root=$1; shift
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs tmpfs "$root/run"
        exec chroot "$root" "$@"
    ' _ "$root" "${inner_env[@]}" "${test_cmd[@]}"
    exit $?
fi

echo "-- installing systemd into the container"
command -v systemd-nspawn >/dev/null ||
    apt-get install -y -qq --no-install-recommends systemd-container >/dev/null
chroot "$root" "${inner_env[@]}" DEBIAN_FRONTEND=noninteractive /bin/sh -c \
    'apt-get update -qq && apt-get install -y -qq --no-install-recommends systemd systemd-sysv dbus' \
    >"$work/systemd-install.log" 2>&1 ||
    { tail -n 20 "$work/systemd-install.log"; echo "test-deb-chroot: FAILED (systemd install)"; exit 1; }

echo "-- booting it with systemd-nspawn"
set +e  # from here on, failures are looked at one by one
# --register=no --keep-unit: no machined or systemd needed on the host.
systemd-nspawn -q -D "$root" --boot --register=no --keep-unit --console=pipe \
    >"$work/nspawn.log" 2>&1 </dev/null &
nspawn=$!
stop_container() {
    kill -TERM "$nspawn" 2>/dev/null  # nspawn asks the container to power off
    local end=$((SECONDS + 30))
    while kill -0 "$nspawn" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
    kill -KILL "$nspawn" 2>/dev/null
    wait "$nspawn" 2>/dev/null
    cleanup
}
trap stop_container EXIT

# The container's PID 1: the process named systemd below nspawn.
leader=""
end=$((SECONDS + 60))
while [[ -z $leader ]] && ((SECONDS < end)); do
    kill -0 "$nspawn" 2>/dev/null || break
    for p in $(pgrep -x systemd); do
        q=$p
        while [[ $q -gt 1 ]]; do
            [[ $q == "$nspawn" ]] && { leader=$p; break 2; }
            q=$(awk '{ print $4 }' "/proc/$q/stat" 2>/dev/null || echo 0)
        done
    done
    sleep 0.2
done
[[ -n $leader ]] || { cat "$work/nspawn.log"; echo "test-deb-chroot: FAILED (container did not boot)"; exit 1; }
state=""
while ((SECONDS < end)); do
    state=$(nsenter -t "$leader" -a systemctl is-system-running 2>/dev/null || true)
    [[ $state == running || $state == degraded ]] && break
    sleep 0.2
done
echo "-- systemd is PID 1 in the container (host pid $leader, state: ${state:-unknown})"

nsenter -t "$leader" -a "${inner_env[@]}" "${test_cmd[@]}"
exit $?
