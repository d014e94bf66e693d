// html.js: HTML built safely by default. `html` is a tagged template: every interpolated value is
// escaped unless it is itself html (a SafeHtml) — arrays are joined, null and undefined vanish.
// `esc(v)` escapes once (idempotent on SafeHtml); `raw(s)` marks trusted markup (use sparingly).
export class SafeHtml {
  constructor(markup) { this.markup = markup; }
  toString() { return this.markup; }
}

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeText = (s) => String(s).replace(/[&<>"']/g, (c) => ENTITIES[c]);

function part(v) {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.markup;
  if (Array.isArray(v)) return v.map(part).join('');
  return escapeText(v);
}

export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += part(v) + strings[i + 1]; });
  return new SafeHtml(out);
}

export const raw = (s) => new SafeHtml(String(s));
export const esc = (v) => (v instanceof SafeHtml ? v : new SafeHtml(escapeText(v ?? '')));
/** For list.map(...).reduce(catHtml, ''): '' for an empty list (falsy), else one SafeHtml. */
export const catHtml = (acc, x) => new SafeHtml(part(acc) + part(x));
