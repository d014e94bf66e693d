// views/overview.js: the overview: every target as a card with its three lens badges, filters.
import { state, deptName, lensBadges, latest, sparkline, loading, loadPlan, loadProgress, allItems, html, esc, catHtml } from '../common.js';

export async function viewOverview(_param, $view) {
  loading('目标');
  const [plan, prog] = await Promise.all([loadPlan(), loadProgress(true)]);
  const actions = plan.actions.map((a) => html`<option value="${esc(a.id)}">${esc(a.name)}</option>`).reduce(catHtml, '');
  const leads = [...new Set(prog.targets.map((t) => t.lead))].map((d) => html`<option value="${esc(d)}">${esc(deptName(d))}</option>`).reduce(catHtml, '');
  const ratings = Object.entries(state.labels.rating).map(([k, v]) => html`<option value="${k}">${v}</option>`).reduce(catHtml, '');
  $view().innerHTML = html`<h1>2027年目标总览 <span class="muted">（截至 ${esc(prog.as_of)}，共 ${prog.targets.length} 项）</span></h1>
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
      return html`<a class="card" data-target="${esc(t.id)}" href="#/target/${esc(t.id)}">
        <div class="name">${esc(t.name)}</div>
        <div class="nums"><span class="value">${v ? esc(v.value) : '—'}</span><span class="goal">目标 ${esc(t.label)}${v ? html` · ${esc(v.year)}年` : ''}</span></div>
        ${sparkline(t.series)}
        <div class="badges">${lensBadges(t)}</div>
        <div class="muted">牵头：${esc(deptName(t.lead))}</div></a>`;
    }).reduce(catHtml, '') : html`<div class="empty">没有符合筛选条件的指标</div>`;
  };
  for (const id of ['f-action', 'f-dept', 'f-status']) document.getElementById(id).addEventListener('change', render);
  document.getElementById('f-text').addEventListener('input', render);
  render();
}
