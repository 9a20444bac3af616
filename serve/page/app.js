// laa serve's page: no build step, no dependencies. It calls the API
// (/v1/...) and shows its answer; figures are the server's SVGs.
"use strict";

const $ = (id) => document.getElementById(id);
let models = [];
let chosen = null; // {file: File} or {example: name}
let last = null;   // {model, query, chosen, answer}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

async function apiError(resp) {
  try {
    const e = await resp.json();
    return e.error.message + " (" + e.error.code + ", HTTP " + resp.status + ")";
  } catch (_) {
    return "HTTP " + resp.status;
  }
}

function currentModel() {
  return models.find((m) => m.name === $("model").value);
}

function showModel() {
  const m = currentModel();
  if (!m) return;
  $("model-info").textContent = m.kind + " model, version " + m.version + "; parameters: " +
    m.parameters.map((p) => p.name + (p.unit ? " (" + p.unit + ")" : "")).join(", ");
  const ex = $("example");
  ex.replaceChildren(new Option("-", ""));
  for (const name of m.examples) ex.add(new Option(name, name));
}

async function loadModels() {
  const resp = await fetch("/v1/models");
  if (!resp.ok) { setStatus(await apiError(resp), true); return; }
  models = (await resp.json()).models;
  for (const m of models) $("model").add(new Option(m.name, m.name));
  showModel();
}

async function choose(file) {
  chosen = { file: file };
  $("file-name").textContent = file.name + " (" + file.size + " bytes)";
  $("example").value = "";
  $("run").disabled = false;
  $("sweep-label").hidden = true;
  $("sweep").replaceChildren();
  if (/\.(nwb|h5|hdf5)$/i.test(file.name)) {
    const form = new FormData();
    form.append("file", file);
    setStatus("reading the NWB file's sweeps...");
    const resp = await fetch("/v1/sweeps", { method: "POST", body: form });
    if (!resp.ok) { setStatus(await apiError(resp), true); return; }
    const sweeps = (await resp.json()).sweeps || [];
    for (const s of sweeps) $("sweep").add(new Option(s.name + " (" + s.samples + " samples)", s.name));
    $("sweep-label").hidden = sweeps.length < 2;
    setStatus(sweeps.length + " current-clamp sweep(s)");
  }
}

function body(c) {
  if (c.example) return { body: JSON.stringify({ example: c.example }), headers: { "Content-Type": "application/json" } };
  const form = new FormData();
  form.append("file", c.file);
  return { body: form, headers: {} };
}

