"""The sweep's cases, part 2: a running daemon. Every supervisorctl command
against it (good and bad arguments), a config change through reread /
update / add / remove / reload, each section type, and what children see
and leave in the logs (output, environment, exits, spawn errors, stops)."""

import signal

from sweep_steps import (HEADER, Case, ctl, program, record_file, run, settle, start, stop,
                         wait_exit, wait_file, wait_log, write)

DAEMON_CASES = []


def case(*args, **kwargs):
    DAEMON_CASES.append(Case(*args, **kwargs))


PIDS = [(r"(?m)^\d+$", "{pid}")]  # supervisorctl pid prints bare pids

PROGRAMS = (
    program("sleeper", "/bin/sleep 1000", startsecs="1")
    + program("once", "/bin/sh -c 'echo out; echo err >&2; sleep 0.2'", startsecs="0",
              autorestart="false")
    + program("manual", "/bin/sleep 1000", autostart="false", startsecs="0")
    + program("cat", "/bin/cat", startsecs="0")
    + program("g1", "/bin/sleep 1000", startsecs="0")
    + program("g2", "/bin/sleep 1000", startsecs="0", priority="20")
    + program("multi", "/bin/sleep 1000", startsecs="0", numprocs="2",
              process_name="%(program_name)s_%(process_num)02d")
    + "\n[group:grp]\nprograms=g1,g2\npriority=50\n"
)

case("ctl-commands", [
    start(),
    settle(until=r"^once\s+EXITED"),
    settle(),
    ctl("status"),
    ctl("status", "sleeper"),
    ctl("status", "grp:*"),
    ctl("status", "multi:*"),
    ctl("status", "bogus"),
    ctl("status", "sleeper", "bogus", "grp:bogus"),
    ctl("pid"),
    ctl("pid", "sleeper"),
    ctl("pid", "all"),
    ctl("pid", "bogus"),
    ctl("avail"),
    ctl("start", "manual"),
    ctl("start", "manual"),
    ctl("start", "bogus"),
    ctl("start"),
    ctl("start", "grp:*"),
    ctl("stop", "manual"),
    ctl("stop", "manual"),
    ctl("stop", "grp:g1"),
    ctl("stop", "bogus"),
    ctl("stop"),
    ctl("restart", "sleeper"),
    ctl("restart", "bogus"),
    ctl("restart"),
    ctl("signal", "HUP", "g2"),
    ctl("signal", "BOGUS", "g2"),
    ctl("signal", "HUP", "bogus"),
    ctl("signal", "HUP", "manual"),
    ctl("signal", "HUP"),
    ctl("signal"),
    ctl("clear", "once"),
    ctl("clear", "bogus"),
    ctl("clear"),
    ctl("clear", "all"),
    ctl("tail", "once"),
    ctl("tail", "once", "stderr"),
    ctl("tail", "-3", "once"),
    ctl("tail", "once", "bogus"),
    ctl("tail", "bogus"),
    ctl("tail"),
    ctl("tail", "-x", "once"),
    ctl("maintail", "-100000"),
    ctl("maintail", "bogus"),
    ctl("version"),
    ctl("open", "bogus"),
    ctl("fg"),
    ctl("fg", "bogus"),
    ctl("fg", "manual"),
    ctl("fg", "a", "b"),
    ctl("quit"),
    ctl("exit"),
    ctl("stop", "all"),
    ctl("status"),
    ctl("start", "all"),
    settle(),
    ctl("status"),
    ctl("shutdown"),
    wait_exit(),
    ctl("status"),
], config=HEADER + PROGRAMS, normalize=PIDS)

CHANGED = (
    program("sleeper", "/bin/sleep 2000", startsecs="0")
    + program("once", "/bin/sh -c 'echo out; echo err >&2; sleep 0.2'", startsecs="0",
              autorestart="false")
    + program("newprog", "/bin/sleep 1000", startsecs="0")
)
case("ctl-update", [
    start(),
    settle(),
    ctl("reread"),
    write("supervisord.conf", HEADER + CHANGED),
    ctl("reread"),
    ctl("avail"),
    ctl("update", "bogus"),
    ctl("update"),
    settle(),
    ctl("status"),
    ctl("update"),
    ctl("add", "bogus"),
    ctl("remove", "bogus"),
    ctl("add"),
    write("supervisord.conf", HEADER + CHANGED + program("later", "/bin/sleep 1000",
                                                          startsecs="0")),
    ctl("reread"),
    ctl("add", "later"),
    ctl("add", "later"),
    settle(),
    ctl("remove", "later"),
    ctl("stop", "later"),
    ctl("remove", "later"),
    ctl("reread"),
    ctl("update", "all"),
    ctl("reload"),
    wait_log(r"supervisord started with pid", count=2),
    settle(until=r"^newprog\s+RUNNING"),
    settle(until=r"^once\s+EXITED"),
    ctl("status"),
    write("supervisord.conf", "[supervisord\nbroken"),
    ctl("reread"),
    ctl("update"),
    stop(),
], config=HEADER + PROGRAMS, normalize=PIDS)

