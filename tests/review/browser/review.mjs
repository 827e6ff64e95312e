// End-to-end test of `claimscan review` in headless Chromium: a state
// folder made by `claimscan watch --once` from a sample whose service
// facility NPI has a bad check digit; a biller opens the queue, fixes the
// NPI with the keyboard and overrides the other flags (two diagnosis pointers
// at a blank diagnosis); then the journal's audit and the exported record
// must hold the correction.
//
// node review.mjs --claimscan BUILD/claimscan --fixture PNG
//                 [--chromium /usr/bin/chromium] [--screenshot OUT.png]
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, copyFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, basename } from "node:path";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => {
    if (a.startsWith("--")) acc.push([a.slice(2), all[i + 1]]);
    return acc;
  }, []));
const claimscan = args.claimscan;
const fixture = args.fixture;
const chromiumPath = args.chromium || "/usr/bin/chromium";
const GOOD_NPI = "2072822333";
const BAD_NPI = "2072822335";

function fail(msg) {
  console.error("review/browser: FAIL: " + msg);
  process.exitCode = 1;
  throw new Error(msg);
}

function check(cond, msg) {
  if (!cond) fail(msg);
}

const dir = mkdtempSync(join(tmpdir(), "cs-review-browser-"));
const state = join(dir, "state");
const inbox = join(dir, "inbox");
let server = null;
let browser = null;

try {
  check(claimscan && existsSync(claimscan), "--claimscan PATH needed");
  check(fixture && existsSync(fixture), "--fixture PATH needed");
  mkdirSync(inbox);
  copyFileSync(fixture, join(inbox, basename(fixture)));
  execFileSync(claimscan, ["watch", "--once", "--quiet", "--settle", "0.1",
                           "--state", state, inbox], { stdio: "inherit" });

  server = spawn(claimscan, ["review", "--state", state, "--listen",
                             "127.0.0.1:0"], { stdio: ["ignore", "pipe", "inherit"] });
  const first = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: server.stdout });
    rl.once("line", resolve);
    server.once("exit", () => reject(new Error("server exited")));
  });
  const m = /^review: (http:\/\/127\.0\.0\.1:\d+)\/login\?token=([0-9a-f]+)$/.exec(first);
  check(m, "unexpected first line from the server");
  const base = m[1];

  // A fresh profile (--user-data-dir) through playwright's own parameter.
  browser = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    bypassCSP: true, // playwright evaluates its waits as strings
    args: ["--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
  });
  const page = await browser.newPage();
  page.setDefaultTimeout(20000);
  await page.goto(`${base}/login?token=${m[2]}&name=dana`);
  await page.waitForSelector("#queue tbody tr");
  check((await page.textContent("#who")) === "dana", "reviewer name shown");
  const row = await page.textContent("#queue tbody tr");
  check(row.includes("cms1500") && row.includes("4"), "queue row: form and 4 flags");

  // Enter on the focused (oldest) row opens it; focus lands on the first
  // flag: diagnosis A, painted out, which every claim must carry. Enter
  // (keep it empty) is refused with the rule; Ctrl+Enter overrides.
  await page.keyboard.press("Enter");
  await page.waitForSelector("#doc-view:not([hidden]) #fields li");
  await page.waitForFunction(() => document.activeElement &&
    document.activeElement.name === "diagnosis_a");
  const whyEmpty = await page.textContent("#fields li[data-field=diagnosis_a] .why");
  check(/must carry/i.test(whyEmpty), "the missing field's reason in plain words");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /still fails/.test(
    document.querySelector("#fields li[data-field=diagnosis_a] .msg").textContent));
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector("#fields li[data-field=diagnosis_a].done");
  await page.waitForFunction(() => document.activeElement &&
    document.activeElement.name === "service_facility_npi");
  await page.waitForFunction(() => {
    const im = document.querySelector("#page-img");
    const crops = [...document.querySelectorAll("#fields img")];
    return im.complete && im.naturalWidth > 0 &&
      crops.every((c) => c.complete && c.naturalWidth > 0);
  });
  check((await page.inputValue("input[name=service_facility_npi]")) === BAD_NPI,
        "the NPI as read is shown");
  const why = await page.textContent("#fields li[data-field=service_facility_npi] .why");
  check(/check digit/i.test(why), "the reason in plain words");
  if (args.screenshot) {
    await page.evaluate(() => document.activeElement.dispatchEvent(new Event("focus")));
    await page.screenshot({ path: args.screenshot });
  }

  // A wrong correction is refused with the rule; the right one is saved.
  await page.keyboard.type("2072822334");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /still fails/.test(
    document.querySelector("#fields li[data-field=service_facility_npi] .msg").textContent));
  await page.keyboard.press("Control+A");
  await page.keyboard.type(GOOD_NPI);
  await page.keyboard.press("Enter");
  await page.waitForSelector("#fields li[data-field=service_facility_npi].done");
  // Focus moved on to the two pointers at blank diagnosis A: Enter is
  // refused with the rule, Ctrl+Enter overrides.
  for (const name of ["line1_diagnosis_pointer", "line2_diagnosis_pointer"]) {
    await page.waitForFunction((n) => document.activeElement.name === n, name);
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => /still fails/.test(
      document.querySelector(`#fields li[data-field=${n}] .msg`).textContent), name);
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector(`#fields li[data-field=${name}].done`);
  }
  // Done: back to the queue, now empty.
  await page.waitForSelector("#queue-empty:not([hidden])");

  const audit = execFileSync("sqlite3", [join(state, "journal.sqlite"),
    "SELECT field || '|' || action || '|' || old_value || '|' || new_value || '|' || who" +
    " FROM review_audit ORDER BY id"]).toString();
  check(audit.includes(`service_facility_npi|correct|${BAD_NPI}|${GOOD_NPI}|dana`),
        "the audit holds the correction");
  check(audit.includes("diagnosis_a|override|") &&
        audit.includes("line1_diagnosis_pointer|override|") &&
        audit.includes("line2_diagnosis_pointer|override|"),
        "the audit holds the overrides");
  const exported = execFileSync(claimscan, ["export", "--state", state,
                                            "--format", "jsonl"]).toString();
  const rec = JSON.parse(exported.trim().split("\n")[0]);
  check(rec.reviewed === true, "exported record is marked reviewed");
  check(rec.fields.service_facility_npi.value === GOOD_NPI, "exported value is corrected");
  check(rec.fields.service_facility_npi.original.value === BAD_NPI,
        "the original reading is kept");
  console.log("review/browser: ok");
} catch (e) {
  if (!process.exitCode) console.error("review/browser: FAIL: " + e.message);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close();
  if (server) server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
