#!/usr/bin/python3
"""A supervised program that calls back into its supervisord the way
superlance's memmon and httpok do: through childutils.getRPCInterface,
i.e. xmlrpc.client at SUPERVISOR_SERVER_URL (with SUPERVISOR_USERNAME and
SUPERVISOR_PASSWORD when set). It waits for TARGET to run, restarts it
(stopProcess, then startProcess) and prints what it saw. Standard library
only.

    restart_via_serverurl.py TARGET
"""

import os
import sys
import time

import sup_xmlrpc


def main():
    target = sys.argv[1]
    env = os.environ
    rpc = sup_xmlrpc.server_proxy(env["SUPERVISOR_SERVER_URL"], env.get("SUPERVISOR_USERNAME"),
                                  env.get("SUPERVISOR_PASSWORD"))
    deadline = time.time() + 20
    while rpc.supervisor.getProcessInfo(target)["statename"] != "RUNNING":
        if time.time() > deadline:
            print("target never ran", flush=True)
            return 1
        time.sleep(0.05)
    old = rpc.supervisor.getProcessInfo(target)["pid"]
    rpc.supervisor.stopProcess(target)
    rpc.supervisor.startProcess(target)
    new = rpc.supervisor.getProcessInfo(target)["pid"]
    print("restarted %s via %s: pid %d -> %d" % (target, env["SUPERVISOR_SERVER_URL"], old, new),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
