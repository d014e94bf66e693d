// views/screen.js: 三线一单 pre-screening in the browser — draw the project's site on the one map
// (or load a GeoJSON file), give its industry (GB/T 4754), and read the verdict with its reasons,
// the layers the site touches, the protected features nearby and the access-list clauses that apply.
// Open to everyone: an investor screens a site before applying; nothing is stored.
import { state, zh, code, label, api, html, esc, catHtml, BASE } from '../common.js';
import { tx } from '../i18n.js';

export async function viewScreen(_param, $view) {
  $view().innerHTML = html`<h1>${tx('项目预筛查（三线一单）')}</h1>
    <p class="muted">${tx('在地图上逐点单击绘制项目用地范围，双击结束；或上传 GeoJSON 文件（经纬度）。结果仅供预判，不作为审批结论。')}</p>
    <div class="grid2"><div><div id="site-map" role="region" aria-label="${tx('项目用地绘制地图')}"></div>
      <fieldset id="site-layers" class="layer-switch"><legend>${tx('一张图图层')}</legend></fieldset><div id="site-info" class="feature-info" aria-live="polite"></div></div>
    <div><form id="screen-form" class="screen-form">
      <label>${tx('行业代码（GB/T 4754）')} <input name="industry" placeholder="${tx('如 C2614')}" size="8" maxlength="5" pattern="[A-T][0-9]{2,4}"></label>
      <label>${tx('上传项目范围')} <input type="file" name="file" accept=".geojson,.json"></label>
      <label>${tx('点状项目半径（米）')} <input name="radius_m" type="number" min="0" max="50000" step="1" size="6"></label>
      <label>${tx('线状项目半宽（米）')} <input name="buffer_m" type="number" min="0" max="50000" step="1" size="6"></label>
      <button type="submit" id="screen-run" disabled>${tx('开始研判')}</button> <span id="screen-state" role="status" class="muted">${tx('请先绘制或上传项目范围')}</span></form>
      <div id="screen-result"></div></div></div>`;
  let site = null;
  const status = document.getElementById('screen-state');
  const ready = (geometry) => {
    site = geometry;
    document.getElementById('screen-run').disabled = false;
    status.textContent = tx('已取得项目范围，可以研判');
  };
  const m = await import('../map.js');
  const { showSite } = await m.drawSiteMap(document.getElementById('site-map'), { onDrawn: ready,
    switcher: document.getElementById('site-layers'), info: document.getElementById('site-info'), kindLabel: (k) => label('layer_kind', k),
    zone: (k, z) => (state.labels && state.labels.layer_zone && state.labels.layer_zone[`${k}:${z}`]) || '' });
  const form = document.getElementById('screen-form');
  form.elements.file.addEventListener('change', async () => {
    const file = form.elements.file.files[0];
    if (!file) return;
    try {
      const doc = JSON.parse(await file.text());
      const geometry = doc.type === 'FeatureCollection' ? doc.features[0]?.geometry : doc.type === 'Feature' ? doc.geometry : doc;
      if (!geometry || !geometry.type) throw new Error(tx('文件中没有几何'));
      showSite(geometry);
      ready(geometry);
    } catch (e) { status.textContent = `${tx('无法读取文件：')}${e.message}`; }
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!site) return;
    const out = document.getElementById('screen-result');
    status.textContent = tx('研判中…');
    const body = { project: site, industry: form.elements.industry.value.trim().toUpperCase() };
    for (const k of ['radius_m', 'buffer_m']) if (form.elements[k].value) body[k] = Number(form.elements[k].value);
    try {
      const r = await api('/api/screen', { method: 'POST', body });
      status.textContent = '';
      out.innerHTML = String(result(r));
      // The report to file: the same screening as a workbook, or the page printed without the map's controls.
      document.getElementById('screen-xlsx').addEventListener('click', async () => {
        const res = await fetch(BASE + '/api/screen?format=xlsx', { method: 'POST', credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
        if (!res.ok) { status.textContent = tx('导出失败'); return; }
        const a = document.createElement('a');
        a.href = URL.createObjectURL(await res.blob());
        a.download = `${tx('项目预筛查')}_${new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)}.xlsx`;
        document.body.append(a);
        a.click();
        a.remove();
      });
      document.getElementById('screen-print').addEventListener('click', () => window.print());
    } catch (e) { status.textContent = ''; out.innerHTML = html`<div class="error" role="alert">${e.message}</div>`; }
  });
}

function result(r) {
  const ha = (m2) => (m2 / 1e4).toFixed(2);
  const findings = r.findings.length ? html`<ol>${r.findings.map((f) => html`<li><span class="badge v-${f.verdict}">${label('screen_verdict', f.verdict)}</span>
    ${zh(f.reason)}${f.basis ? html`<div class="muted">${tx('依据：')}${zh(f.basis)}</div>` : ''}</li>`).reduce(catHtml, '')}</ol>`
    : html`<p>${tx('未发现与空间管控要求冲突之处。')}</p>`;
  const overlaps = r.overlaps.length ? html`<table><thead><tr><th>${tx('图层')}</th><th>${tx('要素')}</th><th>${tx('重叠面积（公顷）')}</th><th>${tx('占项目比例')}</th></tr></thead><tbody>${
    r.overlaps.map((o) => html`<tr><td>${esc(label('layer_kind', o.kind))}</td><td>${zh(o.name || o.feature)}${o.code ? html` ${code(o.code)}` : ''}</td><td>${ha(o.area_m2)}</td><td>${(100 * o.share).toFixed(1)}%</td></tr>`).reduce(catHtml, '')}</tbody></table>`
    : html`<div class="empty">${tx('无')}</div>`;
  const nearby = r.nearby.length ? html`<table><thead><tr><th>${tx('图层')}</th><th>${tx('最近要素')}</th><th>${tx('距离（米）')}</th></tr></thead><tbody>${
    r.nearby.map((n) => html`<tr><td>${esc(label('layer_kind', n.kind))}</td><td>${zh(n.name || n.feature)}</td><td>${Math.round(n.distance_m)}</td></tr>`).reduce(catHtml, '')}</tbody></table>`
    : html`<div class="empty">${tx('无')}</div>`;
  const clauses = r.clauses.length ? html`<table><thead><tr><th>${tx('管控单元')}</th><th>${tx('维度')}</th><th>${tx('类型')}</th><th>${tx('条款')}</th></tr></thead><tbody>${
    r.clauses.map((c) => html`<tr><td>${code(c.unit_code)}</td><td>${esc(label('clause_dimension', c.dimension))}</td><td>${esc(label('clause_rule', c.rule))}</td><td>${zh(c.text)}<div class="muted">${zh(c.source)}</div></td></tr>`).reduce(catHtml, '')}</tbody></table>`
    : html`<div class="empty">${tx('无')}</div>`;
  return html`<h2>${tx('研判结论')}</h2>
    <p class="report-actions"><button type="button" id="screen-xlsx">${tx('⬇ 导出研判报告（xlsx）')}</button> <button type="button" id="screen-print">${tx('打印研判报告')}</button></p><p><span id="screen-verdict" class="verdict v-${r.verdict}" data-verdict="${r.verdict}">${label('screen_verdict', r.verdict)}</span>
    <span class="muted">${tx('项目用地')} ${ha(r.project_area_m2)} ${tx('公顷')}${r.industry ? html` · ${tx('行业')} ${code(r.industry)}` : ''}</span></p>
    ${findings}<h2>${tx('涉及的图层')}</h2>${overlaps}<h2>${tx('周边 5 公里内最近的保护要素')}</h2>${nearby}<h2>${tx('适用的生态环境准入清单条款')}</h2>${clauses}`;
}

