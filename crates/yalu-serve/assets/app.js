// The Yalu workbench page. Every text from a scenario, a run or the registry is set with
// textContent (never as HTML); charts are drawn by Apache ECharts, served by this binary.
"use strict";

const state = {
  info: null,
  baseText: "", // the scenario as loaded (before edits)
  text: "", // the scenario with the edits applied
  view: null, // the checked scenario: groups of parameters
  edits: {}, // path -> value
  run: null, // { id, source } while running; the results once done
  results: null,
  reference: null, // a pinned run's results
  evidence: null,
  charts: [],
};

// ---------------------------------------------------------------- helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (id) => document.getElementById(id);

function show(message, ok) {
  const box = $("message");
  box.textContent = message;
  box.className = ok ? "message ok" : "message";
  box.hidden = !message;
}

async function api(method, path, body) {
  const options = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  try {
    data = await response.json();
  } catch (_) {
    data = { error: `the server answered ${response.status}` };
  }
  return { ok: response.ok, status: response.status, data };
}

function fmt(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e7 || a < 1e-3)) return x.toExponential(3);
  return x.toLocaleString("en", { maximumFractionDigits: a >= 100 ? 0 : 3 });
}

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------------------------------------------------------------- tabs

function selectTab(name) {
  for (const button of document.querySelectorAll("#tabs button")) {
    button.classList.toggle("active", button.dataset.tab === name);
  }
  for (const tab of document.querySelectorAll(".tab")) {
    tab.hidden = tab.id !== `tab-${name}`;
  }
  for (const chart of state.charts) chart.resize();
  if (name === "evidence") loadEvidence();
}

// ---------------------------------------------------------------- scenario panel

async function loadShipped(name) {
  const answer = await api("GET", `/api/scenarios/${encodeURIComponent(name)}`);
  if (!answer.ok) return show(answer.data.error);
  await loadText(answer.data.text, `${name}.toml`);
}

async function loadText(text, fileName) {
  const answer = await api("POST", "/api/check", { text, name: fileName });
  const problems = $("problems");
  problems.replaceChildren();
  if (!answer.ok) {
    show(answer.data.error || "the scenario was refused");
    for (const p of answer.data.problems || []) problems.append(el("li", { text: p.text }));
    return;
  }
  show("");
  state.baseText = text;
  state.text = text;
  state.edits = {};
  setView(answer.data);
  $("seed").value = answer.data.seed;
}

function setView(view) {
  state.view = view;
  $("scenario-summary").replaceChildren(
    el("h2", { text: `Scenario: ${view.name}` }),
    el("p", { class: "note", text: `${view.first_day} to ${view.last_day}. ${view.description}` }),
    el("p", { class: "note", text: `SHA-256 ${view.sha256.slice(0, 16)}…; ${Object.keys(state.edits).length} edited value(s).` }),
  );
  const box = $("parameters");
  box.replaceChildren();
  for (const group of view.groups) {
    const rows = group.parameters.map(parameterRow);
    const edited = group.parameters.filter((p) => p.path in state.edits).length;
    box.append(
      el("details", { class: "group", open: edited > 0 },
        el("summary", { text: `${group.submodel} (${group.parameters.length} parameters${edited ? `, ${edited} edited` : ""})` }),
        el("table", {},
          el("thead", {}, el("tr", {}, ["parameter", "value", "unit", "allowed range", "evidence"].map((h) => el("th", { text: h })))),
          el("tbody", {}, rows))));
  }
}

function rangeText(p) {
  if (p.min === null && p.max === null) return p.editable ? "any" : "";
  return `${p.min === null ? "−∞" : fmt(p.min)} to ${p.max === null ? "∞" : fmt(p.max)}`;
}

function evidenceCell(p) {
  const e = p.evidence;
  if (e.kind === "claim") {
    return el("td", { class: "evidence-claim" },
      el("a", { class: "link", "data-claim": e.claim, text: e.claim, onclick: () => jumpToClaim(e.claim) }),
      ` (${e.source}, ${e.location}): ${e.figure}`,
      e.derivation ? el("div", { class: "muted", text: `derivation: ${e.derivation}` }) : null);
  }
  return el("td", {}, el("span", { class: "muted", text: "assumption: " }), e.reason);
}

