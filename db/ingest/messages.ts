/**
 * Every message the ingest gives a publisher, in Vietnamese and in English: one function per
 * kind of error, each returning both texts. Nothing else in db/ingest writes a sentence, so a
 * rule's wording is changed here once. The Vietnamese is written for a clerk in a provincial or
 * commune office who works in Excel: it says what is wrong and what to do, politely and plainly.
 */
import type { Locality, LocalityRegistry } from '../localities/registry.ts';
import type { Month } from '../months.ts';
import { MAX_TOTAL_COUNT, MEASURE_FIELDS, REQUIRED_OBSERVATION_FIELDS, type ParseFailure, type RowError, type Texts } from './types.ts';

export type { Texts };

/** Shows a value from outside without letting it run on: "…" in English, «…» in Vietnamese. */
function shown(value: unknown, max = 60): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : Array.isArray(value) ? '[…]' : typeof value === 'object' ? '{…}' : String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
const q = (value: unknown) => JSON.stringify(shown(value));
const g = (value: unknown) => `«${shown(value).replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD')}»`;
const unit = (u: Locality) => `${u.code} (${u.name})`;
const list = (items: string[], and: string) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items.at(-1)}`);

// ---- Where an error is: the row and column it names --------------------------------------

/** How the rows of a body are numbered: CSV lines, sheet rows, or positions in a JSON list. */
export type RowKind = 'csv' | 'xlsx' | 'json';

/** "Dòng 5, cột online_count: " — the start of every row error, so each one reads on its own. */
export function place(kind: RowKind, row: number, column: string | null, withdrawal = false): Texts {
  const vi = withdrawal ? `Yêu cầu rút số liệu thứ ${row}` : kind === 'csv' ? `Dòng ${row}` : kind === 'xlsx' ? `Hàng ${row}` : `Phần tử thứ ${row}`;
  const en = withdrawal ? `Withdrawal ${row}` : kind === 'csv' ? `Line ${row}` : kind === 'xlsx' ? `Row ${row}` : `Item ${row}`;
  // A withdrawal's columns are named withdrawals.* in the answer; the sentence says which list already.
  const shown = withdrawal && column !== null ? (column === 'withdrawals' ? null : column.replace(/^withdrawals\./, '')) : column;
  return shown === null ? { vi: `${vi}: `, en: `${en}: ` } : { vi: `${vi}, cột ${shown}: `, en: `${en}, column ${shown}: ` };
}

// ---- Whole-body answers ------------------------------------------------------------------

export function outOfScopeSummary(scopeErrors: number, total: number): Texts {
  const others = total - scopeErrors;
  return {
    vi:
      `Có ${scopeErrors} dòng thuộc địa bàn hoặc dịch vụ mà mã truy cập này không được phép gửi, nên chưa có dòng nào được lưu` +
      (others > 0 ? `; tệp còn ${others} lỗi khác được liệt kê cùng` : '') +
      '. Nếu cần gửi số liệu cho các địa bàn này, xin liên hệ quản trị viên của đơn vị.',
    en: `${scopeErrors} row(s) are outside this token's scope; nothing was stored` + (others > 0 ? `. ${others} other error(s) are listed with them` : '') + '. To send data for them, ask your administrator.',
  };
}

export function invalidRowsSummary(errors: number, rows: number): Texts {
  return {
    vi: `Có ${errors} lỗi ở ${rows} dòng nên chưa có dòng nào được lưu. Xin sửa các lỗi được liệt kê rồi gửi lại toàn bộ tệp.`,
    en: `${errors} error(s) in ${rows} row(s); nothing was stored. Fix them and send the whole file again`,
  };
}

// ---- Reading the body (400) --------------------------------------------------------------

const EXPECTED = `${REQUIRED_OBSERVATION_FIELDS.join(', ')} (optional: ${MEASURE_FIELDS.join(', ')})`;
const EXPECTED_VI = `${REQUIRED_OBSERVATION_FIELDS.join(', ')} (có thể thêm: ${MEASURE_FIELDS.join(', ')})`;
const columnsOf = (fields: readonly string[] | undefined, lang: 'vi' | 'en' = 'vi') => (fields ? fields.join(', ') : lang === 'vi' ? EXPECTED_VI : EXPECTED);

