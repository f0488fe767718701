import { type Month, addMonths, monthIndex } from '../months.ts';
import type { DemoRow, PreparedService } from './generate.ts';
import { Random } from './random.ts';

/**
 * The optional measures of the demo (end-to-end dossiers, fee-bearing dossiers, fees paid online),
 * drawn once the online counts are final, so that end_to_end_count ≤ online_count,
 * fee_count ≤ total_count and paid_online_count ≤ fee_count hold row by row.
 */

/** What the measures need to know of each drafted row, beside the row itself. */
export interface MeasureDraft {
  rows: DemoRow[];
  /** Per row: s ≥ 0 for services[s] (also its index in the units' effects), -1 - o for offline[o]. */
  serviceIndex: number[];
  /** Per row: where it was drawn; reporting is decided per province (a commune's, for a commune). */
  unit: Array<{ province: string; e2eEffect: number[]; payEffect: number[] }>;
  /** The services offered online, and those that are not. */
  services: PreparedService[];
  offline: PreparedService[];
}

/** The demo's publishers send end-to-end counts from the second half of 2023, fees and online payments from 2024. */
export const E2E_FROM: Month = '2023-07';
export const FEE_FROM: Month = '2024-01';
/** The 34 new provinces (Nghị quyết 202/2025/QH15), whose codes reuse some old ones. */
const REORGANISATION: Month = '2025-07';

/**
 * Old provinces whose systems sent the measure only from a later month (6 and 12 months after the
 * start); after the 2025 reorganisation every new province sends it. Some months a province sends
 * no such figure at all.
 */
const LATE_START: Record<'e2e' | 'fee', { six: ReadonlySet<string>; twelve: ReadonlySet<string> }> = {
  e2e: { six: new Set(['02', '04', '11', '14', '45', '62']), twelve: new Set(['06', '12']) },
  fee: { six: new Set(['08', '10', '17', '20']), twelve: new Set(['11', '12', '93']) },
};
const GAP_SHARE = 0.03;

/**
 * National end-to-end share (Σ end-to-end ÷ Σ total over the rows that report it) at anchor months:
 * June 2025 is the published 39.51% (ministries 51.19%, provinces 15.21%); the target of 80% by the
 * end of 2025 stays out of reach. Only full services go end to end (a partial one always has a step
 * at the counter), so the curve must stay well under the online share.
 */
const E2E_ANCHORS: ReadonlyArray<readonly [Month, number]> = [
  ['2023-07', 0.17], ['2023-12', 0.2], ['2024-12', 0.31], ['2025-06', 0.3951], ['2025-12', 0.43], ['2026-12', 0.47],
];
/** National share of fee-bearing dossiers paid online at anchor months. */
const PAY_ANCHORS: ReadonlyArray<readonly [Month, number]> = [
  ['2024-01', 0.22], ['2024-12', 0.28], ['2025-12', 0.36], ['2026-12', 0.43],
];

/**
 * Relative pull of the end-to-end channel: the ministries' national systems go much further than
 * the provinces' one-stop shops, which catch up slowly after the 2025 reorganisation.
 */
const E2E_MINISTRY = 1;
const E2E_PROVINCE_ANCHORS: ReadonlyArray<readonly [Month, number]> = [['2023-07', 0.25], ['2025-06', 0.3], ['2026-12', 0.55]];
/** The share of a row's online dossiers handled end to end saturates below this: someone always wants the paper result. */
const E2E_CAP = 0.97;

const TOLERANCE = 0.00002;
const MAX_ITERATIONS = 60;

/** A stable number in [0, 1) for a text: FNV-1a, mixed by one step of the demo's generator. */
function hash01(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return new Random(h).next();
}

/** Whether a province sends a measure in the month at hand. */
type Reporter = (province: string) => boolean;

/** From each province's first month on, with a few gaps; remembered per province. */
function reporter(measure: 'e2e' | 'fee', from: Month, month: Month): Reporter {
  const known = new Map<string, boolean>();
  const late = LATE_START[measure];
  return (province) => {
    let answer = known.get(province);
    if (answer === undefined) {
      const first = month >= REORGANISATION ? from : late.twelve.has(province) ? addMonths(from, 12) : late.six.has(province) ? addMonths(from, 6) : from;
      answer = month >= first && hash01(`${measure}|${province}|${month}`) >= GAP_SHARE;
      known.set(province, answer);
    }
    return answer;
  };
}

