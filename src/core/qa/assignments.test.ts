/** Assignment plans: every work image handed out, overlap shared by exactly two people, gold mixed in, seeded. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ImageId } from '../ids';
import { annotatorPairs, planAssignments, type AssignmentPlanInput } from './assignments';
import type { UserId } from './people';

const images = (count: number, prefix = 'img'): ImageId[] =>
  Array.from({ length: count }, (_, i) => `${prefix}-${i}` as ImageId);
const people = (count: number): UserId[] => Array.from({ length: count }, (_, i) => `user-${i}` as UserId);

/** How many assignments hold each image (gold excluded). */
function holders(plan: ReturnType<typeof planAssignments>): Map<ImageId, string[]> {
  const map = new Map<ImageId, string[]>();
  for (const a of plan.assignments) {
    for (const id of a.imageIds) {
      if (a.goldImageIds.includes(id)) continue;
      map.set(id, [...(map.get(id) ?? []), a.annotator]);
    }
  }
  return map;
}

describe('annotatorPairs', () => {
  it.each([2, 3, 4, 5, 6])('lists each of the %i annotators’ pairs exactly once', (n) => {
    const pairs = annotatorPairs(n);
    expect(pairs).toHaveLength((n * (n - 1)) / 2);
    expect(new Set(pairs.map(([a, b]) => `${a}-${b}`)).size).toBe(pairs.length);
    expect(pairs.every(([a, b]) => a < b && b < n)).toBe(true);
  });

  it('spreads the first round over everyone: four annotators, two pairs, no one twice', () => {
    const firstRound = annotatorPairs(4).slice(0, 2).flat();
    expect(new Set(firstRound).size).toBe(4);
  });
});

