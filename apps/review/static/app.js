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
  $("page-img").dataset.page = "";
  showPage(1);
  const list = $("fields");
  list.replaceChildren();
  for (const pg of current.pages) {
    if (pg.flags) list.appendChild(pageItem(pg));
    for (const f of current.fields) if (f.page === pg.page) list.appendChild(fieldItem(f));
  }
  const open = list.querySelector("li:not(.done) .primary") || list.querySelector(".primary");
  if (open) open.focus();
  status("#" + current.id + ": " + (current.flagged - current.decided) + " to go");
}

// Shows the picture of page p (1-based) of the open document.
function showPage(p) {
  const pg = current.pages[p - 1];
  const img = $("page-img");
  if (!pg || img.dataset.page === String(p)) return;
  img.dataset.page = String(p);
  img.src = pg.image;
}

// Marks li as the one being worked on and shows its page.
function setCurrent(li, page) {
  document.querySelectorAll("#fields li.current").forEach((x) => x.classList.remove("current"));
  li.classList.add("current");
  showPage(page);
}

// The page's own flags (no form, poor alignment, ...): accept the page as
// it is, or reject the document with a reason.
function pageItem(pg) {
  const fl = pg.flags;
  const li = document.createElement("li");
  li.className = "page-flags";
  li.dataset.page = pg.page;
  const name = document.createElement("div");
  name.className = "name";
  name.textContent = "page " + pg.page + " as a whole";
  const why = document.createElement("div");
  why.className = "why";
  why.textContent = fl.reasons_text.join("; ");
  const accept = document.createElement("button");
  accept.type = "button";
  accept.className = "primary";
  accept.textContent = "Accept page as is";
  const reason = document.createElement("input");
  reason.type = "text";
  reason.name = "reject-reason-" + pg.page;
  reason.placeholder = "reason to reject the document";
  reason.autocomplete = "off";
  reason.maxLength = 200;
  const reject = document.createElement("button");
  reject.type = "button";
  reject.textContent = "Reject document";
  const msg = document.createElement("div");
  msg.className = "msg";
  if (fl.decided) { li.classList.add("done"); msg.textContent = fl.action; }
  li.append(name, why, accept, reason, reject, msg);
  for (const el of [accept, reason, reject]) {
    el.addEventListener("focus", () => { setCurrent(li, pg.page); $("page-mark").style.display = "none"; });
    el.addEventListener("keydown", (e) => {
      if (e.key === "Escape") { e.preventDefault(); closeDoc(); }
    });
  }
  accept.addEventListener("click", () => decidePage(pg, li, msg, { action: "accept" }));
  const doReject = () => {
    if (!reason.value.trim()) { msg.textContent = "give a reason to reject"; reason.focus(); return; }
    decidePage(pg, li, msg, { action: "reject", reason: reason.value.trim() });
  };
  reject.addEventListener("click", doReject);
  reason.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); doReject(); }
  });
  return li;
}

async function decidePage(pg, li, msg, body) {
  const url = "/api/docs/" + current.id + "/pages/" + pg.page + "/decision";
  const r = await api("POST", url, body);
  if (r.status !== 200) {
    msg.textContent = "not saved (" + r.status + ")" + (r.data && r.data.error ? ": " + r.data.error : "");
    return;
  }
  if (body.action === "reject") { status("#" + current.id + " rejected"); showQueue(true); return; }
  pg.flags.decided = true;
  li.classList.add("done");
  msg.textContent = r.data.action;
  afterDecision(li, r.data);
}

// After a saved decision: the next document, or the next open item.
function afterDecision(li, data) {
  if (data.done) { status("#" + current.id + " done"); showQueue(true); return; }
  status("#" + current.id + ": " + data.remaining + " to go");
  const items = Array.from(document.querySelectorAll("#fields li"));
  const at = items.indexOf(li);
  const next = items.slice(at + 1).concat(items.slice(0, at)).find((x) => !x.classList.contains("done"));
  if (next) next.querySelector(".primary").focus();
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
  input.className = "primary";
  input.value = f.decided ? f.decided_value : f.value;
  const msg = document.createElement("div");
  msg.className = "msg";
  if (f.decided) { li.classList.add("done"); msg.textContent = f.action; }
  li.append(name, img, why, input, msg);
  input.addEventListener("focus", () => {
    setCurrent(li, f.page);
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
  afterDecision(li, r.data);
}

async function closeDoc() {
  if (current) await api("POST", "/api/docs/" + current.id + "/unlock", {});
  showQueue(false);
}

document.addEventListener("DOMContentLoaded", () => {
  $("page-img").addEventListener("load", () => {
    const a = document.activeElement;
    if (a && a.tagName === "INPUT" && !a.name.startsWith("reject-reason-")) a.dispatchEvent(new Event("focus"));
  });
  showQueue(false);
});
