#!/bin/bash
# End-to-end test of the supervisor-cpp Debian package, run by CI as root on
# a Debian 12 machine (or container) from the repository root:
#
#   bash packaging/test-deb.sh [--deb FILE.deb] [--keep]
#
# It installs its tools and build dependencies with apt-get, builds the .deb
# (packaging/build-deb.sh), runs lintian, then installs the package and
# drives the service the way users do: service supervisord start / status /
# restart / force-reload / stop, supervisorctl status, an upgrade over itself
# that must keep a changed conffile, restarts and an upgrade with
# restart_keeps_programs = true that must keep every pid, and a purge that
# must leave nothing running. Every wait has a deadline; each check prints PASS or FAIL, and the
# exit status is non-zero if any check failed.
#
# The machine is left as found: Debian's "supervisor" package, which ours
# replaces (apt removes it on install), is reinstalled at the end if it was
# installed before, with its configuration, and its service is left stopped
# or running as it was. /usr/sbin/policy-rc.d is swapped for a permissive
# one during the install steps (so that postinst may start the service) and
# put back afterwards.
#
#   --deb FILE   test this .deb instead of building one (lintian still runs
#                on it)
#   --keep       keep the work directory (build, logs) for inspection
#   TEST_DEB_CHECK=1  build and run the test suite in the package build
set -uo pipefail
export LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deb=""
keep=0
while (($#)); do
    case $1 in
        --deb) deb=$(realpath "$2"); shift 2 ;;
        --keep) keep=1; shift ;;
        *) echo "usage: $0 [--deb FILE.deb] [--keep]" >&2; exit 2 ;;
    esac
done

if [[ $(id -u) != 0 ]]; then
    echo "test-deb: must run as root (it installs and purges packages)" >&2
    exit 2
fi

work=$(mktemp -d /tmp/test-deb.XXXXXX)
log=$work/log
started=$SECONDS
passed=0
failed=0

PROGRAM=testdeb
PROGRAM_CMD="/bin/sleep 3141592"   # unique, so leftovers can be found
PROGRAM_CONF=/etc/supervisor/conf.d/zz-test-deb.conf
PIDFILE=/var/run/supervisord.pid
POLICY=/usr/sbin/policy-rc.d
APT_CONF=(-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)

pass() { printf 'PASS: %s\n' "$*"; passed=$((passed + 1)); }
fail() { printf 'FAIL: %s\n' "$*"; failed=$((failed + 1)); }
info() { printf '  .. %s\n' "$*"; }
check() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}
die() {
    fail "$*"
    [[ -s $log ]] && tail -n 40 "$log" | sed 's/^/  | /'
    exit 1
}

# wait_for SECONDS CMD...: run CMD until it succeeds or the deadline passes.
wait_for() {
    local end=$((SECONDS + $1))
    shift
    while :; do
        "$@" && return 0
        ((SECONDS >= end)) && return 1
        sleep 0.1
    done
}

# Every supervisord of ours: the packaged binary, also after an upgrade or a
# purge deleted it. Other supervisords on the machine (Python's, developers'
# builds) are not ours and are left alone.
our_daemons() {
    local d exe
    for d in /proc/[0-9]*; do
        [[ $(cat "$d/comm" 2>/dev/null) == supervisord ]] || continue
        exe=$(readlink "$d/exe" 2>/dev/null) || continue
        [[ $exe == /usr/bin/supervisord || $exe == "/usr/bin/supervisord (deleted)" ]] &&
            echo "${d#/proc/}"
    done
}
program_pids() { pgrep -x -f "$PROGRAM_CMD"; }
no_daemon() { [[ -z $(our_daemons) ]]; }
no_program() { ! program_pids >/dev/null; }
nothing_running() { no_daemon && no_program; }

