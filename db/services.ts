import type Database from 'better-sqlite3';

/**
 * A service code: letters, digits, ".", "_" or "-", starting with a letter or digit. Codes name
 * folders of the published site, so "." and ".." must never be codes.
 */
export const SERVICE_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

/** A service as publishers and admins describe it (the contract's field names). */
export interface ServiceInput {
  code: string;
  name_vi: string;
  name_en?: string | null;
  agency?: string | null;
  online_level: 'full' | 'partial' | 'none';
  online_since?: string | null;
}

export interface Service extends Required<ServiceInput> {
  id: number;
  updated_at: string;
}

const SELECT = `SELECT id, code, name_vi, name_en, agency, online_level, online_since, updated_at FROM services`;

const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
const CONTROLS = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/**
 * A name from outside (service, agency, publisher) as it is stored: NFC, so that equal-looking
 * names are equal, without control characters. Why strip bidirectional controls (U+202A–U+202E,
 * U+2066–U+2069, the marks) here rather than escape them on output: they reorder what a reader
 * sees on every surface a name reaches (pages, embeds, chart images, the Atom feed, CSV in a
 * spreadsheet, API answers), and escaping does not make them inert (&#x202E; is the same character
 * to a browser). Vietnamese names never need them. Other C0/C1 controls have no place in a name
 * either; tabs and line breaks become spaces. The site's HTML and XML escapers drop them too,
 * for names stored before this rule.
 */
export function cleanName(text: string): string {
  return text.normalize('NFC').replace(LINE_BREAKS, ' ').replace(CONTROLS, '').trim();
}

function nfc(text: string | null | undefined): string | null {
  return text === undefined || text === null ? null : cleanName(text);
}

/** Creates or replaces a service; returns whether it was new. */
export function upsertService(sqlite: Database.Database, input: ServiceInput, now = new Date()): { created: boolean; service: Service } {
  const existed = sqlite.prepare('SELECT 1 FROM services WHERE code = ?').get(input.code) !== undefined;
  sqlite
    .prepare(
      `INSERT INTO services (code, name_vi, name_en, agency, online_level, online_since, updated_at)
       VALUES (@code, @name_vi, @name_en, @agency, @online_level, @online_since, @updated_at)
       ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en, agency = excluded.agency,
         online_level = excluded.online_level, online_since = excluded.online_since, updated_at = excluded.updated_at`,
    )
    .run({
      code: input.code,
      name_vi: nfc(input.name_vi),
      name_en: nfc(input.name_en),
      agency: nfc(input.agency),
      online_level: input.online_level,
      online_since: input.online_since ?? null,
      updated_at: now.toISOString(),
    });
  return { created: !existed, service: getService(sqlite, input.code)! };
}

/** Replaces or adds many services in one transaction. */
export function upsertServices(sqlite: Database.Database, inputs: ServiceInput[]): { created: number; updated: number } {
  let created = 0;
  sqlite.transaction(() => {
    for (const input of inputs) if (upsertService(sqlite, input).created) created++;
  })();
  return { created, updated: inputs.length - created };
}

export function getService(sqlite: Database.Database, code: string): Service | undefined {
  return sqlite.prepare(`${SELECT} WHERE code = ?`).get(code) as Service | undefined;
}

const collator = new Intl.Collator('vi');

export function listServices(sqlite: Database.Database): Service[] {
  const all = sqlite.prepare(SELECT).all() as Service[];
  return all.sort((a, b) => collator.compare(a.name_vi, b.name_vi) || a.code.localeCompare(b.code));
}

export function serviceIdsByCode(sqlite: Database.Database): Map<string, number> {
  const rows = sqlite.prepare('SELECT code, id FROM services').all() as Array<{ code: string; id: number }>;
  return new Map(rows.map((r) => [r.code, r.id]));
}