function parameterRow(p) {
  const row = el("tr", { id: `param-${p.path}`, "data-path": p.path, class: p.path in state.edits ? "edited" : "" });
  const cell = el("td", { class: "edit" });
  if (p.editable && typeof p.value === "number") {
    const step = p.whole ? 1 : "any";
    const number = el("input", { type: "number", step, value: p.value, "data-path": p.path, "aria-label": p.path });
    number.addEventListener("change", () => applyEdit(p, Number(number.value), row));
    cell.append(number);
    if (p.min !== null && p.max !== null && p.max > p.min) {
      const slider = el("input", { type: "range", min: p.min, max: p.max, step: p.whole ? 1 : (p.max - p.min) / 200, value: p.value, "aria-label": `${p.path} slider` });
      slider.addEventListener("input", () => { number.value = slider.value; });
      slider.addEventListener("change", () => applyEdit(p, Number(slider.value), row));
      cell.append(" ", slider);
    }
  } else {
    cell.append(String(p.value));
  }
  row.append(
    el("td", { class: "path", title: p.doc || "", text: p.path }),
    cell,
    el("td", { text: p.unit }),
    el("td", { class: "num", text: rangeText(p) }),
    evidenceCell(p));
  return row;
}

function fieldError(row, message) {
  row.classList.add("invalid");
  const cell = row.querySelector("td.edit");
  cell.querySelector(".field-error")?.remove();
  cell.append(el("span", { class: "field-error", role: "alert", text: message }));
}

async function applyEdit(p, value, row) {
  row.classList.remove("invalid");
  row.querySelector(".field-error")?.remove();
  if (!Number.isFinite(value) || (p.min !== null && value < p.min) || (p.max !== null && value > p.max)) {
    return fieldError(row, `${value} is outside the allowed range ${rangeText(p)}`);
  }
  const edits = { ...state.edits, [p.path]: value };
  const answer = await api("POST", "/api/edit", { text: state.baseText, values: edits });
  if (!answer.ok) {
    return fieldError(row, answer.data.error || "refused");
  }
  state.edits = edits;
  state.text = answer.data.text;
  setView(answer.data);
  show(`${p.path} set to ${value}.`, true);
}

// ---------------------------------------------------------------- runs

function runStatus(progress) {
  const words = {
    queued: `Queued (position ${progress.position ?? "?"})`,
    running: `Running: ${progress.done} of ${progress.total} replicates`,
    done: `Done: ${progress.total} replicates`,
    cancelled: `Cancelled after ${progress.done} of ${progress.total} replicates`,
    failed: `Failed: ${progress.error || "unknown error"}`,
  };
  return words[progress.state] || progress.state;
}

async function startRun(text, target) {
  const replicates = Number($("replicates").value);
  const seed = Number($("seed").value);
  if (target === "variant") {
    if (!state.reference) return;
  }
  const body = target === "variant"
    ? { text, seed: state.reference.run.seed, replicates: state.reference.run.replicates }
    : { text, seed, replicates };
  const answer = await api("POST", "/api/runs", body);
  if (!answer.ok) return show(answer.data.error || "the run was refused");
  show(answer.data.cached ? "Same scenario, seed and replicates as an earlier run: its cached results." : "", true);
  follow(answer.data.run, target);
}

function follow(progress, target) {
  const status = target === "variant" ? $("compare-status") : $("run-status");
  const bar = $("run-progress");
  if (state.run?.source) state.run.source.close();
  state.run = { id: progress.id, target };
  document.body.dataset.runState = progress.state;
  $("cancel-run").disabled = false;
  const update = (p) => {
    status.textContent = runStatus(p);
    status.dataset.state = p.state;
    document.body.dataset.runState = p.state;
    bar.max = p.total;
    bar.value = p.done;
  };
  update(progress);
  if (["done", "cancelled", "failed"].includes(progress.state)) return finished(progress, target);
  const source = new EventSource(`/api/runs/${progress.id}/events`);
  state.run.source = source;
  source.addEventListener("progress", (event) => {
    const p = JSON.parse(event.data);
    update(p);
    if (["done", "cancelled", "failed"].includes(p.state)) {
      source.close();
      finished(p, target);
    }
  });
  source.onerror = () => {
    source.close();
    poll(progress.id, target, update);
  };
}

