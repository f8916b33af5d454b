#!/usr/bin/python3
"""Call every method of Supervisor's XML-RPC API on a running supervisord
with Python's own xmlrpc.client, and check each answer's XML-RPC types and
faults against Supervisor's API. Standard library only.

    xmlrpc_every_method.py SERVERURL [USERNAME PASSWORD]

The daemon must run the config of tests/integration/xmlrpc_clients_test.cc:
programs "sleeper" (RUNNING), "idle" (autostart=false) and a group "pool"
of pool_0 and pool_1. With USERNAME, a wrong password must be refused with
HTTP 401 (and the daemon must go on answering). Prints one line per check
that failed and exits 1 if any did.
"""

import sys
import xmlrpc.client

import sup_xmlrpc

INFO_TYPES = {"name": str, "group": str, "start": int, "stop": int, "now": int, "state": int,
              "statename": str, "spawnerr": str, "exitstatus": int, "logfile": str,
              "stdout_logfile": str, "stderr_logfile": str, "pid": int, "description": str}
RESULT_TYPES = {"name": str, "group": str, "status": int, "description": str}
CONFIG_BOOLS = {"inuse", "autostart", "killasgroup", "redirect_stderr", "stdout_syslog",
                "stderr_syslog", "stdout_events_enabled", "stderr_events_enabled"}

failures = []


def check(what, ok):
    if not ok:
        failures.append(what)


def struct_types(what, value, types):
    if not isinstance(value, dict) or set(value) != set(types):
        failures.append("%s: keys %r" % (what, sorted(value) if isinstance(value, dict) else value))
        return
    for key, kind in types.items():
        v = value[key]
        # bool is an int in Python: an XML-RPC <boolean> must not stand in for <int>.
        if not isinstance(v, kind) or (kind is int and isinstance(v, bool)):
            failures.append("%s: %s is %r, not %s" % (what, key, v, kind.__name__))


def fault(what, call, code, text=None):
    try:
        got = call()
    except xmlrpc.client.Fault as f:
        check("%s: fault %d %r, expected %d %r" % (what, f.faultCode, f.faultString, code, text),
              f.faultCode == code and (text is None or f.faultString == text))
        return
    failures.append("%s: no fault, got %r" % (what, got))


