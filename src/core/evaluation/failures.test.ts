import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type Evaluation } from './evaluate';
import { objectOutcomes, REASON, VERDICT, type ObjectOutcomes } from './failures';
import { maskIous, rleFromPolygons } from './masks';
import { readCocoEvaluationInput } from './cocoInput';
import { syntheticCocoSet } from './synthetic';
import type { Box, EvaluationInput, GroundTruthObject, PredictedObject, Segmentation } from './types';

const gt = (
  id: number,
  categoryId: number,
  bbox: Box,
  options: { imageId?: number; iscrowd?: boolean; segmentation?: Segmentation } = {},
): GroundTruthObject => ({
  id,
  imageId: options.imageId ?? 1,
  categoryId,
  bbox,
  area: bbox[2] * bbox[3],
  iscrowd: options.iscrowd ?? false,
  ...(options.segmentation ? { segmentation: options.segmentation } : {}),
});
const pred = (
  id: number,
  categoryId: number,
  bbox: Box,
  score: number,
  options: { imageId?: number; segmentation?: Segmentation } = {},
): PredictedObject => ({
  id,
  imageId: options.imageId ?? 1,
  categoryId,
  bbox,
  score,
  ...(options.segmentation ? { segmentation: options.segmentation } : {}),
});
const input = (
  groundTruth: GroundTruthObject[],
  predictions: PredictedObject[],
  images = [1],
): EvaluationInput => ({
  images: images.map((id) => ({ id, width: 640, height: 480 })),
  categories: [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
  ],
  groundTruth,
  predictions,
});

const CAT = 0;
const DOG = 1;
const BACKGROUND = 2;

/**
 * One image with every kind of outcome at IoU 0.5 and score threshold 0.3 (K = 2: cat, dog, background):
 * g0 cat found by p0 and again by p1 (duplicate), g1 cat boxed by p3 at IoU 0.3, g2 dog called a cat by p2,
 * g3 cat missed, g4 a cat crowd holding p5, g5 dog found only by p6 below the threshold; p4 a dog on nothing.
 */
const scene = input(
  [
    gt(10, 1, [0, 0, 100, 100]),
    gt(11, 1, [200, 0, 100, 100]),
    gt(12, 2, [400, 0, 100, 100]),
    gt(13, 1, [0, 200, 100, 100]),
    gt(14, 1, [300, 300, 200, 150], { iscrowd: true }),
    gt(15, 2, [0, 350, 100, 100]),
  ],
  [
    pred(20, 1, [0, 0, 100, 100], 0.9),
    pred(21, 1, [5, 0, 100, 100], 0.8),
    pred(22, 1, [400, 0, 100, 100], 0.7),
    pred(23, 1, [200, 0, 100, 30], 0.6),
    pred(24, 2, [500, 200, 50, 50], 0.5),
    pred(25, 1, [310, 310, 50, 50], 0.95),
    pred(26, 2, [0, 350, 100, 100], 0.2),
  ],
);
const sceneEvaluation = evaluate(scene, { iouThresholds: [0.5] });
const outcomes = objectOutcomes(sceneEvaluation, 0, 0.3);
const cellOf = (row: number, column: number) => row * 3 + column;
const confusionRows = (o: ObjectOutcomes, K: number) =>
  Array.from({ length: K + 1 }, (_, row) =>
    Array.from(o.confusion.subarray(row * (K + 1), (row + 1) * (K + 1))),
  );

