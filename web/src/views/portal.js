// views/portal.js: the public portal (公众门户) — no login needed: the published indicators with
// their trend and what their rating means, the monitoring map, the open data to download (with
// licence and metadata), and a form for comments on targets and pollution reports, which the office
// moderates (its moderation list is on the same page for the office).
import { zhLang, zh, lensBadges, latest, sparkline, loading, loadPlan, loadProgress, valueText, planWords, said, may, api, html, esc, catHtml, BASE } from '../common.js';
import { tx, isEnglish } from '../i18n.js';

const FORMAT = { csv: 'CSV', xlsx: 'xlsx', json: 'JSON' };  // as a clerk knows them (Excel's own lower case)

export async function viewPortal(_param, $view) {
  loading(tx('公众门户'));
  const [plan, prog, datasets, published] = await Promise.all([loadPlan(), loadProgress(), api('/api/open/datasets'),
    api('/api/feedback/published')]);
  const targets = prog.targets;
  const options = targets.map((t) => html`<option value="${esc(t.id)}"${zhLang()}>${t.name}</option>`).reduce(catHtml, '');
  $view().innerHTML = html`<h1>${tx('公众门户')} <span class="muted">${zh(plan.title)}</span></h1>
    <p class="lead">${tx('这里公开行动计划的目标指标、监测数据和开放数据，欢迎留言和举报污染问题。')}</p>
    <nav class="portal-toc" aria-label="${tx('本页目录')}"><a href="#/open" data-jump="p-indicators">${tx('公开指标')}</a>
      <a href="#/open" data-jump="p-map">${tx('监测地图')}</a><a href="#/open" data-jump="p-data">${tx('开放数据')}</a>
      <a href="#/open" data-jump="p-feedback">${tx('留言与举报')}</a></nav>
    <section id="p-indicators" aria-labelledby="h-indicators"><h2 id="h-indicators">${tx('公开指标')}</h2>
      <div class="cards">${targets.map((t) => {
    const v = latest(t);
    const schedule = t.lenses && t.lenses.schedule;
    return html`<article class="card portal-card"><h3${zhLang()}>${t.name}</h3>
        <div class="value">${v ? html`${zh(valueText(v.value))} <small>${zh(t.unit || '')}</small> <span class="muted">（${v.year}）</span>` : html`<span class="muted">${tx('暂无数据')}</span>`}</div>
        ${sparkline(t.series)}<div class="muted">${tx('目标：')}${zh(planWords(t.label || ''))}</div>
        <div>${lensBadges(t)}</div>
        ${schedule ? html`<p class="explain">${zh(planWords(said(schedule, 'reason') || ''))}</p>` : ''}</article>`;
  }).reduce(catHtml, '')}</div></section>
    <section id="p-map" aria-labelledby="h-map"><h2 id="h-map">${tx('监测地图')}</h2>
      <div id="map" role="region" aria-label="${tx('站点分布图')}"></div><div id="map-legend" class="legend" aria-label="${tx('图例')}"></div></section>
    <section id="p-data" aria-labelledby="h-data"><h2 id="h-data">${tx('开放数据')}</h2>
      <table><thead><tr><th>${tx('数据集')}</th><th>${tx('说明')}</th><th>${tx('许可')}</th><th>${tx('发布单位')}</th><th>${tx('更新时间')}</th><th>${tx('下载')}</th></tr></thead><tbody>${
  datasets.map((d) => html`<tr data-dataset="${esc(d.id)}"><td>${isEnglish ? d.title_en : d.title}</td><td>${isEnglish ? d.description_en : d.description}</td>
        <td>${d.licence_url ? html`<a href="${esc(d.licence_url)}" rel="license" translate="no"${zhLang()}>${d.licence}</a>` : zh(d.licence)}</td><td>${zh(d.publisher)}</td><td>${esc(d.updated)}</td>
        <td class="downloads">${['csv', 'xlsx', 'json'].map((f) => html`<a href="${esc(BASE)}/api/open/datasets/${esc(d.id)}?format=${f}" download data-format="${f}">${FORMAT[f]}</a>`).reduce(catHtml, '')}</td></tr>`).reduce(catHtml, '')}</tbody></table>
      <p class="muted">${tx('开发者可通过 SensorThings 接口读取公开的监测数据：')}<a href="${esc(BASE)}/api/sta/v1.1" translate="no">/api/sta/v1.1</a></p></section>
    <section id="p-feedback" aria-labelledby="h-feedback"><h2 id="h-feedback">${tx('留言与举报')}</h2>
      <form id="feedback-form" class="feedback-form">
        <fieldset><legend>${tx('类型')}</legend>
          <label><input type="radio" name="kind" value="comment" checked> ${tx('对目标的意见建议')}</label>
          <label><input type="radio" name="kind" value="report"> ${tx('举报污染问题')}</label></fieldset>
        <label id="f-target-label">${tx('目标')} <select name="target">${options}</select></label>
        <label id="f-place-label" hidden>${tx('地点')} <input name="place" maxlength="100" placeholder="${tx('如：龙门街道滨江路排污口')}"></label>
        <label>${tx('内容')} <textarea name="text" required maxlength="1000" rows="4"></textarea></label>
        <label>${tx('联系方式（选填，仅工作人员可见）')} <input name="contact" maxlength="100" autocomplete="tel"></label>
        <button type="submit">${tx('提交')}</button> <span id="feedback-result" role="status" aria-live="polite"></span>
      </form>
      <h3>${tx('已公开的留言与答复')}</h3><div id="published">${publishedList(published, targets)}</div>
      <div id="moderation"></div></section>`;
  for (const a of document.querySelectorAll('[data-jump]'))
    a.addEventListener('click', (ev) => { ev.preventDefault(); document.getElementById(a.dataset.jump).scrollIntoView(); });
  const form = document.getElementById('feedback-form');
  form.addEventListener('change', () => {
    const report = form.kind.value === 'report';
    document.getElementById('f-target-label').hidden = report;
    document.getElementById('f-place-label').hidden = !report;
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const out = document.getElementById('feedback-result');
    const report = form.kind.value === 'report';
    try {
      await api('/api/feedback', { method: 'POST', body: { kind: form.kind.value, subject: report ? form.place.value : form.target.value,
        text: form.text.value, contact: form.contact.value } });
      out.textContent = tx('已提交，工作人员审核后公开。谢谢！');
      form.text.value = '';
    } catch (e) {
      out.textContent = `${tx('未能提交：')}${e.message}`;
    }
  });
  import('../map.js').then(async (m) => {
    if (!document.getElementById('map')) return;
    m.drawStationMap(await api('/api/stations'));
    const legend = document.getElementById('map-legend');
    if (legend) legend.innerHTML = String(m.legend().filter(([, , kind]) => kind !== 'square').map(([color, name, kind]) =>
      html`<span class="key"><i class="key-${kind}" style="--c:${color}"></i>${name}</span>`).reduce(catHtml, ''));
  });
  if (may('read', 'audit')) drawModeration(targets);
}

