/**
 * Group commit for writes that may wait a round trip: the first item written starts a write at
 * once; the items that arrive while it runs are written together by the next one, and so on.
 * Alone, an item costs one write as before; under load, one write carries as many items as
 * arrived during the previous one, with no timer and no added wait.
 */
export class Coalescer<T, R> {
  private pending: { item: T; resolve: (result: R) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  /** `write` takes the items of one group and answers each one's result, in order. */
  constructor(private readonly write: (items: T[]) => Promise<R[]>) {}

  /** Writes `item` with whatever else is waiting; settles once its group is written. */
  add(item: T): Promise<R> {
    const result = new Promise<R>((resolve, reject) => this.pending.push({ item, resolve, reject }));
    if (!this.writing) void this.drain();
    return result;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.pending.length > 0) {
        const group = this.pending;
        this.pending = [];
        try {
          const results = await this.write(group.map((g) => g.item));
          group.forEach((g, i) => g.resolve(results[i]));
        } catch (error) {
          for (const g of group) g.reject(error);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
