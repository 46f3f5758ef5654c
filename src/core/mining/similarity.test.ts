import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cosineDistance,
  hashSet,
  nearestByEmbedding,
  nearestByHash,
  nearestInHashSet,
  nearestToVector,
  normalizedVectorSet,
  vectorSet,
  type Neighbour,
  type VectorSet,
} from './similarity';

/** Every other vector's distance, fully sorted by (distance, index): what the top-k scan must agree with. */
function bruteForce(set: VectorSet, query: number, k: number): Neighbour[] {
  const all: Neighbour[] = [];
  for (let i = 0; i < set.count; i++)
    if (i !== query) all.push({ index: i, distance: cosineDistance(set, query, i) });
  return all.sort((a, b) => a.distance - b.distance || a.index - b.index).slice(0, k);
}

/** Cosine distance in float64 straight from the definition, independent of the float32 normalisation. */
function cosine64(a: readonly number[], b: readonly number[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, j) => {
    ab += x * b[j]!;
    aa += x * x;
    bb += b[j]! * b[j]!;
  });
  return aa === 0 || bb === 0 ? 1 : 1 - ab / Math.sqrt(aa * bb);
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

describe('vectorSet', () => {
  it('packs vectors row-major into one Float32Array', () => {
    const set = vectorSet([[1, 2, 3], new Float32Array([4, 5, 6])]);
    expect(set.dim).toBe(3);
    expect(set.count).toBe(2);
    expect([...set.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects mixed dimensions with a RangeError naming the vector', () => {
    expect(() =>
      vectorSet([
        [1, 2],
        [1, 2],
        [1, 2, 3],
      ]),
    ).toThrow(RangeError);
    expect(() =>
      vectorSet([
        [1, 2],
        [1, 2],
        [1, 2, 3],
      ]),
    ).toThrow('every vector needs 2 dimensions (as vector 0 has), but vector 2 has 3');
  });

  it('rejects NaN and infinite values', () => {
    expect(() =>
      vectorSet([
        [1, 0],
        [NaN, 1],
      ]),
    ).toThrow(/vector 1 has a non-finite value NaN/);
  });

  it('makes an empty set of an empty list', () => {
    expect(vectorSet([])).toEqual({ dim: 0, count: 0, data: new Float32Array(0) });
  });
});

describe('normalizedVectorSet', () => {
  it('scales every vector to unit length, leaves zero vectors zero, and is computed once per set', () => {
    const set = vectorSet([
      [3, 4],
      [0, 0],
    ]);
    const unit = normalizedVectorSet(set);
    expect([...unit.data]).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 0]);
    expect(normalizedVectorSet(set)).toBe(unit);
    expect(normalizedVectorSet(unit)).toBe(unit);
  });
});