# The daemon pid from the pidfile, if that process is our supervisord.
daemon_pid() {
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && our_daemons | grep -qx "$pid" && echo "$pid"
}
# The program's pid as supervisorctl reports it, once it is RUNNING.
program_pid() {
    timeout 10 supervisorctl status "$PROGRAM" 2>/dev/null |
        awk -v p="$PROGRAM" '$1 == p && $2 == "RUNNING" { sub(",", "", $4); print $4; f = 1 }
                             END { exit !f }'
}
program_is_running() { program_pid >/dev/null; }
daemon_up() { daemon_pid >/dev/null; }
# After a reload: the program runs again, not as $old_program.
program_replaced() {
    local new
    new=$(program_pid) && daemon_up && [[ -n $old_program && $new != "$old_program" ]]
}
# After a restart: a daemon other than $old_daemon runs the program.
daemon_replaced() {
    local new
    wait_for 30 program_is_running && new=$(daemon_pid) &&
        [[ -n $old_daemon && $new != "$old_daemon" && ! -d /proc/$old_daemon ]]
}

service_ok() { # service_ok ACTION: run "service supervisord ACTION", log it
    printf '\n$ service supervisord %s\n' "$1" >>"$log"
    timeout 180 service supervisord "$1" >>"$log" 2>&1
}

# ---------------------------------------------------------------- cleanup
had_supervisor=0
supervisor_was_running=0
policy_saved=0

stop_everything() {
    if [[ -x /etc/init.d/supervisord ]] && ! no_daemon; then
        timeout 120 /etc/init.d/supervisord stop >>"$log" 2>&1
    fi
    local pid
    for pid in $(our_daemons); do kill -TERM "$pid" 2>/dev/null; done
    wait_for 30 no_daemon || for pid in $(our_daemons); do kill -KILL "$pid" 2>/dev/null; done
    pkill -KILL -x -f "$PROGRAM_CMD" 2>/dev/null
}

restore_policy() {
    if ((policy_saved == 1)); then
        mv -f "$work/policy-rc.d.orig" "$POLICY"
    elif ((policy_saved == 2)); then
        rm -f "$POLICY"
    fi
    policy_saved=0
}

supervisor_daemon_running() { # Debian's supervisord (Python) as a service
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && grep -qs supervisord "/proc/$pid/cmdline"
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    echo "-- cleaning up"
    stop_everything
    rm -f "$PROGRAM_CONF"
    if dpkg-query -W -f='${Status}' supervisor-cpp 2>/dev/null | grep -q 'ok installed\|config-files'; then
        dpkg --purge supervisor-cpp >>"$log" 2>&1 || echo "test-deb: could not purge supervisor-cpp" >&2
    fi
    restore_policy
    if ((had_supervisor)) && ! dpkg-query -W -f='${Status}' supervisor 2>/dev/null | grep -q 'ok installed'; then
        echo "-- reinstalling Debian's supervisor package, as it was installed before"
        # Keep its services from starting (policy 101), unless it ran before.
        if ((!supervisor_was_running)) && [[ ! -e $POLICY ]]; then
            printf '#!/bin/sh\nexit 101\n' >"$POLICY" && chmod 755 "$POLICY"
            policy_saved=2
        fi
        apt-get install -y -qq "${APT_CONF[@]}" -o Dpkg::Options::=--force-confmiss \
            supervisor >>"$log" 2>&1 || echo "test-deb: could not reinstall supervisor" >&2
        restore_policy
        [[ -s $work/etc-supervisor.tar ]] && tar -C / -xf "$work/etc-supervisor.tar"
        if ((supervisor_was_running)); then
            supervisor_daemon_running || service supervisor start >>"$log" 2>&1
        elif supervisor_daemon_running; then
            service supervisor stop >>"$log" 2>&1
        fi
    fi
    if ((keep)); then
        echo "-- work directory kept: $work"
    else
        rm -rf "$work"
    fi
    echo "test-deb: $passed passed, $failed failed, $((SECONDS - started)) s"
    if ((failed > 0 || rc != 0)); then
        echo "test-deb: FAILED"
        exit 1
    fi
    echo "test-deb: OK"
    exit 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- tools
echo "-- installing tools and build dependencies (apt-get)"
apt-get update -qq >>"$log" 2>&1 || info "apt-get update failed; using the package lists as they are"
tools=(lintian procps)
[[ -z $deb ]] && tools+=(dpkg-dev debhelper fakeroot)
apt-get install -y -qq --no-install-recommends "${tools[@]}" >>"$log" 2>&1 ||
    die "install tools (${tools[*]})"
if ! command -v systemd-analyze >/dev/null; then
    apt-get install -y -qq --no-install-recommends systemd >>"$log" 2>&1 ||
        info "systemd (for systemd-analyze) could not be installed"
fi

# ---------------------------------------------------------------- build
if [[ -z $deb ]]; then
    echo "-- building the package"
    if [[ ${TEST_DEB_CHECK:-0} == 1 ]]; then
        export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:-}"
    else
        export DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}"
    fi
    build_start=$SECONDS
    BUILD_DEB_INSTALL_DEPS=1 bash "$repo/packaging/build-deb.sh" "$work/out" >>"$log" 2>&1 ||
        die "dpkg-buildpackage -us -uc -b"
    deb=$(ls "$work"/out/supervisor-cpp_*.deb 2>/dev/null | head -n 1)
    [[ -f $deb ]] || die "build produced no supervisor-cpp_*.deb"
    pass "dpkg-buildpackage -us -uc -b built $(basename "$deb") ($((SECONDS - build_start)) s)"
