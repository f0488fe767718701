import type Database from 'better-sqlite3';
import { MEASURE_SUMS, MEASURE_SUM_COLUMNS, type MeasureSums } from '../indicators/measures.ts';
import type { LocalityRegistry } from '../localities/registry.ts';
import { bumpDataVersion } from '../meta.ts';
import * as say from './messages.ts';
import type { Format, RowError, ValidRow } from './types.ts';
import { type RowErrorMaker, type WithdrawalKey, rowErrorMaker } from './validate.ts';

export interface BatchInfo {
  source: 'api' | 'cli' | 'demo' | 'pull';
  format: Format;
  publisherId: number | null;
  sha256: string;
  byteSize: number;
  remoteAddr: string | null;
  receivedAt: string;
}

export interface StoredCounts {
  batchId: number;
  rows: number;
  inserted: number;
  revised: number;
  unchanged: number;
  withdrawn: number;
}

export type StoreResult = { ok: true; counts: StoredCounts } | { ok: false; errors: RowError[]; withdrawalErrors: RowError[] };

/** Thrown inside the write transaction to roll back what the withdrawals already did. */
class Refused extends Error {
  constructor(readonly result: Extract<StoreResult, { ok: false }>) {
    super('batch refused');
  }
}

/** Thrown at the end of a dry run: every write is rolled back, the counts are kept. */
class DryRun extends Error {
  constructor(readonly result: Extract<StoreResult, { ok: true }>) {
    super('dry run');
  }
}

export interface StoreOptions {
  onProgress?: (done: number) => void;
  /** Run the whole store and roll it back: the counts a real send would get, nothing kept. */
  dryRun?: boolean;
  /**
   * The batch is refused already (rows broke rules that need no stored data): the checks that
   * need the stored rows (withdrawals that name nothing, double counts) still run, so that one
   * answer lists every error, and then everything is rolled back.
   */
  refused?: boolean;
  /** How row errors of observations and of withdrawals are made (their row numbering and list). */
  observationError?: RowErrorMaker;
  withdrawalError?: RowErrorMaker;
}

const noMeasures = (): MeasureSums => ({ endToEnd: 0, endToEndBase: 0, endToEndRows: 0, paidOnline: 0, paidOnlineBase: 0, paidOnlineRows: 0 });

/** Adds `sign` × a row's measures to `into`: each only where the row reported it. */
function addMeasures(into: MeasureSums, row: Counts, sign: 1 | -1): void {
  if (row.endToEnd !== null) {
    into.endToEnd += sign * row.endToEnd;
    into.endToEndBase += sign * row.total;
    into.endToEndRows += sign;
  }
  if (row.paidOnline !== null) {
    into.paidOnline += sign * row.paidOnline;
    into.paidOnlineBase += sign * row.fee!;
    into.paidOnlineRows += sign;
  }
}

function addSums(into: MeasureSums, from: MeasureSums): void {
  for (const k of MEASURE_SUMS) into[k] += from[k];
}

/** A row's counts: the two every row has and the optional measures (null = not reported). */
type Counts = Pick<ValidRow, 'online' | 'total' | 'endToEnd' | 'fee' | 'paidOnline'>;

interface Delta extends MeasureSums {
  serviceId: number;
  period: string;
  areaId: number;
  online: number;
  total: number;
  selfRows: number;
  subRows: number;
}

const CHUNK = 50;

/**
 * Runs a statement over rows, binding `columns` of each in order: full chunks through its
 * multi-row form, the rest one by one. The values go straight into one parameter array per
 * chunk, so no array is made per row (a batch has as many rollup rows as observations).
 */