describe('nearestByEmbedding', () => {
  const set = vectorSet([
    [1, 0], // 0: the query
    [0, 1], // 1: orthogonal, distance 1
    [-1, 0], // 2: opposite, distance 2
    [1, 1], // 3: 45°, distance 1 − √½
    [5, 0], // 4: same direction, longer: distance 0
    [0, 0], // 5: zero vector, distance 1
  ]);

  it('orders by cosine distance, leaves out the query, breaks ties by index', () => {
    const result = nearestByEmbedding(set, 0, 10);
    expect(result.map((n) => n.index)).toEqual([4, 3, 1, 5, 2]);
    expect(result[0]!.distance).toBe(0);
    expect(result[1]!.distance).toBeCloseTo(1 - Math.SQRT1_2, 6);
    expect(result[2]!.distance).toBeCloseTo(1, 6);
    expect(result[3]!.distance).toBe(1);
    expect(result[4]!.distance).toBeCloseTo(2, 6);
  });

  it('returns k neighbours, all others when k is larger than the set, none for k = 0', () => {
    expect(nearestByEmbedding(set, 0, 2).map((n) => n.index)).toEqual([4, 3]);
    expect(nearestByEmbedding(set, 0, 1000)).toHaveLength(5);
    expect(nearestByEmbedding(set, 0, 0)).toEqual([]);
    expect(nearestByEmbedding(vectorSet([[1, 2]]), 0, 3)).toEqual([]);
  });

  it('gives a zero query distance 1 to everything, in index order', () => {
    expect(nearestByEmbedding(set, 5, 10)).toEqual([0, 1, 2, 3, 4].map((index) => ({ index, distance: 1 })));
  });

  it('rejects a query outside the set and a negative or fractional k', () => {
    expect(() => nearestByEmbedding(set, 6, 1)).toThrow(RangeError);
    expect(() => nearestByEmbedding(set, -1, 1)).toThrow(RangeError);
    expect(() => nearestByEmbedding(set, 0, -1)).toThrow(RangeError);
    expect(() => nearestByEmbedding(set, 0, 1.5)).toThrow(RangeError);
  });

  it('gives scaled copies of a vector the same distance to any query, and 0 to each other', () => {
    const rand = seeded(3);
    const v = Array.from({ length: 64 }, () => rand() * 2 - 1);
    const q = Array.from({ length: 64 }, () => rand() * 2 - 1);
    const scaled = vectorSet([q, v, v.map((x) => x * 0.001), v.map((x) => x * 4), v.map((x) => x * 12345.6)]);
    const distances = nearestByEmbedding(scaled, 0, 4).map((n) => n.distance);
    for (const d of distances) expect(d).toBeCloseTo(cosine64(q, v), 6);
    // A power-of-two scale is exact in float32, so its distance is bit-for-bit the same.
    expect(cosineDistance(scaled, 0, 3)).toBe(cosineDistance(scaled, 0, 1));
    for (const other of [2, 3, 4]) expect(cosineDistance(scaled, 1, other)).toBeLessThan(1e-6);
  });

  it('equals a brute-force full sort on random sets, including duplicates and ties (fast-check)', () => {
    const vectors = (dim: number) =>
      fc.array(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: dim, maxLength: dim }), {
        minLength: 1,
        maxLength: 40,
      });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }).chain((dim) => vectors(dim)),
        fc.nat(),
        fc.integer({ min: 0, max: 45 }),
        (list, q, k) => {
          const set = vectorSet(list);
          const query = q % set.count;
          expect(nearestByEmbedding(set, query, k)).toEqual(bruteForce(set, query, k));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches float64 cosine distances on a seeded random 2,000 × 128 set', () => {
    const rand = seeded(11);
    const list = Array.from({ length: 2000 }, () => Array.from({ length: 128 }, () => rand() * 2 - 1));
    const set = vectorSet(list);
    for (const query of [0, 7, 1999]) {
      const result = nearestByEmbedding(set, query, 25);
      expect(result).toEqual(bruteForce(set, query, 25));
      const exact = list
        .map((v, index) => ({ index, distance: cosine64(list[query]!, v) }))
        .filter((n) => n.index !== query)
        .sort((a, b) => a.distance - b.distance)
        .slice(0, 25);
      result.forEach((n, r) => expect(n.distance).toBeCloseTo(exact[r]!.distance, 6));
    }
  });
});

describe('nearestToVector', () => {
  it('finds the set vectors nearest to an outside vector, the set member equal to it first', () => {
    const rand = seeded(5);
    const list = Array.from({ length: 300 }, () => Array.from({ length: 16 }, () => rand() - 0.5));
    const set = vectorSet(list);
    // The stored (float32) row as the query gives exactly the scan's numbers.
    const result = nearestToVector(set, set.data.subarray(42 * 16, 43 * 16), 6);
    expect(result[0]!.index).toBe(42);
    expect(result[0]!.distance).toBeLessThan(1e-6);
    // The float64 original is within float32 rounding of it.
    const fromOriginal = nearestToVector(set, list[42]!, 6);
    expect(fromOriginal.map((n) => n.index)).toEqual(result.map((n) => n.index));
    fromOriginal.forEach((n, r) => expect(n.distance).toBeCloseTo(result[r]!.distance, 6));
    // With the query's own row included, the rest is exactly nearestByEmbedding.
    expect(result.slice(1)).toEqual(nearestByEmbedding(set, 42, 5));
  });

  it('rejects a vector of another dimension', () => {
    expect(() => nearestToVector(vectorSet([[1, 2]]), [1, 2, 3], 1)).toThrow(RangeError);
  });
});

