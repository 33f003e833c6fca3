// ddq's dashboard pages. Both listen to /api/events (server-sent events carrying the status
// JSON of live.rs); the status page draws it, the history page reloads /api/history whenever a
// statement has ended. Charts are plain SVG; every text from the session goes in as text, never
// as markup.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

function $(id) { return document.getElementById(id); }

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function svgElement(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function bytes(n) {
  if (n === null || n === undefined) return "-";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n, unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit += 1; }
  return (unit === 0 ? value : value.toFixed(1)) + " " + units[unit];
}

function duration(ms) {
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(2) + " s";
  return Math.floor(ms / 60000) + " min " + ((ms % 60000) / 1000).toFixed(0) + " s";
}

// Each operator keeps the colour it got first, so no two of one plan share one (up to ten).
const colours = new Map();
function colour(name) {
  if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
  return colours.get(name);
}

function fillRows(table, rows) {
  const body = table.tBodies[0];
  body.replaceChildren(...rows);
}

function row(cells) {
  const tr = document.createElement("tr");
  for (const cell of cells) tr.appendChild(cell);
  return tr;
}

// The live stream, reconnecting as EventSource does; `onStatus` gets each status.
function listen(onStatus) {
  const connection = $("connection");
  const source = new EventSource("/api/events");
  source.addEventListener("status", (event) => {
    connection.textContent = "live";
    onStatus(JSON.parse(event.data));
  });
  source.onerror = () => { connection.textContent = "disconnected: retrying…"; };
  window.addEventListener("beforeunload", () => source.close());
}

// ---- status page ----

function drawStatement(status) {
  const statement = status.statement;
  const text = $("statement-text");
  if (!statement) {
    text.textContent = "(no statement running; " + status.statements_done + " done, see History)";
    text.className = "muted";
    $("statement-state").textContent = "idle";
    $("bytes-bar").style.width = "0";
    $("progress").textContent = "";
    return;
  }
  text.textContent = statement.text;
  text.className = "";
  $("statement-state").textContent = "#" + statement.id + " on " + statement.scheduler +
    ", running for " + duration(statement.elapsed_ms);
  const rows = statement.operators.filter((o) => o.depth === 0).reduce((s, o) => s + o.rows, 0);
  let fraction = statement.bytes_total > 0 ? statement.bytes_read / statement.bytes_total : 0;
  let progress = bytes(statement.bytes_read) + " read of " + bytes(statement.bytes_total);
  if (statement.stages.length > 0) {
    const done = statement.stages.filter((s) => s.status === "Successful").length;
    const tasks = statement.stages.reduce((s, t) => s + t.tasks, 0);
    const tasksDone = statement.stages.reduce((s, t) => s + t.tasks_done, 0);
    fraction = tasks > 0 ? tasksDone / tasks : 0;
    progress = done + "/" + statement.stages.length + " stages, " + tasksDone + "/" + tasks + " tasks";
  }
  $("bytes-bar").style.width = (100 * Math.min(1, fraction)).toFixed(1) + "%";
  $("progress").textContent = progress + ", " + rows + " rows out so far";
}

function drawOperators(statement) {
  const operators = statement ? statement.operators : [];
  fillRows($("operators"), operators.map((op) => {
    const name = element("td", "\u00a0".repeat(2 * op.depth) + op.name);
    name.style.color = colour(op.name);
    const cells = element("td", null, "cells");
    const done = op.partitions.filter((p) => p.done).length;
    const started = op.partitions.filter((p) => p.started).length;
    for (const p of op.partitions) {
      const cell = element("span", null, "cell" + (p.done ? " done" : p.started ? " started" : ""));
      cell.title = "partition " + p.partition + ": " + p.rows + " rows";
      cells.appendChild(cell);
    }
    cells.appendChild(element("span", " " + done + " / " + (started - done) + " / " +
      (op.partitions.length - started), "muted"));
    return row([name, element("td", op.rows, "num"), cells]);
  }));
  const stages = statement ? statement.stages : [];
  $("stages").hidden = stages.length === 0;
  fillRows($("stages"), stages.map((s) => row([element("td", s.stage), element("td", s.status),
    element("td", s.tasks_done + "/" + s.tasks, "num"), element("td", s.rows, "num")])));
}