/** What we could tell about bytes that are not UTF-8. */
export interface EncodingGuess {
  /** The 1-based line of the first byte that is not UTF-8, when the text is 8-bit. */
  line?: number;
  encoding?: 'utf-16le-bom' | 'utf-16be-bom' | 'utf-16le' | 'utf-16be' | 'windows-1258' | 'windows-1252';
}

export function notUtf8(guess: EncodingGuess, format: 'csv' | 'json'): Texts {
  const saveVi = format === 'csv' ? 'Trong Excel, xin chọn «Lưu thành» (Save As) với kiểu «CSV UTF-8 (Comma delimited)» rồi gửi lại' : 'Xin lưu lại tệp ở mã UTF-8 rồi gửi lại';
  const saveEn = format === 'csv' ? 'In Excel, use Save As with the type "CSV UTF-8 (Comma delimited)" and send it again' : 'Save it as UTF-8 and send it again';
  const e = guess.encoding;
  if (e?.startsWith('utf-16')) {
    const bom = e.endsWith('bom');
    return {
      vi: `Tệp được lưu ở mã UTF-16${bom ? '' : ' (không có BOM)'}, thường là kiểu «Unicode Text» của Excel, nên máy chủ không đọc được. ${saveVi}.`,
      en: `The file is in UTF-16${bom ? '' : ' (without a byte order mark)'}, often Excel's "Unicode Text", which this server does not read. ${saveEn}.`,
    };
  }
  const lineVi = guess.line ? `Dòng ${guess.line} có ký tự không ở mã UTF-8` : 'Tệp có ký tự không ở mã UTF-8';
  const lineEn = guess.line ? `Line ${guess.line} holds bytes that are not UTF-8` : 'The body is not valid UTF-8';
  const which =
    e === 'windows-1258'
      ? { vi: ', nhiều khả năng là bảng mã Windows-1258 (tiếng Việt «ANSI» cũ)', en: ', probably Windows-1258 (the older Vietnamese "ANSI" code page)' }
      : e === 'windows-1252'
        ? { vi: ', nhiều khả năng là bảng mã Windows-1252 (Tây Âu)', en: ', probably Windows-1252 (Western European)' }
        : { vi: '', en: '' };
  return { vi: `${lineVi}${which.vi}. ${saveVi}.`, en: `${lineEn}${which.en}. ${saveEn}.` };
}

export function emptyCsv(fields?: readonly string[]): Texts {
  return {
    vi: `Tệp trống. Xin gửi một dòng tiêu đề và các dòng số liệu (các cột: ${columnsOf(fields)}).`,
    en: `the body is empty: send a header row and data rows (the columns are ${columnsOf(fields, 'en')})`,
  };
}

export function noHeaderRow(): Texts {
  return { vi: 'Tệp không có dòng tiêu đề. Dòng đầu tiên phải là tên các cột.', en: 'the body has no header row' };
}

export function wrongDelimiter(delimiter: string, fields?: readonly string[]): Texts {
  const names: Record<string, Texts> = {
    ';': { vi: 'dấu chấm phẩy (;)', en: 'semicolons' },
    '\t': { vi: 'ký tự tab', en: 'tabs' },
    '|': { vi: 'dấu gạch đứng (|)', en: 'vertical bars' },
  };
  const name = names[delimiter] ?? { vi: g(delimiter), en: q(delimiter) };
  return {
    vi: `Các cột trong tệp được ngăn cách bằng ${name.vi}. Xin dùng dấu phẩy (,) để ngăn cách các cột (các cột: ${columnsOf(fields)}); trong Excel, hãy lưu dưới dạng «CSV UTF-8 (Comma delimited)».`,
    en: `the file is separated by ${name.en}; separate columns with commas (the columns are ${columnsOf(fields, 'en')})`,
  };
}

/** One problem with the header's columns. */
export type ColumnProblem = { kind: 'twice'; column: string } | { kind: 'unknown'; column: string; guess?: string } | { kind: 'missing'; columns: string[] };

