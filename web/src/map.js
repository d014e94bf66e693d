// map.js: the station map — OpenLayers modules imported one by one (only what the map uses ships),
// local vector layers only (no internet tiles on a county network); loaded when the monitoring view opens.
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import { fromLonLat } from 'ol/proj.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import { Style, Circle, Fill, Stroke, Text } from 'ol/style.js';

// The names the map code is written against.
const ol = { Map, View, Feature, geom: { Point }, proj: { fromLonLat }, layer: { Vector: VectorLayer },
  source: { Vector: VectorSource }, format: { GeoJSON }, style: { Style, Circle, Fill, Stroke, Text } };

export function drawStationMap(stations) {
  const el = document.getElementById('map');
  const located = stations.filter((s) => s.lon != null && s.lat != null);
  if (!located.length) { el.innerHTML = '<div class="empty">站点无坐标</div>'; return; }
  const colors = { air: '#2b6cb0', water: '#0f9d9a', noise: '#b7791f' };
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
  const map = new ol.Map({ target: el, layers: [new ol.layer.Vector({ source: basemap, style: baseStyle }), new ol.layer.Vector({ source })],
    view: new ol.View({ center: ol.proj.fromLonLat([109.88, 31.12]), zoom: 9 }) });
  basemap.once('featuresloadend', () => map.getView().fit(basemap.getExtent(), { padding: [10, 10, 10, 10] }));
  map.on('click', (ev) => map.forEachFeatureAtPixel(ev.pixel, (f) => { location.hash = '#/station/' + f.get('station').mn; return true; }));
}
