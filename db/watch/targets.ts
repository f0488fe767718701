import type Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { parseCsv } from '../ingest/parse-csv.ts';
import { parseJson } from '../ingest/parse-json.ts';
import { type RowKind, invalidRowsSummary, localityNotInMonth, place, rowError, unknownField } from '../ingest/messages.ts';
import { DEFAULT_INDICATOR, INDICATORS, indicatorById } from '../indicators/catalogue.ts';
import { closest, quote, valueText } from '../ingest/text.ts';
import { MAX_LISTED_ERRORS, type RawRow, type RowError, type Texts } from '../ingest/types.ts';
import { type Locality, type LocalityRegistry, localityRegistry } from '../localities/registry.ts';
import { FIRST_MONTH, MONTH_PATTERN, type Month, currentMonth } from '../months.ts';
import type { Db } from '../open.ts';
import { targets } from '../schema.ts';
import { serviceIdsByCode } from '../services.ts';

/**
 * A value of an indicator to reach by a month: for one service or all (null), nationally (VN), in
 * a current province or in a current commune. The indicator is online_rate unless said.
 */
export interface TargetInput {
  service_code: string | null;
  locality_code: string;
  due_month: Month;
  /** A fraction, 0 < rate ≤ 1: 0.5 means 50% (of dossiers online, for online_rate). */
  target_rate: number;
  /** An id of GET /api/v1/indicators (db/indicators/catalogue.ts); omitted, null or empty = online_rate. */
  indicator?: string | null;
}

export interface Target extends TargetInput {
  id: number;
  locality_name: string;
  created_at: string;
  indicator: string;
}

export const TARGET_FIELDS = ['service_code', 'locality_code', 'due_month', 'target_rate', 'indicator'] as const;
const REQUIRED = ['locality_code', 'due_month', 'target_rate'];

export type TargetsOutcome =
  | { status: 200; body: { targets: number; created: number; updated: number }; stored: TargetInput[] }
  | { status: 400; body: { error: string; message: string; message_vi: string; message_en: string } }
  /** Rows outside the caller's scope (an admin's), each with its row; nothing was stored. */
  | { status: 403; outside: Array<{ row: number; service_code: string | null; locality_code: string }> }
  | { status: 422; body: { error: 'invalid_rows'; message: string; message_vi: string; message_en: string; error_count: number; errors: RowError[] } };

interface Resolved {
  row: number;
  serviceId: number | null;
  localityId: number;
  dueMonth: Month;
  targetRate: number;
  indicator: string;
}

const RATE_TEXT = /^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/;

// ---- The rules' messages, in both languages, each written once -----------------------------

