import { type Lang, formatMonth, formatRate, localePath } from '../../i18n.ts';
import type { LocalitiesData, LocalityData } from '../../model.ts';
import { strings } from '../../strings.ts';
import { trendChart } from '../chart.ts';
import { allCommunesList, communesSection, oldCommunesPath } from './communes.ts';
import { chartLinks } from './embed.ts';
import { watchPath } from './watch.ts';
import { html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { provinceTable, serviceSections } from '../tables.ts';
import { scorecardSection } from '../scorecard.ts';

/** Colour bins of the map; each bin's text colour keeps AA contrast on its fill. */
export const MAP_BINS = [0.2, 0.4, 0.6, 0.8];

function binOf(rate: number | null): number {
  if (rate === null) return -1;
  const i = MAP_BINS.findIndex((edge) => rate < edge);
  return i === -1 ? MAP_BINS.length : i;
}

/** A province's page (a commune's is at the same place: communes.ts communePath). */
export const localityPath = (code: string) => `/localities/${code}/`;

export function localitiesPage(data: LocalitiesData, lang: Lang): Page {
  const t = strings(lang);
  const here = localePath(lang, '/localities/');
  const legend = [0, ...MAP_BINS].map((from, i) => {
    const to = MAP_BINS[i];
    return html`<li><span class="swatch bin${i}" aria-hidden="true"></span>${formatRate(from, lang, 0)}${to === undefined ? '+' : `–${formatRate(to, lang, 0)}`}</li>`;
  });
  const body = html`
<h1>${t.localities.title}</h1>
<p>${t.localities.intro}</p>
<section class="tilemap-section">
  <h2 id="tilemap-title">${t.localities.map}</h2>
  <ol class="tilemap" aria-labelledby="tilemap-title">${data.provinces
    .filter((p) => p.map)
    .map(
      (p) => html`<li class="tile bin${binOf(p.rate_12m)} r${p.map!.row} c${p.map!.col}"><a href="${href(here, localePath(lang, `/localities/${p.code}/`))}"><span class="name">${p.name}</span> <span class="value">${formatRate(p.rate_12m, lang, 0)}</span></a></li>`,
    )}</ol>
  <div class="legend"><p>${t.localities.legend}</p><ul>${legend}<li><span class="swatch bin-1" aria-hidden="true"></span>${t.noDataShort}</li></ul></div>
</section>
${provinceTable('all-provinces', t.localities.title, data.provinces, { lang, here })}
${data.communes ? allCommunesList(data.communes, lang, here) : ''}
${data.old_provinces ? html`<section id="before-2025-07"><h2>${t.localities.oldLink}</h2><ul class="columns">${data.old_provinces.map((p) => html`<li><a href="${href(here, localePath(lang, oldCommunesPath(p.code)))}">${p.name}</a></li>`)}</ul></section>` : ''}`;
  return { lang, path: '/localities/', meta: data.meta, title: t.localities.title, description: t.localities.intro, body };
}

export function localityPage(data: LocalityData, lang: Lang): Page {
  const t = strings(lang);
  const p = data.province;
  const path = localityPath(p.code);
  const here = localePath(lang, path);
  const merged = p.merged_from.map((m) => `${m.code} ${m.name}`).join(', ');
  const body = html`
<nav class="crumbs" aria-label="breadcrumb"><ol><li><a href="${href(here, localePath(lang, '/localities/'))}">${t.localities.country}</a></li><li aria-current="page">${p.name}</li></ol></nav>
<h1>${p.name}</h1>
${merged ? html`<p class="note">${t.localities.mergedNote(merged)}</p>` : ''}
${watchSummary(data, lang, here)}
${trendChart({ id: 'locality-trend', title: t.localities.trend(p.name), series: data.series, csv: href(here, `/data/localities/${p.code}.csv`), ...chartLinks({ kind: 'locality', code: p.code }, data.meta, lang, here) }, data.meta, lang)}
${data.scorecard ? scorecardSection(data.scorecard, lang, { id: 'scorecard', methodology: href(here, localePath(lang, '/methodology/')) }) : ''}
${communesSection(data.communes, p, lang, here)}
${serviceSections(data.services, { lang, here })}`;
  return { lang, path, meta: data.meta, title: p.name, description: t.localities.trend(p.name), charts: true, card: { kind: 'locality', code: p.code }, body };
}

/** The province's flags by signal, with a link to them on the watch list, and its online-service share. */
function watchSummary(data: LocalityData, lang: Lang, here: string) {
  const w = strings(lang).watch;
  const { counts, total, communes, online_service_share: share, recent } = data.watch;
  const list = (of: typeof counts) => html`<ul>${of.map((c) => html`<li>${w.signals[c.signal]}: ${c.count}</li>`)}</ul>`;
  return html`<section class="watch-summary">
  <h2>${w.localityTitle}</h2>
  ${total === 0 && communes.total === 0 ? html`<p>${w.localityNone}</p>` : total > 0 ? list(counts) : ''}
  ${communes.total > 0 ? html`<p>${w.localityCommunes(communes.total)}</p>${list(communes.counts)}` : ''}
  ${total + communes.total > 0 ? html`<p><a href="${href(here, localePath(lang, watchPath(data.province.code)))}">${w.localityLink(total + communes.total)}</a></p>` : ''}
  <p>${share && share.online_services > 0 ? w.share(share.with_online_dossiers, share.online_services, formatRate(share.share, lang, 0), formatMonth(recent.from, lang), formatMonth(recent.to, lang)) : w.shareNone}</p>
</section>`;
}