function runChunked<T>(statement: { one: Database.Statement; chunk: Database.Statement }, rows: T[], columns: ReadonlyArray<keyof T>): void {
  const width = columns.length;
  const fill = (row: T, params: unknown[], at: number) => {
    for (let c = 0; c < width; c++) params[at + c] = row[columns[c]!];
  };
  const params: unknown[] = new Array(CHUNK * width);
  let start = 0;
  for (; start + CHUNK <= rows.length; start += CHUNK) {
    for (let i = 0; i < CHUNK; i++) fill(rows[start + i]!, params, i * width);
    statement.chunk.run(params);
  }
  const one: unknown[] = new Array(width);
  for (; start < rows.length; start++) {
    fill(rows[start]!, one, 0);
    statement.one.run(one);
  }
}

/** The rollups' columns, in the order of their upserts' VALUES. */
const SERVICE_AREA_COLUMNS = ['serviceId', 'period', 'areaId', 'online', 'total', 'selfRows', 'subRows', ...MEASURE_SUMS] as const;
const AREA_COLUMNS = ['areaId', 'period', 'online', 'total', 'selfRows', 'subRows', ...MEASURE_SUMS, 'changedIn'] as const;
const UNIT_COLUMNS = ['localityId', 'period', 'rows', 'online', 'total', ...MEASURE_SUMS, 'changedIn'] as const;

const OBSERVATION_VALUES = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

function chunkParams(chunk: ValidRow[], batchId: number, demo: number): unknown[] {
  const params: unknown[] = [];
  for (const r of chunk) params.push(r.localityId, r.serviceId, r.period, r.online, r.total, r.endToEnd, r.fee, r.paidOnline, batchId, demo);
  return params;
}

/** An observation's counts as stored, with the batch that sent them. */
interface StoredRow extends Counts {
  batchId: number;
}

const sameCounts = (a: Counts, b: Counts) => a.online === b.online && a.total === b.total && a.endToEnd === b.endToEnd && a.fee === b.fee && a.paidOnline === b.paidOnline;

/** `col = col + excluded.col` for each of the rollups' measure columns. */
const ADD_MEASURES = MEASURE_SUM_COLUMNS.map((c) => `${c} = ${c} + excluded.${c}`).join(', ');
const placeholders = (n: number) => `(${Array(n).fill('?').join(', ')})`;

/** Prepared statements of the write path, made once per database. */
class Statements {
  readonly insertObservation;
  readonly insertChunk;
  readonly selectObservation;
  readonly updateObservation;
  readonly insertRevision;
  readonly insertWithdrawal;
  readonly deleteObservation;
  readonly upsertServiceArea;
  readonly upsertArea;
  readonly upsertUnit;
  readonly serviceAreaRows;
  readonly areaRows;
  readonly otherAreaRow;
  readonly oldCommuneMonths;
  readonly communeRowOf;
  readonly insertBatch;
  readonly finishBatch;

