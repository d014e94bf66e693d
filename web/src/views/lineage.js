// views/lineage.js: lineage: a computed value down to its frames (run → station days → hours → frame).
import { api, loading, html, esc, catHtml, factorLabel, unitLabel, code, periodLabel, methodLabel } from '../common.js';
import { tx } from '../i18n.js';

// "good_days_ratio=100.0;pm25=32;pm10=50" → names with units (air); other runs' values as they are.
const RUN_ITEMS = { good_days_ratio: [tx('优良天数比率'), '%'], pm25: [tx('PM₂.₅ 年均'), ' μg/m³'], pm10: [tx('PM₁₀ 年均'), ' μg/m³'] };
const runValue = (v) => String(v).split(';').map((kv) => {
  const [k, x] = kv.split('=');
  return RUN_ITEMS[k] ? `${RUN_ITEMS[k][0]} ${x === '' ? '—' : x + RUN_ITEMS[k][1]}` : kv;
}).join('；');

export async function viewLineage(param, $view) {
  loading(tx('数据溯源'));
  const [kind, id, mn, day] = String(param || '').split(':');
  const crumbs = [html`<a href="#/lineage/run:${esc(id)}">${tx('评估运行 #')}${esc(id)}</a>`];
  if (kind === 'frame') {
    const f = await api('/api/lineage/frames/' + encodeURIComponent(id));
    $view().innerHTML = html`<h1>${tx('原始报文 #')}${esc(f.id)}</h1>
      <table class="kv"><tbody><tr><th>${tx('站点编码（MN）')}</th><td>${code(f.mn)}</td></tr><tr><th>${tx('命令编码（CN）')}</th><td>${code(f.cn)}</td></tr>
      <tr><th>${tx('接收时间')}</th><td>${esc(f.received_at)}</td></tr><tr><th>${tx('来源地址')}</th><td>${f.peer === '(internal)' ? tx('（登录后可见）') : code(f.peer)}</td></tr>
      <tr><th>${tx('CRC 校验')}</th><td>${f.crc ? html`${code(f.crc_mode)} ${tx('方式：报文')} ${code(f.crc.carried)}${tx('，计算')} ${code(f.crc.computed)}，${f.crc.ok ? tx('一致') : tx('不一致')}` : tx('文件导入行，无 CRC')}</td></tr>
      <tr><th>SHA-256</th><td>${code(f.sha256)}${tx('（重新计算')}${f.sha256 === f.sha256_recomputed ? tx('一致') : tx('不一致')}）</td></tr>
      <tr><th>${tx('长度')}</th><td>${esc(f.length)} ${tx('字节')}</td></tr></tbody></table>
      <h2>${tx('报文字节')}${f.bytes_masked ? tx('（访问密码已遮盖，登录后可见原文）') : ''}</h2><pre class="frame" translate="no">${esc(f.bytes)}</pre>`;
    return;
  }
  const run = await api('/api/lineage/runs/' + encodeURIComponent(id));
  const d = run.detail || {};
  const [valid, elapsed] = String(run.completeness).split('/');
  const head = html`<p><a href="#/">${tx('← 目标总览')}</a> · ${crumbs}${mn ? html` → <a href="#/lineage/run:${esc(id)}:${esc(mn)}">${code(mn)} ${tx('逐日')}</a>` : ''}${day ? html` → ${esc(day)} ${tx('逐时')}` : ''}</p>`;
  if (mn && day) {
    const h = await api(`/api/lineage/runs/${encodeURIComponent(id)}/hours?station=${encodeURIComponent(mn)}&day=${encodeURIComponent(day)}`);
    const rows = h.observations.map((o) => html`<tr><td>${esc(o.time.slice(11, 16))}</td><td>${esc(factorLabel(o.factor))}</td><td>${esc(o.value)} ${esc(unitLabel(o.unit))}</td>
      <td>${o.flag ? code(o.flag) : '—'}</td><td>${esc(o.invalid || '')}</td><td>${o.raw_id ? html`<a class="frame-link" href="#/lineage/frame:${esc(o.raw_id)}">${tx('报文 #')}${esc(o.raw_id)}</a>` : '—'}</td></tr>`).reduce(catHtml, '');
    $view().innerHTML = html`${head}<h1>${code(mn)} ${esc(day)} ${tx('逐时观测')}</h1><p class="muted">${tx('共')} ${h.observations.length} ${tx('条；当日数据摘要 SHA-256')} ${code(h.digest)}</p>
      <table><thead><tr><th>${tx('时段')}</th><th>${tx('因子')}</th><th>${tx('数值')}</th><th>${tx('数据标记')}</th><th>${tx('无效原因')}</th><th>${tx('原始报文')}</th></tr></thead><tbody>${rows}</tbody></table>`;
    return;
  }
  if (mn) {
    const r = await api(`/api/lineage/runs/${encodeURIComponent(id)}/days?station=${encodeURIComponent(mn)}`);
    const rows = r.days.map((x) => html`<tr><td><a class="day-link" href="#/lineage/run:${esc(id)}:${esc(mn)}:${esc(x.day)}">${esc(x.day)}</a></td>
      <td>${x.daily?.aqi ?? '—'}</td><td>${x.daily ? (x.daily.valid ? tx('有效') : tx('无效')) : tx('无数据')}</td><td>${x.daily?.items?.pm25 ?? '—'} μg/m³</td>
      <td>${esc(x.observations)} ${tx('条')}</td><td>${esc(x.excluded.map((e) => e.reason).join('；'))}</td></tr>`).reduce(catHtml, '');
    $view().innerHTML = html`${head}<h1>${code(mn)} ${tx('逐日数据（评估运行 #')}${esc(id)}）</h1>
      <table><thead><tr><th>${tx('日期')}</th><th>${tx('日 AQI')}</th><th>${tx('有效性')}</th><th>${tx('PM₂.₅ 日均')}</th><th>${tx('观测数')}</th><th>${tx('剔除说明')}</th></tr></thead><tbody>${rows}</tbody></table>`;
    return;
  }
  const stations = (d.stations || []).map((s) => html`<tr><td><a class="station-link" href="#/lineage/run:${esc(id)}:${esc(s.mn)}">${code(s.mn)}</a></td>
    <td>${esc(s.days)} ${tx('天')}</td><td>${esc(s.valid_days)} ${tx('天')}</td></tr>`).reduce(catHtml, '');
  const excluded = (d.excluded || []).slice(0, 50).map((e) => html`<li>${code(e.station)} ${esc(e.when)}：${esc(e.reason)}</li>`).reduce(catHtml, '');
  $view().innerHTML = html`${head}<h1>${tx('评估运行 #')}${esc(run.id)}：${periodLabel(run.period)}</h1>
    <table class="kv"><tbody><tr><th>${tx('方法与版本')}</th><td>${methodLabel(run.method)} · ${code(run.method_version)}</td></tr>
    <tr><th>${tx('适用规则')}</th><td>${code(run.rules)}${tx('（按日期分别适用 HJ 633—2012 / HJ 633—2026）')}</td></tr>
    <tr><th>${tx('计算结果')}</th><td>${runValue(run.value)}</td></tr>
    <tr><th>${tx('数据完整性')}</th><td>${tx('截至')} ${esc(d.through)}${tx('：有效天数')} ${esc(valid)} ${tx('天 / 已过')} ${esc(elapsed)} ${tx('天')}</td></tr>
    <tr><th>${tx('输入数据')}</th><td>${tx('观测')} ${esc(d.observations)} ${tx('条（编号 ≤')} ${esc(d.observations_through_id)}）；SHA-256 ${code(run.input_sha256)}</td></tr>
    <tr><th>${tx('计算时间')}</th><td>${esc(run.computed_at)}</td></tr></tbody></table>
    <h2>${tx('参与评估的站点')}</h2><table><thead><tr><th>${tx('站点')}</th><th>${tx('有数据天数')}</th><th>${tx('有效天数')}</th></tr></thead><tbody>${stations}</tbody></table>
    <h2>${tx('剔除的时段与日（共')} ${esc(d.excluded_total ?? 0)} ${tx('条）')}</h2>${excluded ? html`<ul>${excluded}</ul>` : html`<div class="empty">${tx('无')}</div>`}`;
}
