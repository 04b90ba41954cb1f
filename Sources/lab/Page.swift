// The live page of `lab serve`, embedded in the binary (no file to find, no external URL: it
// works offline in a lecture hall). It draws a 1-D or 2-D catalog problem from /api/landscape
// (a model's on the plane of its comparison, /api/plane),
// runs the ticked optimizers from a clicked start through /api/compare (the same computation as
// `lab compare`), plays the runs step by step with each run's ρ-ball and probe, shows the exact
// measures under the cursor (/api/measure), draws a basin map (/api/basins, its progress from
// /api/progress) and downloads the view as lab compare's figure, the map under the paths
// (/api/figure). With `#selftest` in its address it drives itself as a
// student would (a click on the landscape, the ρ slider, the cursor, the basin-map button, an
// export) through real DOM events and writes what it saw into #test-result, for the browser test.

enum Page {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>flatlab</title>
<style>
  body { font: 15px/1.4 "DejaVu Sans", sans-serif; margin: 16px; color: #222; }
  header { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
  header h1 { font-size: 18px; margin: 0; }
  label { white-space: nowrap; }
  .opt { display: inline-flex; align-items: center; gap: 3px; margin-right: 8px; }
  .swatch { display: inline-block; width: 14px; height: 4px; }
  #controls { display: flex; gap: 18px; flex-wrap: wrap; margin: 6px 0; }
  #controls output { display: inline-block; min-width: 3.5em; }
  #stage { position: relative; display: inline-block; border: 1px solid #333; }
  #stage canvas, #stage svg { position: absolute; left: 0; top: 0; }
  #player, #tools { margin: 6px 0; display: flex; gap: 10px; align-items: center; }
  #hover, #basin-status { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; margin-top: 4px; white-space: pre-wrap; }
  #basins { opacity: 0.55; pointer-events: none; }
  .gap { width: 24px; }
  #player input { width: 420px; }
  #status { white-space: pre-wrap; font-family: "DejaVu Sans Mono", monospace; font-size: 13px; }
  .error { color: #b00; }
</style>
</head>
<body>
<header>
  <h1>flatlab</h1> <a href="/lessons">lessons</a>
  <label>problem <select id="problem"></select></label>
  <span id="opts"></span>
</header>
<div id="controls">
  <label>learning rate <input id="lr" type="range" min="-3" max="0" step="0.01"> <output id="lr-value"></output></label>
  <label>ρ <input id="rho" type="range" min="0.01" max="1.5" step="0.01"> <output id="rho-value"></output></label>
  <label>α <input id="alpha" type="range" min="0" max="2" step="0.05"> <output id="alpha-value"></output></label>
  <label>steps <input id="steps" type="range" min="10" max="2000" step="10"> <output id="steps-value"></output></label>
</div>
<div id="stage"><canvas id="heat"></canvas><canvas id="basins"></canvas><svg id="overlay" xmlns="http://www.w3.org/2000/svg"></svg></div>
<div id="hover">Move over the landscape for the exact loss, ZOF and FOF there.</div>
<div id="tools">
  <button id="basin-button">basin map</button> of <select id="basin-of"></select>
  <progress id="basin-progress" max="1" value="0" hidden></progress>
  <span class="gap"></span>
  export <select id="export-format"><option>svg</option><option>pdf</option><option>png</option></select>
  <select id="export-size"><option>screen</option><option>column</option><option>page</option><option>slide</option></select>
  <button id="export-button">download</button>
</div>
<div id="basin-status"></div>
<div id="player">
  <button id="play">play</button>
  <input id="t" type="range" min="0" max="0" value="0">
  <output id="t-value">step 0</output>
</div>
<div id="status">Click the landscape to start the ticked optimizers there.</div>
<pre id="test-result" hidden></pre>
<script>
"use strict";
const $ = id => document.getElementById(id);
const W = 640, MAXH = 480, SVG = "http://www.w3.org/2000/svg";
let land = null, optimizers = [], start = null, runs = [], pending = Promise.resolve(), timer = null, lr = null;

async function api(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// The plot's size and the map between data and pixels.
function frame() {
  const [dx, dy] = land.domain;
  if (land.variables.length === 1) return { w: W, h: 320 };
  const h = Math.min(MAXH, Math.max(160, W * (dy[1] - dy[0]) / (dx[1] - dx[0])));
  return { w: W, h: Math.round(h) };
}
function lossRange() {
  const finite = land.loss.filter(Number.isFinite);
  return [Math.min(...finite), Math.max(...finite)];
}
// Beyond 2-D (a model's parameters) the page draws the plane lab compare's figure draws:
// θ = origin + u·a + v·b, and a point θ at its projection (a, b) = ((θ − origin)·u, (θ − origin)·v).
const onPlane = () => typeof land.plane === "object";
const dot = (x, y) => x.reduce((s, xi, i) => s + xi * y[i], 0);
function coords(theta) {
  if (!onPlane()) return theta;
  const d = theta.map((t, i) => t - land.plane.origin[i]);
  return [dot(d, land.plane.u), dot(d, land.plane.v)];
}
function thetaAt(c) { return onPlane() ? land.plane.origin.map((o, i) => o + c[0] * land.plane.u[i] + c[1] * land.plane.v[i]) : c; }
function toPx(theta, loss) { return plotPx(coords(theta), loss); }
// The pixel of the plot's coordinates c (θ up to 2-D, (a, b) on a model's plane).
function plotPx(c, loss) {
  const f = frame(), [dx] = land.domain;
  const x = (c[0] - dx[0]) / (dx[1] - dx[0]) * f.w;
  if (land.variables.length === 1) {
    const [lo, hi] = lossRange();
    return [x, f.h - 10 - (loss - lo) / (hi - lo || 1) * (f.h - 20)];
  }
  const dy = land.domain[1];
  return [x, f.h - (c[1] - dy[0]) / (dy[1] - dy[0]) * f.h];
}
// The point under a pixel: θ (on the plane beyond 2-D).
function fromPx(px, py) {
  const f = frame(), [dx] = land.domain;
  const x = dx[0] + px / f.w * (dx[1] - dx[0]);
  if (land.variables.length === 1) return [x];
  const dy = land.domain[1];
  return thetaAt([x, dy[0] + (f.h - py) / f.h * (dy[1] - dy[0])]);
}

// A perceptual colour map (viridis, by five stops) for log10(loss − min).
const STOPS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
function viridis(t) {
  const s = Math.min(Math.max(t, 0), 1) * (STOPS.length - 1), i = Math.min(Math.floor(s), STOPS.length - 2), u = s - i;
  return STOPS[i].map((c, k) => Math.round(c + (STOPS[i + 1][k] - c) * u));
}

// The heat map or curve, contours and frame; then the overlay, unless its runs are about to be
// replaced (a model's new plane comes with new runs, drawn when they are set).
function drawLandscape(withOverlay = true) {
  const f = frame(), canvas = $("heat"), overlay = $("overlay");
  canvas.width = f.w; canvas.height = f.h;
  $("basins").width = f.w; $("basins").height = f.h;
  $("basins").getContext("2d").clearRect(0, 0, f.w, f.h);
  overlay.setAttribute("width", f.w); overlay.setAttribute("height", f.h);
  $("stage").style.width = f.w + "px"; $("stage").style.height = f.h + "px";
  const ctx = canvas.getContext("2d");
  const [lo, hi] = lossRange(), n = land.axes[0].length;
  if (land.variables.length === 1) {
    ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, f.w, f.h);
    ctx.strokeStyle = "#333"; ctx.lineWidth = 1.5; ctx.beginPath();
    land.axes[0].forEach((x, i) => { const [px, py] = toPx([x], land.loss[i]); i ? ctx.lineTo(px, py) : ctx.moveTo(px, py); });
    ctx.stroke();
  } else {
    // Three decades of log10(loss − min) below the highest: valleys show, plateaus do not swamp them.
    const eps = (hi - lo) * 1e-3 || 1e-12, floor = Math.log10(eps), span = Math.log10(hi - lo + eps) - floor;
    const img = ctx.createImageData(f.w, f.h);
    for (let py = 0; py < f.h; py++) {
      const j = Math.min(n - 1, Math.round((f.h - 1 - py) / (f.h - 1) * (n - 1)));
      for (let px = 0; px < f.w; px++) {
        const i = Math.min(n - 1, Math.round(px / (f.w - 1) * (n - 1)));
        const v = land.loss[j * n + i];
        const t = Number.isFinite(v) ? (Math.log10(v - lo + eps) - floor) / span : 0;
        const [r, g, b] = viridis(t), k = 4 * (py * f.w + px);
        img.data[k] = r; img.data[k + 1] = g; img.data[k + 2] = b; img.data[k + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    // The contours the figures draw (their levels and labels), each level labelled once.
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 0.9; ctx.font = "10px 'DejaVu Sans', sans-serif"; ctx.textAlign = "center";
    for (const c of land.contours || []) {
      ctx.beginPath();
      let longest = [];
      for (const line of c.lines) {
        for (let k = 0; k < line.length; k += 2) {
          const [px, py] = plotPx([line[k], line[k + 1]], 0);
          k ? ctx.lineTo(px, py) : ctx.moveTo(px, py);
        }
        if (line.length > longest.length) longest = line;
      }
      ctx.stroke();
      // The label at the point of the longest line nearest its middle that is clear of the frame.
      const n = longest.length / 2, inside = ([px, py]) => px > 24 && px < f.w - 24 && py > 14 && py < f.h - 10;
      for (let d = 0; d < n; d++) {
        const k = Math.floor(n / 2) + (d % 2 ? -(d + 1) / 2 : d / 2);
        if (k < 0 || k >= n) continue;
        const at = plotPx([longest[2 * k], longest[2 * k + 1]], 0);
        if (!inside(at)) continue;
        ctx.lineWidth = 3; ctx.strokeText(c.label, at[0], at[1] + 3); ctx.fillStyle = "#222"; ctx.fillText(c.label, at[0], at[1] + 3); ctx.lineWidth = 0.9;
        break;
      }
    }
    $("heat").dataset.contours = String((land.contours || []).length);
  }
  if (withOverlay) drawOverlay();
}

function el(name, attrs) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

// Critical points, the start, each run's path, and at the current step its θ, ρ-ball (of the
// run's own ρ) and probe, drawn as lab compare --at-step draws them.
function drawOverlay() {
  const svg = $("overlay"), t = +$("t").value;
  svg.replaceChildren();
  if (!land.domain) return;  // a model's plane not drawn yet
  const lossAt = theta => land.variables.length === 1 ? nearestLoss(theta[0]) : 0;
  for (const c of land.critical) {
    const [x, y] = toPx(c.theta, c.loss);
    // White on a heat map, dark on a curve's white ground.
    const ink = land.variables.length === 1 ? "#333" : "#fff";
    svg.append(el("circle", { cx: x, cy: y, r: 4, fill: c.kind === "minimum" ? ink : "none", stroke: ink, "stroke-width": 1.5, class: "critical" }));
  }
  if (start) {
    const [x, y] = toPx(start, lossAt(start));
    svg.append(el("rect", { x: x - 5, y: y - 5, width: 10, height: 10, fill: "#fff", stroke: "#000", class: "start" }));
  }
  for (const run of runs) {
    const color = optimizers.find(o => o.name === run.optimizer).color;
    const pts = run.trajectory.map(p => toPx(p.theta, p.loss));
    svg.append(el("path", { d: "M" + pts.map(p => p.map(v => v.toFixed(2)).join(",")).join("L"), fill: "none", stroke: color,
                            "stroke-width": 2, class: "run", "data-optimizer": run.optimizer,
                            "data-end": JSON.stringify(run.trajectory[run.trajectory.length - 1].theta) }));
    const now = pointAt(run, t), rho = run.hyperparameters?.rho ?? +$("rho").value;
    const [x, y] = toPx(now.theta, now.loss);
    if (land.variables.length === 1) {
      // The ball in 1-D: the interval θ ± ρ, at the loss of θ.
      const [x0] = toPx([now.theta[0] - rho], now.loss), [x1] = toPx([now.theta[0] + rho], now.loss);
      svg.append(el("line", { x1: x0, y1: y, x2: x1, y2: y, stroke: color, "stroke-width": 3, "stroke-opacity": 0.45, class: "ball-1d" }));
    }
    if (land.variables.length === 2) {
      // The ball (on the plane: its projection, a disc of radius ρ), in the plot's two scales.
      const f = frame(), rx = rho / (land.domain[0][1] - land.domain[0][0]) * f.w, ry = rho / (land.domain[1][1] - land.domain[1][0]) * f.h;
      svg.append(el("ellipse", { cx: x, cy: y, rx: rx, ry: ry, fill: "none", stroke: color, "stroke-dasharray": "4 3", class: "ball" }));
    }
    if (now.probe) {
      const [qx, qy] = toPx(now.probe, lossAt(now.probe));
      svg.append(el("path", { d: `M${qx - 6},${qy - 6}L${qx + 6},${qy + 6}M${qx - 6},${qy + 6}L${qx + 6},${qy - 6}`, stroke: color, "stroke-width": 2.6,
                              class: "probe" }));
    }
    // θ now: a white disc in a ring of the run's colour (the exported figure's mark), told
    // from the filled marks of critical points and probes.
    svg.append(el("circle", { cx: x, cy: y, r: 5, fill: "#fff", stroke: "#222", "stroke-width": 4.6, class: "now-outline" }));
    svg.append(el("circle", { cx: x, cy: y, r: 5, fill: "none", stroke: color, "stroke-width": 3.2, class: "now" }));
  }
  $("t-value").textContent = "step " + t;
}
// A run at step t: its last kept point at or before t (a run of more than 100000 steps keeps
// every second step or fewer, and one that stopped early is shown where it stopped), as
// lab compare --at-step marks it.
function pointAt(run, t) {
  const points = run.trajectory;
  let lo = 0, hi = points.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (points[mid].step <= t) lo = mid; else hi = mid - 1; }
  return points[lo];
}
function nearestLoss(x) {
  const xs = land.axes[0];
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) best = i;
  return land.loss[best];
}

function ticked() { return optimizers.filter(o => $("opt-" + o.name)?.checked); }

// The ticked optimizers from the start, with the sliders' settings (only those a ticked
// optimizer reads: the API, like the command line, refuses a setting that changes nothing).
function query(withStart, chosen = ticked()) {
  const reads = key => chosen.some(o => o.settings.includes(key));
  const q = new URLSearchParams({ problem: land.problem, opts: chosen.map(o => o.name).join(","), lr: String(lr), steps: $("steps").value });
  if (withStart) q.set("start", start.join(","));
  if (reads("rho")) q.set("rho", $("rho").value);
  if (reads("alpha")) q.set("alpha", $("alpha").value);
  return q;
}
// Four significant digits; a missing number (no test set, an unbounded bound) as a dash.
const fmt = v => v == null ? "–" : v.toPrecision(4);
// The answer to the latest request only: an earlier one that arrives late (a click before, a
// problem left) changes nothing.
let runAsked = 0;
function run() {
  const chosen = ticked();
  if (!start || chosen.length === 0) return pending;
  const q = query(true), mine = ++runAsked, problem = $("problem").value;
  // A basin map made with other settings or optimizers no longer describes these runs.
  if (basinMaps && basinQuery !== query(false).toString()) forgetBasins();
  $("status").textContent = "running " + chosen.map(o => o.name).join(", ") + " …";
  const latest = () => mine === runAsked && problem === $("problem").value;
  // Beyond 2-D the plane follows the runs: through the start and the first two ends.
  const asked = spaceProblem
    ? api("/api/plane?" + q).then(both => { if (latest()) { land = both.landscape; drawLandscape(false); } return both.comparison; })
    : api("/api/compare?" + q);
  pending = asked.then(doc => {
    if (!latest()) return;
    runs = doc.runs;
    const longest = Math.max(...runs.map(r => r.trajectory[r.trajectory.length - 1].step));
    $("t").max = longest; $("t").value = longest;
    drawOverlay();
    // Beyond 2-D: where on the plane each run ended (and how far off it), its test loss, and
    // ZOF and FOF as the search found them (lower bounds).
    $("status").textContent = (onPlane() ? `on the plane through ${land.plane.spanned}; the paths are up to ${fmt(land.plane.off)} off it\n` : "") +
      runs.map(r => `${r.optimizer.padEnd(10)} ${r.status.padEnd(10)} ` + (onPlane()
        ? `end (${coords(r.final.theta).map(fmt).join(", ")})  loss ${fmt(r.final.loss)}  test loss ${fmt(r.final.test_loss)}  ZOF ≥ ${fmt(r.final.zof)}  FOF ≥ ${fmt(r.final.fof)}`
        : `end (${r.final.theta.map(fmt).join(", ")})  loss ${fmt(r.final.loss)}  ZOF ${fmt(r.final.zof)}  FOF ${fmt(r.final.fof)}`)).join("\n");
  }).catch(e => {
    if (!latest()) return;
    $("status").innerHTML = ""; $("status").append(Object.assign(document.createElement("span"), { className: "error", textContent: e.message }));
  });
  return pending;
}

// The exact measures under the cursor (lab measure at that point, at the slider's ρ): one
// request at a time (beyond 2-D a measure is a search), then the latest point the cursor rested on.
let hoverTimer = null, hoverAsked = 0, hovering = Promise.resolve(), hoverBusy = false, hoverNext = null;
function hover(theta) {
  clearTimeout(hoverTimer);
  hoverTimer = setTimeout(() => {
    if (hoverBusy) { hoverNext = theta; return; }
    hoverBusy = true;
    const asked = ++hoverAsked, problem = land.problem;
    const q = new URLSearchParams({ problem, at: theta.join(","), rho: $("rho").value });
    hovering = api("/api/measure?" + q).then(m => {
      if (asked !== hoverAsked || problem !== land.problem) return;
      $("hover").dataset.measures = JSON.stringify({ theta: m.theta, loss: m.loss, zof: m.zof, fof: m.fof });
      // Beyond 2-D the search finds lower bounds, and intervals bound them from above (lab measure).
      $("hover").textContent = m.exact
        ? `at (${m.theta.map(fmt).join(", ")}): loss ${fmt(m.loss)}  ZOF ${fmt(m.zof)}  FOF ${fmt(m.fof)}  (exact, ρ = ${m.rho})`
        : `at (${coords(m.theta).map(fmt).join(", ")}) on the plane: loss ${fmt(m.loss)}  ZOF ${fmt(m.zof)} to ${fmt(m.zof_upper_bound)}  FOF ${fmt(m.fof)} to ${fmt(m.fof_upper_bound)}  (bounds, ρ = ${m.rho})`;
    }).catch(e => { $("hover").textContent = e.message; }).finally(() => {
      hoverBusy = false;
      if (hoverNext) { const next = hoverNext; hoverNext = null; hover(next); }
    });
  }, 60);
}

// The basin map of the ticked optimizers at the sliders' settings (lab basins, 64 starts a side),
// drawn over the landscape: a hue per minimum, greys for the other outcomes.
const HUES = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442"];
const BASIN_GRID = 64;
let basinMaps = null, basinQuery = "", basinsPending = Promise.resolve(), basinCount = 0, progressSeen = [];
// No map shown (a new problem, other settings): a map still computing is left to finish unseen.
function forgetBasins() {
  basinMaps = null; basinCount++;
  $("basin-of").replaceChildren(); $("basin-status").textContent = ""; $("basin-progress").hidden = true;
  $("basins").getContext("2d").clearRect(0, 0, $("basins").width, $("basins").height);
  $("basin-button").disabled = spaceProblem;
}
function basins() {
  // The exact variants search the ball at every step of every start (about a second a start):
  // the map leaves them out, and says so.
  const mapped = ticked().filter(o => !o.searches_ball), left = ticked().filter(o => o.searches_ball).map(o => o.name);
  if (spaceProblem || mapped.length === 0) {
    if (left.length) $("basin-status").textContent = `${left.join(", ")}: too slow for a map here (about a second a start); lab basins --grid 8 maps them`;
    return basinsPending;
  }
  const q = query(false, mapped), settings = query(false).toString();
  q.set("grid", String(BASIN_GRID));
  // The server counts the map's blocks of starts under a token of ours: the bar polls it.
  const mine = ++basinCount, token = "map-" + mine + "-" + Date.now(), bar = $("basin-progress");
  q.set("progress", token);
  $("basin-status").textContent = "computing " + BASIN_GRID * (land.variables.length === 1 ? 1 : BASIN_GRID) + " starts × " + mapped.length + " …";
  $("basin-button").disabled = true;
  Object.assign(bar, { hidden: false, value: 0, max: 1 });
  progressSeen = [];
  let polling = true;
  (async () => {
    while (polling && mine === basinCount) {
      await new Promise(r => setTimeout(r, 80));
      const r = await fetch("/api/progress?token=" + token);
      if (!polling) break;
      if (r.ok) { const p = await r.json(); Object.assign(bar, { max: p.total, value: p.done }); progressSeen.push(p.done + "/" + p.total); }
    }
  })();
  basinsPending = api("/api/basins?" + q).then(doc => {
    if (mine !== basinCount) return;
    basinMaps = doc; basinQuery = settings;
    $("basin-of").replaceChildren(...doc.maps.map(m => new Option(m.optimizer, m.optimizer)));
    drawBasins();
    const share = ([k, v]) => `${/^\d+$/.test(k) ? "#" + k : k.replaceAll("_", " ")} ${v < 0.005 ? "<1" : (100 * v).toFixed(0)}%`;
    $("basin-status").textContent = doc.maps.map(m => `${m.optimizer.padEnd(10)} ` + Object.entries(m.fractions).filter(([, v]) => v > 0).map(share).join(", ")).join("\n")
      + (left.length ? `\n${left.join(", ")}: not mapped (an exact search at every step, about a second a start)` : "");
  }).catch(e => { if (mine === basinCount) $("basin-status").textContent = e.message; }).finally(async () => {
    polling = false;
    if (mine !== basinCount) return;
    // The server's last count: every block done (or where a failed map stopped).
    const r = await fetch("/api/progress?token=" + token).catch(() => null);
    if (r?.ok && mine === basinCount) { const p = await r.json(); Object.assign(bar, { max: Math.max(p.total, 1), value: p.done }); }
    $("basin-button").disabled = spaceProblem;
  });
  return basinsPending;
}
function drawBasins() {
  const f = frame(), ctx = $("basins").getContext("2d");
  ctx.clearRect(0, 0, f.w, f.h);
  const map = basinMaps?.maps.find(m => m.optimizer === $("basin-of").value);
  if (!map) return;
  const rows = map.outcome, ny = rows.length, nx = rows[0].length, minima = basinMaps.minima.map(m => m.index);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const o = rows[j][i], k = minima.indexOf(o);
    ctx.fillStyle = k >= 0 ? HUES[k % HUES.length] : "#9a9a9a";
    const h = land.variables.length === 1 ? 24 : f.h / ny;
    ctx.fillRect(i * f.w / nx, land.variables.length === 1 ? f.h - 24 : f.h - (j + 1) * h, f.w / nx + 0.5, h + 0.5);
  }
  $("basins").dataset.cells = String(nx * ny);
}

// The view as a file to keep, by the command line's figure code: lab compare's figure of the
// ticked optimizers from the start, with each run's θ, ρ-ball and probe at the step slider's
// step (lab compare --at-step K), and the basin map drawn under the paths when one is shown
// (--basins-of OPT --basins-grid 64).
function exportURL() {
  const q = query(true);
  q.set("figure-format", $("export-format").value);
  q.set("size", $("export-size").value);
  // The step the slider shows (the last kept step at or before it: a run of more than 100000
  // steps keeps one in two or fewer), and never past the steps the query asks for.
  const t = +$("t").value, shown = runs.length ? Math.max(...runs.map(r => pointAt(r, t).step)) : t;
  q.set("at-step", String(Math.min(shown, +$("steps").value)));
  if (basinMaps && $("basin-of").value) { q.set("basins-of", $("basin-of").value); q.set("basins-grid", String(BASIN_GRID)); }
  return "/api/figure?" + q;
}

function showValues() {
  $("lr-value").textContent = String(lr);
  for (const k of ["rho", "alpha", "steps"]) $(k + "-value").textContent = $(k).value;
}

// What the address asks for (`#problem=...&opts=...&start=...&lr=...`: a lesson's link), taken
// once, by the first problem shown.
let wanted = new URLSearchParams(location.hash.slice(1));
let spaceProblem = false;
async function loadProblem(name) {
  land = await api("/api/landscape?problem=" + encodeURIComponent(name));
  // A model's parameters: no landscape until a comparison gives the plane (run()).
  spaceProblem = land.plane === true;
  $("basin-button").disabled = spaceProblem;
  $("basin-button").title = spaceProblem ? "basin maps need a problem of 1 or 2 variables" : "";
  start = land.start;
  runs = [];
  forgetBasins();
  // The sliders reach past the problem's own settings, so it opens with them unchanged.
  lr = land.settings.lr;
  $("lr").min = Math.min(-3, Math.floor(Math.log10(lr))); $("lr").max = Math.max(0, Math.ceil(Math.log10(lr)));
  $("rho").max = Math.max(1.5, 2 * land.settings.rho); $("alpha").max = Math.max(2, 2 * land.settings.alpha);
  $("steps").max = Math.max(2000, land.settings.steps);
  $("lr").value = Math.log10(lr); $("rho").value = land.settings.rho;
  $("alpha").value = land.settings.alpha; $("steps").value = land.settings.steps;
  if (wanted.get("problem") === name) {
    if (wanted.has("lr")) { lr = +wanted.get("lr"); $("lr").value = Math.log10(lr); }
    for (const k of ["rho", "alpha", "steps"]) if (wanted.has(k)) { $(k).max = Math.max(+$(k).max, +wanted.get(k)); $(k).value = wanted.get(k); }
    if (wanted.has("start")) start = wanted.get("start").split(",").map(Number);
    if (wanted.has("opts")) for (const o of optimizers) { const box = $("opt-" + o.name); if (box) box.checked = wanted.get("opts").split(",").includes(o.name); }
  }
  wanted = new URLSearchParams();
  showValues();
  if (spaceProblem) {
    // Nothing of the previous problem stays on screen until the plane arrives.
    for (const c of ["heat", "basins"]) $(c).getContext("2d").clearRect(0, 0, $(c).width, $(c).height);
    $("overlay").replaceChildren();
  } else {
    drawLandscape();
  }
  return run();
}

async function main() {
  optimizers = await api("/api/optimizers");
  for (const o of optimizers) {
    const box = Object.assign(document.createElement("input"), { type: "checkbox", id: "opt-" + o.name, checked: ["gd", "sam", "gam"].includes(o.name) });
    box.addEventListener("change", run);
    const label = Object.assign(document.createElement("label"), { className: "opt", title: o.summary });
    label.append(box, Object.assign(document.createElement("span"), { className: "swatch", style: "background:" + o.color }), o.name);
    $("opts").append(label);
  }
  const drawable = await api("/api/list");
  for (const p of drawable) {
    const plane = p.variables.length > 2 ? ` (${p.variables.length} parameters, on a plane)` : "";
    $("problem").append(new Option(`${p.name} — ${p.title}${plane}`, p.name));
  }
  // `#problem=NAME` in the address opens that problem (a lesson can link to it).
  const asked = wanted.get("problem");
  $("problem").value = drawable.some(p => p.name === asked) ? asked : drawable.some(p => p.name === "two-valley") ? "two-valley" : drawable[0].name;
  $("problem").addEventListener("change", () => loadProblem($("problem").value));
  // The learning rate's slider is logarithmic; its value keeps two significant digits.
  $("lr").addEventListener("input", () => { lr = +(10 ** +$("lr").value).toPrecision(2); });
  for (const k of ["lr", "rho", "alpha", "steps"]) {
    $(k).addEventListener("input", showValues);
    $(k).addEventListener("change", run);
  }
  $("overlay").addEventListener("click", e => {
    if (!land.domain) return;  // a model's plane not drawn yet
    const box = $("overlay").getBoundingClientRect();
    start = fromPx(e.clientX - box.left, e.clientY - box.top);
    run();
  });
  $("t").addEventListener("input", drawOverlay);
  $("overlay").addEventListener("mousemove", e => {
    if (!land.domain) return;
    const box = $("overlay").getBoundingClientRect();
    hover(fromPx(e.clientX - box.left, e.clientY - box.top));
  });
  $("basin-button").addEventListener("click", basins);
  $("basin-of").addEventListener("change", drawBasins);
  $("export-button").addEventListener("click", () => {
    if (!start) return;
    const a = Object.assign(document.createElement("a"), { href: exportURL(), download: `${land.problem}-compare.${$("export-format").value}` });
    document.body.append(a); a.click(); a.remove();
  });
  $("play").addEventListener("click", () => {
    if (timer) { clearInterval(timer); timer = null; $("play").textContent = "play"; return; }
    if (+$("t").value >= +$("t").max) $("t").value = 0;
    $("play").textContent = "pause";
    timer = setInterval(() => {
      if (+$("t").value >= +$("t").max) { clearInterval(timer); timer = null; $("play").textContent = "play"; return; }
      $("t").value = +$("t").value + 1; drawOverlay();
    }, 30);
  });
  await loadProblem($("problem").value);
  if (location.hash === "#selftest") await selfTest();
  if (location.hash === "#clicktimes") await clickTimes();
}

// Drives the page as a student would, with real events: a click on the landscape at (0.5, 0.2),
// then the ρ slider moved to 0.3; writes the paths it saw after each into #test-result.
async function selfTest() {
  const seen = () => [...document.querySelectorAll("path.run")].map(p => ({ optimizer: p.dataset.optimizer, end: JSON.parse(p.dataset.end), d: p.getAttribute("d") }));
  const box = $("overlay").getBoundingClientRect(), [px, py] = toPx([0.5, 0.2], 0);
  // A click to the drawn paths, timed end to end: the request, the answer, the drawing.
  const clickedAt = performance.now();
  $("overlay").dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: box.left + px, clientY: box.top + py }));
  await pending;
  await new Promise(r => requestAnimationFrame(() => r()));
  const clicked = { start, paths: seen(), ms: performance.now() - clickedAt };
  $("rho").value = 0.3;
  $("rho").dispatchEvent(new Event("input", { bubbles: true }));
  $("rho").dispatchEvent(new Event("change", { bubbles: true }));
  await pending;
  const moved = { rho: +$("rho").value, paths: seen() };
  $("t").value = 20; $("t").dispatchEvent(new Event("input", { bubbles: true }));
  // The measures under the cursor at (-1, 0.1).
  const [hx, hy] = toPx([-1, 0.1], 0);
  $("overlay").dispatchEvent(new MouseEvent("mousemove", { bubbles: true, clientX: box.left + hx, clientY: box.top + hy }));
  await new Promise(r => setTimeout(r, 100));
  await hovering;
  // The basin map, then the exported SVG, parsed.
  $("basin-button").click();
  await basinsPending;
  const svgText = await (await fetch(exportURL())).text();
  const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const result = { clicked, moved, contours: +($("heat").dataset.contours || 0), balls: document.querySelectorAll("ellipse.ball").length, probes: document.querySelectorAll("path.probe").length,
                   lr, steps: +$("steps").value, hover: JSON.parse($("hover").dataset.measures || "null"),
                   basins: { cells: +($("basins").dataset.cells || 0), maps: basinMaps ? basinMaps.maps.map(m => ({ optimizer: m.optimizer, outcome: m.outcome })) : [],
                             progress: { value: $("basin-progress").value, max: $("basin-progress").max, seen: progressSeen } },
                   export: { root: parsed.documentElement.nodeName, errors: parsed.getElementsByTagName("parsererror").length, bytes: svgText.length,
                             query: exportURL() } };
  $("test-result").textContent = JSON.stringify(result);
  document.title = "selftest done";
}

// For make bench: clicks on two-valley's landscape with gd, sam and gam ticked (500 steps), each
// timed in real time from the click to its paths drawn (the request, the answer, the drawing and
// the next frame), and to the last byte of its answer (the browser's resource timing); the
// milliseconds go into #test-result. Each click comes half a second after the last was drawn,
// as a student's would: back to back, the browser would still be painting the last paths on one
// of this machine's two cores while the server computes the next on both.
async function clickTimes() {
  const box = $("overlay").getBoundingClientRect(), ms = [], answered = [];
  for (const [x, y] of [[0.6, 0.3], [-0.4, 0.2], [1.5, -0.4], [0.1, 0.5], [-1.5, -0.2], [0.3, -0.1], [1.2, 0.45], [-0.8, 0.4], [0.5, 0.2]]) {
    await new Promise(r => setTimeout(r, 500));
    const [px, py] = toPx([x, y], 0), t0 = performance.now();
    $("overlay").dispatchEvent(new MouseEvent("click", { bubbles: true, clientX: box.left + px, clientY: box.top + py }));
    await pending;
    await new Promise(r => requestAnimationFrame(() => r()));
    ms.push(performance.now() - t0);
    const asked = performance.getEntriesByType("resource").filter(e => e.name.includes("/api/compare?") && e.startTime >= t0);
    answered.push(asked.length ? asked[asked.length - 1].responseEnd - t0 : null);
  }
  $("test-result").textContent = JSON.stringify({ ms, answered, paths: document.querySelectorAll("path.run").length });
}

main().catch(e => { $("status").textContent = "error: " + e.message; });
</script>
</body>
</html>
"""#
}