// If the event stream drops, fall back to polling the run's status.
async function poll(id, target, update) {
  for (;;) {
    const answer = await api("GET", `/api/runs/${id}`);
    if (!answer.ok) return show(answer.data.error);
    update(answer.data);
    if (["done", "cancelled", "failed"].includes(answer.data.state)) return finished(answer.data, target);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function finished(progress, target) {
  $("cancel-run").disabled = true;
  if (progress.state !== "done") {
    show(runStatus(progress));
    return;
  }
  const answer = await api("GET", `/api/runs/${progress.id}/results`);
  if (!answer.ok) return show(answer.data.error);
  if (target === "variant") return showComparison(answer.data);
  state.results = answer.data;
  $("pin-run").disabled = false;
  const zip = $("download-zip");
  zip.href = `/api/runs/${progress.id}/download.zip`;
  zip.classList.remove("disabled");
  headlineTable($("run-headline"), answer.data.headline, false);
  drawCharts($("run-charts"), answer.data.figures, answer.data.run.id, false);
  validationTable(answer.data.validation);
}

async function cancelRun() {
  if (!state.run) return;
  const answer = await api("POST", `/api/runs/${state.run.id}/cancel`, {});
  if (!answer.ok) show(answer.data.error);
}

function pin() {
  if (!state.results) return;
  state.reference = state.results;
  const r = state.reference.run;
  $("compare-status").textContent = `Reference: ${r.scenario}, seed ${r.seed}, ${r.replicates} replicate(s) (run ${r.id.slice(0, 8)}). Edit the scenario, then run the variant.`;
  $("run-variant").disabled = false;
  show("Pinned as the reference. Edit parameters on the Scenario tab, then run the variant on the Compare tab.", true);
}

async function showComparison(variant) {
  const a = state.reference.run.id;
  const b = variant.run.id;
  const answer = await api("GET", `/api/compare?reference=${a}&variant=${b}`);
  if (!answer.ok) return show(answer.data.error);
  $("compare-status").textContent = `Variant (run ${b.slice(0, 8)}) minus reference (run ${a.slice(0, 8)}), paired by replicate: seed ${variant.run.seed}, ${variant.run.replicates} replicate(s).`;
  headlineTable($("compare-table"), answer.data.headline, true);
  drawCharts($("compare-charts"), answer.data.figures, `${a}-${b}`, true);
}

// ---------------------------------------------------------------- tables

function headlineTable(box, rows, comparing) {
  const shown = rows.filter((r) => !r.id.startsWith("money.") && (!comparing || r.centre !== 0));
  const head = comparing
    ? ["output", "reference (A)", "variant (B)", "B − A (mean)", "90% interval of B − A"]
    : ["output", "median", "5-95% band", "mean"];
  const body = shown.map((r) => el("tr", { "data-output": r.id },
    el("td", { title: r.id, text: r.label }),
    ...(comparing
      ? [el("td", { class: "num", text: fmt(r.mean_a) }), el("td", { class: "num", text: fmt(r.mean_b) }),
        el("td", { class: "num", text: fmt(r.centre) }), el("td", { class: "num", text: `[${fmt(r.p05)}, ${fmt(r.p95)}]` })]
      : [el("td", { class: "num", text: fmt(r.centre) }), el("td", { class: "num", text: `[${fmt(r.p05)}, ${fmt(r.p95)}]` }),
        el("td", { class: "num", text: fmt(r.mean_a) })])));
  box.replaceChildren(
    el("h2", { text: comparing ? "Headline figures: variant against reference" : "Headline figures" }),
    el("p", { class: "note", text: comparing ? (shown.length ? "Means over replicate pairs; outputs that do not differ are left out." : "No headline figure differs.") : "Across replicates; money flows are in the run's money table." }),
    el("table", { class: "headline" }, el("thead", {}, el("tr", {}, head.map((h) => el("th", { text: h })))), el("tbody", {}, body)));
}

function validationTable(checks) {
  const rows = (checks || []).map((c) => el("tr", {},
    el("td", { text: c.id }),
    el("td", { text: c.description }),
    el("td", { text: c.kind }),
    el("td", { class: "num", text: c.simulated ? `${fmt(c.simulated.median)} [${fmt(c.simulated.p05)}, ${fmt(c.simulated.p95)}]` : "–" }),
    el("td", { class: "num", text: `[${fmt(c.low)}, ${fmt(c.high)}]` }),
    el("td", { class: c.pass === true ? "pass" : c.pass === false ? "fail" : "muted", text: c.pass === true ? "pass" : c.pass === false ? "miss" : "not covered" })));
  $("run-validation").replaceChildren(
    el("h2", { text: "Validation: patterns against the evidence" }),
    el("table", {}, el("thead", {}, el("tr", {}, ["pattern", "what", "class", "simulated median [5-95%]", "accepted", "result"].map((h) => el("th", { text: h })))), el("tbody", {}, rows)));
}

// ---------------------------------------------------------------- charts

const PALETTE = ["#1f5fa8", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d", "#666666", "#e6ab02", "#17becf", "#b2182b", "#8c564b"];

function bandOption(figure, comparing) {
  const series = [];
  figure.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length];
    const stack = `band-${i}`;
    series.push({ name: `${s.name} 5%`, type: "line", data: s.p05, stack, stackStrategy: "all", symbol: "none", lineStyle: { opacity: 0 }, silent: true, tooltip: { show: false } });
    series.push({
      name: `${s.name} band`, type: "line", stack, stackStrategy: "all", symbol: "none", lineStyle: { opacity: 0 }, silent: true,
      areaStyle: { color: colour, opacity: 0.18 }, tooltip: { show: false },
      data: s.p95.map((hi, k) => (hi === null || s.p05[k] === null ? null : hi - s.p05[k])),
    });
    series.push({ name: s.name, type: "line", data: s.p50, symbol: "none", lineStyle: { width: 1.8, color: colour }, itemStyle: { color: colour } });
  });
  return {
    animation: false,
    color: PALETTE,
    tooltip: { trigger: "axis", renderMode: "richText" },
    legend: { type: "scroll", top: 0, data: figure.series.map((s) => s.name) },
    grid: { left: 70, right: 20, top: 40, bottom: 40 },
    xAxis: { type: "category", data: figure.months, boundaryGap: false },
    yAxis: { type: "value", name: comparing ? `B − A, ${figure.unit}` : figure.unit, nameTextStyle: { align: "left" }, scale: comparing },
    series,
  };
}

