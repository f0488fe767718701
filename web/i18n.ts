export type Lang = 'vi' | 'en';
export const LANGS: Lang[] = ['vi', 'en'];

/** Where a page lives in each language: Vietnamese at the root, English under /en/. */
export function localePath(lang: Lang, path: string): string {
  return lang === 'vi' ? path : `/en${path}`;
}

/** Intl formatters are costly to make and cheap to reuse: one per language and option set. */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key) as T | undefined;
  if (!f) formatters.set(key, (f = make()));
  return f;
}
const percentFormat = (lang: Lang, digits: number) =>
  cached(`pct:${lang}:${digits}`, () => new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }));

/** 0.0951 → "9,51%" (vi) or "9.51%" (en). */
export function formatRate(rate: number | null | undefined, lang: Lang, digits = 2): string {
  return rate === null || rate === undefined ? '—' : percentFormat(lang, digits).format(rate);
}

const GROUP: Record<Lang, string> = { vi: '.', en: ',' };

/** 1234567 → "1.234.567" (vi) or "1,234,567" (en). */
export function formatCount(n: number, lang: Lang): string {
  // A national site writes about a million counts: whole numbers are grouped by hand, twice as
  // fast as Intl and the same text (a property test compares them); anything else goes to Intl.
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return cached(`int:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
  const digits = String(Math.abs(n));
  const text = digits.length <= 3 ? digits : digits.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP[lang]);
  return n < 0 ? `-${text}` : text;
}

/** A change in percentage points, signed: "+1,2 điểm %" / "+1.2 pp". */
export function formatPp(change: number | null | undefined, lang: Lang): string {
  if (change === null || change === undefined) return '—';
  const n = cached(`pp:${lang}`, () => new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' })).format(change);
  return lang === 'vi' ? `${n} điểm %` : `${n} pp`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10" → "10/2026" (vi) or "Oct 2026" (en). */
export function formatMonth(period: string | null | undefined, lang: Lang): string {
  if (!period) return '—';
  const [y, m] = [period.slice(0, 4), Number(period.slice(5, 7))];
  return lang === 'vi' ? `${String(m).padStart(2, '0')}/${y}` : `${MONTHS_EN[m - 1]} ${y}`;
}

/** "2026-11-22T07:00:00Z" → a date and time in the reporting time zone. */
export function formatDateTime(iso: string, lang: Lang): string {
  const format = cached(`dt:${lang}`, () => new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }));
  return format.format(new Date(iso));
}

/** Vietnamese names to URL- and file-safe slugs: "Đăng ký khai sinh" → "dang-ky-khai-sinh". */
export function slugify(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const collator = new Intl.Collator('vi');
