import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import { FIRST_MONTH, MONTH_PATTERN, type Month } from '../months.ts';
import { closest, quote, valueText } from './text.ts';
import { MAX_TOTAL_COUNT, OBSERVATION_FIELDS, type RawRow, type RowError, type ValidRow, WITHDRAWAL_FIELDS } from './types.ts';

export interface Scope {
  /** Locality ids the writer may write, with everything under or merged into them; null = all. */
  localityIds: Set<number> | null;
  serviceIds: Set<number> | null;
}

export interface ValidationContext {
  localities: LocalityRegistry;
  serviceIds: Map<string, number>;
  /** The latest month accepted: the current month in the reporting time zone. */
  latestMonth: Month;
  scope: Scope;
  /** JSON counts must be JSON integers; only CSV cells are text. */
  format: 'csv' | 'json';
}

export interface Validation {
  rows: ValidRow[];
  errors: RowError[];
  scopeErrors: RowError[];
}

/** A stored row's key, as a withdrawal names it. */
export interface WithdrawalKey {
  row: number;
  period: Month;
  serviceId: number;
  localityId: number;
  areaId: number;
  level: ValidRow['level'];
}

/** Applies every rule that needs no stored data; all errors are collected, not just the first. */
export function validateRows(raw: RawRow[], ctx: ValidationContext): Validation {
  const rows: ValidRow[] = [];
  const check = keyChecker(ctx, OBSERVATION_FIELDS);
  for (const item of raw) {
    const key = check(
      item,
      (report) => {
        const online = checkCount(item.values.online_count, 'online_count', report, ctx.format);
        const total = checkCount(item.values.total_count, 'total_count', report, ctx.format);
        return online === undefined || total === undefined ? undefined : { online, total };
      },
      ({ online, total }, report) => {
        if (online > total) report.add('online_count', online, `online_count (${online}) is greater than total_count (${total}): the total counts every channel, online included`);
      },
    );
    if (key) rows.push({ ...key, online: key.counts.online, total: key.counts.total });
  }
  return { rows, errors: check.report.errors, scopeErrors: check.scopeErrors };
}

/** The rows a withdrawal names, checked like the keys of observations (scope included). */
export function validateWithdrawals(raw: RawRow[], ctx: ValidationContext): { rows: WithdrawalKey[]; errors: RowError[]; scopeErrors: RowError[] } {
  const rows: WithdrawalKey[] = [];
  const check = keyChecker(ctx, WITHDRAWAL_FIELDS);
  for (const item of raw) {
    const key = check(item, () => true);
    if (key) rows.push({ row: key.row, period: key.period, serviceId: key.serviceId, localityId: key.localityId, areaId: key.areaId, level: key.level });
  }
  return { rows, errors: check.report.errors, scopeErrors: check.scopeErrors };
}

type CheckedKey<T> = WithdrawalKey & { counts: T };

/**
 * Checks each row's period, service and locality (and, through `more`, the rest of it), and
 * refuses the same key twice in one batch: the rules observations and withdrawals share.
 */
function keyChecker(ctx: ValidationContext, fields: readonly string[]) {
  const report = new Reporter();
  const scopeErrors: RowError[] = [];
  const firstLineOfKey = new Map<string, number>();
  const inScope = scopeTest(ctx);

  /** `more` reads the rest of the row; `after` checks it once the key is known. */
  const check = <T>(item: RawRow, more: (report: Reporter) => T | undefined, after?: (value: T, report: Reporter) => void): CheckedKey<T> | undefined => {
    report.row = item.row;
    const errorsBefore = report.errors.length;
    if (item.problem) return report.add(null, null, item.problem);
    // CSV columns were checked once, at the header; JSON objects each bring their own keys.
    if (ctx.format === 'json') {
      for (const key of Object.keys(item.values)) {
        if (!fields.includes(key)) {
          const guess = closest(key, fields);
          report.add(key, null, `unknown field ${quote(key)}${guess ? `: did you mean "${guess}"?` : ''}`);
        }
      }
    }

    const period = checkPeriod(item.values.period, ctx.latestMonth, report);
    const serviceCode = checkCode(item.values.service_code, 'service_code', report);
    const localityCode = checkCode(item.values.locality_code, 'locality_code', report);
    const counts = more(report);

    let serviceId: number | undefined;
    if (serviceCode !== undefined) {
      serviceId = ctx.serviceIds.get(serviceCode);
      if (serviceId === undefined) {
        report.add('service_code', serviceCode, `unknown service ${quote(serviceCode)}: register it first (PUT /api/v1/services/{code})`);
      } else if (ctx.scope.serviceIds && !ctx.scope.serviceIds.has(serviceId)) {
        scopeErrors.push({ row: item.row, column: 'service_code', value: serviceCode, message: `service ${quote(serviceCode)} is outside this token's scope` });
      }
    }

    let unit: Locality | undefined;
    if (localityCode !== undefined && period !== undefined) {
      const resolved = ctx.localities.resolve(localityCode, period);
      if (resolved.ok) {
        unit = resolved.locality;
        if (!inScope(unit)) {
          scopeErrors.push({ row: item.row, column: 'locality_code', value: localityCode, message: `locality ${localityCode} (${unit.name}) is outside this token's scope` });
        }
      } else {
        report.add('locality_code', localityCode, `${resolved.message}${leadingZeroHint(localityCode, period, ctx.localities)}`);
      }
    }

    if (counts !== undefined) after?.(counts, report);
    if (report.errors.length !== errorsBefore || serviceId === undefined || !unit || !period || counts === undefined) return undefined;
    const key = `${unit.id}:${serviceId}:${period}`;
    const earlier = firstLineOfKey.get(key);
    if (earlier !== undefined) return report.add(null, null, `same period, service_code and locality_code as row ${earlier}: send each one once per batch`);
    firstLineOfKey.set(key, item.row);
    return { row: item.row, period, serviceId, localityId: unit.id, areaId: ctx.localities.areaOf(unit), level: unit.level, counts };
  };
  return Object.assign(check, { report, scopeErrors });
}

