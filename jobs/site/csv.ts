/** Text that needs an apostrophe or quotes (see csvCell). */
const NEEDS_CARE = /^[=+\-@\s]|[",\r\n]|\s$/;

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (=, +, -, @, tab, CR
 * at the start) is neutralised with a leading apostrophe; numbers are written as they are, and
 * booleans as true/false (what pandas, R and Frictionless read as booleans by default).
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Most text needs neither: one test instead of the two below (hundreds of thousands of cells a build).
  if (!NEEDS_CARE.test(value)) return value;
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return values.map(csvCell).join(',') + '\r\n';
}
