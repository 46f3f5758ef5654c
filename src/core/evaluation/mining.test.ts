import { describe, expect, it } from 'vitest';
import { readCocoEvaluationInput } from './cocoInput';
import { evaluate } from './evaluate';
import { objectOutcomes, VERDICT } from './failures';
import { failureCases, imageMistakenness, labelErrors, WELL_PLACED_IOU } from './mining';
import { syntheticCocoSet } from './synthetic';
import type { Box, EvaluationInput } from './types';

const CAT = 1;
const DOG = 2;

/**
 * Three images at IoU 0.5 (objects g0…g6, predictions p0…p9):
 * image 1: dog g0 called a cat by p0 (0.8), cat g6 called a dog by p7 at IoU 0.8 (0.7), cats on nothing p1 (0.9)
 * and p2 (0.4); image 2: cat g1 found loosely by p3 (IoU 0.6, 0.9), g2 found exactly by p4 (0.95) and again by
 * p8 (0.3) and p9 (0.25), g3 and g4 boxed at IoU 0.3 by p5 (0.5) and 0.2 by p6 (0.6); image 3: cat g5 missed.
 */
const objects: readonly (readonly [number, number, Box])[] = [
  [1, DOG, [0, 0, 100, 100]],
  [2, CAT, [0, 0, 100, 100]],
  [2, CAT, [200, 0, 100, 100]],
  [2, CAT, [0, 200, 100, 100]],
  [2, CAT, [200, 200, 100, 100]],
  [3, CAT, [0, 0, 50, 50]],
  [1, CAT, [0, 300, 100, 100]],
];
const predictions: readonly (readonly [number, number, Box, number])[] = [
  [1, CAT, [0, 0, 100, 100], 0.8],
  [1, CAT, [300, 300, 50, 50], 0.9],
  [1, CAT, [400, 100, 50, 50], 0.4],
  [2, CAT, [0, 0, 100, 60], 0.9],
  [2, CAT, [200, 0, 100, 100], 0.95],
  [2, CAT, [0, 200, 100, 30], 0.5],
  [2, CAT, [200, 200, 100, 20], 0.6],
  [1, DOG, [0, 300, 100, 80], 0.7],
  [2, CAT, [202, 0, 100, 100], 0.3],
  [2, CAT, [200, 0, 100, 95], 0.25],
];
const input: EvaluationInput = {
  images: [1, 2, 3].map((id) => ({ id, width: 640, height: 480 })),
  categories: [
    { id: CAT, name: 'cat' },
    { id: DOG, name: 'dog' },
  ],
  groundTruth: objects.map(([imageId, categoryId, bbox], id) => ({
    id,
    imageId,
    categoryId,
    bbox,
    area: bbox[2] * bbox[3],
    iscrowd: false,
  })),
  predictions: predictions.map(([imageId, categoryId, bbox, score], id) => ({
    id,
    imageId,
    categoryId,
    bbox,
    score,
  })),
};
const evaluation = evaluate(input, { iouThresholds: [0.5] });
const outcomes = objectOutcomes(evaluation, 0, 0);

