import { type Lang, formatCount, formatMonth, localePath } from '../../i18n.ts';
import type { CommuneData, CommuneSummary, OldCommune } from '../../model.ts';
import { strings } from '../../strings.ts';
import { trendChart } from '../chart.ts';
import { Html, escapeHtml, html } from '../html.ts';
import { type Page, href, linksFrom } from '../layout.ts';
import { communeTable, serviceSections } from '../tables.ts';
import { chartLinks } from './embed.ts';
import { localityPath } from './localities.ts';
import { scorecardSection } from '../scorecard.ts';

/** A commune's page: where a province's is (localities.ts). */
export const communePath = (code: string) => localityPath(code);
export const oldCommunesPath = (provinceCode: string) => `/localities/before-2025-07/${provinceCode}/`;

/** Việt Nam › province › commune. */
function crumbs(lang: Lang, here: string, province: { code: string; name: string }, name: string): Html {
  const t = strings(lang).localities;
  return html`<nav class="crumbs" aria-label="breadcrumb"><ol>
<li><a href="${href(here, localePath(lang, '/localities/'))}">${t.country}</a></li>
<li><a href="${href(here, localePath(lang, `/localities/${province.code}/`))}">${province.name}</a></li>
<li aria-current="page">${name}</li>
</ol></nav>`;
}

/** A commune's page: its trend (continuous through whole old communes), its services and its flags. */
export function communePage(data: CommuneData, lang: Lang): Page {
  const t = strings(lang);
  const c = data.commune;
  const path = communePath(c.code);
  const here = localePath(lang, path);
  const hasData = data.series.monthly.length > 0;
  const body = html`
${crumbs(lang, here, c.province, c.name)}
<h1>${c.name}</h1>
<p class="note">${c.code} · ${c.province.name}</p>
${c.history ? html`<p class="note history">${t.localities.historyNote(formatMonth(c.history.history_from, lang), c.sources.filter((s) => s.share === 'part').map((s) => `${s.code} ${s.name}`).join(', '))}</p>` : ''}
${c.sources.length > 0 ? html`<details class="sources"><summary>${t.localities.sources}</summary><ul>${c.sources.map((s) => html`<li>${s.code} ${s.name} (${s.share === 'whole' ? t.localities.sourceWhole : t.localities.sourcePart})</li>`)}</ul></details>` : ''}
${
  hasData
    ? html`${trendChart({ id: 'commune-trend', title: t.localities.trend(c.name), series: data.series, csv: href(here, `/data/localities/${c.code}.csv`), ...chartLinks({ kind: 'locality', code: c.code }, data.meta, lang, here) }, data.meta, lang)}
${data.scorecard ? scorecardSection(data.scorecard, lang, { id: 'scorecard', methodology: href(here, localePath(lang, '/methodology/')) }) : ''}
${serviceSections(data.services, { lang, here })}`
    : html`<p>${t.localities.communeNoData(c.province.name)} <a href="${href(here, localePath(lang, `/localities/${c.province.code}/`))}">${c.province.name}</a></p>`
}
<section class="watch-summary">
  <h2>${t.localities.communeFlags}</h2>
  ${data.flags.length === 0 ? html`<p>${t.localities.communeFlagsNone}</p>` : html`<ul class="flags">${data.flags.map((f) => html`<li><strong>${t.watch.signals[f.signal]}</strong>: ${lang === 'vi' ? f.explanation_vi : f.explanation_en}</li>`)}</ul>`}
</section>`;
  return { lang, path, meta: data.meta, title: `${c.name} (${c.province.name})`, description: t.localities.trend(c.name), charts: hasData, card: hasData ? { kind: 'locality', code: c.code } : undefined, body };
}

/** How many of a province's communes reported in the window, and the lowest called out. */
export function communesSection(communes: CommuneSummary[], province: { code: string; name: string }, lang: Lang, here: string): Html {
  const t = strings(lang).localities;
  const reporting = communes.filter((c) => c.months_reported > 0);
  const link = linksFrom(here);
  const lowest = reporting
    .filter((c) => c.rate_12m !== null)
    .sort((a, b) => a.rate_12m! - b.rate_12m!)
    .slice(0, 3);
  return html`<section id="communes">
  <h2>${t.communesOf(province.name)}</h2>
  <p>${t.communesIntro(formatCount(communes.length, lang), formatCount(reporting.length, lang))}</p>
  ${reporting.length === 0 ? html`<p>${t.communesNone}</p>` : ''}
  ${lowest.length > 0 ? html`<p class="callout">${t.lowest} ${lowest.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${link(localePath(lang, communePath(c.code)))}">${c.name}</a>`)}.</p>` : ''}
  ${communeTable('communes-table', t.communesOf(province.name), communes, { lang, here })}
</section>`;
}

/** Every commune under its province, as plain links: the localities index without JavaScript. */
export function allCommunesList(provinces: Array<{ code: string; name: string; communes: Array<{ code: string; name: string }> }>, lang: Lang, here: string): Html {
  const t = strings(lang).localities;
  const link = linksFrom(here);
  let list = '';
  for (const p of provinces) {
    list += `<details><summary>${escapeHtml(p.name)} <small>(${p.communes.length})</small></summary><ul class="columns">`;
    for (const c of p.communes) list += `<li><a href="${escapeHtml(link(localePath(lang, communePath(c.code))))}">${escapeHtml(c.name)}</a></li>`;
    list += '</ul></details>';
  }
  return html`<section id="all-communes"><h2>${t.allCommunes}</h2>${new Html(list)}</section>`;
}

/** An old province's communes until 2025-06-30 and what each became: the pointer from an old code. */
export function oldCommunesPage(data: { province: { code: string; name: string }; communes: OldCommune[] }, meta: CommuneData['meta'], lang: Lang): Page {
  const t = strings(lang).localities;
  const path = oldCommunesPath(data.province.code);
  const here = localePath(lang, path);
  const link = linksFrom(here);
  let rows = '';
  for (const c of data.communes) {
    const into = c.into.map((n) => `<a href="${escapeHtml(link(localePath(lang, communePath(n.code))))}">${escapeHtml(n.name)}</a> <small>${escapeHtml(n.code)}</small>`).join(', ');
    rows += `<tr id="c${escapeHtml(c.code)}"><th scope="row">${escapeHtml(c.name)} <small>${escapeHtml(c.code)}</small></th><td>${escapeHtml(c.split ? t.splitInto : t.became)}: ${into}</td></tr>`;
  }
  const body = html`
<p class="crumbs"><a href="${href(here, localePath(lang, '/localities/'))}">${strings(lang).localities.title}</a></p>
<h1>${t.oldTitle(data.province.name)}</h1>
<p>${t.oldIntro}</p>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="old-caption"><table><caption id="old-caption">${t.oldTitle(data.province.name)}</caption>
<thead><tr><th scope="col">${t.commune}</th><th scope="col">${t.became}</th></tr></thead><tbody>${new Html(rows)}</tbody></table></div>`;
  return { lang, path, meta, title: t.oldTitle(data.province.name), description: t.oldIntro, body };
}
