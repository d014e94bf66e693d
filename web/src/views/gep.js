// views/gep.js: the ecosystem account (生态系统生产总值 GEP) of a year as recorded — the headline
// figures, value by service and by category, GEP and GDP over the years, a township map (value per
// km² of all raster services or of one, 水土保持率 or forest cover), every valuation line with its quantity, price and formula, the
// price table with its sources, the sensitivity of GEP to each price, and the inputs by hash.
import { api, html, esc, catHtml, zh, code, chart } from '../common.js';
import { tx, isEnglish } from '../i18n.js';

const SERVICES = {
  provisioning: tx('物质产品'), water_conservation: tx('水源涵养'), soil_retention: tx('土壤保持'), carbon: tx('固碳'),
  oxygen: tx('释氧'), climate: tx('气候调节'), flood: tx('洪水调蓄'), air: tx('空气净化'), water_purification: tx('水质净化'),
  cultural: tx('文化服务'),
};
const LINES = {
  'soil_retention.sediment': tx('减少泥沙淤积'), 'soil_retention.nitrogen': tx('减少氮面源污染'),
  'soil_retention.phosphorus': tx('减少磷面源污染'), 'climate.vegetation': tx('植被蒸腾'), 'climate.water': tx('水面蒸发'),
  'air.so2': tx('净化二氧化硫'), 'air.nox': tx('净化氮氧化物'), 'air.dust': tx('滞尘'), 'water_purification.cod': tx('净化化学需氧量'),
  'water_purification.nh3n': tx('净化氨氮'), 'provisioning.products': tx('农林牧渔产品'),
  'provisioning.water_use_domestic': tx('生活用水'), 'provisioning.water_use_industrial': tx('工业用水'),
  'provisioning.water_use_agricultural': tx('农业用水'), 'cultural.tourism': tx('休闲旅游'),
};
const CATEGORIES = { provisioning: tx('物质产品'), regulating: tx('调节服务'), cultural: tx('文化服务') };
const COLORS = { provisioning: '#b7791f', regulating: '#2f855a', cultural: '#2b6cb0' };
const DEFINITIONS = {
  realised_share: tx('已实现价值占比：（物质产品 + 文化服务 + 已获偿付的调节服务）÷ GEP'),
  provisioning_cultural: tx('（物质产品 + 文化服务）÷ GEP'), gdp_over_gep: tx('GDP ÷ GEP'),
};

const yi = (yuan) => (Number(yuan) / 1e8).toFixed(2);  // 亿元
const serviceName = (s) => SERVICES[s] || code(s);
const lineName = (l) => (LINES[l.id] ? html`${serviceName(l.service)} · ${LINES[l.id]}` : serviceName(l.service));
const quantity = (q) => {
  const a = Math.abs(Number(q));
  if (a >= 1e8) return html`${(q / 1e8).toFixed(2)} ${tx('亿')}`;
  if (a >= 1e4) return html`${(q / 1e4).toFixed(2)} ${tx('万')}`;
  return esc(Number(q).toLocaleString('zh-CN', { maximumFractionDigits: 3 }));
};

