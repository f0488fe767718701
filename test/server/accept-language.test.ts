import { describe, expect, it } from 'vitest';
import { answerLanguage } from '../../server/accept-language.ts';

describe('answerLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['fr-FR, de;q=0.5', 'en'],
    ['*', 'en'],
    ['vi', 'vi'],
    ['vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7', 'vi'],
    ['en-US,en;q=0.9,vi;q=0.8', 'en'],
    ['fr, vi;q=0.4, en;q=0.3', 'vi'],
    ['en;q=0.2, VI-vn;q=0.6', 'vi'],
    // Same weight: the one listed first.
    ['en, vi', 'en'],
    ['vi;q=0, en;q=0.1', 'en'],
    ['vi;q=0', 'en'],
    [['fr', 'vi;q=0.5'], 'vi'],
  ] as const)('%j → %s', (header, lang) => {
    expect(answerLanguage(header as string | string[] | undefined)).toBe(lang);
  });
});
