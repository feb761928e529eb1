/** Seeded randomness for the demo data: the same `--seed` gives the same mix (ids excepted). */

/** mulberry32: small, fast, good enough for data generation. Returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;

export function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)];
}

export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function weighted<T>(random: Random, choices: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, weight] of choices) total += weight;
  let roll = random() * total;
  for (const [value, weight] of choices) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return choices[choices.length - 1][0];
}

/** `min`..`max` distinct values, in the order drawn. */
export function someOf<T>(random: Random, values: readonly T[], min: number, max: number): T[] {
  const count = Math.min(values.length, intBetween(random, min, max));
  const chosen = new Set<T>();
  while (chosen.size < count) chosen.add(pick(random, values));
  return [...chosen];
}

/** Exponential with the given mean. */
export function exponential(random: Random, mean: number): number {
  return -Math.log(1 - random()) * mean;
}

/** Log-normal with the given median and spread (sigma of the underlying normal). */
export function logNormal(random: Random, median: number, sigma: number): number {
  // Box–Muller
  const u = 1 - random();
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(sigma * z);
}