describe('planAssignments', () => {
  it('splits 100 images over 3 annotators with 20% overlap: 20 shared by two people, 80 by one', () => {
    const plan = planAssignments({ imageIds: images(100), annotators: people(3), overlap: 0.2, seed: 7 });
    const byImage = holders(plan);
    expect(byImage.size).toBe(100);
    const shared = [...byImage.values()].filter((h) => h.length === 2);
    expect(shared).toHaveLength(20);
    expect(shared.every(([a, b]) => a !== b)).toBe(true);
    expect([...byImage.values()].every((h) => h.length <= 2)).toBe(true);
    expect(plan.summary).toMatchObject({ workImages: 100, overlapImages: 20, pairsWithOverlap: 3 });
    // 120 image-labelings over 3 people: 40 each.
    expect(plan.assignments.map((a) => a.imageIds.length)).toEqual([40, 40, 40]);
    expect(plan.assignments.map((a) => a.overlapImageIds.length).reduce((s, n) => s + n, 0)).toBe(40);
  });

  it('gives the same plan for the same seed and a different one for another seed', () => {
    const input: AssignmentPlanInput = {
      imageIds: images(50),
      annotators: people(4),
      overlap: 0.3,
      goldImageIds: images(10, 'gold'),
      goldShare: 0.1,
      seed: 'batch-12',
    };
    expect(planAssignments(input)).toEqual(planAssignments(input));
    expect(planAssignments({ ...input, seed: 'batch-13' }).assignments[0]!.imageIds).not.toEqual(
      planAssignments(input).assignments[0]!.imageIds,
    );
  });

  it('mixes gold into every assignment at the asked share, not as work', () => {
    const gold = images(30, 'gold');
    const plan = planAssignments({
      imageIds: images(90),
      annotators: people(3),
      overlap: 0,
      goldImageIds: gold,
      goldShare: 0.25,
      seed: 1,
    });
    for (const a of plan.assignments) {
      // 30 work images; a quarter of 40 is gold.
      expect(a.imageIds).toHaveLength(40);
      expect(a.goldImageIds).toHaveLength(10);
      expect(a.goldImageIds.every((id) => gold.includes(id) && a.imageIds.includes(id))).toBe(true);
    }
    // Dealt in turn: the three assignments see all 30 gold images between them.
    expect(new Set(plan.assignments.flatMap((a) => a.goldImageIds)).size).toBe(30);
    expect(plan.summary.workImages).toBe(90);
  });

  it('keeps an image listed as both work and gold as gold only, and reports it', () => {
    const plan = planAssignments({
      imageIds: [...images(10), 'gold-0' as ImageId],
      annotators: people(2),
      overlap: 0,
      goldImageIds: images(2, 'gold'),
      goldShare: 0.5,
      seed: 3,
    });
    expect(plan.summary.goldRemovedFromWork).toBe(1);
    expect(holders(plan).has('gold-0' as ImageId)).toBe(false);
  });

  it('reports assignments short of gold when too few gold images exist', () => {
    const plan = planAssignments({
      imageIds: images(20),
      annotators: people(2),
      overlap: 0,
      goldImageIds: images(3, 'gold'),
      goldShare: 0.5,
      seed: 3,
    });
    expect(plan.assignments.map((a) => a.goldImageIds.length)).toEqual([3, 3]);
    expect(plan.summary.goldShortAssignments).toBe(2);
  });

  it.each<[string, Partial<AssignmentPlanInput>, string]>([
    ['no annotators', { annotators: [] }, 'At least one annotator is needed to plan assignments.'],
    [
      'overlap with one annotator',
      { annotators: people(1), overlap: 0.1 },
      'Overlap needs at least two annotators: each overlap image is labeled by two people.',
    ],
    ['overlap above 1', { overlap: 1.5 }, 'The overlap must be between 0 and 1; got 1.5.'],
    ['negative overlap', { overlap: -0.1 }, 'The overlap must be between 0 and 1; got -0.1.'],
    [
      'a gold share of 1',
      { goldShare: 1 },
      'The gold share must be at least 0 and below 1 (an assignment cannot be all gold); got 1.',
    ],
    [
      'an annotator twice',
      { annotators: [...people(2), 'user-0' as UserId] },
      'Each annotator may be listed only once.',
    ],
  ])('refuses %s with a RangeError', (_name, change, message) => {
    const input = { imageIds: images(10), annotators: people(2), overlap: 0.2, seed: 1, ...change };
    expect(() => planAssignments(input)).toThrow(new RangeError(message));
  });

  it('holds its rules for any input (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: 2, max: 7 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        fc.integer(),
        (imageCount, annotatorCount, overlap, goldCount, goldShare, seed) => {
          const gold = images(goldCount, 'gold');
          const plan = planAssignments({
            imageIds: images(imageCount),
            annotators: people(annotatorCount),
            overlap,
            goldImageIds: gold,
            goldShare,
            seed,
          });
          const byImage = holders(plan);
          // Every work image is assigned, to one or two distinct people.
          expect(byImage.size).toBe(imageCount);
          for (const h of byImage.values()) expect(new Set(h).size).toBe(h.length);
          const twice = [...byImage.values()].filter((h) => h.length === 2).length;
          expect(Math.abs(twice - overlap * imageCount)).toBeLessThanOrEqual(0.5);
          expect([...byImage.values()].every((h) => h.length <= 2)).toBe(true);
          // Work is balanced: within one image once the single images can even out the overlap rounds.
          const loads = plan.assignments.map((a) => a.imageIds.length - a.goldImageIds.length);
          const spread = Math.max(...loads) - Math.min(...loads);
          expect(spread).toBeLessThanOrEqual(imageCount - twice >= 2 * annotatorCount ? 1 : 2);
          for (const a of plan.assignments) {
            expect(new Set(a.imageIds).size).toBe(a.imageIds.length);
            expect(a.overlapImageIds.every((id) => byImage.get(id)?.length === 2)).toBe(true);
            const total = a.imageIds.length;
            if (goldCount > 0 && total > 0 && a.goldImageIds.length < goldCount) {
              // The gold share holds within rounding: at most one image off.
              expect(Math.abs(a.goldImageIds.length / total - goldShare)).toBeLessThanOrEqual(1 / total);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
