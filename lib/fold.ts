/**
 * Vietnamese text folded for matching: lower case, no diacritics, đ → d, single spaces.
 * "Phường Ba Đình" and "phuong ba dinh" fold to the same text. Search, slugs and the site's
 * table filter all use this one rule.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}
