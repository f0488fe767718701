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
  online_level: 'full' | 'partial';
  online_since?: string | null;
}

export interface Service extends Required<ServiceInput> {
  id: number;
  updated_at: string;
}

const SELECT = `SELECT id, code, name_vi, name_en, agency, online_level, online_since, updated_at FROM services`;

/** Names from outside are stored in NFC so that equal-looking names are equal. */
function nfc(text: string | null | undefined): string | null {
  return text === undefined || text === null ? null : text.normalize('NFC').trim();
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
