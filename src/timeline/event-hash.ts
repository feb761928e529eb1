import { createHash } from 'node:crypto';

/** What the hash of a timeline event covers: everything it says. */
export interface HashedEventFields {
  applicationId: string;
  seq: number;
  at: string;
  type: string;
  actorId: string | null;
  actorRole: string | null;
  public: boolean;
  data: unknown;
}

/** JSON with object keys sorted at every level, so the same event always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * sha256 over the previous event's hash and this event's canonical form: changing or removing
 * any event breaks every hash after it (as the French state's case platform does for its logs).
 */
export function eventHash(prevHash: string | null, event: HashedEventFields): string {
  return createHash('sha256')
    .update(prevHash ?? 'genesis')
    .update('\n')
    .update(canonicalJson(event))
    .digest('hex');
}

/** Re-walks a case's chain; returns the seq of the first event whose hash does not hold. */
export function verifyChain(events: (HashedEventFields & { prevHash: string | null; hash: string })[]): { intact: boolean; brokenAt?: number } {
  let prev: string | null = null;
  let expectedSeq = 1;
  for (const event of events) {
    const { prevHash, hash, ...fields } = event;
    if (event.seq !== expectedSeq || prevHash !== prev || eventHash(prev, fields) !== hash) return { intact: false, brokenAt: event.seq };
    prev = hash;
    expectedSeq++;
  }
  return { intact: true };
}