describe('objectOutcomes on a hand-made scene', () => {
  it('counts the best-scoring box on an object as a true positive on the diagonal', () => {
    expect(outcomes.predVerdict[0]).toBe(VERDICT.truePositive);
    expect(outcomes.predGt[0]).toBe(0);
    expect(outcomes.predIou[0]).toBe(1);
    expect(outcomes.gtVerdict[0]).toBe(VERDICT.truePositive);
    expect(outcomes.gtPred[0]).toBe(0);
    expect(outcomes.predCell[0]).toBe(cellOf(CAT, CAT));
    expect(outcomes.gtCell[0]).toBe(cellOf(CAT, CAT));
  });

  it('calls a second box on a taken object a duplicate pointing at that object, in the background row', () => {
    expect(outcomes.predVerdict[1]).toBe(VERDICT.falsePositive);
    expect(outcomes.predReason[1]).toBe(REASON.duplicate);
    expect(outcomes.predGt[1]).toBe(0);
    expect(outcomes.predIou[1]).toBeCloseTo(9500 / 10500, 12);
    expect(outcomes.predCell[1]).toBe(cellOf(BACKGROUND, CAT));
  });

  it('calls a cat box on a dog wrong class, counts it in the (dog, cat) cell and makes the dog a wrong-class miss', () => {
    expect(outcomes.predVerdict[2]).toBe(VERDICT.falsePositive);
    expect(outcomes.predReason[2]).toBe(REASON.wrongClass);
    expect(outcomes.predGt[2]).toBe(2);
    expect(outcomes.predIou[2]).toBe(1);
    expect(outcomes.predCell[2]).toBe(cellOf(DOG, CAT));
    expect(outcomes.gtVerdict[2]).toBe(VERDICT.falseNegative);
    expect(outcomes.gtReason[2]).toBe(REASON.wrongClass);
    expect(outcomes.gtPred[2]).toBe(2);
    expect(outcomes.gtCell[2]).toBe(cellOf(DOG, CAT));
  });

  it('calls a box overlapping its object at IoU 0.3 poor localization and the object a localization miss', () => {
    expect(outcomes.predVerdict[3]).toBe(VERDICT.falsePositive);
    expect(outcomes.predReason[3]).toBe(REASON.localization);
    expect(outcomes.predGt[3]).toBe(1);
    expect(outcomes.predIou[3]).toBeCloseTo(0.3, 12);
    expect(outcomes.predCell[3]).toBe(cellOf(BACKGROUND, CAT));
    expect(outcomes.gtVerdict[1]).toBe(VERDICT.falseNegative);
    expect(outcomes.gtReason[1]).toBe(REASON.localization);
    expect(outcomes.gtPred[1]).toBe(3);
    expect(outcomes.gtCell[1]).toBe(cellOf(CAT, BACKGROUND));
  });

  it('calls a box on nothing background and counts it in the background row', () => {
    expect(outcomes.predVerdict[4]).toBe(VERDICT.falsePositive);
    expect(outcomes.predReason[4]).toBe(REASON.background);
    expect(outcomes.predGt[4]).toBe(-1);
    expect(outcomes.predCell[4]).toBe(cellOf(BACKGROUND, DOG));
  });

  it('puts a missed object in the background column with reason missed', () => {
    expect(outcomes.gtVerdict[3]).toBe(VERDICT.falseNegative);
    expect(outcomes.gtReason[3]).toBe(REASON.missed);
    expect(outcomes.gtPred[3]).toBe(-1);
    expect(outcomes.gtCell[3]).toBe(cellOf(CAT, BACKGROUND));
  });

  it('ignores a prediction inside a crowd region and never counts the crowd as a miss', () => {
    expect(outcomes.predVerdict[5]).toBe(VERDICT.ignored);
    expect(outcomes.predGt[5]).toBe(4);
    expect(outcomes.predCell[5]).toBe(-1);
    expect(outcomes.gtVerdict[4]).toBe(VERDICT.ignored);
    expect(outcomes.gtCell[4]).toBe(-1);
  });

  it('leaves a prediction below the score threshold out and misses the object it would have matched', () => {
    expect(outcomes.predVerdict[6]).toBe(VERDICT.belowThreshold);
    expect(outcomes.predCell[6]).toBe(-1);
    expect(outcomes.gtVerdict[5]).toBe(VERDICT.falseNegative);
    expect(outcomes.gtReason[5]).toBe(REASON.missed);
    expect(outcomes.gtCell[5]).toBe(cellOf(DOG, BACKGROUND));
    // At a lower threshold the same box finds the dog.
    const lower = objectOutcomes(sceneEvaluation, 0, 0.1);
    expect(lower.predVerdict[6]).toBe(VERDICT.truePositive);
    expect(lower.gtVerdict[5]).toBe(VERDICT.truePositive);
    expect(lower.total.tp).toBe(2);
  });

  it('fills the confusion matrix: TPs on the diagonal, one cell per wrong-class pair', () => {
    expect(confusionRows(outcomes, 2)).toEqual([
      [1, 0, 2], // cat: found, -, missed (g1 badly placed, g3 missed)
      [1, 0, 1], // dog: called a cat (g2), -, missed (g5)
      [2, 1, 0], // background: cat duplicate + cat badly placed, dog on nothing
    ]);
    const { tp, fp, fn } = outcomes.total;
    const sum = outcomes.confusion.reduce((a, b) => a + b, 0);
    // A wrong-class prediction and the object it took are one confusion, counted once as the pair.
    expect(sum).toBe(tp + fp + fn - 1);
  });

  it('gives per-class and total precision, recall and F1', () => {
    const [cat, dog] = outcomes.perClass;
    expect(cat).toMatchObject({ tp: 1, fp: 3, fn: 2, precision: 0.25 });
    expect(cat!.recall).toBeCloseTo(1 / 3, 12);
    expect(cat!.f1).toBeCloseTo(2 / 7, 12);
    expect(dog).toEqual({ tp: 0, fp: 1, fn: 2, precision: 0, recall: 0, f1: 0 });
    expect(outcomes.total).toEqual({ tp: 1, fp: 4, fn: 4, precision: 0.2, recall: 0.2, f1: 0.2 });
    expect(Array.from(outcomes.perImage)).toEqual([1, 4, 4]);
  });

  it('gives NaN precision without predictions and NaN recall without ground truth', () => {
    const empty = objectOutcomes(evaluate(input([gt(1, 1, [0, 0, 10, 10])], [])), 0, 0);
    expect(empty.total.tp + empty.total.fp).toBe(0);
    expect(empty.total.precision).toBeNaN();
    expect(empty.total.recall).toBe(0);
    const noTruth = objectOutcomes(evaluate(input([], [pred(1, 1, [0, 0, 10, 10], 0.5)])), 0, 0);
    expect(noTruth.total).toMatchObject({ tp: 0, fp: 1, fn: 0, precision: 0 });
    expect(noTruth.total.recall).toBeNaN();
  });
});

