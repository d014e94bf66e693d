// views/audit.js: the audit log for people — the chain's state on top, filters by who, what, which
// object and when, a page at a time (older pages on demand), monitoring ingest batches folded away
// unless asked for; every write and refusal with its Chinese label.
import { api, label, loading, code, html, catHtml } from '../common.js';
import { tx } from '../i18n.js';

const PAGE = 100;

export async function viewAudit(_param, $view) {
  loading(tx('审计日志'));
  const check = await api('/api/audit/verify?rows=0');
  const actions = Object.keys((await api('/api/labels')).audit_action || {});
  $view().innerHTML = html`<h1>${tx('审计日志')}</h1>
    <div class="${check.chain_intact ? 'ok' : 'error'}" id="chain">${check.chain_intact
      ? html`${tx('哈希链完整：')}${check.entries} ${tx('条记录逐条校验通过。')}<button type="button" id="verify-rows">${tx('校验数据表')}</button>`
      : html`${tx('哈希链在第')} ${check.broken_at} ${tx('条断裂：')}${code(check.reason)}`}</div>
    <form class="filters" id="audit-filter">
      <label>${tx('操作人')} <input name="actor" placeholder="${tx('操作人账号')}" size="14"></label>
      <label>${tx('操作')} <select name="action"><option value="">${tx('全部')}</option>${actions.map((a) => html`<option value="${a}">${label('audit_action', a)}</option>`)}</select></label>
      <label>${tx('对象')} <input name="object" placeholder="${tx('事项、指标、站点或用户')}" size="14"></label>
      <label>${tx('自')} <input name="from" type="date"></label><label>${tx('至')} <input name="to" type="date"></label>
      <label><input name="ingest" type="checkbox" value="1"> ${tx('含监测数据入库批次')}</label>
      <button type="submit">${tx('查询')}</button></form>
    <p class="muted" id="audit-count"></p>
    <table><thead><tr><th>#</th><th>${tx('时间')}</th><th>${tx('操作人')}</th><th>${tx('操作')}</th><th>${tx('对象')}</th><th>${tx('内容')}</th></tr></thead><tbody id="audit-rows"></tbody></table>
    <p><button type="button" id="audit-more" hidden>${tx('更早的记录')}</button></p>`;
  const form = document.getElementById('audit-filter');
  const body = document.getElementById('audit-rows');
  const more = document.getElementById('audit-more');
  let next = null;
  const query = () => {
    const f = new FormData(form);
    const q = new URLSearchParams({ limit: String(PAGE) });
    for (const key of ['actor', 'action', 'object', 'from', 'to']) if (f.get(key)) q.set(key, String(f.get(key)));
    if (f.get('ingest')) q.set('ingest', '1');
    return q;
  };
  const load = async (append) => {
    const q = query();
    if (append && next) q.set('before', String(next));
    const page = await api('/api/audit/search?' + q);
    const rows = page.entries.map((e) => html`<tr><td>${e.id}</td><td>${e.at}</td><td>${code(e.actor)}</td>
      <td>${label('audit_action', e.action)}</td><td>${code(e.object)}</td><td>${code(e.detail)}</td></tr>`).reduce(catHtml, '');
    if (append) body.insertAdjacentHTML('beforeend', String(rows));
    else body.innerHTML = rows || html`<tr><td colspan="6" class="empty">${tx('没有符合条件的记录')}</td></tr>`;
    next = page.next_before;
    more.hidden = !next;
    document.getElementById('audit-count').textContent = `${tx('共')} ${page.total} ${tx('条符合条件的记录，按时间倒序，每页')} ${PAGE} ${tx('条')}`;
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(false); });
  more.addEventListener('click', () => load(true));
  const verify = document.getElementById('verify-rows');
  if (verify) verify.addEventListener('click', async () => {
    const chain = document.getElementById('chain');
    chain.textContent = tx('正在逐行校验数据表…');
    const v = await api('/api/audit/verify');
    chain.className = v.intact ? 'ok' : 'error';
    chain.innerHTML = String(v.intact
      ? html`${tx('数据完整：')}${v.rows_checked} ${tx('行数据与写入它们的审计记录一致')}`
      : html`${tx('发现')} ${v.data.length} ${tx('处与审计记录不符：')}<ul>${v.data.slice(0, 20).map((p) => html`<li>${code(p.table)}：${code(p.problem)}</li>`)}</ul>`);
  });
  await load(false);
}
