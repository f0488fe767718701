/**
 * Every page: sortable tables and the search box over a table. Without this script the
 * tables are complete and readable; it only adds ways to reorder and narrow them.
 */

import { foldText as fold } from '../../lib/fold.ts';
import { initSearch } from './search.ts';

type Direction = 'ascending' | 'descending';

const lang = document.documentElement.lang === 'en' ? 'en' : 'vi';
const collator = new Intl.Collator(lang);


/** Text of an element with a space between its text nodes, so a link and the note after it do not run together. */
function textOf(el: Element): string {
  const parts: string[] = [];
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) parts.push(n.nodeValue ?? '');
  return parts.join(' ').replace(/\s+/g, ' ').trim();
}

function bodyRows(table: HTMLTableElement): HTMLTableRowElement[] {
  return Array.from(table.tBodies).flatMap((body) => Array.from(body.rows));
}

// ---- Sorting -------------------------------------------------------------------------

interface SortKey {
  row: HTMLTableRowElement;
  /** Position before this sort: ties keep it, so sorting by one column then another nests. */
  index: number;
  num: number | null;
  text: string;
}

function isNumericColumn(rows: HTMLTableRowElement[], col: number): boolean {
  return rows.some((row) => row.cells[col]?.hasAttribute('data-sort'));
}

function numberOf(cell: HTMLTableCellElement | undefined): number | null {
  const raw = cell?.getAttribute('data-sort');
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

function sortTable(table: HTMLTableElement, col: number, dir: Direction): void {
  const body = table.tBodies[0];
  if (!body) return;
  const rows = Array.from(body.rows);
  const numeric = isNumericColumn(rows, col);
  const keys: SortKey[] = rows.map((row, index) => {
    const cell = row.cells[col];
    return { row, index, num: numeric ? numberOf(cell) : null, text: cell ? textOf(cell) : '' };
  });
  const sign = dir === 'ascending' ? 1 : -1;
  keys.sort((a, b) => {
    let c = 0;
    if (numeric) {
      // Rows without a value go last whichever the direction.
      if (a.num === null || b.num === null) c = a.num === b.num ? 0 : a.num === null ? 1 : -1;
      else c = sign * (a.num - b.num);
    } else {
      if (a.text === '' || b.text === '') c = a.text === b.text ? 0 : a.text === '' ? 1 : -1;
      else c = sign * collator.compare(a.text, b.text);
    }
    return c !== 0 ? c : a.index - b.index;
  });
  const frag = document.createDocumentFragment();
  for (const k of keys) frag.appendChild(k.row);
  body.appendChild(frag);
}

function makeSortable(table: HTMLTableElement): void {
  const headRow = table.tHead?.rows[0];
  if (!headRow) return;
  const headers = Array.from(headRow.cells).filter((th): th is HTMLTableCellElement => th.tagName === 'TH' && th.getAttribute('scope') === 'col');

  for (const th of headers) {
    const col = th.cellIndex;
    const button = document.createElement('button');
    button.type = 'button';
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener('click', () => {
      const current = th.getAttribute('aria-sort');
      let dir: Direction;
      if (current === 'ascending') dir = 'descending';
      else if (current === 'descending') dir = 'ascending';
      else dir = isNumericColumn(bodyRows(table), col) ? 'descending' : 'ascending';
      for (const other of headers) if (other !== th) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', dir);
      sortTable(table, col, dir);
    });
  }
}

// ---- Search --------------------------------------------------------------------------

function countText(n: number, el?: HTMLElement): string {
  const template = el?.getAttribute('data-count-template');
  if (template) return template.replace('{n}', String(n));
  return lang === 'en' ? `${n} services` : `${n} dịch vụ`;
}

function makeFilter(input: HTMLInputElement): void {
  const id = input.getAttribute('data-filter');
  if (!id) return;
  const table = document.getElementById(id);
  if (!(table instanceof HTMLTableElement)) return;
  const folded = new WeakMap<HTMLTableRowElement, string>();
  const counts = Array.from(document.querySelectorAll<HTMLElement>('[data-count-for]')).filter((el) => el.getAttribute('data-count-for') === id);

  const apply = () => {
    const terms = fold(input.value).split(/\s+/).filter(Boolean);
    let visible = 0;
    for (const row of bodyRows(table)) {
      const text = folded.get(row) ?? fold(textOf(row));
      folded.set(row, text);
      const show = terms.every((term) => text.includes(term));
      row.hidden = !show;
      if (show) visible++;
    }
    for (const el of counts) el.textContent = countText(visible, el);
  };

  input.addEventListener('input', apply);
  // A browser may restore the box's text when the reader comes back to the page.
  if (input.value) apply();
}

// ---- Select filters ------------------------------------------------------------------

/**
 * <select data-filter-select="TABLE" data-filter-key="KEY">: shows the rows whose data-KEY
 * equals the chosen value, across every select of the table. A query-string parameter named
 * like the select chooses its first value ("?locality=01").
 */
function makeSelectFilters(table: HTMLTableElement, selects: HTMLSelectElement[]): void {
  const counts = Array.from(document.querySelectorAll<HTMLElement>('[data-count-for]')).filter((el) => el.getAttribute('data-count-for') === table.id);
  const apply = () => {
    let visible = 0;
    for (const row of bodyRows(table)) {
      const show = selects.every((s) => s.value === '' || row.getAttribute(`data-${s.getAttribute('data-filter-key')}`) === s.value);
      row.hidden = !show;
      if (show) visible++;
    }
    for (const el of counts) el.textContent = countText(visible, el);
  };
  const params = new URLSearchParams(location.search);
  for (const s of selects) {
    const wanted = params.get(s.name);
    if (wanted !== null && Array.from(s.options).some((o) => o.value === wanted)) s.value = wanted;
    s.addEventListener('change', apply);
    s.closest<HTMLElement>('[data-filters]')?.removeAttribute('hidden');
  }
  if (selects.some((s) => s.value !== '')) apply();
}

function init(): void {
  initSearch();
  document.querySelectorAll<HTMLTableElement>('table.sortable').forEach(makeSortable);
  document.querySelectorAll<HTMLInputElement>('input[data-filter]').forEach(makeFilter);
  const byTable = new Map<string, HTMLSelectElement[]>();
  document.querySelectorAll<HTMLSelectElement>('select[data-filter-select]').forEach((s) => {
    const id = s.getAttribute('data-filter-select')!;
    byTable.set(id, [...(byTable.get(id) ?? []), s]);
  });
  for (const [id, selects] of byTable) {
    const table = document.getElementById(id);
    if (table instanceof HTMLTableElement) makeSelectFilters(table, selects);
  }
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
