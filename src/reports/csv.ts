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

/**
 * `rfc4180` (the default): comma-separated, no BOM. `excel`: what French spreadsheet software
 * opens cleanly on a double click — a UTF-8 byte order mark (else accents are read as
 * Windows-1252) and `;` between fields (the comma is the decimal separator there). Same quoting,
 * same CRLF, same formula neutralisation.
 */
export const CSV_DIALECTS = ['rfc4180', 'excel'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

export const CSV_SEPARATOR: Readonly<Record<CsvDialect, string>> = { rfc4180: ',', excel: ';' };
/** What a file starts with before its header row. */
export const CSV_PREAMBLE: Readonly<Record<CsvDialect, string>> = { rfc4180: '', excel: '\uFEFF' };

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES: Readonly<Record<CsvDialect, RegExp>> = { rfc4180: /[",\r\n]/, excel: /[";\r\n]/ };

/** One cell: null and undefined are empty; formula-like text is neutralised, then quoted if needed. */
export function csvCell(value: CsvValue, dialect: CsvDialect = 'rfc4180'): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES[dialect].test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row, CRLF-terminated. */
export function csvRow(values: readonly CsvValue[], dialect: CsvDialect = 'rfc4180'): string {
  return `${values.map((v) => csvCell(v, dialect)).join(CSV_SEPARATOR[dialect])}\r\n`;
}
