// map.js: the station map — OpenLayers modules imported one by one (only what the map uses ships),
// local vector layers only (no internet tiles on a county network); loaded when the monitoring view opens.
import { tx } from './i18n.js';
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

/** The legend under the map: what each symbol means. */
export const legend = () => [['#2b6cb0', tx('空气自动站'), 'dot'], ['#0f9d9a', tx('水质断面'), 'dot'], ['#8a5a00', tx('噪声监测点'), 'dot'],
  ['#5aa9e6', tx('河流'), 'line'], ['#6b8f71', tx('县界'), 'area'], ['#5f6b71', tx('邻县（示意）'), 'text']];

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
  const controls = defaultControls({ zoomOptions: { zoomInTipLabel: tx('放大'), zoomOutTipLabel: tx('缩小') },
    rotateOptions: { tipLabel: tx('恢复正北方向') }, attributionOptions: { tipLabel: tx('数据来源') } }).extend([new ScaleLine({ units: 'metric' })]);
  const map = new ol.Map({ target: el, controls,
    layers: [new ol.layer.Vector({ source: basemap, style: baseStyle, declutter: true }), new ol.layer.Vector({ source: neighbours, declutter: true }),
      new ol.layer.Vector({ source, declutter: true })],
    view: new ol.View({ center: ol.proj.fromLonLat([109.88, 31.12]), zoom: 9 }) });
  basemap.once('featuresloadend', () => map.getView().fit(basemap.getExtent(), { padding: [10, 10, 10, 10] }));
  map.on('click', (ev) => map.forEachFeatureAtPixel(ev.pixel, (f) => { location.hash = '#/station/' + f.get('station').mn; return true; }));
}