describe('objectOutcomes blame order', () => {
  it('sends a wrong-class box on an object already found to the background row, still as wrong class', () => {
    const e = evaluate(
      input(
        [gt(1, 2, [0, 0, 100, 100])],
        [pred(1, 2, [0, 0, 100, 100], 0.9), pred(2, 1, [0, 0, 100, 100], 0.8)],
      ),
      { iouThresholds: [0.5] },
    );
    const o = objectOutcomes(e, 0, 0);
    expect(o.predReason[1]).toBe(REASON.wrongClass);
    expect(o.predGt[1]).toBe(0);
    expect(o.predCell[1]).toBe(cellOf(BACKGROUND, CAT));
    expect(confusionRows(o, 2)).toEqual([
      [0, 0, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
  });

  it('lets the most confident of two wrong-class boxes claim the missed object', () => {
    const e = evaluate(
      input(
        [gt(1, 2, [0, 0, 100, 100])],
        [pred(1, 1, [0, 0, 100, 90], 0.6), pred(2, 1, [0, 0, 100, 100], 0.8)],
      ),
      { iouThresholds: [0.5] },
    );
    const o = objectOutcomes(e, 0, 0);
    expect(o.gtReason[0]).toBe(REASON.wrongClass);
    expect(o.gtPred[0]).toBe(1);
    expect(o.predCell[1]).toBe(cellOf(DOG, CAT));
    // The less confident one is still wrong class, but the dog is taken: it counts as a cat on background.
    expect(o.predReason[0]).toBe(REASON.wrongClass);
    expect(o.predCell[0]).toBe(cellOf(BACKGROUND, CAT));
  });

  it('prefers a wrong-class explanation over poor localization', () => {
    const e = evaluate(
      input([gt(1, 1, [0, 0, 100, 100]), gt(2, 2, [0, 0, 100, 40])], [pred(1, 1, [0, 0, 100, 40], 0.9)]),
      { iouThresholds: [0.5] },
    );
    const o = objectOutcomes(e, 0, 0);
    expect(o.predReason[0]).toBe(REASON.wrongClass);
    expect(o.gtReason[1]).toBe(REASON.wrongClass);
    expect(o.gtReason[0]).toBe(REASON.missed);
  });

  it('calls a box overlapping its object below IoU 0.1 background', () => {
    // IoU 0.09: a 100×9 strip of a 100×100 object.
    const e = evaluate(input([gt(1, 1, [0, 0, 100, 100])], [pred(1, 1, [0, 0, 100, 9], 0.9)]), {
      iouThresholds: [0.5],
    });
    const o = objectOutcomes(e, 0, 0);
    expect(o.predReason[0]).toBe(REASON.background);
    expect(o.gtReason[0]).toBe(REASON.missed);
  });

  it('uses the chosen IoU threshold: a box at IoU 0.6 is a hit at 0.5 and badly placed at 0.75', () => {
    const e = evaluate(input([gt(1, 1, [0, 0, 100, 100])], [pred(1, 1, [0, 0, 100, 60], 0.9)]), {
      iouThresholds: [0.5, 0.75],
    });
    expect(objectOutcomes(e, 0, 0).predVerdict[0]).toBe(VERDICT.truePositive);
    const strict = objectOutcomes(e, 1, 0);
    expect(strict.iouThreshold).toBe(0.75);
    expect(strict.predReason[0]).toBe(REASON.localization);
    expect(strict.gtReason[0]).toBe(REASON.localization);
    expect(() => objectOutcomes(e, 2, 0)).toThrow(RangeError);
  });
});

describe('objectOutcomes with masks', () => {
  const square = (x: number, y: number, w: number, h: number): Segmentation => ({
    kind: 'polygons',
    rings: [[x, y, x, y + h, x + w, y + h, x + w, y]],
  });
  const withMask = (bbox: Box) => square(...bbox);
  const e = evaluate(
    input(
      [
        gt(1, 1, [0, 0, 100, 100], { segmentation: withMask([0, 0, 100, 100]) }),
        gt(2, 1, [200, 0, 100, 100], { segmentation: withMask([200, 0, 100, 100]) }),
        gt(3, 2, [400, 0, 100, 100], { segmentation: withMask([400, 0, 100, 100]) }),
      ],
      [
        pred(1, 1, [0, 0, 100, 100], 0.9, { segmentation: withMask([0, 0, 100, 100]) }),
        pred(2, 1, [200, 0, 100, 30], 0.8, { segmentation: withMask([200, 0, 100, 30]) }),
        pred(3, 1, [400, 0, 100, 100], 0.7, { segmentation: withMask([400, 0, 100, 100]) }),
        pred(4, 2, [500, 300, 50, 50], 0.6, { segmentation: withMask([500, 300, 50, 50]) }),
      ],
    ),
    { iouType: 'segm', iouThresholds: [0.5] },
  );
  const o = objectOutcomes(e, 0, 0);

  it('finds the same outcomes from polygon IoU as from boxes', () => {
    expect(Array.from(o.predVerdict)).toEqual([1, 2, 2, 2].map((v) => v as number));
    expect(Array.from(o.predReason)).toEqual([
      REASON.none,
      REASON.localization,
      REASON.wrongClass,
      REASON.background,
    ]);
    expect(Array.from(o.gtReason)).toEqual([REASON.none, REASON.localization, REASON.wrongClass]);
    expect(o.total).toMatchObject({ tp: 1, fp: 3, fn: 2 });
  });

  it('reports mask IoU, not box IoU', () => {
    const mask = (s: Segmentation) => rleFromPolygons(s.kind === 'polygons' ? s.rings : [], 480, 640);
    const expected = maskIous(
      [mask(withMask([200, 0, 100, 30]))],
      [mask(withMask([200, 0, 100, 100]))],
      [false],
    )[0]!;
    expect(o.predIou[1]).toBe(expected);
    expect(o.predIou[1]).toBeCloseTo(0.3, 1);
    expect(o.predIou[0]).toBe(1);
  });
});

/** Small random scenes on a coarse grid, so boxes overlap, classes collide and scores tie. */
const sceneArbitrary = fc
  .record({
    gts: fc.array(
      fc.record({
        image: fc.integer({ min: 0, max: 2 }),
        category: fc.integer({ min: 0, max: 2 }),
        box: fc.tuple(
          fc.integer({ min: 0, max: 6 }),
          fc.integer({ min: 0, max: 6 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 4 }),
        ),
        crowd: fc.integer({ min: 0, max: 7 }),
      }),
      { maxLength: 12 },
    ),
    preds: fc.array(
      fc.record({
        image: fc.integer({ min: 0, max: 2 }),
        category: fc.integer({ min: 0, max: 2 }),
        box: fc.tuple(
          fc.integer({ min: 0, max: 12 }),
          fc.integer({ min: 0, max: 12 }),
          fc.integer({ min: 1, max: 8 }),
          fc.integer({ min: 1, max: 8 }),
        ),
        score: fc.constantFrom(0.1, 0.3, 0.3, 0.5, 0.7, 0.9),
      }),
      { maxLength: 24 },
    ),
    maxDets: fc.constantFrom([1, 10, 100], [1, 2]),
  })
  .map(({ gts, preds, maxDets }) => {
    // Ground truth on a 10 px grid, predictions on a 5 px grid: IoUs take many values.
    const scale = (box: readonly number[], step: number) => box.map((v) => v * step) as unknown as Box;
    const sceneInput: EvaluationInput = {
      images: [1, 2, 3].map((id) => ({ id, width: 100, height: 100 })),
      categories: [1, 2, 3].map((id) => ({ id, name: `class ${id}` })),
      groundTruth: gts.map((g, i) => {
        const bbox = scale(g.box, 10);
        return {
          id: i,
          imageId: g.image + 1,
          categoryId: g.category + 1,
          bbox,
          area: bbox[2] * bbox[3],
          iscrowd: g.crowd === 0,
        };
      }),
      predictions: preds.map((p, i) => ({
        id: i,
        imageId: p.image + 1,
        categoryId: p.category + 1,
        bbox: scale(p.box, 5),
        score: p.score,
      })),
    };
    return { input: sceneInput, maxDets };
  });

/** objectOutcomes(e, t, s) beside objectOutcomes on a fresh evaluation of just the predictions scoring ≥ s. */
function compareWithRerun(e: Evaluation, t: number, s: number) {
  const at = objectOutcomes(e, t, s);
  const kept = e.input.predictions.flatMap((p, n) => (p.score >= s ? [n] : []));
  const rerun = objectOutcomes(
    evaluate({ ...e.input, predictions: kept.map((n) => e.input.predictions[n]!) }, e.params),
    t,
    0,
  );
  const newIndex = new Map(kept.map((n, j) => [n, j]));
  const predView = (o: ObjectOutcomes, n: number) => [
    o.predVerdict[n],
    o.predReason[n],
    o.predGt[n],
    o.predCell[n],
  ];
  expect(kept.map((n) => predView(at, n))).toEqual(kept.map((_, j) => predView(rerun, j)));
  const gtView = (o: ObjectOutcomes, g: number, map: (n: number) => number) => [
    o.gtVerdict[g],
    o.gtReason[g],
    o.gtCell[g],
    o.gtPred[g]! < 0 ? -1 : map(o.gtPred[g]!),
  ];
  const G = e.input.groundTruth.length;
  expect(Array.from({ length: G }, (_, g) => gtView(at, g, (n) => newIndex.get(n) ?? -2))).toEqual(
    Array.from({ length: G }, (_, g) => gtView(rerun, g, (n) => n)),
  );
  expect(at.total).toEqual(rerun.total);
  expect(at.perClass).toEqual(rerun.perClass);
  expect(Array.from(at.confusion)).toEqual(Array.from(rerun.confusion));
  expect(Array.from(at.perImage)).toEqual(Array.from(rerun.perImage));
  return at;
}

/** What must hold of any outcomes: confusion rows are the objects, columns the predictions. */
function checkBookkeeping(e: Evaluation, o: ObjectOutcomes) {
  const K = e.categories.length;
  const row = (r: number) => o.confusion.subarray(r * (K + 1), (r + 1) * (K + 1)).reduce((a, b) => a + b, 0);
  const column = (c: number) => {
    let sum = 0;
    for (let r = 0; r <= K; r++) sum += o.confusion[r * (K + 1) + c]!;
    return sum;
  };
  let diagonal = 0;
  for (let k = 0; k < K; k++) {
    const { tp, fp, fn } = o.perClass[k]!;
    expect(row(k)).toBe(tp + fn);
    expect(column(k)).toBe(tp + fp);
    expect(o.confusion[k * (K + 1) + k]).toBe(tp);
    diagonal += o.confusion[k * (K + 1) + k]!;
  }
  expect(diagonal).toBe(o.total.tp);
  expect(o.confusion[K * (K + 1) + K]).toBe(0);
  const pairs = o.gtReason.filter(
    (r, g) => r === REASON.wrongClass && o.gtVerdict[g] === VERDICT.falseNegative,
  ).length;
  const sum = o.confusion.reduce((a, b) => a + b, 0);
  expect(sum).toBe(o.total.tp + o.total.fp + o.total.fn - pairs);
  e.input.groundTruth.forEach((g, i) => {
    if (g.iscrowd) expect(o.gtVerdict[i]).toBe(VERDICT.ignored);
    if (o.gtVerdict[i] === VERDICT.falseNegative) expect(o.gtReason[i]).not.toBe(REASON.none);
  });
  e.input.predictions.forEach((p, n) => {
    if (p.score < o.scoreThreshold)
      expect([VERDICT.belowThreshold, VERDICT.notEvaluated]).toContain(o.predVerdict[n]);
    if (o.predVerdict[n] === VERDICT.falsePositive) expect(o.predReason[n]).not.toBe(REASON.none);
    if (o.predReason[n] === REASON.duplicate) expect(o.gtVerdict[o.predGt[n]!]).toBe(VERDICT.truePositive);
  });
  const perImage = [0, 0, 0];
  for (let i = 0; i < o.perImage.length; i++) perImage[i % 3]! += o.perImage[i]!;
  expect(perImage).toEqual([o.total.tp, o.total.fp, o.total.fn]);
}

describe('objectOutcomes at a score threshold', () => {
  it('equals evaluating again with only the predictions at or above the threshold (random scenes)', () => {
    fc.assert(
      fc.property(
        sceneArbitrary,
        fc.constantFrom(0, 0.3, 0.31, 0.5, 0.9, 1),
        fc.integer({ min: 0, max: 9 }),
        ({ input: sceneInput, maxDets }, s, t) => {
          const e = evaluate(sceneInput, { maxDets });
          checkBookkeeping(e, compareWithRerun(e, t, s));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('equals evaluating again on seeded COCO-shaped sets, at every threshold', () => {
    for (const seed of [1, 2, 3]) {
      const set = syntheticCocoSet({ images: 30, predsPerImage: 20, categories: 6, seed });
      const read = readCocoEvaluationInput(set.gt, set.preds);
      if (!read.ok) throw new Error(read.problems.join('\n'));
      const e = evaluate(read.input);
      for (const s of [0, 0.05, 0.2, 0.5, 0.8])
        for (const t of [0, 5, 9]) checkBookkeeping(e, compareWithRerun(e, t, s));
    }
  });
});
