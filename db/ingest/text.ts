import type { EncodingGuess } from './messages.ts';

/** Decodes UTF-8 strictly, dropping a BOM; null when the bytes are not UTF-8. */
export function decodeUtf8(body: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    return null;
  }
}

/**
 * What bytes that are not UTF-8 probably are, for a message that names the line and the
 * encoding: UTF-16 (by its byte order mark, or by the zero bytes of ASCII text), or an 8-bit
 * code page: Windows-1258 when the bytes are Vietnamese letters or tone marks of that page
 * (đ, ơ, ư, the combining tones), else Windows-1252.
 */
export function guessEncoding(body: Buffer): EncodingGuess {
  const utf16 = utf16Of(body);
  if (utf16) return { encoding: utf16 };
  const at = firstInvalidUtf8(body);
  if (at === -1) return {};
  let line = 1;
  for (let i = body.indexOf(0x0a); i !== -1 && i < at; i = body.indexOf(0x0a, i + 1)) line++;
  // Windows-1258's own bytes: Ă â Đ ơ ư and the five combining tone marks, which 1252 spends on rare letters.
  const vietnamese = new Set([0xc3, 0xe3, 0xd0, 0xf0, 0xd5, 0xf5, 0xdd, 0xfd, 0xcc, 0xec, 0xd2, 0xf2, 0xde]);
  let viBytes = 0;
  let high = 0;
  for (const b of body.subarray(0, 1 << 16)) {
    if (b < 0x80) continue;
    high++;
    if (vietnamese.has(b)) viBytes++;
  }
  return { line, encoding: high > 0 && viBytes / high >= 0.3 ? 'windows-1258' : 'windows-1252' };
}

/**
 * UTF-16 by its byte order mark, or by the zero bytes every other byte of ASCII text has in it
 * (valid UTF-8 too, so it is looked for before decoding). Reads at most the first 4 KB.
 */
export function utf16Of(body: Buffer): EncodingGuess['encoding'] | undefined {
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le-bom';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be-bom';
  const sample = body.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? evenZeros++ : oddZeros++;
  const half = sample.length / 2;
  if (half >= 2 && oddZeros > half * 0.3 && evenZeros < half * 0.05) return 'utf-16le';
  if (half >= 2 && evenZeros > half * 0.3 && oddZeros < half * 0.05) return 'utf-16be';
  return undefined;
}

/** The offset of the first byte that breaks UTF-8, or -1. */
function firstInvalidUtf8(body: Buffer): number {
  let i = 0;
  while (i < body.length) {
    const b = body[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= body.length || (body[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * A value from outside as text for an error report. Arrays and objects are named, not rendered:
 * a JSON body may nest them deeper than String() or JSON.stringify can recurse (a 500, found by fuzzing).
 */
export function valueText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return '[…]';
  if (typeof value === 'object') return '{…}';
  return String(value);
}

/** Shows a value from outside in a message without letting it run on or hide characters. */
export function quote(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : (valueText(value) ?? String(value));
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}

/** Edit distance, for "did you mean" hints on column names. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

export function closest(word: string, candidates: readonly string[], maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}
