// main.js: the dashboard's entry — hash routes to one view module each; a view renders into the
// page only while it is still the current route (a slow answer never overwrites a newer view), and
// charts are disposed on every route change.
import { state, api, html, loadPlan, loadLabels, refreshMe, prefetchProgress, showError, disposeCharts } from './common.js';
import { tx, lang, isEnglish, setLanguage, missingEnglish } from './i18n.js';
import { viewOverview } from './views/overview.js';
import { viewTarget } from './views/target.js';
import { viewTasks } from './views/tasks.js';
import { viewDept } from './views/dept.js';
import { viewSupervision, viewScorecard } from './views/supervision.js';
import { viewMonitoring, viewStation } from './views/monitoring.js';
import { viewAudit } from './views/audit.js';
import { viewLogin } from './views/login.js';
import { viewLineage } from './views/lineage.js';
import { viewScreen } from './views/screen.js';
import { viewGep } from './views/gep.js';
import { viewPortal } from './views/portal.js';

const routes = { '': viewOverview, target: viewTarget, tasks: viewTasks, dept: viewDept, supervision: viewSupervision,
  scorecard: viewScorecard, monitoring: viewMonitoring, station: viewStation, audit: viewAudit, login: viewLogin,
  lineage: viewLineage, screen: viewScreen, gep: viewGep, open: viewPortal };

// The page title names the view (screen readers announce it; tabs and history show it).
const TITLES = { '': tx('目标总览'), target: tx('指标详情'), tasks: tx('任务台账'), dept: tx('部门工作台'), supervision: tx('调度督办'),
  scorecard: tx('赛马比拼'), monitoring: tx('监测网络'), station: tx('站点数据'), audit: tx('审计日志'), login: tx('登录'), lineage: tx('数据溯源'), screen: tx('项目预筛查'), gep: tx('生态价值核算'), open: tx('公众门户') };

let current = 0;
async function route() {
  const seq = ++current;
  disposeCharts();
  const [, name = '', param] = location.hash.replace(/^#/, '').split('/');
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + name);
  const view = routes[name];
  const main = document.getElementById('view');
  document.title = `${TITLES[name] || tx('页面不存在')} · ${tx('山水')}`;
  if (!view) { main.innerHTML = html`<div class="empty">${tx('页面不存在')}</div>`; return; }
  // Once another route has started, this view's late writes land in a detached element.
  const detached = document.createElement('div');
  const $view = () => (seq === current ? main : detached);
  try { await view(param && decodeURIComponent(param), $view); } catch (e) { if (seq === current) showError(e); }
}

document.getElementById('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST', body: {} }).catch(() => {});
  await refreshMe();
  location.hash = '#/';
  route();
});
window.addEventListener('hashchange', route);
// The page shell (index.html) is written in Chinese: in English its words are swapped once, and the
// document says which language it is in (screen readers, translation tools, the browser tests).
document.documentElement.lang = isEnglish ? 'en' : 'zh-CN';
if (isEnglish) {
  const shell = [...document.querySelectorAll('#skip, header a, header button:not(#lang), #who, footer, footer a, main .loading')];
  for (const el of shell)
    for (const n of el.childNodes) if (n.nodeType === Node.TEXT_NODE && n.textContent.trim()) n.textContent = n.textContent.replace(n.textContent.trim(), tx(n.textContent.trim()));
}
const toggle = document.getElementById('lang');
toggle.textContent = isEnglish ? '中文' : 'English';
toggle.lang = isEnglish ? 'zh-CN' : 'en';
toggle.setAttribute('aria-label', isEnglish ? '切换到中文' : 'Switch to English');
toggle.addEventListener('click', () => setLanguage(lang === 'en' ? 'zh' : 'en'));
// On a phone a table's rows are stacked (style.css): each cell shows its column's name, taken from
// the table's header whenever a view draws a table.
const labelCells = (root) => {
  for (const table of root.querySelectorAll('table:not([data-labelled])')) {
    const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    if (!names.length) continue;
    for (const tr of table.querySelectorAll('tbody tr'))
      [...tr.children].forEach((td, i) => { if (names[i] && !td.hasAttribute('colspan')) td.dataset.label = names[i]; });
    table.dataset.labelled = '1';
  }
};
new MutationObserver(() => labelCells(document.getElementById('view'))).observe(document.getElementById('view'), { childList: true, subtree: true });
// The skip link moves the keyboard focus to the view (a plain #view link would change the route).
document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  document.getElementById('view').focus();
});
window.shanshui = { state, route, missingEnglish };  // for the browser tests and the console
// First load: everything the first view needs is asked for at once (on a slow link each
// round trip costs about half a second): the plan, the labels, who the user is and, for the
// overview, the progress.
(async () => {
  // index.html preloads these four; each is taken here, at once, so that no later request (after a
  // login, say) is answered from a preload made for the anonymous visitor.
  const me = api('/api/me').catch(() => null);
  prefetchProgress();
  await Promise.all([loadPlan().catch(() => {}), loadLabels().catch(() => {})]);
  await refreshMe(await me);
  await route();
  document.body.dataset.ready = '1';
})();
