/**
 * @module
 * The denats dashboard (`/dashboard`): one self-contained HTML page (inline CSS and JS, no
 * external assets) that polls `./varz`, `./connz` and `./dashboard/history` (the server's 1 s samples,
 * the last ten minutes on first load) every second and `./routez`, `./gatewayz`, `./leafz` every
 * few seconds, and shows server identity, throughput charts (canvas), a
 * topology panel (SVG) and the connection table. Relative URLs keep it working under
 * `http_base_path`. Pure; runs in the main isolate.
 */

const STYLE = `
:root { --bg:#0f1722; --panel:#172232; --line:#24344a; --text:#dce6f2; --muted:#8aa0b8;
  --in:#27aae1; --out:#8dc63f; --route:#f5a623; --gw:#b37feb; --leaf:#34a574; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--text);
  font:14px/1.4 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif; }
header { display:flex; align-items:baseline; gap:16px; padding:14px 20px;
  border-bottom:1px solid var(--line); flex-wrap:wrap; }
header h1 { margin:0; font-size:20px; color:var(--in); }
header .id { color:var(--muted); font-family:ui-monospace,monospace; font-size:12px; }
#status { margin-left:auto; font-size:12px; color:var(--muted); }
#status.ok::before { content:"\\25CF "; color:var(--out); }
#status.err::before { content:"\\25CF "; color:#e5484d; }
main { display:grid; grid-template-columns: minmax(0,2fr) minmax(0,1fr); gap:14px;
  padding:14px 20px; }
.table-wrap { overflow-x:auto; }
section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:12px; }
section h2 { margin:0 0 8px; font-size:13px; text-transform:uppercase; letter-spacing:.06em;
  color:var(--muted); }
.wide { grid-column: 1 / -1; }
.stats { display:grid; grid-template-columns: repeat(auto-fill,minmax(130px,1fr)); gap:8px; }
.stat { background:#1d2b3f; border-radius:6px; padding:8px 10px; }
.stat .k { font-size:11px; color:var(--muted); text-transform:uppercase; }
.stat .v { font-size:18px; font-weight:600; font-variant-numeric:tabular-nums;
  overflow-wrap:anywhere; }
.stat .v.small { font-size:14px; padding-top:3px; }
canvas { width:100%; height:180px; display:block; }
.legend { font-size:12px; color:var(--muted); margin-top:4px; }
.legend b { display:inline-block; width:10px; height:10px; border-radius:2px; margin:0 4px 0 10px; }
#topology { width:100%; height:260px; }
table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; font-size:13px; }
th, td { text-align:right; padding:4px 6px; border-bottom:1px solid var(--line); white-space:nowrap; }
th:nth-child(-n+3), td:nth-child(-n+3) { text-align:left; }
th { color:var(--muted); font-weight:500; cursor:pointer; }
tbody tr:hover { background:#1d2b3f; }
.empty { color:var(--muted); text-align:center; padding:12px; }
`;

