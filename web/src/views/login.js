// views/login.js: the login form.
import { state, api, refreshMe, html } from '../common.js';
import { tx } from '../i18n.js';

export function viewLogin(_param, $view) {
  $view().innerHTML = html`<h1>${tx('登录')}</h1><form class="stack" id="login-form">
    <label>${tx('用户名')} <input name="username" autocomplete="username" required></label>
    <label>${tx('密码')} <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">${tx('登录')}</button> <span id="login-result" role="status"></span></form>
    <p class="muted">${tx('公众无需登录即可查看公开指标。')}</p>`;
  // The login outcomes in Chinese (the server's throttling and limits: docs/security.md).
  const loginFailure = (e) => {
    const wait = (e.message.match(/(\d+) (?:s\b|秒)/) || [])[1];
    if (e.status === 401) return tx('用户名或密码错误。');
    if (e.status === 429) return `${tx('登录失败次数过多，请')} ${wait || tx('稍')} ${tx('秒后再试（不会锁定账号）。')}`;
    if (e.status === 503) return tx('同时登录的人较多，请 1 秒后再试。');
    if (e.status === 400) return tx('用户名（1–64 字节）或密码（最多 256 字节）格式不正确。');
    return `${tx('登录失败：')}${e.message}`;
  };
  document.getElementById('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(ev.target).entries());
    const out = document.getElementById('login-result');
    try {
      await api('/api/login', { method: 'POST', body: f });
      await refreshMe();
      location.hash = state.me.department ? '#/dept' : '#/';
    } catch (e) { out.className = 'error'; out.textContent = loginFailure(e); }
  });
}
