// app.js: the shanshui dashboard — hash routes, one render function per view, all data from /api/.
// No framework: the county's PCs are slow and the views are tables, cards and two chart kinds.
'use strict';

const state = { me: { role: 'public' }, plan: null, progress: null };
const $view = () => document.getElementById('view');

// ---------- helpers ----------
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const RATING_LABEL = {
  achieved: '已实现', on_schedule: '序时推进', slightly_behind: '略滞后', behind: '滞后', on_track: '按期实现',
  acceleration_needed: '需加快', stagnation_or_regression: '停滞或倒退', not_achieved: '未达标', unable: '无法评价', stale: '数据过期',
};
const LENS_LABEL = { schedule: '序时进度', unsd: '趋势预测', current: '当前达标' };
const STATUS_LABEL = { not_started: '未启动', on_schedule: '按序时推进', lagging: '滞后', overdue: '逾期', done: '已完成', closed: '已销号' };
const ROLE_LABEL = { admin: '管理员', office: '领导小组办公室', department: '部门', township: '乡镇', auditor: '审计', public: '公众' };
const internal = () => ['admin', 'office', 'department', 'township', 'auditor'].includes(state.me.role);
const canAudit = () => ['admin', 'office', 'auditor'].includes(state.me.role);

class ApiError extends Error { constructor(status, message) { super(message); this.status = status; } }

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.method && options.method !== 'GET' && state.me.csrf) headers['X-CSRF-Token'] = state.me.csrf;
  const res = await fetch(path, { ...options, headers, credentials: 'same-origin',
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || `${res.status} ${res.statusText}`);
  return data;
}

function deptName(id) {
  const d = state.plan && state.plan.departments.find((x) => x.id === id);
  return d ? d.name : id;
}
const badge = (cls, text, title = '') => `<span class="badge ${esc(cls)}" title="${esc(title)}">${esc(text)}</span>`;
const lensBadges = (t) => ['schedule', 'unsd', 'current'].map((k) => {
  const l = t.lenses && t.lenses[k];
  if (!l) return '';
  return badge('r-' + l.rating, `${LENS_LABEL[k]}：${RATING_LABEL[l.rating] || l.label}`, l.reason || l.formula);
}).join('');
const latest = (t) => (t.series && t.series.length ? t.series[t.series.length - 1] : null);

function sparkline(series) {
  const pts = (series || []).map((s) => Number(s.value)).filter((v) => Number.isFinite(v));
  if (pts.length < 2) return '<svg class="spark" aria-hidden="true"></svg>';
  const min = Math.min(...pts), max = Math.max(...pts), span = max - min || 1;
  const xy = pts.map((v, i) => `${(i / (pts.length - 1)) * 100},${30 - ((v - min) / span) * 26}`).join(' ');
  return `<svg class="spark" viewBox="0 0 100 34" preserveAspectRatio="none"><polyline fill="none" stroke="#2e7d4f" stroke-width="1.5" points="${xy}"/></svg>`;
}

function showError(e) {
  $view().innerHTML = `<div class="error" role="alert">出错了：${esc(e.message)}${e.status === 401 ? '（请先<a href="#/login">登录</a>）' : ''}</div>`;
}
const loading = (what) => { $view().innerHTML = `<p class="loading">正在加载${esc(what)}…</p>`; };

async function loadPlan() {
  if (!state.plan) state.plan = await api('/api/plan');
  document.getElementById('plan-title').textContent = state.plan.title;
  return state.plan;
}
async function loadProgress(force = false) {
  if (!state.progress || force) state.progress = await api('/api/progress');
  return state.progress;
}
function allItems(plan) {
  const out = [];
  for (const a of plan.actions) for (const t of a.tasks) for (const i of t.items) out.push({ ...i, action: a, task: t });
  return out;
}

// ---------- overview ----------
async function viewOverview() {
  loading('目标');
  const [plan, prog] = await Promise.all([loadPlan(), loadProgress(true)]);
  const actions = plan.actions.map((a) => `<option value="${esc(a.id)}">${esc(a.name)}</option>`).join('');
  const leads = [...new Set(prog.targets.map((t) => t.lead))].map((d) => `<option value="${esc(d)}">${esc(deptName(d))}</option>`).join('');
  const ratings = Object.entries(RATING_LABEL).map(([k, v]) => `<option value="${k}">${v}</option>`).join('');
  $view().innerHTML = `<h1>2027年目标总览 <span class="muted">（截至 ${esc(prog.as_of)}，共 ${prog.targets.length} 项）</span></h1>
    <div class="filters">
      <label>行动 <select id="f-action"><option value="">全部</option>${actions}</select></label>
      <label>牵头部门 <select id="f-dept"><option value="">全部</option>${leads}</select></label>
      <label>序时进度 <select id="f-status"><option value="">全部</option>${ratings}</select></label>
      <input id="f-text" placeholder="搜索指标名称">
      <span id="f-count" class="muted"></span>
    </div>
    <div class="cards" id="cards"></div>`;
  const itemAction = {};
  for (const i of allItems(plan)) itemAction[i.id] = i.action.id;
  const render = () => {
    const fa = document.getElementById('f-action').value, fd = document.getElementById('f-dept').value;
    const fs = document.getElementById('f-status').value, ft = document.getElementById('f-text').value.trim();
    const shown = prog.targets.filter((t) => (!fa || (t.items || []).some((i) => itemAction[i] === fa)) && (!fd || t.lead === fd) &&
      (!fs || Object.values(t.lenses || {}).some((l) => l.rating === fs)) && (!ft || t.name.includes(ft)));
    document.getElementById('f-count').textContent = `显示 ${shown.length} 项`;
    document.getElementById('cards').innerHTML = shown.length ? shown.map((t) => {
      const v = latest(t);
      return `<a class="card" data-target="${esc(t.id)}" href="#/target/${esc(t.id)}">
        <div class="name">${esc(t.name)}</div>
        <div class="nums"><span class="value">${v ? esc(v.value) : '—'}</span><span class="goal">目标 ${esc(t.label)}${v ? ` · ${esc(v.year)}年` : ''}</span></div>
        ${sparkline(t.series)}
        <div class="badges">${lensBadges(t)}</div>
        <div class="muted">牵头：${esc(deptName(t.lead))}</div></a>`;
    }).join('') : '<div class="empty">没有符合筛选条件的指标</div>';
  };
  for (const id of ['f-action', 'f-dept', 'f-status']) document.getElementById(id).addEventListener('change', render);
  document.getElementById('f-text').addEventListener('input', render);
  render();
}

