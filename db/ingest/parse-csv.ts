import { CsvError, parse } from 'csv-parse/sync';
import { EXPECTED_COLUMNS, columnProblems } from './columns.ts';
import { decodeUtf8 } from './text.ts';
import type { ParseFailure, ParseResult, RawRow } from './types.ts';

const OTHER_DELIMITERS: Array<[string, string]> = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

/** Reads a CSV body (UTF-8, BOM allowed, RFC 4180, LF or CRLF) into rows keyed by header. */
export function parseCsv(body: Buffer, fields?: readonly string[], required?: readonly string[]): ParseResult {
  const text = decodeUtf8(body);
  if (text === null) return fail('not_utf8', 'the body is not valid UTF-8: save the file as "CSV UTF-8"');
  if (text.trim() === '') return fail('empty_body', `the body is empty: send a header row and data rows (${EXPECTED_COLUMNS})`);

  const header = text.slice(0, text.search(/\r?\n|$/));
  if (!header.includes(',')) {
    const other = OTHER_DELIMITERS.find(([d]) => header.includes(d));
    if (other) {
      return fail('wrong_delimiter', `the file is separated by ${other[1]}; separate columns with commas (${EXPECTED_COLUMNS})`);
    }
  }

  let records: CsvRecord[];
  if (text.includes('"')) {
    const read = readQuoted(text);
    if (!read.ok) return read;
    records = read.records;
  } else {
    records = splitUnquoted(text);
  }

  const [head, ...data] = records;
  if (!head) return fail('empty_body', 'the body has no header row');
  const columns = head.record.map((c) => c.trim());
  const problems = columnProblems(columns, fields, required);
  if (problems.length > 0) return fail('bad_columns', `${problems.join('; ')}. Expected: ${fields ? `the columns ${fields.join(', ')}` : EXPECTED_COLUMNS}`);
  if (data.length === 0) return fail('no_rows', 'the file has a header row but no data rows');

  const rows: RawRow[] = data.map(({ record, info }) => {
    const values: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) values[columns[i]!] = record[i];
    const row: RawRow = { row: info.lines, values };
    if (record.length !== columns.length) {
      row.problem = `expected ${columns.length} fields like the header, found ${record.length}; quote fields that contain commas`;
    }
    return row;
  });
  return { ok: true, rows, format: 'csv' };
}

function fail(error: string, message: string): ParseResult {
  return { ok: false, failure: { error, message } };
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Without a quote character, RFC 4180 reduces to lines and commas: split them directly,
 * which is several times faster than the general parser on large batches.
 */
function splitUnquoted(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (/^,*$/.test(line)) continue;
    records.push({ record: line.split(','), info: { lines: i + 1 } });
  }
  return records;
}

/** The general case, with csv-parse: quoted fields, escaped quotes, line breaks inside quotes. */
function readQuoted(text: string): { ok: true; records: CsvRecord[] } | { ok: false; failure: ParseFailure } {
  try {
    // With `info`, each record comes with its position; the typings only know plain records.
    const records = parse(text, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as CsvRecord[];
    return { ok: true, records };
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      return {
        ok: false,
        failure: {
          error: 'not_csv',
          message: `could not read the CSV${line ? ` at line ${line}` : ''}: ${err.message}. Quote fields that contain commas, and double any quote inside a quoted field ("")`,
        },
      };
    }
    throw err;
  }
}
