// map.js: the one map — stations, the county's spatial layers (/api/layers) with a switcher and
// feature info, and drawing a project site for screening. OpenLayers modules imported one by one
// (only what the map uses ships), local vector layers only (no internet tiles on a county network);
// loaded when a view with a map opens.
import { tx } from './i18n.js';
import { BASE } from './common.js';
import Draw from 'ol/interaction/Draw.js';
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import { fromLonLat } from 'ol/proj.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Style, Circle, Fill, Stroke, Text } from 'ol/style.js';
import { defaults as defaultControls, ScaleLine } from 'ol/control.js';

// The names the map code is written against.
const ol = { Map, View, Feature, geom: { Point }, proj: { fromLonLat }, layer: { Vector: VectorLayer },
  source: { Vector: VectorSource }, format: { GeoJSON }, style: { Style, Circle, Fill, Stroke, Text } };

const NEIGHBOURS = [[tx('奉节县'), 109.46, 31.02], [tx('巫溪县'), 109.57, 31.40], [tx('巴东县（湖北）'), 110.34, 31.04],
  [tx('建始县（湖北）'), 109.72, 30.60], [tx('神农架林区（湖北）'), 110.30, 31.55]];

// The map's controls with Chinese tooltips, and a metric scale bar in the corner.
const chineseControls = () => defaultControls({ zoomOptions: { zoomInTipLabel: tx('放大'), zoomOutTipLabel: tx('缩小') },
  rotateOptions: { tipLabel: tx('恢复正北方向') }, attributionOptions: { tipLabel: tx('数据来源'), label: 'ⓘ' } }).extend([new ScaleLine({ units: 'metric' })]);

/** The legend under the map: what each symbol means. */
export const legend = () => [['#2b6cb0', tx('空气自动站'), 'dot'], ['#0f9d9a', tx('水质断面'), 'dot'], ['#8a5a00', tx('噪声监测点'), 'dot'],
  ['#5aa9e6', tx('河流'), 'line'], ['#6b8f71', tx('县界'), 'area'], ['#5f6b71', tx('邻县（示意）'), 'text'],
  ['#7a4fa0', tx('毗邻县共享站点'), 'square']];

export function drawStationMap(stations) {
  const el = document.getElementById('map');
  const located = stations.filter((s) => s.lon != null && s.lat != null);
  if (!located.length) { el.innerHTML = `<div class="empty">${tx('站点无坐标')}</div>`; return; }
  const colors = { air: '#2b6cb0', water: '#0f9d9a', noise: '#8a5a00' };
  const features = located.map((s) => {
    const f = new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat([s.lon, s.lat])), station: s });
    f.setStyle(new ol.style.Style({ image: new ol.style.Circle({ radius: 6, fill: new ol.style.Fill({ color: colors[s.kind] || '#555' }), stroke: new ol.style.Stroke({ color: '#fff', width: 1.5 }) }),
      text: new ol.style.Text({ text: s.name, offsetY: -12, font: '12px sans-serif', fill: new ol.style.Fill({ color: '#1f2a30' }) }) }));
    return f;
  });
  const source = new ol.source.Vector({ features });
  // Local vector layers only: no internet tiles on a county network. The basemap (county outline,
  // rivers, township seats) is a demo approximation from docs/reference/wushan.md, served with the dashboard.
  const basemap = new ol.source.Vector({ url: '/data/wushan.geojson', format: new ol.format.GeoJSON({ featureProjection: 'EPSG:3857' }) });
  const baseStyle = (f) => {
    const layer = f.get('layer');
    if (layer === 'county') return new ol.style.Style({ fill: new ol.style.Fill({ color: 'rgba(120,170,120,0.12)' }), stroke: new ol.style.Stroke({ color: '#6b8f71', width: 1.5 }) });
    if (layer === 'river') return new ol.style.Style({ stroke: new ol.style.Stroke({ color: '#5aa9e6', width: f.get('main') ? 4 : 2 }),
      text: new ol.style.Text({ text: f.get('name'), placement: 'line', font: '11px sans-serif', fill: new ol.style.Fill({ color: '#1f5f8b' }) }) });
    return new ol.style.Style({ image: new ol.style.Circle({ radius: 2.5, fill: new ol.style.Fill({ color: '#8a969c' }) }),
      text: new ol.style.Text({ text: f.get('name'), offsetY: 10, font: '10px sans-serif', fill: new ol.style.Fill({ color: '#5b6b73' }) }) });
  };
  // Neighbouring counties as context (their seats, approximate; demo): Wushan shares the Yangtze
  // with Fengjie upstream and Badong downstream, the Daning River with Wuxi.
  const neighbours = new ol.source.Vector({ features: NEIGHBOURS.map(([name, lon, lat]) => {
    const f = new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat([lon, lat])) });
    f.setStyle(new ol.style.Style({ text: new ol.style.Text({ text: name, font: 'italic 12px sans-serif', fill: new ol.style.Fill({ color: '#5f6b71' }) }) }));
    return f;
  }) });
  // Labels are decluttered (a label that would overlap a drawn one is left out at this zoom), the
  // controls speak Chinese, and a metric scale bar sits in the corner.
  const controls = chineseControls();
  const map = new ol.Map({ target: el, controls,
    layers: [new ol.layer.Vector({ source: basemap, style: baseStyle, declutter: true }), new ol.layer.Vector({ source: neighbours, declutter: true }),
      new ol.layer.Vector({ source, declutter: true })],
    view: new ol.View({ center: ol.proj.fromLonLat([109.88, 31.12]), zoom: 9 }) });
  basemap.once('featuresloadend', () => map.getView().fit(basemap.getExtent(), { padding: [10, 10, 10, 10] }));
  // A station opens its page; a feature of a plan layer shows what it is in the info panel.
  map.on('click', (ev) => map.forEachFeatureAtPixel(ev.pixel, (f) => {
    if (f.get('station')) { location.hash = '#/station/' + f.get('station').mn; return true; }
    if (f.get('partnerStation')) { showPartnerInfo(f.get('partnerStation'), f.get('partner')); return true; }
    if (f.get('kind')) { showInfo(f); return true; }
    return false;
  }));
  return map;
}

