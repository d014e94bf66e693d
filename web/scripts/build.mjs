// build.mjs: the dashboard's bundle. esbuild takes web/src/main.js (ES modules) to
// web/public/dist/: minified, split so the map (OpenLayers) and the charts (ECharts) load only when a
// view needs them, tree-shaken so only the parts used ship, and pre-compressed (.gz, level 9) for
// the server to send as is. ol.css is copied to web/public/vendor. Prints each file's size.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(web, 'public', 'dist');
rmSync(dist, { recursive: true, force: true });
await build({
  entryPoints: [join(web, 'src', 'main.js')],
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  minify: true,
  target: ['chrome100', 'firefox100', 'safari15'],
  entryNames: 'app',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  loader: { '.tsv': 'text' },  // data/i18n/ui.tsv: the interface's words, one catalogue
  logLevel: 'warning',
});
mkdirSync(join(web, 'public', 'vendor'), { recursive: true });
copyFileSync(join(web, 'node_modules', 'ol', 'ol.css'), join(web, 'public', 'vendor', 'ol.css'));
for (const name of readdirSync(dist)) {
  const file = join(dist, name);
  const gz = gzipSync(readFileSync(file), { level: 9 });
  writeFileSync(file + '.gz', gz);
  console.log(`dist/${name}: ${statSync(file).size} bytes, ${gz.length} gzipped`);
}
