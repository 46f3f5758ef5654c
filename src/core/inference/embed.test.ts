import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  cosineSimilarity,
  decodeEmbedding,
  encodeEmbedding,
  l2Normalize,
} from './embed';

describe('l2Normalize', () => {
  it('scales to unit length and keeps direction', () => {
    expect([...l2Normalize([3, 4])]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('leaves a zero vector zero', () => {
    expect([...l2Normalize([0, 0, 0])]).toEqual([0, 0, 0]);
  });
});

describe('cosineSimilarity', () => {
  it('is 1 for parallel, 0 for orthogonal, −1 for opposite vectors', () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 15);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([1, 1], [-2, -2])).toBeCloseTo(-1, 15);
    expect(cosineSimilarity([1, 2], [2, 1])).toBeCloseTo(0.8, 15);
  });

  it('is 0 with a zero vector and refuses different lengths', () => {
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(RangeError);
  });
});

describe('base64', () => {
  it('matches RFC 4648 test vectors both ways', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [text, encoded] of vectors) {
      const bytes = new TextEncoder().encode(text);
      expect(bytesToBase64(bytes)).toBe(encoded);
      expect(base64ToBytes(encoded)).toEqual(bytes);
    }
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(base64ToBytes(bytesToBase64(all))).toEqual(all);
  });

  it('refuses strings that are not padded base64', () => {
    expect(base64ToBytes('Zm9')).toBeNull();
    expect(base64ToBytes('Zm=v')).toBeNull();
    expect(base64ToBytes('Zm9*')).toBeNull();
  });
});

describe('encodeEmbedding / decodeEmbedding', () => {
  const vector = Float32Array.from([0.5, -0.25, 0.125, 1e-7, -1, 0.3333]);

  it('f32 round-trips exactly in 4 bytes a dimension', () => {
    const text = encodeEmbedding(vector);
    expect(text.startsWith('f32:')).toBe(true);
    expect(text.length).toBe('f32:'.length + 32); // 24 bytes
    expect(decodeEmbedding(text)).toEqual(vector);
    // Little-endian: 1.0f is 00 00 80 3f.
    expect(encodeEmbedding([1])).toBe('f32:AACAPw==');
  });

  it('q8 keeps each value within scale/254 and the cosine within 0.001, in 1 byte a dimension', () => {
    let state = 7;
    const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
    const v = l2Normalize(Array.from({ length: 512 }, rand));
    const text = encodeEmbedding(v, 'q8');
    expect(text.startsWith('q8:')).toBe(true);
    expect(base64ToBytes(text.slice(3))!.length).toBe(4 + 512);
    const back = decodeEmbedding(text)!;
    const scale = Math.max(...[...v].map(Math.abs));
    for (let i = 0; i < v.length; i++)
      expect(Math.abs(back[i]! - v[i]!)).toBeLessThanOrEqual(scale / 254 + 1e-7);
    expect(cosineSimilarity(v, back)).toBeGreaterThan(0.999);
  });

  it('q8 of the zero vector is zeros, and unknown strings decode to null', () => {
    expect([...decodeEmbedding(encodeEmbedding([0, 0], 'q8'))!]).toEqual([0, 0]);
    expect(decodeEmbedding('f16:AAAA')).toBeNull();
    expect(decodeEmbedding('no colon')).toBeNull();
    expect(decodeEmbedding('f32:AAA=')).toBeNull();
  });
});