// ---- the county's spatial layers (/api/layers) ----

// How each kind of layer is drawn: fill, outline, and whether it is on when the map opens.
const KIND_STYLE = {
  county: ['rgba(0,0,0,0)', '#4f6f56', true], township: ['rgba(0,0,0,0)', '#8a969c', false],
  ecological_red_line: ['rgba(200,40,40,0.20)', '#b02a2a', true], permanent_farmland: ['rgba(230,190,60,0.35)', '#a07a00', true],
  urban_boundary: ['rgba(120,120,120,0.15)', '#505a60', true], control_unit: ['rgba(0,0,0,0)', '#7a4fa0', false],
  nature_reserve: ['rgba(60,150,80,0.22)', '#2e7d4f', true], heritage_site: ['rgba(40,120,160,0.18)', '#1f5f8b', false],
  water_source: ['rgba(70,140,220,0.30)', '#1f5f8b', true], river: ['rgba(0,0,0,0)', '#5aa9e6', false],
  park: ['rgba(80,170,90,0.45)', '#2e7d4f', false], road: ['rgba(0,0,0,0)', '#6b5a3a', false],
  residential: ['rgba(230,150,120,0.30)', '#b5651d', false], land_cover: ['rgba(40,130,60,0.40)', '#2e7d4f', false],
};
// Land cover by the first two digits of its GB/T 21010 class: forest, cropland, grass, water, built-up.
const LAND_FILL = { '01': 'rgba(230,200,90,0.45)', '02': 'rgba(200,210,90,0.45)', '03': 'rgba(40,130,60,0.40)',
  '04': 'rgba(150,200,110,0.40)', '11': 'rgba(80,150,230,0.45)' };
const styleOf = (kind) => {
  const [fill, stroke] = KIND_STYLE[kind] || ['rgba(0,0,0,0.05)', '#555'];
  if (kind === 'land_cover') {
    const cache = {};
    return (f) => {
      const group = String(f.get('code') || '').slice(0, 2);
      cache[group] ||= new ol.style.Style({ fill: new ol.style.Fill({ color: LAND_FILL[group] || 'rgba(150,150,150,0.35)' }),
        stroke: new ol.style.Stroke({ color: 'rgba(255,255,255,0.6)', width: 0.5 }) });
      return cache[group];
    };
  }
  return new ol.style.Style({ fill: new ol.style.Fill({ color: fill }), stroke: new ol.style.Stroke({ color: stroke, width: 1.5 }) });
};

/** Five classes of equal width between the lowest and highest value (rounded outward to whole
 * units), light to dark green: [{from, to, color}]. */
export function classBreaks(values) {
  const colors = ['#edf8e9', '#bae4b3', '#74c476', '#31a354', '#006d2c'];
  const lo = Math.floor(Math.min(...values)), hi = Math.max(Math.ceil(Math.max(...values)), lo + 1);
  const step = (hi - lo) / colors.length;
  return colors.map((color, i) => ({ from: lo + i * step, to: lo + (i + 1) * step, color }));
}

