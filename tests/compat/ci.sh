#!/bin/bash
# CI stage "compat": compare our build with Python Supervisor 4.2.5 side by
# side. Installs Debian's supervisor package (its service never starts:
# scripts/install-python-supervisor) and python3-pexpect, then runs
#   - tests/compat/sweep.py: every command, flag and section type against
#     both implementations; fails on any difference not in sweep-allow.txt;
#   - tests/compat/run-e2e.py: Supervisor's own end-to-end tests against our
#     supervisord, supervisorctl and pidproxy.
# Expects the build in build/ (the "build" stage). About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-python-supervisor --pexpect
python3 tests/compat/sweep.py --ours build/bin --python /usr/bin
/usr/bin/python3 tests/compat/run-e2e.py --bin build/bin
