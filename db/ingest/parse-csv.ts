import { CsvError, parse } from 'csv-parse/sync';
import { columnProblems } from './columns.ts';
import * as say from './messages.ts';
import { decodeUtf8, guessEncoding, utf16Of } from './text.ts';
import type { ParseFailure, ParseResult, RawRow, Texts } from './types.ts';

const OTHER_DELIMITERS = [';', '\t', '|'];

/** Reads a CSV body (UTF-8, BOM allowed, RFC 4180, LF or CRLF) into rows keyed by header. */
export function parseCsv(body: Buffer, fields?: readonly string[], required?: readonly string[]): ParseResult {
  const utf16 = utf16Of(body);
  if (utf16) return fail('not_utf8', say.notUtf8({ encoding: utf16 }, 'csv'));
  const text = decodeUtf8(body);
  if (text === null) return fail('not_utf8', say.notUtf8(guessEncoding(body), 'csv'));
  if (text.trim() === '') return fail('empty_body', say.emptyCsv(fields));

  const header = text.slice(0, text.search(/\r?\n|$/));
  if (!header.includes(',')) {
    const other = OTHER_DELIMITERS.find((d) => header.includes(d));
    if (other) return fail('wrong_delimiter', say.wrongDelimiter(other, fields));
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
  if (!head) return fail('empty_body', say.noHeaderRow());
  const columns = head.record.map((c) => c.trim());
  const problems = columnProblems(columns, fields, required);
  if (problems.length > 0) return fail('bad_columns', say.badColumns(problems, fields));
  if (data.length === 0) return fail('no_rows', say.noRows());

  const rows: RawRow[] = data.map(({ record, info }) => {
    const values: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) values[columns[i]!] = record[i];
    const row: RawRow = { row: info.lines, values };
    if (record.length !== columns.length) {
      row.problem = say.wrongFieldCount(columns.length, record.length);
    }
    return row;
  });
  return { ok: true, rows, format: 'csv' };
}

function fail(error: string, texts: Texts): ParseResult {
  return { ok: false, failure: say.parseFailure(error, texts) };
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
      return { ok: false, failure: say.parseFailure('not_csv', say.notCsv(line, err.message)) };
    }
    throw err;
  }
}
