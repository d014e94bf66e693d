// views/target.js: a target: its lenses explained, its series with provenance (computed values link to their lineage), its history.
import { zh, label, may, api, deptName, badge, loading, loadPlan, chart, code, planText, planWords, said, valueText, methodLabel, html, esc, catHtml } from '../common.js';
import { tx } from '../i18n.js';

export async function viewTarget(id, $view) {
  loading(tx('指标'));
  const [plan, t] = await Promise.all([loadPlan(), api('/api/targets/' + encodeURIComponent(id))]);
  const lensHtml = ['schedule', 'unsd', 'current'].map((k) => {
    const l = t.lenses[k];
    // Inputs by their names in the formula; a bound and a verdict in words.
    const shown = (a, b) => (a === 'bound' ? label('bound', b) : valueText(b));
    const inputs = Object.entries(l.inputs || {}).map(([a, b]) => html`<span class="input">${label('lens_input', a)} = ${shown(a, b)}</span>`).reduce((x, y) => html`${x}${x ? '；' : ''}${y}`, '');
    return html`<div class="lens"><b>${label('lens', k)}</b> ${badge('r-' + l.rating, label('rating', l.rating) || l.label)}
      ${l.formula ? html`<div>${tx('公式：')}${said(l, 'formula')}</div>` : ''}<div>${tx('代入：')}${inputs || '—'}</div>
      <div class="muted">${tx('判定：')}${said(l, 'thresholds')}${l.thresholds && l.reason ? tx('；') : ''}${planWords(said(l, 'reason'))}${tx('（方法：')}${methodLabel(l.method)}）</div></div>`;
  }).reduce(catHtml, '');
  // A year-so-far value (live from monitoring) says so; a computed value links to its lineage.
  const rows = (t.series || []).map((s) => html`<tr${s.provisional ? html` class="provisional"` : ''}><td>${esc(s.year)}${s.provisional ? tx('（年内累计，暂定）') : ''}</td>
    <td>${s.provenance.run_id ? html`<a class="lineage" href="#/lineage/run:${esc(s.provenance.run_id)}">${esc(s.value)}</a>` : valueText(s.value)}</td>
    <td>${esc(s.provenance.kind === 'computed' ? tx('计算') : tx('报送'))}</td>
    <td>${methodLabel(s.provenance.method)}（${/^\d+$/.test(String(s.provenance.method_version)) ? `${tx('第')}${s.provenance.method_version}${tx('版')}` : code(s.provenance.method_version)}）</td><td>${s.provenance.run_id ? `${tx('评估运行 #')}${s.provenance.run_id}${tx('；')}` : ''}${zh(s.provenance.run_id ? s.provenance.note || '' : s.provenance.source)}</td>
    <td>${zh(deptName(s.provenance.reporter))}</td><td>${esc(s.provenance.recorded_at)}</td></tr>`).reduce(catHtml, '');
  const newest = (t.series || []).at(-1);
  // Values from the ecosystem account link to it (GEP targets, the 水土保持率 cross-check).
  const fromAccount = [t.method.method, t.method.check?.method, ...(t.series || []).map((s) => s.provenance?.method)].some((m) => /^(gep|eco)\./.test(m || ''));
  const stale = t.stale ? html`<div class="error stale">${tx('数据过期：')}${newest ? html`${tx('最新数值为')} ${esc(newest.year)} ${tx('年')}` : tx('基期以来尚无数值')}${tx('，已超出报送周期，当前状态不作“已实现”判定')}</div>` : '';
  $view().innerHTML = html`<p><a href="#/">${tx('← 目标总览')}</a></p><h1>${zh(t.name)} <span class="muted">${planText(t.label)}</span></h1>
    ${stale}<p class="muted">${tx('行动计划原文：“')}${zh(t.quote)}”（${zh(t.clause)}${tx('）· 牵头：')}${zh(deptName(t.lead))}${t.baseline ? html` ${tx('· 基期')} ${esc(t.baseline.year)} ${tx('年')} ${esc(t.baseline.value)}（${zh(t.baseline.source)}）` : ''}</p>
    <div class="grid2"><div id="chart" class="chart" role="img" aria-label="${tx('指标序列图')}"></div><div>${lensHtml}</div></div>
    <h2>${tx('数值来源（可追溯至监测数据）')}</h2>
    ${rows ? html`<p class="muted">${tx('点击计算值可逐级追溯：评估运行 → 站点逐日 → 逐时观测 → 原始报文。')}</p><table><thead><tr><th>${tx('年份')}</th><th>${tx('数值')}</th><th>${tx('类型')}</th><th>${tx('方法')}</th><th>${tx('来源')}</th><th>${tx('报送')}</th><th>${tx('记录时间')}</th></tr></thead><tbody>${rows}</tbody></table>` : html`<div class="empty">${tx('尚无数值')}</div>`}
    ${fromAccount ? html`<p><a href="#/gep">${tx('查看生态系统生产总值核算（服务、价格、分乡镇） →')}</a></p>` : ''}
    <section id="by-township-section" hidden><h2>${tx('分乡镇（街道）')}</h2><div id="by-township"></div></section>
    ${t.method.kind === 'reported' && may('write', 'add_measurement') ? html`<h2>${tx('录入或更正数值')}</h2>
      <form class="stack" id="value-form">
        <label>${tx('年份')} <input name="period" required pattern="\\d{4}" placeholder="${tx('如 2026')}" size="6"></label>
        <label>${tx('数值（')}${zh(t.unit)}） <input name="value" required size="10"></label>
        <label>${tx('来源（统计公报、文件号等）')} <input name="source" required></label>
        <label>${tx('更正原因（该年已有数值时必填）')} <input name="note"></label>
        <button type="submit">${tx('保存')}</button> <span id="value-result" role="status"></span></form>` : ''}
    <h2>${tx('变更历史')}</h2><div id="history">${may('read', 'audit') ? html`<p class="loading">${tx('加载中…')}</p>` : html`<div class="empty">${tx('登录为办公室或审计角色可查看每个数值的变更历史')}</div>`}</div>`;
  if (!$view().isConnected) return;  // the user moved on while the target loaded: the page went nowhere
  drawTargetChart(t, plan);
  if (t.method.kind === 'computed' || t.method.check) drawTownships(id);
  const form = document.getElementById('value-form');
  if (form) form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form).entries());
    const out = document.getElementById('value-result');
    try {
      await api('/api/measurements', { method: 'POST', body: { indicator: t.indicator, ...f } });
      await viewTarget(id, $view);
      const done = document.getElementById('value-result');
      if (done) { done.className = 'ok'; done.textContent = `${tx('已保存')} ${f.period} ${tx('年的数值')}`; }
    } catch (e) { out.className = 'error'; out.textContent = e.message; }
  });
  if (may('read', 'audit')) {
    // Elements are taken before any await: if the user moves on meanwhile, the late answer lands
    // in the page they left (detached, harmless), never in a lookup of the new page that fails.
    const history = document.getElementById('history');
    try {
      const log = await api('/api/audit?object=' + encodeURIComponent(t.indicator));
      // A value is never overwritten: a later entry on the same indicator@period supersedes the
      // earlier one, so each row shows old → new.
      const last = {};
      const rowsHtml = log.map((e) => {
        const value = e.action === 'measurement.add' ? e.detail.split(' ')[0] : null;
        const change = value == null ? '' : last[e.object] != null ? html`${esc(last[e.object])} → ${esc(value)}` : html`${tx('（首次）→')} ${esc(value)}`;
        if (value != null) last[e.object] = value;
        return html`<tr><td>${e.id}</td><td>${esc(e.at)}</td><td>${code(e.actor)}</td><td>${label('audit_action', e.action)}</td><td>${code(e.object)}</td><td>${change}</td><td>${code(e.detail)}</td></tr>`;
      }).reduce(catHtml, '');
      history.innerHTML = log.length ? html`<table><thead><tr><th>#</th><th>${tx('时间')}</th><th>${tx('操作人')}</th><th>${tx('操作')}</th><th>${tx('对象')}</th><th>${tx('旧值 → 新值')}</th><th>${tx('内容与依据')}</th></tr></thead><tbody>${rowsHtml}</tbody></table>` : html`<div class="empty">${tx('无变更记录')}</div>`;
    } catch (e) { history.innerHTML = html`<div class="error">${esc(e.message)}</div>`; }
  }
}

