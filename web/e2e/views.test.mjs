// views.test.mjs: every view, as every role, at desktop and phone size, is checked for what a
// clerk would stumble on: visible English words or raw codes in Chinese mode (text, tooltips,
// placeholders and labels; elements that show raw data verbatim are marked translate="no" and
// skipped), accessibility violations found by axe-core, and sideways overflow on a phone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { env, ART, page, login } from './fixture.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Latin words a Chinese page legitimately carries: units, pollutant and standard symbols, water
// classes, file formats, the plan's own abbreviations (LNG, FM, 5G) and its item numbers (T05.11).
// Anything else in Latin letters is an untranslated word or a raw code.
const ALLOWED = new Set(['PM', 'SO', 'NO', 'CO', 'O', 'AQI', 'IAQI', 'COD', 'BOD', 'pH', 'NH', 'N', 'P', 'TP', 'TN',
  'GEP', 'GDP', 'GB', 'HJ', 'CSV', 'JSON', 'GeoJSON', 'xlsx', 'Excel', 'PDF', 'MB', 'OFD', 'Word', 'PowerPoint', 'mg', 'g', 'L', 'm', 'km', 'dB', 'A', 'Ld', 'Ln', 'Leq',
  'CRC', 'SHA', 'MN', 'CN', 'kg', 'kWh', 'ha', 'I', 'II', 'III', 'IV', 'V', 'LNG', 'FM', 'G',
  'T', 'C', 'a', 'b', 'SL', 'LY', 't', 'J', 'SensorThings']);  // GB/T, 附录C, noise zones 4a/4b (GB 3096), SL 190 and
// LY/T 1721 (industry standards), t (tonnes), J (joules), OGC SensorThings (the open-data interface's standard)
const allowed = (w) => ALLOWED.has(w) || /^(PM\d+|T\d\d|[A-T]\d{2,4})$/.test(w);  // … and GB/T 4754 industry codes (C2614)

/** Latin words outside the allow-list in the page's visible text, tooltips, placeholders and labels. */
async function foreignWords(p) {
  const words = await p.evaluate(() => {
    const out = [];
    const skip = (el) => el.closest('[translate="no"], script, style, noscript, svg title') !== null;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el) || !el.getClientRects().length) continue;
      out.push(n.textContent);
    }
    for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], img[alt]')) {
      if (skip(el)) continue;
      for (const a of ['title', 'placeholder', 'aria-label', 'alt']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
    }
    for (const o of document.querySelectorAll('select option')) if (!skip(o)) out.push(o.textContent);
    return out.join('\n').match(/[A-Za-z][A-Za-z0-9_]*/g) || [];
  });
  return [...new Set(words.filter((w) => !allowed(w)))];
}

async function axe(p) {
  await p.addScriptTag({ content: AXE });
  return p.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.length}× ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
}

const settle = async (p) => {
  await p.waitForFunction(() => document.body.dataset.ready === '1' && !document.querySelector('#view .loading'));
  await p.waitForTimeout(150);  // charts and the map draw on the next frames
};

// The views each role opens in a day; `{}` placeholders are filled from the API.
const VIEWS = ['#/', '#/target/forest_coverage', '#/target/good_days_ratio', '#/target/pm25_annual', '#/target/park_5min_coverage', '#/target/soil_water_conservation', '#/target/{unspecified}',
  '#/tasks', '#/dept', '#/supervision', '#/scorecard', '#/monitoring', '#/station/WS500237A0001', '#/audit', '#/screen', '#/gep',
  '#/lineage/{run}', '#/open', '#/login'];
const ROLES = ['public', 'eeb', 'gaotang', 'office', 'auditor'];

async function fill(hash) {
  if (hash.includes('{unspecified}')) {
    const progress = await (await fetch(env.base + '/api/progress')).json();
    const t = progress.targets.find((x) => x.target_text && /达到|要求|完成/.test(x.target_text) && x.target == null) || progress.targets[0];
    return hash.replace('{unspecified}', t.id);
  }
  if (hash.includes('{run}')) {
    const t = await (await fetch(env.base + '/api/targets/good_days_ratio')).json();
    const run = (t.series || []).map((s) => s.provenance && s.provenance.run_id).find(Boolean);
    assert.ok(run, 'a computed value with its run');
    return hash.replace('{run}', 'run:' + run);
  }
  return hash;
}

for (const role of ROLES) {
  for (const phone of [false, true]) {
    test(`every view as ${role}${phone ? ' on a phone' : ''}: Chinese only, no axe violations, no sideways overflow`, async () => {
      const p = await page({ phone, inject: !phone });
      if (role !== 'public') await login(p, role);
      const problems = [];
      for (const template of VIEWS) {
        if (role !== 'public' && template === '#/login') continue;
        const hash = await fill(template);
        await p.goto(env.base + '/' + hash);
        await settle(p);
        const words = await foreignWords(p);
        if (words.length) problems.push(`${hash} English or codes: ${words.slice(0, 25).join(' ')}`);
        if (!phone) {
          for (const v of await axe(p)) problems.push(`${hash} axe ${v}`);
        } else {
          const over = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          if (over > 0) {
            problems.push(`${hash} overflows sideways by ${over} px`);
            await p.screenshot({ path: join(ART, `overflow-${role}-${hash.replace(/[^a-z0-9]+/gi, '_')}.png`) });
          }
        }
      }
      assert.deepEqual(problems, []);
      assert.deepEqual(p.errors, []);
      await p.close();
    });
  }
}

// In English every word of the interface is English: Chinese may remain only in the county's own
// data (the plan's text, department and station names, what users wrote), which is marked
// lang="zh-CN", and in raw records marked translate="no".
async function chineseLeft(p) {
  return p.evaluate(() => {
    const out = [];
    const skip = (el) => el.closest('[translate="no"], [lang^="zh"], script, style, noscript, svg title') !== null;
    const han = /[\u4e00-\u9fff]/;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || skip(el) || !el.getClientRects().length || !han.test(n.textContent)) continue;
      out.push(n.textContent.trim().slice(0, 60));
    }
    for (const el of document.querySelectorAll('[placeholder], [aria-label]')) {
      if (skip(el)) continue;
      for (const a of ['placeholder', 'aria-label']) if (han.test(el.getAttribute(a) || '')) out.push(`${a}=${el.getAttribute(a)}`);
    }
    return [...new Set(out)];
  });
}

for (const role of ROLES) {
  test(`every view as ${role} in English: no Chinese outside the county's own data, every word in the catalogue`, async () => {
    const p = await page();
    await p.addInitScript(() => localStorage.setItem('shanshui.lang', 'en'));
    if (role !== 'public') await login(p, role);
    const problems = [];
    for (const template of VIEWS) {
      if (role !== 'public' && template === '#/login') continue;
      const hash = await fill(template);
      await p.goto(env.base + '/' + hash);
      await settle(p);
      assert.equal(await p.evaluate(() => document.documentElement.lang), 'en');
      const left = await chineseLeft(p);
      if (left.length) problems.push(`${hash} Chinese: ${left.slice(0, 15).join(' | ')}`);
    }
    const missing = await p.evaluate(() => [...window.shanshui.missingEnglish]);
    if (missing.length) problems.push(`not in data/i18n/ui.tsv: ${missing.join(' | ')}`);
    assert.deepEqual(problems, []);
    assert.deepEqual(p.errors, []);
    await p.close();
  });
}