// ---------- target page ----------
async function viewTarget(id) {
  loading('指标');
  const [plan, t] = await Promise.all([loadPlan(), api('/api/targets/' + encodeURIComponent(id))]);
  const lensHtml = ['schedule', 'unsd', 'current'].map((k) => {
    const l = t.lenses[k];
    const inputs = Object.entries(l.inputs || {}).map(([a, b]) => `<code>${esc(a)} = ${esc(b)}</code>`).join(' ');
    return `<div class="lens"><b>${LENS_LABEL[k]}</b> ${badge('r-' + l.rating, RATING_LABEL[l.rating] || l.label)}
      <div>公式：<code>${esc(l.formula)}</code></div><div>代入：${inputs || '—'}</div>
      <div class="muted">判定：${esc(l.thresholds)}${l.reason ? '；' + esc(l.reason) : ''}（方法 ${esc(l.method)}）</div></div>`;
  }).join('');
  // A year-so-far value (live from monitoring) says so; a computed value links to its lineage.
  const rows = (t.series || []).map((s) => `<tr${s.provisional ? ' class="provisional"' : ''}><td>${esc(s.year)}${s.provisional ? '（年内累计，暂定）' : ''}</td>
    <td>${s.provenance.run_id ? `<a class="lineage" href="#/lineage/run:${esc(s.provenance.run_id)}">${esc(s.value)}</a>` : esc(s.value)}</td>
    <td>${esc(s.provenance.kind === 'computed' ? '计算' : '报送')}</td>
    <td>${esc(s.provenance.method)} v${esc(s.provenance.method_version)}</td><td>${esc(s.provenance.run_id ? `评估运行 #${s.provenance.run_id}；${s.provenance.note || ''}` : s.provenance.source)}</td>
    <td>${esc(deptName(s.provenance.reporter))}</td><td>${esc(s.provenance.recorded_at)}</td></tr>`).join('');
  const newest = (t.series || []).at(-1);
  const stale = t.stale ? `<div class="error stale">数据过期：${newest ? `最新数值为 ${esc(newest.year)} 年` : '基期以来尚无数值'}，已超出报送周期，当前状态不作“已实现”判定</div>` : '';
  $view().innerHTML = `<p><a href="#/">← 目标总览</a></p><h1>${esc(t.name)} <span class="muted">${esc(t.label)}</span></h1>
    ${stale}<p class="muted">行动计划原文：“${esc(t.quote)}”（${esc(t.clause)}）· 牵头：${esc(deptName(t.lead))} · 基期 ${esc(t.baseline?.year)} 年 ${esc(t.baseline?.value)}（${esc(t.baseline?.source)}）</p>
    <div class="grid2"><div id="chart" class="chart" role="img" aria-label="指标序列图"></div><div>${lensHtml}</div></div>
    <h2>数值来源（可追溯至监测数据）</h2>
    ${rows ? `<p class="muted">点击计算值可逐级追溯：评估运行 → 站点逐日 → 逐时观测 → 原始报文。</p><table><thead><tr><th>年份</th><th>数值</th><th>类型</th><th>方法</th><th>来源</th><th>报送</th><th>记录时间</th></tr></thead><tbody>${rows}</tbody></table>` : '<div class="empty">尚无数值</div>'}
    <h2>变更历史</h2><div id="history">${canAudit() ? '<p class="loading">加载中…</p>' : '<div class="empty">登录为办公室或审计角色可查看每个数值的变更历史</div>'}</div>`;
  drawTargetChart(t, plan);
  if (canAudit()) {
    try {
      const log = await api('/api/audit?object=' + encodeURIComponent(t.indicator));
      // A value is never overwritten: a later entry on the same indicator@period supersedes the
      // earlier one, so each row shows old → new.
      const last = {};
      const rowsHtml = log.map((e) => {
        const value = e.action === 'measurement.add' ? e.detail.split(' ')[0] : null;
        const change = value == null ? '' : last[e.object] != null ? `${esc(last[e.object])} → ${esc(value)}` : `（首次）→ ${esc(value)}`;
        if (value != null) last[e.object] = value;
        return `<tr><td>${e.id}</td><td>${esc(e.at)}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td>${esc(e.object)}</td><td>${change}</td><td>${esc(e.detail)}</td></tr>`;
      }).join('');
      document.getElementById('history').innerHTML = log.length ? `<table><thead><tr><th>#</th><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>旧值 → 新值</th><th>内容与依据</th></tr></thead><tbody>${rowsHtml}</tbody></table>` : '<div class="empty">无变更记录</div>';
    } catch (e) { document.getElementById('history').innerHTML = `<div class="error">${esc(e.message)}</div>`; }
  }
}

