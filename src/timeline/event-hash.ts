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
  /** present on events that can have their free text erased (see SEALED_TEXT_FIELDS) */
  sealed?: EventSeal | null;
}

/** An event's salt, and the digests of texts erased since it was written. */
export interface EventSeal {
  salt: string;
  erased?: Record<string, string>;
}

/** Free-text fields of an event's data that may name a person: hashed through a salted digest, so they can be erased. */
export const SEALED_TEXT_FIELDS = ['reason'] as const;

/** sha256(salt ":" text), hex: the same as PostgreSQL's `encode(sha256(convert_to(salt || ':' || text, 'UTF8')), 'hex')`. */
export function textDigest(salt: string, text: string): string {
  return createHash('sha256').update(`${salt}:${text}`, 'utf8').digest('hex');
}

/** The data as hashed: a sealed event's free texts are replaced by their digests (kept in the seal once erased). */
function hashedData(data: unknown, seal: EventSeal | null | undefined): unknown {
  if (!seal || data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const field of SEALED_TEXT_FIELDS) {
    const erased = seal.erased?.[field];
    if (erased !== undefined) out[field] = { sha256: erased };
    else if (typeof out[field] === 'string') out[field] = { sha256: textDigest(seal.salt, out[field]) };
  }
  return out;
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
  const { sealed, ...fields } = event;
  return createHash('sha256')
    .update(prevHash ?? 'genesis')
    .update('\n')
    .update(canonicalJson({ ...fields, data: hashedData(fields.data, sealed) }))
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
