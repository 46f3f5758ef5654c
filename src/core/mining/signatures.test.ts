import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../evaluation/synthetic';
import { nearDuplicateGroups } from '../versions/groups';
import { angleOfBits, embeddingSignatures, EMBEDDING_NEAR_DUPLICATE_BITS } from './signatures';
import { vectorSet } from './similarity';
import type { ImageId } from '../ids';

const bitsApart = (a: string, b: string) => {
  let bits = 0;
  for (let i = 0; i < 16; i++) {
    let x = parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16);
    for (; x; x &= x - 1) bits++;
  }
  return bits;
};

function randomVector(random: () => number, dim: number): number[] {
  return Array.from({ length: dim }, () => random() * 2 - 1);
}

describe('embedding signatures (random-hyperplane hashing)', () => {
  it('gives the same 16-hex signature to a vector and any positive multiple of it', () => {
    const v = randomVector(mulberry32(1), 128);
    const [a, b] = embeddingSignatures(vectorSet([v, v.map((x) => x * 7.5)]));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
  });

  it('keeps close vectors a few bits apart and unrelated ones about half the bits apart', () => {
    const random = mulberry32(2);
    const base = randomVector(random, 256);
    const close = base.map((x) => x + (random() - 0.5) * 0.05);
    const opposite = base.map((x) => -x);
    const unrelated = Array.from({ length: 40 }, () => randomVector(random, 256));
    const [s0, s1, s2, ...others] = embeddingSignatures(vectorSet([base, close, opposite, ...unrelated]));
    expect(bitsApart(s0!, s1!)).toBeLessThanOrEqual(EMBEDDING_NEAR_DUPLICATE_BITS);
    expect(bitsApart(s0!, s2!)).toBe(64);
    const mean = others.reduce((sum, s) => sum + bitsApart(s0!, s), 0) / others.length;
    // Random directions are ~90° apart: half of the 64 bits differ on average.
    expect(mean).toBeGreaterThan(24);
    expect(mean).toBeLessThan(40);
  });

  it('estimates the angle: bits apart ≈ 64·θ/π over many pairs', () => {
    const random = mulberry32(3);
    let error = 0;
    const pairs = 200;
    const vectors: number[][] = [];
    for (let i = 0; i < pairs; i++) {
      const a = randomVector(random, 64);
      const b = a.map((x) => x + (random() - 0.5) * 1.5);
      vectors.push(a, b);
    }
    const signatures = embeddingSignatures(vectorSet(vectors));
    for (let i = 0; i < pairs; i++) {
      const a = vectors[2 * i]!;
      const b = vectors[2 * i + 1]!;
      const dot = a.reduce((s, x, d) => s + x * b[d]!, 0);
      const norm = Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
      const theta = Math.acos(Math.min(1, dot / norm));
      error += angleOfBits(bitsApart(signatures[2 * i]!, signatures[2 * i + 1]!)) - theta;
    }
    // Unbiased: the mean error over 200 pairs is small.
    expect(Math.abs(error / pairs)).toBeLessThan(0.05);
  });

  it('groups near-duplicate embeddings with the same Hamming grouping the image hashes use', () => {
    const random = mulberry32(4);
    const a = randomVector(random, 128);
    const vectors = [a, a.map((x) => x * 1.01 + 0.001), randomVector(random, 128), randomVector(random, 128)];
    const signatures = embeddingSignatures(vectorSet(vectors));
    const { groups } = nearDuplicateGroups(
      signatures.map((dhash, i) => ({ imageId: `i${i}` as ImageId, dhash })),
      EMBEDDING_NEAR_DUPLICATE_BITS,
    );
    expect(groups.get('i0' as ImageId)).toBe(groups.get('i1' as ImageId));
    expect(groups.get('i2' as ImageId)).not.toBe(groups.get('i0' as ImageId));
    expect(groups.get('i3' as ImageId)).not.toBe(groups.get('i2' as ImageId));
  });
});
