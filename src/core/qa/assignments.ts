/** Splits a project's images into one assignment per annotator, with shared overlap images and gold images mixed in. */

import type { ImageId } from '../ids';
import { seededRandom, shuffled } from '../versions/random';
import type { UserId } from './people';

export interface AssignmentPlanInput {
  /** Images to label; duplicates count once, and images also listed as gold are kept as gold only. */
  readonly imageIds: readonly ImageId[];
  readonly annotators: readonly UserId[];
  /** 0–1: share of the images labeled by two annotators, for agreement. */
  readonly overlap: number;
  /** Images whose labels are known (the caller passes only labeled ones; `buildBundle` refuses others). */
  readonly goldImageIds?: readonly ImageId[];
  /** 0–1 (below 1): share of each assignment that is gold. */
  readonly goldShare?: number;
  readonly seed: number | string;
}

export interface Assignment {
  readonly annotator: UserId;
  /** Everything the annotator labels, in the order shown: work, overlap and gold images shuffled together. */
  readonly imageIds: readonly ImageId[];
  /** The images of `imageIds` that exactly one other annotator also labels. */
  readonly overlapImageIds: readonly ImageId[];
  /** The images of `imageIds` whose labels are known; they are not counted as work. */
  readonly goldImageIds: readonly ImageId[];
}

export interface AssignmentSummary {
  /** Distinct images handed out as work (overlap images included, gold excluded). */
  readonly workImages: number;
  readonly overlapImages: number;
  /** Annotator pairs that share at least one overlap image. */
  readonly pairsWithOverlap: number;
  /** Images listed both as work and as gold, kept as gold only. */
  readonly goldRemovedFromWork: number;
  /** Assignments that got fewer gold images than the share asks, because there are too few gold images. */
  readonly goldShortAssignments: number;
}

export interface AssignmentPlan {
  readonly assignments: readonly Assignment[];
  readonly summary: AssignmentSummary;
}

function checkShare(name: string, value: number, below1 = false): void {
  if (!Number.isFinite(value) || value < 0 || value > 1 || (below1 && value === 1)) {
    throw new RangeError(
      below1
        ? `${name} must be at least 0 and below 1 (an assignment cannot be all gold); got ${value}.`
        : `${name} must be between 0 and 1; got ${value}.`,
    );
  }
}

/**
 * Every pair of annotators, ordered by the circle method of round-robin tournaments (Berger tables): each
 * round pairs every annotator at most once, so any prefix of the list spreads overlap evenly over people.
 */
export function annotatorPairs(count: number): [number, number][] {
  const slots = count % 2 === 0 ? count : count + 1; // an odd count gets a bye slot
  const ring = Array.from({ length: slots }, (_, i) => i);
  const pairs: [number, number][] = [];
  for (let round = 0; round < slots - 1; round++) {
    for (let i = 0; i < slots / 2; i++) {
      const a = ring[i]!;
      const b = ring[slots - 1 - i]!;
      if (a < count && b < count) pairs.push(a < b ? [a, b] : [b, a]);
    }
    // Keep the first slot fixed and rotate the rest by one.
    ring.splice(1, 0, ring.pop()!);
  }
  return pairs;
}

/**
 * The plan, deterministic for a seed. Rules:
 * 1. Work images are shuffled by the seed.
 * 2. The first round(overlap × work images) go to exactly two distinct annotators, round robin over the
 *    pairs (`annotatorPairs`), so every pair gets a share.
 * 3. The rest go one at a time to the annotator with the fewest images so far (ties: the earlier listed).
 * 4. Each assignment gets round(goldShare × work / (1 − goldShare)) gold images, so gold is `goldShare` of
 *    it; gold images are dealt from a seeded shuffle in turn, wrapping when there are too few.
 * 5. Each assignment's images are shuffled together so gold cannot be told apart by position.
 */
export function planAssignments(input: AssignmentPlanInput): AssignmentPlan {
  const { annotators, overlap, seed } = input;
  const goldShare = input.goldShare ?? 0;
  if (annotators.length === 0) throw new RangeError('At least one annotator is needed to plan assignments.');
  if (new Set(annotators).size !== annotators.length) {
    throw new RangeError('Each annotator may be listed only once.');
  }
  checkShare('The overlap', overlap);
  checkShare('The gold share', goldShare, true);
  if (overlap > 0 && annotators.length < 2) {
    throw new RangeError(
      'Overlap needs at least two annotators: each overlap image is labeled by two people.',
    );
  }

  const gold = [...new Set(input.goldImageIds ?? [])];
  const goldSet = new Set(gold);
  const distinct = [...new Set(input.imageIds)];
  const work = distinct.filter((id) => !goldSet.has(id));

  const random = seededRandom(seed);
  const order = shuffled(work, random);
  const overlapCount = Math.round(overlap * order.length);
  const pairs = annotatorPairs(annotators.length);

  const assigned: ImageId[][] = annotators.map(() => []);
  const overlapped: ImageId[][] = annotators.map(() => []);
  const pairsUsed = new Set<number>();
  order.slice(0, overlapCount).forEach((imageId, index) => {
    const pairIndex = index % pairs.length;
    pairsUsed.add(pairIndex);
    for (const person of pairs[pairIndex]!) {
      assigned[person]!.push(imageId);
      overlapped[person]!.push(imageId);
    }
  });
  for (const imageId of order.slice(overlapCount)) {
    let least = 0;
    assigned.forEach((images, person) => {
      if (images.length < assigned[least]!.length) least = person;
    });
    assigned[least]!.push(imageId);
  }

  const goldOrder = shuffled(gold, random);
  let nextGold = 0;
  let goldShort = 0;
  const assignments = annotators.map((annotator, person): Assignment => {
    const workImages = assigned[person]!;
    const wanted = Math.round((goldShare * workImages.length) / (1 - goldShare));
    const count = Math.min(wanted, goldOrder.length);
    if (count < wanted) goldShort++;
    const goldImages: ImageId[] = [];
    for (let i = 0; i < count; i++) {
      goldImages.push(goldOrder[nextGold % goldOrder.length]!);
      nextGold++;
    }
    return {
      annotator,
      imageIds: shuffled([...workImages, ...goldImages], random),
      overlapImageIds: overlapped[person]!,
      goldImageIds: goldImages,
    };
  });

  return {
    assignments,
    summary: {
      workImages: work.length,
      overlapImages: overlapCount,
      pairsWithOverlap: pairsUsed.size,
      goldRemovedFromWork: distinct.length - work.length,
      goldShortAssignments: goldShort,
    },
  };
}
