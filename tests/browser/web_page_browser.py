#!/usr/bin/python3
"""The web status page in a real browser: headless Chromium driven over the
DevTools protocol against a private supervisord with [inet_http_server] and
Basic auth. Checks the table (names with markup and unicode shown as text),
clicks Stop and Start and sees the rows change live without a reload, follows
a tail, runs a grep, filters, and saves screenshots to --out.

Exit 0: passed; 1: failed; 77: skipped (no chromium, or no python3-websocket).
Standard library plus Debian's python3-websocket only; no network.
"""
import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client

SKIP = 77
EVIL = "<script>\u00e9vil\u2713&\"'"


def skip(why):
    print("SKIPPED: " + why)
    sys.exit(SKIP)


try:
    import websocket  # python3-websocket
except ImportError:
    skip("python3-websocket is not installed")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    skip("chromium is not installed")

SLOW = int(os.environ.get("SUP_TEST_SLOWDOWN", "1"))


def wait_for(pred, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout * SLOW
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cdp:
    """A minimal DevTools protocol client: one page target, calls by id."""

    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=30 * SLOW)
        self.next_id = 0
        self.events = []

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise AssertionError(method + ": " + json.dumps(msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, name, timeout=15.0):
        deadline = time.monotonic() + timeout * SLOW
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == name:
                    return self.events.pop(i)
            if time.monotonic() > deadline:
                raise AssertionError("no " + name)
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=True)
        if "exceptionDetails" in r:
            raise AssertionError("JS error in " + expression + ": " +
                                 json.dumps(r["exceptionDetails"]))
        return r["result"].get("value")

    def screenshot(self, path):
        r = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))
        print("screenshot: " + path)


