import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import { FIRST_MONTH, MONTH_PATTERN, type Month } from '../months.ts';
import * as say from './messages.ts';
import { closest, valueText } from './text.ts';
import { type Format, MAX_TOTAL_COUNT, type MeasureField, OBSERVATION_FIELDS, type RawRow, type RowError, type Texts, type ValidRow, WITHDRAWAL_FIELDS } from './types.ts';

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
  /** JSON counts must be JSON integers; CSV cells are text, spreadsheet cells text or numbers. */
  format: Format;
}

/** Makes a row error: where it is (row, column, and which list) in both languages, then why. */
export type RowErrorMaker = (row: number, column: string | null, value: string | null, texts: Texts) => RowError;

/** Row errors of a body's rows; `beside` = withdrawals that came with observations (columns withdrawals.*). */
export function rowErrorMaker(format: Format, beside = false): RowErrorMaker {
  if (!beside) return (row, column, value, texts) => say.rowError(format, row, column, value, texts);
  return (row, column, value, texts) => say.rowError(format, row, column === null ? 'withdrawals' : `withdrawals.${column}`, value, texts, true);
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
  const check = keyChecker(ctx, OBSERVATION_FIELDS, rowErrorMaker(ctx.format));
  for (const item of raw) {
    const key = check(
      item,
      (report) => {
        const online = report.readable(item, 'online_count') ? checkCount(item.values.online_count, 'online_count', report, ctx.format) : undefined;
        const total = report.readable(item, 'total_count') ? checkCount(item.values.total_count, 'total_count', report, ctx.format) : undefined;
        const endToEnd = optionalCount(item, 'end_to_end_count', report, ctx.format);
        const fee = optionalCount(item, 'fee_count', report, ctx.format);
        const paidOnline = optionalCount(item, 'paid_online_count', report, ctx.format);
        if (online === undefined || total === undefined || endToEnd === undefined || fee === undefined || paidOnline === undefined) return undefined;
        return { online, total, endToEnd, fee, paidOnline };
      },
      (c, report) => {
        if (c.online > c.total) report.add('online_count', c.online, say.onlineOverTotal(c.online, c.total));
        if (c.endToEnd !== null && c.endToEnd > c.online) report.add('end_to_end_count', c.endToEnd, say.endToEndOverOnline(c.endToEnd, c.online));
        if (c.fee !== null && c.fee > c.total) report.add('fee_count', c.fee, say.feeOverTotal(c.fee, c.total));
        if (c.paidOnline !== null && c.fee === null) report.add('paid_online_count', c.paidOnline, say.paidWithoutFee());
        else if (c.paidOnline !== null && c.fee !== null && c.paidOnline > c.fee) report.add('paid_online_count', c.paidOnline, say.paidOverFee(c.paidOnline, c.fee));
      },
    );
    if (key) rows.push({ ...key, ...key.counts });
  }
  return { rows, errors: check.report.errors, scopeErrors: check.scopeErrors };
}