  constructor(sqlite: Database.Database) {
    this.insertObservation = sqlite.prepare(
      `INSERT INTO observations (locality_id, service_id, period, online_count, total_count, end_to_end_count, fee_count, paid_online_count, batch_id, demo)
       VALUES ${OBSERVATION_VALUES} ON CONFLICT DO NOTHING`,
    );
    this.insertChunk = sqlite.prepare(
      `INSERT INTO observations (locality_id, service_id, period, online_count, total_count, end_to_end_count, fee_count, paid_online_count, batch_id, demo)
       VALUES ${Array(CHUNK).fill(OBSERVATION_VALUES).join(', ')} ON CONFLICT DO NOTHING`,
    );
    this.selectObservation = sqlite.prepare(
      `SELECT online_count AS online, total_count AS total, end_to_end_count AS endToEnd, fee_count AS fee, paid_online_count AS paidOnline, batch_id AS batchId
       FROM observations WHERE locality_id = ? AND service_id = ? AND period = ?`,
    );
    this.updateObservation = sqlite.prepare(
      `UPDATE observations SET online_count = ?, total_count = ?, end_to_end_count = ?, fee_count = ?, paid_online_count = ?, batch_id = ?, demo = ?
       WHERE locality_id = ? AND service_id = ? AND period = ?`,
    );
    this.insertRevision = sqlite.prepare(
      `INSERT INTO observation_revisions (locality_id, service_id, period, online_count, total_count, end_to_end_count, fee_count, paid_online_count, batch_id, superseded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertWithdrawal = sqlite.prepare(
      `INSERT INTO observation_revisions (locality_id, service_id, period, online_count, total_count, end_to_end_count, fee_count, paid_online_count, batch_id, superseded_by, withdrawn)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    );
    this.deleteObservation = sqlite.prepare('DELETE FROM observations WHERE locality_id = ? AND service_id = ? AND period = ?');
    const serviceAreaUpsert = (rows: number) =>
      sqlite.prepare(
        `INSERT INTO rollup_service_area (service_id, period, area_id, online_count, total_count, self_rows, sub_rows, ${MEASURE_SUM_COLUMNS.join(', ')})
         VALUES ${Array(rows).fill(placeholders(SERVICE_AREA_COLUMNS.length)).join(', ')}
         ON CONFLICT (service_id, period, area_id) DO UPDATE SET
           online_count = online_count + excluded.online_count, total_count = total_count + excluded.total_count,
           self_rows = self_rows + excluded.self_rows, sub_rows = sub_rows + excluded.sub_rows, ${ADD_MEASURES}`,
      );
    this.upsertServiceArea = { one: serviceAreaUpsert(1), chunk: serviceAreaUpsert(CHUNK) };
    const areaUpsert = (rows: number) =>
      sqlite.prepare(
        `INSERT INTO rollup_area (area_id, period, online_count, total_count, self_rows, sub_rows, ${MEASURE_SUM_COLUMNS.join(', ')}, changed_in)
         VALUES ${Array(rows).fill(placeholders(AREA_COLUMNS.length)).join(', ')}
         ON CONFLICT (area_id, period) DO UPDATE SET
           online_count = online_count + excluded.online_count, total_count = total_count + excluded.total_count,
           self_rows = self_rows + excluded.self_rows, sub_rows = sub_rows + excluded.sub_rows, ${ADD_MEASURES}, changed_in = excluded.changed_in`,
      );
    this.upsertArea = { one: areaUpsert(1), chunk: areaUpsert(CHUNK) };
    const unitUpsert = (rows: number) =>
      sqlite.prepare(
        `INSERT INTO rollup_unit (locality_id, period, rows, online_count, total_count, ${MEASURE_SUM_COLUMNS.join(', ')}, changed_in)
         VALUES ${Array(rows).fill(placeholders(UNIT_COLUMNS.length)).join(', ')}
         ON CONFLICT (locality_id, period) DO UPDATE SET
           rows = rows + excluded.rows, online_count = online_count + excluded.online_count, total_count = total_count + excluded.total_count,
           ${ADD_MEASURES}, changed_in = excluded.changed_in`,
      );
    this.upsertUnit = { one: unitUpsert(1), chunk: unitUpsert(CHUNK) };
    this.serviceAreaRows = sqlite.prepare(
      `SELECT self_rows AS selfRows, sub_rows AS subRows FROM rollup_service_area
       WHERE service_id = ? AND period = ? AND area_id = ?`,
    );
    this.areaRows = sqlite.prepare(
      'SELECT self_rows AS selfRows, sub_rows AS subRows FROM rollup_area WHERE area_id = ? AND period = ?',
    );
    this.otherAreaRow = sqlite.prepare(
      `SELECT area_id AS areaId FROM rollup_service_area
       WHERE service_id = ? AND period = ? AND area_id != ? AND self_rows + sub_rows > 0 LIMIT 1`,
    );
    this.oldCommuneMonths = sqlite.prepare(
      `SELECT DISTINCT l.parent_id || ':' || u.period FROM localities l CROSS JOIN rollup_unit u ON u.locality_id = l.id
       WHERE l.level = 'commune' AND l.valid_to IS NOT NULL AND u.rows > 0`,
    );
    this.communeRowOf = sqlite.prepare(
      `SELECT 1 FROM localities l CROSS JOIN observations o ON o.locality_id = l.id AND o.service_id = ? AND o.period = ? WHERE l.parent_id = ? LIMIT 1`,
    );
    this.insertBatch = sqlite.prepare(
      `INSERT INTO batches (publisher_id, source, format, received_at, sha256, byte_size, remote_addr, outcome,
                            status_code, rows, inserted, revised, unchanged, error_count, last_period)
       VALUES (@publisherId, @source, @format, @receivedAt, @sha256, @byteSize, @remoteAddr, @outcome,
               @statusCode, @rows, @inserted, @revised, @unchanged, @errorCount, @lastPeriod)`,
    );
    this.finishBatch = sqlite.prepare('UPDATE batches SET inserted = ?, revised = ?, unchanged = ?, withdrawn = ? WHERE id = ?');
  }
}

