#!/usr/bin/python3
"""Python Supervisor 4.2.5's own end-to-end tests, run against our binaries.

Supervisor's tests/test_end_to_end.py starts `python -m supervisor.supervisord
...` (and supervisorctl, pidproxy) under pexpect and waits for what they
print. This runner imports that file unchanged from Debian's supervisor
package and points each spawn at our supervisord, supervisorctl or pidproxy
instead (--python runs it against Python's, to check the harness). Its
fixtures are copied to a temp dir first, with their /tmp/ paths moved into
it and `python` made /usr/bin/python3, so nothing touches the shared /tmp.

Run with Debian's python3 (the supervisor module and python3-pexpect):

    /usr/bin/python3 tests/compat/run-e2e.py [--bin build/bin] [--python] [-v]

Every test runs, those with event listeners and XML-RPC clients included,
except what NOT_APPLICABLE lists with the reason; every one run must pass.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True

NOT_APPLICABLE = {}

# Debian's package ships issue-565.conf without the script it runs. What the
# test needs of it (test_end_to_end.py: `tail -f hello` must show
# "The \u00d8resund bridge ends in Malm\u00f6 - N" for N = 1..3) is a program
# that keeps writing that non-ASCII line with a counter; this one is ours.
MISSING_FIXTURES = {
    "hello.sh": "n=0\nwhile :; do\n  n=$((n + 1))\n"
                "  echo \"The \u00d8resund bridge ends in Malm\u00f6 - $n\"\n  sleep 1\ndone\n",
}


def copy_fixtures(src, dst):
    """The fixtures with /tmp/ moved into dst and `python` as python3."""
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
    for name, text in MISSING_FIXTURES.items():
        path = os.path.join(dst, name)
        if not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    for name in os.listdir(dst):
        path = os.path.join(dst, name)
        if not name.endswith(".conf"):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("/tmp/", dst + "/")
        text = re.sub(r"(?m)^(command\s*=\s*)python ", r"\1/usr/bin/python3 ", text)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "bin"),
                    help="our supervisord, supervisorctl and pidproxy (default build/bin)")
    ap.add_argument("--python", action="store_true",
                    help="run the tests against Python's Supervisor, unchanged")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)  # the tests run from a temp dir

    try:
        import pexpect
        import pkg_resources
        import supervisor.tests
    except ImportError as e:
        print("run-e2e: %s (needs Debian's python3-pexpect and supervisor)" % e)
        return 2
    tests_dir = os.path.dirname(supervisor.tests.__file__)
    work = tempfile.mkdtemp(prefix="sup-e2e-")
    fixtures = os.path.join(work, "fixtures")
    copy_fixtures(os.path.join(tests_dir, "fixtures"), fixtures)
    os.chdir(work)  # configs without logfile= write supervisord.log here
    os.environ["TMPDIR"] = work  # and AUTO child logs
    os.environ["END_TO_END"] = "1"  # the module defines its tests only then

    real_resource_filename = pkg_resources.resource_filename

    def resource_filename(package, name):
        if name.startswith("fixtures/"):
            return os.path.join(work, name)
        return real_resource_filename(package, name)
    pkg_resources.resource_filename = resource_filename

    tools = {"supervisor.%s" % t: os.path.join(args.bin, t)
             for t in ("supervisord", "supervisorctl", "pidproxy")}
    real_spawn = pexpect.spawn

    def spawn(command, args=(), *rest, **kwargs):
        """`python -m supervisor.X ARGS` -> our X ARGS; in a shell command
        line, the same substitution."""
        if not args_python():
            if command == sys.executable and len(args) >= 2 and args[0] == "-m" and \
                    args[1] in tools:
                command, args = tools[args[1]], list(args[2:])
            elif command == "/bin/sh" and len(args) == 2 and args[0] == "-c":
                line = args[1]
                for module, path in tools.items():
                    line = line.replace("'%s' -m %s" % (sys.executable, module), "'%s'" % path)
                args = ["-c", line]
        return real_spawn(command, list(args), *rest, **kwargs)

    def args_python():
        return args.python
    pexpect.spawn = spawn

    from supervisor.tests import test_end_to_end

    # The XML-RPC tests name their socket in /tmp/ in code, not in a fixture:
    # point their transport at the fixture's moved socket too.
    # (They import it inside each test, from supervisor.xmlrpc.)
    import supervisor.xmlrpc
    real_transport = supervisor.xmlrpc.SupervisorTransport

    class MovedTransport(real_transport):
        def __init__(self, username, password, serverurl):
            super().__init__(username, password, serverurl.replace("/tmp/", fixtures + "/"))
    supervisor.xmlrpc.SupervisorTransport = MovedTransport
    test_end_to_end.SupervisorTransport = MovedTransport
    loader = unittest.TestLoader()
    suite = unittest.TestSuite()
    names = loader.getTestCaseNames(test_end_to_end.EndToEndTests)
    for name in names:
        if name not in NOT_APPLICABLE:
            suite.addTest(test_end_to_end.EndToEndTests(name))
    target = "Python Supervisor" if args.python else "our binaries in %s" % args.bin
    print("run-e2e: %d of Supervisor's %d end-to-end tests against %s" %
          (suite.countTestCases(), len(names), target))
    for name in names:
        if name in NOT_APPLICABLE:
            print("  not applicable: %s: %s" % (name, NOT_APPLICABLE[name]))
    result = unittest.TextTestRunner(verbosity=2 if args.verbose else 1).run(suite)
    left = end_leftovers(work)
    if left:
        print("run-e2e: ended %d process(es) left running from %s" % (left, work))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if result.wasSuccessful() else 1


def end_leftovers(work):
    """The tests end their daemons with one SIGINT and pexpect then closes
    them, so a daemon may go before its children (Python's does): end every
    process whose command line names our temp dir (ours alone), by pid."""
    import signal
    import time
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                if work.encode() in f.read():
                    pids.append(int(entry))
        except OSError:
            pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        time.sleep(0.5)
    return len(pids)


if __name__ == "__main__":
    sys.exit(main())
