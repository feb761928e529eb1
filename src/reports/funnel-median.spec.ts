import { median, unpack } from './funnel-median';

/** percentile_cont(0.5) by sorting, the definition the selection must agree with */
function sortedMedian(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const k = (s.length - 1) / 2;
  return (s[Math.floor(k)] + s[Math.ceil(k)]) / 2;
}

describe('funnel median', () => {
  it('selects the median as percentile_cont(0.5) does, duplicates and all', () => {
    let seed = 42;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let run = 0; run < 300; run++) {
      const n = Math.floor(random() * 200);
      const values = Array.from({ length: n }, () => (run % 3 === 0 ? Math.floor(random() * 5) : random() * 1000));
      expect([run, median(Float64Array.from(values))]).toEqual([run, sortedMedian(values)]);
    }
    expect(median(new Float64Array())).toBeNull();
    expect(median(Float64Array.from([22, 6, 2, 24, 52]))).toBe(22);
    expect(median(Float64Array.from([1, 2, 3, 20]))).toBe(2.5);
  });

  it('unpacks big-endian floats and integers', () => {
    const f = Buffer.alloc(8);
    f.writeFloatBE(22.5, 0);
    f.writeFloatBE(-1, 4);
    expect(Array.from(unpack(f, 'float4'))).toEqual([22.5, -1]);
    const i = Buffer.alloc(4);
    i.writeInt16BE(20, 0);
    i.writeInt16BE(3, 2);
    expect(Array.from(unpack(i, 'int2'))).toEqual([20, 3]);
  });
});
