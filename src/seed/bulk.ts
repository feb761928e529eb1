/**
 * Bulk loading without a COPY dependency: one `INSERT ... SELECT FROM unnest($1::t[], $2::t[], ...)`
 * per table and batch, the rows passed column by column (one array parameter per column), so a
 * batch of thousands of rows is one statement and one round trip. Columns whose type has no
 * array form here (jsonb, text[]) travel as text and are cast in the SELECT.
 */
import type { ClientBase } from 'pg';

export interface BulkColumn {
  name: string;
  /** element type of the array parameter, e.g. uuid, text, int, timestamptz, boolean */
  type: string;
  /** cast applied to the value in the SELECT (e.g. jsonb, text[]) */
  cast?: string;
}

/** `{a,b}`: a PostgreSQL array literal of simple values (enum-like strings, no quoting needed). */
export function pgArrayLiteral(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

export function columnsOf(spec: string): BulkColumn[] {
  // "id uuid, domains text:text[], data text:jsonb"
  return spec.split(',').map((part) => {
    const [name, typing] = part.trim().split(/\s+/);
    const [type, cast] = typing.split(':');
    return { name, type, ...(cast ? { cast } : {}) };
  });
}

export interface BulkExtras {
  /** joined after the unnest (alias `u`), e.g. `LEFT JOIN pg_temp.x p ON p.idx = u.profile` */
  join?: string;
  /** a SQL expression instead of `u.<column>` for some columns */
  select?: Record<string, string>;
}

/** Inserts the rows given column by column (`data[column][i]`); returns the number of rows inserted. */
export async function bulkInsert(client: ClientBase, table: string, columns: BulkColumn[], data: Record<string, unknown[]>, suffix = '', extras: BulkExtras = {}): Promise<number> {
  const first = data[columns[0].name];
  if (!first || first.length === 0) return 0;
  for (const c of columns) {
    const values = data[c.name];
    if (!values || values.length !== first.length) throw new Error(`bulkInsert ${table}: column ${c.name} has ${values?.length ?? 0} values, expected ${first.length}`);
  }
  const names = columns.map((c) => c.name).join(', ');
  const select = columns.map((c) => extras.select?.[c.name] ?? (c.cast ? `u.${c.name}::${c.cast}` : `u.${c.name}`)).join(', ');
  const params = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const result = await client.query(
    `INSERT INTO ${table} (${names}) SELECT ${select} FROM unnest(${params}) AS u(${names}) ${extras.join ?? ''} ${suffix}`,
    columns.map((c) => data[c.name]),
  );
  return result.rowCount ?? 0;
}
