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

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/** JSON inside <script type="application/json">: "<" is escaped so no text can close the tag. */
export function jsonScript(data: unknown): Html {
  return new Html(JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
}