fi
dpkg-deb -c "$deb" >"$work/contents"
for f in ./usr/bin/supervisord ./usr/bin/supervisorctl ./usr/bin/pidproxy \
    ./usr/bin/echo_supervisord_conf ./etc/init.d/supervisord \
    ./lib/systemd/system/supervisord.service ./etc/supervisor/supervisord.conf \
    ./etc/supervisor/conf.d/ ./var/log/supervisor/ \
    ./usr/share/man/man8/supervisord.8.gz ./usr/share/man/man1/supervisorctl.1.gz \
    ./usr/share/man/man1/pidproxy.1.gz ./usr/share/man/man1/echo_supervisord_conf.1.gz \
    ./usr/share/man/man5/supervisord.conf.5.gz \
    ./usr/share/bash-completion/completions/supervisorctl \
    ./usr/share/bash-completion/completions/supervisord \
    ./usr/share/doc/supervisor-cpp/copyright; do
    grep -q " $f\( \|$\)" "$work/contents" || fail "package contains $f"
done
pass "package contents (binaries, tools, init script, unit, conffile, man pages, completion, docs)"
check "the package provides supervisor (= 4.2.5) and conflicts with / replaces it" \
    bash -c "dpkg-deb -f '$deb' Provides | grep -qx 'supervisor (= 4.2.5)' &&
             dpkg-deb -f '$deb' Conflicts | grep -qx supervisor &&
             dpkg-deb -f '$deb' Replaces | grep -qx supervisor"
check "conffiles list /etc/supervisor/supervisord.conf" \
    bash -c "dpkg-deb --ctrl-tarfile '$deb' | tar -xOf - ./conffiles | grep -qx /etc/supervisor/supervisord.conf"

# ---------------------------------------------------------------- lintian
echo "-- lintian"
# The .changes covers the .deb, its dbgsym and the .buildinfo; without all of
# them beside it, check the .deb alone.
target=$deb
changes=${deb%.deb}.changes
if [[ -f $changes ]] && (cd "$(dirname "$changes")" &&
    awk '/^Files:/ { f = 1; next } /^[^ ]/ { f = 0 } f { print $5 }' "$changes" |
    xargs -r ls >/dev/null 2>&1); then
    target=$changes
