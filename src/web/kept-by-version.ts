/**
 * Values read per key and kept while the key's version stays the same: the version is read
 * elsewhere on every request (the saved views' counter comes with the account), so a value is
 * never shown after its version moved on, whichever process changed it. A read that fails is not
 * kept. Bounded: past `max` keys everything is forgotten at once (and read again).
 *
 * A value read after version v was seen is at least as new as v: kept under v, it can only be
 * newer than what v names, and the next request (which sees v + 1) reads it again.
 */
export class KeptByVersion<T> {
  private readonly kept = new Map<string, { version: number; value: Promise<T> }>();

  constructor(private readonly max = 10_000) {}

  /** The value kept for `key` at `version`, else `read()` (kept when it succeeds). No version: always read. */
  read(key: string, version: number | undefined, read: () => Promise<T>): Promise<T> {
    if (version === undefined) return read();
    const hit = this.kept.get(key);
    if (hit && hit.version === version) return hit.value;
    const value = read();
    if (this.kept.size >= this.max) this.kept.clear();
    const entry = { version, value };
    this.kept.set(key, entry);
    value.catch(() => {
      if (this.kept.get(key) === entry) this.kept.delete(key);
    });
    return value;
  }
}
