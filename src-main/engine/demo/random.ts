/** Uniform numbers in [0, 1) from a seeded mulberry32 generator: small, fast and the same on every machine. */
export function uniformSampler(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** One standard normal sample from two uniform draws (Box–Muller). */
export function standardNormal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Standard normal samples from a seeded mulberry32 generator. */
export function normalSampler(seed: number): () => number {
  const uniform = uniformSampler(seed);
  return () => standardNormal(uniform);
}
