import { matchRank } from '../../lib/match.ts';
import type { Month } from '../months.ts';
import type { Locality, LocalityRegistry } from './registry.ts';

const LEVEL_ORDER = { country: 0, province: 1, commune: 2 } as const;
const collator = new Intl.Collator('vi');

/**
 * The units of a month whose name (or code) matches `query`, diacritics and case aside: exact
 * names first, then names that start with it, then names that contain it; provinces before
 * communes, then in Vietnamese order.
 */
export function searchLocalities(registry: LocalityRegistry, units: Locality[], query: string, month: Month): Locality[] {
  const ranked: Array<{ unit: Locality; rank: number; name: string }> = [];
  for (const unit of units) {
    const name = registry.nameAt(unit, month);
    const rank = matchRank(name, unit.code, query);
    if (rank >= 0) ranked.push({ unit, rank, name });
  }
  ranked.sort((a, b) => a.rank - b.rank || LEVEL_ORDER[a.unit.level] - LEVEL_ORDER[b.unit.level] || collator.compare(a.name, b.name) || a.unit.code.localeCompare(b.unit.code));
  return ranked.map((r) => r.unit);
}