async function drawTargetChart(t, plan) {
  const el = document.getElementById('chart');
  const [start, end] = plan.period;
  const years = []; for (let y = Math.min(t.baseline?.year ?? start, start); y <= end; y++) years.push(String(y));
  const byYear = Object.fromEntries((t.series || []).map((s) => [String(s.year), Number(s.value)]));
  const series = [{ name: tx('实际值'), type: 'line', data: years.map((y) => byYear[y] ?? null), connectNulls: true, symbolSize: 7 }];
  const goal = Number(t.lenses?.schedule?.inputs?.v_T ?? NaN);
  if (Number.isFinite(goal)) series.push({ name: tx('目标值'), type: 'line', data: years.map(() => goal), lineStyle: { type: 'dashed' }, symbol: 'none' });
  const b = t.baseline && Number(t.baseline.value);
  if (Number.isFinite(goal) && Number.isFinite(b) && t.baseline.year) {
    const by = Number(t.baseline.year);
    series.push({ name: tx('序时进度线'), type: 'line', symbol: 'none', lineStyle: { type: 'dotted' },
      data: years.map((y) => (Number(y) < by ? null : b + ((goal - b) * (Number(y) - by)) / (end - by))) });
  }
  const c = await chart(el);
  c.setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: { top: 5 }, grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', scale: true, name: t.unit || '' }, series });
}

