/**
 * The publishers' desk (/publish/): check a file with ?dry_run=1, see every error in the page's
 * language, download them for Excel, send, and withdraw rows. The token lives in this tab's
 * sessionStorage only. Uploads go through XMLHttpRequest, whose upload events drive the progress bar.
 */
import type { DeskStrings } from '../templates/pages/publish.ts';

const TOKEN_KEY = 'thuocdo-desk-token';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface RowError {
  row: number | null;
  column: string | null;
  value: string | null;
  message: string;
}

interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

/** The body's type by its file name, as the API wants it. */
function contentType(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx')) return XLSX_TYPE;
  if (name.endsWith('.json')) return 'application/json';
  return 'text/csv';
}

/** One CSV cell for Excel: quoted when needed, a formula-looking text behind an apostrophe. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function init(): void {
  const desk = document.querySelector<HTMLElement>('.desk');
  const stringsEl = document.getElementById('desk-strings');
  if (!desk || !stringsEl) return;
  const t = JSON.parse(stringsEl.textContent ?? '{}') as DeskStrings;
  const lang = desk.dataset.lang === 'en' ? 'en' : 'vi';
  const api = new URL(desk.dataset.api ?? '/api/v1/', location.href);
  const site = new URL(desk.dataset.site ?? '/', location.href);
  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const tokenInput = $<HTMLInputElement>('desk-token-input');
  const scope = $<HTMLParagraphElement>('desk-scope');
  const fileInput = $<HTMLInputElement>('desk-file');
  const drop = $<HTMLDivElement>('desk-drop');
  const progress = $<HTMLProgressElement>('desk-progress');
  const result = $<HTMLDivElement>('desk-result');
  const errors = $<HTMLElement>('desk-errors');
  const errorsSummary = $<HTMLParagraphElement>('desk-errors-summary');
  const errorsCsv = $<HTMLAnchorElement>('desk-errors-csv');
  const table = $<HTMLTableElement>('desk-errors-table');
  desk.hidden = false;

  const token = () => tokenInput.value.trim();
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) ?? '';

  function send(path: string, body: Blob, type: string, onProgress?: (fraction: number) => void): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', new URL(path, api).href);
      xhr.setRequestHeader('Authorization', `Bearer ${token()}`);
      xhr.setRequestHeader('Content-Type', type);
      xhr.setRequestHeader('Accept-Language', lang);
      xhr.responseType = 'text';
      if (onProgress) xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        let parsed: Record<string, unknown> | null = null;
        try {
          parsed = JSON.parse(xhr.responseText) as Record<string, unknown>;
        } catch {
          parsed = null;
        }
        resolve({ status: xhr.status, body: parsed });
      };
      xhr.onerror = () => reject(new Error('network'));
      xhr.send(body);
    });
  }

  let scopeOf: string | null = null;
  /** The token's localities, for the links after a send: the pages that now show its figures. */
  let places: Array<{ code: string; name: string }> = [];
  /** Says what the token may write; the line keeps its text until the new one arrives, so nothing below it moves twice. */
  async function showScope(): Promise<void> {
    if (token() === scopeOf) return;
    scopeOf = token();
    if (!token()) return void (scope.textContent = '');
    try {
      const res = await fetch(new URL('token', api), { headers: { Authorization: `Bearer ${token()}`, 'Accept-Language': lang } });
      if (!res.ok) {
        scope.textContent = t.scopeUnknown;
        return;
      }
      const me = (await res.json()) as { localities: Array<{ code: string; name: string }>; services: string[] | null; expires_at: string | null; periods: { from: string; to: string } };
      places = me.localities.filter((l) => l.code !== 'VN');
      const named = me.localities.some((l) => l.code === 'VN') ? t.scopeAll : me.localities.map((l) => `${l.name} (${l.code})`).join(', ');
      const month = (m: string) => `${m.slice(5, 7)}/${m.slice(0, 4)}`;
      const parts = [fill(t.scope, { localities: named }), fill(t.scopePeriods, { from: month(me.periods.from), to: month(me.periods.to) })];
      if (me.services && me.services.length > 0) parts.push(fill(t.scopeServices, { services: me.services.join(', ') }));
      if (me.expires_at) parts.push(fill(t.scopeExpires, { when: new Date(me.expires_at).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB') }));
      scope.textContent = parts.join(' ');
    } catch {
      scope.textContent = t.network;
    }
  }

  tokenInput.addEventListener('change', () => {
    if (token()) sessionStorage.setItem(TOKEN_KEY, token());
    else sessionStorage.removeItem(TOKEN_KEY);
    void showScope();
  });
  $<HTMLButtonElement>('desk-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    tokenInput.value = '';
    scopeOf = '';
    scope.textContent = '';
    tokenInput.focus();
  });
  void showScope();

  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer?.files.length) fileInput.files = e.dataTransfer.files;
  });

  function clear(): void {
    result.textContent = '';
    errors.hidden = true;
    table.tHead!.textContent = '';
    table.tBodies[0]!.textContent = '';
  }

  function showErrors(body: Record<string, unknown>): void {
    const list = (Array.isArray(body.errors) ? body.errors : []) as RowError[];
    const count = typeof body.error_count === 'number' ? body.error_count : list.length;
    if (list.length === 0) {
      result.textContent = String(body.message ?? '');
      return;
    }
    errorsSummary.textContent = fill(t.errorsFound, { n: count }) + (count > list.length ? ` ${fill(t.errorsMore, { shown: list.length, n: count })}` : '');
    const head = table.tHead!.insertRow();
    for (const label of [t.columns.row, t.columns.column, t.columns.value, t.columns.message]) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = label;
      head.appendChild(th);
    }
    for (const e of list) {
      const tr = table.tBodies[0]!.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = e.row === null ? '—' : String(e.row);
      tr.appendChild(th);
      for (const text of [e.column ?? '', e.value ?? '', e.message]) tr.insertCell().textContent = text;
    }
    const csv = [t.errorsCsvHeader.join(','), ...list.map((e) => [e.row, e.column, e.value, e.message].map(csvCell).join(','))].join('\r\n');
    URL.revokeObjectURL(errorsCsv.href);
    // A BOM, so that Excel reads the Vietnamese as UTF-8.
    errorsCsv.href = URL.createObjectURL(new Blob(['\ufeff', csv, '\r\n'], { type: 'text/csv;charset=utf-8' }));
    errors.hidden = false;
  }

  /** The pages that show what was sent: the token's localities, the overview and the open data. */
  function localityLinks(): HTMLElement {
    const p = document.createElement('p');
    p.append(`${t.links} `);
    const pages = [...places.map((l) => [`localities/${l.code}/`, l.name]), ['', t.overview], ['data/', t.openData]];
    for (const [i, [path, label]] of pages.entries()) {
      if (i > 0) p.append(' · ');
      const a = document.createElement('a');
      a.href = new URL(path!, site).href;
      a.textContent = label!;
      p.appendChild(a);
    }
    return p;
  }

  async function upload(dryRun: boolean): Promise<void> {
    clear();
    const file = fileInput.files?.[0];
    if (!token()) return void (result.textContent = t.noToken);
    if (!file) return void (result.textContent = t.noFile);
    result.textContent = dryRun ? t.checking : t.sending;
    progress.value = 0;
    try {
      const answer = await send(`observations${dryRun ? '?dry_run=1' : ''}`, file, contentType(file), (f) => (progress.value = Math.round(f * 100)));
      progress.value = 100;
      const b = answer.body ?? {};
      if (answer.status === 200 || answer.status === 201) {
        const counts = { rows: Number(b.rows ?? 0), inserted: Number(b.inserted ?? 0), revised: Number(b.revised ?? 0), unchanged: Number(b.unchanged ?? 0), batch: String(b.batch_id ?? '') };
        if (dryRun) result.textContent = fill(t.wouldStore, counts);
        else if (b.batch_id === null || b.batch_id === undefined) result.textContent = t.unchanged;
        else {
          result.textContent = fill(t.stored, counts);
          result.appendChild(localityLinks());
        }
      } else showErrors(b);
    } catch {
      result.textContent = t.network;
    }
  }

  $<HTMLFormElement>('desk-upload').addEventListener('submit', (e) => {
    e.preventDefault();
    void upload(true);
  });
  $<HTMLButtonElement>('desk-send').addEventListener('click', () => void upload(false));

  // Withdrawals: checked first, then confirmed with the rows named.
  const wFile = $<HTMLInputElement>('desk-withdraw-file');
  const review = $<HTMLDivElement>('desk-withdraw-review');
  const wSummary = $<HTMLParagraphElement>('desk-withdraw-summary');
  const wRows = $<HTMLUListElement>('desk-withdraw-rows');
  const confirm = $<HTMLInputElement>('desk-withdraw-confirm');
  const wSend = $<HTMLButtonElement>('desk-withdraw-send');
  const wResult = $<HTMLDivElement>('desk-withdraw-result');
  confirm.addEventListener('change', () => (wSend.disabled = !confirm.checked));
  $<HTMLFormElement>('desk-withdraw').addEventListener('submit', async (e) => {
    e.preventDefault();
    review.hidden = true;
    confirm.checked = false;
    wSend.disabled = true;
    wResult.textContent = '';
    const file = wFile.files?.[0];
    if (!token()) return void (wResult.textContent = t.noToken);
    if (!file) return void (wResult.textContent = t.noFile);
    try {
      const answer = await send('withdrawals?dry_run=1', file, 'text/csv');
      const b = answer.body ?? {};
      if (answer.status !== 200) return void (wResult.textContent = String(b.message ?? answer.status));
      const lines = (await file.text()).replace(/^\ufeff/, '').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
      wSummary.textContent = `${fill(t.withdrawWould, { n: Number(b.withdrawn ?? lines.length) })} ${fill(t.withdrawConfirm, { n: lines.length })}`;
      wRows.textContent = '';
      for (const line of lines.slice(0, 200)) wRows.appendChild(document.createElement('li')).textContent = line;
      review.hidden = false;
    } catch {
      wResult.textContent = t.network;
    }
  });
  wSend.addEventListener('click', async () => {
    const file = wFile.files?.[0];
    if (!file || !confirm.checked) return;
    try {
      const answer = await send('withdrawals', file, 'text/csv');
      const b = answer.body ?? {};
      wResult.textContent = answer.status === 201 ? fill(t.withdrawn, { n: Number(b.withdrawn ?? 0), batch: String(b.batch_id ?? '') }) : String(b.message ?? answer.status);
      review.hidden = true;
    } catch {
      wResult.textContent = t.network;
    }
  });
}

init();