/** Linear between anchors, flat outside them. */
function interpolate(anchors: ReadonlyArray<readonly [Month, number]>, month: Month): number {
  const i = monthIndex(month);
  if (i <= monthIndex(anchors[0]![0])) return anchors[0]![1];
  for (let k = 1; k < anchors.length; k++) {
    const [toMonth, toValue] = anchors[k]!;
    const [fromMonth, fromValue] = anchors[k - 1]!;
    const [a, b] = [monthIndex(fromMonth), monthIndex(toMonth)];
    if (i <= b) return fromValue + ((toValue - fromValue) * (i - a)) / (b - a);
  }
  return anchors[anchors.length - 1]![1];
}

/**
 * Finds the factor k at which share(k) hits the target. The share grows with k but flattens where
 * rows near their caps: k is bracketed, then found by regula falsi (Illinois), which needs a
 * handful of passes where bisection needs dozens.
 */
function solve(share: (k: number) => number, target: number, label: string, guess: number): number {
  // Last month's factor is a close guess: bracket around it, widening until the target is inside.
  let [low, high] = [guess / 1.1, guess * 1.1];
  let [gapLow, gapHigh] = [share(low) - target, share(high) - target];
  while (gapHigh < 0) {
    [low, gapLow] = [high, gapHigh];
    high *= 2;
    if (high > 1e6) throw new Error(`demo ${label} cannot reach ${target}`);
    gapHigh = share(high) - target;
  }
  while (gapLow > 0) {
    [high, gapHigh] = [low, gapLow];
    low /= 2;
    if (low < 1e-9) throw new Error(`demo ${label} cannot go down to ${target}`);
    gapLow = share(low) - target;
  }
  let side = 0;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const k = high - (gapHigh * (high - low)) / (gapHigh - gapLow);
    const gap = share(k) - target;
    if (Math.abs(gap) < TOLERANCE) return k;
    if (gap < 0) {
      [low, gapLow] = [k, gap];
      if (side === -1) gapHigh /= 2;
      side = -1;
    } else {
      [high, gapHigh] = [k, gap];
      if (side === 1) gapLow /= 2;
      side = 1;
    }
  }
  throw new Error(`demo ${label} did not converge on ${target}`);
}

/** End-to-end dossiers of a row: a share of its online ones that saturates as the factor grows. */
function endToEnd(online: number, gross: number, offset: number, k: number): number {
  return Math.min(online, Math.floor(online * E2E_CAP * (1 - Math.exp(-gross * k)) + offset));
}

/** Fees paid online: at least the fee-bearing end-to-end dossiers, at most the share submitted online. */
function paidOnline(fee: number, floor: number, ceiling: number, gross: number, offset: number, k: number): number {
  return Math.min(fee, Math.floor(fee * Math.max(floor, Math.min(ceiling, gross * k)) + offset));
}

/** Fills end_to_end_count, fee_count and paid_online_count of the drafted rows (which come month by month). */
export function addMeasures(draft: MeasureDraft, extra: Random): void {
  const rows = draft.rows;
  let start = rows.findIndex((r) => r.period >= E2E_FROM);
  if (start < 0) return;
  const factors = { e2e: 1, pay: 1 };
  while (start < rows.length) {
    const month = rows[start]!.period;
    let end = start;
    while (end < rows.length && rows[end]!.period === month) end++;
    measureMonth(draft, extra, start, end, factors);
    start = end;
  }
}

