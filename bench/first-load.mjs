// first-load.mjs: how long the dashboard takes to show the overview's cards on a cold cache, on a
// desktop link and on Chrome DevTools' "Fast 3G" profile (562.5 ms latency, 1.44 Mbit/s down,
// 675 kbit/s up; network only, no CPU slowdown), in headless Chromium against a real
// `shanshui serve`. Side by side in one run: the front end before the bundle (git revision
// BEFORE_REV, with the vendor scripts it loaded) and the current one, same server, same data.
// Usage: node bench/first-load.mjs [runs=5]  (from the repository root, after scripts/build and
// `node web/scripts/build.mjs`). Prints medians per profile and front end, and bytes on the wire.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, copyFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(resolve('web/package.json'));
const { chromium } = require('playwright-core');
const RUNS = Number(process.argv[2] || 5);
const BEFORE_REV = '5421b90^';  // the last front end of plain scripts (app.js + echarts.min.js + ol.js)
const BIN = resolve('build/bin/shanshui');
const dir = mkdtempSync(join(tmpdir(), 'shanshui-first-load-'));
const cli = (...a) => execFileSync(BIN, a, { stdio: ['ignore', 'pipe', 'pipe'] });
const freePort = () => new Promise((ok) => { const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => ok(p)); }); });

// The "before" front end as it was, with the vendor scripts it loaded from node_modules.
const before = join(dir, 'before');
mkdirSync(before);
execFileSync('sh', ['-c', `git archive ${BEFORE_REV} web/public | tar -x -C ${before}`]);
mkdirSync(join(before, 'web/public/vendor'), { recursive: true });
copyFileSync('web/node_modules/echarts/dist/echarts.min.js', join(before, 'web/public/vendor/echarts.min.js'));
copyFileSync('web/node_modules/ol/dist/ol.js', join(before, 'web/public/vendor/ol.js'));
copyFileSync('web/public/vendor/ol.css', join(before, 'web/public/vendor/ol.css'));

const db = join(dir, 'bench.db');
cli('plan', 'import', '--db', db, 'data/plans/wushan-2023-2027.yaml');
cli('measure', 'import', '--db', db, 'data/demo/measurements.csv');
cli('report', 'submit', '--claim-reported-at', '--db', db, 'data/demo/reports.csv');
cli('station', 'import', '--db', db, 'data/demo/stations.csv');

async function serve(web) {
  const port = await freePort(), hj = await freePort();
  const p = spawn(BIN, ['serve', '--db', db, '--http-port', String(port), '--hj212-port', String(hj), '--web', web], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise((ok) => p.stderr.on('data', (d) => { if (String(d).includes('dashboard on')) ok(); }));
  return { p, base: `http://127.0.0.1:${port}` };
}

const PROFILES = {
  desktop: null,
  'fast-3G': { offline: false, latency: 562.5, downloadThroughput: (1.44e6 / 8) * 0.9, uploadThroughput: (675e3 / 8) * 0.9 },
};

async function once(browser, base, net) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (net) await cdp.send('Network.emulateNetworkConditions', net);
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  const t0 = Date.now();
  await page.goto(base + '/#/', { waitUntil: 'commit' });
  await page.waitForSelector('.card', { timeout: 120000 });  // the first target card: the first meaningful paint
  const ms = Date.now() - t0;
  await ctx.close();
  return { ms, bytes };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const browser = await chromium.launch({ executablePath: execFileSync('sh', ['-c', 'command -v chromium']).toString().trim(),
  headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const results = [];
for (const [name, web] of [['before', join(before, 'web/public')], ['after', resolve('web/public')]]) {
  const { p, base } = await serve(web);
  for (const [profile, net] of Object.entries(PROFILES)) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await once(browser, base, net));
    results.push({ frontend: name, profile, median_ms: median(runs.map((r) => r.ms)), kb: Math.round(median(runs.map((r) => r.bytes)) / 1024) });
  }
  p.kill('SIGTERM');
}
await browser.close();
rmSync(dir, { recursive: true, force: true });
console.log('front end | profile | first cards, median of ' + RUNS + ' (ms) | bytes on the wire (KiB)');
for (const r of results) console.log(`${r.frontend} | ${r.profile} | ${r.median_ms} | ${r.kb}`);
for (const profile of Object.keys(PROFILES)) {
  const b = results.find((r) => r.frontend === 'before' && r.profile === profile), a = results.find((r) => r.frontend === 'after' && r.profile === profile);
  console.log(`${profile}: after/before = ${(a.median_ms / b.median_ms).toFixed(2)}`);
}
