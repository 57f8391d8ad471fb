/**
 * @module
 * A small seeded pseudo-random generator (mulberry32) for simulations, benchmarks and tests that
 * must replay the same sequence from a seed. Not for anything secret. PURE: no Deno APIs, timers
 * or console output.
 */

/**
 * A generator of numbers in [0, 1) from `seed`.
 *
 * @example
 * ```ts
 * import { prng } from "./prng.ts";
 * const a = prng(7), b = prng(7);
 * if (a() !== b() || a() < 0 || a() >= 1) throw new Error();
 * ```
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
