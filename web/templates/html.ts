/** HTML built from tagged templates: every interpolated value is escaped unless it is already Html. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/**
 * Bidirectional and other control characters are dropped, not escaped: a character reference
 * (&#x202E;) is the same character to a browser, and would still reorder the text around it.
 * Names are cleaned when stored (cleanName in db/services.ts); this covers older rows.
 */
const CONTROLS = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
/** Control characters that the site drops from text (tab and line breaks stay); the Atom feed uses it too. */
export const CONTROL_CHARS = new RegExp(`[${CONTROLS}]`, 'g');
const NEEDS_ESCAPE = new RegExp(`[&<>"'${CONTROLS}]`);

export function escapeHtml(text: string): string {
  // Most text (numbers, dates, plain names) has nothing to escape: skip the two replaces.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(CONTROL_CHARS, '');
}

type Value = Html | string | number | null | undefined | false | Value[];

/** The markup of a value as html`` puts it in: text escaped, Html as it is. */
export function render(value: Value): string {
  // Pages render hundreds of thousands of values: the common kinds are tested first, and arrays
  // are joined in a loop rather than through map and join.
  if (typeof value === 'string') return escapeHtml(value);
  if (value instanceof Html) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const v of value) out += render(v);
    return out;
  }
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

const JSON_ESCAPES: Record<string, string> = { '<': '\\u003c', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON inside <script type="application/json">: "<" is escaped so no text can close the tag. */
export function jsonScript(data: unknown): Html {
  // One pass over the JSON, not one per character escaped: every chart page holds its numbers.
  return new Html(JSON.stringify(data).replace(/[<\u2028\u2029]/g, (c) => JSON_ESCAPES[c]!));
}
