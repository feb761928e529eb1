/**
 * Leases: how a worker claims an outbox row (an email, a webhook delivery) for the time of a slow
 * exchange with the outside world without holding a transaction or a row lock through it.
 *
 *   claim:  one UPDATE … WHERE <row is due> AND <lease is free> SET lease_id = gen_random_uuid(),
 *           locked_until = now + lease, attempts = attempts + 1 (the try is counted before it starts)
 *   send:   no transaction open
 *   record: one UPDATE … WHERE id = $id AND lease_id = $lease (a lease that lapsed and was claimed
 *           again records nothing: the newer claim owns the row)
 *
 * A worker killed between claim and record leaves a lease that lapses; the row is then due again.
 * Tables with a lease have `lease_id uuid` and `locked_until timestamptz` columns.
 */

/** SQL: the row (alias or table name `row`) has no lease, or its lease lapsed at `nowParam` (e.g. `$2`). */
export function leaseIsFree(row: string, nowParam: string): string {
  return `(${row}.locked_until IS NULL OR ${row}.locked_until <= ${nowParam})`;
}