function query(extra) {
  const q = new URLSearchParams({ draws: $("draws").value, seed: $("seed").value });
  if ($("route").value) q.set("exact", $("route").value);
  if (chosen && chosen.file && !$("sweep-label").hidden) q.set("sweep", $("sweep").value);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

async function infer() {
  if (!chosen) return;
  const model = $("model").value;
  const q = query({ figures: "true", predictive: "200" });
  $("run").disabled = true;
  setStatus("inferring...");
  const t0 = performance.now();
  try {
    const resp = await fetch("/v1/models/" + encodeURIComponent(model) + "/infer?" + q, { method: "POST", ...body(chosen) });
    if (!resp.ok) { setStatus(await apiError(resp), true); return; }
    const answer = await resp.json();
    last = { model: model, chosen: chosen, query: query({}), answer: answer };
    await show(answer);
    setStatus("done in " + Math.round(performance.now() - t0) + " ms (server " + Math.round(answer.seconds * 1000) + " ms)");
    markDone();
  } catch (e) {
    setStatus(String(e), true);
  } finally {
    $("run").disabled = false;
  }
}

function fmt(v) {
  return v === null || v === undefined ? "-" : Number(v).toPrecision(4);
}

function svgURL(svg) {
  return "data:image/svg+xml;base64," + btoa(unescape(encodeURIComponent(svg)));
}

// markDone records where the table and the figures lie on the page, for
// checks of a screenshot (data-rect="x,y,width,height" in CSS pixels), and
// marks the page done.
function markDone() {
  for (const el of [$("summary"), $("fig-predictive"), $("fig-marginals"), $("fig-pairs")]) {
    const r = el.getBoundingClientRect();
    el.dataset.rect = [r.left + scrollX, r.top + scrollY, r.width, r.height].map(Math.round).join(",");
  }
  document.body.dataset.state = "done";
}

// show fills the page with an answer; it resolves when the figures have
// loaded.
function show(a) {
  const s = a.summary;
  $("result").hidden = false;
  $("trace-name").textContent = s.trace;
  const p = s.posterior;
  let route = "Route: " + p.route + " (" + p.reason + ")";
  if (p.k_hat !== null) route += "; Pareto k-hat " + fmt(p.k_hat);
  if (p.ess !== null) route += ", ESS " + Math.round(p.ess);
  $("route-line").textContent = route + "; " + s.draws + " draws, seed " + s.seed + ", leakage " + (100 * s.leakage).toFixed(2) + " %.";
  const ty = s.typicality;
  $("typicality").textContent = ty.p_value === null ? "Typicality: not tested." :
    "Typicality: MMD p = " + fmt(ty.p_value) + (ty.typical ? ", typical of the model's simulations." : " < " + ty.alpha + ": atypical, the posterior may not be trusted.");
  $("typicality").className = ty.typical || ty.p_value === null ? "" : "atypical";
  $("warnings").replaceChildren(...s.warnings.map((w) => { const li = document.createElement("li"); li.textContent = w; return li; }));
  const rows = s.params.map((q) => {
    const tr = document.createElement("tr");
    for (const v of [q.name, q.unit, fmt(q.mean), fmt(q.sd), fmt(q.median), fmt(q.lower), fmt(q.upper)]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  });
  $("summary").tBodies[0].replaceChildren(...rows);
  const figs = a.figures || {};
  const loads = [];
  for (const name of ["predictive", "marginals", "pairs"]) {
    const img = $("fig-" + name);
    // Without a predictive check the first figure is the trace alone.
    const svg = name === "predictive" ? figs.predictive || figs.trace : figs[name];
    img.parentElement.hidden = !svg;
    if (!svg) continue;
    loads.push(new Promise((resolve) => { img.onload = img.onerror = resolve; }));
    img.src = svgURL(svg);
  }
  return Promise.all(loads);
}

function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

// download asks again for the draws in a file format: the same trace,
// draws and seed give the same draws.
async function download(format) {
  if (!last) return;
  const q = new URLSearchParams(last.query);
  q.set("format", format);
  const resp = await fetch("/v1/models/" + encodeURIComponent(last.model) + "/infer?" + q, { method: "POST", ...body(last.chosen) });
  if (!resp.ok) { setStatus(await apiError(resp), true); return; }
  save(await resp.blob(), last.answer.summary.trace + ".draws." + format);
}

function wire() {
  $("model").addEventListener("change", showModel);
  $("file").addEventListener("change", (e) => { if (e.target.files.length) choose(e.target.files[0]); });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files.length) choose(e.dataTransfer.files[0]);
  });
  $("example").addEventListener("change", () => {
    if (!$("example").value) return;
    chosen = { example: $("example").value };
    $("file-name").textContent = "example " + chosen.example;
    $("sweep-label").hidden = true;
    $("run").disabled = false;
  });
  $("run").addEventListener("click", infer);
  $("dl-csv").addEventListener("click", () => download("csv"));
  $("dl-npy").addEventListener("click", () => download("npy"));
  $("dl-json").addEventListener("click", () => {
    if (last) save(new Blob([JSON.stringify(last.answer.summary, null, 2)], { type: "application/json" }), last.answer.summary.trace + ".summary.json");
  });
}

// A page opened as /?upload=<path on this server> fetches that file and
// infers it as if it had been dropped (for links from a lab's notebook,
// and for the headless-browser test).
async function autoUpload() {
  const path = new URLSearchParams(location.search).get("upload");
  if (!path || !path.startsWith("/") || path.startsWith("//")) return;
  const resp = await fetch(path);
  if (!resp.ok) { setStatus("upload " + path + ": HTTP " + resp.status, true); return; }
  const name = path.split("/").pop() || "trace.csv";
  await choose(new File([await resp.blob()], name));
  await infer();
}

wire();
loadModels().then(autoUpload);