describe('labelErrors', () => {
  const candidates = labelErrors(evaluation, outcomes);
  const summary = candidates.map((c) => [c.kind, c.pred, c.gt, c.image]);

  it('ranks every suspicion by mistakenness, most likely label error first', () => {
    expect(summary).toEqual([
      ['missing-box', 1, -1, 0],
      ['wrong-class', 0, 0, 0],
      ['wrong-class', 7, 6, 0],
      ['badly-placed', 6, 4, 1],
      ['missing-box', 2, -1, 0],
      ['badly-placed', 3, 1, 1],
      ['badly-placed', 5, 3, 1],
    ]);
    const values = candidates.map((c) => c.mistakenness);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
  });

  it('scores a confident box on nothing as a missing box with mistakenness = its score', () => {
    expect(candidates[0]!.mistakenness).toBe(0.9);
    expect(candidates.find((c) => c.pred === 2)!.mistakenness).toBe(0.4);
  });

  it('scores a wrong-class box as score × IoU', () => {
    expect(candidates.find((c) => c.pred === 0)!.mistakenness).toBe(0.8);
    expect(candidates.find((c) => c.pred === 7)!.mistakenness).toBeCloseTo(0.7 * 0.8, 12);
  });

  it('scores a loose box as score × (1 − IoU): a true positive under IoU 0.75, or a poorly localized miss', () => {
    expect(WELL_PLACED_IOU).toBe(0.75);
    expect(outcomes.predVerdict[3]).toBe(VERDICT.truePositive);
    expect(candidates.find((c) => c.pred === 3)!.mistakenness).toBeCloseTo(0.9 * (1 - 0.6), 12);
    expect(candidates.find((c) => c.pred === 5)!.mistakenness).toBeCloseTo(0.5 * (1 - 0.3), 12);
    expect(candidates.find((c) => c.pred === 6)!.mistakenness).toBeCloseTo(0.6 * (1 - 0.2), 12);
  });

  it('leaves out exact hits, duplicates and plain misses', () => {
    for (const pred of [4, 8, 9]) expect(candidates.some((c) => c.pred === pred)).toBe(false);
    expect(candidates.some((c) => c.gt === 2 || c.gt === 5)).toBe(false);
  });

  it('gives each image its largest mistakenness, 0 for an image with none', () => {
    expect(Array.from(imageMistakenness(3, candidates))).toEqual([0.9, 0.6 * (1 - 0.2), 0]);
  });

  it('keeps every candidate inside [0, 1] and sorted on a seeded COCO-shaped set', () => {
    const set = syntheticCocoSet({ images: 30, predsPerImage: 20, categories: 6, seed: 5 });
    const read = readCocoEvaluationInput(set.gt, set.preds);
    if (!read.ok) throw new Error(read.problems.join('\n'));
    const e = evaluate(read.input);
    const o = objectOutcomes(e, 0, 0.3);
    const found = labelErrors(e, o);
    expect(found.length).toBeGreaterThan(10);
    for (const c of found) {
      expect(c.mistakenness).toBeGreaterThanOrEqual(0);
      expect(c.mistakenness).toBeLessThanOrEqual(1);
      expect(e.scores[c.pred]).toBeGreaterThanOrEqual(0.3);
    }
    const values = found.map((c) => c.mistakenness);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    const perImage = imageMistakenness(e.matching.imageCount, found);
    for (const c of found) expect(perImage[c.image]).toBeGreaterThanOrEqual(c.mistakenness);
  });
});

describe('failureCases', () => {
  const cases = failureCases(evaluation, outcomes);
  const list = (kind: keyof typeof cases) => cases[kind].map((c) => [c.pred, c.gt, c.score, c.reason]);

  it('lists boxes on nothing by descending score', () => {
    expect(list('false-positive')).toEqual([
      [1, -1, 0.9, 'background'],
      [2, -1, 0.4, 'background'],
    ]);
  });

  it('lists confusions and duplicates by descending score, each with the object it is about', () => {
    expect(list('confusion')).toEqual([
      [0, 0, 0.8, 'wrong class'],
      [7, 6, 0.7, 'wrong class'],
    ]);
    expect(list('duplicate')).toEqual([
      [8, 2, 0.3, 'duplicate'],
      [9, 2, 0.25, 'duplicate'],
    ]);
  });

  it('lists localization errors by ascending IoU, worst placed first', () => {
    expect(cases.localization.map((c) => [c.pred, c.gt])).toEqual([
      [6, 4],
      [5, 3],
    ]);
    expect(cases.localization[0]!.iou).toBeCloseTo(0.2, 12);
    expect(cases.localization[1]!.iou).toBeCloseTo(0.3, 12);
  });

  it('lists missed objects with the prediction that explains them, outright misses last', () => {
    expect(list('false-negative')).toEqual([
      [0, 0, 0.8, 'wrong class'],
      [7, 6, 0.7, 'wrong class'],
      [6, 4, 0.6, 'poor localization'],
      [5, 3, 0.5, 'poor localization'],
      [-1, 5, 0, 'missed'],
    ]);
    expect(cases['false-negative'].map((c) => c.image)).toEqual([0, 0, 1, 1, 2]);
  });

  it('has one case per false positive and per false negative', () => {
    const fp =
      cases['false-positive'].length +
      cases.confusion.length +
      cases.duplicate.length +
      cases.localization.length;
    expect(fp).toBe(outcomes.total.fp);
    expect(cases['false-negative']).toHaveLength(outcomes.total.fn);
    expect(outcomes.total).toMatchObject({ tp: 2, fp: 8, fn: 5 });
  });
});
