/** The five fields every observation has, as the contract names them. */
export const REQUIRED_OBSERVATION_FIELDS = ['period', 'service_code', 'locality_code', 'online_count', 'total_count'] as const;
/** The optional measures of substantive adoption (the contract's "Indicators"); a row may leave any of them out. */
export const MEASURE_FIELDS = ['end_to_end_count', 'fee_count', 'paid_online_count'] as const;
export type MeasureField = (typeof MEASURE_FIELDS)[number];
/** Every column an observation may have. */
export const OBSERVATION_FIELDS = [...REQUIRED_OBSERVATION_FIELDS, ...MEASURE_FIELDS] as const;
export type ObservationField = (typeof OBSERVATION_FIELDS)[number];
/** A withdrawal names a stored row by its key. */
export const WITHDRAWAL_FIELDS = ['period', 'service_code', 'locality_code'] as const;

export const MAX_TOTAL_COUNT = 1_000_000_000;
/** How many row errors a response lists; error_count has the total. */
export const MAX_LISTED_ERRORS = 1000;

/** The formats a body may come in. */
export type Format = 'csv' | 'json' | 'xlsx';

/** A message in both languages (db/ingest/messages.ts writes them all). */
export interface Texts {
  vi: string;
  en: string;
}

/**
 * A row as received: CSV cells are strings, JSON values anything, spreadsheet cells strings,
 * numbers or (for a period typed as a date) the month. `row` is the number we report.
 */
export interface RawRow {
  row: number;
  values: Record<string, unknown>;
  /** A problem with the row's shape, found while parsing (wrong field count, not an object). */
  problem?: Texts;
  /** Cells that could not be read at all (a formula without its value, an Excel error): column → why. */
  cellProblems?: Record<string, { value: string; texts: Texts }>;
}

/**
 * `message` is English as stored; the server sets it to the language the client asks for. The
 * ingest always gives both languages; the admin imports that share this shape may not yet.
 */
export interface RowError {
  row: number;
  column: string | null;
  value: string | null;
  message: string;
  message_vi?: string;
  message_en?: string;
}

/** A body that could not be read as observations at all: answered with 400 (or 413 when too big). */
export interface ParseFailure {
  error: string;
  message: string;
  message_vi: string;
  message_en: string;
  status?: 400 | 413;
}

export type ParseResult = { ok: true; rows: RawRow[]; format: Format; withdrawals?: RawRow[] } | { ok: false; failure: ParseFailure };

/** A row that passed every rule that needs no database. */
export interface ValidRow {
  row: number;
  period: string;
  serviceId: number;
  localityId: number;
  /** The current province (or VN) the row rolls up into. */
  areaId: number;
  level: 'country' | 'province' | 'commune';
  online: number;
  total: number;
  /** The optional measures; null = not reported (never taken for zero). */
  endToEnd: number | null;
  fee: number | null;
  paidOnline: number | null;
}