const SCRIPT = `
"use strict";
// Rates from the server's 1 s samples (./dashboard/history): the last ten minutes arrive with
// the first poll, so a fresh page draws its charts at once.
const HISTORY = 600;
const samples = [];
let prevSample = null;
let lastT = 0;
let sortKey = "cid";
const $ = (id) => document.getElementById(id);

function human(n, unit) {
  const units = unit === "B" ? ["B", "KiB", "MiB", "GiB", "TiB"] : ["", "K", "M", "G", "T"];
  const step = unit === "B" ? 1024 : 1000;
  let i = 0;
  while (Math.abs(n) >= step && i < units.length - 1) { n /= step; i++; }
  const text = i === 0 && (Number.isInteger(n) || n >= 100) ? String(Math.round(n))
    : n.toFixed(n < 10 ? (i === 0 ? 1 : 2) : 1);
  return text + (unit === "B" ? " " + units[i] : units[i]);
}

function setText(id, text) { const el = $(id); if (el && el.textContent !== text) el.textContent = text; }

async function getJSON(path) {
  const res = await fetch(path, { cache: "no-store" });
  if (!res.ok) throw new Error(path + ": " + res.status);
  return res.json();
}

function onVarz(v) {
  setText("name", v.server_name);
  setText("server-id", v.server_id);
  setText("version", "v" + v.version + (v.denats_version ? " (denats " + v.denats_version + ")" : ""));
  setText("s-uptime", v.uptime);
  setText("s-conns", String(v.connections));
  setText("s-total", String(v.total_connections));
  setText("s-slow", String(v.slow_consumers));
  setText("s-mem", human(v.mem, "B"));
  setText("s-cpu", v.cpu.toFixed(1) + "%");
  setText("s-in-msgs", human(v.in_msgs, ""));
  setText("s-in-bytes", human(v.in_bytes, "B"));
  setText("s-out-msgs", human(v.out_msgs, ""));
  setText("s-out-bytes", human(v.out_bytes, "B"));
  setText("s-host", v.host + ":" + v.port);
  redraw();
}

function onHistory(h) {
  for (const x of h.samples || []) {
    if (x.t <= lastT) continue;
    if (prevSample !== null) {
      const dt = (x.t - prevSample.t) / 1000;
      if (dt > 0) {
        samples.push({
          inMsgs: (x.in_msgs - prevSample.in_msgs) / dt, outMsgs: (x.out_msgs - prevSample.out_msgs) / dt,
          inBytes: (x.in_bytes - prevSample.in_bytes) / dt, outBytes: (x.out_bytes - prevSample.out_bytes) / dt,
        });
      }
    }
    prevSample = x;
    lastT = x.t;
  }
  while (samples.length > HISTORY) samples.shift();
  if (prevSample !== null) {
    setText("s-subs", String(prevSample.subscriptions));
    setText("s-sys-subs", String(prevSample.system_subscriptions));
  }
  const s = samples[samples.length - 1];
  if (s) {
    setText("r-msgs", human(s.inMsgs, "") + "/s in, " + human(s.outMsgs, "") + "/s out");
    setText("r-bytes", human(s.inBytes, "B") + "/s in, " + human(s.outBytes, "B") + "/s out");
  }
  redraw();
}

function redraw() {
  drawChart($("chart-msgs"), "inMsgs", "outMsgs", "");
  drawChart($("chart-bytes"), "inBytes", "outBytes", "B");
  $("chart-msgs").dataset.samples = String(samples.length);
}

function drawChart(canvas, inKey, outKey, unit) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 600, h = canvas.clientHeight || 180;
  if (canvas.width !== Math.round(w * ratio)) { canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio); }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const left = 64, right = 8, top = 8, bottom = 18;
  let max = 1;
  for (const s of samples) max = Math.max(max, s[inKey], s[outKey]);
  max *= 1.15;
  ctx.strokeStyle = "#24344a"; ctx.fillStyle = "#8aa0b8"; ctx.font = "11px sans-serif";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = top + (h - top - bottom) * i / 4;
    ctx.beginPath(); ctx.moveTo(left, y); ctx.lineTo(w - right, y); ctx.stroke();
    ctx.fillText(human(max * (4 - i) / 4, unit) + "/s", 4, y + 4);
  }
  // The window grows with the history: one minute at least, ten at most.
  const span = Math.max(60, samples.length);
  ctx.fillText(span >= 120 ? "-" + Math.round(span / 60) + "m" : "-" + span + "s", left, h - 4);
  ctx.fillText("now", w - right - 22, h - 4);
  const x = (i) => left + (w - left - right) * (span - samples.length + i) / (span - 1);
  const y = (val) => top + (h - top - bottom) * (1 - val / max);
  for (const [key, color] of [[inKey, "#27aae1"], [outKey, "#8dc63f"]]) {
    ctx.strokeStyle = color; ctx.lineWidth = 2; ctx.beginPath();
    samples.forEach((s, i) => i === 0 ? ctx.moveTo(x(i), y(s[key])) : ctx.lineTo(x(i), y(s[key])));
    ctx.stroke();
  }
}

const COLUMNS = [
  ["cid", "CID", "cid"], ["name", "Name", null], ["addr", "Address", null],
  ["lang", "Client", null], ["subscriptions", "Subs", "subs"], ["pending_bytes", "Pending", "pending"],
  ["in_msgs", "Msgs In", "msgs_from"], ["out_msgs", "Msgs Out", "msgs_to"],
  ["in_bytes", "Bytes In", "bytes_from"], ["out_bytes", "Bytes Out", "bytes_to"],
  ["rtt", "RTT", null], ["uptime", "Uptime", null], ["idle", "Idle", "idle"],
];

function cell(c, key) {
  if (key === "addr") return c.ip + ":" + c.port;
  if (key === "lang") return [c.lang, c.version].filter(Boolean).join(" ");
  if (key === "in_bytes" || key === "out_bytes" || key === "pending_bytes") return human(c[key], "B");
  const v = c[key];
  return v === undefined ? "" : String(v);
}

function onConnz(z) {
  const body = $("conns");
  const rows = [];
  for (const c of z.connections || []) {
    const tr = document.createElement("tr");
    tr.dataset.cid = String(c.cid);
    for (const [key] of COLUMNS) {
      const td = document.createElement("td");
      td.textContent = cell(c, key);
      tr.appendChild(td);
    }
    rows.push(tr);
  }
  if (rows.length === 0) {
    const tr = document.createElement("tr");
    tr.innerHTML = '<td class="empty" colspan="' + COLUMNS.length + '">no connections</td>';
    rows.push(tr);
  }
  body.replaceChildren(...rows);
  setText("conn-count", z.num_connections + " of " + z.total);
}

const SVG_NS = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const k in attrs) el.setAttribute(k, attrs[k]);
  if (text !== undefined) el.textContent = text;
  return el;
}

function onTopology(name, routez, gatewayz, leafz, clients) {
  const root = $("topology");
  const peers = [];
  for (const r of routez.routes || []) peers.push({ label: r.remote_id.slice(0, 8), kind: "route", color: "#f5a623" });
  for (const g of Object.keys(gatewayz.outbound_gateways || {})) peers.push({ label: g, kind: "gateway out", color: "#b37feb" });
  for (const g of Object.keys(gatewayz.inbound_gateways || {})) peers.push({ label: g, kind: "gateway in", color: "#b37feb" });
  for (const l of leafz.leafs || []) peers.push({ label: l.ip + ":" + l.port, kind: "leaf " + l.account, color: "#34a574" });
  peers.push({ label: clients + " clients", kind: "clients", color: "#27aae1" });
  const w = root.clientWidth || 400, h = 260, cx = w / 2, cy = h / 2;
  const r = Math.min(w, h) / 2 - 40;
  const nodes = [];
  peers.forEach((p, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / peers.length;
    const px = cx + r * Math.cos(a), py = cy + r * Math.sin(a);
    nodes.push(svg("line", { x1: cx, y1: cy, x2: px, y2: py, stroke: p.color, "stroke-width": 2, "stroke-dasharray": p.kind === "clients" ? "4 3" : "" }));
    nodes.push(svg("circle", { cx: px, cy: py, r: 16, fill: "#172232", stroke: p.color, "stroke-width": 2 }));
    nodes.push(svg("text", { x: px, y: py + 32, fill: "#dce6f2", "font-size": 11, "text-anchor": "middle" }, p.label));
    nodes.push(svg("text", { x: px, y: py + 4, fill: p.color, "font-size": 9, "text-anchor": "middle" }, p.kind.split(" ")[0]));
  });
  nodes.push(svg("circle", { cx, cy, r: 28, fill: "#27aae1" }));
  nodes.push(svg("text", { x: cx, y: cy + 4, fill: "#0f1722", "font-size": 12, "font-weight": 700, "text-anchor": "middle" }, "server"));
  nodes.push(svg("text", { x: cx, y: cy + 46, fill: "#dce6f2", "font-size": 12, "text-anchor": "middle" }, name.length > 24 ? name.slice(0, 24) + "..." : name));
  root.replaceChildren(...nodes);
  setText("topo-summary", (routez.num_routes || 0) + " routes, " +
    Object.keys(gatewayz.outbound_gateways || {}).length + " gateways, " + (leafz.leafnodes || 0) + " leafnodes");
}

let tick = 0;
let serverName = "";
let clientCount = 0;
async function poll() {
  try {
    const [v, z, h] = await Promise.all([
      getJSON("./varz"), getJSON("./connz?limit=200&sort=" + sortKey),
      getJSON("./dashboard/history?since=" + lastT),
    ]);
    serverName = v.server_name; clientCount = v.connections;
    onVarz(v);
    onHistory(h);
    onConnz(z);
    if (tick % 5 === 0) {
      const [r, g, l] = await Promise.all([getJSON("./routez"), getJSON("./gatewayz"), getJSON("./leafz")]);
      onTopology(serverName, r, g, l, clientCount);
    }
    $("status").className = "ok";
    setText("status", "live, updated " + new Date().toLocaleTimeString());
  } catch (err) {
    $("status").className = "err";
    setText("status", String(err));
  }
  tick++;
}

function init() {
  const head = $("conn-head");
  for (const [, label, sort] of COLUMNS) {
    const th = document.createElement("th");
    th.textContent = label;
    if (sort) th.onclick = () => { sortKey = sort; poll(); };
    head.appendChild(th);
  }
  poll();
  setInterval(poll, 1000);
}
init();
`;