const statementCache = new WeakMap<Database.Database, Statements>();
function statements(sqlite: Database.Database): Statements {
  let s = statementCache.get(sqlite);
  if (!s) statementCache.set(sqlite, (s = new Statements(sqlite)));
  return s;
}

type RowsAtLevel = { selfRows: number; subRows: number };

/**
 * Finds rows that would count the same dossiers twice: a row whose ancestor or descendant
 * has a row for the same service and month, stored or in this batch. Runs inside the write
 * transaction, so no other writer can slip a conflicting row in between.
 */
function treeConflicts(sqlite: Database.Database, rows: ValidRow[], localities: LocalityRegistry, make: RowErrorMaker): RowError[] {
  const st = statements(sqlite);
  const countryId = localities.country.id;
  // Rows of the old provinces (most history) skip the maps unless the batch has old communes.
  const inBatch = new Map<string, { self?: number; sub?: number }>();
  const countryInBatch = new Map<string, number>();
  const otherInBatch = new Map<string, number>();
  const batchHasCountryRows = rows.some((r) => r.level === 'country');
  // Before the reform a commune meets its own old province: today's area merged several.
  const oldProvinceOf = (r: ValidRow) => (r.level === 'commune' ? localities.get(r.localityId).parentId! : r.localityId);
  const isOld = (r: ValidRow) => r.level !== 'country' && localities.get(r.localityId).validTo !== null;
  const oldInBatch = new Map<string, { self?: number; sub?: number }>();
  const batchHasOldCommunes = rows.some((r) => r.level === 'commune' && isOld(r));
  for (const r of rows) {
    const month = `${r.serviceId}:${r.period}`;
    if (r.level === 'country') {
      if (!countryInBatch.has(month)) countryInBatch.set(month, r.row);
      continue;
    }
    if (batchHasCountryRows && !otherInBatch.has(month)) otherInBatch.set(month, r.row);
    if (isOld(r)) {
      if (!batchHasOldCommunes) continue;
      const key = `${month}:${oldProvinceOf(r)}`;
      const entry = oldInBatch.get(key) ?? {};
      if (r.level === 'commune') entry.sub ??= r.row;
      else entry.self ??= r.row;
      oldInBatch.set(key, entry);
      continue;
    }
    const key = `${month}:${r.areaId}`;
    const entry = inBatch.get(key) ?? {};
    if (r.level === 'commune') entry.sub ??= r.row;
    else entry.self ??= r.row;
    inBatch.set(key, entry);
  }

  // Whole areas with no rows at a level let most rows skip the per-service lookup.
  const areaCache = new Map<string, RowsAtLevel | undefined>();
  const areaRows = (areaId: number, period: string) => {
    const key = `${areaId}:${period}`;
    if (!areaCache.has(key)) areaCache.set(key, st.areaRows.get(areaId, period) as RowsAtLevel | undefined);
    return areaCache.get(key);
  };
  const storedAt = (r: ValidRow, areaId: number, level: 'selfRows' | 'subRows') => {
    if (!areaRows(areaId, r.period)?.[level]) return false;
    const row = st.serviceAreaRows.get(r.serviceId, r.period, areaId) as RowsAtLevel | undefined;
    return (row?.[level] ?? 0) > 0;
  };
  // Old provinces and months with any old commune's rows, read once: most history has none.
  let oldCommuneMonths: Set<string> | undefined;
  const storedOldCommuneRow = (r: ValidRow, provinceId: number) => {
    oldCommuneMonths ??= new Set(st.oldCommuneMonths.pluck().all() as string[]);
    return oldCommuneMonths.has(`${provinceId}:${r.period}`) && st.communeRowOf.get(r.serviceId, r.period, provinceId) !== undefined;
  };
  const errors: RowError[] = [];
  const conflict = (r: ValidRow, other: say.ConflictWith, line: number | undefined) =>
    errors.push(make(r.row, 'locality_code', localities.get(r.localityId).code, say.doubleCount(other, line)));

  for (const r of rows) {
    const month = `${r.serviceId}:${r.period}`;
    const area = localities.get(r.areaId);
    if (r.level === 'country') {
      const other = otherInBatch.get(month);
      const stored = other === undefined ? (st.otherAreaRow.get(r.serviceId, r.period, countryId) as { areaId: number } | undefined) : undefined;
      if (other !== undefined || stored) {
        conflict(r, { kind: 'inside-country' }, other);
      }
      continue;
    }
    const countryLine = countryInBatch.get(month);
    if (countryLine !== undefined || storedAt(r, countryId, 'selfRows')) {
      conflict(r, { kind: 'country' }, countryLine);
      continue;
    }
    if (isOld(r)) {
      const provinceId = oldProvinceOf(r);
      const province = localities.get(provinceId);
      const entry = oldInBatch.get(`${month}:${provinceId}`);
      if (r.level === 'province') {
        if (entry?.sub !== undefined || storedOldCommuneRow(r, provinceId)) {
          conflict(r, { kind: 'commune-of', province }, entry?.sub);
        }
      } else if (entry?.self !== undefined || st.selectObservation.get(provinceId, r.serviceId, r.period) !== undefined) {
        conflict(r, { kind: 'province-of', province }, entry?.self);
      }
      continue;
    }
    const batchEntry = inBatch.get(`${month}:${r.areaId}`);
    if (r.level === 'province' && r.localityId === r.areaId) {
      if (batchEntry?.sub !== undefined || storedAt(r, r.areaId, 'subRows')) {
        conflict(r, { kind: 'commune-of', province: area }, batchEntry?.sub);
      }
    } else if (r.level === 'commune') {
      if (batchEntry?.self !== undefined || storedAt(r, r.areaId, 'selfRows')) {
        conflict(r, { kind: 'province-of', province: area }, batchEntry?.self);
      }
    }
  }
  return errors;
}

