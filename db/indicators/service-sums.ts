import type Database from 'better-sqlite3';
import type { RollupCube } from '../cube.ts';
import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import type { Month } from '../months.ts';
import { DOSSIER_SUMS, type DossierSums, MEASURE_SUMS, MEASURE_SUM_COLUMNS } from './measures.ts';

/** One service's sums in a locality and month: the counts every row has and each measure over the rows that reported it. */
export interface ServiceSums extends DossierSums {
  serviceId: number;
  online: number;
  total: number;
}

export interface ServiceMonthSums extends ServiceSums {
  period: Month;
}

const ROLLUP_SUMS = ['sum(online_count) AS online', 'sum(total_count) AS total', ...DOSSIER_SUMS.map((k) => `sum(${MEASURE_SUM_COLUMNS[MEASURE_SUMS.indexOf(k)]}) AS ${k}`)].join(', ');
const ROW_SUMS = `sum(online_count) AS online, sum(total_count) AS total,
  coalesce(sum(end_to_end_count), 0) AS endToEnd, coalesce(sum(CASE WHEN end_to_end_count IS NOT NULL THEN total_count END), 0) AS endToEndBase,
  coalesce(sum(paid_online_count), 0) AS paidOnline, coalesce(sum(CASE WHEN paid_online_count IS NOT NULL THEN fee_count END), 0) AS paidOnlineBase`;

/**
 * Each service's sums per month in a locality (today's boundaries), for the indicators that count
 * services and for the scorecard: the country and current provinces from rollup_service_area,
 * communes and past units from their rows. `serviceIds` narrows to some services (a ministry's).
 */
export function serviceMonthSums(
  sqlite: Database.Database,
  registry: LocalityRegistry,
  q: { locality: Locality; from: Month; to: Month; serviceIds?: number[] | null },
): ServiceMonthSums[] {
  const services = q.serviceIds ? `AND service_id IN (${q.serviceIds.map(() => '?').join(',')})` : '';
  const serviceParams = q.serviceIds ?? [];
  const unit = q.locality;
  if (unit.level === 'country' || (unit.level === 'province' && unit.successorId === null)) {
    const area = unit.level === 'country' ? '' : 'AND area_id = ?';
    // Through the services, so that each one's months are a range of the primary key (service_id,
    // period, area_id) rather than a scan of the whole table: a year is a twelfth of the rows.
    return sqlite
      .prepare(
        `SELECT service_id AS serviceId, period, ${ROLLUP_SUMS} FROM services s CROSS JOIN rollup_service_area r
         ON r.service_id = s.id AND r.period BETWEEN ? AND ?
         WHERE 1 ${area} ${services} AND self_rows + sub_rows > 0 GROUP BY r.service_id, r.period`,
      )
      .all(q.from, q.to, ...(unit.level === 'country' ? [] : [unit.id]), ...serviceParams) as ServiceMonthSums[];
  }
  const ids = registry.memberIds(unit);
  return sqlite
    .prepare(
      `SELECT service_id AS serviceId, period, ${ROW_SUMS} FROM observations
       WHERE locality_id IN (${ids.map(() => '?').join(',')}) AND period BETWEEN ? AND ? ${services} GROUP BY service_id, period`,
    )
    .all(...ids, q.from, q.to, ...serviceParams) as ServiceMonthSums[];
}

/** Sums each service's months into one total per service. */
export function totalsByService(rows: Iterable<ServiceSums>): Map<number, ServiceSums> {
  const out = new Map<number, ServiceSums>();
  for (const r of rows) {
    let t = out.get(r.serviceId);
    if (!t) out.set(r.serviceId, (t = { serviceId: r.serviceId, online: 0, total: 0, endToEnd: 0, endToEndBase: 0, paidOnline: 0, paidOnlineBase: 0 }));
    t.online += r.online;
    t.total += r.total;
    for (const k of DOSSIER_SUMS) t[k] += r[k];
  }
  return out;
}

type Ranges = ReadonlyArray<{ from: Month; to: Month }>;

/**
 * Each service's sums over each range of months in a locality, range by range, for the scorecard
 * and the indicators that count services. A cube answers for the country and the current
 * provinces from memory (it must be up to date with the database); otherwise the rollups or the
 * rows are read. The map a visit gets may be reused for the next range: do not keep it.
 */
export function eachServiceTotals(
  sqlite: Database.Database,
  registry: LocalityRegistry,
  q: { locality: Locality; ranges: Ranges; serviceIds?: number[] | null },
  cube: RollupCube | null | undefined,
  visit: (range: number, sums: ReadonlyMap<number, ServiceSums>) => void,
): void {
  if (q.ranges.length === 0) return;
  const ids = q.serviceIds;
  const area = cube && q.locality.level === 'country' ? null : cube?.areaIndex.get(q.locality.id);
  const from = q.ranges.reduce((m, r) => (r.from < m ? r.from : m), q.ranges[0]!.from);
  const to = q.ranges.reduce((m, r) => (r.to > m ? r.to : m), q.ranges[0]!.to);
  if (cube && area !== undefined && cube.answers(from, to)) {
    cube.eachServiceSums(area, q.ranges, (r, sums) => visit(r, ids ? new Map(ids.flatMap((id) => (sums.has(id) ? [[id, sums.get(id)!] as const] : []))) : sums));
    return;
  }
  const rows = serviceMonthSums(sqlite, registry, { locality: q.locality, from, to, serviceIds: ids });
  q.ranges.forEach((r, i) => visit(i, totalsByService(rows.filter((row) => row.period >= r.from && row.period <= r.to))));
}

/** Each service's sums over one range of months in a locality (eachServiceTotals), kept. */
export function serviceTotals(
  sqlite: Database.Database,
  registry: LocalityRegistry,
  q: { locality: Locality; from: Month; to: Month; serviceIds?: number[] | null },
  cube?: RollupCube | null,
): Map<number, ServiceSums> {
  let out = new Map<number, ServiceSums>();
  eachServiceTotals(sqlite, registry, { locality: q.locality, ranges: [q], serviceIds: q.serviceIds }, cube, (_r, sums) => {
    out = new Map([...sums].map(([id, x]) => [id, { ...x }]));
  });
  return out;
}
