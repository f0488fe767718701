import { type Lang, formatCount, formatMonth, formatPp, formatRate, localePath } from '../../i18n.ts';
import type { EndToEndHeadline, HomeData, ProvinceSummary } from '../../model.ts';
import { strings } from '../../strings.ts';
import { trendChart } from '../chart.ts';
import { chartLinks } from './embed.ts';
import { html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { provinceTable, serviceTable } from '../tables.ts';
import { AGENCIES_PATH } from './agencies.ts';

/** The bar's width in the drawing's units, and where the target stands on it. */
const BAR = 400;

/**
 * The national end-to-end share against its target: the figure, a bar with the target marked (an
 * inline SVG: the CSP allows no inline style, and its text says everything the bar shows), the
 * verdict in words and who reported.
 */
function endToEnd(e: EndToEndHeadline, lang: Lang, here: string) {
  const t = strings(lang).home;
  const target = formatRate(e.target, lang, 0);
  const rate = e.rate ?? 0;
  const gap = formatPp(Math.round((e.target - rate) * 1000) / 10, lang).replace(/^\+/, '');
  const width = Math.max(0, Math.min(1, rate)) * BAR;
  const mark = e.target * BAR;
  return html`<section class="end-to-end" aria-labelledby="end-to-end-title">
  <h2 id="end-to-end-title">${t.endToEnd}</h2>
  <p class="stat"><span class="label">${t.endToEndMonth(formatMonth(e.month, lang))}</span>
    <span class="value">${formatRate(e.rate, lang)}</span>
    <span class="detail">${t.endToEndDetail(formatCount(e.numerator, lang), formatCount(e.denominator, lang))}</span></p>
  <svg class="target-bar" viewBox="0 0 ${BAR} 58" aria-hidden="true" focusable="false">
    <text x="${mark.toFixed(1)}" y="12" text-anchor="middle">${t.endToEndTarget(target)}</text>
    <rect class="track" x="0" y="20" width="${BAR}" height="18"></rect>
    <rect class="fill" x="0" y="20" width="${width.toFixed(1)}" height="18"></rect>
    <rect class="mark" x="${(mark - 1.5).toFixed(1)}" y="15" width="3" height="28"></rect>
    <text x="0" y="56" text-anchor="start">0%</text>
    <text x="${BAR}" y="56" text-anchor="end">100%</text>
  </svg>
  <p class="verdict"><strong>${e.rate !== null && e.rate >= e.target ? t.endToEndMet(target) : t.endToEndNotMet(target, gap)}</strong></p>
  <p class="coverage">${t.endToEndCoverage(e.coverage.reporting, e.coverage.expected)}</p>
  <p class="note">${t.endToEndAbout} <a href="${href(here, localePath(lang, AGENCIES_PATH))}">${t.agenciesLink}</a></p>
</section>`;
}

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
${data.end_to_end ? endToEnd(data.end_to_end, lang, here) : ''}
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
  <p><a href="${href(here, localePath(lang, AGENCIES_PATH))}">${t.home.agenciesLink}</a></p>
</section>`;
  return { lang, path: '/', meta: data.meta, title: t.home.title, description: t.tagline, charts: true, body };
}
