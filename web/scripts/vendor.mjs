// vendor.mjs: copy the browser builds of ECharts and OpenLayers from node_modules into web/public/vendor,
// so the C++ server serves one folder and the dashboard needs no internet.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
const web = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(web, 'public', 'vendor'), { recursive: true });
for (const [from, to] of [
  ['node_modules/echarts/dist/echarts.min.js', 'echarts.min.js'],
  ['node_modules/ol/dist/ol.js', 'ol.js'],
  ['node_modules/ol/ol.css', 'ol.css'],
]) copyFileSync(join(web, from), join(web, 'public', 'vendor', to));
console.log('vendor: echarts, ol copied to web/public/vendor');
