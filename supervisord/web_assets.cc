#include "supervisord/web_assets.h"

namespace sup::web {

const char kPageCss[] = R"CSS(
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{display:flex;align-items:center;gap:1em;background:#27364a;color:#fff;padding:.6em 1.2em}
h1{font-size:1.25em;margin:0;font-weight:600}h1 small{font-weight:400;opacity:.7}
h2{font-size:1.1em;margin:1.2em 0 .4em}h3{font-size:1em;margin:.8em 0 .3em}
main{padding:.8em 1.2em}
.live{font-size:.85em;padding:.1em .6em;border-radius:1em;background:#556;}
.live.on{background:#2e7d32}.live.off{background:#a33}
.live:empty{display:none}
.message{margin:.4em 0;padding:.5em .8em;background:#e8f1fb;border-left:4px solid #3b78c2;white-space:pre-wrap}
.message.error{background:#fbeaea;border-color:#c62828}
.message:empty{display:none}
.bar{display:flex;flex-wrap:wrap;gap:.6em;align-items:center;margin:.6em 0}
.bar form{display:flex;gap:.4em;margin:0}
button,.button,select,input{font:inherit;padding:.25em .6em;border:1px solid #9aa4b1;border-radius:4px;background:#fff;color:#222}
button,.button{cursor:pointer;text-decoration:none}
button:hover,.button:hover{background:#eef2f7}
button:disabled{opacity:.5;cursor:wait}
table{border-collapse:collapse;width:100%;background:#fff;box-shadow:0 1px 2px #0002}
th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #e3e6ea;vertical-align:middle}
th{background:#eef1f5;font-weight:600}
td.name{font-family:ui-monospace,monospace;word-break:break-all}
td.pid,td.uptime{font-variant-numeric:tabular-nums;white-space:nowrap}
td.actions{white-space:nowrap}td.actions form{display:inline-flex;gap:.25em;margin:0 .4em 0 0}
td.actions button{padding:.1em .45em;font-size:.9em}
.state{display:inline-block;min-width:6.5em;text-align:center;padding:.1em .4em;border-radius:3px;font-weight:600;font-size:.85em;color:#fff}
.state.running{background:#2e7d32}.state.busy{background:#ef8f00}
.state.stopped{background:#78828c}.state.error{background:#c62828}
tr[hidden]{display:none}
#logs form{display:flex;flex-wrap:wrap;gap:.4em;align-items:center}
pre{background:#111820;color:#d8e0e8;padding:.6em;max-height:24em;overflow:auto;white-space:pre-wrap;word-break:break-all;margin:.3em 0}
)CSS";

const char kPageScript[] = R"JS(
(function () {
  'use strict';
  var token = document.querySelector('input[name=token]').value;
  var tbody = document.querySelector('#procs tbody');
  var tpl = document.getElementById('rowtpl');
  var msg = document.getElementById('message');
  var live = document.getElementById('live');
  var filterForm = document.getElementById('filter');
  var grepName = document.getElementById('grepname');
  var rows = new Map();
  var classes = {RUNNING: 'running', STARTING: 'busy', STOPPING: 'busy', STOPPED: 'stopped',
                 EXITED: 'stopped'};

  function two(n) { return n < 10 ? '0' + n : String(n); }
  // Python's str(timedelta), as the server renders it.
  function uptimeText(s) {
    var d = Math.floor(s / 86400), r = s % 86400;
    var hms = Math.floor(r / 3600) + ':' + two(Math.floor(r / 60) % 60) + ':' + two(r % 60);
    return d ? d + (d === 1 ? ' day, ' : ' days, ') + hms : hms;
  }
  function showUptime(r) {
    r.tr.querySelector('.uptime').textContent =
      r.running ? uptimeText(r.up + Math.floor((Date.now() - r.at) / 1000)) : '';
  }
  function matches(tr) {
    var f = filterForm.elements.filter.value.toLowerCase();
    var st = filterForm.elements.state.value;
    return (!st || tr.dataset.state === st) &&
           (!f || tr.dataset.name.toLowerCase().indexOf(f) >= 0);
  }
  function applyFilter(tr) { tr.hidden = !matches(tr); }
  function fill(r, p) {
    var tr = r.tr;
    tr.dataset.name = p.name;
    tr.dataset.state = p.state;
    var st = tr.querySelector('.state');
    st.textContent = p.state;
    st.className = 'state ' + (classes[p.state] || 'error');
    tr.querySelector('.name').textContent = p.name;
    tr.querySelector('.desc').textContent = p.description;
    tr.querySelector('.pid').textContent = p.pid > 0 ? String(p.pid) : '';
    tr.querySelector('input[name=name]').value = p.name;
    tr.querySelector('a.tail').href = '/logtail/' + encodeURIComponent(p.name);
    r.running = p.state === 'RUNNING';
    r.up = p.uptime;
    r.at = Date.now();
    showUptime(r);
    applyFilter(tr);
  }
  function newRow(p) {
    var r = {tr: tpl.content.firstElementChild.cloneNode(true)};
    rows.set(p.name, r);
    tbody.appendChild(r.tr);
    return r;
  }
  function update(p) { fill(rows.get(p.name) || newRow(p), p); }
  function snapshot(list) {
    rows.clear();
    tbody.textContent = '';
    var chosen = grepName.value;
    grepName.textContent = '';
    list.forEach(function (p) {
      fill(newRow(p), p);
      var o = document.createElement('option');
      o.value = o.textContent = p.name;
      grepName.appendChild(o);
    });
    if (rows.has(chosen)) grepName.value = chosen;
  }
  function say(text, error) {
    msg.textContent = text;
    msg.className = 'message' + (error ? ' error' : '');
  }

  if (window.EventSource) {
    var es = new EventSource('/events');
    es.addEventListener('snapshot', function (e) { snapshot(JSON.parse(e.data)); });
    es.addEventListener('process', function (e) { update(JSON.parse(e.data)); });
    es.onopen = function () { live.textContent = 'live'; live.className = 'live on'; };
    es.onerror = function () { live.textContent = 'reconnecting'; live.className = 'live off'; };
    // The uptime of running rows goes on in the browser: no request is made.
    setInterval(function () { rows.forEach(function (r) { if (r.running) showUptime(r); }); }, 1000);
  }

  filterForm.addEventListener('submit', function (e) { e.preventDefault(); });
  function refilter() { rows.forEach(function (r) { applyFilter(r.tr); }); }
  filterForm.addEventListener('input', refilter);
  filterForm.addEventListener('change', refilter);

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList.contains('act')) return;
    e.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    if (e.submitter && e.submitter.name) body.set(e.submitter.name, e.submitter.value);
    var buttons = form.querySelectorAll('button');
    buttons.forEach(function (b) { b.disabled = true; });
    say('');
    fetch('/', {method: 'POST', body: body, headers: {'X-Supervisor-Token': token}})
      .then(function (res) {
        return res.text().then(function (t) { say(t.trim(), !res.ok || /ERROR/.test(t)); });
      })
      .catch(function (err) { say(String(err), true); })
      .finally(function () { buttons.forEach(function (b) { b.disabled = false; }); });
  });

  var tailBox = document.getElementById('tailbox');
  var tailPre = document.getElementById('tail');
  var tailAbort = null;
  function stopTail() { if (tailAbort) { tailAbort.abort(); tailAbort = null; } }
  document.getElementById('tailstop').addEventListener('click', function () {
    stopTail();
    document.getElementById('tailtitle').textContent += ' (stopped)';
  });
  function follow(name) {
    stopTail();
    var ctl = tailAbort = new AbortController();
    tailBox.hidden = false;
    tailPre.textContent = '';
    document.getElementById('tailtitle').textContent = 'Following ' + name + ' stdout';
    var decoder = new TextDecoder();
    fetch('/logtail/' + encodeURIComponent(name) + '/stdout', {signal: ctl.signal})
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status + ' (no log file yet?)');
        var reader = res.body.getReader();
        function pump() {
          return reader.read().then(function (x) {
            if (x.done) return;
            // Keep the last 64 KiB: a chatty program must not grow the page.
            var text = tailPre.textContent + decoder.decode(x.value, {stream: true});
            tailPre.textContent = text.length > 65536 ? text.slice(-65536) : text;
            tailPre.scrollTop = tailPre.scrollHeight;
            return pump();
          });
        }
        return pump();
      })
      .catch(function (err) { if (err.name !== 'AbortError') tailPre.textContent += '\n' + err; });
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a.tail');
    if (!a) return;
    e.preventDefault();
    follow(a.closest('tr').dataset.name);
  });

  document.getElementById('grep').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = new URLSearchParams(new FormData(e.target));
    var box = document.getElementById('grepbox');
    var out = document.getElementById('grepout');
    box.hidden = false;
    document.getElementById('greptitle').textContent =
      'grep ' + q.get('pattern') + ' in ' + q.get('name') + ' ' + q.get('stream');
    out.textContent = '…';
    fetch('/grep?' + q.toString())
      .then(function (res) { return res.text(); })
      .then(function (t) { out.textContent = t; })
      .catch(function (err) { out.textContent = String(err); });
  });
})();
)JS";

}  // namespace sup::web
