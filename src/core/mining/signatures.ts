/**
 * 64-bit signatures of embeddings for near-duplicate grouping: random-hyperplane hashing (Charikar 2002,
 * "SimHash"): each bit is the side of one random hyperplane a vector lies on, so two vectors differ in a
 * bit with probability θ/π (θ the angle between them), and the multi-index Hamming grouping the dHashes use
 * (`nearDuplicateGroups`) groups embeddings too, in time linear in the number of images.
 */

import { mulberry32 } from '../versions/random';
import type { VectorSet } from './similarity';

const BITS = 64;

/** Standard normal numbers from a seeded uniform stream (Box–Muller). */
function gaussians(count: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(random(), 1e-12);
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Bits apart that mean "near-duplicate": 4 of 64 is an angle of about 11° (cosine similarity ≈ 0.98). */
export const EMBEDDING_NEAR_DUPLICATE_BITS = 4;

/** The expected angle, in radians, between two vectors whose signatures are `bits` apart. */
export const angleOfBits = (bits: number): number => (Math.PI * bits) / BITS;

/** One 16-hex-character signature per vector (the same seed gives the same hyperplanes everywhere). */
export function embeddingSignatures(set: VectorSet, seed = 20261127): string[] {
  const { dim, count, data } = set;
  const planes = gaussians(BITS * dim, seed);
  const signatures: string[] = [];
  for (let row = 0; row < count; row++) {
    const at = row * dim;
    let hi = 0;
    let lo = 0;
    // Four hyperplanes per pass over the vector: each component is read once for four dot products.
    for (let bit = 0; bit < BITS; bit += 4) {
      const p0 = bit * dim;
      const p1 = p0 + dim;
      const p2 = p1 + dim;
      const p3 = p2 + dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < dim; d++) {
        const x = data[at + d]!;
        s0 += planes[p0 + d]! * x;
        s1 += planes[p1 + d]! * x;
        s2 += planes[p2 + d]! * x;
        s3 += planes[p3 + d]! * x;
      }
      const sums = [s0, s1, s2, s3];
      for (let j = 0; j < 4; j++) {
        if (sums[j]! < 0) continue;
        const b = bit + j;
        if (b < 32) hi |= 1 << (31 - b);
        else lo |= 1 << (63 - b);
      }
    }
    signatures.push((hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0'));
  }
  return signatures;
}