export function badColumns(problems: ColumnProblem[], fields?: readonly string[]): Texts {
  const vi = problems.map((p) =>
    p.kind === 'twice'
      ? `cột ${g(p.column)} xuất hiện hai lần`
      : p.kind === 'unknown'
        ? `không có cột nào tên ${g(p.column)}${p.guess ? ` (có phải là «${p.guess}»?)` : ''}`
        : `thiếu cột ${p.columns.join(', ')}`,
  );
  const en = problems.map((p) =>
    p.kind === 'twice'
      ? `column ${q(p.column)} appears twice`
      : p.kind === 'unknown'
        ? `unknown column ${q(p.column)}${p.guess ? `: did you mean "${p.guess}"?` : ''}`
        : `missing column${p.columns.length > 1 ? 's' : ''} ${p.columns.join(', ')}`,
  );
  return {
    vi: `Dòng tiêu đề chưa đúng: ${vi.join('; ')}. Các cột cần có: ${columnsOf(fields)} (thứ tự nào cũng được, viết đúng chính tả, không dấu).`,
    en: `${en.join('; ')}. Expected: ${fields ? `the columns ${fields.join(', ')}` : `the columns are ${EXPECTED}`}`,
  };
}

export function noRows(): Texts {
  return { vi: 'Tệp chỉ có dòng tiêu đề, chưa có dòng số liệu nào.', en: 'the file has a header row but no data rows' };
}

export function notCsv(line: number | undefined, detail: string): Texts {
  return {
    vi: `Không đọc được tệp CSV${line ? ` ở dòng ${line}` : ''} (${detail}). Ô nào có dấu phẩy phải được đặt trong dấu nháy kép, và dấu nháy kép bên trong ô phải viết hai lần ("").`,
    en: `could not read the CSV${line ? ` at line ${line}` : ''}: ${detail}. Quote fields that contain commas, and double any quote inside a quoted field ("")`,
  };
}

export function wrongFieldCount(expected: number, found: number): Texts {
  return {
    vi: `dòng này có ${found} ô trong khi dòng tiêu đề có ${expected} cột. Ô nào có dấu phẩy phải được đặt trong dấu nháy kép.`,
    en: `expected ${expected} fields like the header, found ${found}; quote fields that contain commas`,
  };
}

// JSON

export function emptyJson(key: string): Texts {
  return { vi: `Nội dung gửi lên trống. Xin gửi {"${key}": [ ... ]}.`, en: `the body is empty: send {"${key}": [ ... ]}` };
}
export function badJson(detail: string): Texts {
  return { vi: `Nội dung gửi lên không phải JSON hợp lệ (${detail}).`, en: `the body is not valid JSON: ${detail}` };
}
export function jsonNotObject(shape: string): Texts {
  return { vi: `Nội dung gửi lên phải là một đối tượng JSON có dạng ${shape}.`, en: `the body must be a JSON object ${shape}` };
}
export function jsonUnknownKey(key: string, shape: string): Texts {
  return { vi: `Không có khóa ${g(key)} ở cấp ngoài cùng; nội dung gửi lên có dạng ${shape}.`, en: `unknown top-level key ${JSON.stringify(key)}: the body is ${shape}` };
}
export function jsonNotList(key: string): Texts {
  return { vi: `"${key}" phải là một mảng các đối tượng.`, en: `"${key}" must be an array of objects` };
}
export function jsonEmptyList(key: string): Texts {
  return { vi: `Mảng "${key}" đang trống.`, en: `"${key}" is empty` };
}
export function jsonEntryNotObject(): Texts {
  return { vi: 'mỗi phần tử phải là một đối tượng JSON.', en: 'each entry must be a JSON object' };
}
export function unknownField(field: string, guess: string | undefined): Texts {
  return {
    vi: `không có trường nào tên ${g(field)}${guess ? ` (có phải là «${guess}»?)` : ''}.`,
    en: `unknown field ${q(field)}${guess ? `: did you mean "${guess}"?` : ''}`,
  };
}

// ---- Spreadsheets --------------------------------------------------------------------------

