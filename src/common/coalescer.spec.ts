import { Coalescer } from './coalescer';

describe('Coalescer', () => {
  it('writes a lone item at once, and groups what arrives while a write runs', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const coalescer = new Coalescer<number, string>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
      return items.map((n) => `ok ${n}`);
    });
    const first = coalescer.add(1);
    const later = [coalescer.add(2), coalescer.add(3), coalescer.add(4)];
    expect(writes).toEqual([[1]]);
    release();
    expect(await first).toBe('ok 1');
    expect(await Promise.all(later)).toEqual(['ok 2', 'ok 3', 'ok 4']);
    expect(writes).toEqual([[1], [2, 3, 4]]);
    // idle again: the next item starts its own write
    expect(await coalescer.add(5)).toBe('ok 5');
    expect(writes).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('fails every item of a failed write, and keeps writing the next ones', async () => {
    let fail = true;
    const coalescer = new Coalescer<number, number>(async (items) => {
      if (fail) {
        fail = false;
        throw new Error('database away');
      }
      return items;
    });
    const lost = coalescer.add(1);
    const alsoLost = coalescer.add(2);
    await expect(lost).rejects.toThrow('database away');
    await expect(alsoLost).resolves.toBe(2); // arrived during the failed write: written by the next one
    await expect(coalescer.add(3)).resolves.toBe(3);
  });
});