# ---------------------------------------------------------------- sections

case("section-include-and-group", [
    start(),
    settle(),
    ctl("status"),
    ctl("avail"),
    stop(),
], config=HEADER + "\n[include]\nfiles=conf.d/*.conf extra/one.ini\n",
   files={"conf.d/a.conf": program("a", "/bin/sleep 1000", startsecs="0", priority="5")
          + "\n[group:both]\nprograms=a,b\n",
          "conf.d/b.conf": program("b", "/bin/sleep 1000", startsecs="0"),
          "extra/one.ini": program("c", "/bin/sleep 1000", startsecs="0", numprocs="2",
                                   process_name="c%(process_num)d")})

case("section-fcgi-program", [
    start(),
    settle(),
    wait_file("fcgi_0.out", "socket"),
    record_file("fcgi_0.out"),  # what fd 0 is in the child
    ctl("status"),
    ctl("avail"),
    ctl("stop", "all"),
    ctl("start", "fcgi:*"),
    stop(),
], config=HEADER + "\n[fcgi-program:fcgi]\n"
   "command=/bin/sh -c 'stat -L -c %%F /proc/self/fd/0; exec /bin/sleep 1000'\n"
   "socket=unix://{dir}/fcgi.sock\nsocket_mode=0770\n"
   "numprocs=2\nprocess_name=%(program_name)s_%(process_num)s\nstartsecs=0\n"
   "stdout_logfile={dir}/%(program_name)s_%(process_num)s.out\n")

case("section-eventlistener", [
    start(),
    settle(),
    ctl("status"),
    ctl("avail"),
    stop(),
], config=HEADER + "\n[eventlistener:listener]\ncommand=/bin/sleep 1000\n"
   "events=PROCESS_STATE\nstartsecs=0\n" + program("sleeper", "/bin/sleep 1000", startsecs="0"))

AUTH = ("[unix_http_server]\nfile={dir}/supervisor.sock\nchmod=0760\nusername=alice\n"
        "password=secret\n" + HEADER.split("\n", 3)[3])
case("section-unix-server-auth", [
    start(),
    settle(),
    ctl("status"),
    ctl("-u", "alice", "-p", "secret", "status"),
    ctl("-u", "alice", "-p", "wrong", "status"),
    run("stat", "-c", "%a", "{dir}/supervisor.sock"),
    stop(),
], config=AUTH + program("sleeper", "/bin/sleep 1000", startsecs="0"))

case("section-inet-http-server", [
    start(),
    settle(),
    ctl("status"),
    stop(),
], config=HEADER.replace("serverurl=unix://{dir}/supervisor.sock", "serverurl=http://127.0.0.1:{port}")
   .replace("[unix_http_server]\nfile={dir}/supervisor.sock\n",
            "[inet_http_server]\nport=127.0.0.1:{port}\n")
   + program("sleeper", "/bin/sleep 1000", startsecs="0"))

case("section-python-plugins", [
    ctl("status"),
    start("-c", "{dir}/bad-rpc.conf", config=False),
    stop(),
], config=HEADER + "\n[ctlplugin:nope]\nsupervisor.ctl_factory = no_such_module:make\n",
   files={"bad-rpc.conf": HEADER + "\n[rpcinterface:nope]\n"
          "supervisor.rpcinterface_factory = no_such_module:make\n"})

case("section-supervisorctl-prompt", [
    ctl(stdin="status\n"),
], config=HEADER + "prompt=mine\nhistory_file={dir}/history\n")

# ---------------------------------------------------------------- children