def row_state(cdp, name):
    return cdp.js("(function(){var r=[...document.querySelectorAll('#procs tbody tr')]"
                  ".find(t=>t.dataset.name===%s);return r?r.querySelector('.state').textContent:null})()"
                  % json.dumps(name))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--supervisord", required=True)
    ap.add_argument("--helpers", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="sup-web-browser-")
    port = free_port()
    conf = os.path.join(tmp, "sv.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"""[supervisord]
logfile={tmp}/supervisord.log
pidfile={tmp}/supervisord.pid
childlogdir={tmp}
identifier=browser-test

[inet_http_server]
port=127.0.0.1:{port}
username=user
password=secret

[program:web]
command={args.helpers}/chatty 0 300
startsecs=0

[program:db]
command={args.helpers}/sleeper
startsecs=0

[program:{EVIL}]
command={args.helpers}/sleeper
startsecs=0
""")
    daemon = subprocess.Popen([args.supervisord, "-n", "-c", conf],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    browser = None
    base = f"http://127.0.0.1:{port}"
    auth = "Basic " + base64.b64encode(b"user:secret").decode()
    try:
        def page_up():
            req = urllib.request.Request(base + "/", headers={"Authorization": auth})
            try:
                with urllib.request.urlopen(req, timeout=2) as r:
                    return "RUNNING" in r.read().decode("utf-8", "replace")
            except OSError:
                return False
        wait_for(page_up, what="the daemon's page")

        profile = os.path.join(tmp, "chromium-profile")
        browser = subprocess.Popen(
            [CHROMIUM, "--headless=new", "--no-sandbox", "--remote-debugging-port=0",
             "--remote-allow-origins=*", "--user-data-dir=" + profile, "--disable-gpu",
             "--no-first-run", "--window-size=1200,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        active = os.path.join(profile, "DevToolsActivePort")
        wait_for(lambda: os.path.exists(active) and len(open(active).read().split()) >= 2,
                 timeout=30, what="chromium's DevTools port")
        devtools_port = open(active).read().split()[0]
        targets = wait_for(lambda: [t for t in json.load(urllib.request.urlopen(
            f"http://127.0.0.1:{devtools_port}/json/list")) if t["type"] == "page"],
            what="a page target")
        cdp = Cdp(targets[0]["webSocketDebuggerUrl"])
        cdp.call("Page.enable")
        cdp.call("Runtime.enable")
        cdp.call("Network.enable")
        cdp.call("Network.setExtraHTTPHeaders", headers={"Authorization": auth})
        cdp.call("Emulation.setDeviceMetricsOverride", width=1200, height=900,
                 deviceScaleFactor=1, mobile=False)
        cdp.call("Page.navigate", url=base + "/")
        cdp.wait_event("Page.loadEventFired")

        # Live: the event stream is open and has replaced the rows.
        wait_for(lambda: cdp.js("document.getElementById('live').textContent") == "live",
                 what="the live indicator")
        names = cdp.js("[...document.querySelectorAll('#procs tbody tr')].map(t=>t.dataset.name)")
        assert sorted(names) == sorted([EVIL, "db", "web"]), names
        # The name is text, never markup: one script element (the page's own).
        assert cdp.js("document.querySelectorAll('script').length") == 1
        shown = cdp.js("[...document.querySelectorAll('#procs td.name')].map(t=>t.textContent)")
        assert EVIL in shown, shown
        wait_for(lambda: row_state(cdp, "web") == "RUNNING", what="web RUNNING")
        assert cdp.js("getComputedStyle(document.querySelector('.state.running'))"
                      ".backgroundColor") == "rgb(46, 125, 50)"
        cdp.screenshot(os.path.join(args.out, "1-table.png"))

        # Stop and start by clicking: the row changes without a reload.
        cdp.js("window.__notReloaded = true")
        cdp.js("document.querySelector('#procs tr[data-name=\"web\"] button[value=stop]').click()")
        wait_for(lambda: row_state(cdp, "web") == "STOPPED", what="web STOPPED")
        wait_for(lambda: cdp.js("document.getElementById('message').textContent") ==
                 "web: stopped", what="the stop message")
        assert cdp.js("window.__notReloaded === true")
        cdp.screenshot(os.path.join(args.out, "2-stopped.png"))
        cdp.js("document.querySelector('#procs tr[data-name=\"web\"] button[value=start]').click()")
        wait_for(lambda: row_state(cdp, "web") == "RUNNING", what="web RUNNING again")
        wait_for(lambda: cdp.js("document.getElementById('message').textContent") ==
                 "web: started", what="the start message")
        cdp.js("document.querySelector('#procs tr[data-name=\"web\"] button[value=stop]').click()")
        wait_for(lambda: cdp.js("document.getElementById('message').textContent") ==
                 "web: stopped", what="the second stop message")
        cdp.js("document.querySelector('#procs tr[data-name=\"web\"] button[value=stop]').click()")
        wait_for(lambda: cdp.js("document.getElementById('message').textContent") ==
                 "web: ERROR (not running)", what="supervisorctl's error text")
        assert cdp.js("document.getElementById('message').className") == "message error"
        cdp.js("document.querySelector('#procs tr[data-name=\"web\"] button[value=start]').click()")
        wait_for(lambda: row_state(cdp, "web") == "RUNNING", what="web RUNNING a third time")

        # Another client's change shows up too (the event bus, not our click).
        proxy = xmlrpc.client.ServerProxy(f"http://user:secret@127.0.0.1:{port}/RPC2")
        proxy.supervisor.stopProcess("db")
        wait_for(lambda: row_state(cdp, "db") == "STOPPED", what="db STOPPED from XML-RPC")
        assert cdp.js("window.__notReloaded === true")

        # Tail follows: lines keep arriving in the page.
        cdp.js("document.querySelector('#procs tr[data-name=\"web\"] a.tail').click()")
        wait_for(lambda: "line " in (cdp.js("document.getElementById('tail').textContent") or ""),
                 what="the tail's first lines")
        first = cdp.js("document.getElementById('tail').textContent")
        last_n = int(first.strip().split("line ")[-1])
        # The program writes "line N" every 300 ms: two more must arrive.
        wait_for(lambda: cdp.js("document.getElementById('tail').textContent")
                 .endswith("line %d\n" % (last_n + 2)), what="the tail to follow new lines")

        # Uptime counts on in the browser (no request made for it).
        up0 = cdp.js("document.querySelector('#procs tr[data-name=\"db\"] .uptime').textContent")
        assert up0 == "", up0  # db is stopped
        up1 = cdp.js("document.querySelector('#procs tr[data-name=\"web\"] .uptime').textContent")
        assert up1.startswith("0:00:0"), up1
        wait_for(lambda: cdp.js("document.querySelector('#procs tr[data-name=\"web\"] .uptime')"
                                ".textContent") not in ("", up1), what="the uptime to count on")

        # Grep over the program's log, on the server.
        cdp.js("""(function(){var f=document.getElementById('grep');
                  f.elements.name.value='web'; f.elements.pattern.value='^line [12]$';
                  f.requestSubmit();})()""")
        wait_for(lambda: "web:stdout:" in (cdp.js(
            "document.getElementById('grepout').textContent") or ""), what="grep output")
        grep_text = cdp.js("document.getElementById('grepout').textContent")
        assert "web:stdout:1:line 1" in grep_text, grep_text
        cdp.screenshot(os.path.join(args.out, "3-tail-grep.png"))

        # Filters apply as one types.
        cdp.js("""(function(){var i=document.querySelector('#filter input[name=filter]');
                  i.value='DB'; i.dispatchEvent(new Event('input',{bubbles:true}));})()""")
        visible = cdp.js("[...document.querySelectorAll('#procs tbody tr')]"
                         ".filter(t=>!t.hidden).map(t=>t.dataset.name)")
        assert visible == ["db"], visible
        cdp.js("""(function(){var i=document.querySelector('#filter input[name=filter]');
                  i.value=''; i.dispatchEvent(new Event('input',{bubbles:true}));
                  var s=document.querySelector('#filter select');
                  s.value='RUNNING'; s.dispatchEvent(new Event('change',{bubbles:true}));})()""")
        visible = cdp.js("[...document.querySelectorAll('#procs tbody tr')]"
                         ".filter(t=>!t.hidden).map(t=>t.dataset.name)")
        assert sorted(visible) == sorted([EVIL, "web"]), visible
        cdp.screenshot(os.path.join(args.out, "4-filtered.png"))
        cdp.call("Browser.close")
        print("web page browser test: passed")
        return 0
    finally:
        if browser:
            try:
                browser.wait(timeout=5)
            except subprocess.TimeoutExpired:
                browser.kill()
                browser.wait()
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAILED: %s" % e)
        sys.exit(1)