export function notXlsx(detail?: string): Texts {
  return {
    vi: 'Không đọc được tệp Excel: tệp bị hỏng hoặc không phải tệp .xlsx. Xin mở tệp trong Excel, chọn «Lưu thành» (Save As) với kiểu «Excel Workbook (.xlsx)» rồi gửi lại.',
    en: `could not read the spreadsheet${detail ? ` (${detail})` : ''}. Open it in Excel, Save As "Excel Workbook (.xlsx)" and send it again`,
  };
}
export function xlsxOldOrProtected(): Texts {
  return {
    vi: 'Tệp là bảng tính Excel cũ (.xls) hoặc đã đặt mật khẩu nên máy chủ không đọc được. Xin bỏ mật khẩu và lưu lại dưới dạng «Excel Workbook (.xlsx)» rồi gửi lại.',
    en: 'the file is an old Excel workbook (.xls) or is password-protected, which this server cannot read. Remove the password, Save As "Excel Workbook (.xlsx)" and send it again',
  };
}
export function xlsxTooBig(what: string, limit: string): Texts {
  const viWhat: Record<string, string> = { parts: 'dung lượng sau khi giải nén', entries: 'số thành phần trong tệp', rows: 'số hàng', cells: 'số ô', 'shared strings': 'số chuỗi văn bản' };
  return {
    vi: `Tệp Excel quá lớn: ${viWhat[what] ?? what} vượt quá giới hạn ${limit}. Xin chia số liệu thành nhiều tệp nhỏ hơn rồi gửi lần lượt.`,
    en: `the spreadsheet is too large: its ${what} exceed the limit of ${limit}. Split it into smaller files and send them one by one`,
  };
}
export function xlsxOutsideHeader(column: number): Texts {
  return {
    vi: `ô ở cột thứ ${column} có giá trị nhưng cột này không có tên ở hàng tiêu đề. Xin xóa giá trị đó hoặc đặt tên cột.`,
    en: `the cell in column ${column} has a value but its column has no name in the header row: clear it or name the column`,
  };
}
export function xlsxNoSheet(): Texts {
  return { vi: 'Tệp Excel không có trang tính nào.', en: 'the spreadsheet has no worksheet' };
}
export function xlsxHeaderNotInRow1(): Texts {
  return {
    vi: `Hàng 1 của trang tính đầu tiên phải là dòng tiêu đề (các cột: ${EXPECTED_VI}), nhưng hàng này đang trống. Xin xóa các hàng trống hoặc tiêu đề phụ ở trên.`,
    en: `row 1 of the first sheet must be the header (the columns are ${EXPECTED}), but it is empty: remove blank or title rows above it`,
  };
}
export function formulaWithoutValue(formula: string): Texts {
  return {
    vi: `ô có công thức ${g(`=${formula}`)} nhưng không lưu kết quả. Xin mở tệp trong Excel để tính lại rồi lưu, hoặc dán giá trị (Paste Special → Values) thay cho công thức.`,
    en: `the cell holds the formula ${q(`=${formula}`)} without its result. Open the file in Excel so that it recalculates, then save; or paste the values (Paste Special → Values) over the formulas`,
  };
}
export function cellError(error: string): Texts {
  return {
    vi: `ô đang báo lỗi ${g(error)} của Excel. Xin sửa công thức hoặc nhập giá trị.`,
    en: `the cell shows the Excel error ${q(error)}: correct the formula or type the value`,
  };
}

// ---- Row rules (422) ---------------------------------------------------------------------

export function required(column: string): Texts {
  return {
    vi: column === 'period' ? 'chưa có kỳ báo cáo. Xin ghi tháng theo dạng YYYY-MM, ví dụ 2025-07.' : `ô này đang trống. Xin nhập ${column}.`,
    en: column === 'period' ? 'period is required (YYYY-MM)' : `${column} is required`,
  };
}
export function periodNotString(): Texts {
  return { vi: 'kỳ báo cáo phải là chuỗi "YYYY-MM".', en: 'period must be a string "YYYY-MM"' };
}
export function periodFormat(value: unknown, fix?: string): Texts {
  return {
    vi: `giá trị ${g(value)} không phải là tháng hợp lệ. Xin ghi theo dạng YYYY-MM${fix ? `, tức là ${fix}` : ', ví dụ 2025-07'}.`,
    en: `period must be YYYY-MM${fix ? `: write ${fix}` : ''}`,
  };
}
export function noSuchMonth(month: string): Texts {
  return { vi: `không có tháng ${month}. Tháng được ghi từ 01 đến 12.`, en: `month ${month} does not exist: months are 01 to 12` };
}
export function beforeFirstMonth(first: Month): Texts {
  return { vi: `số liệu chỉ được nhận từ kỳ ${first} trở đi.`, en: `periods start at ${first}` };
}
export function futureMonth(month: Month, latest: Month): Texts {
  return {
    vi: `kỳ ${month} chưa tới. Kỳ muộn nhất được nhận là ${latest}.`,
    en: `${month} is in the future: the latest month accepted is ${latest}`,
  };
}
export function codeNotString(column: string): Texts {
  return { vi: `${column} phải là chuỗi (viết "01", không viết 1).`, en: `${column} must be a string (write "01", not 1)` };
}