export async function viewGep(param, $view) {
  const year = /^\d{4}$/.test(param || '') ? param : '';
  let d;
  try { d = await api('/api/gep' + (year ? `?year=${year}` : '')); } catch (e) {
    $view().innerHTML = html`<h1>${tx('生态系统生产总值（GEP）核算')}</h1><div class="empty">${esc(e.message)}</div>`;
    return;
  }
  const years = [...d.years_recorded].sort();
  d.prices = d.prices || [];  // accounts recorded before the price table was kept have none
  const price = Object.fromEntries(d.prices.map((p) => [p.id, p]));
  const cat = (c) => d.categories[c] ?? 0;
  const def = d.gdp_ratio.definition;
  const towns = [...d.townships].sort((a, b) => b.value_per_km2_yuan - a.value_per_km2_yuan);

  const lineRows = d.lines.map((l) => {
    const p = price[l.price];
    return html`<tr><td>${lineName(l)}</td><td>${CATEGORIES[l.category] || code(l.category)}</td>
      <td class="num">${quantity(l.quantity)} ${zh(l.unit)}</td>
      <td>${p ? html`${esc(p.value)} ${zh(p.unit)}` : html`<span class="muted">${tx('统计数据')}</span>`}</td>
      <td class="num">${yi(l.value_yuan)} ${tx('亿元')}</td><td><span class="formula" translate="no"${isEnglish ? html` lang="zh-CN"` : ''}>${l.method}</span></td></tr>`;
  }).reduce(catHtml, '');
  const priceRows = d.prices.map((p) => html`<tr><td>${zh(p.name)}</td><td>${p.kind === 'price' ? tx('价格') : tx('参数')}</td>
    <td class="num">${esc(p.value)} ${zh(p.unit)}</td><td>${esc(p.year)}</td><td>${zh(p.source)}</td></tr>`).reduce(catHtml, '');
  const sensRows = d.sensitivity.map((s) => html`<tr><td>${zh(s.name)}</td><td class="num">${esc(s.value)} ${zh(s.unit)}</td>
    <td class="num">±${yi(s.delta_yuan)} ${tx('亿元')}</td><td class="num">±${(100 * s.delta_share).toFixed(2)}%</td></tr>`).reduce(catHtml, '');
  const townRows = towns.map((t) => html`<tr data-code="${esc(t.code)}"><td>${zh(t.name)}</td><td class="num">${esc(t.area_km2.toFixed(2))} km²</td>
    <td class="num">${yi(t.raster_value_yuan)} ${tx('亿元')}</td><td class="num">${(t.value_per_km2_yuan / 1e4).toFixed(1)} ${tx('万元/km²')}</td>
    <td class="num">${esc(t.soil_conservation_rate)}%</td><td class="num">${esc(t.forest_coverage)}%</td></tr>`).reduce(catHtml, '');
  // The file and its folder: where the server keeps them is no one else's business.
  // The map's figures: value per km² of all raster services or of one, 水土保持率, forest cover.
  const townServices = Object.keys(SERVICES).filter((k) => d.townships.some((t) => t.services_yuan && t.services_yuan[k]));
  const figureOptions = [html`<option value="value">${tx('单位面积价值（全部调节服务）')}</option>`,
    ...townServices.map((k) => html`<option value="service:${k}">${tx('单位面积价值：')}${SERVICES[k]}</option>`),
    html`<option value="soil">${tx('水土保持率')}</option>`, html`<option value="forest">${tx('森林覆盖率')}</option>`].reduce(catHtml, '');
  const inputRows = d.inputs.map((i) => html`<tr><td>${code(i.path.split('/').slice(-2).join('/'))}</td><td>${code(i.sha256.slice(0, 16) + '…')}</td></tr>`).reduce(catHtml, '');
  const yearLinks = years.map((y) => (String(y) === String(d.year) ? html`<b>${esc(y)}</b>` : html`<a href="#/gep/${esc(y)}">${esc(y)}</a>`))
    .reduce((a, x) => (a === '' ? x : html`${a} · ${x}`), '');

  $view().innerHTML = html`<h1>${tx('生态系统生产总值（GEP）核算')} <span class="muted">${esc(d.year)} ${tx('年')}</span></h1>
    <p>${tx('核算年份：')}${yearLinks}</p>
    <div class="summary gep-figures">
      <div class="sum">GEP <b>${yi(d.gep_yuan)}</b> ${tx('亿元')}</div>
      <div class="sum">GDP <b>${yi(d.gdp_yuan)}</b> ${tx('亿元')}</div>
      <div class="sum">${tx('GEP 的 GDP 转化率')} <b>${esc(d.gdp_ratio.value)}</b>%</div>
      <div class="sum">${tx('水土保持率')} <b>${esc(d.soil_conservation_rate)}</b>%</div>
      <div class="sum">${tx('森林覆盖率（栅格）')} <b>${esc(d.forest_coverage)}</b>%</div>
      <div class="sum">${tx('核算面积')} <b>${esc(Number(d.area_km2).toFixed(1))}</b> km²</div>
    </div>
    <p class="muted">${tx('转化率口径：')}${DEFINITIONS[def] || code(def)}${tx('；')}${tx('物质产品')} ${yi(cat('provisioning'))} ${tx('亿元')}${tx('，')}${tx('调节服务')} ${yi(cat('regulating'))} ${tx('亿元')}${tx('，')}${tx('文化服务')} ${yi(cat('cultural'))} ${tx('亿元')}${tx('。')}
      ${d.run_id ? html`<a class="lineage" href="#/lineage/run:${esc(d.run_id)}">${tx('评估运行 #')}${esc(d.run_id)}</a>` : ''}</p>
    <div class="grid2">
      <section><h2>${tx('按服务类别的价值（亿元）')}</h2><div id="gep-services" class="chart" role="img" aria-label="${tx('按服务类别的价值柱状图')}"></div></section>
      <section><h2>${tx('GEP 与 GDP 逐年（亿元）')}</h2><div id="gep-years" class="chart" role="img" aria-label="${tx('GEP 与 GDP 逐年折线图')}"></div></section>
    </div>
    <section><h2>${tx('分乡镇（街道）')}</h2>
      <p class="muted">${tx('地图与表中的价值仅含由栅格核算的调节服务（按乡镇边界分区汇总）；物质产品、文化服务和洪水调蓄、空气与水质净化只在全县核算。')}</p>
      <p><label>${tx('地图指标')} <select id="town-figure">${figureOptions}</select></label></p>
      <div class="grid2"><div><div id="town-map" class="chart" role="region" aria-label="${tx('分乡镇（街道）分级设色图')}"></div><div class="legend" id="town-legend"></div></div>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${tx('分乡镇（街道）数值表')}"><table><thead><tr><th>${tx('乡镇（街道）')}</th><th>${tx('面积')}</th><th>${tx('调节服务价值')}</th><th>${tx('单位面积价值')}</th><th>${tx('水土保持率')}</th><th>${tx('森林覆盖率')}</th></tr></thead><tbody>${townRows}</tbody></table></div></div>
    </section>
    <section><h2>${tx('核算明细：实物量 × 价格')}</h2>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${tx('核算明细表')}"><table><thead><tr><th>${tx('服务')}</th><th>${tx('类别')}</th><th>${tx('实物量')}</th><th>${tx('价格')}</th><th>${tx('价值')}</th><th>${tx('方法')}</th></tr></thead><tbody>${lineRows}</tbody></table></div>
    </section>
    <section><h2>${tx('价格敏感性（单价 ±10%）')}</h2>
      <p class="muted">${tx('每项单价上调或下调 10% 时 GEP 的变化；各核算项与单价成正比，上下对称。')}</p>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${tx('价格敏感性表')}"><table><thead><tr><th>${tx('单价')}</th><th>${tx('取值')}</th><th>${tx('GEP 变化')}</th><th>${tx('占 GEP')}</th></tr></thead><tbody>${sensRows}</tbody></table></div>
    </section>
    <section><h2>${tx('价格与参数')}</h2>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${tx('价格与参数表')}"><table><thead><tr><th>${tx('名称')}</th><th>${tx('类型')}</th><th>${tx('取值')}</th><th>${tx('价格年份')}</th><th>${tx('来源')}</th></tr></thead><tbody>${priceRows}</tbody></table></div>
    </section>
    <section><h2>${tx('方法与输入')}</h2>
      <p>${tx('方法配置：')}${code(d.profile)}${tx('；')}${tx('计算时间：')}${esc(d.computed_at || '')}${tx('；')}${tx('结果指纹：')}${code(String(d.fingerprint || '').slice(0, 16) + '…')}</p>
      <p class="muted">${tx('栅格按分块逐块汇总、按块序相加：单机多线程与多机并行计算的结果逐位相同，指纹一致即数值一致。')}</p>
      <div class="table-scroll" tabindex="0" role="region" aria-label="${tx('输入文件表')}"><table><thead><tr><th>${tx('输入文件')}</th><th>SHA-256</th></tr></thead><tbody>${inputRows}</tbody></table></div>
    </section>`;

  if (!$view().isConnected) return;  // the user moved on while the account loaded: the page went nowhere
  // Everything drawn after an await is taken now: if the user moves on meanwhile, the late
  // drawing lands in the page they left (detached, harmless).
  const el = document.getElementById('gep-services'), yEl = document.getElementById('gep-years');
  const mapEl = document.getElementById('town-map'), legendEl = document.getElementById('town-legend');
  const select = document.getElementById('town-figure');

  // Value by service, coloured by category, largest first.
  const services = Object.entries(d.services).sort((a, b) => b[1] - a[1]);
  const catOf = Object.fromEntries(d.lines.map((l) => [l.service, l.category]));
  const c1 = await chart(el);
  c1.setOption({ animation: false, tooltip: { trigger: 'axis', valueFormatter: (v) => `${v} ${tx('亿元')}` }, grid: { left: 90, right: 20, top: 10, bottom: 30 },
    xAxis: { type: 'value', name: tx('亿元') }, yAxis: { type: 'category', inverse: true, data: services.map(([s]) => SERVICES[s] || s) },
    series: [{ type: 'bar', data: services.map(([s, v]) => ({ value: Number(yi(v)), itemStyle: { color: COLORS[catOf[s]] || '#718096' } })) }] });

  // GEP and GDP over the recorded years (each year's account at the profile's constant prices).
  const all = await Promise.all(years.map((y) => (String(y) === String(d.year) ? d : api(`/api/gep?year=${y}`).catch(() => null))));
  if (!yEl.isConnected) return;
  const c2 = await chart(yEl);
  c2.setOption({ animation: false, tooltip: { trigger: 'axis', valueFormatter: (v) => `${v} ${tx('亿元')}` }, legend: { top: 5 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 }, xAxis: { type: 'category', data: years.map(String) }, yAxis: { type: 'value', scale: true, name: tx('亿元') },
    series: [{ name: 'GEP', type: 'line', data: all.map((x) => (x ? Number(yi(x.gep_yuan)) : null)) },
      { name: 'GDP', type: 'line', data: all.map((x) => (x ? Number(yi(x.gdp_yuan)) : null)) }] });

  // The township map: the chosen figure in five classes.
  const m = await import('../map.js');
  if (!mapEl.isConnected) return;
  const figure = (k) => {
    if (k === 'soil') return { get: (t) => Number(t.soil_conservation_rate), unit: '%' };
    if (k === 'forest') return { get: (t) => Number(t.forest_coverage), unit: '%' };
    if (k.startsWith('service:')) {
      const service = k.slice('service:'.length);
      return { get: (t) => ((t.services_yuan && t.services_yuan[service]) || 0) / t.area_km2 / 1e4, unit: tx('万元/km²') };
    }
    return { get: (t) => t.value_per_km2_yuan / 1e4, unit: tx('万元/km²') };
  };
  let map = null;
  const show = (k) => {
    const f = figure(k);
    const values = Object.fromEntries(d.townships.map((t) => [t.code, f.get(t)]));
    const breaks = m.classBreaks(Object.values(values));
    const fmt = (n) => String(Math.round(n * 10) / 10);
    legendEl.innerHTML = breaks.map((b) => html`<span class="key"><i style="background:${b.color}"></i>${fmt(b.from)}–${fmt(b.to)} ${esc(f.unit)}</span>`).reduce(catHtml, '');
    if (map) map.setTarget(null);
    mapEl.innerHTML = '';
    delete mapEl.dataset.ready;
    map = m.drawChoropleth(mapEl, d.township_polygons, values, breaks, (code) => {
      for (const r of document.querySelectorAll('tr.picked')) r.classList.remove('picked');
      const row = document.querySelector(`tr[data-code="${CSS.escape(code)}"]`);
      if (row) { row.classList.add('picked'); row.scrollIntoView({ block: 'nearest' }); }
    });
  };
  select.addEventListener('change', () => show(select.value));
  show(select.value);
}
