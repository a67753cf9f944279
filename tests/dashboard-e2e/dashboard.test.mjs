// Dashboard end-to-end test: start the built sample host on 127.0.0.1 (replay held until a stream client connects), open
// /defensive/dashboard in Debian's chromium through playwright-core, and assert that live detections stream in (table rows,
// per-pool and per-attacker counts, latency histogram), then save a screenshot. Bounded in time; always stops the host.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const dll = process.env.MEVDEFENSE_SAMPLEHOST ?? join(repo, "artifacts/bin/MevDefense.SampleHost/release/MevDefense.SampleHost.dll");
const screenshot = process.env.DASHBOARD_SCREENSHOT ?? join(process.env.MEVDEFENSE_CI_STATE ?? tmpdir(), "dashboard-e2e.png");
const deadline = setTimeout(() => { console.error("dashboard e2e: timed out"); cleanup(1); }, 240_000);

const freePort = () => new Promise((ok, fail) => {
  const s = createServer();
  s.once("error", fail);
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
});

const port = await freePort();
const data = mkdtempSync(join(tmpdir(), "mevdefense-e2e-"));
const profile = mkdtempSync(join(tmpdir(), "mevdefense-chromium-"));
let log = "";
const host = spawn("dotnet", [dll, "--port", String(port), "--data", join(data, "data"), "--slots", "24", "--quiet", "--wait-for-stream-client"],
  { stdio: ["ignore", "pipe", "pipe"] });
host.stdout.on("data", (d) => { log += d; });
host.stderr.on("data", (d) => { log += d; });
let browser;

async function cleanup(code) {
  clearTimeout(deadline);
  try { await browser?.close(); } catch { /* already gone */ }
  if (host.exitCode === null) {
    host.kill("SIGINT");
    await new Promise((ok) => { const t = setTimeout(() => { host.kill("SIGKILL"); ok(); }, 10_000); host.once("exit", () => { clearTimeout(t); ok(); }); });
  }
  rmSync(data, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
  if (code !== 0) console.error(log.split("\n").slice(-30).join("\n"));
  process.exit(code);
}

try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (host.exitCode !== null) throw new Error(`sample host exited with ${host.exitCode}`);
    try { if ((await fetch(`${base}/defensive/openapi.json`)).ok) break; } catch { /* not listening yet */ }
    if (i > 600) throw new Error("sample host did not start listening");
    await new Promise((r) => setTimeout(r, 200));
  }

  // A fresh profile directory is passed as the user data dir (playwright-core adds --user-data-dir itself).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  const page = browser.pages()[0] ?? await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${base}/defensive/dashboard`);
  await page.waitForSelector("#status.open", { timeout: 30_000 });           // the WebSocket is connected: the replay starts now
  await page.waitForSelector("#detections tr.detection", { timeout: 120_000 }); // detections stream in
  await page.waitForFunction(() => document.querySelectorAll("#detections tr.detection").length >= 3 && document.querySelector("#records").textContent !== "0",
    null, { timeout: 120_000 });
  const rows = await page.$$eval("#detections tr.detection", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const kinds = new Set(rows.map((r) => r[0]));
  const pools = await page.$$eval("#pools tr", (trs) => trs.length);
  const attackers = await page.$$eval("#attackers tr", (trs) => trs.length);
  const histogram = await page.$$eval("#latency .bar", (bars) => bars.map((b) => Number(b.lastChild.textContent)));
  const total = Number(await page.textContent("#total"));
  if (rows.length < 3 || total !== rows.length) throw new Error(`expected >= 3 detection rows matching the counter, got ${rows.length} / ${total}`);
  if (![...kinds].every((k) => ["sandwich", "arbitrage", "jit", "backrun"].includes(k))) throw new Error(`unexpected kinds ${[...kinds]}`);
  if (!rows.every((r) => /^\d+$/.test(r[1]) && Number(r[2]) > 0 && Number(r[2]) <= 1 && r[5] !== "\u2014")) throw new Error(`bad row ${JSON.stringify(rows[0])}`);
  if (pools < 1 || attackers < 1) throw new Error(`no per-pool (${pools}) or per-attacker (${attackers}) counts`);
  if (histogram.reduce((a, b) => a + b, 0) !== total) throw new Error(`latency histogram ${histogram} does not count ${total} detections`);
  if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  mkdirSync(dirname(screenshot), { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  if (statSync(screenshot).size < 10_000) throw new Error("screenshot is suspiciously small");
  console.log(`dashboard e2e passed: ${rows.length} detections (${[...kinds].join(", ")}), ${pools} pools, ${attackers} attackers; screenshot ${screenshot}`);
  await cleanup(0);
} catch (e) {
  console.error(`dashboard e2e FAILED: ${e.message}`);
  await cleanup(1);
}
