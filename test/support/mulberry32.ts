/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a small seeded PRNG for deterministic test inputs and fixtures,
 * uniform in [0, 1). The product's random numbers come from `src/numerics/rng.ts` (xoshiro128**); tests that only
 * need reproducible inputs use this one, so their inputs do not move when the product's generator does.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
