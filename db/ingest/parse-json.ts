import * as say from './messages.ts';
import { decodeUtf8, guessEncoding, utf16Of } from './text.ts';
import type { ParseResult, RawRow, Texts } from './types.ts';

/**
 * Reads `{"observations": [ {...}, ... ]}`; row numbers are 1-based array positions. `beside`
 * names an optional second list (observations may come with "withdrawals"); with it, either
 * list may be empty but not both.
 */
export function parseJson(body: Buffer, key = 'observations', beside?: string): ParseResult {
  const utf16 = utf16Of(body);
  if (utf16) return fail('not_utf8', say.notUtf8({ encoding: utf16 }, 'json'));
  const text = decodeUtf8(body);
  if (text === null) return fail('not_utf8', say.notUtf8(guessEncoding(body), 'json'));
  if (text.trim() === '') return fail('empty_body', say.emptyJson(key));
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    return fail('bad_json', say.badJson((err as Error).message));
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return fail('bad_json', say.jsonNotObject(`{"${key}": [ ... ]}`));
  }
  const fields = document as Record<string, unknown>;
  const extra = Object.keys(fields).filter((k) => k !== key && k !== beside);
  const shape = beside ? `{"${key}": [ ... ], "${beside}": [ ... ]}` : `{"${key}": [ ... ]}`;
  if (extra.length > 0) return fail('bad_json', say.jsonUnknownKey(extra[0]!, shape));
  const list = beside && fields[key] === undefined && fields[beside] !== undefined ? [] : fields[key];
  if (!Array.isArray(list)) return fail('bad_json', say.jsonNotList(key));
  const second = beside === undefined ? undefined : (fields[beside] ?? []);
  if (second !== undefined && !Array.isArray(second)) return fail('bad_json', say.jsonNotList(beside!));
  if (list.length === 0 && !second?.length) return fail('no_rows', say.jsonEmptyList(key));
  return { ok: true, rows: entries(list), format: 'json', ...(second ? { withdrawals: entries(second) } : {}) };
}

function entries(list: unknown[]): RawRow[] {
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return { row: i + 1, values: {}, problem: say.jsonEntryNotObject() };
    }
    return { row: i + 1, values: item as Record<string, unknown> };
  });
}

function fail(error: string, texts: Texts): ParseResult {
  return { ok: false, failure: say.parseFailure(error, texts) };
}
