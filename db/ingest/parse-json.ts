import { decodeUtf8 } from './text.ts';
import type { ParseResult, RawRow } from './types.ts';

/**
 * Reads `{"observations": [ {...}, ... ]}`; row numbers are 1-based array positions. `beside`
 * names an optional second list (observations may come with "withdrawals"); with it, either
 * list may be empty but not both.
 */
export function parseJson(body: Buffer, key = 'observations', beside?: string): ParseResult {
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
  const fields = document as Record<string, unknown>;
  const extra = Object.keys(fields).filter((k) => k !== key && k !== beside);
  const shape = beside ? `{"${key}": [ ... ], "${beside}": [ ... ]}` : `{"${key}": [ ... ]}`;
  if (extra.length > 0) return fail('bad_json', `unknown top-level key ${JSON.stringify(extra[0])}: the body is ${shape}`);
  const list = beside && fields[key] === undefined && fields[beside] !== undefined ? [] : fields[key];
  if (!Array.isArray(list)) return fail('bad_json', `"${key}" must be an array of objects`);
  const second = beside === undefined ? undefined : (fields[beside] ?? []);
  if (second !== undefined && !Array.isArray(second)) return fail('bad_json', `"${beside}" must be an array of objects`);
  if (list.length === 0 && !second?.length) return fail('no_rows', `"${key}" is empty`);
  return { ok: true, rows: entries(list), format: 'json', ...(second ? { withdrawals: entries(second) } : {}) };
}

function entries(list: unknown[]): RawRow[] {
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { row: i + 1, values: {}, problem: 'each entry must be a JSON object' };
    }
    return { row: i + 1, values: item as Record<string, unknown> };
  });
}

function fail(error: string, message: string): ParseResult {
  return { ok: false, failure: { error, message } };
}