/** Shows a value from outside in a Vietnamese sentence without letting it run on. */
const g = (value: unknown) => `«${String(valueText(value) ?? '').slice(0, 60).replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD')}»`;
const RATE_HINT: Texts = {
  vi: 'chỉ tiêu (target_rate) là một tỷ lệ từ 0 đến 1: ghi 0.5 cho 50%, dùng dấu chấm thập phân.',
  en: 'target_rate is a fraction from 0 to 1: write 0.5 for 50%',
};
export const TARGET_MESSAGES = {
  unknownService: (code: unknown): Texts => ({
    vi: `không có thủ tục mã ${g(code)} trong danh mục. Để đặt chỉ tiêu chung cho mọi thủ tục, xin để trống ô này; danh mục ở /api/v1/services.`,
    en: `unknown service code ${quote(code)}; leave it empty for all services, or see /api/v1/services`,
  }),
  localityRequired: (): Texts => ({
    vi: 'chưa có mã địa bàn (locality_code). Xin ghi VN, mã một tỉnh hoặc mã một xã, phường hiện hành.',
    en: 'locality_code is required: VN, a current province or a current commune code',
  }),
  unknownLocality: (code: string): Texts => ({
    vi: `không có địa bàn mã ${g(code)}. Danh sách địa bàn ở /api/v1/localities.`,
    en: `unknown locality code ${quote(code)}; see /api/v1/localities`,
  }),
  localityEnded: (unit: Locality, today: Month, registry: LocalityRegistry): Texts => {
    const ended = localityNotInMonth(unit.code, today, { kind: 'ended', unit }, registry);
    const current = unit.level === 'commune' ? { vi: 'xã, phường hiện hành', en: 'current commune' } : { vi: 'tỉnh, thành phố hiện hành', en: 'current province' };
    return { vi: `${ended.vi} Xin đặt chỉ tiêu cho ${current.vi}.`, en: `${registry.endedMessage(unit)}: set targets for the ${current.en}` };
  },
  dueMonthFormat: (): Texts => ({ vi: 'tháng đến hạn (due_month) phải ghi theo dạng YYYY-MM, ví dụ 2027-12.', en: 'due_month must be a month YYYY-MM, e.g. 2027-12' }),
  noSuchMonth: (month: string): Texts => ({ vi: `${month} không phải là một tháng. Tháng được ghi từ 01 đến 12.`, en: `${month} is not a month: months are 01 to 12` }),
  beforeFirstMonth: (month: string): Texts => ({ vi: `tháng ${month} trước ${FIRST_MONTH}, tháng đầu tiên có số liệu.`, en: `${month} is before ${FIRST_MONTH}` }),
  rateRequired: (): Texts => ({ vi: `chưa có chỉ tiêu. Xin nhập target_rate: ${RATE_HINT.vi}`, en: `target_rate is required; ${RATE_HINT.en}` }),
  notARate: (rate: unknown): Texts => ({
    vi: `giá trị ${g(rate)} không phải là tỷ lệ lớn hơn 0 và không quá 1; ${RATE_HINT.vi}`,
    en: `${quote(rate)} is not a rate above 0 and at most 1; ${RATE_HINT.en}`,
  }),
  unknownIndicator: (id: unknown): Texts => {
    const ids = INDICATORS.map((i) => i.id);
    // A near miss ("end_to_end_rat"), or the one id it begins ("end_to_end").
    const starts = typeof id === 'string' && id !== '' ? ids.filter((i) => i.startsWith(id.toLowerCase())) : [];
    const guess = typeof id === 'string' ? (closest(id, ids) ?? (starts.length === 1 ? starts[0] : null)) : null;
    return {
      vi: `không có chỉ số ${g(id)}.${guess ? ` Có phải ý bạn là ${guess}?` : ''} Các chỉ số: ${ids.join(', ')} (xem /api/v1/indicators); để trống là ${DEFAULT_INDICATOR}.`,
      en: `unknown indicator ${quote(id)}${guess ? ` (did you mean ${guess}?)` : ''}; one of ${ids.join(', ')} (see /api/v1/indicators), or empty for ${DEFAULT_INDICATOR}`,
    };
  },
  givenTwice: (kind: RowKind, earlier: number): Texts => ({
    vi: `chỉ tiêu này (cùng chỉ số, thủ tục, địa bàn và tháng đến hạn) đã có ở ${place(kind, earlier, null).vi.slice(0, -2).toLowerCase()}. Mỗi chỉ tiêu chỉ được ghi một lần.`,
    en: `the same target (indicator, service, locality, due month) is already given at row ${earlier}`,
  }),
  /** A row outside the caller's scope: `scope` says what the caller's scope is. */
  outsideScope: (serviceCode: string | null, localityCode: string, scope: Texts): Texts => ({
    vi: `${serviceCode === null ? 'chỉ tiêu chung cho mọi thủ tục' : `thủ tục ${serviceCode}`} tại ${localityCode} nằm ngoài phạm vi quản trị của bạn [${scope.vi}]. Nếu cần, xin liên hệ quản trị viên cấp trên.`,
    en: `${serviceCode === null ? 'all services' : `service ${serviceCode}`} in ${localityCode} is outside your scope [${scope.en}]`,
  }),
};

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v);

