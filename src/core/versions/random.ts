/** A seeded pseudo-random generator, so a split made with a seed is the same on every run and every platform. */

/**
 * cyrb128 (bryc, github.com/bryc/code, PRNGs.md): hashes the seed text into four 32-bit words. Only
 * Math.imul, xor and shifts on 32-bit integers, so every JS engine computes the same words.
 */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * A generator of floats in [0, 1) from a seed. sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, as
 * in PractRand) over a 128-bit state from cyrb128; the number 7 and the text "7" are the same seed.
 */
export function seededRandom(seed: number | string): () => number {
  let [a, b, c, d] = cyrb128(String(seed));
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // sfc32's first outputs still echo the seed words; discard them as the reference implementation does.
  for (let i = 0; i < 15; i++) next();
  return next;
}

/**
 * mulberry32 (Tommy Ettinger, public domain): a tiny 32-bit generator, uniform in [0, 1), for numeric
 * seeds: the same seed gives the same stream everywhere (generated fixtures, sample images, lot samples).
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle into a new array (Knuth, TAOCP vol. 2, Algorithm P). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
