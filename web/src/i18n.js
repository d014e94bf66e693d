// i18n.js: the dashboard's language. Every word is written in Chinese in the code and looked up in
// the one catalogue, data/i18n/ui.tsv (Chinese → English), when the user switches to English; the
// server's words come from /api/labels?lang= and the API's own "…_en" fields. The choice is kept
// in localStorage and applied on load, so every view, chart and message is in one language.
import UI_TSV from '../../data/i18n/ui.tsv';

const KEY = 'shanshui.lang';
const stored = (() => { try { return localStorage.getItem(KEY); } catch { return null; } })();
/** 'zh' (default) or 'en'. */
export const lang = stored === 'en' ? 'en' : 'zh';
export const isEnglish = lang === 'en';

const english = new Map();
for (const line of UI_TSV.split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const tab = line.indexOf('\t');
  if (tab > 0) english.set(line.slice(0, tab), line.slice(tab + 1));
}

/** A word or phrase of the interface in the user's language; {name} parts are filled from `vars`. */
export const missingEnglish = new Set();  // words asked for in English that the catalogue lacks (browser test)
export function tx(zh, vars) {
  if (isEnglish && !english.has(zh)) missingEnglish.add(zh);
  let s = isEnglish ? (english.get(zh) ?? zh) : zh;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

/** Switches the language and reloads, so that everything drawn so far is drawn again in it. */
export function setLanguage(next) {
  try { localStorage.setItem(KEY, next); } catch { /* private mode: this page only */ }
  location.reload();
}
