import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';

const REFERENCE_DIR = fileURLToPath(new URL('../reference/', import.meta.url));

/** The day the 63 provinces became 34 (Nghị quyết 202/2025/QH15). */
export const REORGANISATION_DAY = '2025-07-01';
const LAST_DAY_BEFORE = '2025-06-30';
/** Earliest month the contract accepts; the 63 provinces are treated as existing since then. */
const REGISTRY_START = '2000-01-01';
/** Known change after the dataset: code 75 became a city on 2026-04-30, same code and unit. */
const RENAMES = [{ code: '75', changedOn: '2026-04-30', name: 'Thành phố Đồng Nai' }];

type Row = Record<string, string>;

function readReference(file: string): Row[] {
  const rows = parse(readFileSync(REFERENCE_DIR + file), { columns: true, bom: true, trim: true }) as Row[];
  for (const row of rows) if (row.name) row.name = row.name.normalize('NFC');
  return rows;
}

/** Loads the units once: the country and the provinces and communes before and after the reform. */
export function seedLocalities(sqlite: Database.Database): void {
  const count = sqlite.prepare('SELECT count(*) AS n FROM localities').get() as { n: number };
  if (count.n === 0) seedProvincesAndCommunes(sqlite);
  // Databases made before the old communes were known get them on their next start.
  const sources = sqlite.prepare('SELECT count(*) AS n FROM locality_sources').get() as { n: number };
  if (sources.n === 0) seedOldCommunes(sqlite);
}

/** The country, the 63 old provinces, the 34 new ones and the 3,321 communes since the reform. */
function seedProvincesAndCommunes(sqlite: Database.Database): void {
  const oldProvinces = readReference('vn-provinces-before-2025-07.csv');
  const newProvinces = readReference('vn-provinces-2025.csv');
  const communes = readReference('vn-communes-2025.csv');

  const insert = sqlite.prepare(
    `INSERT INTO localities (code, name, level, parent_id, valid_from, valid_to, successor_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const rename = sqlite.prepare(
    'INSERT INTO locality_renames (locality_id, changed_on, name_before) VALUES (?, ?, ?)',
  );
  const setName = sqlite.prepare('UPDATE localities SET name = ? WHERE id = ?');

  sqlite.transaction(() => {
    const countryId = Number(insert.run('VN', 'Việt Nam', 'country', null, REGISTRY_START, null, null).lastInsertRowid);
    const newIds = new Map<string, number>();
    for (const p of newProvinces) {
      newIds.set(p.code!, Number(insert.run(p.code, p.name, 'province', countryId, REORGANISATION_DAY, null, null).lastInsertRowid));
    }
    for (const p of oldProvinces) {
      const successor = newIds.get(p.successor_code!);
      if (successor === undefined) throw new Error(`old province ${p.code} names unknown successor ${p.successor_code}`);
      insert.run(p.code, p.name, 'province', countryId, REGISTRY_START, LAST_DAY_BEFORE, successor);
    }
    for (const c of communes) {
      const parent = newIds.get(c.province_code!);
      if (parent === undefined) throw new Error(`commune ${c.code} names unknown province ${c.province_code}`);
      insert.run(c.code, c.name, 'commune', parent, REORGANISATION_DAY, null, null);
    }
    for (const r of RENAMES) {
      const id = newIds.get(r.code)!;
      const before = newProvinces.find((p) => p.code === r.code)!.name!;
      rename.run(id, r.changedOn, before);
      setName.run(r.name, id);
    }
  })();
}

/**
 * The 10,047 communes and 5 island districts until 2025-06-30, under their old provinces, and
 * where each new commune came from. An old unit that went whole into one new commune has it as
 * successor (its rows join that commune's history); a split one has none, only its parts.
 */
function seedOldCommunes(sqlite: Database.Database): void {
  const oldCommunes = readReference('vn-communes-before-2025-07.csv');
  const sources = readReference('vn-communes-2025-sources.csv');
  const idOf = (level: string, until: string | null) => {
    const rows = sqlite.prepare('SELECT code, id FROM localities WHERE level = ? AND valid_to IS ?').all(level, until) as Array<{ code: string; id: number }>;
    return new Map(rows.map((r) => [r.code, r.id]));
  };
  const oldProvinces = idOf('province', LAST_DAY_BEFORE);
  const newCommunes = idOf('commune', null);
  const wholeInto = new Map<string, string>();
  for (const s of sources) if (s.share === 'whole') wholeInto.set(s.source_code!, s.code!);

  const insert = sqlite.prepare(
    `INSERT INTO localities (code, name, level, parent_id, valid_from, valid_to, successor_id) VALUES (?, ?, 'commune', ?, ?, ?, ?)`,
  );
  const source = sqlite.prepare('INSERT INTO locality_sources (locality_id, source_id, share) VALUES (?, ?, ?)');
  sqlite.transaction(() => {
    const oldIds = new Map<string, number>();
    for (const c of oldCommunes) {
      const parent = oldProvinces.get(c.province_code!);
      if (parent === undefined) throw new Error(`old commune ${c.code} names unknown province ${c.province_code}`);
      const into = wholeInto.get(c.code!);
      const successor = into === undefined ? null : newCommunes.get(into);
      if (successor === undefined) throw new Error(`old commune ${c.code} names unknown new commune ${into}`);
      oldIds.set(c.code!, Number(insert.run(c.code, c.name, parent, REGISTRY_START, LAST_DAY_BEFORE, successor).lastInsertRowid));
    }
    for (const s of sources) {
      const id = newCommunes.get(s.code!);
      const from = oldIds.get(s.source_code!);
      if (id === undefined || from === undefined) throw new Error(`commune source ${s.code} ← ${s.source_code} names an unknown unit`);
      source.run(id, from, s.share);
    }
  })();
}
