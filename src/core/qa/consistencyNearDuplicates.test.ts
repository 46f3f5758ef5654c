/** Look-alike images labeled differently: the band-bucketed search finds what comparing every pair finds. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelSummary, nearDuplicatesLabeledDifferently } from './consistencyNearDuplicates';

const bitsApart = (a: string, b: string): number => {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  for (; x > 0n; x >>= 1n) bits += Number(x & 1n);
  return bits;
};

/** The specification, by brute force: each image's closest differently labeled look-alike, ties by id. */
function everyPair(
  images: { imageId: string; dhash: string; annotations: { classId: string }[] }[],
  maxBits: number,
) {
  const key = (i: number) =>
    images[i]!.annotations.map((a) => a.classId)
      .sort()
      .join(',');
  const byId = images.map((_, i) => i).sort((a, b) => (images[a]!.imageId < images[b]!.imageId ? -1 : 1));
  const pairs = new Map<string, number>();
  for (const x of byId) {
    let best: [number, number] | undefined;
    for (const y of byId) {
      if (y === x || key(x) === key(y)) continue;
      const d = bitsApart(images[x]!.dhash, images[y]!.dhash);
      if (d <= maxBits && (best === undefined || d < best[1])) best = [y, d];
    }
    if (best) {
      const [a, b] = [images[x]!.imageId, images[best[0]]!.imageId].sort();
      pairs.set(`${a}|${b}`, best[1]);
    }
  }
  return [...pairs].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('nearDuplicatesLabeledDifferently', () => {
  it('reports the same pairs and distances as comparing every pair', () => {
    // Hashes drawn as small variations of a few bases, so look-alikes are common.
    const hex = (n: bigint) => n.toString(16).padStart(16, '0');
    const imageArb = fc.record({
      base: fc.constantFrom(0n, 0xffff0000ffff0000n, 0x0123456789abcdefn),
      flips: fc.array(fc.integer({ min: 0, max: 63 }), { maxLength: 6 }),
      classes: fc.array(fc.constantFrom('car', 'person'), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(imageArb, { maxLength: 30 }), fc.integer({ min: 0, max: 6 }), (drawn, maxBits) => {
        const images = drawn.map((d, i) => ({
          imageId: `img${String(i).padStart(2, '0')}`,
          dhash: hex(d.flips.reduce<bigint>((h, bit) => h ^ (1n << BigInt(bit)), d.base)),
          annotations: d.classes.map((classId) => ({ classId })),
        }));
        const found = nearDuplicatesLabeledDifferently(images, maxBits, (c) => c).map(
          (p) => [`${p.imageId}|${p.otherImageId}`, p.distance] as [string, number],
        );
        expect(found).toEqual(everyPair(images, maxBits));
      }),
      { numRuns: 300 },
    );
  });

  it('skips images without a valid hash', () => {
    const images = [
      { imageId: 'a', dhash: 'not-a-hash', annotations: [{ classId: 'car' }] },
      { imageId: 'b', dhash: undefined, annotations: [] },
      { imageId: 'c', dhash: '0000000000000000', annotations: [] },
    ];
    expect(nearDuplicatesLabeledDifferently(images, 4, (c) => c)).toEqual([]);
  });

  it('summarises labels by class name with counts', () => {
    const names = (id: string) => ({ car: 'Car', person: 'Person' })[id] ?? id;
    expect(labelSummary([{ classId: 'person' }, { classId: 'car' }, { classId: 'car' }], names)).toBe(
      '2 × Car, Person',
    );
    expect(labelSummary([], names)).toBe('no objects');
  });
});