describe('nearestByHash', () => {
  const popcount64 = (a: string, b: string): number =>
    [...(BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(2)].filter((bit) => bit === '1').length;

  it('measures Hamming distance in bits, skips missing and malformed hashes, ties by index', () => {
    const hashes = [
      '0000000000000000', // 0: the query
      'ffffffffffffffff', // 1: 64 bits
      undefined, // 2: skipped
      '0000000000000001', // 3: 1 bit
      '8000000100000000', // 4: 2 bits, one in each half
      '000000000000000F', // 5: 4 bits (upper-case hex)
      'not a hash at al', // 6: 16 characters but not hex: skipped
      '0000000000000002', // 7: 1 bit, after 3
    ];
    expect(nearestByHash(hashes, 0, 10)).toEqual([
      { index: 3, distance: 1 },
      { index: 7, distance: 1 },
      { index: 4, distance: 2 },
      { index: 5, distance: 4 },
      { index: 1, distance: 64 },
    ]);
    expect(nearestByHash(hashes, 0, 2)).toEqual([
      { index: 3, distance: 1 },
      { index: 7, distance: 1 },
    ]);
    expect(nearestByHash(hashes, 0, 10, 2).map((n) => n.index)).toEqual([3, 7, 4]);
    expect(nearestByHash(hashes, 0, 10, 0)).toEqual([]);
    expect(nearestByHash(hashes, 2, 10)).toEqual([]);
  });

  it('rejects a query outside the list and a maxDistance outside 0–64', () => {
    expect(() => nearestByHash(['0000000000000000'], 1, 1)).toThrow(RangeError);
    expect(() => nearestByHash(['0000000000000000'], 0, 1, 65)).toThrow(RangeError);
  });

  it('equals a naive bit count and a full sort on random hashes (fast-check)', () => {
    const hash = fc
      .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
      .map(([hi, lo]) => hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0'));
    // Few bits set in most hashes, so equal distances (ties) are common.
    const sparse = fc.array(fc.integer({ min: 0, max: 63 }), { maxLength: 4 }).map((bits) =>
      bits
        .reduce((h, bit) => h ^ (1n << BigInt(bit)), 0n)
        .toString(16)
        .padStart(16, '0'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.oneof(hash, sparse), { nil: undefined, freq: 8 }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.nat(),
        fc.integer({ min: 0, max: 70 }),
        fc.integer({ min: 0, max: 64 }),
        (hashes, q, k, maxDistance) => {
          const query = q % hashes.length;
          const own = hashes[query];
          const expected =
            own === undefined
              ? []
              : hashes
                  .flatMap((h, index) =>
                    h === undefined || index === query ? [] : [{ index, distance: popcount64(own, h) }],
                  )
                  .filter((n) => n.distance <= maxDistance)
                  .sort((a, b) => a.distance - b.distance || a.index - b.index)
                  .slice(0, k);
          expect(nearestByHash(hashes, query, k, maxDistance)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('answers repeated queries from one parsed hashSet the same as from the strings', () => {
    const hashes = ['00000000000000ff', '00000000000000fe', undefined, 'ff00000000000000'];
    const parsed = hashSet(hashes);
    expect([...parsed.present]).toEqual([1, 1, 0, 1]);
    for (let q = 0; q < hashes.length; q++)
      expect(nearestInHashSet(parsed, q, 3)).toEqual(nearestByHash(hashes, q, 3));
  });
});