function drawTargetChart(t, plan) {
  const el = document.getElementById('chart');
  if (!window.echarts) { el.innerHTML = '<div class="empty">图表库未加载</div>'; return; }
  const [start, end] = plan.period;
  const years = []; for (let y = Math.min(t.baseline?.year ?? start, start); y <= end; y++) years.push(String(y));
  const byYear = Object.fromEntries((t.series || []).map((s) => [String(s.year), Number(s.value)]));
  const series = [{ name: '实际值', type: 'line', data: years.map((y) => byYear[y] ?? null), connectNulls: true, symbolSize: 7 }];
  const goal = Number(t.lenses?.schedule?.inputs?.v_T ?? NaN);
  if (Number.isFinite(goal)) series.push({ name: '目标值', type: 'line', data: years.map(() => goal), lineStyle: { type: 'dashed' }, symbol: 'none' });
  const b = t.baseline && Number(t.baseline.value);
  if (Number.isFinite(goal) && Number.isFinite(b) && t.baseline.year) {
    const by = Number(t.baseline.year);
    series.push({ name: '序时进度线', type: 'line', symbol: 'none', lineStyle: { type: 'dotted' },
      data: years.map((y) => (Number(y) < by ? null : b + ((goal - b) * (Number(y) - by)) / (end - by))) });
  }
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: { top: 5 }, grid: { left: 50, right: 20, top: 40, bottom: 30 },
    xAxis: { type: 'category', data: years }, yAxis: { type: 'value', scale: true }, series });
}

// ---------- task board ----------
async function viewTasks() {
  loading('任务台账');
  const plan = await loadPlan();
  let byId = {};
  if (internal()) { const prog = await loadProgress(true); byId = Object.fromEntries(prog.items.map((i) => [i.id, i])); }
  let html = `<h1>任务台账（5大行动 → 20项重点任务 → 工作事项）</h1>
    ${internal() ? '<p><a href="/api/export/xlsx">⬇ 导出打表推进表（xlsx）</a></p>' : ''}
    ${internal() ? '' : '<p class="muted">公众可查看任务分工；进度与报送仅对登录用户开放。</p>'}
    <table><thead><tr><th>编号</th><th>工作事项</th><th>牵头</th><th>责任</th><th>状态</th><th>完成</th><th>最新报送与佐证</th></tr></thead><tbody>`;
  for (const a of plan.actions) {
    html += `<tr class="action"><td colspan="7">${esc(a.name)}</td></tr>`;
    for (const t of a.tasks) {
      html += `<tr class="task"><td>${esc(t.id)}</td><td colspan="6">${esc(t.name)}</td></tr>`;
      for (const i of t.items) {
        const s = byId[i.id];
        const r = s && s.latest_report;
        html += `<tr data-item="${esc(i.id)}"><td>${esc(i.id)}</td><td>${esc(i.text)}${i.due ? `<div class="muted">完成时限 ${esc(i.due)}</div>` : ''}</td>
          <td>${i.lead.map(deptName).map(esc).join('、')}</td><td>${i.responsible.map(deptName).map(esc).join('、')}</td>
          <td>${s ? badge('s-' + s.status, STATUS_LABEL[s.status] || s.status_label, s.reason) : '—'}</td>
          <td>${s ? `<div class="bar" title="${s.percent}%"><i style="width:${Math.min(100, s.percent)}%"></i></div>${esc(s.percent)}%` : '—'}</td>
          <td>${r ? `${esc(r.period)}：${esc(r.narrative)}${r.evidence ? `<div class="muted">佐证：${esc(r.evidence)}</div>` : ''}` : (s ? '<span class="muted">未报送</span>' : '—')}</td></tr>`;
      }
    }
  }
  $view().innerHTML = html + '</tbody></table>';
}

