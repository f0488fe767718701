import { type Lang, collator, formatCount, formatMonth, localePath } from '../../i18n.ts';
import type { WatchData, WatchFlag, WatchSignal } from '../../model.ts';
import { strings } from '../../strings.ts';
import { type Html, html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { GENERIC_EMBED_PATH } from './embed.ts';

/** The page lists the flags with the largest paper backlog; the API has them all. */
export const WATCH_PAGE_CAP = 2000;
export const WATCH_FEED_PATH = '/watch/feed.xml';
const SIGNAL_ORDER: WatchSignal[] = ['low_usage', 'unused_online', 'paper_backlog', 'peer_gap', 'stalled', 'sudden_drop', 'late_data', 'target'];

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

function select(id: string, name: string, label: string, table: string, options: Array<[string, string]>, all: string): Html {
  return html`<p class="filter"><label for="${id}">${label}</label>
<select id="${id}" name="${name}" data-filter-select="${table}" data-filter-key="${name}">
<option value="">${all}</option>
${options.map(([value, text]) => html`<option value="${value}">${text}</option>`)}
</select></p>`;
}

export function watchPage(data: WatchData, lang: Lang): Page {
  const t = strings(lang);
  const w = t.watch;
  const here = localePath(lang, '/watch/');
  const shown = data.flags.slice(0, WATCH_PAGE_CAP);
  const provinceCodes = new Set(data.online_service_share.map((s) => s.locality_code).filter((c) => c !== 'VN'));
  const provinces = [...new Map(shown.filter((f) => f.locality_code !== null && f.locality_code !== 'VN').map((f) => [f.locality_code!, flagLocalityName(f, lang) ?? f.locality_code!])).entries()];
  // Every province can be chosen, so a link from a province page always finds its option.
  for (const s of data.online_service_share) if (s.locality_code !== 'VN' && !provinces.some(([c]) => c === s.locality_code)) provinces.push([s.locality_code, s.locality_name]);
  provinces.sort((a, b) => collator.compare(a[1], b[1]));
  const agencies = [...new Set(shown.map((f) => f.agency).filter((a): a is string => a !== null))].sort(collator.compare).map((a): [string, string] => [a, a]);
  const signals = SIGNAL_ORDER.filter((s) => shown.some((f) => f.signal === s)).map((s): [string, string] => [s, w.signals[s]]);
  const table = 'watch-flags';

  const row = (f: WatchFlag) => {
    const service = flagServiceName(f, lang);
    const place = flagLocalityName(f, lang);
    const chart = flagChartPath(f, lang);
    return html`<tr data-locality="${f.locality_code ?? ''}" data-agency="${f.agency ?? ''}" data-signal="${f.signal}">
<th scope="row">${w.signals[f.signal]}</th>
<td>${service !== null && f.service_code !== null ? html`<a href="${href(here, localePath(lang, `/services/${f.service_code}/`))}">${service}</a> <small>${f.agency ?? ''}</small>` : f.service_code === null ? w.allServices : f.service_code}</td>
<td>${f.locality_code !== null && provinceCodes.has(f.locality_code) ? html`<a href="${href(here, localePath(lang, `/localities/${f.locality_code}/`))}">${place}</a>` : (place ?? '—')}</td>
<td>${lang === 'vi' ? f.explanation_vi : f.explanation_en}</td>
<td class="num" data-sort="${f.paper_12m}">${formatCount(f.paper_12m, lang)}</td>
<td>${chart ? html`<a href="${href(here, chart)}">${w.chartLink}</a>` : ''}</td>
</tr>`;
  };

  const body = html`
<h1>${w.title}</h1>
<p>${w.intro(formatMonth(data.window.from, lang), formatMonth(data.window.to, lang))}</p>
${data.flags.length > WATCH_PAGE_CAP ? html`<p class="note">${w.cap(formatCount(WATCH_PAGE_CAP, lang), formatCount(data.flags.length, lang))}</p>` : ''}
<p><a href="${href(here, WATCH_FEED_PATH)}" type="application/atom+xml">${w.feed}</a> · <a href="${href(here, '/docs')}">API</a></p>
<form class="filters" hidden data-filters aria-label="${w.filters}">
${select('watch-province', 'locality', t.province, table, provinces, w.all)}
${select('watch-agency', 'agency', t.agency, table, agencies, w.all)}
${select('watch-signal', 'signal', w.signal, table, signals, w.all)}
</form>
<p class="count" aria-live="polite" data-count-for="${table}" data-count-template="${w.countTemplate}">${w.count(shown.length)}</p>
<p class="hint">${t.sortHint}</p>
${
  shown.length === 0
    ? html`<p>${w.none}</p>`
    : html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="${table}-caption">
<table class="sortable watch" id="${table}">
  <caption id="${table}-caption">${w.title}</caption>
  <thead><tr><th scope="col">${w.signal}</th><th scope="col">${t.service}</th><th scope="col">${t.province}</th><th scope="col">${w.explanation}</th><th scope="col" class="num" aria-sort="descending">${t.paper}</th><th scope="col">${w.chart}</th></tr></thead>
  <tbody>${shown.map(row)}</tbody>
</table>
</div>`
}`;
  return {
    lang,
    path: '/watch/',
    meta: data.meta,
    title: w.title,
    description: w.intro(formatMonth(data.window.from, lang), formatMonth(data.window.to, lang)),
    feed: { path: WATCH_FEED_PATH, title: w.feed },
    body,
  };
}
