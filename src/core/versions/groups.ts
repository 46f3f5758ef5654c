/**
 * Leakage groups for group-aware splits: images from one folder, one numbered frame sequence, or that look
 * alike (near-duplicate perceptual hashes) get one group id, so a split never puts them on both sides.
 */

import { bandBuckets, bands, popcount } from '../images/hashBands';
import type { ImageId } from '../ids';
import { compareIds } from './order';
import { groupByFolder } from './splits';

/** Which criteria join images into one group; a group is the union of all chosen ones (transitively). */
export interface GroupBy {
  readonly folder: boolean;
  readonly sequence: boolean;
  readonly nearDuplicates: boolean;
  /** Largest Hamming distance (of 64 bits) between two dHashes that still counts as a near-duplicate. */
  readonly maxDistance?: number;
}

/** What splits stored before `groupBy` existed meant by the group strategy. */
export const FOLDER_ONLY: GroupBy = { folder: true, sequence: false, nearDuplicates: false };

/**
 * Six of 64 bits: resized and recompressed copies of one picture usually differ by 0–4 bits, while
 * unrelated photos differ by ~32 ± 4 (the bits behave like coin flips), so 6 leaves a wide margin.
 */
export const DEFAULT_MAX_DISTANCE = 6;
export const MAX_DISTANCE_LIMIT = 16;

/**
 * Past this many distinct hashes in one band bucket, all-pairs comparison would be quadratic (near-uniform
 * images share most bands); such a bucket is compared only between neighbours in sorted hash order.
 */
export const MAX_BUCKET = 4096;
const SORTED_NEIGHBOURS = 32;

/**
 * A frame sequence: the folder plus the file name without its extension and trailing frame number.
 * Video-to-frame tools number frames at the end of the name (ffmpeg's image2 pattern `run_%06d.jpg`,
 * KITTI `000123.png`, MOT `img1/000001.jpg`), so `cam1/run_000123.jpg` and `cam1/run_000124.jpg` both give
 * `cam1/run_`. A name without a trailing number is its own sequence.
 */
export function groupBySequence(relPath: string): string {
  const path = relPath.replace(/\\/g, '/');
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  return path.slice(0, slash + 1) + stem.replace(/\d+$/, '');
}

export interface HashedImage {
  readonly imageId: ImageId;
  /** 64-bit difference hash as 16 hex characters. */
  readonly dhash: string;
}

export interface NearDuplicateResult {
  /** Every image with a valid hash, mapped to the smallest image id of its cluster (itself when alone). */
  readonly groups: Map<ImageId, ImageId>;
  /** Band buckets too large to compare in full (see MAX_BUCKET); 0 means every pair was checked. */
  readonly cappedBuckets: number;
}

const DHASH = /^[0-9a-f]{16}$/i;

/**
 * Clusters of images whose hashes are within `maxDistance` bits, closed transitively (union–find), so
 * a–b and b–c close put a, b and c together even if a and c are far apart.
 *
 * Multi-index hashing (Norouzi, Punjani & Fleet 2012, "Fast Search in Hamming Space with Multi-Index
 * Hashing"): split the 64 bits into maxDistance + 1 bands; two hashes within maxDistance bits agree
 * exactly on at least one band (pigeonhole), so only hashes sharing a band value are compared. Identical
 * hashes are merged first, so a thousand blank frames are one entry, not a million comparisons.
 */
