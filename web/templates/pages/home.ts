import { type Lang, formatCount, formatMonth, formatPp, formatRate, localePath } from '../../i18n.ts';
import type { HomeData, ProvinceSummary } from '../../model.ts';
import { strings } from '../../strings.ts';
import { trendChart } from '../chart.ts';
import { chartLinks } from './embed.ts';
import { html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { provinceTable, serviceTable } from '../tables.ts';

function movers(title: string, rows: ProvinceSummary[], lang: Lang, here: string) {
  if (rows.length === 0) return html`<section class="movers"><h3>${title}</h3><p>${strings(lang).home.noMovers}</p></section>`;
  return html`<section class="movers"><h3>${title}</h3><ol>${rows.map(
    (r) => html`<li><a href="${href(here, localePath(lang, `/localities/${r.code}/`))}">${r.name}</a> <span class="pp">${formatPp(r.change_pp, lang)}</span> <span class="muted">(${formatRate(r.rate_12m, lang, 1)})</span></li>`,
  )}</ol></section>`;
}

export function homePage(data: HomeData, lang: Lang): Page {
  const t = strings(lang);
  const here = localePath(lang, '/');
  const h = data.headline;
  const ytd = h?.ytd;
  const body = html`
<h1>${t.home.title}</h1>
${
  h
    ? html`<div class="headline">
  <p class="stat"><span class="label">${t.home.latest(formatMonth(h.month, lang))}</span>
    <span class="value">${formatRate(h.rate, lang)}</span>
    <span class="detail">${formatCount(h.online_count, lang)} / ${formatCount(h.total_count, lang)} ${t.total.toLowerCase()}</span></p>
  ${
    ytd
      ? html`<p class="stat"><span class="label">${t.home.ytd(ytd.year)} (${formatMonth(ytd.from, lang)}–${formatMonth(ytd.to, lang)})</span>
    <span class="value">${formatRate(ytd.rate, lang)}</span>
    <span class="detail">${formatPp(ytd.change_pp, lang)} ${t.home.versus(String(Number(ytd.year) - 1))} (${formatRate(ytd.previous_rate, lang)})</span></p>`
      : ''
  }
</div>
${
  data.meta.data_as_of && data.meta.data_as_of !== h.month
    ? html`<p class="coverage">${t.home.coverage(h.provinces_reported, h.provinces_expected, formatMonth(data.meta.data_as_of, lang))}</p>`
    : ''
}`
    : html`<p>${t.noData}</p>`
}
${trendChart({ id: 'national-trend', title: t.home.trend, series: data.national, csv: href(here, '/data/adoption-national-monthly.csv'), ...chartLinks({ kind: 'national' }, data.meta, lang, here) }, data.meta, lang)}
<section>
  <h2>${t.home.ranking}</h2>
  <p class="hint">${t.sortHint}</p>
  ${provinceTable('province-ranking', t.home.ranking, data.provinces, { lang, here })}
  <div class="movers-grid">
    ${movers(t.home.gains, data.gains, lang, here)}
    ${movers(t.home.falls, data.falls, lang, here)}
  </div>
</section>
<section>
  <h2>${t.home.littleUsed}</h2>
  <p>${t.home.littleUsedIntro(formatRate(data.little_used_threshold, lang, 0))}</p>
  ${serviceTable('little-used', t.home.littleUsed, data.little_used, { lang, here })}
  <p><a href="${href(here, localePath(lang, '/services/'))}">${t.home.allServices}</a></p>
  <p><a href="${href(here, localePath(lang, '/watch/'))}">${t.watch.homeLink}</a></p>
</section>`;
  return { lang, path: '/', meta: data.meta, title: t.home.title, description: t.tagline, charts: true, body };
}