/** A choropleth of the townships: `townships` a GeoJSON FeatureCollection with properties.code,
 * `values` code → number, `breaks` from classBreaks. A township without a value is hatched grey;
 * hovering or tapping a township calls `onPick(code)`. */
export function drawChoropleth(el, townships, values, breaks, onPick) {
  const fmt = new ol.format.GeoJSON({ featureProjection: 'EPSG:3857' });
  const features = fmt.readFeatures(townships);
  const styles = new globalThis.Map();
  const style = (f) => {
    const v = values[f.get('code')];
    const cls = v == null ? null : breaks.find((b, i) => v < b.to || i === breaks.length - 1);
    const fill = cls ? cls.color : 'rgba(200,200,200,0.5)';
    const key = fill + '|' + f.get('name');
    if (!styles.has(key)) styles.set(key, new ol.style.Style({ fill: new ol.style.Fill({ color: fill }), stroke: new ol.style.Stroke({ color: '#ffffff', width: 1 }),
      text: new ol.style.Text({ text: f.get('name') || '', font: '11px sans-serif', fill: new ol.style.Fill({ color: '#1f2a30' }),
        stroke: new ol.style.Stroke({ color: 'rgba(255,255,255,0.85)', width: 3 }), overflow: false }) }));
    return styles.get(key);
  };
  const source = new ol.source.Vector({ features });
  const controls = chineseControls();
  const map = new ol.Map({ target: el, controls, layers: [new ol.layer.Vector({ source, style, declutter: true })],
    view: new ol.View({ center: ol.proj.fromLonLat([109.88, 31.12]), zoom: 9 }) });
  if (features.length) map.getView().fit(source.getExtent(), { padding: [10, 10, 10, 10] });
  map.on('click', (ev) => map.forEachFeatureAtPixel(ev.pixel, (f) => (onPick && onPick(f.get('code')), true)));
  map.once('rendercomplete', () => { el.dataset.ready = '1'; });  // drawn: clicks now find the townships
  return map;
}

let infoPanel = null, zoneLabel = null;
function showInfo(f) {
  if (!infoPanel) return;
  const zone = f.get('zone') && zoneLabel ? zoneLabel(f.get('kind'), f.get('zone')) : '';
  const rows = [[tx('图层'), f.get('layer')], [tx('名称'), f.get('name')], [tx('编码'), f.get('code')], [tx('分区'), zone]]
    .filter(([, v]) => v);
  infoPanel.replaceChildren(...rows.map(([k, v]) => {
    const div = document.createElement('div');
    const b = document.createElement('b');
    b.textContent = `${k}${tx('：')}`;
    const span = document.createElement('span');
    span.textContent = v;
    span.lang = 'zh-CN';  // the county's own data
    div.append(b, span);
    return div;
  }));
}

// ---- neighbours' stations (/api/partners: harvested over SensorThings, kept apart) ----

/** Adds the stations harvested from neighbouring counties as purple squares, labelled with their
 * county; a click shows each series with its licence and latest value. Only the county's own users
 * read them (the public gets nothing: the data came under the partners' licences). */
export async function addPartnerStations(map, info) {
  infoPanel = info || infoPanel;
  const r = await fetch(BASE + '/api/partners', { credentials: 'same-origin' });
  if (!r.ok) return 0;
  const partners = await r.json();
  const features = [];
  for (const p of partners) for (const s of p.stations) {
    if (s.lon == null || s.lat == null) continue;
    const f = new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat([s.lon, s.lat])), partnerStation: s, partner: p });
    f.setStyle(new ol.style.Style({ image: new ol.style.RegularShape({ points: 4, radius: 7, angle: Math.PI / 4,
      fill: new ol.style.Fill({ color: '#7a4fa0' }), stroke: new ol.style.Stroke({ color: '#fff', width: 1.5 }) }),
    text: new ol.style.Text({ text: `${s.name}（${p.name}）`, offsetY: -13, font: '12px sans-serif', fill: new ol.style.Fill({ color: '#4b2d66' }) }) }));
    features.push(f);
  }
  if (features.length) map.addLayer(new ol.layer.Vector({ source: new ol.source.Vector({ features }), declutter: true }));
  return features.length;
}