/** Checks rows against the registry of services and today's localities; every problem, with its row. */
function resolveRows(sqlite: Database.Database, raw: RawRow[], kind: RowKind, now: Date): { rows: Resolved[]; errors: RowError[] } {
  const registry = localityRegistry(sqlite);
  const services = serviceIdsByCode(sqlite);
  const today = currentMonth(now);
  const rows: Resolved[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const r of raw) {
    const v = r.values;
    const before = errors.length;
    const fail = (column: string | null, texts: Texts) => errors.push(rowError(kind, r.row, column, column === null ? null : valueText(v[column]), texts));
    if (r.problem) fail(null, r.problem);
    for (const key of Object.keys(v)) {
      if (!(TARGET_FIELDS as readonly string[]).includes(key)) {
        const guess = closest(key, TARGET_FIELDS);
        fail(key, unknownField(key, guess));
      }
    }

    let serviceId: number | null = null;
    const service = text(v.service_code);
    if (service !== undefined && service !== null && service !== '') {
      const id = typeof service === 'string' ? services.get(service) : undefined;
      if (id === undefined) fail('service_code', TARGET_MESSAGES.unknownService(service));
      else serviceId = id;
    }

    let localityId = 0;
    const code = text(v.locality_code);
    if (typeof code !== 'string' || code === '') fail('locality_code', TARGET_MESSAGES.localityRequired());
    else {
      const unit = registry.current(code, today);
      if (!unit) fail('locality_code', TARGET_MESSAGES.unknownLocality(code));
      else if (!registry.existsIn(unit, today)) fail('locality_code', TARGET_MESSAGES.localityEnded(unit, today, registry));
      else localityId = unit.id;
    }

    const due = text(v.due_month);
    const dueMonth = typeof due === 'string' ? due : '';
    if (!MONTH_PATTERN.test(dueMonth)) fail('due_month', TARGET_MESSAGES.dueMonthFormat());
    else if (Number(dueMonth.slice(5, 7)) < 1 || Number(dueMonth.slice(5, 7)) > 12) fail('due_month', TARGET_MESSAGES.noSuchMonth(dueMonth));
    else if (dueMonth < FIRST_MONTH) fail('due_month', TARGET_MESSAGES.beforeFirstMonth(dueMonth));

    const rate = text(v.target_rate);
    let targetRate = Number.NaN;
    if (typeof rate === 'number') targetRate = rate;
    else if (typeof rate === 'string' && RATE_TEXT.test(rate)) targetRate = Number(rate);
    if (rate === undefined || rate === null || rate === '') fail('target_rate', TARGET_MESSAGES.rateRequired());
    else if (!Number.isFinite(targetRate) || targetRate <= 0 || targetRate > 1) fail('target_rate', TARGET_MESSAGES.notARate(rate));

    const named = text(v.indicator);
    let indicator = DEFAULT_INDICATOR;
    if (named !== undefined && named !== null && named !== '') {
      if (typeof named === 'string' && indicatorById(named)) indicator = named;
      else fail('indicator', TARGET_MESSAGES.unknownIndicator(named));
    }

    if (errors.length > before) continue;
    const key = `${indicator}|${serviceId ?? ''}|${localityId}|${dueMonth}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      fail(null, TARGET_MESSAGES.givenTwice(kind, earlier));
      continue;
    }
    seen.set(key, r.row);
    rows.push({ row: r.row, serviceId, localityId, dueMonth, targetRate, indicator });
  }
  return { rows, errors };
}

/** Writes checked rows in one transaction: a target with the same indicator, service, locality and due month is replaced. */
function store(sqlite: Database.Database, rows: Resolved[], now: Date): { created: number; updated: number } {
  const find = sqlite.prepare('SELECT id FROM targets WHERE indicator = ? AND service_id IS ? AND locality_id = ? AND due_month = ?').pluck();
  const update = sqlite.prepare('UPDATE targets SET target_rate = ? WHERE id = ?');
  const insert = sqlite.prepare('INSERT INTO targets (service_id, locality_id, due_month, target_rate, created_at, indicator) VALUES (?, ?, ?, ?, ?, ?)');
  let created = 0;
  sqlite.transaction(() => {
    for (const r of rows) {
      const id = find.get(r.indicator, r.serviceId, r.localityId, r.dueMonth) as number | undefined;
      if (id === undefined) {
        insert.run(r.serviceId, r.localityId, r.dueMonth, r.targetRate, now.toISOString(), r.indicator);
        created++;
      } else update.run(r.targetRate, id);
    }
  })();
  return { created, updated: rows.length - created };
}

function invalid(errors: RowError[]): TargetsOutcome {
  const summary = invalidRowsSummary(errors.length, new Set(errors.map((e) => e.row)).size);
  return {
    status: 422,
    body: { error: 'invalid_rows', message: summary.en, message_vi: summary.vi, message_en: summary.en, error_count: errors.length, errors: errors.slice(0, MAX_LISTED_ERRORS) },
  };
}

/** Whether a target (service id or null = every service, locality id) is within the caller's scope. */
export type TargetScope = (serviceId: number | null, localityId: number) => boolean;

function apply(sqlite: Database.Database, raw: RawRow[], kind: RowKind, now: Date, inScope?: TargetScope): TargetsOutcome {
  const { rows, errors } = resolveRows(sqlite, raw, kind, now);
  if (errors.length > 0) return invalid(errors);
  const outside = inScope ? rows.filter((r) => !inScope(r.serviceId, r.localityId)) : [];
  if (outside.length > 0) {
    const registry = localityRegistry(sqlite);
    const codes = new Map([...serviceIdsByCode(sqlite)].map(([code, id]) => [id, code]));
    return {
      status: 403,
      outside: outside.map((r) => ({ row: r.row, service_code: r.serviceId === null ? null : (codes.get(r.serviceId) ?? null), locality_code: registry.get(r.localityId).code })),
    };
  }
  const body = { targets: rows.length, ...store(sqlite, rows, now) };
  const registry = localityRegistry(sqlite);
  const codes = new Map([...serviceIdsByCode(sqlite)].map(([code, id]) => [id, code]));
  const stored = rows.map((r) => ({
    service_code: r.serviceId === null ? null : codes.get(r.serviceId)!,
    locality_code: registry.get(r.localityId).code,
    due_month: r.dueMonth,
    target_rate: r.targetRate,
    indicator: r.indicator,
  }));
  return { status: 200, body, stored };
}

/**
 * Creates or replaces targets, all or nothing. A target is identified by (indicator, service_code
 * or null, locality_code, due_month); row numbers in errors are 1-based positions.
 */
export function upsertTargets(sqlite: Database.Database, rows: TargetInput[], now = new Date(), inScope?: TargetScope): TargetsOutcome {
  return apply(
    sqlite,
    rows.map((values, i) => ({ row: i + 1, values: values as unknown as Record<string, unknown> })),
    'json',
    now,
    inScope,
  );
}

/** Imports `service_code,locality_code,due_month,target_rate[,indicator]` CSV or `{"targets": [...]}` JSON, all or nothing. */
export function importTargets(sqlite: Database.Database, body: Buffer, format: 'csv' | 'json', now = new Date(), inScope?: TargetScope): TargetsOutcome {
  const parsed = format === 'csv' ? parseCsv(body, TARGET_FIELDS, REQUIRED) : parseJson(body, 'targets');
  if (!parsed.ok) return { status: 400, body: parsed.failure };
  return apply(sqlite, parsed.rows, format, now, inScope);
}

/** One target with its ids (for the scope check before a delete), or null. */
export function getTarget(db: Db, id: number): { id: number; serviceId: number | null; localityId: number; dueMonth: string; targetRate: number; indicator: string } | null {
  return (
    db.orm
      .select({ id: targets.id, serviceId: targets.serviceId, localityId: targets.localityId, dueMonth: targets.dueMonth, targetRate: targets.targetRate, indicator: targets.indicator })
      .from(targets)
      .where(eq(targets.id, id))
      .get() ?? null
  );
}

export function deleteTarget(db: Db, id: number): boolean {
  return db.orm.delete(targets).where(eq(targets.id, id)).run().changes === 1;
}

export function listTargets(sqlite: Database.Database): Target[] {
  return sqlite
    .prepare(
      `SELECT t.id, s.code AS service_code, l.code AS locality_code, l.name AS locality_name, t.due_month, t.target_rate, t.indicator, t.created_at
       FROM targets t LEFT JOIN services s ON s.id = t.service_id JOIN localities l ON l.id = t.locality_id
       ORDER BY t.due_month, l.code, s.code IS NOT NULL, s.code, t.indicator = 'online_rate' DESC, t.indicator, t.id`,
    )
    .all() as Target[];
}
