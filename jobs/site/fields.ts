import type { TableField } from '../../web/model.ts';

/** A column of a published table, as its datapackage.json schema and its metadata describe it. */
export type Field = TableField;

export const field = (name: string, type: Field['type'], description: string, unit?: string): Field => ({ name, type, description, ...(unit ? { unit } : {}) });

/** The source line of every published file. */
export const SOURCE = 'Thước đo — dossier counts reported by ministries and provinces';

/** The label every file carries while the figures are simulated. */
export const DEMO_LABEL = 'Dữ liệu minh họa — Demo data: simulated figures, not official statistics.';

export const LICENCE = { name: 'CC-BY-4.0', path: 'https://creativecommons.org/licenses/by/4.0/', title: 'Creative Commons Attribution 4.0' };

/** The units of the published numbers. */
export const UNITS = { dossiers: 'dossiers', ratio: 'ratio (0–1)', points: 'percentage points', units: 'administrative units' } as const;

export const PERIOD = field('period', 'yearmonth', 'calendar month, YYYY-MM');
export const ONLINE = field('online_count', 'integer', 'dossiers submitted online', UNITS.dossiers);
export const TOTAL = field('total_count', 'integer', 'all dossiers, every channel', UNITS.dossiers);
export const END_TO_END = field('end_to_end_count', 'integer', 'dossiers handled wholly online (toàn trình); empty = not reported', UNITS.dossiers);
export const FEE = field('fee_count', 'integer', 'dossiers that carried a fee or charge; empty = not reported', UNITS.dossiers);
export const PAID_ONLINE = field('paid_online_count', 'integer', 'fee-bearing dossiers paid online; empty = not reported', UNITS.dossiers);