export function nearDuplicateGroups(
  items: readonly HashedImage[],
  maxDistance = DEFAULT_MAX_DISTANCE,
  maxBucket = MAX_BUCKET,
): NearDuplicateResult {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_DISTANCE_LIMIT)
    throw new RangeError(
      `maxDistance must be a whole number from 0 to ${MAX_DISTANCE_LIMIT}, got ${maxDistance}`,
    );

  // Distinct hashes as two 32-bit halves; each image points at its hash.
  const indexOfHash = new Map<string, number>();
  const hi: number[] = [];
  const lo: number[] = [];
  const valid: { imageId: ImageId; hash: number }[] = [];
  for (const item of items) {
    if (!DHASH.test(item.dhash)) continue;
    const text = item.dhash.toLowerCase();
    let hash = indexOfHash.get(text);
    if (hash === undefined) {
      hash = hi.length;
      indexOfHash.set(text, hash);
      hi.push(parseInt(text.slice(0, 8), 16));
      lo.push(parseInt(text.slice(8), 16));
    }
    valid.push({ imageId: item.imageId, hash });
  }

  const his = Uint32Array.from(hi);
  const los = Uint32Array.from(lo);
  const sets = unionFind(hi.length);
  const close = (a: number, b: number) =>
    popcount(his[a]! ^ his[b]!) + popcount(los[a]! ^ los[b]!) <= maxDistance;
  let cappedBuckets = 0;
  // One band of 64 bits is exact equality, already merged above.
  for (const [start, width] of maxDistance === 0 ? [] : bands(maxDistance + 1)) {
    for (const bucket of bandBuckets(his, los, start, width)) {
      if (bucket.length > maxBucket) {
        cappedBuckets++;
        const sorted = [...bucket].sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]!);
        for (let i = 0; i < sorted.length; i++)
          for (let j = i + 1; j < Math.min(sorted.length, i + 1 + SORTED_NEIGHBOURS); j++)
            if (close(sorted[i]!, sorted[j]!)) sets.union(sorted[i]!, sorted[j]!);
        continue;
      }
      for (let i = 0; i < bucket.length; i++) {
        const a = bucket[i]!;
        const aHi = his[a]!;
        const aLo = los[a]!;
        for (let j = i + 1; j < bucket.length; j++) {
          const b = bucket[j]!;
          if (popcount(aHi ^ his[b]!) + popcount(aLo ^ los[b]!) <= maxDistance) sets.union(a, b);
        }
      }
    }
  }

  const smallest = new Map<number, ImageId>();
  for (const { imageId, hash } of valid) {
    const root = sets.find(hash);
    const current = smallest.get(root);
    if (current === undefined || compareIds(imageId, current) < 0) smallest.set(root, imageId);
  }
  const groups = new Map<ImageId, ImageId>();
  for (const { imageId, hash } of valid) groups.set(imageId, smallest.get(sets.find(hash))!);
  return { groups, cappedBuckets };
}

export interface GroupableImage {
  readonly imageId: ImageId;
  readonly relPath: string;
  readonly dhash?: string;
}

export interface CombinedGroups {
  /** One group id per image. */
  readonly groups: Map<ImageId, string>;
  /** Images that could take part in near-duplicate grouping (they have a hash). */
  readonly hashed: number;
  readonly cappedBuckets: number;
}

/**
 * One group id per image: the union of the chosen criteria, transitively (a folder and a near-duplicate
 * of one of its images in another folder become one group). The id is deterministic and readable: the
 * smallest folder of the group when grouping by folder, else its smallest sequence, else its smallest
 * image id. Those names cannot collide between groups: two images sharing one are in one group already.
 */
export function combineGroups(images: readonly GroupableImage[], groupBy: GroupBy): CombinedGroups {
  const sets = unionFind(images.length);
  const joinBy = (key: (image: GroupableImage) => string) => {
    const first = new Map<string, number>();
    images.forEach((image, index) => {
      const k = key(image);
      const seen = first.get(k);
      if (seen === undefined) first.set(k, index);
      else sets.union(seen, index);
    });
  };
  if (groupBy.folder) joinBy((image) => groupByFolder(image.relPath));
  if (groupBy.sequence) joinBy((image) => groupBySequence(image.relPath));

  let hashed = 0;
  let cappedBuckets = 0;
  if (groupBy.nearDuplicates) {
    const withHash = images.flatMap((image) =>
      image.dhash === undefined ? [] : [{ imageId: image.imageId, dhash: image.dhash }],
    );
    const near = nearDuplicateGroups(withHash, groupBy.maxDistance ?? DEFAULT_MAX_DISTANCE);
    hashed = near.groups.size;
    cappedBuckets = near.cappedBuckets;
    const indexOf = new Map(images.map((image, index) => [image.imageId, index]));
    for (const [imageId, representative] of near.groups)
      sets.union(indexOf.get(imageId)!, indexOf.get(representative)!);
  }

  const name = (image: GroupableImage): string =>
    groupBy.folder
      ? groupByFolder(image.relPath)
      : groupBy.sequence
        ? groupBySequence(image.relPath)
        : image.imageId;
  const nameOfRoot = new Map<number, string>();
  images.forEach((image, index) => {
    const root = sets.find(index);
    const current = nameOfRoot.get(root);
    const candidate = name(image);
    if (current === undefined || compareIds(candidate, current) < 0) nameOfRoot.set(root, candidate);
  });
  const groups = new Map<ImageId, string>();
  images.forEach((image, index) => groups.set(image.imageId, nameOfRoot.get(sets.find(index))!));
  return { groups, hashed, cappedBuckets };
}

/** Hamming distance between two 16-hex-digit hashes. */
export function hammingDistance(a: string, b: string): number {
  return (
    popcount((parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) >>> 0) +
    popcount((parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16)) >>> 0)
  );
}

function unionFind(size: number) {
  const parent = new Int32Array(size);
  for (let i = 0; i < size; i++) parent[i] = i;
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root]!;
    // Path compression keeps later finds near constant.
    while (parent[x] !== root) {
      const next = parent[x]!;
      parent[x] = root;
      x = next;
    }
    return root;
  };
  return {
    find,
    union(a: number, b: number): void {
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
    },
  };
}