function barsOption(figure, comparing) {
  const names = figure.series.map((s) => s.name);
  return {
    animation: false,
    color: PALETTE,
    tooltip: { trigger: "item", renderMode: "richText" },
    grid: { left: 80, right: 20, top: 30, bottom: 90 },
    xAxis: { type: "category", data: names, axisLabel: { rotate: 35, interval: 0, fontSize: 10 } },
    yAxis: { type: "value", name: comparing ? `B − A, ${figure.unit}` : figure.unit },
    series: [
      { name: comparing ? "median of B − A" : "median", type: "bar", data: figure.series.map((s) => s.p50[0]), itemStyle: { color: PALETTE[0], opacity: 0.8 } },
      { name: "5-95%", type: "boxplot", boxWidth: [2, 8], itemStyle: { color: "#333", borderColor: "#333" }, data: figure.series.map((s) => [s.p05[0], s.p05[0], s.p50[0], s.p95[0], s.p95[0]]) },
    ],
  };
}

function sankeyOption(figure) {
  const links = figure.series
    .filter((s) => s.p50[0] > 0)
    .map((s) => {
      const [payer, payee] = s.name.split(" -> ");
      return { source: `${payer} (pays)`, target: `${payee} (receives)`, value: s.p50[0] };
    });
  const nodes = [...new Set(links.flatMap((l) => [l.source, l.target]))].map((name) => ({ name }));
  return {
    animation: false,
    color: PALETTE,
    tooltip: { trigger: "item", renderMode: "richText" },
    series: [{ type: "sankey", data: nodes, links, left: 10, right: 150, top: 10, bottom: 10, nodeGap: 8, emphasis: { focus: "adjacency" }, lineStyle: { color: "gradient", opacity: 0.35 }, label: { fontSize: 10 } }],
  };
}

