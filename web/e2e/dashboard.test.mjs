// dashboard.test.mjs: end-to-end tests of each role's work in headless Chromium against a real
// `shanshui serve` (see fixture.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, ART, page, login, token } from './fixture.mjs';

test('the overview renders every target as a card with three lens badges', async () => {
  const p = await page();
  await p.goto(env.base + '/#/');
  await p.waitForSelector('.card');
  const cards = await p.locator('.card').count();
  const targets = await (await fetch(env.base + '/api/progress')).json();
  assert.equal(cards, targets.targets.length);
  assert.equal(cards, 70);
  assert.equal(await p.locator('.card .badge').count(), 3 * 70);
  // the summary's groups add up to all targets, and each one filters the cards
  const sums = await p.locator('#summary button b').allInnerTexts();
  assert.equal(sums.map(Number).reduce((a, b) => a + b, 0), 70);
  const groups = await p.locator('#summary button').evaluateAll((bs) => bs.map((b) => b.dataset.group));
  await p.locator('#summary button[data-group="behind"]').click();
  assert.equal(await p.locator('.card').count(), Number(sums[groups.indexOf('behind')]));
  // a target the plan leaves open is never counted as behind, and never shown in red
  const prog = await p.evaluate(() => window.shanshui.state.progress);
  const pending = prog.targets.filter((t) => t.value === 'unspecified' && !t.reference).map((t) => t.id);
  assert.ok(pending.length >= 3, 'the draft leaves several targets open');
  for (const id of pending) {
    const ratings = Object.values(prog.targets.find((t) => t.id === id).lenses).map((l) => l.rating);
    assert.ok(ratings.every((r) => ['target_pending', 'unable', 'stale'].includes(r)), `${id}: ${ratings}`);
  }
  await p.locator('#summary button[data-group="behind"]').click();
  assert.equal(await p.locator('.card').count(), 70);
  // the rating filter asks the chosen lens only
  await p.selectOption('#f-lens', 'current');
  await p.selectOption('#f-status', 'achieved');
  const achieved = progress => progress.targets.filter((t) => t.lenses.current.rating === 'achieved').length;
  // against the data the page shows (the live evaluation may have recorded a run since `targets`)
  assert.equal(await p.locator('.card').count(), achieved(await p.evaluate(() => window.shanshui.state.progress)));
  await p.selectOption('#f-status', '');
  await p.locator('#f-text').fill('森林覆盖率');
  assert.equal(await p.locator('.card').count(), 1);
  assert.match(await p.locator('.card .value').innerText(), /%$/);  // the unit beside the value
  await p.screenshot({ path: join(ART, 'overview.png'), fullPage: false });
  assert.equal(await p.title(), '目标总览 · 山水');
  await p.locator('.card').first().click();
  await p.waitForSelector('#chart svg');
  assert.equal(await p.title(), '指标详情 · 山水');
  assert.match(await p.locator('h1').innerText(), /森林覆盖率/);
  assert.equal(await p.locator('.lens').count(), 3);
  await p.screenshot({ path: join(ART, 'target.png'), fullPage: true });
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a department user submits a report with evidence and sees the item change', async () => {
  const p = await page();
  await p.goto(env.base + '/#/login');
  // a wrong password is said in Chinese, without English from the server
  await p.fill('input[name=username]', 'eeb');
  await p.fill('input[name=password]', 'not-the-password');
  await p.click('button[type=submit]');
  await p.waitForSelector('#login-result.error');
  assert.equal(await p.locator('#login-result').innerText(), '用户名或密码错误。');
  await p.fill('input[name=password]', 'eeb-demo-2027');
  await p.click('button[type=submit]');
  await p.waitForSelector('#report-form');
  assert.match(await p.locator('#who').innerText(), /eeb/);
  // the form offers the department's own items and nothing outside its lane (T05.1: no eeb part)
  const options = await p.locator('select[name=item] option').evaluateAll((os) => os.map((o) => o.value));
  assert.ok(options.includes('T18.1') && options.includes('T20.2'), options.join(' '));
  assert.ok(!options.includes('T05.1'));
  const row = p.locator('tr[data-item="T20.2"]').last();
  assert.doesNotMatch(await row.innerText(), /已完成/);
  await p.selectOption('select[name=item]', 'T20.2');
  await p.selectOption('select[name=status]', 'done');
  await p.fill('input[name=percent]', '100');
  await p.fill('textarea[name=narrative]', '排污权交易平台已上线运行');
  await p.fill('input[name=evidence]', '巫山环发〔2026〕45号');
  await p.click('#report-form button[type=submit]');
  await p.waitForSelector('#report-result.ok');
  assert.match(await p.locator('tr[data-item="T20.2"]').last().innerText(), /已完成/);
  await p.screenshot({ path: join(ART, 'department.png'), fullPage: true });
  // the task board shows the latest report and its evidence
  await p.goto(env.base + '/#/tasks');
  await p.waitForSelector('tr[data-item="T20.2"]');
  assert.match(await p.locator('tr[data-item="T20.2"]').innerText(), /巫山环发〔2026〕45号/);
  // a crafted request outside the department's lane is refused
  const status = await p.evaluate(async () => {
    const r = await fetch('/api/reports', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': window.shanshui.state.me.csrf },
      body: JSON.stringify({ item: 'T05.1', period: '2026-Q4', status: 'in_progress', percent: 50, narrative: 'x' }) });
    return r.status;
  });
  assert.equal(status, 403);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a year-so-far value from HJ 212 data leads, click by click, to the frames behind it', async () => {
  const p = await page();
  await p.goto(env.base + '/#/target/good_days_ratio');
  await p.waitForSelector('a.lineage');
  assert.match(await p.locator('tr.provisional').first().innerText(), /年内累计，暂定/);
  await p.locator('a.lineage').first().click();
  await p.waitForSelector('a.station-link');
  assert.match(await p.locator('h1').innerText(), /评估运行 #\d+：\d{4}年（年内累计）/);
  assert.match(await p.locator('table.kv').innerText(), /有效天数 \d+ 天 \/ 已过 \d+ 天/);
  assert.match(await p.locator('table.kv').innerText(), /优良天数比率 [\d.]+%；PM₂\.₅ 年均 \d+ μg\/m³/);
  assert.doesNotMatch(await p.locator('table.kv').innerText(), /good_days_ratio|pm25=/);
  await p.locator('a.station-link').first().click();
  await p.waitForSelector('a.day-link');
  await p.locator('a.day-link').last().click();
  await p.waitForSelector('a.frame-link');
  assert.match(await p.locator('table').innerText(), /PM₂\.₅（a34004）/);
  await p.locator('a.frame-link').first().click();
  await p.waitForSelector('pre.frame');
  const frame = await p.locator('pre.frame').innerText();
  assert.match(frame, /^##\d{4}QN=/);
  assert.match(frame, /PW=\*\*\*\*\*\*/);  // the public does not see the station password
  assert.match(await p.locator('table.kv').innerText(), /一致/);
  await p.screenshot({ path: join(ART, 'lineage-frame.png'), fullPage: false });
  assert.deepEqual(p.errors, []);
});

test('markup stored in a narrative renders as text on every page that shows it', async () => {
  const login = await (await fetch(env.base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'eeb', password: 'eeb-demo-2027' }) })).json();
  const evil = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>“巫山”&amp;';
  const r = await fetch(env.base + '/api/reports', { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + login.token },
    body: JSON.stringify({ item: 'T18.1', period: '2026-Q4', status: 'in_progress', percent: 40, narrative: evil, evidence: evil }) });
  assert.equal(r.status, 201);
  const p = await page();
  await p.goto(env.base + '/#/login');
  await p.fill('input[name=username]', 'eeb');
  await p.fill('input[name=password]', 'eeb-demo-2027');
  await p.click('button[type=submit]');
  await p.waitForSelector('#report-form');
  for (const hash of ['#/tasks', '#/dept/eeb', '#/supervision', '#/']) {
    await p.goto(env.base + '/' + hash);
    await p.waitForFunction(() => !document.querySelector('#view .loading'));
    assert.equal(await p.evaluate(() => window.pwned), undefined, hash);
    assert.equal(await p.locator('#view img[src=x], #view script').count(), 0, hash);
  }
  await p.goto(env.base + '/#/tasks');
  await p.waitForSelector('tr[data-item="T18.1"]');
  // the text, exactly as stored, is what the clerk reads
  assert.ok((await p.locator('tr[data-item="T18.1"]').innerText()).includes(evil));
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a township reports its part of an item the townships share, and the item keeps its lead\'s status', async () => {
  const p = await page();
  await p.goto(env.base + '/#/login');
  await p.fill('input[name=username]', 'gaotang');
  await p.fill('input[name=password]', 'gaotang-demo-2027');
  await p.click('button[type=submit]');
  await p.waitForSelector('#report-form');
  assert.match(await p.locator('h1').innerText(), /高唐街道/);
  const shared = await p.locator('tr[data-item]').filter({ hasText: '乡镇共同' }).count();
  assert.ok(shared > 20, `items shared with the townships: ${shared}`);
  const item = await p.locator('tr[data-item]').filter({ hasText: '乡镇共同' }).first().getAttribute('data-item');
  const token = (await (await fetch(env.base + '/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'gaotang', password: 'gaotang-demo-2027' }) })).json()).token;
  const itemNow = async () => (await fetch(env.base + '/api/items/' + item, { headers: { Authorization: 'Bearer ' + token } })).json();
  const before = await itemNow();
  await p.selectOption('select[name=item]', item);
  await p.selectOption('select[name=status]', 'done');
  await p.fill('input[name=percent]', '100');
  await p.fill('textarea[name=narrative]', '高唐街道辖区内已完成');
  await p.fill('input[name=evidence]', '高唐街办〔2026〕12号');
  await p.click('#report-form button[type=submit]');
  await p.waitForSelector('#report-result.ok');
  const after = await itemNow();
  const mine = after.reports.filter((r) => r.reporter === 'gaotang');
  assert.equal(mine.length, 1);
  assert.equal(mine[0].part, true);  // its own part: shown, counted in its own scorecard
  assert.equal(after.status, before.status);  // the item's status is still the lead's
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the office closes a completed item and corrects a value with its reason', async () => {
  const p = await page();
  await p.goto(env.base + '/#/login');
  await p.fill('input[name=username]', 'office');
  await p.fill('input[name=password]', 'office-demo-2027');
  await p.click('button[type=submit]');
  await p.waitForFunction(() => /^office/.test(document.getElementById('who').textContent));
  await p.goto(env.base + '/#/tasks');
  // T20.2 was reported done by its lead (the department test above): the office closes it with evidence
  const form = p.locator('form.close-form[data-item="T20.2"]');
  await form.locator('input[name=evidence]').fill('巫山发改〔2026〕88号');
  const scan = Buffer.from('%PDF-1.7\n巫山县发展改革委 验收意见（扫描件）\n%%EOF\n');
  await form.locator('input[type=file]').setInputFiles({ name: '验收意见.pdf', mimeType: 'application/pdf', buffer: scan });
  await form.locator('button[type=submit]').click();
  await p.waitForFunction(() => /已销号/.test(document.querySelector('tr[data-item="T20.2"]')?.textContent ?? ''));
  // the file was uploaded, stored with its hash, and the closure names it next to the document number
  const auth = { headers: { Authorization: 'Bearer ' + await token('office') } };
  const closure = (await (await fetch(env.base + '/api/items/T20.2', auth)).json()).closure;
  const sha = createHash('sha256').update(scan).digest('hex');
  assert.equal(closure.evidence, `巫山发改〔2026〕88号 附件《验收意见.pdf》sha256:${sha}`);
  const file = await fetch(env.base + '/api/evidence/' + sha, auth);
  assert.equal(file.status, 200);
  assert.deepEqual(Buffer.from(await file.arrayBuffer()), scan);
  // a second value for a year is a correction: refused without a reason, stored with one
  await p.goto(env.base + '/#/target/forest_coverage');
  await p.waitForSelector('#value-form');
  await p.fill('#value-form input[name=period]', '2025');
  await p.fill('#value-form input[name=value]', '64.7');
  await p.fill('#value-form input[name=source]', '2025年林草湿监测');
  await p.click('#value-form button[type=submit]');
  await p.waitForSelector('#value-result.error');
  assert.match(await p.locator('#value-result').innerText(), /correction needs its reason|更正/);
  await p.fill('#value-form input[name=note]', '林草湿数据与国土“三调”对接后更正');
  await p.click('#value-form button[type=submit]');
  await p.waitForSelector('#value-result.ok');
  await p.waitForFunction(() => /64\.7/.test(document.getElementById('history').textContent));
  assert.match(await p.locator('#history').innerText(), /林草湿数据与国土“三调”对接后更正/);
  // 督办: counts per department, each a filter; every entry says what it is about
  await p.goto(env.base + '/#/supervision');
  await p.waitForSelector('#sup-depts button');
  const first = p.locator('#sup-depts button').first();
  const dept = await first.getAttribute('data-dept');
  const n = Number(await first.locator('b').innerText());
  await first.click();
  assert.equal(await p.locator('#sup-list tbody tr').count(), n);
  assert.equal(await p.locator(`#sup-list tbody tr:not([data-dept="${dept}"])`).count(), 0);
  assert.ok(await p.locator('#sup-list tbody tr td:nth-child(3) a').count() > 0);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the auditor searches the log and has the data verified', async () => {
  const p = await page();
  await p.goto(env.base + '/#/login');
  await p.fill('input[name=username]', 'auditor');
  await p.fill('input[name=password]', 'auditor-demo-2027');
  await p.click('button[type=submit]');
  await p.waitForFunction(() => /^auditor/.test(document.getElementById('who').textContent));
  await p.goto(env.base + '/#/audit');
  await p.waitForSelector('#audit-rows tr');
  assert.match(await p.locator('#chain').innerText(), /哈希链完整/);
  // ingest batches are folded away by default; the filter by action shows one kind, labelled in Chinese
  assert.doesNotMatch(await p.locator('#audit-rows').innerText(), /监测数据入库/);
  await p.selectOption('select[name=action]', 'report.add');
  await p.click('#audit-filter button[type=submit]');
  await p.waitForFunction(() => [...document.querySelectorAll('#audit-rows tr td:nth-child(4)')].every((td) => td.textContent === '报送进展'));
  assert.match(await p.locator('#audit-count').innerText(), /共 \d+ 条符合条件的记录/);
  await p.click('#verify-rows');
  await p.waitForFunction(() => /数据完整/.test(document.getElementById('chain').textContent), null, { timeout: 60000 });
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the public finds no way to write', async () => {
  const p = await page();
  await p.goto(env.base + '/#/');
  await p.waitForSelector('.card');
  assert.equal(await p.locator('#who').innerText(), '公众');
  for (const hash of ['#/', '#/tasks', '#/monitoring', '#/dept']) {
    await p.goto(env.base + '/' + hash);
    await p.waitForFunction(() => !document.querySelector('#view .loading'));
    assert.equal(await p.locator('#view form, #view textarea, #view button[type=submit]').count(), 0, hash);
  }
  assert.equal(await p.locator('nav a[data-view=dept]').isHidden(), true);
  await p.goto(env.base + '/#/monitoring');
  await p.waitForSelector('#map canvas');
  await p.selectOption('#aqi-year', '2025');
  await p.waitForSelector('#aqi-calendar svg');
  assert.match(await p.locator('#aqi-summary').innerText(), /有效天数 1，优良 1 天/);
  await p.fill('#water-month', '2025-03');
  await p.dispatchEvent('#water-month', 'change');
  await p.waitForSelector('#water-table table');
  assert.match(await p.locator('#water-table').innerText(), /大宁河-龙门峡[\s\S]*IV类[\s\S]*未达标/);
  await p.fill('#water-month', '2025-04');
  await p.dispatchEvent('#water-month', 'change');
  await p.waitForSelector('#noise-table table');
  assert.match(await p.locator('#noise-table').innerText(), /1 类[\s\S]*56\.4 dB\(A\) 超标[\s\S]*1\/2 天达标/);
  await p.screenshot({ path: join(ART, 'monitoring.png'), fullPage: true });
  const status = await p.evaluate(async () => (await fetch('/api/reports', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ item: 'T18.1', period: '2026-Q4', percent: 10 }) })).status);
  assert.equal(status, 401);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('督办 as a workflow: the office issues a notice, the department answers, the office resolves', async () => {
  const office = await page();
  await login(office, 'office');
  await office.goto(env.base + '/#/supervision');
  await office.waitForSelector('#sup-depts button');
  // the first entry addressed to 县生态环境局 gets a notice
  const row = office.locator('#sup-list tbody tr[data-dept="eeb"]').first();
  await row.locator('details summary').click();
  await row.locator('textarea[name=request]').fill('请说明滞后原因，提出整改措施');
  await row.locator('form.notice-issue button[type=submit]').click();
  await office.waitForSelector('#notice-list .notice[data-state="issued"][data-dept="eeb"]');
  const id = await office.locator('#notice-list .notice[data-dept="eeb"]').first().getAttribute('data-notice');
  assert.match(await office.locator(`.notice[data-notice="${id}"]`).innerText(), /待答复[\s\S]*县生态环境局[\s\S]*请说明滞后原因/);
  // the department finds it on its workbench and answers
  const dept = await page();
  await login(dept, 'eeb');
  await dept.goto(env.base + '/#/dept');
  const card = dept.locator(`.notice[data-notice="${id}"]`);
  await card.waitFor();
  await card.locator('textarea[name=text]').fill('已召开专题会，月底前完成');
  await card.locator('button[value=answer]').click();
  await dept.waitForSelector(`.notice[data-notice="${id}"][data-state="answered"]`);
  assert.equal(await dept.locator(`.notice[data-notice="${id}"] button[value=resolve]`).count(), 0);  // not the department's to decide
  // the office sees the answer (on its next visit) and resolves
  await office.reload();
  const answered = office.locator(`.notice[data-notice="${id}"][data-state="answered"]`);
  await answered.waitFor();
  assert.match(await answered.innerText(), /已召开专题会，月底前完成/);
  await answered.locator('textarea[name=text]').fill('同意办结');
  await answered.locator('button[value=resolve]').click();
  await office.waitForSelector(`.notice[data-notice="${id}"][data-state="resolved"]`);
  assert.match(await office.locator(`.notice[data-notice="${id}"]`).innerText(), /已办结[\s\S]*答复：已召开专题会[\s\S]*办结：同意办结/);
  await office.screenshot({ path: join(ART, 'notices.png'), fullPage: false });
  // the list for Excel: a CSV named in Chinese, with a BOM and the whole history
  const [download] = await Promise.all([office.waitForEvent('download'), office.click('#notices-csv')]);
  assert.match(download.suggestedFilename(), /^督办通知_\d{4}-\d{2}-\d{2}\.csv$/);
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.match(bytes.toString('utf8'), /已办结[\s\S]*答复：已召开专题会，月底前完成/);
  assert.deepEqual(office.errors, []);
  assert.deepEqual(dept.errors, []);
  await office.close();
  await dept.close();
});

test('the language toggle switches every word, errors included, and back', async () => {
  const p = await page();
  await p.goto(env.base + '/#/');
  await p.waitForSelector('.card');
  assert.equal(await p.locator('nav a[href="#/"]').innerText(), '目标总览');
  await p.click('#lang');
  await p.waitForFunction(() => document.documentElement.lang === 'en' && document.body.dataset.ready === '1');
  await p.waitForSelector('.card');
  assert.equal(await p.locator('nav a[href="#/"]').innerText(), 'Targets');
  assert.equal(await p.title(), 'Targets · Shanshui');
  assert.match(await p.locator('.card .badge').first().innerText(), /^(time-proportional|trend|current)/);
  assert.equal(await p.locator('#lang').innerText(), '中文');
  await p.screenshot({ path: join(ART, 'overview-en.png'), fullPage: false });
  // a refusal from the server in the user's language
  await p.goto(env.base + '/#/login');
  await p.fill('input[name=username]', 'office');
  await p.fill('input[name=password]', 'not-the-password');
  await p.click('button[type=submit]');
  await p.waitForSelector('#login-result.error, .error');
  assert.match(await p.locator('.error').first().innerText(), /[Ww]rong user name or password/);
  await p.click('#lang');
  await p.waitForFunction(() => document.documentElement.lang === 'zh-CN' && document.body.dataset.ready === '1');
  assert.equal(await p.locator('nav a[href="#/tasks"]').innerText(), '任务台账');
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('anyone draws a project site on the one map and reads the screening verdict', async () => {
  const p = await page();
  await p.goto(env.base + '/#/screen');
  await p.waitForSelector('#site-layers input[type=checkbox]');  // the layers are on the map
  assert.ok(await p.locator('#site-layers input[data-kind="ecological_red_line"]').isChecked());
  const box = await p.locator('#site-map').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  // a square of 40 px around the county seat (about 10 km across at this zoom), closed by a double click
  for (const [dx, dy] of [[-20, -20], [20, -20], [20, 20]]) {
    await p.mouse.click(cx + dx, cy + dy);
    await p.waitForTimeout(150);
  }
  await p.mouse.dblclick(cx - 20, cy + 20);
  await p.waitForFunction(() => !document.getElementById('screen-run').disabled);
  await p.fill('input[name=industry]', 'C2614');
  await p.click('#screen-run');
  await p.waitForSelector('#screen-verdict');
  const verdict = await p.locator('#screen-verdict').getAttribute('data-verdict');
  assert.equal(verdict, 'non_compliant');  // the county seat's surroundings hold red line and water-source zones
  assert.match(await p.locator('#screen-result').innerText(), /不符合[\s\S]*生态保护红线[\s\S]*生态环境准入清单/);
  assert.ok(await p.locator('#screen-result table tbody tr').count() > 3);
  await p.screenshot({ path: join(ART, 'screen.png'), fullPage: false });
  // the report to file: a workbook named in Chinese, and a printout without the map and the form
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#screen-xlsx')]);
  assert.match(download.suggestedFilename(), /^项目预筛查_\d{4}-\d{2}-\d{2}\.xlsx$/);
  assert.deepEqual([...readFileSync(await download.path()).subarray(0, 2)], [0x50, 0x4b]);  // a zip: xlsx
  await p.emulateMedia({ media: 'print' });
  assert.equal(await p.locator('#site-map').isVisible(), false);
  assert.equal(await p.locator('#screen-verdict').isVisible(), true);
  await p.emulateMedia({ media: 'screen' });
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a target computed from the layers shows its townships on a choropleth, and its cross-check beside it', async () => {
  const p = await page();
  await p.goto(env.base + '/#/target/protected_area_share');
  await p.waitForSelector('#town-map canvas');
  assert.equal(await p.locator('#by-township tbody tr').count(), 26);  // every township, highest first
  const first = Number((await p.locator('#by-township tbody tr td:nth-child(2)').first().innerText()).replace('%', ''));
  const last = Number((await p.locator('#by-township tbody tr td:nth-child(2)').last().innerText()).replace('%', ''));
  assert.ok(first >= last && first > 50, `${first} … ${last}`);  // 五里坡's townships lie mostly in the reserve
  assert.equal(await p.locator('#town-legend .key').count(), 6);  // five classes and "not applicable"
  // a click on the map picks the township's row
  await p.waitForSelector('#town-map[data-ready]');
  await p.locator('#town-map').scrollIntoViewIfNeeded();
  const box = await p.locator('#town-map').boundingBox();
  await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await p.waitForSelector('#by-township tr.picked');
  await p.screenshot({ path: join(ART, 'target-townships.png'), fullPage: true });
  // the 5-minute park coverage: the buffer method is rated; the walking network's figure is shown beside it
  await p.goto(env.base + '/#/target/park_5min_coverage');
  await p.waitForSelector('#town-map canvas');
  const measured = await p.locator('#town-view > p').innerText();
  assert.match(measured, /计量值：[\d.]+%/);
  await p.click('.view-tab[data-i="1"]');
  await p.waitForFunction(() => /核验值/.test(document.querySelector('#town-view > p')?.textContent || ''));
  const check = await p.locator('#town-view > p').innerText();
  assert.match(check, /步行网络/);
  const num = (s) => Number(/([\d.]+)%/.exec(s)[1]);
  assert.ok(num(check) < num(measured), `${check} vs ${measured}`);  // the streets are longer than the crow's line
  await p.click('#town-view a.lineage');
  await p.waitForSelector('#view h1');
  assert.match(p.url(), /#\/lineage\/run:\d+/);
  // 水土保持率: the 水利局's figure is rated; the ecosystem account's estimate is shown by township beside it
  await p.goto(env.base + '/#/target/soil_water_conservation');
  await p.waitForSelector('#town-map canvas');
  assert.match(await p.locator('#town-view > p').innerText(), /核验值（不参与评价）：[\d.]+%/);
  assert.equal(await p.locator('#by-township tbody tr').count(), 26);
  // a computed target without a township breakdown shows no such section
  await p.goto(env.base + '/#/target/good_days_ratio');
  await p.waitForSelector('#view h1');
  await p.waitForTimeout(300);
  assert.equal(await p.locator('#by-township-section').isVisible(), false);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('the ecosystem account page: the recorded figures, every valuation line, a township map per figure, the way to the account from its targets', async () => {
  const p = await page();
  const api = await (await fetch(env.base + '/api/gep')).json();
  await p.goto(env.base + '/#/target/soil_water_conservation');
  await p.locator('a[href="#/gep"]', { hasText: '查看生态系统生产总值核算' }).click();
  // the target page had a ready #town-map too: first the new page, then its map
  await p.waitForSelector('.gep-figures');
  await p.waitForSelector('#town-map[data-ready]');
  const figures = await p.locator('.gep-figures').innerText();
  assert.ok(figures.includes(`GEP ${(api.gep_yuan / 1e8).toFixed(2)} 亿元`), figures);
  assert.ok(figures.includes(`水土保持率 ${api.soil_conservation_rate}%`), figures);
  assert.ok(figures.includes(`GEP 的 GDP 转化率 ${api.gdp_ratio.value}%`), figures);
  const tables = p.locator('#view table');
  assert.equal(await tables.nth(0).locator('tbody tr').count(), 26);  // townships
  assert.equal(await tables.nth(1).locator('tbody tr').count(), api.lines.length);  // valuation lines
  assert.equal(await tables.nth(2).locator('tbody tr').count(), api.sensitivity.length);
  assert.equal(await tables.nth(3).locator('tbody tr').count(), api.prices.length);
  // the map shows one figure at a time; its legend carries the unit
  assert.match(await p.locator('#town-legend').innerText(), /万元\/km²/);
  await p.getByLabel('地图指标').selectOption('soil');
  await p.waitForSelector('#town-map[data-ready]');
  assert.match(await p.locator('#town-legend').innerText(), /%/);
  // one service's value per km² by township (GEP by service and township)
  const options = await p.locator('#town-figure option').allTextContents();
  assert.ok(options.includes('单位面积价值：土壤保持'), options.join(' | '));
  await p.getByLabel('地图指标').selectOption('service:soil_retention');
  await p.waitForSelector('#town-map[data-ready]');
  assert.match(await p.locator('#town-legend').innerText(), /万元\/km²/);
  // clicking a township picks its row
  await p.locator('#town-map').scrollIntoViewIfNeeded();
  const box = await p.locator('#town-map').boundingBox();
  await p.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await p.waitForSelector('#view tr.picked');
  // another recorded year
  const other = api.years_recorded.find((y) => y !== String(api.year));
  await p.locator(`a[href="#/gep/${other}"]`).click();
  await p.waitForFunction((y) => document.querySelector('#view h1')?.textContent.includes(y), other);
  assert.deepEqual(p.errors, []);
  await p.close();
});

test('a second county on the same server is its own dashboard: its plan, its users, its API', async () => {
  const p = await page();
  const asked = [];
  p.on('request', (r) => { const u = new URL(r.url()); if (u.pathname.includes('/api/')) asked.push(u.pathname); });
  await p.goto(env.base + '/c/yunling/#/');
  await p.waitForSelector('.card');
  assert.match(await p.locator('#plan-title').innerText(), /云岭县/);
  assert.ok(asked.length > 0 && asked.every((a) => a.startsWith('/c/yunling/api/')), asked.join(' '));
  // Wushan's eeb is a stranger here; Yunling's own eeb logs in, on Yunling's page only.
  await p.goto(env.base + '/c/yunling/#/login');
  await p.fill('input[name=username]', 'eeb');
  await p.fill('input[name=password]', 'eeb-demo-2027');
  await p.click('button[type=submit]');
  await p.waitForSelector('#login-result.error');
  await p.fill('input[name=password]', 'yunling-eeb-2027');
  await p.click('button[type=submit]');
  await p.waitForSelector('#report-form');
  const home = await (await fetch(env.base + '/api/counties')).json();
  assert.deepEqual(home.counties.map((c) => c.path), ['/', '/c/yunling/']);
  await p.screenshot({ path: join(ART, 'second-county.png'), fullPage: false });
  await p.close();
});