fi
lintian --pedantic -I -E --allow-root "$target" >"$work/lintian" 2>&1
lintian_rc=$?
sed 's/^/  | /' "$work/lintian"
check "lintian ran on $(basename "$target")" \
    bash -c "[[ $lintian_rc != 2 ]] && ! grep -q '^No packages selected\|^Skipping' '$work/lintian'"
check "lintian: no errors" bash -c "! grep -q '^E: ' '$work/lintian'"
unjustified=""
for tag in $(awk '/^W: / { print $3 }' "$work/lintian" | sort -u); do
    grep -q -- "$tag" "$repo/packaging/README.md" || unjustified+=" $tag"
done
check "lintian: every warning is justified in packaging/README.md${unjustified:+ (not:$unjustified)}" \
    test -z "$unjustified"

# ---------------------------------------------------------------- install
echo "-- installing $(basename "$deb")"
if dpkg-query -W -f='${Status}' supervisor 2>/dev/null | grep -q 'ok installed'; then
    had_supervisor=1
    supervisor_daemon_running && supervisor_was_running=1
    info "Debian's supervisor is installed (daemon running: $supervisor_was_running);" \
        "apt will remove it, it is put back at the end"
    tar -C / -cf "$work/etc-supervisor.tar" etc/supervisor etc/default/supervisor 2>/dev/null
    if ((supervisor_was_running)); then
        service supervisor stop >>"$log" 2>&1
    fi
fi
if dpkg-query -W -f='${Status}' supervisor-cpp 2>/dev/null | grep -q 'ok installed\|config-files'; then
    info "supervisor-cpp is installed from an earlier run: purging it first"
    stop_everything
    dpkg --purge supervisor-cpp >>"$log" 2>&1
fi
stop_everything

# Allow invoke-rc.d to run supervisord (and defer to the machine's policy
# for anything else), so that postinst starts the service as on a booted
# machine. Containers and chroots have no runlevel, and invoke-rc.d denies
# "start" there unless policy-rc.d allows it.
if [[ -e $POLICY ]]; then
    cp -a "$POLICY" "$work/policy-rc.d.orig"
    policy_saved=1
    fallback="exec $work/policy-rc.d.orig \"\$@\""
else
    policy_saved=2
    fallback="exit 0"
fi
cat >"$POLICY.new" <<EOF
#!/bin/sh
# Written by supervisor-cpp's packaging/test-deb.sh, removed when it ends.
for a; do case "\$a" in supervisord | supervisord.service) exit 0 ;; esac; done
$fallback
EOF
chmod 755 "$POLICY.new" && mv -f "$POLICY.new" "$POLICY"

apt-get install -y -q "${APT_CONF[@]}" "$deb" >>"$log" 2>&1 ||
    die "apt-get install ./$(basename "$deb")"
pass "apt-get install $(basename "$deb")"
check "supervisor-cpp is installed" \
    bash -c "dpkg-query -W -f='\${Status}' supervisor-cpp | grep -q 'ok installed'"
if ((had_supervisor)); then
    check "Debian's supervisor was removed (Conflicts/Replaces)" \
        bash -c "! dpkg-query -W -f='\${Status}' supervisor 2>/dev/null | grep -q 'ok installed'"
fi
check "postinst started the service" wait_for 30 daemon_up
socket_ok() { [[ -S /var/run/supervisor.sock && $(stat -c %a /var/run/supervisor.sock) == 700 ]]; }
check "/var/run/supervisor.sock is a socket with mode 0700" wait_for 10 socket_ok

if command -v systemd-analyze >/dev/null; then
    verify=$(systemd-analyze verify /lib/systemd/system/supervisord.service 2>&1)
    verify_rc=$?
    [[ -n $verify ]] && sed 's/^/  | /' <<<"$verify"
    check "systemd-analyze verify /lib/systemd/system/supervisord.service: no complaint" \
        bash -c "[[ $verify_rc == 0 ]] && ! grep -q 'supervisord.service' <<<'${verify//\'/}'"