function optionFor(figure, comparing) {
  if (figure.kind === "band") return bandOption(figure, comparing);
  if (figure.kind === "sankey" && !comparing) return sankeyOption(figure);
  return barsOption(figure, comparing);
}

function drawCharts(box, figures, key, comparing) {
  for (const chart of state.charts.filter((c) => box.contains(c.getDom()))) chart.dispose();
  state.charts = state.charts.filter((c) => !c.isDisposed());
  box.replaceChildren();
  box.dataset.drawn = "";
  let pending = figures.length;
  for (const figure of figures) {
    const title = comparing ? `${figure.title}: variant − reference` : figure.title;
    const dom = el("div", { class: "chart", "data-figure": figure.id });
    const option = optionFor(figure, comparing);
    const name = `${figure.id}${comparing ? "-difference" : ""}`;
    const card = el("div", { class: "card" },
      el("h3", { text: title }),
      el("p", { class: "note", text: figure.kind === "band" ? `Median with its 5-95% band across replicates; ${figure.unit}.` : `Median across replicates; ${figure.unit}.` }),
      figure.series.length === 0 ? el("p", { class: "note", text: "Nothing to show: the scenario lacks this channel." }) : null,
      dom,
      el("div", { class: "actions" },
        el("button", { type: "button", text: "SVG", onclick: () => downloadSvg(option, name, dom) }),
        el("button", { type: "button", text: "PNG", onclick: () => downloadPng(dom, name) })));
    box.append(card);
    const chart = echarts.init(dom, null, { renderer: "canvas" });
    chart.on("finished", () => {
      dom.dataset.drawn = key;
      if (--pending === 0) box.dataset.drawn = key;
    });
    chart.setOption(option);
    state.charts.push(chart);
  }
  if (figures.length === 0) box.dataset.drawn = key;
}

function downloadSvg(option, name, dom) {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: dom.clientWidth || 800, height: dom.clientHeight || 320 });
  chart.setOption({ ...option, backgroundColor: "#fff" });
  const svg = chart.renderToSVGString();
  chart.dispose();
  download(`${name}.svg`, new Blob([svg], { type: "image/svg+xml" }));
}

function downloadPng(dom, name) {
  const chart = echarts.getInstanceByDom(dom);
  if (!chart) return;
  const url = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
  fetch(url).then((r) => r.blob()).then((blob) => download(`${name}.png`, blob));
}

// ---------------------------------------------------------------- evidence

async function loadEvidence() {
  if (state.evidence) return;
  const answer = await api("GET", "/api/evidence");
  if (!answer.ok) return show(answer.data.error);
  state.evidence = answer.data;
  renderEvidence();
}

/// The scenario's parameters resting on each claim.
function parametersByClaim() {
  const map = new Map();
  for (const group of state.view?.groups || []) {
    for (const p of group.parameters) {
      if (p.evidence.kind === "claim") {
        if (!map.has(p.evidence.claim)) map.set(p.evidence.claim, []);
        map.get(p.evidence.claim).push(p.path);
      }
    }
  }
  return map;
}

function parameterLink(path) {
  return el("a", { class: "link", text: path, onclick: () => jumpToParameter(path) });
}

