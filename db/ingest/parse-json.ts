import { decodeUtf8 } from './text.ts';
import type { ParseResult, RawRow } from './types.ts';

/** Reads `{"observations": [ {...}, ... ]}`; row numbers are 1-based array positions. */
export function parseJson(body: Buffer, key = 'observations'): ParseResult {
  const text = decodeUtf8(body);
  if (text === null) return fail('not_utf8', 'the body is not valid UTF-8');
  if (text.trim() === '') return fail('empty_body', `the body is empty: send {"${key}": [ ... ]}`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    return fail('bad_json', `the body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return fail('bad_json', `the body must be a JSON object {"${key}": [ ... ]}`);
  }
  const list = (document as Record<string, unknown>)[key];
  const extra = Object.keys(document).filter((k) => k !== key);
  if (extra.length > 0) return fail('bad_json', `unknown top-level key ${JSON.stringify(extra[0])}: the body is {"${key}": [ ... ]}`);
  if (!Array.isArray(list)) return fail('bad_json', `"${key}" must be an array of objects`);
  if (list.length === 0) return fail('no_rows', `"${key}" is empty`);

  const rows: RawRow[] = list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { row: i + 1, values: {}, problem: 'each entry must be a JSON object' };
    }
    return { row: i + 1, values: item as Record<string, unknown> };
  });
  return { ok: true, rows, format: 'json' };
}

function fail(error: string, message: string): ParseResult {
  return { ok: false, failure: { error, message } };
}
