import { type Lang, formatCount, formatMonth, formatPp, formatRate, localePath } from '../i18n.ts';
import type { CommuneSummary, ProvinceSummary, ServiceSummary } from '../model.ts';
import { strings } from '../strings.ts';
import { Html, escapeHtml, html, render } from './html.ts';
import { linksFrom } from './layout.ts';

export interface TableContext {
  lang: Lang;
  /** The current page's full path, for relative links. */
  here: string;
}

interface Column<T> {
  label: string;
  /** The cell; numeric columns give a sort key. */
  cell: (row: T) => Html | string;
  sort?: (row: T) => number | null;
  numeric?: boolean;
}

/**
 * A table that site.js makes sortable (buttons in the headers) and, with a search box,
 * filterable. Without JavaScript it is a plain, complete table.
 */
function sortableTable<T>(id: string, caption: string, columns: Column<T>[], rows: T[]): Html {
  const cells = columns.map((c, i) => cellWriter(c, i === 0));
  let body = '';
  for (const row of rows) {
    body += '<tr>';
    for (const cell of cells) body += cell(row);
    body += '</tr>';
  }
  return html`<div class="table-scroll" tabindex="0" role="region" aria-labelledby="${id}-caption">
<table class="sortable" id="${id}">
  <caption id="${id}-caption">${caption}</caption>
  <thead><tr>${columns.map((c) => html`<th scope="col"${c.numeric ? html` class="num"` : ''}>${c.label}</th>`)}</tr></thead>
  <tbody>${new Html(body)}</tbody>
</table>
</div>`;
}

/**
 * A column's cells, written by concatenation with the tag and its class made once per table:
 * a locality page has thousands of cells, too many for a template each (cells that are markup
 * build it the same way, escaping their text themselves).
 */
function cellWriter<T>(column: Column<T>, first: boolean): (row: T) => string {
  const open = (first ? '<th scope="row"' : '<td') + (column.numeric ? ' class="num"' : '');
  const close = first ? '</th>' : '</td>';
  const { cell, sort } = column;
  if (!sort) return (row) => `${open}>${render(cell(row))}${close}`;
  return (row) => `${open} data-sort="${render(sort(row) ?? '')}">${render(cell(row))}${close}`;
}

/**
 * A rate with a bar: the text says the rate, the bar shows it (colour is never the only cue).
 * Widths are classes in 5% steps because the CSP allows no inline styles.
 */
function rateCell(rate: number | null, lang: Lang): Html {
  const step = rate === null ? 0 : Math.round(rate * 20);
  return new Html(`<span class="rate"><span class="bar w${step}" aria-hidden="true"></span>${escapeHtml(formatRate(rate, lang, 1))}</span>`);
}

function windowColumns<T extends ProvinceSummary | ServiceSummary | CommuneSummary>(lang: Lang): Column<T>[] {
  const t = strings(lang);
  return [
    { label: t.rate12m, cell: (r) => rateCell(r.rate_12m, lang), sort: (r) => r.rate_12m, numeric: true },
    { label: t.change12m, cell: (r) => formatPp(r.change_pp, lang), sort: (r) => r.change_pp, numeric: true },
    { label: t.total, cell: (r) => formatCount(r.total_12m, lang), sort: (r) => r.total_12m, numeric: true },
    { label: t.paper, cell: (r) => formatCount(r.paper_12m, lang), sort: (r) => r.paper_12m, numeric: true },
  ];
}

export function provinceTable(id: string, caption: string, rows: ProvinceSummary[], ctx: TableContext, linkTo?: (code: string) => string): Html {
  const t = strings(ctx.lang);
  const target = linkTo ?? ((code: string) => localePath(ctx.lang, `/localities/${code}/`));
  const link = linksFrom(ctx.here);
  return sortableTable<ProvinceSummary>(
    id,
    caption,
    [
      { label: t.province, cell: (r) => new Html(`<a href="${escapeHtml(link(target(r.code)))}">${escapeHtml(r.name)}</a>`) },
      ...windowColumns<ProvinceSummary>(ctx.lang),
      { label: t.lastReported, cell: (r) => formatMonth(r.last_reported, ctx.lang), sort: (r) => (r.last_reported ? Number(r.last_reported.replace('-', '')) : null) },
    ],
    rows,
  );
}

export function serviceName(s: ServiceSummary, lang: Lang): string {
  return lang === 'en' && s.name_en ? s.name_en : s.name_vi;
}

export function serviceTable(id: string, caption: string, rows: ServiceSummary[], ctx: TableContext): Html {
  const t = strings(ctx.lang);
  const servicesHref = linksFrom(ctx.here)(localePath(ctx.lang, '/services/'));
  return sortableTable<ServiceSummary>(
    id,
    caption,
    [
      {
        label: t.service,
        cell: (r) => new Html(`<a href="${escapeHtml(`${servicesHref}${r.code}/`)}">${escapeHtml(serviceName(r, ctx.lang))}</a> <small>${escapeHtml(r.agency ?? '')}</small>`),
      },
      { label: t.code, cell: (r) => r.code },
      { label: t.level, cell: (r) => t.levels[r.online_level] },
      ...windowColumns<ServiceSummary>(ctx.lang),
    ],
    rows,
  );
}

/** A province's communes: their 12-month window and how many of its months they reported. */
export function communeTable(id: string, caption: string, rows: CommuneSummary[], ctx: TableContext): Html {
  const t = strings(ctx.lang);
  const link = linksFrom(ctx.here);
  return sortableTable<CommuneSummary>(
    id,
    caption,
    [
      { label: t.localities.commune, cell: (r) => new Html(`<a href="${escapeHtml(link(localePath(ctx.lang, `/localities/${r.code}/`)))}">${escapeHtml(r.name)}</a>`) },
      ...windowColumns<CommuneSummary>(ctx.lang),
      { label: t.localities.monthsReported, cell: (r) => formatCount(r.months_reported, ctx.lang), sort: (r) => r.months_reported, numeric: true },
    ],
    rows,
  );
}

/** A place's services twice: by rate (all, lowest first) and by paper (the 20 with most). */
export function serviceSections(services: ServiceSummary[], ctx: TableContext): Html {
  const t = strings(ctx.lang);
  const byPaper = [...services].sort((a, b) => b.paper_12m - a.paper_12m).slice(0, 20);
  return html`<section>
  <h2>${t.localities.byRate}</h2>
  <p class="hint">${t.sortHint}</p>
  ${serviceTable('services-by-rate', t.localities.byRate, services, ctx)}
</section>
<section>
  <h2>${t.localities.byPaper}</h2>
  ${serviceTable('services-by-paper', t.localities.byPaper, byPaper, ctx)}
</section>`;
}