/** Records a batch that was refused, for the audit trail; no observation is touched. */
export function recordRejectedBatch(sqlite: Database.Database, info: BatchInfo, statusCode: number, rows: number, errorCount: number): number {
  const result = statements(sqlite).insertBatch.run({
    ...info,
    outcome: 'rejected',
    statusCode,
    rows,
    inserted: 0,
    revised: 0,
    unchanged: 0,
    errorCount,
    lastPeriod: null,
  });
  return Number(result.lastInsertRowid);
}

/** Sums a batch adds to (or takes from) the rollups, gathered before they are written in key order. */
class RollupDeltas {
  private readonly deltas = new Map<string, Delta>();
  private readonly units = new Map<string, MeasureSums & { localityId: number; period: string; rows: number; online: number; total: number; changedIn: number }>();

  /** Adds a row's counts (`sign` 1) or takes them out (−1); `rows`: +1 for a new row, −1 for a withdrawn one, 0 for a revision. */
  add(r: Pick<ValidRow, 'serviceId' | 'period' | 'areaId' | 'localityId' | 'level'>, counts: Counts, sign: 1 | -1, rows: number): void {
    const key = `${r.serviceId}:${r.period}:${r.areaId}`;
    let d = this.deltas.get(key);
    if (!d) this.deltas.set(key, (d = { serviceId: r.serviceId, period: r.period, areaId: r.areaId, online: 0, total: 0, selfRows: 0, subRows: 0, ...noMeasures() }));
    d.online += sign * counts.online;
    d.total += sign * counts.total;
    addMeasures(d, counts, sign);
    if (r.level === 'commune') d.subRows += rows;
    else d.selfRows += rows;
    const unitKey = `${r.localityId}:${r.period}`;
    let u = this.units.get(unitKey);
    if (!u) this.units.set(unitKey, (u = { localityId: r.localityId, period: r.period, rows: 0, online: 0, total: 0, ...noMeasures(), changedIn: 0 }));
    u.rows += rows;
    u.online += sign * counts.online;
    u.total += sign * counts.total;
    addMeasures(u, counts, sign);
  }

