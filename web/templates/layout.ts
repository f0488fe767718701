import { type ChartRef, IMAGE_HEIGHT, IMAGE_WIDTH, chartImagePaths } from '../charts.ts';
import { type Lang, formatDateTime, formatMonth, localePath } from '../i18n.ts';
import { assetPath } from '../assets.ts';
import type { SiteMeta } from '../model.ts';
import { strings } from '../strings.ts';
import { type Html, html, jsonScript } from './html.ts';

export interface Page {
  lang: Lang;
  /** The page's path without the language prefix, e.g. "/services/". */
  path: string;
  meta: SiteMeta;
  title: string;
  description: string;
  /** Pages that draw charts load Chart.js (and offer embeds); others do not. */
  charts?: boolean;
  /** Scripts of this page alone (web/js/NAME.ts), beside site.js. */
  scripts?: Array<'publish'>;
  /** An Atom feed of the page, as a root-relative path. */
  feed?: { path: string; title: string };
  /** The chart whose image represents the page on social cards; the national one by default. */
  card?: ChartRef;
  body: Html;
}

/**
 * A link from one page to another as a relative URL, so the site works from any folder
 * of any static host, not just a domain's root. An asset ("/assets/site.css") is linked under
 * its content-hashed name (assetPath).
 */
export function href(fromPath: string, to: string): string {
  return linksFrom(fromPath)(to);
}

/** href from one page, its way up to the root worked out once: tables link every row. */
export function linksFrom(fromPath: string): (to: string) => string {
  const depth = fromPath.split('/').filter(Boolean).length;
  const up = depth === 0 ? './' : '../'.repeat(depth);
  // Assets under their content-hashed names (web/assets.ts), which browsers keep for a year.
  return (to) => up + (to.startsWith('/') ? assetPath(to).slice(1) : to);
}

/** og:/twitter: tags: the page's chart as a 1200×630 image. Absolute URLs when PUBLIC_URL is known. */
function socialCard(page: Page, here: string): Html {
  const image = chartImagePaths(page.card ?? { kind: 'national' }, page.lang).png;
  const absolute = (path: string) => (page.meta.site_url ? page.meta.site_url.replace(/\/$/, '') + path : href(here, path));
  return html`<meta property="og:type" content="website">
<meta property="og:site_name" content="Thước đo">
<meta property="og:title" content="${page.title}">
<meta property="og:description" content="${page.description}">
<meta property="og:image" content="${absolute(image)}">
<meta property="og:image:width" content="${IMAGE_WIDTH}">
<meta property="og:image:height" content="${IMAGE_HEIGHT}">
<meta property="og:locale" content="${page.lang === 'vi' ? 'vi_VN' : 'en_GB'}">
${page.meta.site_url ? html`<meta property="og:url" content="${absolute(here)}">` : ''}
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:image" content="${absolute(image)}">`;
}

/** oEmbed discovery: the endpoint on the site's own server, asked about this page. */
export function oembedHref(siteUrl: string, pagePath: string): string {
  const base = siteUrl.replace(/\/$/, '');
  return `${base}/oembed?url=${encodeURIComponent(base + pagePath)}&format=json`;
}

const NAV = [
  ['home', '/'],
  ['services', '/services/'],
  ['localities', '/localities/'],
  ['watch', '/watch/'],
  ['methodology', '/methodology/'],
  ['data', '/data/'],
] as const;

/** The search box of every page (web/js/search.ts); without JavaScript it opens the localities index. */
function searchForm(lang: Lang, link: (to: string) => string): Html {
  const t = strings(lang).localities;
  return html`<form class="site-search" role="search" action="${link(localePath(lang, '/localities/'))}" method="get" data-search-index="${link('/localities/search.json')}" data-none="${t.searchNone}" data-results="${t.searchResults}" data-formerly="${t.searchOld('{name}')}">
  <label for="site-search-q">${t.search}</label>
  <input id="site-search-q" type="search" name="q" autocomplete="off" role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls="site-search-list" aria-describedby="site-search-hint">
  <span id="site-search-hint" class="hint">${t.searchHint}</span>
  <ul id="site-search-list" role="listbox" aria-label="${t.search}" hidden></ul>
  <p class="visually-hidden" role="status"></p>
</form>`;
}

export function layout(page: Page): string {
  const t = strings(page.lang);
  const here = localePath(page.lang, page.path);
  const link = linksFrom(here);
  const other: Lang = page.lang === 'vi' ? 'en' : 'vi';
  const section = NAV.find(([, p]) => p !== '/' && page.path.startsWith(p))?.[1] ?? (page.path === '/' ? '/' : null);
  const built = formatDateTime(page.meta.built_at, page.lang);

  return `<!doctype html>${html`<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} — ${t.siteName}</title>
<meta name="description" content="${page.description}">
<link rel="alternate" hreflang="vi" href="${link(localePath('vi', page.path))}">
<link rel="alternate" hreflang="en" href="${link(localePath('en', page.path))}">
<link rel="alternate" hreflang="x-default" href="${link(page.path)}">
${socialCard(page, here)}
${page.feed ? html`<link rel="alternate" type="application/atom+xml" href="${link(page.feed.path)}" title="${page.feed.title}">` : ''}
<link rel="icon" href="${link('/assets/icon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${link('/assets/site.css')}">
<script src="${link('/assets/site.js')}" defer></script>
${(page.scripts ?? []).map((name) => html`<script src="${link(`/assets/${name}.js`)}" defer></script>`)}
${page.charts ? html`<script src="${link('/assets/chart.umd.min.js')}" defer></script>
<script src="${link('/assets/charts.js')}" defer></script>
<script type="application/json" id="embed-strings">${jsonScript(t.embed)}</script>
${page.meta.site_url ? html`<link rel="alternate" type="application/json+oembed" href="${oembedHref(page.meta.site_url, here)}" title="${page.title}">` : ''}` : ''}
</head>
<body>
<a class="skip" href="#main">${t.skip}</a>
<header class="site-header">
  <div class="wrap">
    <p class="brand"><a href="${link(localePath(page.lang, '/'))}">${t.siteName}</a> <span>${t.tagline}</span></p>
    <nav aria-label="${t.siteName}">
      <ul>
        ${NAV.map(([key, p]) => html`<li><a href="${link(localePath(page.lang, p))}"${section === p ? html` aria-current="page"` : ''}>${t.nav[key]}</a></li>`)}
        <li><a href="${link('/docs')}">${t.nav.api}</a></li>
        <li class="lang"><a href="${link(localePath(other, page.path))}" hreflang="${other}" lang="${other}">${t.otherLanguage}</a></li>
      </ul>
    </nav>
    ${searchForm(page.lang, link)}
  </div>
</header>
${page.meta.demo ? html`<div class="demo" role="note"><strong>${t.demoLabel}</strong> ${t.demoText}</div>` : ''}
<main id="main" class="wrap">
${page.body}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>${t.source(formatMonth(page.meta.data_as_of, page.lang), built)}</p>
    <p><a href="${link(localePath(page.lang, '/data/'))}">${t.nav.data}</a> · <a href="${link(localePath(page.lang, '/methodology/'))}">${t.nav.methodology}</a> · <a href="${link('/docs')}">API</a> · <a href="${link(localePath(page.lang, '/publish/'))}">${t.nav.publish}</a> · CC BY 4.0</p>
  </div>
</footer>
</body>
</html>`}\n`;
}