def main():
    url = sys.argv[1]
    user, password = (sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else (None, None)
    server = sup_xmlrpc.server_proxy(url, user, password)
    s = server.supervisor

    check("getAPIVersion", s.getAPIVersion() == "3.0")
    check("getVersion", s.getVersion() == "3.0")
    check("getSupervisorVersion", s.getSupervisorVersion() == "4.2.5")
    check("getIdentification", s.getIdentification() == "supervisor")
    check("getState", s.getState() == {"statecode": 1, "statename": "RUNNING"})
    pid = s.getPID()
    check("getPID", isinstance(pid, int) and not isinstance(pid, bool) and pid > 0)

    struct_types("getProcessInfo", s.getProcessInfo("sleeper"), INFO_TYPES)
    infos = s.getAllProcessInfo()
    check("getAllProcessInfo names", [i["name"] for i in infos] ==
          ["idle", "pool_0", "pool_1", "sleeper"])
    for i in infos:
        struct_types("getAllProcessInfo " + i["name"], i, INFO_TYPES)
    fault("getProcessInfo nosuch", lambda: s.getProcessInfo("nosuch"), 10, "BAD_NAME: nosuch")
    for c in s.getAllConfigInfo():
        for key in CONFIG_BOOLS:
            check("getAllConfigInfo %s is a boolean" % key, isinstance(c[key], bool))
        check("getAllConfigInfo exitcodes", c["exitcodes"] == [0])

    check("readLog", isinstance(s.readLog(0, 0), str))
    check("readMainLog", isinstance(s.readMainLog(-10, 0), str))
    fault("readLog bad args", lambda: s.readLog(-1, 5), 3, "BAD_ARGUMENTS")
    check("readProcessStdoutLog", s.readProcessStdoutLog("sleeper", 0, 0).startswith("sleeper "))
    check("readProcessLog", isinstance(s.readProcessLog("sleeper", -5, 0), str))
    check("readProcessStderrLog", s.readProcessStderrLog("sleeper", 0, 0) == "")
    check("readProcessStdoutLog idle", s.readProcessStdoutLog("idle", 0, 0) == "")
    fault("readProcessStdoutLog nosuch", lambda: s.readProcessStdoutLog("no", 0, 0), 10)
    tail = s.tailProcessStdoutLog("sleeper", 0, 5)
    check("tailProcessStdoutLog types", isinstance(tail[0], str) and isinstance(tail[1], int) and
          isinstance(tail[2], bool) and tail[2] is True)
    check("tailProcessLog", s.tailProcessLog("idle", 0, 5) == ["", 0, False])
    check("tailProcessStderrLog", s.tailProcessStderrLog("sleeper", 0, 5)[2] is False)

    check("startProcess idle", s.startProcess("idle") is True)
    fault("startProcess idle again", lambda: s.startProcess("idle"), 60, "ALREADY_STARTED: idle")
    check("signalProcess", s.signalProcess("idle", "CONT") is True)
    fault("signalProcess bad", lambda: s.signalProcess("idle", "NOPE"), 11, "BAD_SIGNAL: NOPE")
    for r in s.signalProcessGroup("pool", "CONT"):
        struct_types("signalProcessGroup", r, RESULT_TYPES)
    check("signalAllProcesses", len(s.signalAllProcesses("CONT")) == 4)
    check("sendProcessStdin", s.sendProcessStdin("idle", "hello\n") is True)
    check("stopProcess idle", s.stopProcess("idle") is True)
    fault("stopProcess idle again", lambda: s.stopProcess("idle"), 70, "NOT_RUNNING: idle")
    fault("sendProcessStdin stopped", lambda: s.sendProcessStdin("idle", "x"), 70)
    check("startProcess nowait", s.startProcess("idle", False) is True)
    check("stopProcessGroup", [r["name"] for r in s.stopProcessGroup("pool")] ==
          ["pool_0", "pool_1"])
    results = s.startProcessGroup("pool", True)
    check("startProcessGroup", [r["status"] for r in results] == [80, 80])
    for r in results:
        struct_types("startProcessGroup", r, RESULT_TYPES)
    check("stopAllProcesses", len(s.stopAllProcesses()) == 4)
    check("startAllProcesses", len(s.startAllProcesses(True)) == 4)
    check("stopProcess group:*", len(s.stopProcess("pool:*")) == 2)
    check("startProcess group:*", len(s.startProcess("pool:*")) == 2)

    check("clearProcessLogs", s.clearProcessLogs("idle") is True)
    check("clearProcessLog", s.clearProcessLog("idle") is True)
    check("clearAllProcessLogs", len(s.clearAllProcessLogs()) == 4)
    check("sendRemoteCommEvent", s.sendRemoteCommEvent("test", "data") is True)
    check("reloadConfig", s.reloadConfig() == [[[], [], []]])
    fault("addProcessGroup present", lambda: s.addProcessGroup("pool"), 90, "ALREADY_ADDED: pool")
    fault("removeProcessGroup running", lambda: s.removeProcessGroup("pool"), 91)
    check("stopProcessGroup nowait", len(s.stopProcessGroup("pool", False)) == 2)
    for _ in range(100):
        if all(i["statename"] == "STOPPED" for i in s.getAllProcessInfo()
               if i["group"] == "pool"):
            break
        import time
        time.sleep(0.05)
    check("removeProcessGroup", s.removeProcessGroup("pool") is True)
    check("addProcessGroup", s.addProcessGroup("pool") is True)
    check("clearLog", s.clearLog() is True)

    # Ours, beyond Supervisor's API, reachable over XML-RPC too.
    files = s.getLogFiles()
    check("getLogFiles", any(f["channel"] == "main" for f in files))
    check("rotateLog", s.rotateLog() is True)
    check("getMetrics", "\nsupervisor_process_up{" in s.getMetrics())

    sysm = server.system
    methods = sysm.listMethods()
    for name in ("supervisor.getState", "system.multicall", "supervisor.tailProcessStdoutLog"):
        check("listMethods has " + name, name in methods)
    check("methodHelp", "Return current state" in sysm.methodHelp("supervisor.getState"))
    check("methodSignature", sysm.methodSignature("supervisor.startProcess") ==
          ["boolean", "string", "boolean"])
    fault("methodSignature nosuch", lambda: sysm.methodSignature("nosuch"), 4)
    mc = sysm.multicall([{"methodName": "supervisor.getPID"},
                         {"methodName": "supervisor.getProcessInfo", "params": ["nosuch"]},
                         {"methodName": "system.multicall", "params": [[]]}])
    check("multicall", mc[0] == pid and mc[1] == {"faultCode": 10, "faultString":
                                                  "BAD_NAME: nosuch"} and mc[2]["faultCode"] == 2)
    fault("unknown method", lambda: s.nosuch(), 1, "UNKNOWN_METHOD")
    fault("wrong arity", lambda: s.getState(1), 2, "INCORRECT_PARAMETERS")

    if user is not None:
        bad = sup_xmlrpc.server_proxy(url, user, password + "x").supervisor
        try:
            bad.getState()
            failures.append("wrong password: no error")
        except xmlrpc.client.ProtocolError as e:
            check("wrong password: HTTP %d, expected 401" % e.errcode, e.errcode == 401)
        anonymous = sup_xmlrpc.server_proxy(url).supervisor
        try:
            anonymous.getState()
            failures.append("no credentials: no error")
        except xmlrpc.client.ProtocolError as e:
            check("no credentials: HTTP %d, expected 401" % e.errcode, e.errcode == 401)
        check("still answering after 401s", s.getState()["statename"] == "RUNNING")

    for f in failures:
        print("FAILED: " + f)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