export function jsonCountIsText(column: string, value: string): Texts {
  const digits = /^\d+$/.test(value.trim());
  return {
    vi: `${column} phải là số nguyên JSON${digits ? `: viết ${value.trim()}, không viết "${value.trim()}"` : ''}.`,
    en: `${column} must be a JSON integer${digits ? `: write ${value.trim()}, not "${value.trim()}"` : ''}`,
  };
}

/** How a count was mistyped, for countNotWhole. */
export type CountSpelling = 'fraction' | 'thousands-comma' | 'thousands-dot' | 'exponent' | 'other';

export function countNotWhole(column: string, value: unknown, spelling: CountSpelling, fix?: string): Texts {
  const v = g(value);
  switch (spelling) {
    case 'thousands-comma':
      return {
        vi: `giá trị ${v} có dấu phân cách hàng nghìn. Xin chỉ ghi chữ số, không có dấu phân cách: ${fix}.`,
        en: `${column} must be digits only, without thousands separators: write ${fix}`,
      };
    case 'thousands-dot':
      return {
        vi: `giá trị ${v} có dấu chấm. Nếu dấu chấm dùng để phân cách hàng nghìn, xin ghi ${fix}.`,
        en: `${column} must be digits only: if the dots separate thousands, write ${fix}`,
      };
    case 'exponent':
      return {
        vi: `giá trị ${v} đang ở dạng lũy thừa. Xin ghi đầy đủ các chữ số${fix ? `: ${fix}` : ''} (trong Excel, định dạng cột là Number với 0 chữ số thập phân).`,
        en: fix ? `${column} must be written in full, without an exponent: write ${fix}` : `${column} must be written in full digits, without an exponent`,
      };
    case 'fraction':
      return {
        vi: `giá trị ${v} không phải là số nguyên. Hãy nhập số nguyên không âm, không có dấu phân cách.`,
        en: `${column} must be a whole number of dossiers`,
      };
    default:
      return {
        vi: `giá trị ${v} không phải là số nguyên. Hãy nhập số nguyên không âm, chỉ gồm các chữ số 0-9.`,
        en: `${column} must be a whole number written in digits only (0-9)`,
      };
  }
}
export function countNegative(column: string, value: unknown): Texts {
  return { vi: `giá trị ${g(value)} là số âm. Số hồ sơ không thể âm.`, en: `${column} cannot be negative` };
}
export function countOverLimit(column: string, value: unknown): Texts {
  return {
    vi: `giá trị ${g(value)} vượt quá giới hạn ${MAX_TOTAL_COUNT} hồ sơ một tháng. Xin kiểm tra lại số liệu.`,
    en: `${column} is over the limit of ${MAX_TOTAL_COUNT} dossiers a month`,
  };
}
export function onlineOverTotal(online: number, total: number): Texts {
  return {
    vi: `số hồ sơ trực tuyến (${online}) lớn hơn tổng số hồ sơ (${total}). Tổng số hồ sơ phải gồm mọi hình thức tiếp nhận, kể cả trực tuyến.`,
    en: `online_count (${online}) is greater than total_count (${total}): the total counts every channel, online included`,
  };
}