/** Collects a batch's errors in one list; `row` is set before each row is checked. */
class Reporter {
  readonly errors: RowError[] = [];
  row = 0;

  add(column: string | null, value: unknown, message: string): undefined {
    this.errors.push({ row: this.row, column, value: valueText(value), message });
    return undefined;
  }
}

/** Whether the writer's scope covers a unit, worked out once per unit. */
function scopeTest(ctx: ValidationContext): (unit: Locality) => boolean {
  const scope = ctx.scope.localityIds;
  if (!scope) return () => true;
  const known = new Map<number, boolean>();
  return (unit) => {
    let allowed = known.get(unit.id);
    if (allowed === undefined) {
      allowed = ctx.localities.scopeChain(unit).some((id) => scope.has(id));
      known.set(unit.id, allowed);
    }
    return allowed;
  };
}

function checkPeriod(value: unknown, latest: Month, report: Reporter): Month | undefined {
  if (value === undefined || value === null || value === '') return report.add('period', value, 'period is required (YYYY-MM)');
  if (typeof value !== 'string') return report.add('period', value, 'period must be a string "YYYY-MM"');
  const text = value.length === 7 ? value : value.trim();
  if (!MONTH_PATTERN.test(text)) {
    const loose = /^(\d{4})[-/.](\d{1,2})$/.exec(text);
    const hint = loose ? `: write ${loose[1]}-${loose[2]!.padStart(2, '0')}` : '';
    return report.add('period', value, `period must be YYYY-MM${hint}`);
  }
  const month = Number(text.slice(5, 7));
  if (month < 1 || month > 12) return report.add('period', value, `month ${text.slice(5, 7)} does not exist: months are 01 to 12`);
  if (text < FIRST_MONTH) return report.add('period', value, `periods start at ${FIRST_MONTH}`);
  if (text > latest) return report.add('period', value, `${text} is in the future: the latest month accepted is ${latest}`);
  return text;
}

function checkCode(value: unknown, column: string, report: Reporter): string | undefined {
  if (value === undefined || value === null || value === '') return report.add(column, value, `${column} is required`);
  if (typeof value !== 'string') return report.add(column, value, `${column} must be a string (write "01", not 1)`);
  return value.trim().normalize('NFC');
}

/** Digits only; every other spelling of a number gets a hint saying how to write it. */
function checkCount(value: unknown, column: string, report: Reporter, format?: 'csv' | 'json'): number | undefined {
  if (value === undefined || value === null || value === '') return report.add(column, value, `${column} is required`);
  if (format === 'json' && typeof value === 'string') {
    const digits = /^\d+$/.test(value.trim());
    return report.add(column, value, `${column} must be a JSON integer${digits ? `: write ${value.trim()}, not "${value.trim()}"` : ''}`);
  }
  let n: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return report.add(column, value, `${column} must be a whole number`);
    n = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (!/^\d+$/.test(text)) return report.add(column, value, `${column} ${countHint(text)}`);
    n = Number(text);
  } else {
    return report.add(column, value, `${column} must be a whole number`);
  }
  if (n < 0) return report.add(column, value, `${column} cannot be negative`);
  if (n > MAX_TOTAL_COUNT) return report.add(column, value, `${column} is over the limit of 1000000000 dossiers a month`);
  return n;
}

function countHint(text: string): string {
  if (/^-\d/.test(text)) return 'cannot be negative';
  if (/^\d{1,3}(,\d{3})+$/.test(text)) return `must be digits only, without thousands separators: write ${text.replaceAll(',', '')}`;
  if (/^\d{1,3}(\.\d{3})+$/.test(text)) return `must be digits only: if the dots separate thousands, write ${text.replaceAll('.', '')}`;
  if (/^\d*[.,]\d+$/.test(text)) return 'must be a whole number of dossiers';
  if (/^[\d.]+e[+-]?\d+$/i.test(text)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? `must be written in full, without an exponent: write ${n}` : 'must be written in full digits, without an exponent';
  }
  return 'must be a whole number written in digits only (0-9)';
}

/** Spreadsheets drop leading zeros: "1" was probably "01". */
function leadingZeroHint(code: string, month: Month, localities: LocalityRegistry): string {
  if (!/^\d+$/.test(code)) return '';
  for (const width of [2, 5]) {
    const padded = code.padStart(width, '0');
    if (padded !== code && localities.resolve(padded, month).ok) {
      return `; did you mean "${padded}"? Spreadsheets drop leading zeros: format the column as text`;
    }
  }
  return '';
}