function showPartnerInfo(s, p) {
  if (!infoPanel) return;
  const line = (k, v, own) => {
    const div = document.createElement('div');
    const b = document.createElement('b');
    b.textContent = `${k}${tx('：')}`;
    const span = document.createElement('span');
    span.textContent = v;
    if (own) span.lang = 'zh-CN';  // the partner's own words
    div.append(b, span);
    return div;
  };
  const rows = [line(tx('协作方'), `${p.name}（${p.partner}）`, true), line(tx('站点'), s.name, true)];
  for (const x of s.series) {
    const latest = x.latest ? `${x.latest.result} ${x.unit}（${x.latest.time}）` : tx('暂无数据');
    rows.push(line(x.property_name, latest, true), line(tx('许可'), `${x.licence}；${tx('提供方')}${tx('：')}${x.provider}`, true));
  }
  infoPanel.replaceChildren(...rows);
}

/** Adds the latest version of every stored layer under the other layers, with a switcher in
 * `switcher` (one checkbox per kind) and feature info in `info`. `labels` names the kinds. */
export async function addPlanLayers(map, { switcher, info, kindLabel, zone, only } = {}) {
  infoPanel = info || null;
  zoneLabel = zone || null;
  const all = await (await fetch(BASE + '/api/layers', { credentials: 'same-origin' })).json();
  const latest = new globalThis.Map();  // (Map here is OpenLayers' map)
  for (const l of all) if (!latest.has(l.name) || latest.get(l.name).version < l.version) latest.set(l.name, l);
  const byKind = new globalThis.Map();
  const fmt = new ol.format.GeoJSON({ featureProjection: 'EPSG:3857' });
  for (const l of latest.values()) {
    if (only && !only.includes(l.kind)) continue;
    const fc = await (await fetch(BASE + '/api/layers/' + l.id, { credentials: 'same-origin' })).json();
    const features = fmt.readFeatures(fc);
    for (const f of features) {
      const p = f.getProperties();
      f.setProperties({ kind: l.kind, layer: l.name, name: p.name, code: p.code, zone: p.zone });
    }
    const layer = new ol.layer.Vector({ source: new ol.source.Vector({ features }), style: styleOf(l.kind),
      visible: (KIND_STYLE[l.kind] || [])[2] ?? false });
    map.getLayers().insertAt(1, layer);
    if (!byKind.has(l.kind)) byKind.set(l.kind, []);
    byKind.get(l.kind).push(layer);
  }
  if (switcher) {
    switcher.replaceChildren(...[...byKind.entries()].map(([kind, layers]) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = layers[0].getVisible();
      box.dataset.kind = kind;
      box.addEventListener('change', () => layers.forEach((x) => x.setVisible(box.checked)));
      const swatch = document.createElement('i');
      swatch.className = 'key-area';
      swatch.style.setProperty('--c', (KIND_STYLE[kind] || ['', '#555'])[1]);
      label.append(box, swatch, ' ' + (kindLabel ? kindLabel(kind) : kind));
      return label;
    }));
  }
  return byKind;
}

/** A map for drawing a project site: the county and its controls, and a polygon tool. `onDrawn`
 * receives the site as a GeoJSON geometry in lon/lat. */
export async function drawSiteMap(el, { onDrawn, switcher, info, kindLabel, zone }) {
  const drawn = new ol.source.Vector();
  const controls = chineseControls();
  const map = new ol.Map({ target: el, controls,
    layers: [new ol.layer.Vector({ source: drawn, style: new ol.style.Style({ fill: new ol.style.Fill({ color: 'rgba(255,140,0,0.35)' }),
      stroke: new ol.style.Stroke({ color: '#d2691e', width: 2.5 }) }) })],
    view: new ol.View({ center: ol.proj.fromLonLat([109.88, 31.12]), zoom: 9 }) });
  const byKind = await addPlanLayers(map, { switcher, info, kindLabel, zone });
  const county = byKind.get('county');  // the whole county in view
  if (county) map.getView().fit(county[0].getSource().getExtent(), { padding: [10, 10, 10, 10] });
  map.on('click', (ev) => map.forEachFeatureAtPixel(ev.pixel, (f) => (f.get('kind') ? (showInfo(f), true) : false)));
  const draw = new Draw({ source: drawn, type: 'Polygon' });
  draw.on('drawstart', () => drawn.clear());
  draw.on('drawend', (ev) => {
    const geometry = new ol.format.GeoJSON().writeGeometryObject(ev.feature.getGeometry(),
      { featureProjection: 'EPSG:3857', dataProjection: 'EPSG:4326', decimals: 7 });
    onDrawn(geometry);
  });
  map.addInteraction(draw);
  return { map, showSite: (geometry) => {
    drawn.clear();
    const f = new ol.format.GeoJSON().readFeature({ type: 'Feature', geometry }, { featureProjection: 'EPSG:3857' });
    drawn.addFeature(f);
    map.getView().fit(drawn.getExtent(), { maxZoom: 15, padding: [40, 40, 40, 40] });
  } };
}
