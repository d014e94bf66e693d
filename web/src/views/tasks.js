// views/tasks.js: the task board: action lines, key tasks and work items with their status.
import { said, zh, label, may, api, deptName, badge, loading, loadPlan, loadProgress, periodLabel, planText, evidenceHtml, formEvidence, EVIDENCE_ACCEPT, html, esc, BASE } from '../common.js';
import { tx } from '../i18n.js';

export async function viewTasks(_param, $view) {
  loading(tx('任务台账'));
  const plan = await loadPlan();
  let byId = {};
  if (may('read', 'internal')) { const prog = await loadProgress(true); byId = Object.fromEntries(prog.items.map((i) => [i.id, i])); }
  const parts = [html`<h1>${tx('任务台账（5大行动 → 20项重点任务 → 工作事项）')}</h1>
    ${may('read', 'internal') ? html`<p><a href="${BASE}/api/export/xlsx">${tx('⬇ 导出打表推进表（xlsx）')}</a></p>` : ''}
    ${may('read', 'internal') ? '' : html`<p class="muted">${tx('公众可查看任务分工；进度与报送仅对登录用户开放。')}</p>`}
    <table><thead><tr><th>${tx('编号')}</th><th>${tx('工作事项')}</th><th>${tx('牵头')}</th><th>${tx('责任')}</th><th>${tx('状态')}</th><th>${tx('完成')}</th><th>${tx('最新报送与佐证')}</th></tr></thead><tbody>`];
  for (const a of plan.actions) {
    parts.push(html`<tr class="action"><td colspan="7">${zh(a.name)}</td></tr>`);
    for (const t of a.tasks) {
      parts.push(html`<tr class="task"><td>${esc(t.id)}</td><td colspan="6">${planText(t.name)}</td></tr>`);
      for (const i of t.items) {
        const s = byId[i.id];
        const r = s && s.latest_report;
        parts.push(html`<tr data-item="${esc(i.id)}"><td>${esc(i.id)}</td><td>${planText(i.text)}${i.due ? html`<div class="muted">${tx('完成时限')} ${esc(i.due)}</div>` : ''}</td>
          <td>${zh(i.lead.map(deptName).join('、'))}</td><td>${zh(i.responsible.map(deptName).join('、'))}</td>
          <td>${s ? badge('s-' + s.status, label('status', s.status) || s.status_label, said(s, 'reason')) : '—'}</td>
          <td>${s ? html`<div class="bar" title="${s.percent}%"><i style="width:${Math.min(100, s.percent)}%"></i></div>${esc(s.percent)}%` : '—'}</td>
          <td>${r ? html`${periodLabel(r.period)}：${zh(r.narrative)}${r.evidence ? html`<div class="muted">${tx('佐证：')}${evidenceHtml(r.evidence)}</div>` : ''}` : (s ? html`<span class="muted">${tx('未报送')}</span>` : '—')}
            ${s && s.closure ? html`<div class="muted">${tx('销号佐证：')}${evidenceHtml(s.closure.evidence)}</div>` : ''}
            ${s && s.status === 'done' && may('write', 'close_item') ? html`<form class="close-form" data-item="${i.id}">
              <input name="evidence" placeholder="${tx('销号佐证（文号）')}" aria-label="${tx('销号佐证文号')}" size="16">
              <input type="file" name="file" accept="${EVIDENCE_ACCEPT}" aria-label="${tx('佐证文件（PDF、图片或办公文档，8 MB以内）')}">
              <input name="note" placeholder="${tx('说明')}" aria-label="${tx('销号说明')}" size="10">
              <button type="submit">${tx('销号')}</button> <span class="close-result" role="status"></span></form>` : ''}</td></tr>`);
      }
    }
  }
  $view().innerHTML = html`${parts}</tbody></table>`;
  // The office closes (销号) completed items here, with evidence.
  for (const form of document.querySelectorAll('.close-form')) form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = form.querySelector('.close-result');
    try {
      const evidence = await formEvidence(form);
      if (!evidence) throw new Error(tx('销号须有佐证：填写文号或上传文件'));
      const note = form.querySelector('[name=note]').value;
      await api(`/api/items/${encodeURIComponent(form.dataset.item)}/close`, { method: 'POST', body: { evidence, note } });
      await viewTasks(_param, $view);
    } catch (e) { out.className = 'close-result error'; out.textContent = e.message; }
  });
}
