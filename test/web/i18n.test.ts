import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LANGS, formatCount, formatRate } from '../../web/i18n.ts';

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
  });

  it('counts: the hand-written grouping writes what Intl writes, for any whole number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -1e6, max: 1e6 }), fc.constant(-0)), fc.constantFrom(...LANGS), (n, lang) => formatCount(n, lang) === new Intl.NumberFormat(lang).format(n)),
      { numRuns: 20_000 },
    );
  });
});
