import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { precisionIndex, recallIndex } from './accumulate';
import { readCocoEvaluationInput } from './cocoInput';
import { histogram, prCurve, scoreSweep } from './curves';
import { evaluate, type Evaluation } from './evaluate';
import { objectOutcomes } from './failures';
import { RECALL_THRESHOLDS } from './params';
import { syntheticCocoSet } from './synthetic';
import type { Box, EvaluationInput } from './types';

const scene = (
  objects: readonly (readonly [number, Box])[],
  predictions: readonly (readonly [number, Box, number])[],
  categories = [1, 2],
): EvaluationInput => ({
  images: [{ id: 1, width: 640, height: 480 }],
  categories: categories.map((id) => ({ id, name: `class ${id}` })),
  groundTruth: objects.map(([categoryId, bbox], i) => ({
    id: i,
    imageId: 1,
    categoryId,
    bbox,
    area: bbox[2] * bbox[3],
    iscrowd: false,
  })),
  predictions: predictions.map(([categoryId, bbox, score], i) => ({
    id: i,
    imageId: 1,
    categoryId,
    bbox,
    score,
  })),
});

/** Two class-1 objects found at scores 0.9 and 0.7, a box on nothing at 0.8; class 2 has one object, no boxes. */
const simple = evaluate(
  scene(
    [
      [1, [0, 0, 100, 100]],
      [1, [200, 0, 100, 100]],
      [2, [400, 0, 100, 100]],
    ],
    [
      [1, [0, 0, 100, 100], 0.9],
      [1, [0, 300, 50, 50], 0.8],
      [1, [200, 0, 100, 100], 0.7],
    ],
  ),
  { iouThresholds: [0.5] },
);

describe('prCurve', () => {
  it('gives 101 interpolated points: precision 1 up to recall 0.5, then 2/3', () => {
    const curve = prCurve(simple, 0, 0);
    expect(curve.map((p) => p.recall)).toEqual(RECALL_THRESHOLDS);
    for (const point of curve) expect(point.precision).toBeCloseTo(point.recall <= 0.5 ? 1 : 2 / 3, 12);
  });

  it('gives zeros for a class with objects but no predictions, nothing for a class without objects', () => {
    expect(prCurve(simple, 0, 1).every((p) => p.precision === 0)).toBe(true);
    expect(prCurve(simple, 0, 1)).toHaveLength(101);
    const noObjects = evaluate(scene([[1, [0, 0, 10, 10]]], [[2, [0, 0, 10, 10], 0.5]]));
    expect(prCurve(noObjects, 0, 1)).toEqual([]);
  });

  it('averages over classes with ground truth when no class is given', () => {
    const mean = prCurve(simple, 0);
    const [a, b] = [prCurve(simple, 0, 0), prCurve(simple, 0, 1)];
    mean.forEach((point, r) =>
      expect(point.precision).toBeCloseTo((a[r]!.precision + b[r]!.precision) / 2, 12),
    );
  });

  it('equals the precision row COCO accumulates, for every class and IoU threshold', () => {
    const set = syntheticCocoSet({ images: 30, predsPerImage: 20, categories: 6, seed: 4 });
    const read = readCocoEvaluationInput(set.gt, set.preds);
    if (!read.ok) throw new Error(read.problems.join('\n'));
    const e = evaluate(read.input);
    const acc = e.accumulated;
    for (let t = 0; t < acc.shape.T; t++)
      for (let k = 0; k < acc.shape.K; k++) {
        const row = RECALL_THRESHOLDS.map(
          (_, r) => acc.precision[precisionIndex(acc.shape, t, r, k, 0, acc.shape.M - 1)]!,
        );
        const curve = prCurve(e, t, k);
        if (row[0] === -1) expect(curve).toEqual([]);
        else expect(curve.map((p) => p.precision)).toEqual(row);
      }
  });
});

