import { type Lang, collator, formatCount, formatMonth, localePath } from '../../i18n.ts';
import type { WatchData, WatchFlag, WatchSignal } from '../../model.ts';
import { strings } from '../../strings.ts';
import { type Html, html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { GENERIC_EMBED_PATH } from './embed.ts';
import { type SignalCounts, type SiteWatch, siteWatch } from './watch-data.ts';

/** A table of flags on a watch page lists at most this many, those with the most paper; the API has them all. */
export const WATCH_TABLE_CAP = 200;
export const WATCH_FEED_PATH = '/watch/feed.xml';
export const FLAGS_CSV_PATH = '/data/flags.csv';
export const SIGNAL_ORDER: WatchSignal[] = ['low_usage', 'unused_online', 'paper_backlog', 'peer_gap', 'stalled', 'sudden_drop', 'online_for_show', 'payment_lag', 'late_data', 'target'];

/** A province's watch page (its flags and its communes'), without the language prefix: localePath(lang, watchPath("79")). */
export function watchPath(provinceCode: string): string {
  return `/watch/${encodeURIComponent(provinceCode)}/`;
}

/** The API's list of a unit's flags and of every unit under it. */
export const flagsApiPath = (code: string) => `/api/v1/flags?within=${encodeURIComponent(code)}`;

export function flagServiceName(f: WatchFlag, lang: Lang): string | null {
  return lang === 'en' && f.service_name_en ? f.service_name_en : f.service_name_vi;
}

export function flagLocalityName(f: WatchFlag, lang: Lang): string | null {
  return f.locality_code === 'VN' ? strings(lang).watch.nationwide : f.locality_name;
}

/** The generic embed of a service in a province, as a chart. */
export function flagChartPath(f: WatchFlag, lang: Lang): string | null {
  if (f.service_code === null || f.locality_code === null) return null;
  const query = `service=${encodeURIComponent(f.service_code)}&locality=${encodeURIComponent(f.locality_code)}&tab=chart&lang=${lang}&theme=auto`;
  return `${localePath(lang, GENERIC_EMBED_PATH)}?${query}`;
}

export const countOf = (c: SignalCounts, signal: WatchSignal) => c.by_signal[signal] ?? 0;

/** A select over a table's rows: `key` is the rows' data- attribute (the name by default), `name` the query parameter that preselects it. */
export function filterSelect(id: string, name: string, label: string, table: string, options: Array<[string, string]>, all: string, key = name): Html {
  return html`<p class="filter"><label for="${id}">${label}</label>
<select id="${id}" name="${name}" data-filter-select="${table}" data-filter-key="${key}">
<option value="">${all}</option>
${options.map(([value, text]) => html`<option value="${value}">${text}</option>`)}
</select></p>`;
}

/** What a flag table shows in its place column: the flag's locality (national page), its commune (province page), or nothing. */
export type PlaceColumn = 'locality' | 'commune' | null;

export interface FlagTableOptions {
  id: string;
  caption: string;
  lang: Lang;
  /** The page's path without the language prefix. */
  path: string;
  flags: WatchFlag[];
  place: PlaceColumn;
  /** Links to the service × province chart (commune flags have none yet). */
  chart: boolean;
  /** Agencies to filter on (tables of service flags). */
  agencies: boolean;
  /** Codes of the provinces, whose localities link to their pages. */
  provinces: Set<string>;
}

/**
 * One table of flags, readable without JavaScript, sortable and filterable by signal (and
 * agency, and commune) with it: rows carry data-signal, data-agency, data-locality.
 */
export function flagTable(o: FlagTableOptions): Html {
  const t = strings(o.lang);
  const w = t.watch;
  const here = localePath(o.lang, o.path);
  const link = (to: string) => href(here, to);
  // Every signal, so that a link with ?signal= chooses it even where the table has none (and shows 0).
  const signals = SIGNAL_ORDER.map((s): [string, string] => [s, w.signals[s]]);
  const agencies = o.agencies ? [...new Set(o.flags.map((f) => f.agency).filter((a): a is string => a !== null))].sort(collator.compare).map((a): [string, string] => [a, a]) : [];
  const communes = o.place === 'commune' ? [...new Map(o.flags.map((f) => [f.locality_code ?? '', f.locality_name ?? f.locality_code ?? ''])).entries()].sort((a, b) => collator.compare(a[1], b[1])) : [];
  const placeHeader = o.place === 'commune' ? w.commune : o.place === 'locality' ? t.province : null;

  const place = (f: WatchFlag) => {
    if (o.place === 'commune') return html`<td><a href="${link(localePath(o.lang, `/localities/${f.locality_code}/`))}">${f.locality_name ?? f.locality_code}</a></td>`;
    const name = flagLocalityName(f, o.lang);
    return html`<td>${f.locality_code !== null && o.provinces.has(f.locality_code) ? html`<a href="${link(localePath(o.lang, `/localities/${f.locality_code}/`))}">${name}</a>` : (name ?? '—')}</td>`;
  };
  const row = (f: WatchFlag) => {
    const service = flagServiceName(f, o.lang);
    const chart = o.chart ? flagChartPath(f, o.lang) : null;
    return html`<tr data-locality="${f.locality_code ?? ''}" data-agency="${f.agency ?? ''}" data-signal="${f.signal}">
<th scope="row">${w.signals[f.signal]}</th>
<td>${service !== null && f.service_code !== null ? html`<a href="${link(localePath(o.lang, `/services/${f.service_code}/`))}">${service}</a> <small>${f.agency ?? ''}</small>` : f.service_code === null ? w.allServices : f.service_code}</td>
${o.place ? place(f) : ''}<td class="why">${o.lang === 'vi' ? f.explanation_vi : f.explanation_en}</td>
<td class="num" data-sort="${f.paper_12m}">${formatCount(f.paper_12m, o.lang)}</td>${o.chart ? html`<td>${chart ? html`<a href="${link(chart)}">${w.chartLink}</a>` : ''}</td>` : ''}
</tr>`;
  };
  if (o.flags.length === 0) return html`<p>${w.none}</p>`;
  return html`<form class="filters" hidden data-filters aria-label="${w.filters}: ${o.caption}">
${filterSelect(`${o.id}-signal`, 'signal', w.signal, o.id, signals, w.all)}
${o.agencies ? filterSelect(`${o.id}-agency`, 'agency', t.agency, o.id, agencies, w.all) : ''}
${o.place === 'commune' ? filterSelect(`${o.id}-commune`, 'commune', w.commune, o.id, communes, w.all, 'locality') : ''}
</form>
<p class="count" aria-live="polite" data-count-for="${o.id}" data-count-template="${w.countTemplate}">${w.count(o.flags.length)}</p>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="${o.id}-caption">
<table class="sortable watch${o.place ? '' : ' no-place'}" id="${o.id}">
  <caption id="${o.id}-caption">${o.caption}</caption>
  <thead><tr><th scope="col">${w.signal}</th><th scope="col">${t.service}</th>${placeHeader ? html`<th scope="col">${placeHeader}</th>` : ''}<th scope="col">${w.explanation}</th><th scope="col" class="num" aria-sort="descending">${t.paper}</th>${o.chart ? html`<th scope="col">${w.chart}</th>` : ''}</tr></thead>
  <tbody>${o.flags.map(row)}</tbody>
</table>
</div>`;
}

/** The links to every flag: the API (all of them) and the open-data CSV. */
export function fullListLinks(lang: Lang, path: string, code: string): Html {
  const w = strings(lang).watch;
  const here = localePath(lang, path);
  const api = flagsApiPath(code);
  return html`<p class="note">${w.fullList} <a href="${href(here, api)}">API <code>${api}</code></a> · <a href="${href(here, FLAGS_CSV_PATH)}">${w.fullListCsv}</a></p>`;
}

/** The flags of the national page: the country's and each service's nationwide, late data, failing sources and publishers. */
export function nationalFlags(data: WatchData): WatchFlag[] {
  return data.flags.filter((f) => f.locality_code === 'VN' || f.locality_code === null || f.signal === 'late_data');
}

const sum = (counts: SignalCounts[], signal: WatchSignal | null) => counts.reduce((n, c) => n + (signal === null ? c.total : countOf(c, signal)), 0);

/** /watch/: the national overview, and a table of the provinces linking to each one's page. */
export function watchPage(data: WatchData, lang: Lang): Page {
  const watch: SiteWatch = siteWatch(data);
  const t = strings(lang);
  const w = t.watch;
  const path = '/watch/';
  const here = localePath(lang, path);
  const from = formatMonth(data.window.from, lang);
  const to = formatMonth(data.window.to, lang);
  const n = (x: number) => formatCount(x, lang);
  const national = nationalFlags(data);
  const shown = national.slice(0, WATCH_TABLE_CAP);
  const provinceCodes = new Set(watch.provinces.map((p) => p.code));

  // Per signal: the nationwide and services' flags, the provinces' own, the communes'.
  const nationwide: SignalCounts = { total: 0, by_signal: {} };
  for (const f of data.flags) {
    if (f.locality_code !== null && provinceCodes.has(f.locality_code)) continue;
    nationwide.total++;
    nationwide.by_signal[f.signal] = (nationwide.by_signal[f.signal] ?? 0) + 1;
  }
  const own = watch.provinces.map((p) => p.own);
  const communes = watch.provinces.map((p) => p.communes);
  const signals = SIGNAL_ORDER.filter((s) => countOf(nationwide, s) + sum(own, s) + sum(communes, s) > 0);
  const signalRows = signals.map((s) => {
    const [a, b, c] = [countOf(nationwide, s), sum(own, s), sum(communes, s)];
    return html`<tr><th scope="row">${w.signals[s]}</th><td class="num">${n(a)}</td><td class="num">${n(b)}</td><td class="num">${n(c)}</td><td class="num">${n(a + b + c)}</td></tr>`;
  });

  const provinceRow = (p: SiteWatch['provinces'][number]) => {
    const page = localePath(lang, watchPath(p.code));
    const cell = (count: number, signal: WatchSignal) =>
      count === 0 ? html`<td class="num" data-sort="0">0</td>` : html`<td class="num" data-sort="${count}"><a href="${href(here, page)}?signal=${signal}" aria-label="${p.name}, ${w.signals[signal]}: ${n(count)}">${n(count)}</a></td>`;
    return html`<tr><th scope="row"><a href="${href(here, page)}">${p.name}</a></th>${signals.map((s) => cell(countOf(p.own, s) + countOf(p.communes, s), s))}<td class="num" data-sort="${p.communes.total}">${n(p.communes.total)}</td><td class="num" data-sort="${p.own.total + p.communes.total}">${n(p.own.total + p.communes.total)}</td></tr>`;
  };

  const body = html`
<h1>${w.title}</h1>
<p>${w.nationalIntro(from, to)}</p>
<p><a href="${href(here, WATCH_FEED_PATH)}" type="application/atom+xml">${w.feed}</a> · <a href="${href(here, '/docs')}">API</a> · <a href="${href(here, FLAGS_CSV_PATH)}">${w.fullListCsv}</a></p>
<section aria-labelledby="watch-by-signal">
<h2 id="watch-by-signal">${w.bySignal}</h2>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="watch-signals-caption">
<table class="watch-counts">
  <caption id="watch-signals-caption">${w.bySignal}</caption>
  <thead><tr><th scope="col">${w.signal}</th><th scope="col" class="num">${w.nationalScope}</th><th scope="col" class="num">${w.provinceScope}</th><th scope="col" class="num">${w.communeScope}</th><th scope="col" class="num">${w.total}</th></tr></thead>
  <tbody>${signalRows}</tbody>
  <tfoot><tr><th scope="row">${w.total}</th><td class="num">${n(nationwide.total)}</td><td class="num">${n(sum(own, null))}</td><td class="num">${n(sum(communes, null))}</td><td class="num">${n(nationwide.total + sum(own, null) + sum(communes, null))}</td></tr></tfoot>
</table>
</div>
</section>
<section aria-labelledby="watch-national">
<h2 id="watch-national">${w.nationalTitle}</h2>
${national.length > shown.length ? html`<p class="note">${w.cap(n(shown.length), n(national.length))}</p>` : ''}
<p class="hint">${t.sortHint}</p>
${flagTable({ id: 'watch-flags', caption: w.nationalTitle, lang, path, flags: shown, place: 'locality', chart: true, agencies: true, provinces: provinceCodes })}
</section>
<section aria-labelledby="watch-provinces">
<h2 id="watch-provinces">${w.byProvince}</h2>
<p>${w.byProvinceHint}</p>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="watch-provinces-caption">
<table class="sortable watch-counts" id="watch-province-table">
  <caption id="watch-provinces-caption">${w.byProvince}</caption>
  <thead><tr><th scope="col">${t.province}</th>${signals.map((s) => html`<th scope="col" class="num">${w.signals[s]}</th>`)}<th scope="col" class="num">${w.communeFlagsShort}</th><th scope="col" class="num">${w.total}</th></tr></thead>
  <tbody>${watch.provinces.map(provinceRow)}</tbody>
</table>
</div>
</section>`;
  return {
    lang,
    path,
    meta: data.meta,
    title: w.title,
    description: w.nationalIntro(from, to),
    feed: { path: WATCH_FEED_PATH, title: w.feed },
    body,
  };
}
