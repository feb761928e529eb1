/**
 * The funnel's medians, computed in the app from the values PostgreSQL packs (pure). Selecting
 * the middle of a million values here is cheaper than percentile_cont's sort there, and the
 * values travel packed (see PACKED_HOURS and PACKED_DAYS in funnel.repository.ts).
 */

/** The packed values (big-endian 4-byte floats or 2-byte integers) as numbers. */
export function unpack(packed: Buffer, type: 'float4' | 'int2'): Float64Array {
  const values = new Float64Array(packed.length / (type === 'float4' ? 4 : 2));
  for (let i = 0; i < values.length; i++) values[i] = type === 'float4' ? packed.readFloatBE(i * 4) : packed.readInt16BE(i * 2);
  return values;
}

/**
 * percentile_cont(0.5): the middle value, or the mean of the two middle ones, by selection
 * (Hoare's quickselect, linear on average) rather than sorting. Reorders `values`.
 */
export function median(values: Float64Array): number | null {
  const n = values.length;
  if (n === 0) return null;
  const k = (n - 1) >> 1;
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  if (n % 2 === 1) return values[k];
  let next = Infinity;
  for (let i = k + 1; i < n; i++) if (values[i] < next) next = values[i];
  return (values[k] + next) / 2;
}