const targetName = (targets, id) => (targets.find((t) => t.id === id) || {}).name || id;

function publishedList(items, targets) {
  if (!items.length) return html`<div class="empty">${tx('暂无公开的留言')}</div>`;
  const name = (id) => targetName(targets, id);
  return html`<ul class="feedback-list">${items.map((f) => html`<li data-feedback="${f.id}"><div><b>${f.kind === 'report' ? tx('污染举报') : tx('意见建议')}</b> · ${zh(f.kind === 'comment' ? name(f.subject) : f.subject)} · ${esc(f.submitted_at)}</div>
    <p${zhLang()}>${f.text}</p>${f.reply ? html`<p class="reply"><b>${tx('答复：')}</b>${zh(f.reply)}</p>` : ''}</li>`).reduce(catHtml, '')}</ul>`;
}

// The office publishes or rejects each message, with a reply; contact details are shown here only.
async function drawModeration(targets) {
  const el = document.getElementById('moderation');
  const all = await api('/api/feedback');
  const pending = all.filter((f) => f.state === 'pending');
  const mayDecide = may('write', 'supervise');
  el.innerHTML = html`<h3>${tx('待审核（')}${pending.length}）</h3>${pending.length ? html`<ul class="feedback-list">${pending.map((f) => html`<li data-pending="${f.id}">
    <div><b>${f.kind === 'report' ? tx('污染举报') : tx('意见建议')}</b> · ${zh(f.kind === 'comment' ? targetName(targets, f.subject) : f.subject)} · ${esc(f.submitted_at.slice(0, 16).replace('T', ' '))}${f.contact ? html` · ${tx('联系方式：')}${zh(f.contact)}` : ''}</div>
    <p${zhLang()}>${f.text}</p>${mayDecide ? html`<form class="moderate" data-id="${f.id}"><label>${tx('答复')} <input name="reply" maxlength="1000"></label>
      <button type="submit" name="decision" value="publish">${tx('公开')}</button> <button type="submit" name="decision" value="reject">${tx('不予公开')}</button></form>` : ''}</li>`).reduce(catHtml, '')}</ul>`
    : html`<div class="empty">${tx('没有待审核的留言')}</div>`}`;
  for (const form of el.querySelectorAll('form.moderate'))
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      await api(`/api/feedback/${form.dataset.id}/decision`, { method: 'POST', body: { decision: ev.submitter.value, reply: form.reply.value } });
      document.getElementById('published').innerHTML = String(publishedList(await api('/api/feedback/published'), targets));
      drawModeration(targets);
    });
}
