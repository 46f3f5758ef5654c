import { describe, expect, it } from 'vitest';
import type { ImageId } from '../ids';
import {
  combineGroups,
  groupBySequence,
  hammingDistance,
  nearDuplicateGroups,
  type HashedImage,
} from './groups';
import { seededRandom } from './random';

const id = (n: number) => `img-${String(n).padStart(5, '0')}` as ImageId;

const hex = (hi: number, lo: number) =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

/** A hash with `bits` distinct random bits of `base` flipped. */
function flip(base: string, bits: number, random: () => number): string {
  let hi = parseInt(base.slice(0, 8), 16);
  let lo = parseInt(base.slice(8), 16);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(random() * 64));
  for (const bit of chosen) {
    if (bit < 32) hi ^= 1 << bit;
    else lo ^= 1 << (bit - 32);
  }
  return hex(hi, lo);
}

const randomHash = (random: () => number) =>
  hex(Math.floor(random() * 2 ** 32), Math.floor(random() * 2 ** 32));

/** Every pair compared: the partition the band index must reproduce. */
function bruteForceGroups(items: readonly HashedImage[], maxDistance: number): Map<ImageId, ImageId> {
  const parent = items.map((_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++)
      if (hammingDistance(items[i]!.dhash, items[j]!.dhash) <= maxDistance) parent[find(i)] = find(j);
  const smallest = new Map<number, ImageId>();
  items.forEach((item, i) => {
    const root = find(i);
    const current = smallest.get(root);
    if (current === undefined || item.imageId < current) smallest.set(root, item.imageId);
  });
  return new Map(items.map((item, i) => [item.imageId, smallest.get(find(i))!]));
}

describe('groupBySequence', () => {
  it('drops the trailing frame number and the extension, keeping the folder', () => {
    expect(groupBySequence('cam1/run_000123.jpg')).toBe('cam1/run_');
    expect(groupBySequence('cam1/run_000124.jpg')).toBe('cam1/run_');
    expect(groupBySequence('cam2/run_000123.jpg')).toBe('cam2/run_');
    expect(groupBySequence('kitti/image_02/000123.png')).toBe('kitti/image_02/');
    expect(groupBySequence('frame12.jpeg')).toBe('frame');
    expect(groupBySequence('cam1\\take7-0042.tif')).toBe('cam1/take7-');
  });

  it('keeps names without a trailing number whole, and digits inside a name', () => {
    expect(groupBySequence('pets/dog.jpg')).toBe('pets/dog');
    expect(groupBySequence('pets/cat.jpg')).toBe('pets/cat');
    expect(groupBySequence('run2024_a.png')).toBe('run2024_a');
    expect(groupBySequence('a/.hidden')).toBe('a/.hidden');
  });
});

describe('nearDuplicateGroups', () => {
  it('groups hashes within the distance, transitively, under the smallest image id', () => {
    const a = '0000000000000000';
    const b = '000000000000003f'; // 6 bits from a
    const c = '0000000000000fff'; // 6 bits from b, 12 from a
    const far = 'ffffffffffffffff';
    const { groups, cappedBuckets } = nearDuplicateGroups(
      [
        { imageId: id(3), dhash: c },
        { imageId: id(2), dhash: b },
        { imageId: id(1), dhash: a },
        { imageId: id(4), dhash: far },
      ],
      6,
    );
    expect(Object.fromEntries(groups)).toEqual({
      [id(1)]: id(1),
      [id(2)]: id(1),
      [id(3)]: id(1),
      [id(4)]: id(4),
    });
    expect(cappedBuckets).toBe(0);
  });

  it('does not join hashes one bit past the distance', () => {
    const { groups } = nearDuplicateGroups(
      [
        { imageId: id(1), dhash: '0000000000000000' },
        { imageId: id(2), dhash: '000000000000007f' }, // 7 bits
      ],
      6,
    );
    expect(groups.get(id(2))).toBe(id(2));
  });

  it('joins identical hashes even at distance 0, and skips malformed hashes', () => {
    const { groups } = nearDuplicateGroups(
      [
        { imageId: id(1), dhash: 'ABCDEF0123456789' },
        { imageId: id(2), dhash: 'abcdef0123456789' },
        { imageId: id(3), dhash: 'abcdef012345678' },
        { imageId: id(4), dhash: 'not a hash at all' },
      ],
      0,
    );
    expect(Object.fromEntries(groups)).toEqual({ [id(1)]: id(1), [id(2)]: id(1) });
  });

  it('finds exactly the groups an all-pairs comparison finds, on random hashes with planted copies', () => {
    for (const maxDistance of [1, 3, 6, 10]) {
      const random = seededRandom(`near-${maxDistance}`);
      const items: HashedImage[] = [];
      for (let i = 0; i < 600; i++) items.push({ imageId: id(items.length), dhash: randomHash(random) });
      // Copies 0 to maxDistance + 2 bits away, some of them chained, so pairs sit on both sides of the line.
      for (let i = 0; i < 600; i++) {
        const base = items[Math.floor(random() * items.length)]!.dhash;
        const bits = Math.floor(random() * (maxDistance + 3));
        items.push({ imageId: id(items.length), dhash: flip(base, bits, random) });
      }
      const expected = bruteForceGroups(items, maxDistance);
      const got = nearDuplicateGroups(items, maxDistance);
      expect(got.cappedBuckets).toBe(0);
      expect(got.groups).toEqual(expected);
      // The planted copies made real clusters, so the comparison is not between two trivial answers.
      expect(new Set(expected.values()).size).toBeLessThan(items.length - 200);
    }
  });

  it('still groups near-uniform images when a bucket is capped, and says it capped', () => {
    const random = seededRandom('flat');
    // 300 hashes within 2 bits of all-zero (washed-out frames), one far hash.
    const items: HashedImage[] = Array.from({ length: 300 }, (_, i) => ({
      imageId: id(i),
      dhash: flip('0000000000000000', 1 + (i % 2), random),
    }));
    items.push({ imageId: id(999), dhash: 'f0f0f0f0f0f0f0f0' });
    const { groups, cappedBuckets } = nearDuplicateGroups(items, 6, 50);
    expect(cappedBuckets).toBeGreaterThan(0);
    expect(new Set(items.slice(0, 300).map((item) => groups.get(item.imageId))).size).toBe(1);
    expect(groups.get(id(999))).toBe(id(999));
  });

  it('refuses a distance outside 0–16', () => {
    expect(() => nearDuplicateGroups([], 17)).toThrow(RangeError);
    expect(() => nearDuplicateGroups([], 2.5)).toThrow(RangeError);
  });
});

describe('combineGroups', () => {
  const images = [
    { imageId: id(1), relPath: 'cam1/run_0001.jpg', dhash: '0000000000000000' },
    { imageId: id(2), relPath: 'cam1/run_0002.jpg', dhash: 'ffffffffffffffff' },
    { imageId: id(3), relPath: 'cam1/walk_0001.jpg', dhash: '0f0f0f0f0f0f0f0f' },
    { imageId: id(4), relPath: 'cam2/copy.jpg', dhash: '0000000000000003' }, // near-duplicate of 1
    { imageId: id(5), relPath: 'cam3/other.jpg', dhash: 'aaaaaaaaaaaaaaaa' },
    { imageId: id(6), relPath: 'cam3/old.jpg' }, // imported before hashes existed
  ];
  const groupsOf = (groupBy: Parameters<typeof combineGroups>[1]) =>
    images.map((image) => combineGroups(images, groupBy).groups.get(image.imageId));

  it('by folder: the folder path, as the folder strategy always named groups', () => {
    expect(groupsOf({ folder: true, sequence: false, nearDuplicates: false })).toEqual([
      'cam1',
      'cam1',
      'cam1',
      'cam2',
      'cam3',
      'cam3',
    ]);
  });

  it('by sequence: frames of one run together, other runs in the folder apart', () => {
    expect(groupsOf({ folder: false, sequence: true, nearDuplicates: false })).toEqual([
      'cam1/run_',
      'cam1/run_',
      'cam1/walk_',
      'cam2/copy',
      'cam3/other',
      'cam3/old',
    ]);
  });

  it('by sequence and near-duplicates: a copy in another folder joins the run, named by its smallest key', () => {
    const result = combineGroups(images, {
      folder: false,
      sequence: true,
      nearDuplicates: true,
      maxDistance: 6,
    });
    expect(images.map((image) => result.groups.get(image.imageId))).toEqual([
      'cam1/run_',
      'cam1/run_',
      'cam1/walk_',
      'cam1/run_',
      'cam3/other',
      'cam3/old',
    ]);
    expect(result.hashed).toBe(5);
  });

  it('near-duplicates alone: clusters named by their smallest image id, the rest alone', () => {
    expect(groupsOf({ folder: false, sequence: false, nearDuplicates: true })).toEqual([
      id(1),
      id(2),
      id(3),
      id(1),
      id(5),
      id(6),
    ]);
  });

  it('does not depend on the order images come in', () => {
    const groupBy = { folder: true, sequence: true, nearDuplicates: true };
    const forward = combineGroups(images, groupBy).groups;
    const backward = combineGroups([...images].reverse(), groupBy).groups;
    expect(Object.fromEntries(backward)).toEqual(Object.fromEntries(forward));
  });
});