  /** Writes the sums; `batchId` marks the area-months it changed. */
  write(st: Statements, batchId: number): void {
    // In key order, the upserts walk the rollup b-tree once instead of jumping around it.
    const ordered = [...this.deltas.values()].sort((a, b) => a.serviceId - b.serviceId || (a.period < b.period ? -1 : a.period > b.period ? 1 : a.areaId - b.areaId));
    const byArea = new Map<string, Omit<Delta, 'serviceId'> & { changedIn: number }>();
    runChunked(st.upsertServiceArea, ordered, SERVICE_AREA_COLUMNS);
    for (const d of ordered) {
      const key = `${d.areaId}:${d.period}`;
      const a = byArea.get(key) ?? { period: d.period, areaId: d.areaId, online: 0, total: 0, selfRows: 0, subRows: 0, ...noMeasures(), changedIn: batchId };
      a.online += d.online;
      a.total += d.total;
      a.selfRows += d.selfRows;
      a.subRows += d.subRows;
      addSums(a, d);
      byArea.set(key, a);
    }
    runChunked(st.upsertArea, [...byArea.values()], AREA_COLUMNS);
    const units = [...this.units.values()];
    for (const u of units) u.changedIn = batchId;
    runChunked(st.upsertUnit, units, UNIT_COLUMNS);
  }
}

/**
 * Takes stored rows out: each goes to the history as withdrawn by this batch, and its counts
 * out of the rollups. A key with no stored row is an error.
 */
function withdraw(st: Statements, localities: LocalityRegistry, keys: WithdrawalKey[], batchId: number, deltas: RollupDeltas, make: RowErrorMaker): RowError[] {
  const errors: RowError[] = [];
  for (const k of keys) {
    const old = st.selectObservation.get(k.localityId, k.serviceId, k.period) as StoredRow | undefined;
    if (!old) {
      errors.push(make(k.row, null, null, say.nothingToWithdraw(k.period, localities.get(k.localityId))));
      continue;
    }
    st.insertWithdrawal.run(k.localityId, k.serviceId, k.period, old.online, old.total, old.endToEnd, old.fee, old.paidOnline, old.batchId, batchId);
    st.deleteObservation.run(k.localityId, k.serviceId, k.period);
    deltas.add(k, old, -1, -1);
  }
  return errors;
}

/**
 * Writes a validated batch in one immediate transaction: all rows or none. Withdrawals go
 * first, so a province can replace its own rows by its communes' in one batch. New keys are
 * inserted, changed counts become revisions, identical counts change nothing.
 */
