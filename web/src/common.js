// common.js: what every view shares — the app state, the API client, labels and permissions from
// the server, badges, loading and error states, and charts that are disposed on every route change.
import { html, esc, catHtml } from './html.js';
import { tx, lang, isEnglish } from './i18n.js';

export const state = { me: { role: 'public', may: { read: ['indicators'], write: [] } }, plan: null, progress: null, labels: null };
export const $view = () => document.getElementById('view');

/** The label of a code from the server's catalogue (/api/labels), or the code itself. */
export const label = (group, code) => (state.labels && state.labels[group] && state.labels[group][code]) || code;
/** Whether the user may read (indicators, internal, audit) or write (report, close_item, …): /api/me. */
export const may = (kind, what) => Boolean(state.me.may && state.me.may[kind] && state.me.may[kind].includes(what));

/** An error answer's words in the user's language ("error" is Chinese, "error_en" English). */
const errorText = (data) => data && (isEnglish ? data.error_en || data.error : data.error);
/** A server explanation in the user's language: the Chinese field, or its English twin
 * (lens results carry `en: {formula, thresholds, reason}`; other objects a `<field>_en`). */
export function said(obj, field) {
  if (!obj) return '';
  if (!isEnglish) return obj[field] || '';
  return (obj.en && obj.en[field]) || obj[field + '_en'] || obj[field] || '';
}

export class ApiError extends Error { constructor(status, message) { super(message); this.status = status; } }

/** The county this page belongs to on a multi-county server ("/c/yunling"), or "" for the home
 *  database: every API path and download link is taken relative to it. */
export const BASE = (location.pathname.match(/^\/c\/[a-z0-9_-]+/) || [''])[0];

export async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.method && options.method !== 'GET' && state.me.csrf) headers['X-CSRF-Token'] = state.me.csrf;
  const res = await fetch(BASE + path, { ...options, headers, credentials: 'same-origin',
    body: options.body !== undefined ? JSON.stringify(options.body) : undefined });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) throw new ApiError(res.status, errorText(data) || `${res.status} ${res.statusText}`);
  return data;
}

/** Largest evidence file the server takes (service::kMaxEvidenceBytes). */
export const MAX_EVIDENCE_BYTES = 8 * 1024 * 1024;
/** Uploads an evidence file as it is (the server tells its type from the bytes); returns what
 * goes into a report's or closure's evidence text: the file's name and its "sha256:<hex>" ref. */
