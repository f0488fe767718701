import { type Lang, formatCount, formatMonth, localePath } from '../../i18n.ts';
import type { WatchData } from '../../model.ts';
import { strings } from '../../strings.ts';
import { html } from '../html.ts';
import { type Page, href } from '../layout.ts';
import { WATCH_FEED_PATH, WATCH_TABLE_CAP, SIGNAL_ORDER, countOf, flagTable, fullListLinks, watchPath } from './watch.ts';
import { type WatchProvince, provinceCommuneFlags, siteWatch } from './watch-data.ts';

/**
 * /watch/{province}/: the province's own flags and its communes' (the first of them by paper,
 * every one counted by signal), each table sortable and filterable, readable without JavaScript.
 */
export function watchProvincePage(data: WatchData, province: WatchProvince, lang: Lang): Page {
  const watch = siteWatch(data);
  const t = strings(lang);
  const w = t.watch;
  const path = watchPath(province.code);
  const here = localePath(lang, path);
  const n = (x: number) => formatCount(x, lang);
  const from = formatMonth(data.window.from, lang);
  const to = formatMonth(data.window.to, lang);
  const provinces = new Set(watch.provinces.map((p) => p.code));

  const own = data.flags.filter((f) => f.locality_code === province.code);
  const ownShown = own.slice(0, WATCH_TABLE_CAP);
  const communes = provinceCommuneFlags(watch, province.code);
  const shownBySignal = new Map<string, number>();
  for (const f of communes) shownBySignal.set(f.signal, (shownBySignal.get(f.signal) ?? 0) + 1);
  const signals = SIGNAL_ORDER.filter((s) => countOf(province.own, s) + countOf(province.communes, s) > 0);

  const body = html`
<nav class="crumbs" aria-label="breadcrumb"><ol><li><a href="${href(here, localePath(lang, '/watch/'))}">${w.title}</a></li><li aria-current="page">${province.name}</li></ol></nav>
<h1>${w.provinceTitle(province.name)}</h1>
<p>${w.provinceIntro(province.name, from, to)}</p>
<p><a href="${href(here, localePath(lang, `/localities/${province.code}/`))}">${w.provincePage}: ${province.name}</a> · <a href="${href(here, WATCH_FEED_PATH)}" type="application/atom+xml">${w.feed}</a></p>
<section aria-labelledby="watch-counts">
<h2 id="watch-counts">${w.bySignal}</h2>
${
  signals.length === 0
    ? html`<p>${w.none}</p>`
    : html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="watch-counts-caption">
<table class="watch-counts">
  <caption id="watch-counts-caption">${w.provinceCounts(province.name)}</caption>
  <thead><tr><th scope="col">${w.signal}</th><th scope="col" class="num">${w.ownTitle}</th><th scope="col" class="num">${w.communesTitle}</th><th scope="col" class="num">${w.shownHere}</th></tr></thead>
  <tbody>${signals.map((s) => html`<tr><th scope="row">${w.signals[s]}</th><td class="num">${n(countOf(province.own, s))}</td><td class="num">${n(countOf(province.communes, s))}</td><td class="num">${n(ownShown.filter((f) => f.signal === s).length + (shownBySignal.get(s) ?? 0))}</td></tr>`)}</tbody>
  <tfoot><tr><th scope="row">${w.total}</th><td class="num">${n(province.own.total)}</td><td class="num">${n(province.communes.total)}</td><td class="num">${n(ownShown.length + communes.length)}</td></tr></tfoot>
</table>
</div>`
}
</section>
<section aria-labelledby="watch-own">
<h2 id="watch-own">${w.ownTitle}</h2>
${own.length > ownShown.length ? html`<p class="note">${w.ownCap(n(ownShown.length), n(own.length))}</p>${fullListLinks(lang, path, province.code)}` : ''}
${flagTable({ id: 'watch-flags', caption: w.ownTitle, lang, path, flags: ownShown, place: null, chart: true, agencies: true, provinces })}
</section>
<section aria-labelledby="watch-communes">
<h2 id="watch-communes">${w.communesTitle}</h2>
${
  !province.commune_data && province.communes.total === 0
    ? html`<p>${w.noCommuneData(province.name)}</p>`
    : communes.length === 0
      ? html`<p>${w.communesNone}</p>`
      : html`${province.communes.total > communes.length ? html`<p class="note">${w.communeCap(n(communes.length), n(province.communes.total))}</p>${fullListLinks(lang, path, province.code)}` : ''}
<p class="hint">${t.sortHint}</p>
${flagTable({ id: 'watch-commune-flags', caption: w.communesTitle, lang, path, flags: communes, place: 'commune', chart: false, agencies: false, provinces })}`
}
</section>`;
  return {
    lang,
    path,
    meta: data.meta,
    title: w.provinceTitle(province.name),
    description: w.provinceIntro(province.name, from, to),
    feed: { path: WATCH_FEED_PATH, title: w.feed },
    body,
  };
}