else
    info "systemd-analyze is not available: unit not verified"
fi

# The two tools, as installed: pidproxy's usage (exit 1) names its path;
# echo_supervisord_conf's sample is a config the installed supervisord loads.
pidproxy_usage() { pidproxy >"$work/pidproxy.out"; [[ $? == 1 ]] &&
    grep -qx 'Usage: /usr/bin/pidproxy <pidfile name> <command> \[<cmdarg1> ...\]' "$work/pidproxy.out"; }
check "pidproxy prints its usage and exits 1" pidproxy_usage
check "pidproxy runs a command" bash -c '[[ $(pidproxy /nonexistent.pid /bin/echo 1 2) == "1 2" ]]'
check "echo_supervisord_conf prints a config supervisord loads" \
    bash -c "echo_supervisord_conf >'$work/sample.conf' &&
             supervisord -c '$work/sample.conf' --print-config >/dev/null"

check "service supervisord stop" service_ok stop
check "no daemon after stop" wait_for 5 nothing_running

# ---------------------------------------------------------------- a program
cat >"$PROGRAM_CONF" <<EOF
; written by supervisor-cpp's packaging/test-deb.sh
[program:$PROGRAM]
command=$PROGRAM_CMD
startsecs=1
stopwaitsecs=5
EOF

check "service supervisord start" service_ok start
check "supervisord runs (pidfile $PIDFILE)" wait_for 30 daemon_up
check "supervisorctl status shows $PROGRAM RUNNING" wait_for 30 program_is_running
timeout 10 supervisorctl status >>"$log" 2>&1
check "service supervisord start when running exits 0" service_ok start

# The bug of Debian's supervisor 4.2.5-1: restart only stopped. Ours must
# come back every time.
for i in 1 2 3; do
    old_daemon=$(daemon_pid)
    old_program=$(program_pid)
    if ! service_ok restart; then
        fail "service supervisord restart ($i/3) exited non-zero"
        continue
    fi
    if wait_for 30 program_is_running && new_daemon=$(daemon_pid) &&
        [[ -n $old_daemon && $new_daemon != "$old_daemon" && ! -d /proc/$old_daemon ]] &&
        new_program=$(program_pid) && [[ $new_program != "$old_program" ]]; then
        pass "service supervisord restart ($i/3): daemon $old_daemon -> $new_daemon, program $old_program -> $new_program"
    else
        fail "service supervisord restart ($i/3): daemon ${old_daemon:-none} -> $(daemon_pid || echo none), program ${old_program:-none} -> $(program_pid || echo none)"
    fi
done

status_out=$(timeout 30 service supervisord status 2>&1)
check "service supervisord status exits 0 while running" test $? = 0
check "service supervisord status says running ($(grep -m1 -o '[^ ].*running.*' <<<"$status_out"))" \
    grep -q running <<<"$status_out"

# force-reload: the init script restarts (new daemon pid); systemctl
# force-reload sends SIGHUP through ExecReload (same daemon, programs
# restarted). Either way the program must run again, as a new process.
old_program=$(program_pid)
check "service supervisord force-reload" service_ok force-reload
check "the program runs again as a new process after force-reload" wait_for 30 program_replaced

# ---------------------------------------------------------------- upgrade
echo "-- upgrade: installing the package again over itself"
echo "; local change kept by upgrades (test-deb)" >>/etc/supervisor/supervisord.conf
old_daemon=$(daemon_pid)
if dpkg -i --force-confdef --force-confold "$deb" >>"$log" 2>&1; then
    pass "dpkg -i over the installed package (upgrade path)"
else
    fail "dpkg -i over the installed package (upgrade path)"
fi
check "postinst restarted the daemon on upgrade (new pid, program runs)" daemon_replaced
check "upgrade kept the changed conffile" \
    grep -q "local change kept by upgrades" /etc/supervisor/supervisord.conf
check "no daemon left from before the upgrade" test ! -d "/proc/$old_daemon"

