/**
 * Embed pages: applies ?theme, ?tab and ?time, draws the chart (from the page's own data, or
 * for the generic page from the API), and tells the host page its height: the AMP message
 * {sentinel: "amp", type: "embed-size", height} and {"thuocdo-height": {"<id>": px}}.
 */
import type { EmbedStrings } from '../templates/pages/embed.ts';
import { type Line, type Theme, drawLines, readPayload, trendLines } from './trend.ts';

const params = new URLSearchParams(location.search);
const main = document.querySelector<HTMLElement>('main.embed')!;
const box = main.querySelector<HTMLElement>('.chart-box')!;
const canvas = box.querySelector('canvas')!;
const tableBox = main.querySelector<HTMLElement>('.table-box')!;
const lang = document.documentElement.lang === 'en' ? 'en' : 'vi';

function theme(): Theme {
  const asked = params.get('theme');
  const choice = asked === 'light' || asked === 'dark' ? asked : 'auto';
  document.documentElement.dataset.theme = choice;
  if (choice !== 'auto') return choice;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** "2020..latest", "2022-03..2024", "2024": the first and last month wanted, inclusive. */
export function timeRange(text: string | null): { from: string; to: string } {
  const [start = '', end = start] = (text ?? '').split('..');
  const from = /^\d{4}$/.test(start) ? `${start}-01` : /^\d{4}-\d{2}$/.test(start) ? start : '0000-00';
  const to = /^\d{4}$/.test(end) ? `${end}-12` : /^\d{4}-\d{2}$/.test(end) ? end : '9999-99';
  return { from, to };
}

function postHeight(): void {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  const id = params.get('id') ?? location.pathname + location.search;
  parent.postMessage({ sentinel: 'amp', type: 'embed-size', height }, '*');
  parent.postMessage({ 'thuocdo-height': { [id]: height } }, '*');
}

function showTab(): void {
  const table = params.get('tab') === 'table';
  box.hidden = table;
  tableBox.hidden = !table;
}

/** ?time limits the static tables as it does the chart: monthly rows are the payload's months in order, yearly rows start with their year. */
function limitTables(keep: boolean[], fromYear: string, toYear: string): void {
  const [yearly, monthly] = tableBox.querySelectorAll('table');
  yearly?.querySelectorAll<HTMLElement>('tbody tr').forEach((row) => {
    const year = row.querySelector('th')?.textContent?.slice(0, 4) ?? '';
    row.hidden = year < fromYear || year > toYear;
  });
  monthly?.querySelectorAll<HTMLElement>('tbody tr').forEach((row, i) => (row.hidden = keep[i] === false));
}

function drawStatic(colours: Theme): void {
  const p = readPayload(main);
  if (!p) return;
  const { from, to } = timeRange(params.get('time'));
  const keep = p.periods.map((m) => m >= from && m <= to);
  limitTables(keep, from.slice(0, 4), to.slice(0, 4));
  const pick = <T>(list: T[]) => list.filter((_, i) => keep[i]);
  box.hidden = false;
  drawLines(canvas, p.lang, pick(p.labels), trendLines(p).map((l) => ({ ...l, data: pick(l.data), ...(l.partial ? { partial: pick(l.partial) } : {}) })), colours);
}

interface Bucket {
  period: string;
  online_count: number;
  total_count: number;
  rate: number | null;
  complete: boolean;
}


function cell(tag: 'th' | 'td', text: string, scope?: string): HTMLElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (scope) c.setAttribute('scope', scope);
  return c;
}

/**
 * The generic page: one line per locality (`~`-separated), for one service or all, from the API;
 * the online rate, or any indicator of the catalogue (`indicator=end_to_end_rate`).
 */
