// portal.test.mjs: the public portal in Chromium — on a phone, in Chinese and in English, its open
// data downloaded in every format (they open: CSV with its headers, JSON with its licence, xlsx as a
// zip with its sheets), and a citizen's pollution report moderated by the office: unseen until
// published, then shown with the office's reply and never with the citizen's contact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, page, login, ART } from './fixture.mjs';

const ready = (p) => p.waitForFunction(() => document.body.dataset.ready === '1' && document.querySelector('#p-data tbody tr'));

test('the portal on a phone: indicators, the map, and open data that opens', async () => {
  const p = await page({ phone: true });
  await p.goto(env.base + '/#/open');
  await ready(p);
  assert.equal(await p.title(), '公众门户 · 山水');
  assert.ok(await p.locator('#p-indicators .portal-card').count() > 50);
  await p.waitForSelector('#map .ol-viewport');  // the map's code arrives after the page
  // Nothing wider than the phone.
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  const row = p.locator('tr[data-dataset="indicators"]');
  assert.match(await row.innerText(), /CC BY 4\.0/);
  const get = async (format) => {
    const [download] = await Promise.all([p.waitForEvent('download'), row.locator(`a[data-format="${format}"]`).click()]);
    const path = join(ART, download.suggestedFilename());
    await download.saveAs(path);
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  };
  const csv = await get('csv');
  assert.match(csv.name, /目标指标年度值_\d{4}-\d{2}-\d{2}\.csv$/);
  const text = csv.bytes.toString('utf8');
  assert.ok(text.startsWith('\ufeff目标编号,指标,单位,目标值,目标年,年份,数值,当年累计,按期推进评价'));
  assert.match(text, /\nforest_coverage,森林覆盖率,%,/);
  const json = JSON.parse((await get('json')).bytes.toString('utf8'));
  assert.equal(json.metadata.licence, 'CC BY 4.0（署名）');
  assert.equal(json.rows.length, json.metadata.rows);
  assert.ok(json.rows.some((r) => r.target === 'forest_coverage' && r.value));
  const xlsx = await get('xlsx');
  assert.equal(xlsx.bytes.subarray(0, 2).toString(), 'PK');  // a zip: the workbook
  assert.ok(xlsx.bytes.includes(Buffer.from('xl/worksheets/sheet2.xml')));  // 数据 and 说明
  // The monitoring dataset: the published hourly values of the last 30 days, with their licence.
  const monitoring = await (await fetch(env.base + '/api/open/datasets/monitoring?format=json')).json();
  assert.ok(monitoring.rows.length > 0);
  assert.ok(monitoring.rows.every((r) => r.kind === '空气' || r.kind === '水质'));  // noise is not published
  await p.screenshot({ path: join(ART, 'portal-phone.png'), fullPage: false });
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the portal in English', async () => {
  const p = await page();
  await p.addInitScript(() => localStorage.setItem('shanshui.lang', 'en'));
  await p.goto(env.base + '/#/open');
  await ready(p);
  assert.equal(await p.locator('h1').first().innerText().then((t) => t.split('\n')[0].startsWith('Public portal')), true);
  assert.match(await p.locator('tr[data-dataset="indicators"]').innerText(), /Targets of the action plan/);
  assert.equal(await p.locator('#feedback-form button[type=submit]').innerText(), 'Send');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a citizen reports pollution; the office publishes it with a reply', async () => {
  const citizen = await page({ phone: true });
  await citizen.goto(env.base + '/#/open');
  await ready(citizen);
  await citizen.check('input[name=kind][value=report]');
  assert.equal(await citizen.locator('#f-place-label').isVisible(), true);
  await citizen.fill('input[name=place]', '龙门街道滨江路');
  await citizen.fill('textarea[name=text]', '江边排污口夜间排放黑水，有异味');
  await citizen.fill('input[name=contact]', '138-0000-0000');
  await citizen.click('#feedback-form button[type=submit]');
  await citizen.waitForFunction(() => document.getElementById('feedback-result').textContent.includes('已提交'));
  // Not shown before moderation.
  assert.equal((await (await fetch(env.base + '/api/feedback/published')).json()).length, 0);
  assert.equal((await fetch(env.base + '/api/feedback')).status, 401);

  const office = await page();
  await login(office, 'office');
  await office.goto(env.base + '/#/open');
  await ready(office);
  await office.waitForSelector('#moderation [data-pending]');
  const item = office.locator('#moderation [data-pending]').first();
  assert.match(await item.innerText(), /138-0000-0000/);  // the office sees the contact
  await item.locator('input[name=reply]').fill('已转县生态环境局现场核查，排污口已封堵');
  await item.locator('button[value=publish]').click();
  await office.waitForSelector('#published [data-feedback]');
  await office.waitForFunction(() => !document.querySelector('#moderation [data-pending]'));

  await citizen.reload();
  await ready(citizen);
  const shown = citizen.locator('#published [data-feedback]').first();
  assert.match(await shown.innerText(), /江边排污口夜间排放黑水/);
  assert.match(await shown.innerText(), /排污口已封堵/);
  assert.doesNotMatch(await citizen.locator('#published').innerText(), /138-0000-0000/);
  await citizen.screenshot({ path: join(ART, 'portal-feedback.png'), fullPage: false });
  assert.deepEqual(citizen.errors, []);
  assert.deepEqual(office.errors, []);
  await citizen.close();
  await office.close();
});
