import { foldText } from './fold.ts';

/** The words that open a unit's name: "Phường Ba Đình" is also found as "Ba Đình". */
const UNIT_TYPE = /^(thanh pho|tinh|phuong|xa|dac khu|thi tran|huyen|quan|thi xa) /;

/**
 * How well a unit's name (or code) matches a query, diacritics and case aside: 0 exact, 1 the
 * name starts with it, 2 contains it, -1 no match. The API's locality search and the site's
 * search box rank with this one rule.
 */
export function matchRank(name: string, code: string, query: string): number {
  const q = foldText(query);
  if (q === '') return -1;
  const full = foldText(name);
  const bare = full.replace(UNIT_TYPE, '');
  if (full === q || bare === q || code === query.trim()) return 0;
  if (full.startsWith(q) || bare.startsWith(q)) return 1;
  return full.includes(q) ? 2 : -1;
}