case("child-undecodable-output-debug", [
    start(),
    wait_log(r"exited: bad"),
    wait_log(r"exited: good"),
    stop(),
], config=HEADER.replace("childlogdir={dir}", "childlogdir={dir}\nloglevel=debug")
   + program("bad", "/bin/sh -c \"printf '\\210\\nok\\n'; sleep 0.2\"", startsecs="0",
             autorestart="false")
   + program("good", "/bin/sh -c \"printf 'The \\303\\230resund bridge ends in "
             "Malm\\303\\266\\n'; sleep 0.2\"", startsecs="0", autorestart="false",
             priority="2000"))

case("child-environment", [
    start(),
    wait_file("env.out", r"SUPERVISOR_GROUP_NAME"),
    wait_log(r"exited: env"),
    record_file("env.out"),
    record_file("signals.out"),
    stop(),
], config=HEADER + "environment=ZED=daemon,HOME=/daemon-home,ALPHA=daemon\n"
   + program("env", "/bin/sh -c '/usr/bin/env; sleep 0.2'", startsecs="0", autorestart="false",
             stdout_logfile="{dir}/env.out",
             environment='MIDDLE=prog,ALPHA=prog,PATH="/prog/bin:/usr/bin:/bin"')
   + program("signals", "/bin/sh -c \"grep -E '^Sig(Blk|Ign)' /proc/self/status; sleep 0.2\"",
             startsecs="0",
             autorestart="false", stdout_logfile="{dir}/signals.out"),
   env={"Q": "1", "SUPERVISOR_GROUP_NAME": "outer"})

case("child-unicode-names", [
    start(),
    settle(),
    ctl("status"),
    ctl("avail"),
    ctl("stop", "grüppe:*"),
    ctl("status", "test_öäü"),
    stop(),
], config=HEADER + program("test_öäü", "/bin/sleep 1000", startsecs="0")
   + program("ß", "/bin/sleep 1000", startsecs="0")
   + program("日本語", "/bin/sleep 1000", startsecs="0", priority="7")
   + "\n[group:grüppe]\nprograms=ß\npriority=3\n")

case("child-exits-and-spawn-errors", [
    start(),
    settle(until=r"^fails\s+FATAL"),
    settle(until=r"^missing\s+FATAL"),
    settle(until=r"^noexec\s+FATAL"),
    settle(),
    ctl("status"),
    ctl("start", "missing"),
    ctl("start", "noexec"),
    ctl("start", "fails"),
    settle(until=r"^fails\s+FATAL"),
    ctl("status", "fails"),
    stop(),
], config=HEADER
   # startsecs=3: Python reaps a quick exit up to a second late (one poll
   # timeout), and with startsecs=1 that would race with its RUNNING.
   + program("fails", "/bin/sh -c 'exit 3'", startsecs="3", startretries="1")
   + program("expected", "/bin/sh -c 'sleep 0.2; exit 3'", startsecs="0", autorestart="unexpected",
             exitcodes="3")
   + program("missing", "/nonexistent/command", startretries="0")
   + program("noexec", "{dir}/supervisord.conf", startretries="0")
   + program("quick", "/bin/true", startsecs="3", startretries="0"))

case("child-stop-signals", [
    start(),
    settle(),
    ctl("stop", "stubborn"),
    ctl("stop", "quitter"),
    ctl("status"),
    stop(signal.SIGINT),
], config=HEADER
   + program("stubborn", "/bin/sh -c \"trap '' TERM; while :; do sleep 1; done\"",
             startsecs="0", stopwaitsecs="1", stopasgroup="true", killasgroup="true")
   + program("quitter", "/bin/sleep 1000", startsecs="0", stopsignal="QUIT"))

# A bare %s in command= formats the whole expansion mapping (Python's
# "%s" % dict): a dict repr whose key order is Python's insertion order.
case("config-percent-s-mapping", [
    start(),
    wait_log(r"exited: mapping"),
    record_file("mapping.out"),
    stop(),
], config=HEADER + program("mapping", "/bin/echo %s", startsecs="0", autorestart="false",
                           stdout_logfile="{dir}/mapping.out"))

case("child-log-rotation", [
    start(),
    wait_log(r"exited: writer"),
    run("sh", "-c", "cd {dir} && ls writer.log* && wc -c writer.log*", label="log files"),
    ctl("tail", "writer"),
    stop(),
], config=HEADER + program("writer", "/bin/sh -c 'i=0; while [ $i -lt 200 ]; do "
                                     "echo line $i of the writer; i=$((i+1)); done'",
                           startsecs="0", autorestart="false",
                           stdout_logfile="{dir}/writer.log",
                           stdout_logfile_maxbytes="1KB", stdout_logfile_backups="2"))