// One row per lane (a partition, or a stage's partition on a cluster); the operators running
// in a lane at once share its height.
function drawTaskStream(statement) {
  const svg = $("task-stream");
  const tasks = statement ? statement.tasks : [];
  const lanes = [...new Set(tasks.map((t) => t.lane))].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }));
  // Few lanes are drawn tall, so the operators sharing one stay apart; many are drawn thin.
  const laneHeight = Math.max(14, Math.min(48, Math.floor(300 / Math.max(1, lanes.length))));
  const top = 4, left = 90, width = 1000;
  const height = Math.max(60, top + lanes.length * laneHeight + 16);
  svg.setAttribute("viewBox", "0 0 " + width + " " + height);
  svg.style.height = Math.min(480, height * 1.1) + "px";
  const end = Math.max(1, statement ? statement.elapsed_ms : 1,
    ...tasks.map((t) => t.end_ms === null ? 0 : t.end_ms));
  const x = (ms) => left + (width - left - 10) * Math.min(ms, end) / end;
  const children = [];
  lanes.forEach((lane, i) => {
    const y = top + i * laneHeight;
    const label = svgElement("text", { x: 4, y: y + laneHeight - 5 });
    label.textContent = lane;
    children.push(label);
    const inLane = tasks.filter((t) => t.lane === lane);
    const operators = [...new Set(inLane.map((t) => t.operator))];
    const band = (laneHeight - 2) / operators.length;
    for (const t of inLane) {
      const stop = t.end_ms === null ? end : t.end_ms;
      const rect = svgElement("rect", {
        x: x(t.start_ms).toFixed(1), y: (y + band * operators.indexOf(t.operator)).toFixed(1),
        width: Math.max(1, x(stop) - x(t.start_ms)).toFixed(1), height: Math.max(1, band - 0.5).toFixed(1),
        fill: colour(t.operator), class: t.end_ms === null ? "running" : "done",
      });
      const title = svgElement("title", {});
      title.textContent = t.operator + " (" + lane + "): " + t.start_ms + "–" +
        (t.end_ms === null ? "running" : t.end_ms) + " ms";
      rect.appendChild(title);
      children.push(rect);
    }
  });
  const axis = svgElement("text", { x: width - 10, y: height - 3, "text-anchor": "end" });
  axis.textContent = duration(end);
  children.push(axis);
  svg.replaceChildren(...children);
  const names = [...new Set(tasks.map((t) => t.operator))];
  $("legend").replaceChildren(...names.map((name) => {
    const item = element("span", name);
    const swatch = element("i");
    swatch.style.background = colour(name);
    item.prepend(swatch);
    return item;
  }));
}

function drawMemory(memory, workers) {
  const fraction = memory.limit > 0 ? memory.used / memory.limit : 0;
  const bar = $("memory-bar");
  bar.style.width = (100 * Math.min(1, fraction)).toFixed(1) + "%";
  bar.className = "fill memory" + (fraction > 0.8 ? " high" : "");
  $("memory").textContent = bytes(memory.used) + " in use of " + bytes(memory.limit) +
    " (--memory-limit); spilled " + bytes(memory.spilled) + " this statement, " +
    bytes(memory.spill_files) + " in spill files now";
  fillRows($("workers"), workers.map((w) => row([
    element("td", w.name),
    element("td", w.threads === null ? "-" : w.threads, "num"),
    element("td", bytes(w.memory_used) + " / " + bytes(w.memory_limit)),
    element("td", w.cpu === null ? "-" : w.cpu.toFixed(0) + "%", "num"),
    element("td", w.status, w.status === "LOST" ? "lost" : ""),
  ])));
}

function statusPage() {
  listen((status) => {
    drawStatement(status);
    drawOperators(status.statement);
    drawTaskStream(status.statement);
    drawMemory(status.memory, status.workers);
  });
}

// ---- history page ----

let chosen = null;

function showPlan(record) {
  chosen = record.id;
  for (const tr of $("history").tBodies[0].rows) {
    tr.classList.toggle("chosen", tr.dataset.id === String(record.id));
  }
  $("plan-title").textContent = "of statement #" + record.id + " (" + record.plans.length +
    (record.plans.length === 1 ? " plan)" : " plans)");
  const images = record.plans.map((_, n) => {
    const image = element("img");
    image.alt = "plan " + n + " of statement " + record.id;
    image.src = "/api/history/" + record.id + "/plans/" + n;
    return image;
  });
  $("plan").replaceChildren(...(images.length ? images : [element("p", "(no plan: the statement ran none)", "muted")]));
}

async function loadHistory() {
  const answer = await fetch("/api/history");
  if (!answer.ok) throw new Error("GET /api/history answered " + answer.status);
  const records = await answer.json();
  fillRows($("history"), records.map((r) => {
    const tr = row([
      element("td", r.id, "num"),
      element("td", r.text + (r.error ? "\n" + r.error : ""), "text" + (r.error ? " error" : "")),
      element("td", r.scheduler),
      element("td", duration(r.duration_ms), "num"),
      element("td", r.rows_out === null ? "-" : r.rows_out, "num"),
      element("td", r.on_cluster ? "(on the workers)" : bytes(r.bytes_read), "num"),
      element("td", r.plans.length ? "show" : "-"),
    ]);
    tr.dataset.id = String(r.id);
    if (r.plans.length) {
      tr.style.cursor = "pointer";
      tr.addEventListener("click", () => showPlan(r));
    }
    return tr;
  }));
  const again = records.find((r) => r.id === chosen);
  if (again) showPlan(again);
}

function historyPage() {
  let done = -1;
  listen((status) => {
    if (status.statements_done !== done) {
      done = status.statements_done;
      loadHistory().catch((e) => { $("connection").textContent = String(e); });
    }
  });
}

if (document.body.dataset.page === "status") statusPage();
else historyPage();