export async function uploadEvidence(file) {
  if (file.size > MAX_EVIDENCE_BYTES) throw new ApiError(413, tx('文件 {name} 超过 8 MB，请压缩或分册后上传', { name: file.name }));
  const res = await fetch(BASE + '/api/evidence?name=' + encodeURIComponent(file.name), {
    method: 'POST', body: file, credentials: 'same-origin',
    headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': state.me.csrf || '' } });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, errorText(data) || `${res.status}`);
  return `附件《${data.name}》${data.ref}`;  // stored as the county writes it, whatever the UI language
}
/** The evidence text of a report or closure, with each uploaded file ("sha256:<hex>") as a download link. */
export function evidenceHtml(text) {
  const parts = String(text ?? '').split(/(sha256:[0-9a-f]{64})/);
  return parts.map((p, i) => (i % 2 ? html`<a href="${BASE}/api/evidence/${p.slice(7)}" download>${tx('下载附件')}</a>` : p ? zh(p) : '')).reduce(catHtml, '');
}
/** The evidence a form names: its document number and, when a file is chosen, the uploaded file. */
export async function formEvidence(form) {
  const docno = (form.querySelector('[name=evidence]')?.value || '').trim();
  const file = form.querySelector('input[type=file]')?.files?.[0];
  return [docno, file ? await uploadEvidence(file) : ''].filter(Boolean).join(' ');
}
export const EVIDENCE_ACCEPT = '.pdf,.ofd,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx';

export function deptName(id) {
  const d = state.plan && state.plan.departments.find((x) => x.id === id);
  return d ? d.name : id;
}
export const badge = (cls, text, title = '') => html`<span class="badge ${cls}" title="${title}">${text}</span>`;
export const lensBadges = (t) => ['schedule', 'unsd', 'current'].map((k) => {
  const l = t.lenses && t.lenses[k];
  if (!l) return '';
  return badge('r-' + l.rating, `${label('lens', k)}${tx('：')}${label('rating', l.rating)}`, planWords(said(l, 'reason') || said(l, 'formula')));
}).reduce(catHtml, '');
export const latest = (t) => (t.series && t.series.length ? t.series[t.series.length - 1] : null);

export function sparkline(series) {
  const pts = (series || []).map((s) => Number(s.value)).filter((v) => Number.isFinite(v));
  if (pts.length < 2) return html`<svg class="spark" aria-hidden="true"></svg>`;
  const min = Math.min(...pts), max = Math.max(...pts), span = max - min || 1;
  const xy = pts.map((v, i) => `${(i / (pts.length - 1)) * 100},${30 - ((v - min) / span) * 26}`).join(' ');
  return html`<svg class="spark" viewBox="0 0 100 34" preserveAspectRatio="none"><polyline fill="none" stroke="#2e7d4f" stroke-width="1.5" points="${xy}"/></svg>`;
}

// A refusal is said in the clerk's words; other errors carry the server's reason.
export function showError(e) {
  const words = e.status === 401 ? html`${tx('此页面的数据不公开，请先')}<a href="#/login">${tx('登录')}</a>${tx('。')}`
    : e.status === 403 ? tx('当前账号无权查看此页面。') : html`${tx('出错了：')}${e.message}`;
  $view().innerHTML = html`<h1>${document.title.split(' · ')[0]}</h1><div class="error" role="alert">${words}</div>`;
}

/** A raw identifier shown verbatim (a station's MN, a hash, a user name, a stored audit text):
 * marked translate="no" so that translators, screen readers' language switching and the
 * language test leave it alone. */
export const code = (s) => html`<span class="code" translate="no">${s}</span>`;
/** A period as a Chinese clerk writes it: 2026年 / 2026年上半年 / 2026年第3季度 / 2026年7月 / 2026年（年内累计）. */
export function periodLabel(p) {
  const m = /^(\d{4})(?:-(Q[1-4]|H[12]|\d{2}|YTD))?$/.exec(String(p ?? ''));
  if (!m) return String(p ?? '');
  const [, y, part] = m;
  if (isEnglish) return !part ? y : part === 'YTD' ? `${y} (year to date)` : part.length === 2 ? `${y} ${part}` : `${y}-${part}`;
  if (!part) return `${y}年`;
  if (part === 'YTD') return `${y}年（年内累计）`;
  if (part[0] === 'Q') return `${y}年第${part[1]}季度`;
  if (part[0] === 'H') return `${y}年${part[1] === '1' ? '上半年' : '下半年'}`;
  return `${y}年${Number(part)}月`;
}
/** The plan's own text with the draft's placeholders ("XX座", "XX亿元") shown as 待定. */
export const planText = (s) => zh(planWords(s));
/** The same as plain text, for attributes (tooltips). */
export const planWords = (s) => String(s ?? '').replace(/X{2,}/g, tx('待定'));
/** Words of the county's own data (the plan, departments, stations, what users wrote), which stay in
 * Chinese in the English interface: marked lang="zh-CN" there, so that screen readers read them as
 * Chinese and the language test knows them for data. */
export const zh = (s) => (isEnglish ? html`<span lang="zh-CN">${s}</span>` : html`${s}`);
/** The attribute that marks an element holding only such data (an <option> cannot hold a <span>). */
export const zhLang = () => (isEnglish ? html` lang="zh-CN"` : '');
/** A value as shown: yes/no verdicts in words, everything else as stored. */
export const valueText = (v) => (v === 'yes' || v === 'no' ? label('verdict', v) : v);
/** A method code by its name from the catalogue; an unknown one verbatim. */
export const methodLabel = (m) => (state.labels && state.labels.method && state.labels.method[m]) || code(m);
export const loading = (what) => { $view().innerHTML = html`<p class="loading">${tx('正在加载')}${isEnglish ? ' ' : ''}${what}…</p>`; };

export async function loadPlan() {
  if (!state.plan) state.plan = await api('/api/plan');
  const title = document.getElementById('plan-title');
  title.textContent = state.plan.title;
  if (isEnglish) title.lang = 'zh-CN';  // the plan's own title
  return state.plan;
}
export async function loadLabels() {
  if (!state.labels) state.labels = await api(lang === 'en' ? '/api/labels?lang=en' : '/api/labels');
  return state.labels;
}
// A progress request started before the first view asked for it (main.js, first load only): the
// overview takes it instead of asking again.
let early = null;
export function prefetchProgress() { early = api('/api/progress').catch(() => null); }
export async function loadProgress(force = false) {
  if (early) {
    const p = await early;
    early = null;
    if (p) { state.progress = p; return p; }
  }
  if (!state.progress || force) state.progress = await api('/api/progress');
  return state.progress;
}
export function allItems(plan) {
  const out = [];
  for (const a of plan.actions) for (const t of a.tasks) for (const i of t.items) out.push({ ...i, action: a, task: t });
  return out;
}

// Charts: ECharts is loaded on first use (its own chunk) and every instance is disposed when the
// route changes, so a view never draws into a chart left from another.
const liveCharts = new Set();
export async function chart(el) {
  const { echarts } = await import('./charts.js');
  echarts.getInstanceByDom(el)?.dispose();
  const c = echarts.init(el, null, { renderer: 'svg' });
  liveCharts.add(c);
  return c;
}
export function disposeCharts() {
  for (const c of liveCharts) c.dispose();
  liveCharts.clear();
}

/** Who the user is (from /api/me, or `known` when the caller already asked). */
export async function refreshMe(known = null) {
  state.me = known || await api('/api/me').catch(() => ({ role: 'public', may: { read: ['indicators'], write: [] } }));
  state.progress = null;
  if (!known) early = null;  // a login or logout since the first load: the early answer was for someone else
  document.getElementById('who').innerHTML = String(state.me.user
    ? html`${code(state.me.user)}（${label('role', state.me.role)}${state.me.department ? html` · ${zh(deptName(state.me.department))}` : ''}）` : label('role', 'public'));
  document.getElementById('login-link').hidden = !!state.me.user;
  document.getElementById('logout').hidden = !state.me.user;
  for (const a of document.querySelectorAll('nav a[data-need]')) a.hidden = !may('read', a.dataset.need);
}

// HJ 212 factor codes as names (the code kept in brackets for the technician), units as written.
export const FACTOR_LABEL = { a21026: 'SO₂', a21004: 'NO₂', a34002: 'PM₁₀', a21005: 'CO', a05024: 'O₃', a34004: 'PM₂.₅',
  a01001: tx('气温'), a01002: tx('湿度'), a01006: tx('气压'), a01007: tx('风速'), a01008: tx('风向') };
/** A factor's name alone (charts: plain text). */
export const factorName = (f) => FACTOR_LABEL[f] || f;
export const factorLabel = (f) => FACTOR_LABEL[f] ? html`${FACTOR_LABEL[f]}（${code(f)}）` : code(f);
export const unitLabel = (u) => ({ 'ug/m3': 'μg/m³', 'mg/m3': 'mg/m³' }[u] || u);

export { html, esc, catHtml, tx, isEnglish };