/** The dashboard page. */
export function dashboardPage(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>denats dashboard</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>denats</h1><span id="name">...</span><span class="id" id="server-id"></span>
  <span class="id" id="version"></span><span id="status">connecting...</span>
</header>
<main>
  <section class="wide">
    <h2>Server</h2>
    <div class="stats">
      <div class="stat"><div class="k">Uptime</div><div class="v" id="s-uptime">-</div></div>
      <div class="stat"><div class="k">Clients at</div><div class="v small" id="s-host">-</div></div>
      <div class="stat"><div class="k">Connections</div><div class="v" id="s-conns">-</div></div>
      <div class="stat"><div class="k">Total conns</div><div class="v" id="s-total">-</div></div>
      <div class="stat"><div class="k">Client subs</div><div class="v" id="s-subs">-</div></div>
      <div class="stat"><div class="k">System subs</div><div class="v" id="s-sys-subs">-</div></div>
      <div class="stat"><div class="k">Slow consumers</div><div class="v" id="s-slow">-</div></div>
      <div class="stat"><div class="k">Memory</div><div class="v" id="s-mem">-</div></div>
      <div class="stat"><div class="k">CPU</div><div class="v" id="s-cpu">-</div></div>
      <div class="stat"><div class="k">Msgs in</div><div class="v" id="s-in-msgs">-</div></div>
      <div class="stat"><div class="k">Msgs out</div><div class="v" id="s-out-msgs">-</div></div>
      <div class="stat"><div class="k">Bytes in</div><div class="v" id="s-in-bytes">-</div></div>
      <div class="stat"><div class="k">Bytes out</div><div class="v" id="s-out-bytes">-</div></div>
    </div>
  </section>
  <section>
    <h2>Messages per second</h2>
    <canvas id="chart-msgs"></canvas>
    <div class="legend"><b style="background:#27aae1"></b>in<b style="background:#8dc63f"></b>out
      &nbsp; <span id="r-msgs"></span></div>
    <h2 style="margin-top:12px">Bytes per second</h2>
    <canvas id="chart-bytes"></canvas>
    <div class="legend"><b style="background:#27aae1"></b>in<b style="background:#8dc63f"></b>out
      &nbsp; <span id="r-bytes"></span></div>
  </section>
  <section>
    <h2>Topology</h2>
    <svg id="topology" role="img" aria-label="server topology"></svg>
    <div class="legend" id="topo-summary"></div>
  </section>
  <section class="wide">
    <h2>Connections <span id="conn-count"></span></h2>
    <div class="table-wrap">
      <table><thead><tr id="conn-head"></tr></thead><tbody id="conns"></tbody></table>
    </div>
  </section>
</main>
<script>${SCRIPT}</script>
</body>
</html>`;
}