describe('scoreSweep', () => {
  it('gives one point per score, highest first, and the best F1 point', () => {
    const sweep = scoreSweep(simple, 0, 0);
    expect(sweep.points.map((p) => p.threshold)).toEqual([0.9, 0.8, 0.7]);
    expect(sweep.points.map((p) => [p.precision, p.recall])).toEqual([
      [1, 0.5],
      [0.5, 0.5],
      [2 / 3, 1],
    ]);
    expect(sweep.points.map((p) => p.f1)).toEqual([2 / 3, 0.5, 0.8]);
    expect(sweep.best).toEqual(sweep.points[2]);
  });

  it('pools classes: recall counts every object, so the missed class-2 object lowers it', () => {
    const sweep = scoreSweep(simple, 0);
    expect(sweep.points.at(-1)).toMatchObject({ threshold: 0.7, recall: 2 / 3 });
    expect(sweep.points.at(-1)!.f1).toBeCloseTo(4 / 6, 12);
  });

  it('makes one point of tied scores, since a threshold keeps all of them', () => {
    const tied = evaluate(
      scene(
        [[1, [0, 0, 100, 100]]],
        [
          [1, [0, 0, 100, 100], 0.5],
          [1, [300, 300, 50, 50], 0.5],
        ],
      ),
    );
    expect(scoreSweep(tied, 0, 0).points).toEqual([{ threshold: 0.5, precision: 0.5, recall: 1, f1: 2 / 3 }]);
  });

  it('has no points and no best without ground truth, and picks the highest threshold among equal F1', () => {
    const noObjects = evaluate(scene([], [[1, [0, 0, 10, 10], 0.5]]));
    expect(scoreSweep(noObjects, 0)).toEqual({ points: [] });
    // TP at 0.9, FP at 0.8, FP at 0.7, TP at 0.6 with 2 objects: F1 2/3 at 0.9 and again 2/3 at 0.6.
    const equal = evaluate(
      scene(
        [
          [1, [0, 0, 100, 100]],
          [1, [200, 0, 100, 100]],
        ],
        [
          [1, [0, 0, 100, 100], 0.9],
          [1, [0, 300, 50, 50], 0.8],
          [1, [100, 300, 50, 50], 0.7],
          [1, [200, 0, 100, 100], 0.6],
        ],
      ),
    );
    const sweep = scoreSweep(equal, 0, 0);
    expect(sweep.points.map((p) => p.f1)).toEqual([2 / 3, 0.5, 0.4, 2 / 3]);
    expect(sweep.best!.threshold).toBe(0.9);
  });

  /** Every sweep point against objectOutcomes at its threshold, and the best point against all points. */
  function checkSweep(e: Evaluation, t: number) {
    for (const k of [undefined, ...e.categories.keys()]) {
      const sweep = scoreSweep(e, t, k);
      for (const point of sweep.points) {
        const o = objectOutcomes(e, t, point.threshold);
        const c = k === undefined ? o.total : o.perClass[k]!;
        expect(point.recall).toBeCloseTo(c.recall, 12);
        expect(point.f1).toBeCloseTo(c.f1, 12);
        // Only predictions inside crowds above the threshold: nothing kept, precision taken as 1.
        expect(point.precision).toBeCloseTo(c.tp + c.fp > 0 ? c.precision : 1, 12);
      }
      if (sweep.points.length > 0) {
        expect(sweep.best!.f1).toBe(Math.max(...sweep.points.map((p) => p.f1)));
        expect(sweep.points.find((p) => p.f1 === sweep.best!.f1)).toBe(sweep.best);
      } else expect(sweep.best).toBeUndefined();
      const thresholds = sweep.points.map((p) => p.threshold);
      expect(new Set(thresholds).size).toBe(thresholds.length);
      expect([...thresholds].sort((a, b) => b - a)).toEqual(thresholds);
      if (k !== undefined && sweep.points.length > 0) {
        // The lowest threshold keeps everything: its recall is COCO's recall at the largest cap.
        const acc = e.accumulated;
        expect(sweep.points.at(-1)!.recall).toBeCloseTo(
          acc.recall[recallIndex(acc.shape, t, k, 0, acc.shape.M - 1)]!,
          12,
        );
      }
    }
  }

  it('matches objectOutcomes at every threshold on random scenes', () => {
    const box = (max: number, step: number) =>
      fc
        .tuple(
          fc.integer({ min: 0, max }),
          fc.integer({ min: 0, max }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        )
        .map((b) => b.map((v) => v * step) as unknown as Box);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 }), box(6, 10), fc.boolean()), { maxLength: 8 }),
        fc.array(
          fc.tuple(fc.integer({ min: 1, max: 2 }), box(12, 5), fc.constantFrom(0.2, 0.4, 0.4, 0.6, 0.8)),
          {
            maxLength: 14,
          },
        ),
        fc.integer({ min: 0, max: 9 }),
        (objects, predictions, t) => {
          const input = scene(
            objects.map(([k, b]) => [k, b] as const),
            predictions,
          );
          // A few crowds: their predictions are ignored and their objects not counted.
          const withCrowds = {
            ...input,
            groundTruth: input.groundTruth.map((g, i) => ({ ...g, iscrowd: objects[i]![2] && i % 3 === 0 })),
          };
          checkSweep(evaluate(withCrowds), t);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('matches objectOutcomes at every threshold on a seeded COCO-shaped set', () => {
    const set = syntheticCocoSet({ images: 20, predsPerImage: 15, categories: 5, seed: 9 });
    const read = readCocoEvaluationInput(set.gt, set.preds);
    if (!read.ok) throw new Error(read.problems.join('\n'));
    const e = evaluate(read.input);
    for (const t of [0, 5]) checkSweep(e, t);
  });
});

