// views/supervision.js: 督办 and 赛马比拼: the supervision list and the department scorecard.
import { zh, said, label, may, api, badge, loading, loadPlan, allItems, planText, methodLabel, html, catHtml, BASE } from '../common.js';
import { tx } from '../i18n.js';
import { issueForm, bindIssueForms, noticeSection, loadNotices } from './notices.js';

export async function viewSupervision(_param, $view) {
  loading(tx('督办清单'));
  const plan = await loadPlan();
  const [list, notices] = await Promise.all([api('/api/supervision'), loadNotices()]);
  const rerender = () => viewSupervision(_param, $view);
  const notes = noticeSection(notices, rerender);
  const canIssue = may('write', 'supervise');
  // An entry already under an open notice says so instead of offering a second one.
  const open = new Set(notices.filter((n) => n.state !== 'resolved').map((n) => n.subject + '@' + n.department));
  // What each entry is about, in words: a work item's text or a target's name, with a link.
  const items = Object.fromEntries(allItems(plan).map((i) => [i.id, i]));
  const targets = Object.fromEntries(plan.targets.map((t) => [t.id, t]));
  const about = (ref) => items[ref] ? html`<a href="#/tasks">${ref}</a> ${planText(items[ref].text.slice(0, 60))}`
    : targets[ref] ? html`<a href="#/target/${ref}">${zh(targets[ref].name)}</a>` : ref;
  // Counts per department, worst first; each count filters the list.
  const perDept = {};
  for (const e of list) perDept[e.department] = (perDept[e.department] || 0) + 1;
  const depts = Object.entries(perDept).sort((x, y) => y[1] - x[1]);
  $view().innerHTML = html`<h1>${tx('调度督办清单')} <span class="muted">（${list.length} ${tx('条，涉及')} ${depts.length} ${tx('个单位）')}</span></h1>
    <p><a href="${BASE}/api/export/xlsx" id="export-xlsx">${tx('⬇ 导出打表推进表（xlsx）')}</a> · <a href="${BASE}/api/export/csv">CSV</a> · <a href="${BASE}/api/export/json">JSON</a></p>
    <div class="summary" id="sup-depts">${depts.map(([d, n]) => html`<button type="button" class="sum" data-dept="${d}">${zh(list.find((e) => e.department === d).department_name)} <b>${n}</b> ${tx('条')}</button>`)}</div>
    <div id="sup-list"></div>${notes.section}`;
  notes.bind();
  let only = '';
  const render = () => {
    const shown = list.filter((e) => !only || e.department === only);
    document.getElementById('sup-list').innerHTML = String(shown.length ? html`<table><thead><tr><th>${tx('部门')}</th><th>${tx('类型')}</th><th>${tx('对象')}</th><th>${tx('事由')}</th>${canIssue ? html`<th>${tx('督办')}</th>` : ''}</tr></thead><tbody>${shown.map((e) =>
      html`<tr data-dept="${e.department}"><td>${zh(e.department_name)}</td><td>${badge(e.kind === 'overdue_item' ? 's-overdue' : 's-lagging', label('supervision_kind', e.kind))}</td><td>${about(e.ref)}</td><td>${said(e, 'message')}</td>${canIssue ? html`<td>${open.has(e.ref + '@' + e.department) ? html`<span class="muted">${tx('已督办')}</span>`
        : html`<details><summary>${tx('下发督办')}</summary>${issueForm(items[e.ref] ? 'item' : 'target', e.ref, e.department, `${tx('请说明')}${said(e, 'message')}${tx('的原因和整改措施')}`)}</details>`}</td>` : ''}</tr>`)}</tbody></table>`
      : html`<div class="empty">${tx('当前没有需要督办的事项')}</div>`);
    for (const b of document.querySelectorAll('#sup-depts button')) b.classList.toggle('active', b.dataset.dept === only);
    bindIssueForms(rerender);
  };
  for (const b of document.querySelectorAll('#sup-depts button'))
    b.addEventListener('click', () => { only = only === b.dataset.dept ? '' : b.dataset.dept; render(); });
  render();
}
export async function viewScorecard(_param, $view) {
  loading(tx('赛马比拼'));
  const sc = await api('/api/scorecard');
  const comps = Object.keys(sc.weights || {});
  $view().innerHTML = html`<h1>${tx('部门赛马比拼')}</h1><p class="muted">${tx('方法：')}${methodLabel(sc.method)}。${said(sc, 'formula')}${tx('；权重：')}${comps.map((c) => `${label('scorecard_component', c)} ${sc.weights[c]}`).join('，')}</p>
    ${sc.departments.length ? html`<table><thead><tr><th>${tx('排名')}</th><th>${tx('部门')}</th><th>${tx('得分')}</th>${comps.map((c) => html`<th>${label('scorecard_component', c)}</th>`).reduce(catHtml, '')}<th>${tx('牵头事项')}</th><th>${tx('配合事项')}</th><th>${tx('牵头指标')}</th></tr></thead><tbody>${
      sc.departments.map((d) => html`<tr><td>${d.rank}</td><td>${zh(d.name)}</td><td>${Number(d.score).toFixed(1)} ${tx('分')}</td>${comps.map((c) =>
        html`<td>${d.components && d.components[c] != null && (!d.applicable || d.applicable[c] !== false) ? (100 * d.components[c]).toFixed(0) + '%' : '—'}</td>`).reduce(catHtml, '')}<td>${d.items_led}</td><td>${d.items_shared ?? 0}</td><td>${d.targets_led}</td></tr>`).reduce(catHtml, '')}</tbody></table>` : html`<div class="empty">${tx('暂无评分')}</div>`}`;
}
