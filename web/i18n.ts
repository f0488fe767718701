import { foldText } from '../lib/fold.ts';

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
/** "2026-12-03T…" → "03/12/2026" (vi) or "3 December 2026" (en), in the reporting time zone: a citation's date accessed. */
export function accessedOn(iso: string, lang: Lang): string {
  const options: Intl.DateTimeFormatOptions = lang === 'vi' ? { day: '2-digit', month: '2-digit', year: 'numeric' } : { day: 'numeric', month: 'long', year: 'numeric' };
  return cached(`accessed:${lang}`, () => new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { ...options, timeZone: 'Asia/Ho_Chi_Minh' })).format(new Date(iso));
}

const percentFormat = (lang: Lang, digits: number) =>
  cached(`pct:${lang}:${digits}`, () => new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }));

const GROUP: Record<Lang, string> = { vi: '.', en: ',' };
const DECIMAL: Record<Lang, string> = { vi: ',', en: '.' };

/**
 * |x| × 10^(shift + digits), rounded to a whole number as Intl rounds. Null when the text could
 * reach 1000 (Intl groups thousands) or has more digits than these checks cover: ask Intl then.
 */
function roundedUnits(x: number, shift: number, digits: number): number | null {
  const abs = Math.abs(x);
  if (digits > 4 || !(abs * 10 ** shift <= 100)) return null;
  const scaled = abs * 10 ** (shift + digits);
  // The product is off by less than 1e-9 here: only near a half can that change the rounding.
  return Math.abs((scaled % 1) - 0.5) > 1e-6 ? Math.round(scaled) : exactUnits(abs, shift, digits);
}

/**
 * Rounding as Intl does it, on the shortest decimal that reads back as x (the digits String(x)
 * gives), half away from zero: 0.01785 is 1.785%, so 1.79%, though the double is below it.
 */
function exactUnits(abs: number, shift: number, digits: number): number | null {
  const s = String(abs);
  if (s.includes('e')) return null;
  const dot = s.indexOf('.');
  const whole = dot < 0 ? s : s.slice(0, dot);
  const all = whole + (dot < 0 ? '' : s.slice(dot + 1)).padEnd(shift + digits + 1, '0');
  // The decimal point moves right; the first digit dropped decides the rounding.
  const end = whole.length + shift + digits;
  return Number(all.slice(0, end)) + (all.charCodeAt(end) >= 53 /* '5' */ ? 1 : 0);
}

/** Units of 10^-digits as a decimal: 951 with 2 digits → "9,51" (vi) or "9.51" (en). */
function decimalText(units: number, digits: number, lang: Lang): string {
  if (digits === 0) return String(units);
  const scale = 10 ** digits;
  return `${Math.floor(units / scale)}${DECIMAL[lang]}${String(units % scale).padStart(digits, '0')}`;
}

/** 0.0951 → "9,51%" (vi) or "9.51%" (en). */
export function formatRate(rate: number | null | undefined, lang: Lang, digits = 2): string {
  if (rate === null || rate === undefined) return '—';
  // Pages write a rate or two per table row: by hand, as Intl would (a property test compares them).
  const units = roundedUnits(rate, 2, digits);
  if (units === null) return percentFormat(lang, digits).format(rate);
  return `${rate < 0 || Object.is(rate, -0) ? '-' : ''}${decimalText(units, digits, lang)}%`;
}

/** 1234567 → "1.234.567" (vi) or "1,234,567" (en). */
export function formatCount(n: number, lang: Lang): string {
  // A national site writes about a million counts: whole numbers are grouped by hand, several
  // times as fast as Intl and the same text (a property test compares them); the rest go to Intl.
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return cached(`int:${lang}`, () => new Intl.NumberFormat(lang)).format(n);
  let rest = Math.abs(n);
  let text = '';
  // Three digits at a time from the right, zero-padded: arithmetic, no regular expression.
  for (; rest >= 1000; rest = Math.floor(rest / 1000)) {
    const group = rest % 1000;
    text = `${GROUP[lang]}${group < 10 ? '00' : group < 100 ? '0' : ''}${group}${text}`;
  }
  return `${n < 0 ? '-' : ''}${rest}${text}`;
}

/** A change in percentage points, signed: "+1,2 điểm %" / "+1.2 pp". */
export function formatPp(change: number | null | undefined, lang: Lang): string {
  if (change === null || change === undefined) return '—';
  const n = signedPp(change, lang);
  return lang === 'vi' ? `${n} điểm %` : `${n} pp`;
}

/** One decimal, signed unless it rounds to zero; by hand like formatRate, else Intl. */
function signedPp(change: number, lang: Lang): string {
  const units = roundedUnits(change, 0, 1);
  if (units === null) return cached(`pp:${lang}`, () => new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' })).format(change);
  return (units === 0 ? '' : change < 0 ? '-' : '+') + decimalText(units, 1, lang);
}

/** Points of a score, at most two decimals and no trailing zeros: 4.8 → "4,8" (vi) or "4.8" (en); 22 → "22". */
export function formatPoints(points: number, lang: Lang): string {
  return cached(`points:${lang}`, () => new Intl.NumberFormat(lang, { maximumFractionDigits: 2 })).format(points);
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-10" → "10/2026" (vi) or "Oct 2026" (en). */
export function formatMonth(period: string | null | undefined, lang: Lang): string {
  if (!period) return '—';
  const m = Number(period.slice(5, 7));
  return lang === 'vi' ? `${String(m).padStart(2, '0')}/${period.slice(0, 4)}` : `${MONTHS_EN[m - 1]} ${period.slice(0, 4)}`;
}

const lastDateTime: Record<Lang, { iso: string | null; text: string }> = { vi: { iso: null, text: '' }, en: { iso: null, text: '' } };

/** "2026-11-22T07:00:00Z" → a date and time in the reporting time zone. */
export function formatDateTime(iso: string, lang: Lang): string {
  // Every page of a build writes the build's time, more than once: it is formatted once.
  const last = lastDateTime[lang];
  if (last.iso === iso) return last.text;
  const format = cached(`dt:${lang}`, () => new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }));
  lastDateTime[lang] = { iso, text: format.format(new Date(iso)) };
  return lastDateTime[lang].text;
}

/** Vietnamese names to URL- and file-safe slugs: "Đăng ký khai sinh" → "dang-ky-khai-sinh". */
export function slugify(text: string): string {
  return foldText(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const collator = new Intl.Collator('vi');
