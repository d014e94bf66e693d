// fixture.mjs: what every browser test file shares — a real `shanshui serve` on a fresh SQLite file
// with the demo plan, values, reports, stations, observations and one user per role, three days of
// live HJ 212 data, a second county (the synthetic 云岭县 at /c/yunling/, its own database), and
// headless Chromium (playwright-core + Debian's chromium).
// Env: SHANSHUI_BIN (the binary), SHANSHUI_SRC (the source tree), SHANSHUI_ARTIFACTS (screenshots).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.SHANSHUI_BIN;
const SRC = process.env.SHANSHUI_SRC;
export const ART = process.env.SHANSHUI_ARTIFACTS || join(tmpdir(), 'shanshui-e2e-artifacts');
mkdirSync(ART, { recursive: true });

/** The running server's base address and the browser, set by the hooks below. */
export const env = { base: '', browser: null, dir: '', server: null };

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});
export const cli = (...args) => execFileSync(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
const chromiumPath = () => execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser']).toString().trim();

/** The demo users, one per role: name → password. */
export const USERS = { eeb: 'eeb-demo-2027', office: 'office-demo-2027', auditor: 'auditor-demo-2027', gaotang: 'gaotang-demo-2027' };

before(async () => {
  assert.ok(BIN && SRC, 'set SHANSHUI_BIN and SHANSHUI_SRC');
  const dir = env.dir = mkdtempSync(join(tmpdir(), 'shanshui-e2e-'));
  const db = join(dir, 'e2e.db');
  cli('plan', 'import', '--db', db, join(SRC, 'data/plans/wushan-2023-2027.yaml'));
  cli('measure', 'import', '--db', db, join(SRC, 'data/demo/measurements.csv'));
  cli('report', 'submit', '--claim-reported-at', '--db', db, join(SRC, 'data/demo/reports.csv'));
  cli('station', 'import', '--db', db, join(SRC, 'data/demo/stations.csv'));
  cli('demo', 'layers', '--db', db, '--out', join(dir, 'layers'));
  cli('coverage', '--db', db, '--record');
  // the ecosystem account on coarse (300 m) demo rasters: the GEP targets and the 水土保持率 cross-check
  cli('demo', 'rasters', '--db', db, '--out', join(dir, 'rasters'), '--cell', '300', '--years', '2025', '2026');
  cli('gep', 'run', '--db', db, '--rasters', join(dir, 'rasters'), '--year', '2025', '--year', '2026', '--record');
  cli('obs', 'import', '--db', db, join(SRC, 'tests/data/http/air-daily-obs.csv'));
  cli('obs', 'import', '--db', db, join(SRC, 'tests/data/http/water-month-obs.csv'));
  cli('obs', 'import', '--db', db, join(SRC, 'tests/data/http/noise-month-obs.csv'));
  cli('user', 'add', '--db', db, '--name', 'eeb', '--role', 'department', '--department', 'eeb', '--password', USERS.eeb);
  cli('user', 'add', '--db', db, '--name', 'office', '--role', 'office', '--department', 'ndrc', '--password', USERS.office);
  cli('user', 'add', '--db', db, '--name', 'auditor', '--role', 'auditor', '--password', USERS.auditor);
  cli('user', 'add', '--db', db, '--name', 'gaotang', '--role', 'township', '--department', 'gaotang', '--password', USERS.gaotang);
  // A second county on the same server (its own database and users): the synthetic 云岭县 at /c/yunling/.
  const yunling = join(dir, 'yunling.db');
  cli('plan', 'import', '--db', yunling, join(SRC, 'data/plans/yunling-2023-2027.yaml'));
  cli('user', 'add', '--db', yunling, '--name', 'eeb', '--role', 'department', '--department', 'eeb', '--password', 'yunling-eeb-2027');
  const port = await freePort(), hj212 = await freePort();
  env.base = `http://127.0.0.1:${port}`;
  const server = env.server = spawn(BIN, ['serve', '--db', db, '--county', 'yunling=' + yunling, '--http-port', String(port),
    '--hj212-port', String(hj212), '--web', join(SRC, 'web/public')], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((resolve, reject) => {
    server.stderr.on('data', (d) => { if (String(d).includes('dashboard on')) resolve(); });
    server.on('exit', (code) => reject(new Error('server exited ' + code)));
  });
  // Three days of hourly HJ 212 data up to now from the registered stations: the live evaluation
  // turns them into the county's air quality so far.
  const from = new Date(Date.now() + 8 * 3600e3 - 3 * 86400e3).toISOString().slice(0, 10);
  cli('simulate', '--db', db, '--port', String(hj212), '--registered', '--from', from, '--hours', '72', '--seed', '7');
  for (let i = 0; i < 100; i++) {
    const live = (await (await fetch(env.base + '/api/health')).json()).live_evaluation;
    if (live && live.runs_recorded > 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  env.browser = await chromium.launch({
    executablePath: chromiumPath(), headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic'], // playwright gives each launch a fresh profile
  });
});

after(async () => {
  await env.browser?.close();
  env.server?.kill('SIGTERM');
  if (env.dir) rmSync(env.dir, { recursive: true, force: true });
});

/** A fresh page (its own cookies) at desktop size, or at a phone's; page errors are collected. */
// `inject` lets a test add its own script (axe-core) despite the page's Content-Security-Policy.
export async function page({ phone = false, inject = false } = {}) {
  const p = await env.browser.newPage({ locale: 'zh-CN', bypassCSP: inject, ...(phone
    ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
    : { viewport: { width: 1366, height: 900 } }) });
  const errors = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.errors = errors;
  return p;
}

/** Signs the page in as one of the demo users and waits until the header names them. */
export async function login(p, name) {
  await p.goto(env.base + '/#/login');
  await p.fill('input[name=username]', name);
  await p.fill('input[name=password]', USERS[name]);
  await p.click('button[type=submit]');
  await p.waitForFunction((n) => document.getElementById('who').textContent.startsWith(n), name);
}

/** A bearer token for the API, for requests a test makes beside the browser. */
export async function token(name) {
  const r = await fetch(env.base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password: USERS[name] }) });
  return (await r.json()).token;
}
