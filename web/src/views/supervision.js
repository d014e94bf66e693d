// views/supervision.js: 督办 and 赛马比拼: the supervision list and the department scorecard.
import { label, api, badge, loading, loadPlan, html, esc, catHtml } from '../common.js';

export async function viewSupervision(_param, $view) {
  loading('督办清单');
  await loadPlan();
  const list = await api('/api/supervision');
  $view().innerHTML = html`<h1>调度督办清单 <span class="muted">（${list.length} 条）</span></h1>
    <p><a href="/api/export/xlsx" id="export-xlsx">⬇ 导出打表推进表（xlsx）</a> · <a href="/api/export/csv">CSV</a> · <a href="/api/export/json">JSON</a></p>
    ${list.length ? html`<table><thead><tr><th>部门</th><th>类型</th><th>对象</th><th>事由</th></tr></thead><tbody>${list.map((e) =>
      html`<tr><td>${esc(e.department_name)}</td><td>${badge(e.kind === 'overdue_item' ? 's-overdue' : 's-lagging', label('supervision_kind', e.kind) || e.kind)}</td><td>${esc(e.ref)}</td><td>${esc(e.message)}</td></tr>`).reduce(catHtml, '')}</tbody></table>` : html`<div class="empty">当前没有需要督办的事项</div>`}`;
}
export async function viewScorecard(_param, $view) {
  loading('赛马比拼');
  const sc = await api('/api/scorecard');
  const comps = Object.keys(sc.weights || {});
  $view().innerHTML = html`<h1>部门赛马比拼</h1><p class="muted">方法 ${esc(sc.method)}：${esc(sc.formula)}；权重 ${comps.map((c) => html`${esc(c)} ${esc(sc.weights[c])}`).join('，')}</p>
    ${sc.departments.length ? html`<table><thead><tr><th>排名</th><th>部门</th><th>得分</th>${comps.map((c) => html`<th>${esc(c)}</th>`).reduce(catHtml, '')}<th>牵头事项</th><th>配合事项</th><th>牵头指标</th></tr></thead><tbody>${
      sc.departments.map((d) => html`<tr><td>${d.rank}</td><td>${esc(d.name)}</td><td>${Number(d.score).toFixed(1)}</td>${comps.map((c) =>
        html`<td>${d.components && d.components[c] != null && (!d.applicable || d.applicable[c] !== false) ? (100 * d.components[c]).toFixed(0) + '%' : '—'}</td>`).reduce(catHtml, '')}<td>${d.items_led}</td><td>${d.items_shared ?? 0}</td><td>${d.targets_led}</td></tr>`).reduce(catHtml, '')}</tbody></table>` : html`<div class="empty">暂无评分</div>`}`;
}