async function drawFromApi(colours: Theme): Promise<void> {
  const t = JSON.parse(main.querySelector('script.embed-strings')!.textContent!) as EmbedStrings;
  const api = new URL(main.dataset.api!, location.href);
  const service = params.get('service');
  const localities = (params.get('locality') ?? 'VN').split('~').filter(Boolean).slice(0, 8);
  const { from, to } = timeRange(params.get('time'));
  const asOf = params.get('as_of_batch');
  const indicator = params.get('indicator');
  const query = (locality: string) => {
    const q = new URLSearchParams({ locality, granularity: 'month' });
    if (service) q.set('service', service);
    if (indicator) q.set('indicator', indicator);
    if (from !== '0000-00') q.set('from', from);
    if (to !== '9999-99') q.set('to', to);
    if (asOf) q.set('as_of_batch', asOf);
    return new URL(`adoption?${q}`, api);
  };
  const answers = await Promise.all(localities.map(async (l) => (await fetch(query(l))).json()));
  const title = main.querySelector('.title')!;
  const sourceText = main.querySelector('.source-text')!;
  sourceText.textContent = t.source;
  if (answers.some((a) => !Array.isArray(a.series))) {
    title.textContent = t.notFound;
    return;
  }
  let serviceName = t.all;
  if (service) {
    const s = await (await fetch(new URL(`services/${encodeURIComponent(service)}`, api))).json();
    serviceName = (lang === 'en' && s.name_en) || s.name_vi || service;
  }
  let measured = t.rate;
  if (indicator) {
    const { indicators } = (await (await fetch(new URL('indicators', api))).json()) as { indicators: Array<{ id: string; name_vi: string; name_en: string }> };
    const found = indicators.find((i) => i.id === indicator);
    if (found) measured = lang === 'en' ? found.name_en : found.name_vi;
  }
  const names = answers.map((a) => a.locality_name as string);
  title.textContent = `${serviceName} — ${names.join(', ')}${indicator ? ` — ${measured}` : ''}`;
  document.title = title.textContent;
  if (asOf) main.querySelector('.as-of')!.textContent = t.asOf.replace('{batch}', asOf);

  const periods = [...new Set(answers.flatMap((a) => (a.series as Bucket[]).map((b) => b.period)))].sort();
  const byLocality = answers.map((a) => new Map((a.series as Bucket[]).map((b) => [b.period, b])));
  const percent = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  // An incomplete month (not everyone reported, or not over) is drawn dotted and hollow, and marked in the table.
  const partialOf = (i: number) => periods.map((p) => byLocality[i]!.get(p)?.complete === false);
  const lines: Line[] = names.map((name, i) => ({ label: name, data: periods.map((p) => byLocality[i]!.get(p)?.rate ?? null), partial: partialOf(i) }));
  const last = lines.map((l) => l.data.filter((v) => v !== null).pop());
  main.querySelector('.summary')!.textContent = names.map((n, i) => `${n}: ${last[i] == null ? '—' : percent.format(last[i]!)}`).join(' · ');

  const table = document.createElement('table');
  table.append(Object.assign(document.createElement('caption'), { textContent: indicator ? title.textContent : `${title.textContent} — ${measured}` }));
  const head = document.createElement('tr');
  head.append(cell('th', t.month, 'col'), ...names.map((n) => cell('th', n, 'col')));
  const body = document.createElement('tbody');
  for (const [i, period] of periods.entries()) {
    const row = document.createElement('tr');
    row.append(cell('th', period, 'row'), ...lines.map((l) => cell('td', (l.data[i] == null ? '—' : percent.format(l.data[i]!)) + (l.partial?.[i] ? ` (${t.incomplete})` : ''))));
    body.append(row);
  }
  table.append(Object.assign(document.createElement('thead'), {}), body);
  table.tHead!.append(head);
  tableBox.replaceChildren(table);
  if (periods.length > 0) {
    box.hidden = false;
    drawLines(canvas, lang, periods, lines, colours);
  }
}

async function render(): Promise<void> {
  const colours = theme();
  try {
    if (main.dataset.api) await drawFromApi(colours);
    else drawStatic(colours);
  } catch (err) {
    console.error('Thước đo: embed not drawn', err);
  }
  showTab();
  postHeight();
  new ResizeObserver(postHeight).observe(document.body);
}

void render();
