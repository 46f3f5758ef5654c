/**
 * Comparing 64-bit perceptual hashes (dHash, SimHash) held as two 32-bit words: bit counts, and the bands
 * of the pigeonhole search (two hashes within d bits agree exactly on at least one of d + 1 bands).
 */

/** Set bits of a 32-bit word (Hacker's Delight 5-2). */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** `count` bands covering bits 0–63 as evenly as possible: [start, width] pairs, widths differing by ≤ 1. */
export function bands(count: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let band = 0; band < count; band++) {
    const width = Math.floor(64 / count) + (band < 64 % count ? 1 : 0);
    out.push([start, width]);
    start += width;
  }
  return out;
}

const mask = (width: number): number => (width >= 32 ? 0xffffffff : (1 << width) - 1) >>> 0;

/** Bits [start, start + width) of the 64-bit value hi:lo, counted from the most significant; width ≤ 32. */
function bitsOf(hi: number, lo: number, start: number, width: number): number {
  const end = start + width;
  if (end <= 32) return (hi >>> (32 - end)) & mask(width);
  if (start >= 32) return (lo >>> (64 - end)) & mask(width);
  const lowWidth = end - 32;
  return (hi & mask(32 - start)) * 2 ** lowWidth + (lo >>> (32 - lowWidth));
}

/** Hashes grouped by one band's value; buckets of one are left out (nothing to compare). */
export function bandBuckets(hi: Uint32Array, lo: Uint32Array, start: number, width: number): number[][] {
  // Sorting key × n + index in one float array is much faster than a Map of arrays at 100,000 hashes.
  const n = hi.length;
  const keyed = new Float64Array(n);
  for (let i = 0; i < n; i++) keyed[i] = bitsOf(hi[i]!, lo[i]!, start, width) * n + i;
  keyed.sort();
  const out: number[][] = [];
  let run: number[] = [];
  let runKey = -1;
  for (let i = 0; i < n; i++) {
    const key = Math.floor(keyed[i]! / n);
    const index = keyed[i]! - key * n;
    if (key !== runKey) {
      if (run.length > 1) out.push(run);
      run = [];
      runKey = key;
    }
    run.push(index);
  }
  if (run.length > 1) out.push(run);
  return out;
}