/** The rows a withdrawal names, checked like the keys of observations (scope included). */
export function validateWithdrawals(raw: RawRow[], ctx: ValidationContext, beside = false): { rows: WithdrawalKey[]; errors: RowError[]; scopeErrors: RowError[] } {
  const rows: WithdrawalKey[] = [];
  const check = keyChecker(ctx, WITHDRAWAL_FIELDS, rowErrorMaker(ctx.format, beside));
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
function keyChecker(ctx: ValidationContext, fields: readonly string[], make: RowErrorMaker) {
  const report = new Reporter(make);
  const trailingZeros = trailingZeroGuesser(ctx.serviceIds);
  const scopeErrors: RowError[] = [];
  const firstLineOfKey = new Map<string, number>();
  const inScope = scopeTest(ctx);

  /** `more` reads the rest of the row; `after` checks it once the key is known. */
  const check = <T>(item: RawRow, more: (report: Reporter) => T | undefined, after?: (value: T, report: Reporter) => void): CheckedKey<T> | undefined => {
    report.row = item.row;
    const errorsBefore = report.errors.length;
    if (item.problem) return report.add(null, null, item.problem);
    for (const [column, problem] of Object.entries(item.cellProblems ?? {})) report.add(column, problem.value, problem.texts);
    // CSV columns were checked once, at the header; JSON objects each bring their own keys.
    if (ctx.format === 'json') {
      for (const key of Object.keys(item.values)) {
        if (!fields.includes(key)) {
          const guess = closest(key, fields);
          report.add(key, null, say.unknownField(key, guess));
        }
      }
    }

    const period = report.readable(item, 'period') ? checkPeriod(item.values.period, ctx.latestMonth, report) : undefined;
    const serviceCode = report.readable(item, 'service_code') ? checkCode(item.values.service_code, 'service_code', report) : undefined;
    const localityCode = report.readable(item, 'locality_code') ? checkCode(item.values.locality_code, 'locality_code', report) : undefined;
    const counts = more(report);

    let serviceId: number | undefined;
    if (serviceCode !== undefined) {
      serviceId = ctx.serviceIds.get(serviceCode);
      if (serviceId === undefined) {
        report.add('service_code', serviceCode, say.unknownService(serviceCode, trailingZeros(serviceCode)));
      } else if (ctx.scope.serviceIds && !ctx.scope.serviceIds.has(serviceId)) {
        scopeErrors.push(make(item.row, 'service_code', serviceCode, say.serviceOutOfScope(serviceCode)));
      }
    }

    let unit: Locality | undefined;
    if (localityCode !== undefined && period !== undefined) {
      const resolved = ctx.localities.resolve(localityCode, period);
      if (resolved.ok) {
        unit = resolved.locality;
        if (!inScope(unit)) {
          scopeErrors.push(make(item.row, 'locality_code', localityCode, say.localityOutOfScope(unit)));
        }
      } else {
        const guess = leadingZeroGuess(localityCode, period, ctx.localities);
        report.add('locality_code', localityCode, say.localityNotInMonth(localityCode, period, resolved.problem, ctx.localities, guess));
      }
    }

    if (counts !== undefined) after?.(counts, report);
    if (report.errors.length !== errorsBefore || serviceId === undefined || !unit || !period || counts === undefined) return undefined;
    const key = `${unit.id}:${serviceId}:${period}`;
    const earlier = firstLineOfKey.get(key);
    if (earlier !== undefined) return report.add(null, null, say.duplicateKey(ctx.format, earlier));
    firstLineOfKey.set(key, item.row);
    return { row: item.row, period, serviceId, localityId: unit.id, areaId: ctx.localities.areaOf(unit), level: unit.level, counts };
  };
  return Object.assign(check, { report, scopeErrors });
}

/** Collects a batch's errors in one list; `row` is set before each row is checked. */
class Reporter {
  readonly errors: RowError[] = [];
  row = 0;

  constructor(private readonly make: RowErrorMaker) {}

  add(column: string | null, value: unknown, texts: Texts): undefined {
    this.errors.push(this.make(this.row, column, valueText(value), texts));
    return undefined;
  }

  /** Whether a cell can be checked: one that could not be read was reported already. */
  readable(item: RawRow, column: string): boolean {
    return item.cellProblems?.[column] === undefined;
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
  if (value === undefined || value === null || value === '') return report.add('period', value, say.required('period'));
  if (typeof value !== 'string') return report.add('period', value, say.periodNotString());
  const text = value.length === 7 ? value : value.trim();
  if (!MONTH_PATTERN.test(text)) {
    const loose = /^(\d{4})[-/.](\d{1,2})$/.exec(text);
    return report.add('period', value, say.periodFormat(value, loose ? `${loose[1]}-${loose[2]!.padStart(2, '0')}` : undefined));
  }
  const month = Number(text.slice(5, 7));
  if (month < 1 || month > 12) return report.add('period', value, say.noSuchMonth(text.slice(5, 7)));
  if (text < FIRST_MONTH) return report.add('period', value, say.beforeFirstMonth(FIRST_MONTH));
  if (text > latest) return report.add('period', value, say.futureMonth(text, latest));
  return text;
}

function checkCode(value: unknown, column: string, report: Reporter): string | undefined {
  if (value === undefined || value === null || value === '') return report.add(column, value, say.required(column));
  if (typeof value !== 'string') return report.add(column, value, say.codeNotString(column));
  return value.trim().normalize('NFC');
}

/** Digits only; every other spelling of a number gets a hint saying how to write it. */
function checkCount(value: unknown, column: string, report: Reporter, format: Format): number | undefined {
  if (value === undefined || value === null || value === '') return report.add(column, value, say.required(column));
  if (format === 'json' && typeof value === 'string') return report.add(column, value, say.jsonCountIsText(column, value));
  let n: number;
  if (typeof value === 'number') {
    // A spreadsheet's number cell, or a JSON number: 1234.5 is not a count of dossiers.
    if (!Number.isInteger(value)) return report.add(column, value, say.countNotWhole(column, value, 'fraction'));
    n = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (/^-\d/.test(text)) return report.add(column, value, say.countNegative(column, value));
    if (!/^\d+$/.test(text)) return report.add(column, value, countHint(column, value, text));
    n = Number(text);
  } else {
    return report.add(column, value, say.countNotWhole(column, value, 'other'));
  }
  if (n < 0) return report.add(column, value, say.countNegative(column, value));
  if (n > MAX_TOTAL_COUNT) return report.add(column, value, say.countOverLimit(column, value));
  return n;
}

/** A measure the row may leave out: null when it does (an empty cell or no column), undefined when it is wrong. */
function optionalCount(item: RawRow, column: MeasureField, report: Reporter, format: Format): number | null | undefined {
  if (!report.readable(item, column)) return undefined;
  const value = item.values[column];
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  return checkCount(value, column, report, format);
}

function countHint(column: string, value: string, text: string): Texts {
  if (/^\d{1,3}(,\d{3})+$/.test(text)) return say.countNotWhole(column, value, 'thousands-comma', text.replaceAll(',', ''));
  if (/^\d{1,3}(\.\d{3})+$/.test(text)) return say.countNotWhole(column, value, 'thousands-dot', text.replaceAll('.', ''));
  if (/^\d*[.,]\d+$/.test(text)) return say.countNotWhole(column, value, 'fraction');
  if (/^[\d.]+e[+-]?\d+$/i.test(text)) {
    const n = Number(text);
    return say.countNotWhole(column, value, 'exponent', Number.isSafeInteger(n) ? String(n) : undefined);
  }
  return say.countNotWhole(column, value, 'other');
}

/** Spreadsheets drop leading zeros: "1" was probably "01", "691" "00691". */
function leadingZeroGuess(code: string, month: Month, localities: LocalityRegistry): string | undefined {
  if (!/^\d+$/.test(code)) return undefined;
  for (const width of [2, 5]) {
    const padded = code.padStart(width, '0');
    if (padded !== code && localities.resolve(padded, month).ok) return padded;
  }
  return undefined;
}

/**
 * Spreadsheets take a service code like 1.013990 for a number and drop its trailing zeros
 * (1.01399), or its whole decimal part (1 for 1.000000): the registered code it was, if any.
 */
function trailingZeroGuesser(serviceIds: Map<string, number>): (code: string) => string | undefined {
  let shortened: Map<string, string> | undefined;
  return (code) => {
    if (!/^\d+(\.\d+)?$/.test(code)) return undefined;
    if (!shortened) {
      shortened = new Map();
      for (const known of serviceIds.keys()) {
        if (!/^\d+\.\d*0$/.test(known)) continue;
        const short = known.replace(/0+$/, '').replace(/\.$/, '');
        if (!shortened.has(short)) shortened.set(short, known);
      }
    }
    return shortened.get(code);
  };
}