export function storeBatch(
  sqlite: Database.Database,
  localities: LocalityRegistry,
  rows: ValidRow[],
  info: BatchInfo,
  withdrawals: WithdrawalKey[] = [],
  options: StoreOptions = {},
): StoreResult {
  const { onProgress, dryRun = false, refused = false } = options;
  const observationError = options.observationError ?? rowErrorMaker(info.format);
  const withdrawalError = options.withdrawalError ?? rowErrorMaker(info.format);
  const st = statements(sqlite);
  const demo = info.source === 'demo' ? 1 : 0;
  const write = sqlite.transaction((): StoreResult => {
    let batchId = 0;
    const newBatch = () => {
      let lastPeriod = '';
      for (const r of rows) if (r.period > lastPeriod) lastPeriod = r.period;
      const batch = { ...info, outcome: 'stored', statusCode: 201, rows: rows.length, inserted: 0, revised: 0, unchanged: 0, errorCount: 0, lastPeriod: lastPeriod || null };
      return Number(st.insertBatch.run(batch).lastInsertRowid);
    };
    let missing: RowError[] = [];
    if (withdrawals.length > 0) {
      batchId = newBatch();
      const withdrawn = new RollupDeltas();
      missing = withdraw(st, localities, withdrawals, batchId, withdrawn, withdrawalError);
      // Written before the double-count check reads the rollups.
      withdrawn.write(st, batchId);
    }
    // Checked even when the batch is refused already: one answer lists every error.
    const conflicts = treeConflicts(sqlite, rows, localities, observationError);
    if (refused || missing.length > 0 || conflicts.length > 0) throw new Refused({ ok: false, errors: conflicts, withdrawalErrors: missing });
    if (batchId === 0) batchId = newBatch();

    const deltas = new RollupDeltas();
    let inserted = 0;
    let revised = 0;
    let unchanged = 0;
    const insertedNow = (r: ValidRow) => {
      inserted++;
      deltas.add(r, r, 1, 1);
    };
    const existing = (r: ValidRow) => st.selectObservation.get(r.localityId, r.serviceId, r.period) as StoredRow;
    const compareWith = (r: ValidRow, old: StoredRow) => {
      if (sameCounts(old, r)) {
        unchanged++;
        return;
      }
      revised++;
      st.insertRevision.run(r.localityId, r.serviceId, r.period, old.online, old.total, old.endToEnd, old.fee, old.paidOnline, old.batchId, batchId);
      st.updateObservation.run(r.online, r.total, r.endToEnd, r.fee, r.paidOnline, batchId, demo, r.localityId, r.serviceId, r.period);
      deltas.add(r, old, -1, 0);
      deltas.add(r, r, 1, 0);
    };

    // Rows go in chunks of one multi-row INSERT: a native call per chunk instead of per row.
    // When a chunk hits existing keys, each row's batch_id tells whether it was just inserted.
    for (let start = 0; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      if (chunk.length === CHUNK) {
        const changes = st.insertChunk.run(chunkParams(chunk, batchId, demo)).changes;
        for (const r of chunk) {
          const old = changes === CHUNK ? null : existing(r);
          if (old === null || old.batchId === batchId) insertedNow(r);
          else compareWith(r, old);
        }
      } else {
        for (const r of chunk) {
          if (st.insertObservation.run(r.localityId, r.serviceId, r.period, r.online, r.total, r.endToEnd, r.fee, r.paidOnline, batchId, demo).changes === 1) insertedNow(r);
          else compareWith(r, existing(r));
        }
      }
      if (onProgress && Math.floor((start + CHUNK) / 5000) > Math.floor(start / 5000)) onProgress(Math.min(start + CHUNK, rows.length));
    }
    deltas.write(st, batchId);

    st.finishBatch.run(inserted, revised, unchanged, withdrawals.length, batchId);
    if (inserted + revised + withdrawals.length > 0) bumpDataVersion(sqlite);
    onProgress?.(rows.length);
    const result: StoreResult = { ok: true, counts: { batchId, rows: rows.length, inserted, revised, unchanged, withdrawn: withdrawals.length } };
    if (dryRun) throw new DryRun(result);
    return result;
  });
  try {
    return write.immediate();
  } catch (err) {
    if (err instanceof Refused || err instanceof DryRun) return err.result;
    throw err;
  }
}
