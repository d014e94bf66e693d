// views/monitoring.js: the monitoring network: stations, map, AQI calendar, water sections, noise zones, alarms; one station.
import { isEnglish, zhLang, zh, said, factorLabel, factorName, unitLabel, code, label, api, loading, chart, html, esc, catHtml, may } from '../common.js';
import { tx } from '../i18n.js';

export async function viewMonitoring(_param, $view) {
  loading(tx('监测站点'));
  const [stations, alarms] = await Promise.all([api('/api/stations'), api('/api/alarms').catch(() => [])]);
  $view().innerHTML = html`<h1>${tx('监测网络')} <span class="muted">（${stations.length} ${tx('个站点）')}</span></h1>
    <div class="grid2"><div><div id="map" role="region" aria-label="${tx('站点分布图')}"></div><div id="map-legend" class="legend" aria-label="${tx('图例')}"></div>
      <fieldset id="layer-switch" class="layer-switch"><legend>${tx('一张图图层')}</legend></fieldset><div id="feature-info" class="feature-info" aria-live="polite"></div></div>
    <div><h2 style="margin-top:0">${tx('站点')}</h2>${stations.length ? html`<table><thead><tr><th>${tx('站点编码')}</th><th>${tx('名称')}</th><th>${tx('类型')}</th><th>${tx('乡镇/河流')}</th></tr></thead><tbody>${
      stations.map((s) => html`<tr><td><a href="#/station/${esc(s.mn)}">${code(s.mn)}</a></td><td>${zh(s.name)}</td><td>${esc(label('station_kind', s.kind) || s.kind)}</td><td>${zh(`${s.township || ''} ${s.river || ''}`.trim())}</td></tr>`).reduce(catHtml, '')}</tbody></table>`
      : html`<div class="empty">${tx('尚未登记站点（由管理员在命令行登记）')}</div>`}</div></div>
    <h2>${tx('空气质量日历（AQI，按 HJ 633 依日期选用 2012 或 2026 版）')}</h2>
    ${stations.some((s) => s.kind === 'air') ? html`<div class="filters"><label>${tx('站点')} <select id="aqi-station">${stations.filter((s) => s.kind === 'air').map((s) =>
      html`<option value="${esc(s.mn)}"${zhLang()}>${s.name}</option>`).reduce(catHtml, '')}</select></label>
      <label>${tx('年份')} <select id="aqi-year">${[0, 1, 2].map((k) => new Date().getFullYear() - k).map((y) => html`<option>${y}</option>`).reduce(catHtml, '')}</select></label>
      <span id="aqi-summary" class="muted"></span></div><div id="aqi-calendar" class="chart" style="height:220px"></div>` : html`<div class="empty">${tx('没有空气站')}</div>`}
    <h2>${tx('水质断面类别（GB 3838—2002，月均值单因子评价）')}</h2>
    <div class="filters"><label>${tx('月份（水质、噪声）')} <input id="water-month" type="month" value="${esc(lastMonth())}"></label><span class="muted">${tx('目标：长江干流及主要支流 II 类')}</span></div>
    <div id="water-table"><p class="loading">${tx('加载中…')}</p></div>
    <h2>${tx('声环境功能区（GB 3096—2008，昼间 Ld / 夜间 Ln）')}</h2>
    <div id="noise-table"><p class="loading">${tx('加载中…')}</p></div>
    <h2>${tx('报警（')}${alarms.length}）</h2>${alarms.length ? html`<table><thead><tr><th>${tx('站点')}</th><th>${tx('类型')}</th><th>${tx('时间')}</th><th>${tx('说明')}</th></tr></thead><tbody>${
      alarms.slice(0, 200).map((a) => html`<tr><td>${code(a.mn)}</td><td>${esc({ over_standard: tx('超标'), silent: tx('断线'), maintenance: tx('长时间维护') }[a.kind] || a.kind)}</td><td>${esc(a.time || '—')}</td><td>${esc(alarmText(a.detail))}</td></tr>`).reduce(catHtml, '')}</tbody></table>` : html`<div class="empty">${tx('当前无报警')}</div>`}`;
  import('../map.js').then((m) => {
    // The map's code may arrive after the user has moved on to another view: then there is no map to draw.
    const legend = document.getElementById('map-legend');
    if (!legend || !document.getElementById('map')) return;
    const map = m.drawStationMap(stations);
    // The county's spatial layers under the stations: a switcher per kind, feature info on click.
    if (map) m.addPlanLayers(map, { switcher: document.getElementById('layer-switch'), info: document.getElementById('feature-info'),
      kindLabel: (k) => label('layer_kind', k), zone: (k, z) => label('layer_zone', `${k}:${z}`) }).catch(() => {});
    // Neighbours' stations came under their licences: the county's own users see them, the public does not.
    if (map && may('read', 'internal')) m.addPartnerStations(map, document.getElementById('feature-info')).catch(() => 0);
    legend.innerHTML = String(m.legend().map(([color, name, kind]) =>
      html`<span class="key"><i class="key-${kind}" style="--c:${color}"></i>${name}</span>`).reduce(catHtml, ''));
  });
  const month = document.getElementById('water-month');
  month.addEventListener('change', () => { drawWaterTable(month.value); drawNoiseTable(month.value); });
  drawWaterTable(month.value);
  drawNoiseTable(month.value);
  const pickStation = document.getElementById('aqi-station');
  if (pickStation) {
    const draw = () => drawAqiCalendar(pickStation.value, document.getElementById('aqi-year').value);
    pickStation.addEventListener('change', draw);
    document.getElementById('aqi-year').addEventListener('change', draw);
    draw();
  }
}