/** One month's rows, draft indexes start to end - 1: draws, then both measures scaled to their national curves (factors: last month's, then this one's). */
function measureMonth(draft: MeasureDraft, extra: Random, start: number, end: number, factors: { e2e: number; pay: number }): void {
  const month = draft.rows[start]!.period;
  const reportsE2E = reporter('e2e', E2E_FROM, month);
  const reportsFee = reporter('fee', FEE_FROM, month);
  const m = end - start;
  const withFees = month >= FEE_FROM;
  const online = new Float64Array(m);
  const total = new Float64Array(m);
  const e2eGross = new Float64Array(m);
  const e2eOffset = new Float64Array(m);
  const fee = new Float64Array(m);
  const payGross = new Float64Array(m);
  const payOffset = new Float64Array(m);
  const e2eReported: number[] = [];
  const feeReported = new Uint8Array(m);
  const payIndexes: number[] = [];
  const payable = new Uint8Array(m);
  const provinceBase = interpolate(E2E_PROVINCE_ANCHORS, month);

  // Draws for every row, whether or not its province reports, so that a gap does not reshuffle the others.
  for (let j = 0; j < m; j++) {
    const i = start + j;
    const row = draft.rows[i]!;
    const s = draft.serviceIndex[i]!;
    const service = s >= 0 ? draft.services[s]! : draft.offline[-1 - s]!;
    const province = draft.unit[i]!.province;
    const profile = service.profile;
    online[j] = row.online_count;
    total[j] = row.total_count;
    const base = profile.ministry ? E2E_MINISTRY : provinceBase;
    const e2eNoise = extra.logNormal(0.1);
    // Only a full service goes end to end; a service not offered online (s < 0) has no local effects.
    e2eGross[j] = profile.online_level === 'full' ? base * service.e2e * draft.unit[i]!.e2eEffect[s]! * e2eNoise : 0;
    e2eOffset[j] = extra.next();
    if (reportsE2E(province)) e2eReported.push(j);
    if (!withFees) continue;
    fee[j] = profile.fee > 0 ? Math.min(row.total_count, Math.floor(row.total_count * profile.fee + extra.next())) : 0;
    const payNoise = extra.logNormal(0.1);
    payGross[j] = s < 0 ? 0 : profile.pay * draft.unit[i]!.payEffect[s]! * payNoise;
    payOffset[j] = extra.next();
    if (reportsFee(province)) {
      feeReported[j] = 1;
      if (profile.fee > 0) {
        payable[j] = 1;
        payIndexes.push(j);
      }
    }
  }

  // End to end: the rows that report it scaled to the national curve; the others follow the same scale.
  let e2eBase = 0;
  for (const j of e2eReported) e2eBase += total[j]!;
  const e2eShare = (k: number) => {
    let sum = 0;
    for (const j of e2eReported) sum += endToEnd(online[j]!, e2eGross[j]!, e2eOffset[j]!, k);
    return sum / e2eBase;
  };
  const e2eFactor = e2eBase > 0 ? solve(e2eShare, interpolate(E2E_ANCHORS, month), `end-to-end share of ${month}`, factors.e2e) : factors.e2e;
  factors.e2e = e2eFactor;
  const e2e = new Float64Array(m);
  for (let j = 0; j < m; j++) e2e[j] = endToEnd(online[j]!, e2eGross[j]!, e2eOffset[j]!, e2eFactor);
  for (const j of e2eReported) draft.rows[start + j]!.end_to_end_count = e2e[j]!;
  if (!withFees) return;

  let feeBase = 0;
  for (const j of payIndexes) feeBase += fee[j]!;
  const paid = (j: number, k: number) => paidOnline(fee[j]!, e2e[j]! / total[j]!, online[j]! / total[j]!, payGross[j]!, payOffset[j]!, k);
  const payShare = (k: number) => {
    let sum = 0;
    for (const j of payIndexes) sum += paid(j, k);
    return sum / feeBase;
  };
  const payFactor = feeBase > 0 ? solve(payShare, interpolate(PAY_ANCHORS, month), `online payment share of ${month}`, factors.pay) : factors.pay;
  factors.pay = payFactor;
  for (let j = 0; j < m; j++) {
    if (!feeReported[j]) continue;
    const row = draft.rows[start + j]!;
    row.fee_count = fee[j]!;
    // A free service has nothing to pay: its fee_count is 0 and paid_online_count is left out.
    row.paid_online_count = payable[j] ? paid(j, payFactor) : null;
  }
}
