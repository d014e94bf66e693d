// views/notices.js: 督办 notices as a workflow in the dashboard — the office issues one from a
// supervision entry (to the lead, with a due date), the addressed department answers it from its
// workbench, the office resolves it or escalates it (通报). Every step is a POST to
// /api/notices…; the server decides who may take which step.
import { zh, state, label, may, api, badge, html, catHtml } from '../common.js';
import { tx } from '../i18n.js';

const ACTION = { answer: tx('答复'), resolve: tx('办结'), escalate: tx('通报') };
const STATE_CLASS = { issued: 's-lagging', answered: 's-on_schedule', escalated: 's-overdue', resolved: 's-done' };
const beijingDay = (days = 0) => new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);

/** The form that issues a notice about one item or target (office only). */
export function issueForm(kind, subject, department, suggestion) {
  return html`<form class="notice-issue stack" data-kind="${kind}" data-subject="${subject}" data-dept="${department}">
    <label>${tx('督办要求')} <textarea name="request" rows="2" required maxlength="2000">${suggestion}</textarea></label>
    <label>${tx('限期答复')} <input name="due" type="date" required value="${beijingDay(7)}"></label>
    <button type="submit">${tx('下发督办')}</button> <span class="notice-result" role="status"></span></form>`;
}

/** A notice as a card: what, to whom, by when, its history, and the step the user may take now. */
function noticeCard(n) {
  const mayAnswer = may('write', 'answer_notice') && state.me.department === n.department && n.state !== 'resolved';
  const mayDecide = may('write', 'supervise') && n.state !== 'resolved';
  const actions = [];
  if (mayAnswer) actions.push('answer');
  if (mayDecide && n.state === 'answered') actions.push('resolve');
  if (mayDecide && n.state !== 'escalated') actions.push('escalate');
  const link = n.subject_kind === 'target' ? html`<a href="#/target/${n.subject}">${zh(n.subject_text)}</a>`
    : n.subject_kind === 'warning' ? html`${badge('s-overdue', tx('上游水质预警'))} <a href="#/monitoring">${tx('监测网络')}</a>`
      : html`<a href="#/tasks">${n.subject}</a> ${zh(n.subject_text.slice(0, 60))}`;
  return html`<article class="notice" data-notice="${n.id}" data-state="${n.state}" data-dept="${n.department}">
    <header>${badge(STATE_CLASS[n.state] || '', label('notice_state', n.state))}${n.overdue ? badge('s-overdue', tx('逾期未答复')) : ''}
      <b>${tx('督办第')} ${n.id} ${tx('号')}</b> → ${zh(n.department_name)} ${tx('· 限')} ${n.due} ${tx('前答复')}</header>
    <p>${link}</p><p class="request">${zh(n.request)}</p>
    <ol class="history">${n.events.map((e) => html`<li>${e.at.slice(0, 16).replace('T', ' ')} <span translate="no">${e.actor}</span> ${ACTION[e.action] || e.action}${tx('：')}${zh(e.text)}</li>`).reduce(catHtml, '')}</ol>
    ${actions.length ? html`<form class="notice-step">
      <label>${mayAnswer ? tx('答复内容') : tx('办理意见')} <textarea name="text" rows="2" required maxlength="2000"></textarea></label>
      ${actions.map((a) => html`<button type="submit" name="action" value="${a}">${ACTION[a]}</button> `).reduce(catHtml, '')}
      <span class="notice-result" role="status"></span></form>` : ''}
  </article>`;
}

/** The notices as cards, with the state filter; `rerender` redraws the view after a step. */
export function noticeSection(notices, rerender, department = '') {
  const counts = {};
  for (const n of notices) counts[n.state] = (counts[n.state] || 0) + 1;
  const csv = '/api/notices?format=csv' + (department ? '&department=' + encodeURIComponent(department) : '');
  const section = html`<section id="notices"><h2>${tx('督办通知（')}${notices.length}）</h2>
    ${notices.length ? html`<p><a id="notices-csv" href="${csv}" download>${tx('⬇ 导出督办通知（CSV，可用 Excel 打开）')}</a></p>` : ''}
    <div class="summary" id="notice-states">${['issued', 'answered', 'escalated', 'resolved'].map((s) =>
      html`<button type="button" class="sum" data-state="${s}">${label('notice_state', s)} <b>${counts[s] || 0}</b> ${tx('件')}</button>`).reduce(catHtml, '')}</div>
    <div id="notice-list">${notices.length ? notices.map(noticeCard).reduce(catHtml, '') : html`<div class="empty">${tx('暂无督办通知')}</div>`}</div></section>`;
  const bind = () => {
    let only = '';
    for (const b of document.querySelectorAll('#notice-states button')) b.addEventListener('click', () => {
      only = only === b.dataset.state ? '' : b.dataset.state;
      for (const x of document.querySelectorAll('#notice-states button')) x.classList.toggle('active', x.dataset.state === only);
      for (const card of document.querySelectorAll('#notice-list .notice')) card.hidden = Boolean(only) && card.dataset.state !== only;
    });
    for (const form of document.querySelectorAll('form.notice-step')) form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const id = form.closest('.notice').dataset.notice;
      const out = form.querySelector('.notice-result');
      try {
        await api(`/api/notices/${id}/steps`, { method: 'POST', body: { action: ev.submitter.value, text: form.elements.text.value } });
        await rerender();
      } catch (e) { out.className = 'notice-result error'; out.textContent = e.message; }
    });
  };
  return { section, bind };
}

/** Binds the issue forms (rendered by issueForm) so that a submitted one redraws the view. */
export function bindIssueForms(rerender) {
  for (const form of document.querySelectorAll('form.notice-issue')) form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = form.querySelector('.notice-result');
    try {
      await api('/api/notices', { method: 'POST', body: { subject_kind: form.dataset.kind, subject: form.dataset.subject,
        department: form.dataset.dept, due: form.elements.due.value, request: form.elements.request.value } });
      await rerender();
    } catch (e) { out.className = 'notice-result error'; out.textContent = e.message; }
  });
}

export const loadNotices = (department = '') => api('/api/notices' + (department ? '?department=' + encodeURIComponent(department) : ''));