// A computed target (or cross-check) whose runs carry a township breakdown — the layer coverages,
// the ecosystem account: the measure (and the cross-check, shown but never rated) as a choropleth
// with a legend, and the same figures as a table. Shown only where there is such a breakdown.
async function drawTownships(id) {
  const box = document.getElementById('by-township');
  const section = document.getElementById('by-township-section');  // taken now: see viewTarget
  if (!box) return;
  let doc;
  try { doc = await api(`/api/targets/${encodeURIComponent(id)}/townships`); } catch (e) {
    section.hidden = false;
    box.innerHTML = html`<div class="error">${esc(e.message)}</div>`;
    return;
  }
  if (!doc.views.length || !box.isConnected) return;  // nothing to show, or the user has moved on
  section.hidden = false;
  const roleName = (v) => (v.role === 'check' ? tx('核验值（不参与评价）') : tx('计量值'));
  const tabs = doc.views.map((v, i) => html`<button type="button" class="view-tab" data-i="${i}" aria-pressed="${i === 0 ? 'true' : 'false'}">${roleName(v)}</button>`).reduce(catHtml, '');
  box.innerHTML = html`${doc.views.length > 1 ? html`<div class="view-tabs" role="group" aria-label="${tx('选择数值')}">${tabs}</div>` : ''}<div id="town-view"></div>`;
  const unit = doc.unit || '';
  const show = async (i) => {
    box.querySelectorAll('.view-tab').forEach((b) => b.setAttribute('aria-pressed', String(Number(b.dataset.i) === i)));
    const v = doc.views[i];
    const towns = [...v.townships].sort((a, b) => Number(b.value) - Number(a.value));
    const rows = towns.map((x) => html`<tr data-code="${esc(x.code)}"><td>${zh(x.name)}</td><td>${esc(x.value)}${esc(unit)}</td><td>${esc(Number(x.covered_km2).toFixed(2))} km²</td><td>${esc(Number(x.whole_km2).toFixed(2))} km²</td></tr>`).reduce(catHtml, '');
    const view = box.querySelector('#town-view');
    view.innerHTML = html`<p>${roleName(v)}${tx('：')}<b>${esc(v.value)}${esc(unit)}</b>（${esc(v.period)}${tx('年')}${tx('；')}${methodLabel(v.method)}${tx('；')}<a class="lineage" href="#/lineage/run:${esc(v.run_id)}">${tx('评估运行 #')}${esc(v.run_id)}</a>）${v.note ? html` <span class="muted">${zh(v.note)}</span>` : ''}</p>
      ${towns.length ? html`<div class="grid2"><div><div id="town-map" class="chart" role="region" aria-label="${tx('分乡镇（街道）分级设色图')}"></div><div class="legend" id="town-legend"></div></div>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${tx('分乡镇（街道）数值表')}"><table><thead><tr><th>${tx('乡镇（街道）')}</th><th>${tx('数值')}</th><th>${tx('计入面积')}</th><th>${tx('统计面积')}</th></tr></thead><tbody>${rows}</tbody></table></div></div>`
        : html`<div class="empty">${tx('无分乡镇（街道）数据（缺少乡镇图层）')}</div>`}`;
    if (!towns.length) return;
    const m = await import('../map.js');
    const values = Object.fromEntries(towns.map((x) => [x.code, Number(x.value)]));
    const breaks = m.classBreaks(Object.values(values));
    const fmt = (n) => String(Math.round(n * 10) / 10);
    if (!view.isConnected) return;  // the user has moved on while the map module loaded
    view.querySelector('#town-legend').innerHTML = breaks.map((b) => html`<span class="key"><i style="background:${b.color}"></i>${fmt(b.from)}–${fmt(b.to)}${esc(unit)}</span>`).reduce(catHtml, '')
      + html`<span class="key"><i style="background:rgba(200,200,200,0.5)"></i>${tx('不适用（无统计对象）')}</span>`;
    m.drawChoropleth(view.querySelector('#town-map'), doc.townships, values, breaks, (code) => {
      view.querySelectorAll('tr.picked').forEach((r) => r.classList.remove('picked'));
      const row = view.querySelector(`tr[data-code="${CSS.escape(code)}"]`);
      if (row) { row.classList.add('picked'); row.scrollIntoView({ block: 'nearest' }); }
    });
  };
  box.querySelectorAll('.view-tab').forEach((b) => b.addEventListener('click', () => show(Number(b.dataset.i))));
  await show(0);
}
