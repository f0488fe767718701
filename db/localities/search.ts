import { foldText } from '../../lib/fold.ts';
import type { Month } from '../months.ts';
import type { Locality, LocalityRegistry } from './registry.ts';

/** The words that open a unit's name: "Phường Ba Đình" is also found as "Ba Đình". */
const UNIT_TYPE = /^(thanh pho|tinh|phuong|xa|dac khu|thi tran|huyen|quan|thi xa) /;

const LEVEL_ORDER = { country: 0, province: 1, commune: 2 } as const;
const collator = new Intl.Collator('vi');

/**
 * The units of a month whose name (or code) matches `query`, diacritics and case aside: exact
 * names first, then names that start with it, then names that contain it; provinces before
 * communes, then in Vietnamese order.
 */
export function searchLocalities(registry: LocalityRegistry, units: Locality[], query: string, month: Month): Locality[] {
  const q = foldText(query);
  if (q === '') return [];
  const ranked: Array<{ unit: Locality; rank: number; name: string }> = [];
  for (const unit of units) {
    const name = registry.nameAt(unit, month);
    const full = foldText(name);
    const bare = full.replace(UNIT_TYPE, '');
    const rank = full === q || bare === q || unit.code === query.trim() ? 0 : full.startsWith(q) || bare.startsWith(q) ? 1 : full.includes(q) ? 2 : -1;
    if (rank >= 0) ranked.push({ unit, rank, name });
  }
  ranked.sort((a, b) => a.rank - b.rank || LEVEL_ORDER[a.unit.level] - LEVEL_ORDER[b.unit.level] || collator.compare(a.name, b.name) || a.unit.code.localeCompare(b.unit.code));
  return ranked.map((r) => r.unit);
}