// ---------- department view ----------
async function viewDept(param) {
  if (!internal()) throw new ApiError(401, '部门工作台需要登录');
  loading('部门工作台');
  const [plan, prog] = await Promise.all([loadPlan(), loadProgress(true)]);
  const dept = param || state.me.department || '';
  const deptOptions = plan.departments.map((d) => `<option value="${esc(d.id)}" ${d.id === dept ? 'selected' : ''}>${esc(d.name)}</option>`).join('');
  const items = allItems(plan).filter((i) => !dept || i.lead.includes(dept) || i.responsible.includes(dept));
  const status = Object.fromEntries(prog.items.map((i) => [i.id, i]));
  const mine = items.map((i) => ({ ...i, s: status[i.id] }));
  const overdue = mine.filter((i) => i.s && (i.s.status === 'overdue' || i.s.status === 'lagging'));
  const canReport = state.me.role === 'admin' || ((state.me.role === 'department' || state.me.role === 'township') && state.me.department === dept);
  const row = (i) => `<tr data-item="${esc(i.id)}"><td>${esc(i.id)}</td><td>${esc(i.text)}</td><td>${i.lead.includes(dept) ? '牵头' : '责任'}</td>
    <td>${i.s ? badge('s-' + i.s.status, STATUS_LABEL[i.s.status], i.s.reason) : '—'}</td><td>${i.s ? esc(i.s.percent) + '%' : '—'}</td>
    <td>${i.s && i.s.latest_report ? esc(i.s.latest_report.period) : '<span class="muted">未报送</span>'}</td></tr>`;
  const table = (list) => list.length ? `<table><thead><tr><th>编号</th><th>工作事项</th><th>角色</th><th>状态</th><th>完成</th><th>最新报送</th></tr></thead><tbody>${list.map(row).join('')}</tbody></table>` : '<div class="empty">无</div>';
  $view().innerHTML = `<h1>部门工作台：${esc(deptName(dept) || '请选择部门')}</h1>
    ${state.me.role === 'department' || state.me.role === 'township' ? '' : `<div class="filters"><label>部门 <select id="dept-pick">${deptOptions}</select></label></div>`}
    <h2>进度报送</h2>
    ${canReport && mine.length ? `<form class="stack" id="report-form">
      <label>工作事项 <select name="item" required>${mine.map((i) => `<option value="${esc(i.id)}">${esc(i.id)} ${esc(i.text.slice(0, 40))}</option>`).join('')}</select></label>
      <label>报送期 <input name="period" required placeholder="如 2026-Q4" value="${esc(currentQuarter())}"></label>
      <label>状态 <select name="status"><option value="in_progress">推进中</option><option value="done">已完成</option><option value="not_started">未启动</option></select></label>
      <label>完成百分比 <input name="percent" type="number" min="0" max="100" step="1" required></label>
      <label>进展说明 <textarea name="narrative" rows="3" required></textarea></label>
      <label>佐证材料（文号、文件或链接） <input name="evidence"></label>
      <button type="submit">提交报送</button> <span id="report-result" role="status"></span></form>`
      : `<div class="empty">${canReport ? '本部门没有可报送的事项' : '只有本部门用户可以报送本部门承担的事项'}</div>`}
    <h2>逾期或滞后（${overdue.length}）</h2>${table(overdue)}
    <h2>本部门承担的工作事项（${mine.length}）</h2>${table(mine)}`;
  if (canReport) for (const tr of document.querySelectorAll('#view tr[data-item]')) {
    tr.style.cursor = 'pointer'; tr.title = '点击填报此事项';
    tr.addEventListener('click', () => { const sel = document.querySelector('select[name=item]'); sel.value = tr.dataset.item; sel.focus(); window.scrollTo(0, 0); });
  }
  const pick = document.getElementById('dept-pick');
  if (pick) pick.addEventListener('change', () => { location.hash = '#/dept/' + pick.value; });
  const form = document.getElementById('report-form');
  if (form) form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form).entries());
    const out = document.getElementById('report-result');
    out.className = 'loading'; out.textContent = '提交中';
    try {
      await api('/api/reports', { method: 'POST', body: { ...f, percent: Number(f.percent) } });
      await viewDept(dept);
      const msg = document.getElementById('report-result');
      msg.className = 'ok'; msg.textContent = `已提交 ${f.item} 的报送`;
    } catch (e) { out.className = 'error'; out.textContent = e.message; }
  });
}
function currentQuarter() {
  const d = new Date(Date.now() + 8 * 3600e3);
  return `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;
}

// ---------- supervision & scorecard ----------
const KIND_LABEL = { overdue_item: '逾期', lagging_item: '滞后', missing_report: '未按期报送', lagging_target: '指标滞后' };
async function viewSupervision() {
  loading('督办清单');
  await loadPlan();
  const list = await api('/api/supervision');
  $view().innerHTML = `<h1>调度督办清单 <span class="muted">（${list.length} 条）</span></h1>
    <p><a href="/api/export/xlsx" id="export-xlsx">⬇ 导出打表推进表（xlsx）</a> · <a href="/api/export/csv">CSV</a> · <a href="/api/export/json">JSON</a></p>
    ${list.length ? `<table><thead><tr><th>部门</th><th>类型</th><th>对象</th><th>事由</th></tr></thead><tbody>${list.map((e) =>
      `<tr><td>${esc(e.department_name)}</td><td>${badge(e.kind === 'overdue_item' ? 's-overdue' : 's-lagging', KIND_LABEL[e.kind] || e.kind)}</td><td>${esc(e.ref)}</td><td>${esc(e.message)}</td></tr>`).join('')}</tbody></table>` : '<div class="empty">当前没有需要督办的事项</div>'}`;
}
async function viewScorecard() {
  loading('赛马比拼');
  const sc = await api('/api/scorecard');
  const comps = Object.keys(sc.weights || {});
  $view().innerHTML = `<h1>部门赛马比拼</h1><p class="muted">方法 ${esc(sc.method)}：${esc(sc.formula)}；权重 ${comps.map((c) => `${esc(c)} ${esc(sc.weights[c])}`).join('，')}</p>
    ${sc.departments.length ? `<table><thead><tr><th>排名</th><th>部门</th><th>得分</th>${comps.map((c) => `<th>${esc(c)}</th>`).join('')}<th>牵头事项</th><th>配合事项</th><th>牵头指标</th></tr></thead><tbody>${
      sc.departments.map((d) => `<tr><td>${d.rank}</td><td>${esc(d.name)}</td><td>${Number(d.score).toFixed(1)}</td>${comps.map((c) =>
        `<td>${d.components && d.components[c] != null && (!d.applicable || d.applicable[c] !== false) ? (100 * d.components[c]).toFixed(0) + '%' : '—'}</td>`).join('')}<td>${d.items_led}</td><td>${d.items_shared ?? 0}</td><td>${d.targets_led}</td></tr>`).join('')}</tbody></table>` : '<div class="empty">暂无评分</div>'}`;
}

// ---------- monitoring ----------
const KIND_CN = { air: '空气', water: '水质', noise: '噪声', pollution_source: '污染源' };
async function viewMonitoring() {
  loading('监测站点');
  const [stations, alarms] = await Promise.all([api('/api/stations'), api('/api/alarms').catch(() => [])]);
  $view().innerHTML = `<h1>监测网络 <span class="muted">（${stations.length} 个站点）</span></h1>
    <div class="grid2"><div id="map" role="img" aria-label="站点分布图"></div>
    <div><h2 style="margin-top:0">站点</h2>${stations.length ? `<table><thead><tr><th>MN</th><th>名称</th><th>类型</th><th>乡镇/河流</th></tr></thead><tbody>${
      stations.map((s) => `<tr><td><a href="#/station/${esc(s.mn)}">${esc(s.mn)}</a></td><td>${esc(s.name)}</td><td>${esc(KIND_CN[s.kind] || s.kind)}</td><td>${esc(s.township)} ${esc(s.river)}</td></tr>`).join('')}</tbody></table>`
      : '<div class="empty">尚未登记站点（shanshui station add）</div>'}</div></div>
    <h2>空气质量日历（AQI，按 HJ 633 依日期选用 2012 或 2026 版）</h2>
    ${stations.some((s) => s.kind === 'air') ? `<div class="filters"><label>站点 <select id="aqi-station">${stations.filter((s) => s.kind === 'air').map((s) =>
      `<option value="${esc(s.mn)}">${esc(s.name)}</option>`).join('')}</select></label>
      <label>年份 <select id="aqi-year">${[0, 1, 2].map((k) => new Date().getFullYear() - k).map((y) => `<option>${y}</option>`).join('')}</select></label>
      <span id="aqi-summary" class="muted"></span></div><div id="aqi-calendar" class="chart" style="height:220px"></div>` : '<div class="empty">没有空气站</div>'}
    <h2>水质断面类别（GB 3838—2002，月均值单因子评价）</h2>
    <div class="filters"><label>月份（水质、噪声） <input id="water-month" type="month" value="${esc(lastMonth())}"></label><span class="muted">目标：长江干流及主要支流 II 类</span></div>
    <div id="water-table"><p class="loading">加载中…</p></div>
    <h2>声环境功能区（GB 3096—2008，昼间 Ld / 夜间 Ln）</h2>
    <div id="noise-table"><p class="loading">加载中…</p></div>
    <h2>报警（${alarms.length}）</h2>${alarms.length ? `<table><thead><tr><th>站点</th><th>类型</th><th>时间</th><th>说明</th></tr></thead><tbody>${
      alarms.slice(0, 200).map((a) => `<tr><td>${esc(a.mn)}</td><td>${esc({ over_standard: '超标', silent: '断线', maintenance: '长时间维护' }[a.kind] || a.kind)}</td><td>${esc(a.time || '—')}</td><td>${esc(alarmText(a.detail))}</td></tr>`).join('')}</tbody></table>` : '<div class="empty">当前无报警</div>'}`;
  drawStationMap(stations);
  const month = document.getElementById('water-month');
  month.addEventListener('change', () => { drawWaterTable(month.value); drawNoiseTable(month.value); });
  drawWaterTable(month.value);
  drawNoiseTable(month.value);
  const pickStation = document.getElementById('aqi-station');
  if (pickStation) {
    const draw = () => drawAqiCalendar(pickStation.value, document.getElementById('aqi-year').value);
    pickStation.addEventListener('change', draw);
    document.getElementById('aqi-year').addEventListener('change', draw);
    draw();
  }
}

function lastMonth() {
  const d = new Date(Date.now() + 8 * 3600e3);
  d.setUTCDate(0);  // the last day of the previous month
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
const WATER_COLORS = { I: '#4fc3f7', II: '#1e88e5', III: '#43a047', IV: '#fdd835', V: '#fb8c00', '劣V': '#e53935' };
async function drawWaterTable(month) {
  const el = document.getElementById('water-table');
  el.innerHTML = '<p class="loading">计算中…</p>';
  try {
    const d = await api('/api/water/sections?month=' + encodeURIComponent(month));
    const rows = d.sections.slice().sort((a, b) => (a.river + a.lon).localeCompare(b.river + b.lon));
    el.innerHTML = rows.length ? `<table><thead><tr><th>河流</th><th>断面</th><th>类别</th><th>达标</th><th>月均值（mg/L）</th><th>小时数据</th><th>说明</th></tr></thead><tbody>${rows.map((r) =>
      `<tr><td>${esc(r.river)}</td><td>${esc(r.name)}</td><td>${r.class ? `<span class="badge" style="background:${WATER_COLORS[r.class] || '#888'}">${esc(r.class)}类</span>` : '<span class="muted">无数据</span>'}</td>
       <td>${r.meets_target == null ? '—' : r.meets_target ? '达标' : '<b style="color:var(--red)">未达标</b>'}</td>
       <td>${Object.entries(r.means).map(([k, v]) => `${esc(k)} ${esc(v)}`).join('，')}</td><td>${r.values}</td><td class="muted">${esc(r.explanation)}</td></tr>`).join('')}</tbody></table>
       <p class="muted">${esc(d.method)}</p>` : '<div class="empty">没有水质站</div>';
  } catch (e) { el.innerHTML = `<div class="error">${esc(e.message)}</div>`; }
}

async function drawNoiseTable(month) {
  const el = document.getElementById('noise-table');
  el.innerHTML = '<p class="loading">计算中…</p>';
  const cell = (level, limit, n, ok) => level == null ? '<span class="muted">无数据</span>'
    : `${esc(level)} dB(A)${limit != null && Number(level) > limit ? ' <b style="color:var(--red)">超标</b>' : ''}<div class="muted">${ok}/${n} 天达标</div>`;
  try {
    const d = await api('/api/noise/zones?month=' + encodeURIComponent(month));
    el.innerHTML = d.points.length ? `<table><thead><tr><th>监测点</th><th>功能区</th><th>昼间（限值）</th><th>昼间月均</th><th>夜间（限值）</th><th>夜间月均</th></tr></thead><tbody>${d.points.map((p) =>
      `<tr><td>${esc(p.name)}</td><td>${p.zone ? esc(p.zone) + ' 类' : '<span class="muted">未登记</span>'}</td><td>${p.day_limit ?? '—'}</td>
       <td>${cell(p.day_level, p.day_limit, p.days, p.days_within_limit)}</td><td>${p.night_limit ?? '—'}</td>
       <td>${cell(p.night_level, p.night_limit, p.nights, p.nights_within_limit)}</td></tr>`).join('')}</tbody></table>
       <p class="muted">${esc(d.method)}</p>` : '<div class="empty">没有噪声监测点</div>';
  } catch (e) { el.innerHTML = `<div class="error">${esc(e.message)}</div>`; }
}

// HJ 633 Table 2 levels and colours (一级 green … 六级 maroon).
const AQI_LEVELS = [[0, 50, '#00e400', '优'], [51, 100, '#ffff00', '良'], [101, 150, '#ff7e00', '轻度污染'],
  [151, 200, '#ff0000', '中度污染'], [201, 300, '#99004c', '重度污染'], [301, 9999, '#7e0023', '严重污染']];
let aqiCalendarRequest = 0;
async function drawAqiCalendar(mn, year) {
  const el = document.getElementById('aqi-calendar');
  const summary = document.getElementById('aqi-summary');
  // A chart drawn before is disposed (a second init on the same element would draw nowhere), and a
  // slower answer for an earlier choice never overwrites a newer one.
  if (window.echarts) echarts.getInstanceByDom(el)?.dispose();
  const request = ++aqiCalendarRequest;
  el.innerHTML = '<p class="loading">计算中…</p>';
  try {
    const d = await api(`/api/air/daily?mn=${encodeURIComponent(mn)}&year=${year}`);
    if (request !== aqiCalendarRequest) return;
    const valid = d.days.filter((x) => x.valid && x.aqi != null);
    const good = valid.filter((x) => x.aqi <= 100).length;
    summary.textContent = valid.length ? `有效天数 ${valid.length}，优良 ${good} 天（${(100 * good / valid.length).toFixed(1)}%）；由 ${d.hours_used} 条小时数据计算` : '';
    if (!valid.length) { el.innerHTML = '<div class="empty">该年没有有效日数据</div>'; return; }
    el.innerHTML = '';
    echarts.init(el, null, { renderer: 'svg' }).setOption({
      animation: false,
      tooltip: { formatter: (p) => `${p.value[0]}：AQI ${p.value[1]}` },
      visualMap: { type: 'piecewise', orient: 'horizontal', left: 'center', bottom: 0,
        pieces: AQI_LEVELS.map(([min, max, color, label]) => ({ min, max, color, label })) },
      calendar: { range: String(year), top: 30, left: 40, right: 20, cellSize: ['auto', 15], dayLabel: { nameMap: 'ZH' }, monthLabel: { nameMap: 'ZH' }, yearLabel: { show: false } },
      series: [{ type: 'heatmap', coordinateSystem: 'calendar', data: valid.map((x) => [x.date, x.aqi]) }],
    });
  } catch (e) { el.innerHTML = `<div class="error">${esc(e.message)}</div>`; }
}
// The server words alarms in English (for logs and scripts); the dashboard says them in Chinese.
function alarmText(detail) {
  return detail
    .replace(/^no data ever received$/, '从未收到数据')
    .replace(/^no data since (\S+)(?: \(limit (\d+) h\))?$/, (m, t, h) => `自 ${t} 起无数据${h ? `（超过 ${h} 小时）` : ''}`)
    .replace(/ above /, ' 超过 ').replace(/ is class /, ' 为 ');
}
function drawStationMap(stations) {
  const el = document.getElementById('map');
  const located = stations.filter((s) => s.lon != null && s.lat != null);
  if (!window.ol || !located.length) { el.innerHTML = `<div class="empty">${located.length ? '地图库未加载' : '站点无坐标'}</div>`; return; }
  const colors = { air: '#2b6cb0', water: '#0f9d9a', noise: '#b7791f' };
  const features = located.map((s) => {
    const f = new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat([s.lon, s.lat])), station: s });
    f.setStyle(new ol.style.Style({ image: new ol.style.Circle({ radius: 6, fill: new ol.style.Fill({ color: colors[s.kind] || '#555' }), stroke: new ol.style.Stroke({ color: '#fff', width: 1.5 }) }),
      text: new ol.style.Text({ text: s.name, offsetY: -12, font: '12px sans-serif', fill: new ol.style.Fill({ color: '#1f2a30' }) }) }));
    return f;
  });
  const source = new ol.source.Vector({ features });
  // Local vector layers only: no internet tiles on a county network. The basemap (county outline,
  // rivers, township seats) is a demo approximation from docs/reference/wushan.md, served with the dashboard.
  const basemap = new ol.source.Vector({ url: '/data/wushan.geojson', format: new ol.format.GeoJSON({ featureProjection: 'EPSG:3857' }) });
  const baseStyle = (f) => {
    const layer = f.get('layer');
    if (layer === 'county') return new ol.style.Style({ fill: new ol.style.Fill({ color: 'rgba(120,170,120,0.12)' }), stroke: new ol.style.Stroke({ color: '#6b8f71', width: 1.5 }) });
    if (layer === 'river') return new ol.style.Style({ stroke: new ol.style.Stroke({ color: '#5aa9e6', width: f.get('main') ? 4 : 2 }),
      text: new ol.style.Text({ text: f.get('name'), placement: 'line', font: '11px sans-serif', fill: new ol.style.Fill({ color: '#1f5f8b' }) }) });
    return new ol.style.Style({ image: new ol.style.Circle({ radius: 2.5, fill: new ol.style.Fill({ color: '#8a969c' }) }),
      text: new ol.style.Text({ text: f.get('name'), offsetY: 10, font: '10px sans-serif', fill: new ol.style.Fill({ color: '#5b6b73' }) }) });
  };
  const map = new ol.Map({ target: el, layers: [new ol.layer.Vector({ source: basemap, style: baseStyle }), new ol.layer.Vector({ source })],
    view: new ol.View({ center: ol.proj.fromLonLat([109.88, 31.12]), zoom: 9 }) });
  basemap.once('featuresloadend', () => map.getView().fit(basemap.getExtent(), { padding: [10, 10, 10, 10] }));
  map.on('click', (ev) => map.forEachFeatureAtPixel(ev.pixel, (f) => { location.hash = '#/station/' + f.get('station').mn; return true; }));
}
async function viewStation(mn) {
  loading('站点数据');
  const obs = await api(`/api/stations/${encodeURIComponent(mn)}/observations?limit=2000`);
  const factors = [...new Set(obs.map((o) => o.factor))];
  $view().innerHTML = `<p><a href="#/monitoring">← 监测网络</a></p><h1>站点 ${esc(mn)}</h1>
    ${obs.length ? `<div id="chart" class="chart"></div><p class="muted">最近 ${obs.length} 条观测；因子 ${factors.map(esc).join('、')}</p>` : '<div class="empty">该站点暂无数据</div>'}`;
  if (!obs.length || !window.echarts) return;
  const series = factors.map((f) => ({ name: f, type: 'line', showSymbol: false,
    data: obs.filter((o) => o.factor === f && Number.isFinite(Number(o.value))).map((o) => [o.time, Number(o.value)]) }));
  echarts.init(document.getElementById('chart'), null, { renderer: 'svg' }).setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: {},
    xAxis: { type: 'time' }, yAxis: { type: 'value', scale: true }, dataZoom: [{ type: 'inside' }, {}], series });
}

// ---------- audit ----------
async function viewAudit() {
  loading('审计日志');
  const [log, check] = await Promise.all([api('/api/audit'), api('/api/audit/verify')]);
  const recent = log.slice(-300).reverse();
  $view().innerHTML = `<h1>审计日志 <span class="muted">（${log.length} 条，显示最近 ${recent.length} 条）</span></h1>
    <div class="${check.intact ? 'ok' : 'error'}">${check.intact ? `哈希链完整：${check.entries} 条记录逐条校验通过` : `哈希链在第 ${check.broken_at} 条断裂：${esc(check.reason)}`}</div>
    <table><thead><tr><th>#</th><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>内容</th></tr></thead><tbody>${
      recent.map((e) => `<tr><td>${e.id}</td><td>${esc(e.at)}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td>${esc(e.object)}</td><td>${esc(e.detail)}</td></tr>`).join('')}</tbody></table>`;
}

// ---------- login ----------
function viewLogin() {
  $view().innerHTML = `<h1>登录</h1><form class="stack" id="login-form">
    <label>用户名 <input name="username" autocomplete="username" required></label>
    <label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">登录</button> <span id="login-result" role="status"></span></form>
    <p class="muted">公众无需登录即可查看公开指标。</p>`;
  // The login outcomes in Chinese (the server's throttling and limits: docs/security.md).
  const loginFailure = (e) => {
    const wait = (e.message.match(/(\d+) s/) || [])[1];
    if (e.status === 401) return '用户名或密码错误。';
    if (e.status === 429) return `登录失败次数过多，请 ${wait || '稍'} 秒后再试（不会锁定账号）。`;
    if (e.status === 503) return '同时登录的人较多，请 1 秒后再试。';
    if (e.status === 400) return '用户名（1–64 字节）或密码（最多 256 字节）格式不正确。';
    return `登录失败：${e.message}`;
  };
  document.getElementById('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target).entries());
    const out = document.getElementById('login-result');
    try {
      await api('/api/login', { method: 'POST', body: f });
      await refreshMe();
      location.hash = state.me.role === 'department' || state.me.role === 'township' ? '#/dept' : '#/';
    } catch (e) { out.className = 'error'; out.textContent = loginFailure(e); }
  });
}

async function refreshMe() {
  state.me = await api('/api/me').catch(() => ({ role: 'public' }));
  state.progress = null;
  document.getElementById('who').textContent = state.me.user ? `${state.me.user}（${ROLE_LABEL[state.me.role] || state.me.role}${state.me.department ? ' · ' + deptName(state.me.department) : ''}）` : '公众';
  document.getElementById('login-link').hidden = !!state.me.user;
  document.getElementById('logout').hidden = !state.me.user;
  for (const a of document.querySelectorAll('nav a[data-need]')) {
    a.hidden = (a.dataset.need === 'internal' && !internal()) || (a.dataset.need === 'audit' && !canAudit());
  }
}

// ---------- lineage: a computed value down to its frames ----------
const FACTOR_LABEL = { a21026: 'SO₂', a21004: 'NO₂', a34002: 'PM₁₀', a21005: 'CO', a05024: 'O₃', a34004: 'PM₂.₅',
  a01001: '气温', a01002: '湿度', a01006: '气压', a01007: '风速', a01008: '风向' };
const factorLabel = (f) => FACTOR_LABEL[f] ? `${FACTOR_LABEL[f]}（${f}）` : f;
const unitLabel = (u) => ({ 'ug/m3': 'μg/m³', 'mg/m3': 'mg/m³' }[u] || u);
async function viewLineage(param) {
  loading('数据溯源');
  const [kind, id, mn, day] = String(param || '').split(':');
  const crumbs = [`<a href="#/lineage/run:${esc(id)}">评估运行 #${esc(id)}</a>`];
  if (kind === 'frame') {
    const f = await api('/api/lineage/frames/' + encodeURIComponent(id));
    $view().innerHTML = `<h1>原始报文 #${esc(f.id)}</h1>
      <table class="kv"><tbody><tr><th>站点（MN）</th><td>${esc(f.mn)}</td></tr><tr><th>命令（CN）</th><td>${esc(f.cn)}</td></tr>
      <tr><th>接收时间</th><td>${esc(f.received_at)}</td></tr><tr><th>来源地址</th><td>${esc(f.peer === '(internal)' ? '（登录后可见）' : f.peer)}</td></tr>
      <tr><th>CRC 校验</th><td>${f.crc ? `${esc(f.crc_mode)} 方式：报文 ${esc(f.crc.carried)}，计算 ${esc(f.crc.computed)}，${f.crc.ok ? '一致' : '不一致'}` : '文件导入行，无 CRC'}</td></tr>
      <tr><th>SHA-256</th><td><code>${esc(f.sha256)}</code>（重新计算${f.sha256 === f.sha256_recomputed ? '一致' : '不一致'}）</td></tr>
      <tr><th>长度</th><td>${esc(f.length)} 字节</td></tr></tbody></table>
      <h2>报文字节${f.bytes_masked ? '（访问密码已遮盖，登录后可见原文）' : ''}</h2><pre class="frame">${esc(f.bytes)}</pre>`;
    return;
  }
  const run = await api('/api/lineage/runs/' + encodeURIComponent(id));
  const d = run.detail || {};
  const [valid, elapsed] = String(run.completeness).split('/');
  const head = `<p><a href="#/">← 目标总览</a> · ${crumbs.join(' → ')}${mn ? ` → <a href="#/lineage/run:${esc(id)}:${esc(mn)}">${esc(mn)} 逐日</a>` : ''}${day ? ` → ${esc(day)} 逐时` : ''}</p>`;
  if (mn && day) {
    const h = await api(`/api/lineage/runs/${encodeURIComponent(id)}/hours?station=${encodeURIComponent(mn)}&day=${encodeURIComponent(day)}`);
    const rows = h.observations.map((o) => `<tr><td>${esc(o.time.slice(11, 16))}</td><td>${esc(factorLabel(o.factor))}</td><td>${esc(o.value)} ${esc(unitLabel(o.unit))}</td>
      <td>${esc(o.flag || '—')}</td><td>${esc(o.invalid || '')}</td><td>${o.raw_id ? `<a class="frame-link" href="#/lineage/frame:${esc(o.raw_id)}">报文 #${esc(o.raw_id)}</a>` : '—'}</td></tr>`).join('');
    $view().innerHTML = `${head}<h1>${esc(mn)} ${esc(day)} 逐时观测</h1><p class="muted">共 ${h.observations.length} 条；当日数据摘要 SHA-256 <code>${esc(h.digest)}</code></p>
      <table><thead><tr><th>时段</th><th>因子</th><th>数值</th><th>数据标记</th><th>无效原因</th><th>原始报文</th></tr></thead><tbody>${rows}</tbody></table>`;
    return;
  }
  if (mn) {
    const r = await api(`/api/lineage/runs/${encodeURIComponent(id)}/days?station=${encodeURIComponent(mn)}`);
    const rows = r.days.map((x) => `<tr><td><a class="day-link" href="#/lineage/run:${esc(id)}:${esc(mn)}:${esc(x.day)}">${esc(x.day)}</a></td>
      <td>${x.daily?.aqi ?? '—'}</td><td>${x.daily ? (x.daily.valid ? '有效' : '无效') : '无数据'}</td><td>${x.daily?.items?.pm25 ?? '—'} μg/m³</td>
      <td>${esc(x.observations)} 条</td><td>${esc(x.excluded.map((e) => e.reason).join('；'))}</td></tr>`).join('');
    $view().innerHTML = `${head}<h1>${esc(mn)} 逐日数据（评估运行 #${esc(id)}）</h1>
      <table><thead><tr><th>日期</th><th>日 AQI</th><th>有效性</th><th>PM₂.₅ 日均</th><th>观测数</th><th>剔除说明</th></tr></thead><tbody>${rows}</tbody></table>`;
    return;
  }
  const stations = (d.stations || []).map((s) => `<tr><td><a class="station-link" href="#/lineage/run:${esc(id)}:${esc(s.mn)}">${esc(s.mn)}</a></td>
    <td>${esc(s.days)} 天</td><td>${esc(s.valid_days)} 天</td></tr>`).join('');
  const excluded = (d.excluded || []).slice(0, 50).map((e) => `<li>${esc(e.station)} ${esc(e.when)}：${esc(e.reason)}</li>`).join('');
  $view().innerHTML = `${head}<h1>评估运行 #${esc(run.id)}：${esc(run.period)}</h1>
    <table class="kv"><tbody><tr><th>方法与版本</th><td>${esc(run.method)} · ${esc(run.method_version)}</td></tr>
    <tr><th>适用规则</th><td>${esc(run.rules)}（按日期分别适用 HJ 633—2012 / HJ 633—2026）</td></tr>
    <tr><th>计算结果</th><td>${esc(run.value)}</td></tr>
    <tr><th>数据完整性</th><td>截至 ${esc(d.through)}：有效天数 ${esc(valid)} 天 / 已过 ${esc(elapsed)} 天</td></tr>
    <tr><th>输入数据</th><td>观测 ${esc(d.observations)} 条（编号 ≤ ${esc(d.observations_through_id)}）；SHA-256 <code>${esc(run.input_sha256)}</code></td></tr>
    <tr><th>计算时间</th><td>${esc(run.computed_at)}</td></tr></tbody></table>
    <h2>参与评估的站点</h2><table><thead><tr><th>站点</th><th>有数据天数</th><th>有效天数</th></tr></thead><tbody>${stations}</tbody></table>
    <h2>剔除的时段与日（共 ${esc(d.excluded_total ?? 0)} 条）</h2>${excluded ? `<ul>${excluded}</ul>` : '<div class="empty">无</div>'}`;
}

// ---------- router ----------
const routes = { '': viewOverview, target: viewTarget, tasks: viewTasks, dept: viewDept, supervision: viewSupervision,
  scorecard: viewScorecard, monitoring: viewMonitoring, station: viewStation, audit: viewAudit, login: viewLogin,
  lineage: viewLineage };
async function route() {
  const [, name = '', param] = location.hash.replace(/^#/, '').split('/');
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + name);
  const view = routes[name];
  if (!view) { $view().innerHTML = '<div class="empty">页面不存在</div>'; return; }
  try { await view(param && decodeURIComponent(param)); } catch (e) { showError(e); }
}
document.getElementById('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST', body: {} }).catch(() => {});
  await refreshMe();
  location.hash = '#/';
  route();
});
window.addEventListener('hashchange', route);
(async () => {
  await loadPlan().catch(() => {});
  await refreshMe();
  await route();
  document.body.dataset.ready = '1';
})();
