/**
 * CSV cells and rows (pure), RFC 4180: fields separated by commas, rows ended by CRLF, a field
 * that contains a comma, a double quote, CR or LF is enclosed in double quotes with its quotes
 * doubled. Nothing else is quoted.
 *
 * Formula injection (CWE-1236): spreadsheet programs evaluate a cell that starts with `=`, `+`,
 * `-` or `@` (and some strip a leading tab or carriage return first), so a startup named
 * `=HYPERLINK("http://evil","click")` would become a live formula in a manager's spreadsheet.
 * Every cell whose text starts with one of `= + - @ \t \r` is neutralised by prefixing a single
 * quote `'`, which spreadsheets show as text (the quote is visible in a text editor: the value
 * read back is `'` + the original). This applies to every column, not only free text; our numeric
 * and date columns never start with those characters (no negative numbers are exported).
 */

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: null and undefined are empty; formula-like text is neutralised, then quoted if needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
