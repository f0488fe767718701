/** Decodes UTF-8 strictly, dropping a BOM; null when the bytes are not UTF-8. */
export function decodeUtf8(body: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
  } catch {
    return null;
  }
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
