// views/overview.js: the overview: a summary of where the targets stand, then every target as a
// card (latest value with its unit, three lens badges), with filters that match what they say.
import { zhLang, zh, state, label, deptName, lensBadges, latest, sparkline, loading, loadPlan, loadProgress, allItems, planText, valueText, html, esc, catHtml } from '../common.js';
import { tx } from '../i18n.js';

// The summary's groups, by the chosen lens's rating: "not yet achieved" (the target year is still
// ahead) is not "behind", and a target the plan leaves open (目标待定) is never counted as failing.
const GROUPS = [
  ['achieved', tx('已实现'), ['achieved']],
  ['on_track', tx('按序时或按期'), ['on_schedule', 'on_track']],
  ['not_yet', tx('尚未达标（未到目标年）'), ['not_yet_achieved']],
  ['behind', tx('滞后或需加快'), ['slightly_behind', 'behind', 'acceleration_needed', 'stagnation_or_regression', 'not_achieved']],
  ['pending', tx('目标待定'), ['target_pending']],
  ['no_data', tx('无法评估或数据过期'), ['unable', 'stale']],
];
const groupOf = (rating) => (GROUPS.find(([, , rs]) => rs.includes(rating)) || GROUPS[GROUPS.length - 1])[0];

export async function viewOverview(_param, $view) {
  loading(tx('目标'));
  const [plan, prog] = await Promise.all([loadPlan(), loadProgress(true)]);
  const actions = plan.actions.map((a) => html`<option value="${esc(a.id)}"${zhLang()}>${a.name}</option>`).reduce(catHtml, '');
  const leads = [...new Set(prog.targets.map((t) => t.lead))].map((d) => html`<option value="${esc(d)}"${zhLang()}>${deptName(d)}</option>`).reduce(catHtml, '');
  const ratings = Object.entries(state.labels.rating).map(([k, v]) => html`<option value="${k}">${v}</option>`).reduce(catHtml, '');
  const lenses = ['schedule', 'unsd', 'current'].map((k) => html`<option value="${k}">${label('lens', k)}</option>`);
  $view().innerHTML = html`<h1>${tx('2027年目标总览')} <span class="muted">${tx('（截至')} ${esc(prog.as_of)}${tx('，共')} ${prog.targets.length} ${tx('项）')}</span></h1>
    <div class="filters">
      <label>${tx('行动')} <select id="f-action"><option value="">${tx('全部')}</option>${actions}</select></label>
      <label>${tx('牵头部门')} <select id="f-dept"><option value="">${tx('全部')}</option>${leads}</select></label>
      <label>${tx('视角')} <select id="f-lens">${lenses}</select></label>
      <label>${tx('评价')} <select id="f-status"><option value="">${tx('全部')}</option>${ratings}</select></label>
      <input id="f-text" placeholder="${tx('搜索指标名称')}">
      <span id="f-count" class="muted"></span>
    </div>
    <div class="summary" id="summary" role="group" aria-label="${tx('目标状态汇总')}"></div>
    <div class="cards" id="cards"></div>`;
  let group = '';
  const itemAction = {};
  for (const i of allItems(plan)) itemAction[i.id] = i.action.id;
  const render = () => {
    const fa = document.getElementById('f-action').value, fd = document.getElementById('f-dept').value;
    const fs = document.getElementById('f-status').value, ft = document.getElementById('f-text').value.trim();
    const lens = document.getElementById('f-lens').value;
    const rating = (t) => (t.lenses && t.lenses[lens] ? t.lenses[lens].rating : 'unable');
    // The rating filter asks the chosen lens, not any lens.
    const base = prog.targets.filter((t) => (!fa || (t.items || []).some((i) => itemAction[i] === fa)) && (!fd || t.lead === fd) &&
      (!fs || rating(t) === fs) && (!ft || t.name.includes(ft)));
    const counts = Object.fromEntries(GROUPS.map(([g]) => [g, base.filter((t) => groupOf(rating(t)) === g).length]));
    document.getElementById('summary').innerHTML = String(GROUPS.map(([g, name]) =>
      html`<button type="button" class="sum sum-${g}${group === g ? ' active' : ''}" data-group="${g}" aria-pressed="${group === g}">${name} <b>${counts[g]}</b> ${tx('项')}</button>`)
      .reduce(catHtml, ''));
    for (const b of document.querySelectorAll('#summary button'))
      b.addEventListener('click', () => { group = group === b.dataset.group ? '' : b.dataset.group; render(); });
    const shown = base.filter((t) => !group || groupOf(rating(t)) === group);
    document.getElementById('f-count').textContent = `${tx('显示')} ${shown.length} ${tx('项')}`;
    document.getElementById('cards').innerHTML = shown.length ? shown.map((t) => {
      const v = latest(t);
      return html`<a class="card" data-target="${esc(t.id)}" href="#/target/${esc(t.id)}">
        <div class="name">${planText(t.name)}</div>
        <div class="nums"><span class="value">${v ? valueText(v.value) : '—'}${v && t.unit ? html`<small class="unit">${zh(t.unit)}</small>` : ''}</span><span class="goal">${tx('目标')} ${planText(t.label)}${v ? html` · ${v.year}${tx('年')}${v.provisional ? tx('（年内）') : ''}` : ''}</span></div>
        ${sparkline(t.series)}
        <div class="badges">${lensBadges(t)}</div>
        <div class="muted">${tx('牵头：')}${zh(deptName(t.lead))}</div></a>`;
    }).reduce(catHtml, '') : html`<div class="empty">${tx('没有符合筛选条件的指标')}</div>`;
  };
  for (const id of ['f-action', 'f-dept', 'f-lens', 'f-status']) document.getElementById(id).addEventListener('change', render);
  document.getElementById('f-text').addEventListener('input', render);
  render();
}