export function endToEndOverOnline(endToEnd: number, online: number): Texts {
  return {
    vi: `số hồ sơ xử lý toàn trình trực tuyến (${endToEnd}) lớn hơn số hồ sơ trực tuyến (${online}). Hồ sơ toàn trình là một phần của hồ sơ nộp trực tuyến.`,
    en: `end_to_end_count (${endToEnd}) is greater than online_count (${online}): dossiers handled end-to-end are among those submitted online`,
  };
}

export function feeOverTotal(fee: number, total: number): Texts {
  return {
    vi: `số hồ sơ phải nộp phí, lệ phí (${fee}) lớn hơn tổng số hồ sơ (${total}).`,
    en: `fee_count (${fee}) is greater than total_count (${total}): fee-bearing dossiers are among all dossiers`,
  };
}

export function paidOverFee(paid: number, fee: number): Texts {
  return {
    vi: `số hồ sơ thanh toán trực tuyến (${paid}) lớn hơn số hồ sơ phải nộp phí, lệ phí (${fee}).`,
    en: `paid_online_count (${paid}) is greater than fee_count (${fee}): dossiers paid online are among the fee-bearing ones`,
  };
}

export function paidWithoutFee(): Texts {
  return {
    vi: 'có số hồ sơ thanh toán trực tuyến nhưng thiếu số hồ sơ phải nộp phí, lệ phí. Xin điền cả fee_count.',
    en: 'paid_online_count needs fee_count in the same row: the share paid online is of the fee-bearing dossiers',
  };
}

export function unknownService(code: string, guess?: string): Texts {
  if (guess) {
    return {
      vi: `không có thủ tục mã ${g(code)}. Có phải là «${guess}»? Excel thường bỏ các chữ số 0 ở cuối khi coi mã là số: xin định dạng cột service_code là Text (Văn bản) rồi nhập lại ${guess}.`,
      en: `unknown service ${q(code)}: did you mean "${guess}"? Spreadsheets drop trailing zeros from codes they take for numbers: format the service_code column as text and type ${guess}`,
    };
  }
  return {
    vi: `không có thủ tục mã ${g(code)} trong danh mục. Xin kiểm tra lại mã; nếu mã đúng mà chưa có trong danh mục, xin đề nghị quản trị viên của đơn vị bổ sung.`,
    en: `unknown service ${q(code)}: check the code; if it is right but not in the catalogue yet, ask your administrator to add it`,
  };
}
export function serviceOutOfScope(code: string): Texts {
  return {
    vi: `mã truy cập này không được phép gửi số liệu của thủ tục ${g(code)}. Nếu cần, xin liên hệ quản trị viên của đơn vị.`,
    en: `service ${q(code)} is outside this token's scope; ask your administrator if you need to send it`,
  };
}
export function localityOutOfScope(locality: Locality): Texts {
  return {
    vi: `mã truy cập này không được phép gửi số liệu của địa bàn ${unit(locality)}. Nếu cần, xin liên hệ quản trị viên của đơn vị.`,
    en: `locality ${unit(locality)} is outside this token's scope; ask your administrator if you need to send it`,
  };
}

/** Why a locality code does not name a unit in the row's month. */
export type LocalityProblem = { kind: 'unknown' } | { kind: 'ended'; unit: Locality } | { kind: 'not_yet'; unit: Locality };

export function localityNotInMonth(code: string, month: Month, problem: LocalityProblem, localities: LocalityRegistry, guess?: string): Texts {
  const hint: Texts = guess
    ? {
        vi: ` Có phải là «${guess}»? Excel thường bỏ các chữ số 0 ở đầu: xin định dạng cột locality_code là Text (Văn bản) rồi nhập lại ${guess}.`,
        en: `; did you mean "${guess}"? Spreadsheets drop leading zeros: format the column as text`,
      }
    : { vi: '', en: '' };
  if (problem.kind === 'unknown') {
    return { vi: `không có địa bàn mã ${g(code)}.${hint.vi}`, en: `unknown locality code ${q(code)}${hint.en}` };
  }
  const u = problem.unit;
  if (problem.kind === 'not_yet') {
    return {
      vi: `địa bàn ${unit(u)} chỉ có từ ngày ${u.validFrom}. Số liệu kỳ ${month} xin ghi theo các đơn vị hành chính của tháng đó.${hint.vi}`,
      en: `${unit(u)} exists only from ${u.validFrom}; for ${month} report under the units of that month${hint.en}`,
    };
  }
  const split = localities.splitBetween(u);
  const successor = u.successorId === null ? undefined : localities.get(u.successorId);
  const vi = split.length > 0
    ? ` Từ ngày ${split[0]!.validFrom}, địa bàn này được chia cho ${list(split.map(unit), 'và')}: xin ghi từng phần theo xã, phường mới.`
    : successor
      ? ` Từ ngày ${successor.validFrom}, địa bàn này thuộc ${unit(successor)}.`
      : '';
  return { vi: `địa bàn ${unit(u)} đã kết thúc ngày ${u.validTo}.${vi}${hint.vi}`, en: `${localities.endedMessage(u)}${hint.en}` };
}

