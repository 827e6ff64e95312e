// claimscan review: the queue and the document page. Values are PHI: they
// are only ever put into the page as text (textContent, input.value),
// never as HTML, and nothing is stored in the browser.
"use strict";

const $ = (id) => document.getElementById(id);
let current = null; // the open document

function status(text) {
  $("status").textContent = text;
}

async function api(method, url, body) {
  const opts = { method, headers: {}, credentials: "same-origin" };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(url, opts);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  return { status: r.status, data };
}

function cell(tr, text) {
  const td = document.createElement("td");
  td.textContent = text;
  tr.appendChild(td);
}

async function showQueue(openNext) {
  current = null;
  $("doc-view").hidden = true;
  $("queue-view").hidden = false;
  const r = await api("GET", "/api/queue");
  if (r.status !== 200) { status("cannot load the queue (" + r.status + ")"); return; }
  $("who").textContent = r.data.reviewer;
  const tbody = $("queue").querySelector("tbody");
  tbody.replaceChildren();
  const docs = r.data.documents;
  $("queue-empty").hidden = docs.length > 0;
  for (const d of docs) {
    const tr = document.createElement("tr");
    tr.tabIndex = 0;
    tr.dataset.id = d.id;
    if (d.holder && !d.mine) tr.className = "held";
    cell(tr, "#" + d.id);
    cell(tr, d.form);
    cell(tr, d.received.replace("T", " ").replace("Z", " UTC"));
    cell(tr, String(d.flagged));
    cell(tr, d.holder || "");
    tr.addEventListener("click", () => openDoc(d.id));
    tr.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); openDoc(d.id); }
    });
    tbody.appendChild(tr);
  }
  const free = docs.find((d) => !d.holder || d.mine);
  if (openNext && free) { openDoc(free.id); return; }
  const first = tbody.querySelector("tr:not(.held)") || tbody.querySelector("tr");
  if (first) first.focus();
  status(docs.length + " waiting");
}

function markBox(f) {
  const mark = $("page-mark");
  const img = $("page-img");
  if (!f || !f.box || !img.naturalWidth) { mark.style.display = "none"; return; }
  const k = img.clientWidth / img.naturalWidth;
  mark.style.left = (f.box.x * k - 4) + "px";
  mark.style.top = (f.box.y * k - 4) + "px";
  mark.style.width = (f.box.w * k + 8) + "px";
  mark.style.height = (f.box.h * k + 8) + "px";
  mark.style.display = "block";
  mark.scrollIntoView({ block: "center" });
}

async function openDoc(id) {
  status("opening #" + id + " ...");
  const r = await api("POST", "/api/docs/" + id + "/lock", {});
  if (r.status === 409) { status("#" + id + " is held by " + r.data.holder); showQueue(false); return; }
  if (r.status !== 200) { status("cannot open #" + id + " (" + r.status + ")"); return; }
  current = r.data;
  $("queue-view").hidden = true;
  $("doc-view").hidden = false;
  $("doc-title").textContent = "Document #" + current.id + " \u2014 " +
    current.flagged + " flagged field(s)";
  const firstPage = current.pages[0];
  $("page-img").src = firstPage.image;
  const list = $("fields");
  list.replaceChildren();
  for (const f of current.fields) list.appendChild(fieldItem(f));
  const open = list.querySelector("li:not(.done) input") || list.querySelector("input");
  if (open) open.focus();
  status("#" + current.id + ": " + (current.flagged - current.decided) + " to go");
}

function fieldItem(f) {
  const li = document.createElement("li");
  li.dataset.field = f.field;
  const name = document.createElement("div");
  name.className = "name";
  name.textContent = f.field.replace(/_/g, " ") + (current.npages > 1 ? " (page " + f.page + ")" : "");
  const img = document.createElement("img");
  img.alt = "scan of " + f.field;
  img.src = f.crop;
  const why = document.createElement("div");
  why.className = "why";
  why.textContent = f.reasons_text.join("; ") + " \u2014 confidence " + f.confidence.toFixed(1);
  const input = document.createElement("input");
  input.type = "text";
  input.name = f.field;
  input.autocomplete = "off";
  input.spellcheck = false;
  input.value = f.decided ? f.decided_value : f.value;
  const msg = document.createElement("div");
  msg.className = "msg";
  if (f.decided) { li.classList.add("done"); msg.textContent = f.action; }
  li.append(name, img, why, input, msg);
  input.addEventListener("focus", () => {
    document.querySelectorAll("#fields li.current").forEach((x) => x.classList.remove("current"));
    li.classList.add("current");
    input.select();
    markBox(f);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); closeDoc(); return; }
    if (e.key !== "Enter") return;
    e.preventDefault();
    submit(f, li, input, msg, e.ctrlKey || e.metaKey);
  });
  return li;
}

async function submit(f, li, input, msg, override) {
  const original = f.decided ? f.decided_value : f.value;
  const body = input.value === original
    ? { action: "accept", override }
    : { action: "correct", value: input.value, override };
  const url = "/api/docs/" + current.id + "/pages/" + f.page + "/fields/" + f.field;
  const r = await api("POST", url, body);
  if (r.status === 422) {
    msg.textContent = "still fails: " + r.data.reason_text + " \u2014 fix it, or Ctrl+Enter to override";
    li.classList.remove("done");
    return;
  }
  if (r.status !== 200) {
    msg.textContent = "not saved (" + r.status + ")" + (r.data && r.data.error ? ": " + r.data.error : "");
    return;
  }
  f.decided = true;
  f.decided_value = r.data.value;
  input.value = r.data.value;
  li.classList.add("done");
  msg.textContent = r.data.action;
  if (r.data.done) { status("#" + current.id + " done"); showQueue(true); return; }
  status("#" + current.id + ": " + r.data.remaining + " to go");
  const items = Array.from(document.querySelectorAll("#fields li"));
  const at = items.indexOf(li);
  const next = items.slice(at + 1).concat(items.slice(0, at)).find((x) => !x.classList.contains("done"));
  if (next) next.querySelector("input").focus();
}

async function closeDoc() {
  if (current) await api("POST", "/api/docs/" + current.id + "/unlock", {});
  showQueue(false);
}

document.addEventListener("DOMContentLoaded", () => {
  $("page-img").addEventListener("load", () => {
    const a = document.activeElement;
    if (a && a.tagName === "INPUT") a.dispatchEvent(new Event("focus"));
  });
  showQueue(false);
});
