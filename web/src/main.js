// main.js: the dashboard's entry — hash routes to one view module each; a view renders into the
// page only while it is still the current route (a slow answer never overwrites a newer view), and
// charts are disposed on every route change.
import { state, api, loadPlan, loadLabels, refreshMe, showError, disposeCharts } from './common.js';
import { viewOverview } from './views/overview.js';
import { viewTarget } from './views/target.js';
import { viewTasks } from './views/tasks.js';
import { viewDept } from './views/dept.js';
import { viewSupervision, viewScorecard } from './views/supervision.js';
import { viewMonitoring, viewStation } from './views/monitoring.js';
import { viewAudit } from './views/audit.js';
import { viewLogin } from './views/login.js';
import { viewLineage } from './views/lineage.js';

const routes = { '': viewOverview, target: viewTarget, tasks: viewTasks, dept: viewDept, supervision: viewSupervision,
  scorecard: viewScorecard, monitoring: viewMonitoring, station: viewStation, audit: viewAudit, login: viewLogin,
  lineage: viewLineage };

let current = 0;
async function route() {
  const seq = ++current;
  disposeCharts();
  const [, name = '', param] = location.hash.replace(/^#/, '').split('/');
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === '#/' + name);
  const view = routes[name];
  const main = document.getElementById('view');
  if (!view) { main.innerHTML = '<div class="empty">页面不存在</div>'; return; }
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
window.shanshui = { state, route };  // for the browser tests and the console
(async () => {
  await Promise.all([loadPlan().catch(() => {}), loadLabels().catch(() => {})]);
  await refreshMe();
  await route();
  document.body.dataset.ready = '1';
})();