export function duplicateKey(kind: RowKind, earlier: number): Texts {
  const where = place(kind, earlier, null);
  return {
    vi: `trùng kỳ báo cáo, mã thủ tục và mã địa bàn với ${where.vi.slice(0, -2).toLowerCase()}. Mỗi bộ này chỉ được gửi một lần trong một tệp.`,
    en: `same period, service_code and locality_code as row ${earlier}: send each one once per batch`,
  };
}

/** Where the other row of a double count is: in this batch (its row), or already stored. */
export type ConflictWith =
  | { kind: 'country' }
  | { kind: 'inside-country' }
  | { kind: 'commune-of'; province: Locality }
  | { kind: 'province-of'; province: Locality };

export function doubleCount(other: ConflictWith, inBatchRow: number | undefined): Texts {
  const whereVi = inBatchRow === undefined ? 'đã được lưu trước đây' : `đang có ở dòng ${inBatchRow} của tệp này`;
  const whereEn = inBatchRow === undefined ? 'is already stored' : `is in this batch at row ${inBatchRow}`;
  const what: Texts =
    other.kind === 'country'
      ? { vi: 'số liệu cấp toàn quốc (VN) của cùng thủ tục và kỳ', en: 'a country-level (VN) row for this service and month' }
      : other.kind === 'inside-country'
        ? { vi: 'số liệu của một địa bàn thuộc VN cho cùng thủ tục và kỳ', en: 'a row for a locality inside VN for this service and month' }
        : other.kind === 'commune-of'
          ? { vi: `số liệu của một xã, phường thuộc ${unit(other.province)} cho cùng thủ tục và kỳ`, en: `a row for a commune of ${unit(other.province)} for this service and month` }
          : { vi: `số liệu của tỉnh ${unit(other.province)} cho cùng thủ tục và kỳ`, en: `a row for its province ${unit(other.province)} for this service and month` };
  return {
    vi: `số hồ sơ sẽ bị tính hai lần: ${what.vi} ${whereVi}. Mỗi hồ sơ chỉ được báo cáo ở một cấp (tỉnh hoặc xã); nếu chuyển sang báo cáo theo xã, xin rút số liệu cấp tỉnh trước.`,
    en: `would count dossiers twice: ${what.en} ${whereEn}`,
  };
}

export function nothingToWithdraw(month: Month, locality: Locality): Texts {
  return {
    vi: `không có số liệu đã lưu của kỳ ${month}, thủ tục này và địa bàn ${unit(locality)} để rút. Xin xem lại số liệu đã gửi (GET /api/v1/observations).`,
    en: `no stored row to withdraw for ${month}, this service and ${unit(locality)}: see GET /api/v1/observations`,
  };
}

// ---- Building the answers ----------------------------------------------------------------

/** A row error whose messages start with where it is. */
export function rowError(kind: RowKind, row: number, column: string | null, value: string | null, texts: Texts, withdrawal = false): RowError {
  const at = place(kind, row, column, withdrawal);
  const en = `${at.en}${texts.en}`;
  return { row, column, value, message: en, message_vi: `${at.vi}${texts.vi}`, message_en: en };
}

/** A body that could not be read (400, or 413 when too big). */
export function parseFailure(error: string, texts: Texts, status?: 400 | 413): ParseFailure {
  return { error, message: texts.en, message_vi: texts.vi, message_en: texts.en, ...(status ? { status } : {}) };
}