function lastMonth() {
  const d = new Date(Date.now() + 8 * 3600e3);
  d.setUTCDate(0);  // the last day of the previous month
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
const WATER_COLORS = { I: '#4fc3f7', II: '#1e88e5', III: '#43a047', IV: '#fdd835', V: '#fb8c00', '劣V': '#e53935' };
async function drawWaterTable(month) {
  const el = document.getElementById('water-table');
  el.innerHTML = html`<p class="loading">${tx('计算中…')}</p>`;
  try {
    const d = await api('/api/water/sections?month=' + encodeURIComponent(month));
    const rows = d.sections.slice().sort((a, b) => (a.river + a.lon).localeCompare(b.river + b.lon));
    el.innerHTML = rows.length ? html`<table><thead><tr><th>${tx('河流')}</th><th>${tx('断面')}</th><th>${tx('类别')}</th><th>${tx('达标')}</th><th>${tx('月均值（mg/L）')}</th><th>${tx('小时数据')}</th><th>${tx('说明')}</th></tr></thead><tbody>${rows.map((r) =>
      html`<tr><td>${zh(r.river)}</td><td>${zh(r.name)}</td><td>${r.class ? html`<span class="badge" style="background:${WATER_COLORS[r.class] || '#888'}">${esc(r.class)}${tx('类')}</span>` : html`<span class="muted">${tx('无数据')}</span>`}</td>
       <td>${r.meets_target == null ? '—' : r.meets_target ? tx('达标') : html`<b style="color:var(--red)">${tx('未达标')}</b>`}</td>
       <td>${Object.entries(r.means).map(([k, v]) => `${k} ${v}`).join('，')}</td><td>${r.values}</td><td class="muted">${esc(r.explanation)}</td></tr>`).reduce(catHtml, '')}</tbody></table>
       <p class="muted">${said(d, 'method')}</p>` : html`<div class="empty">${tx('没有水质站')}</div>`;
  } catch (e) { el.innerHTML = html`<div class="error">${esc(e.message)}</div>`; }
}

async function drawNoiseTable(month) {
  const el = document.getElementById('noise-table');
  el.innerHTML = html`<p class="loading">${tx('计算中…')}</p>`;
  const cell = (level, limit, n, ok) => level == null ? html`<span class="muted">${tx('无数据')}</span>`
    : html`${esc(level)} dB(A)${limit != null && Number(level) > limit ? html` <b style="color:var(--red)">${tx('超标')}</b>` : ''}<div class="muted">${ok}/${n} ${tx('天达标')}</div>`;
  try {
    const d = await api('/api/noise/zones?month=' + encodeURIComponent(month));
    el.innerHTML = d.points.length ? html`<table><thead><tr><th>${tx('监测点')}</th><th>${tx('功能区')}</th><th>${tx('昼间（限值）')}</th><th>${tx('昼间月均')}</th><th>${tx('夜间（限值）')}</th><th>${tx('夜间月均')}</th></tr></thead><tbody>${d.points.map((p) =>
      html`<tr><td>${zh(p.name)}</td><td>${p.zone ? esc(p.zone) + tx(' 类') : html`<span class="muted">${tx('未登记')}</span>`}</td><td>${p.day_limit ?? '—'}</td>
       <td>${cell(p.day_level, p.day_limit, p.days, p.days_within_limit)}</td><td>${p.night_limit ?? '—'}</td>
       <td>${cell(p.night_level, p.night_limit, p.nights, p.nights_within_limit)}</td></tr>`).reduce(catHtml, '')}</tbody></table>
       <p class="muted">${said(d, 'method')}</p>` : html`<div class="empty">${tx('没有噪声监测点')}</div>`;
  } catch (e) { el.innerHTML = html`<div class="error">${esc(e.message)}</div>`; }
}

// HJ 633 Table 2 levels and colours (一级 green … 六级 maroon).
const AQI_LEVELS = [[0, 50, '#00e400', tx('优')], [51, 100, '#ffff00', tx('良')], [101, 150, '#ff7e00', tx('轻度污染')],
  [151, 200, '#ff0000', tx('中度污染')], [201, 300, '#99004c', tx('重度污染')], [301, 9999, '#7e0023', tx('严重污染')]];
let aqiCalendarRequest = 0;
async function drawAqiCalendar(mn, year) {
  const el = document.getElementById('aqi-calendar');
  const summary = document.getElementById('aqi-summary');
  // A chart drawn before is disposed (a second init on the same element would draw nowhere), and a
  // slower answer for an earlier choice never overwrites a newer one.
  const request = ++aqiCalendarRequest;
  el.innerHTML = html`<p class="loading">${tx('计算中…')}</p>`;
  try {
    const d = await api(`/api/air/daily?mn=${encodeURIComponent(mn)}&year=${year}`);
    if (request !== aqiCalendarRequest) return;
    const valid = d.days.filter((x) => x.valid && x.aqi != null);
    const good = valid.filter((x) => x.aqi <= 100).length;
    summary.textContent = valid.length ? `${tx('有效天数')} ${valid.length}${tx('，优良')} ${good} ${tx('天（')}${(100 * good / valid.length).toFixed(1)}${tx('%）；由')} ${d.hours_used} ${tx('条小时数据计算')}` : '';
    if (!valid.length) { el.innerHTML = html`<div class="empty">${tx('该年没有有效日数据')}</div>`; return; }
    el.innerHTML = '';
    (await chart(el)).setOption({
      animation: false,
      tooltip: { formatter: (p) => `${p.value[0]}：AQI ${p.value[1]}` },
      visualMap: { type: 'piecewise', orient: 'horizontal', left: 'center', bottom: 0,
        pieces: AQI_LEVELS.map(([min, max, color, label]) => ({ min, max, color, label })) },
      calendar: { range: String(year), top: 30, left: 40, right: 20, cellSize: ['auto', 15], dayLabel: { nameMap: isEnglish ? 'EN' : 'ZH' }, monthLabel: { nameMap: isEnglish ? 'EN' : 'ZH' }, yearLabel: { show: false } },
      series: [{ type: 'heatmap', coordinateSystem: 'calendar', data: valid.map((x) => [x.date, x.aqi]) }],
    });
  } catch (e) { el.innerHTML = html`<div class="error">${esc(e.message)}</div>`; }
}
// The server words alarms in English (for logs and scripts); the dashboard says them in Chinese.
function alarmText(detail) {
  return detail
    .replace(/^no data ever received$/, tx('从未收到数据'))
    .replace(/^no data since (\S+)(?: \(limit (\d+) h\))?$/, (m, t, h) => `${tx('自')} ${t} ${tx('起无数据')}${h ? `${tx('（超过')} ${h} ${tx('小时）')}` : ''}`)
    .replace(/ above /, tx(' 超过 ')).replace(/ is class /, tx(' 为 '));
}
export async function viewStation(mn, $view) {
  loading(tx('站点数据'));
  const [obs, stations] = await Promise.all([api(`/api/stations/${encodeURIComponent(mn)}/observations?limit=2000`), api('/api/stations')]);
  const factors = [...new Set(obs.map((o) => o.factor))];
  const station = stations.find((s) => s.mn === mn);
  $view().innerHTML = html`<p><a href="#/monitoring">${tx('← 监测网络')}</a></p><h1>${station ? zh(station.name) : tx('站点')} <span class="muted">${code(mn)}</span></h1>
    ${obs.length ? html`<div id="chart" class="chart"></div><p class="muted">${tx('最近')} ${obs.length} ${tx('条观测；因子')} ${factors.map(factorLabel).reduce((a, b) => html`${a}${a ? '、' : ''}${b}`, '')}</p>` : html`<div class="empty">${tx('该站点暂无数据')}</div>`}`;
  if (!obs.length) return;
  // Each series named by its factor and unit (the unit as the station sent it).
  const unitOf = (f) => unitLabel((obs.find((o) => o.factor === f) || {}).unit || '');
  const series = factors.map((f) => ({ name: `${factorName(f)} ${unitOf(f)}`.trim(), type: 'line', showSymbol: false,
    data: obs.filter((o) => o.factor === f && Number.isFinite(Number(o.value))).map((o) => [o.time, Number(o.value)]) }));
  // The axis carries the unit when every factor shares one; otherwise each series names its own.
  const units = [...new Set(factors.map(unitOf))];
  (await chart(document.getElementById('chart'))).setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: {},
    xAxis: { type: 'time', name: tx('时间') }, yAxis: { type: 'value', scale: true, name: units.length === 1 ? units[0] : tx('数值（单位见图例）') },
    dataZoom: [{ type: 'inside' }, {}], series });
}
