import type { DataResource } from '../../web/model.ts';

/** A column of a published table, as its datapackage.json schema describes it. */
export type Field = NonNullable<DataResource['schema']>['fields'][number];

export const field = (name: string, type: Field['type'], description: string): Field => ({ name, type, description });

/** The source line of every published file. */
export const SOURCE = 'Thước đo — dossier counts reported by ministries and provinces';

export const PERIOD = field('period', 'yearmonth', 'calendar month, YYYY-MM');
export const ONLINE = field('online_count', 'integer', 'dossiers submitted online');
export const TOTAL = field('total_count', 'integer', 'all dossiers, every channel');
