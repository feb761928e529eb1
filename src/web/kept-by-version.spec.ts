import { KeptByVersion } from './kept-by-version';

describe('KeptByVersion', () => {
  it('reads once per key and version, again when the version moves on', async () => {
    const kept = new KeptByVersion<string>();
    let reads = 0;
    const read = (value: string) => () => {
      reads += 1;
      return Promise.resolve(value);
    };
    expect(await kept.read('ann', 3, read('a3'))).toBe('a3');
    expect(await kept.read('ann', 3, read('not read'))).toBe('a3');
    expect(await kept.read('bob', 3, read('b3'))).toBe('b3');
    expect(await kept.read('ann', 4, read('a4'))).toBe('a4');
    expect(await kept.read('ann', 4, read('not read'))).toBe('a4');
    expect(reads).toBe(3);
  });

  it('always reads without a version, and forgets a failed read', async () => {
    const kept = new KeptByVersion<string>();
    let reads = 0;
    const counted = (value: string) => () => {
      reads += 1;
      return Promise.resolve(value);
    };
    await kept.read('ann', undefined, counted('x'));
    await kept.read('ann', undefined, counted('x'));
    expect(reads).toBe(2);
    await expect(kept.read('ann', 1, () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect(await kept.read('ann', 1, counted('back'))).toBe('back');
    expect(reads).toBe(3);
  });

  it('stays bounded', async () => {
    const kept = new KeptByVersion<number>(3);
    let reads = 0;
    for (const key of ['a', 'b', 'c', 'd', 'a']) {
      await kept.read(key, 1, () => {
        reads += 1;
        return Promise.resolve(reads);
      });
    }
    // 'd' made room by forgetting a, b and c: 'a' is read again
    expect(reads).toBe(5);
  });
});
