import { isoInstant } from './iso-instant';

describe('isoInstant', () => {
  it('writes what toISOString writes, at 100,000 random instants from year 1 to 9999 and beyond', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const from = Date.UTC(1, 0, 1) - 10 * 365 * 86_400_000;
    const to = Date.UTC(10_010, 0, 1);
    for (let i = 0; i < 100_000; i++) {
      const date = new Date(Math.floor(from + random() * (to - from)));
      expect(isoInstant(date)).toBe(date.toISOString());
    }
  });

  it('writes the edges of the fast path and of each field as toISOString does', () => {
    const instants = [
      Date.UTC(1000, 0, 1),
      Date.UTC(999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(10_000, 0, 1),
      Date.UTC(2026, 11, 2, 9, 5, 7, 4),
      Date.UTC(2026, 11, 2, 9, 5, 7, 40),
      Date.UTC(2028, 1, 29, 0, 0, 0, 0),
      0,
      -1,
      8.64e15,
      -8.64e15,
    ];
    for (const instant of instants) expect(isoInstant(new Date(instant))).toBe(new Date(instant).toISOString());
  });

  it('throws on an invalid date, as toISOString does', () => {
    expect(() => isoInstant(new Date(Number.NaN))).toThrow(RangeError);
  });
});