function renderEvidence() {
  const filter = $("evidence-filter").value.trim().toLowerCase();
  const byClaim = parametersByClaim();
  const box = $("evidence");
  const sources = state.evidence.sources.filter((s) => !filter || JSON.stringify(s).toLowerCase().includes(filter));
  const conflicts = state.evidence.conflicts.filter((c) => !filter || JSON.stringify(c).toLowerCase().includes(filter));
  box.replaceChildren(
    el("h2", { text: `Sources (${sources.length})` }),
    ...sources.map((s) => {
      const resting = (s.claim || []).flatMap((c) => byClaim.get(c.id) || []);
      return el("div", { class: "source", id: `source-${s.id}` },
        el("h3", { text: `${s.id}: ${s.title}` }),
        el("div", { class: "note", text: `${s.kind.replaceAll("_", " ")}; ${s.outlet}${s.author ? `, ${s.author}` : ""}, ${s.date}. Supports: ${s.supports}` }),
        el("div", { class: "note" }, `Parameters resting on it in ${state.view?.name || "the scenario"}: `,
          resting.length ? resting.flatMap((p, i) => (i ? [", ", parameterLink(p)] : [parameterLink(p)])) : "none"),
        ...(s.claim || []).map((c) => el("div", { class: "claim", id: `claim-${c.id}` },
          el("code", { text: c.id }), ` (${c.location}): ${c.claim}`,
          (byClaim.get(c.id) || []).length ? el("span", { class: "muted" }, " — used by ", (byClaim.get(c.id) || []).flatMap((p, i) => (i ? [", ", parameterLink(p)] : [parameterLink(p)]))) : null)));
    }),
    el("h2", { text: `Conflicts (${conflicts.length})` }),
    ...conflicts.map((c) => el("div", { class: "source" },
      el("h3", { text: c.id }),
      el("div", { text: `About: ${c.about}` }),
      el("div", { class: "note", text: `Claims: ${c.claims.join(", ")}. The model: ${c.resolution}` }))));
}

async function jumpToClaim(claim) {
  selectTab("evidence");
  await loadEvidence();
  $("evidence-filter").value = "";
  renderEvidence();
  const target = document.getElementById(`claim-${claim}`);
  if (!target) return show(`claim ${claim} is not in the registry`);
  for (const old of document.querySelectorAll(".highlight")) old.classList.remove("highlight");
  target.classList.add("highlight");
  target.scrollIntoView({ block: "center" });
}

function jumpToParameter(path) {
  selectTab("scenario");
  const row = document.getElementById(`param-${path}`);
  if (!row) return;
  row.closest("details").open = true;
  for (const old of document.querySelectorAll(".highlight")) old.classList.remove("highlight");
  row.classList.add("highlight");
  row.scrollIntoView({ block: "center" });
}

// ---------------------------------------------------------------- start

async function start() {
  for (const button of document.querySelectorAll("#tabs button")) {
    button.addEventListener("click", () => selectTab(button.dataset.tab));
  }
  const answer = await api("GET", "/api/info");
  if (!answer.ok) return show(answer.data.error);
  state.info = answer.data;
  $("replicates").max = answer.data.max_replicates;
  const select = $("shipped");
  for (const name of answer.data.scenarios) select.append(el("option", { value: name, text: name }));
  select.addEventListener("change", () => loadShipped(select.value));
  $("upload").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    if (file.size > answer.data.max_scenario_bytes) return show(`${file.name} is too long (${file.size} bytes; at most ${answer.data.max_scenario_bytes})`);
    await loadText(await file.text(), file.name);
  });
  $("download-toml").addEventListener("click", () => download(`${state.view?.name || "scenario"}-edited.toml`, new Blob([state.text], { type: "application/toml" })));
  $("reset-edits").addEventListener("click", () => loadText(state.baseText, `${state.view?.name || "scenario"}.toml`));
  $("start-run").addEventListener("click", () => startRun(state.text, "run"));
  $("cancel-run").addEventListener("click", cancelRun);
  $("pin-run").addEventListener("click", pin);
  $("run-variant").addEventListener("click", () => startRun(state.text, "variant"));
  $("evidence-filter").addEventListener("input", () => state.evidence && renderEvidence());
  window.addEventListener("resize", () => state.charts.forEach((c) => c.resize()));
  await loadShipped("baseline");
  document.body.dataset.ready = "yes";
}

document.addEventListener("DOMContentLoaded", start);
