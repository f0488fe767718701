/**
 * The dossier measures an indicator divides: where each one's numerator and denominator live in
 * the observations and the rollups, and which rows reported it. A row that left a measure out
 * counts in neither its numerator nor its denominator, nor in its coverage.
 */
import type { ServiceSums } from './service-sums.ts';

/**
 * The rollups' sums of the optional measures, as the ingest adds them and the indicators read
 * them: each measure's numerator, its denominator over the rows that reported it, and those rows.
 */
export interface MeasureSums {
  endToEnd: number;
  endToEndBase: number;
  endToEndRows: number;
  paidOnline: number;
  paidOnlineBase: number;
  paidOnlineRows: number;
}
export const MEASURE_SUMS = ['endToEnd', 'endToEndBase', 'endToEndRows', 'paidOnline', 'paidOnlineBase', 'paidOnlineRows'] as const satisfies ReadonlyArray<keyof MeasureSums>;
/** The same, as the rollups' columns, in the same order. */
export const MEASURE_SUM_COLUMNS = ['end_to_end_count', 'end_to_end_base', 'end_to_end_rows', 'paid_online_count', 'paid_online_base', 'paid_online_rows'] as const;

/** What the indicators divide: the measures' sums without their row counts (a service's sums, the cube's cells). */
export type DossierSums = Omit<MeasureSums, 'endToEndRows' | 'paidOnlineRows'>;
export const DOSSIER_SUMS = ['endToEnd', 'endToEndBase', 'paidOnline', 'paidOnlineBase'] as const satisfies ReadonlyArray<keyof DossierSums>;

export interface Measure {
  id: MeasureId;
  /** The same in a service's sums (service-sums.ts). */
  sums: { numerator: keyof ServiceSums; denominator: keyof ServiceSums };
  /** Columns of `observations` (and `observation_revisions`). */
  rows: { numerator: string; denominator: string; reported: string };
  /** Columns of the rollups (rollup_area, rollup_service_area, rollup_unit). */
  rollup: { numerator: string; denominator: string };
  /** How many rows reported the measure, in rollup_area and rollup_service_area. */
  areaRows: string;
  /** The same in rollup_unit. */
  unitRows: string;
}

export type MeasureId = 'online' | 'end_to_end' | 'paid_online';

export const MEASURES: Record<MeasureId, Measure> = {
  online: {
    id: 'online',
    sums: { numerator: 'online', denominator: 'total' },
    rows: { numerator: 'online_count', denominator: 'total_count', reported: '1' },
    rollup: { numerator: 'online_count', denominator: 'total_count' },
    areaRows: 'self_rows + sub_rows',
    unitRows: 'rows',
  },
  end_to_end: {
    id: 'end_to_end',
    sums: { numerator: 'endToEnd', denominator: 'endToEndBase' },
    rows: { numerator: 'end_to_end_count', denominator: 'total_count', reported: 'end_to_end_count IS NOT NULL' },
    rollup: { numerator: 'end_to_end_count', denominator: 'end_to_end_base' },
    areaRows: 'end_to_end_rows',
    unitRows: 'end_to_end_rows',
  },
  paid_online: {
    id: 'paid_online',
    sums: { numerator: 'paidOnline', denominator: 'paidOnlineBase' },
    rows: { numerator: 'paid_online_count', denominator: 'fee_count', reported: 'paid_online_count IS NOT NULL' },
    rollup: { numerator: 'paid_online_count', denominator: 'paid_online_base' },
    areaRows: 'paid_online_rows',
    unitRows: 'paid_online_rows',
  },
};
