import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANGS, formatCount, formatPp, formatRate } from '../../web/i18n.ts';

/** Numbers near and on the ties of decimal rounding, where a hand-written rounding goes wrong first. */
const decimals = (scale: number) =>
  fc.oneof(
    fc.double({ min: -2 * scale, max: 2 * scale, noNaN: true }),
    fc.integer({ min: -200_000, max: 200_000 }).map((n) => (n / 100_000) * scale),
    fc.tuple(fc.integer({ min: -2_000_000, max: 2_000_000 }), fc.integer({ min: 0, max: 6 })).map(([n, p]) => ((n + 0.5) / 10 ** p) * scale),
    fc.tuple(fc.nat(10_000_000), fc.integer({ min: 1, max: 10_000_000 })).map(([a, b]) => a / b),
    fc.constantFrom(0, -0, 1e-7, -1e-7, 5e-7, 0.01785, 0.00125, 0.995, 0.9995, 0.99995, 9.9995, 99.95, 999.95, 1e21, NaN, Infinity, -Infinity),
  );

describe('number formatting', () => {
  it('writes the examples of the brief', () => {
    expect(formatRate(0.0951, 'vi')).toBe('9,51%');
    expect(formatRate(0.0951, 'en')).toBe('9.51%');
    expect(formatRate(0.0178, 'vi', 1)).toBe('1,8%');
    expect(formatRate(1, 'vi', 0)).toBe('100%');
    expect(formatRate(null, 'vi')).toBe('—');
    expect(formatCount(1234567, 'vi')).toBe('1.234.567');
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
    expect(formatCount(-1234, 'en')).toBe('-1,234');
    expect(formatPp(1.25, 'vi')).toBe('+1,3 điểm %');
    expect(formatPp(-0.04, 'en')).toBe('0.0 pp');
  });

  it('counts: the hand-written grouping writes what Intl writes, for any whole number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1e6, max: 1e6 }), fc.constant(-0)), fc.constantFrom(...LANGS), (n, lang) => formatCount(n, lang) === new Intl.NumberFormat(lang).format(n)),
      { numRuns: 20_000 },
    );
  });

  it('rates: the hand-written rounding writes what Intl writes, ties included', () => {
    fc.assert(
      fc.property(decimals(1), fc.constantFrom(...LANGS), fc.integer({ min: 0, max: 3 }), (rate, lang, digits) =>
        formatRate(rate, lang, digits) === new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(rate),
      ),
      { numRuns: 50_000 },
    );
  });

  it('percentage points: the hand-written rounding and sign write what Intl writes', () => {
    fc.assert(
      fc.property(decimals(100), fc.constantFrom(...LANGS), (change, lang) => {
        const n = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(change);
        return formatPp(change, lang) === (lang === 'vi' ? `${n} điểm %` : `${n} pp`);
      }),
      { numRuns: 50_000 },
    );
  });
});
