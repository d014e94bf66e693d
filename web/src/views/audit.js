// views/audit.js: the audit log.
import { api, loading, html, esc, catHtml } from '../common.js';

export async function viewAudit(_param, $view) {
  loading('审计日志');
  const [log, check] = await Promise.all([api('/api/audit'), api('/api/audit/verify')]);
  const recent = log.slice(-300).reverse();
  $view().innerHTML = html`<h1>审计日志 <span class="muted">（${log.length} 条，显示最近 ${recent.length} 条）</span></h1>
    <div class="${check.intact ? 'ok' : 'error'}">${check.intact ? `哈希链完整：${check.entries} 条记录逐条校验通过` : html`哈希链在第 ${check.broken_at} 条断裂：${esc(check.reason)}`}</div>
    <table><thead><tr><th>#</th><th>时间</th><th>操作人</th><th>操作</th><th>对象</th><th>内容</th></tr></thead><tbody>${
      recent.map((e) => html`<tr><td>${e.id}</td><td>${esc(e.at)}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td><td>${esc(e.object)}</td><td>${esc(e.detail)}</td></tr>`).reduce(catHtml, '')}</tbody></table>`;
}