describe('histogram', () => {
  it('counts values in equal bins, the last one including the maximum, and drops values outside', () => {
    expect(histogram([0, 0.1, 0.25, 0.5, 0.74, 0.75, 1, -0.01, 1.01, NaN], 4, 0, 1)).toEqual([2, 1, 2, 2]);
  });

  it('puts a value on a bin edge in the bin that starts there, as a chart labelled 0.15–0.20 says', () => {
    const edges = Array.from({ length: 21 }, (_, i) => Number((i / 20).toFixed(2)));
    expect(histogram(edges, 20, 0, 1)).toEqual([...new Array<number>(19).fill(1), 2]);
    const tenths = [0.3, 0.6, 0.7];
    expect(histogram(tenths, 10, 0, 1)).toEqual([0, 0, 0, 1, 0, 0, 1, 1, 0, 0]);
  });

  it('works over any range, and puts everything in the first bin when the range is one value', () => {
    expect(histogram([10, 15, 20, 25, 30], 2, 10, 30)).toEqual([2, 3]);
    expect(histogram([5, 5, 6], 3, 5, 5)).toEqual([2, 0, 0]);
  });

  it('keeps every value in range and no other (random values)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 2, noNaN: true })),
        fc.integer({ min: 1, max: 50 }),
        (values, bins) => {
          const counts = histogram(values, bins, 0, 1);
          expect(counts).toHaveLength(bins);
          expect(counts.reduce((a, b) => a + b, 0)).toBe(values.filter((v) => v >= 0 && v <= 1).length);
        },
      ),
    );
  });

  it('puts each value in the bin whose edges min + span·i/bins hold it (random values)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 1, noNaN: true }),
          fc.integer({ min: 0, max: 1000 }).map((i) => i / 1000),
        ),
        fc.integer({ min: 1, max: 100 }),
        (v, bins) => {
          const bin = histogram([v], bins, 0, 1).indexOf(1);
          expect(v).toBeGreaterThanOrEqual(bin / bins);
          if (bin < bins - 1) expect(v).toBeLessThan((bin + 1) / bins);
        },
      ),
    );
  });
});
