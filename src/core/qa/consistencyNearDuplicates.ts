/** Consistency check: images that look alike (dHash within a few bits) but carry different labels. */

import { bandBuckets, bands, popcount } from '../images/hashBands';
import { hashSet } from '../mining/similarity';
import { MAX_BUCKET } from '../versions/groups';

/** What this check reads of an image. */
export interface HashedLabels {
  readonly imageId: string;
  /** 64-bit difference hash as 16 hex digits; images without a (valid) one are skipped. */
  readonly dhash?: string | undefined;
  readonly annotations: readonly { readonly classId: string }[];
}

/** One reported pair: `imageId` sorts before `otherImageId`. */
export interface DifferentlyLabeledPair {
  readonly imageId: string;
  readonly otherImageId: string;
  /** Bits of 64 in which the hashes differ. */
  readonly distance: number;
  /** Each image's labels as "2 × car, person", for the message. */
  readonly labels: string;
  readonly otherLabels: string;
}

/** The same width of window groups.ts uses for over-full band buckets. */
const SORTED_NEIGHBOURS = 32;

/**
 * Pairs of images whose hashes differ in at most `maxBits` bits and whose class multisets differ (another
 * class, or another count of one). Each image is paired with its closest such image only (ties by image
 * id), so a burst of a thousand identical frames labeled two ways gives at most a thousand findings, not
 * half a million; a pair found from both sides is reported once.
 *
 * Candidates come from multi-index hashing (Norouzi, Punjani & Fleet 2012), as in versions/groups.ts:
 * split 64 bits into maxBits + 1 bands; hashes within maxBits bits agree on at least one band
 * (pigeonhole), so only hashes sharing a band value are compared.
 */
export function nearDuplicatesLabeledDifferently(
  images: readonly HashedLabels[],
  maxBits: number,
  className: (classId: string) => string,
): DifferentlyLabeledPair[] {
  // Positions in image-id order, so "smaller position" is "smaller id" in every tie below.
  const order = images
    .map((image, index) => ({ id: image.imageId, index }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const sorted = order.map((entry) => images[entry.index]!);
  const n = sorted.length;
  const parsed = hashSet(sorted.map((image) => image.dhash));

  // Signatures: the sorted class list, interned to small integers; made only for images that have a
  // look-alike at all (few, in most projects), -1 until then.
  const signatures = new Int32Array(n).fill(-1);
  const signatureIds = new Map<string, number>();
  const signature = (i: number): number => {
    if (signatures[i]! >= 0) return signatures[i]!;
    const key = sorted[i]!.annotations.map((a) => a.classId)
      .sort()
      .join('\u0000');
    let id = signatureIds.get(key);
    if (id === undefined) signatureIds.set(key, (id = signatureIds.size));
    return (signatures[i] = id);
  };
  // Distinct hashes: their halves, and their images in id order.
  const hashIds = new Map<string, number>();
  const hashHi: number[] = [];
  const hashLo: number[] = [];
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (!parsed.present[i]) continue;
    const text = sorted[i]!.dhash!.toLowerCase();
    let hash = hashIds.get(text);
    if (hash === undefined) {
      hashIds.set(text, (hash = members.length));
      hashHi.push(parsed.hi[i]!);
      hashLo.push(parsed.lo[i]!);
      members.push([]);
    }
    members[hash]!.push(i);
  }

  // Per hash: its first image and the first one labeled differently from it (-1 when all agree). The
  // closest differently labeled image of hash h for an image x is then one of the two.
  const hashCount = members.length;
  const first = new Int32Array(hashCount);
  const second = new Int32Array(hashCount).fill(-1);
  for (let h = 0; h < hashCount; h++) {
    const list = members[h]!;
    first[h] = list[0]!;
    if (list.length < 2) continue;
    const sig = signature(list[0]!);
    for (const i of list) {
      if (signature(i) !== sig) {
        second[h] = i;
        break;
      }
    }
  }
  const partnerIn = (h: number, x: number): number =>
    signature(x) !== signature(first[h]!) ? first[h]! : second[h]!;

  const bestDistance = new Int32Array(n).fill(65);
  const bestPartner = new Int32Array(n).fill(-1);
  const offer = (x: number, partner: number, distance: number): void => {
    if (partner < 0) return;
    const best = bestDistance[x]!;
    if (distance < best || (distance === best && partner < bestPartner[x]!)) {
      bestDistance[x] = distance;
      bestPartner[x] = partner;
    }
  };
  // The same hash: distance 0, as close as it gets.
  for (let h = 0; h < hashCount; h++)
    if (members[h]!.length > 1) for (const x of members[h]!) offer(x, partnerIn(h, x), 0);
  const offerBoth = (a: number, b: number, distance: number): void => {
    for (const x of members[a]!) offer(x, partnerIn(b, x), distance);
    for (const x of members[b]!) offer(x, partnerIn(a, x), distance);
  };

  if (maxBits > 0 && hashCount > 1) {
    const his = Uint32Array.from(hashHi);
    const los = Uint32Array.from(hashLo);
    const compare = (a: number, b: number): void => {
      const distance = popcount(his[a]! ^ his[b]!) + popcount(los[a]! ^ los[b]!);
      if (distance <= maxBits) offerBoth(a, b, distance);
    };
    for (const [start, width] of bands(maxBits + 1)) {
      for (const bucket of bandBuckets(his, los, start, width)) {
        if (bucket.length > MAX_BUCKET) {
          // Near-uniform images share most bands; all pairs would be quadratic, so only neighbours in hash order.
          const byHash = [...bucket].sort((a, b) => his[a]! - his[b]! || los[a]! - los[b]!);
          for (let i = 0; i < byHash.length; i++)
            for (let j = i + 1; j < Math.min(byHash.length, i + 1 + SORTED_NEIGHBOURS); j++)
              compare(byHash[i]!, byHash[j]!);
          continue;
        }
        for (let i = 0; i < bucket.length; i++)
          for (let j = i + 1; j < bucket.length; j++) compare(bucket[i]!, bucket[j]!);
      }
    }
  }

  const describe = (image: HashedLabels): string => labelSummary(image.annotations, className);
  const pairs: DifferentlyLabeledPair[] = [];
  const seen = new Set<number>();
  for (let x = 0; x < n; x++) {
    const partner = bestPartner[x]!;
    if (partner < 0) continue;
    const a = Math.min(x, partner);
    const b = Math.max(x, partner);
    if (seen.has(a * n + b)) continue;
    seen.add(a * n + b);
    pairs.push({
      imageId: sorted[a]!.imageId,
      otherImageId: sorted[b]!.imageId,
      distance: bestDistance[x]!,
      labels: describe(sorted[a]!),
      otherLabels: describe(sorted[b]!),
    });
  }
  return pairs.sort((p, q) =>
    p.imageId < q.imageId
      ? -1
      : p.imageId > q.imageId
        ? 1
        : p.otherImageId < q.otherImageId
          ? -1
          : p.otherImageId > q.otherImageId
            ? 1
            : 0,
  );
}

/** "2 × car, person" (by class name), or "no objects". */
export function labelSummary(
  annotations: readonly { readonly classId: string }[],
  className: (classId: string) => string,
): string {
  if (annotations.length === 0) return 'no objects';
  const counts = new Map<string, number>();
  for (const a of annotations) counts.set(a.classId, (counts.get(a.classId) ?? 0) + 1);
  return [...counts]
    .map(([classId, count]) => ({ name: className(classId), count }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ name, count }) => (count === 1 ? name : `${count} × ${name}`))
    .join(', ');
}