# ------------------------------------------------- restart_keeps_programs
# With the option on, restart and the upgrade re-exec the daemon in place:
# the daemon's pid and the program's pid stay, and after the upgrade the
# daemon runs the new binary (its old, replaced one is "(deleted)").
echo "-- restart_keeps_programs = true: restart and upgrade keep every pid"
sed -i 's/^\[supervisord\]$/&\nrestart_keeps_programs = true/' /etc/supervisor/supervisord.conf
check "restart_keeps_programs = true in supervisord.conf" \
    grep -qx "restart_keeps_programs = true" /etc/supervisor/supervisord.conf
pids_kept() { # pids_kept WHAT: daemon and program pids are still $keep_daemon and $keep_program
    local d p
    d=$(daemon_pid) && p=$(program_pid) && [[ $d == "$keep_daemon" && $p == "$keep_program" ]] &&
        pass "$1 kept the daemon ($d) and the program ($p)" ||
        fail "$1: daemon $keep_daemon -> ${d:-none}, program $keep_program -> ${p:-none}"
}
keep_daemon=$(daemon_pid)
keep_program=$(program_pid)
# Under systemd, "service ... restart" is systemctl's (which ends the unit's
# processes): there the init script's own "reexec" action is what users run.
restart_action=restart
[[ -d /run/systemd/system ]] && restart_action=reexec
for i in 1 2; do
    if service_ok "$restart_action"; then
        pids_kept "service supervisord $restart_action ($i/2)"
    else
        fail "service supervisord $restart_action ($i/2) exited non-zero"
    fi
done
grep -q "adopted 1 processes from the previous image" /var/log/supervisor/supervisord.log &&
    pass "the main log says the program was adopted" || fail "no adoption line in the main log"
if dpkg -i --force-confdef --force-confold "$deb" >>"$log" 2>&1; then
    pass "dpkg -i over the installed package with restart_keeps_programs = true"
else
    fail "dpkg -i over the installed package with restart_keeps_programs = true"
fi
pids_kept "the upgrade"
exe_now() { [[ $(readlink "/proc/$keep_daemon/exe") == /usr/bin/supervisord ]]; }
check "after the upgrade the daemon runs the installed binary, not the replaced one" \
    wait_for 10 exe_now
sed -i '/^restart_keeps_programs = true$/d' /etc/supervisor/supervisord.conf

# ---------------------------------------------------------------- stop
check "service supervisord stop" service_ok stop
check "no daemon and no program after stop" wait_for 5 nothing_running
timeout 30 service supervisord status >>"$log" 2>&1
check "service supervisord status exits 3 when stopped" test $? = 3
check "service supervisord stop when stopped exits 0" service_ok stop
check "service supervisord restart when stopped starts it" service_ok restart
check "the program runs after restart from stopped" wait_for 30 program_is_running

# ---------------------------------------------------------------- purge
# Purge with the machine's own policy-rc.d back in place: where it denies
# "stop" (containers), postrm must still end the daemon.
restore_policy
echo "-- purging the package while the service runs"
if dpkg --purge supervisor-cpp >>"$log" 2>&1; then
    pass "dpkg --purge supervisor-cpp"
else
    fail "dpkg --purge supervisor-cpp"
fi
check "nothing left running after purge (no supervisord, no $PROGRAM)" wait_for 10 nothing_running
check "purge removed /var/log/supervisor, the init script, the unit and the pidfile" \
    bash -c '! [[ -e /var/log/supervisor || -e /etc/init.d/supervisord ||
                 -e /lib/systemd/system/supervisord.service || -e /var/run/supervisord.pid ||
                 -e /etc/supervisor/supervisord.conf ]]'
rm -f "$PROGRAM_CONF"

if ((failed > 0)); then
    echo "-- log of the failing run (last 60 lines of $log)"
    tail -n 60 "$log" | sed 's/^/  | /'
fi
