// views/dept.js: a department's (or township's) workbench: its items and the report form.
import { planWords, zhLang, said, zh, state, label, may, ApiError, api, deptName, badge, loading, loadPlan, loadProgress, allItems, periodLabel, planText, formEvidence, EVIDENCE_ACCEPT, html, esc, catHtml } from '../common.js';
import { tx } from '../i18n.js';
import { noticeSection, loadNotices } from './notices.js';

export async function viewDept(param, $view) {
  if (!may('read', 'internal')) throw new ApiError(401, tx('部门工作台需要登录'));
  loading(tx('部门工作台'));
  // A department or township works on its own items; the office, the auditor and an administrator
  // look at any unit's workbench through the picker (their own department is only where they sit).
  const ownUnit = state.me.role === 'department' || state.me.role === 'township';
  const dept = param || (ownUnit ? state.me.department : '') || '';
  const [plan, prog, notices] = await Promise.all([loadPlan(), loadProgress(true), dept ? loadNotices(dept) : []]);
  // Notices still waiting for this department come first: answering them is today's work.
  const notes = noticeSection(notices, () => viewDept(param, $view), dept);
  const deptOptions = plan.departments.map((d) => html`<option value="${esc(d.id)}"${zhLang()} ${d.id === dept ? 'selected' : ''}>${d.name}</option>`).reduce(catHtml, '');
  // A township also shares every item the plan gives to the townships as a group (各乡镇（街道）).
  const unit = plan.departments.find((d) => d.id === dept);
  const group = unit && unit.group;
  const shares = (i) => i.responsible.includes(dept) || (group && (i.responsible.includes(group) || i.lead.includes(group)));
  const items = allItems(plan).filter((i) => !dept || i.lead.includes(dept) || shares(i));
  const status = Object.fromEntries(prog.items.map((i) => [i.id, i]));
  const mine = items.map((i) => ({ ...i, s: status[i.id] }));
  const overdue = mine.filter((i) => i.s && (i.s.status === 'overdue' || i.s.status === 'lagging'));
  const canReport = may('write', 'report') && (!state.me.department || state.me.department === dept);
  const row = (i) => html`<tr data-item="${esc(i.id)}"><td>${esc(i.id)}</td><td>${planText(i.text)}</td><td>${i.lead.includes(dept) ? tx('牵头') : group && !i.responsible.includes(dept) ? tx('乡镇共同') : tx('责任')}</td>
    <td>${i.s ? badge('s-' + i.s.status, label('status', i.s.status), said(i.s, 'reason')) : '—'}</td><td>${i.s ? esc(i.s.percent) + '%' : '—'}</td>
    <td>${i.s && i.s.latest_report ? periodLabel(i.s.latest_report.period) : html`<span class="muted">${tx('未报送')}</span>`}</td></tr>`;
  const table = (list) => list.length ? html`<table><thead><tr><th>${tx('编号')}</th><th>${tx('工作事项')}</th><th>${tx('角色')}</th><th>${tx('状态')}</th><th>${tx('完成')}</th><th>${tx('最新报送')}</th></tr></thead><tbody>${list.map(row).reduce(catHtml, '')}</tbody></table>` : html`<div class="empty">${tx('无')}</div>`;
  $view().innerHTML = html`<h1>${tx('部门工作台：')}${dept ? zh(deptName(dept)) : tx('请选择部门')}</h1>
    ${ownUnit ? '' : html`<div class="filters"><label>${tx('部门')} <select id="dept-pick"><option value="">${tx('请选择部门或乡镇')}</option>${deptOptions}</select></label></div>`}
    ${notes.section}
    <h2>${tx('进度报送')}</h2>
    ${canReport && mine.length ? html`<form class="stack" id="report-form">
      <label>${tx('工作事项')} <select name="item" required>${mine.map((i) => html`<option value="${esc(i.id)}"${zhLang()}>${esc(i.id)} ${planWords(i.text.slice(0, 40))}</option>`).reduce(catHtml, '')}</select></label>
      <label>${tx('报送期')} <select name="period">${recentQuarters().map((q, i) => html`<option value="${q}" ${i === 0 ? 'selected' : ''}>${periodLabel(q)}</option>`).reduce(catHtml, '')}</select></label>
      <label>${tx('状态')} <select name="status"><option value="in_progress">${tx('推进中')}</option><option value="done">${tx('已完成')}</option><option value="not_started">${tx('未启动')}</option></select></label>
      <label>${tx('完成百分比')} <input name="percent" type="number" min="0" max="100" step="1" required></label>
      <label>${tx('进展说明')} <textarea name="narrative" rows="3" required></textarea></label>
      <label>${tx('佐证材料（文号或链接）')} <input name="evidence"></label>
      <label>${tx('佐证文件（PDF、图片或办公文档，8 MB以内）')} <input type="file" name="file" accept="${EVIDENCE_ACCEPT}"></label>
      <button type="submit">${tx('提交报送')}</button> <span id="report-result" role="status"></span></form>`
      : html`<div class="empty">${canReport ? tx('本部门没有可报送的事项') : tx('只有本部门用户可以报送本部门承担的事项')}</div>`}
    <h2>${tx('逾期或滞后（')}${overdue.length}）</h2>${table(overdue)}
    <h2>${tx('本部门承担的工作事项（')}${mine.length}）</h2>${table(mine)}`;
  if (canReport) for (const tr of document.querySelectorAll('#view tr[data-item]')) {
    // A row picks the item to report on, by mouse or by keyboard (Tab to it, Enter or Space).
    tr.style.cursor = 'pointer'; tr.title = tx('点击或按回车填报此事项'); tr.tabIndex = 0;
    const pickItem = () => { const sel = document.querySelector('select[name=item]'); sel.value = tr.dataset.item; sel.focus(); window.scrollTo(0, 0); };
    tr.addEventListener('click', pickItem);
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pickItem(); } });
  }
  notes.bind();
  const pick = document.getElementById('dept-pick');
  if (pick) pick.addEventListener('change', () => { location.hash = '#/dept/' + pick.value; });
  const form = document.getElementById('report-form');
  if (form) form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form).entries());
    delete f.file;
    const out = document.getElementById('report-result');
    out.className = 'loading'; out.textContent = tx('提交中');
    try {
      f.evidence = await formEvidence(form);
      await api('/api/reports', { method: 'POST', body: { ...f, percent: Number(f.percent) } });
      await viewDept(dept, $view);
      const msg = document.getElementById('report-result');
      msg.className = 'ok'; msg.textContent = `${tx('已提交')} ${f.item} ${tx('的报送')}`;
    } catch (e) { out.className = 'error'; out.textContent = e.message; }
  });
}
// The quarter now (Beijing time) and the three before it: a late report names its own quarter.
function recentQuarters() {
  const d = new Date(Date.now() + 8 * 3600e3);
  let y = d.getUTCFullYear(), q = Math.floor(d.getUTCMonth() / 3) + 1;
  const out = [];
  for (let k = 0; k < 4; k++) { out.push(`${y}-Q${q}`); if (--q === 0) { q = 4; y--; } }
  return out;
}
