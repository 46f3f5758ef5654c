import { describe, expect, it } from 'vitest';
import { readCocoEvaluationInput } from './cocoInput';
import { evaluate, type Evaluation } from './evaluate';
import { VERDICT } from './failures';
import type { FailureKind } from './mining';
import { queryObjects, summaryAt, type ObjectListKind } from './report';
import { syntheticCocoSet } from './synthetic';
import type { Box, EvaluationInput, GroundTruthObject, PredictedObject } from './types';

const gt = (id: number, categoryId: number, bbox: Box, iscrowd = false): GroundTruthObject => ({
  id,
  imageId: 1,
  categoryId,
  bbox,
  area: bbox[2] * bbox[3],
  iscrowd,
});
const pred = (id: number, categoryId: number, bbox: Box, score: number): PredictedObject => ({
  id,
  imageId: 1,
  categoryId,
  bbox,
  score,
});

/**
 * One image, IoU 0.5, score threshold 0.3 (cat, dog, background): g0 cat found by p0 and again by p1
 * (duplicate), g1 cat boxed by p3 at IoU 0.3 (localization), g2 dog called a cat by p2 (confusion), g3 cat
 * missed, g4 a cat crowd holding p5 (ignored), g5 dog found only by p6 below the threshold; p4 a dog on nothing.
 */
const scene: EvaluationInput = {
  images: [{ id: 1, width: 640, height: 480 }],
  categories: [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
  ],
  groundTruth: [
    gt(10, 1, [0, 0, 100, 100]),
    gt(11, 1, [200, 0, 100, 100]),
    gt(12, 2, [400, 0, 100, 100]),
    gt(13, 1, [0, 200, 100, 100]),
    gt(14, 1, [300, 300, 200, 150], true),
    gt(15, 2, [0, 350, 100, 100]),
  ],
  predictions: [
    pred(20, 1, [0, 0, 100, 100], 0.9),
    pred(21, 1, [5, 0, 100, 100], 0.8),
    pred(22, 1, [400, 0, 100, 100], 0.7),
    pred(23, 1, [200, 0, 100, 30], 0.6),
    pred(24, 2, [500, 200, 50, 50], 0.5),
    pred(25, 1, [310, 310, 50, 50], 0.95),
    pred(26, 2, [0, 350, 100, 100], 0.2),
  ],
};
const CAT = 0;
const DOG = 1;
const BACKGROUND = 2;

const FAILURE_KINDS: FailureKind[] = [
  'false-positive',
  'false-negative',
  'confusion',
  'localization',
  'duplicate',
];
const LIST_KINDS: ObjectListKind[] = [...FAILURE_KINDS, 'label-error', 'true-positive'];

function syntheticEvaluation(seed: number): Evaluation {
  const set = syntheticCocoSet({ images: 12, predsPerImage: 12, categories: 4, seed });
  const read = readCocoEvaluationInput(set.gt, set.preds);
  if (!read.ok) throw new Error(read.problems.join('\n'));
  return evaluate(read.input);
}

const everything = { limit: 1_000_000 };
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('summarize and queryObjects on a hand-made scene', () => {
  const evaluation = evaluate(scene, { iouThresholds: [0.5, 0.75] });
  const { outcomes, summary } = summaryAt(evaluation, 0, 0.3);
  const query = (q: Parameters<typeof queryObjects>[2]) => queryObjects(evaluation, outcomes, q);

  it('counts one true positive, four false positives and four false negatives', () => {
    expect([summary.total.tp, summary.total.fp, summary.total.fn]).toEqual([1, 4, 4]);
    expect(summary.failureCounts).toEqual({
      'false-positive': 1,
      'false-negative': 4,
      confusion: 1,
      localization: 1,
      duplicate: 1,
      'label-error': expect.any(Number),
      'true-positive': 1,
    });
    expect(summary.confusion.labels).toEqual(['cat', 'dog', 'background']);
    const at = (row: number, col: number) => summary.confusion.counts[row * 3 + col];
    expect([at(CAT, CAT), at(DOG, CAT), at(BACKGROUND, CAT), at(BACKGROUND, DOG)]).toEqual([1, 1, 2, 1]);
    expect([at(CAT, BACKGROUND), at(DOG, BACKGROUND), at(CAT, DOG), at(DOG, DOG)]).toEqual([2, 1, 0, 0]);
  });

  it('lists the objects behind each confusion cell', () => {
    const ids = (cell: { row: number; col: number }) =>
      query({ cell }).rows.map((r) => [
        r.kind,
        r.gt >= 0 ? scene.groundTruth[r.gt]!.id : null,
        r.pred >= 0 ? scene.predictions[r.pred]!.id : null,
      ]);
    expect(ids({ row: CAT, col: CAT })).toEqual([['true-positive', 10, 20]]);
    // The confused dog is listed once, as the confusion, not again as a missed object.
    expect(ids({ row: DOG, col: CAT })).toEqual([['confusion', 12, 22]]);
    expect(ids({ row: BACKGROUND, col: CAT }).map((r) => r[2])).toEqual([23, 21]);
    expect(ids({ row: BACKGROUND, col: DOG })).toEqual([['false-positive', null, 24]]);
    expect(ids({ row: CAT, col: BACKGROUND }).map((r) => r[1])).toEqual([11, 13]);
    expect(ids({ row: DOG, col: BACKGROUND })).toEqual([['false-negative', 15, null]]);
    // Asked for missed objects only, the confused dog is one of them, in its confusion cell.
    expect(query({ kind: 'false-negative', cell: { row: DOG, col: CAT } }).total).toBe(1);
  });

  it('lists every error once, a confusion as one row', () => {
    const all = query({});
    expect(all.total).toBe(7);
    expect(all.rows.filter((r) => r.gt === 2)).toEqual([
      expect.objectContaining({ kind: 'confusion', pred: 2 }),
    ]);
  });

  it('keeps only rows whose ground truth or prediction is the class asked for', () => {
    const dogs = query({ category: DOG });
    expect(dogs.rows.map((r) => r.kind).sort()).toEqual(['confusion', 'false-negative', 'false-positive']);
    expect(query({ kind: 'true-positive', category: DOG }).total).toBe(0);
    expect(query({ kind: 'true-positive', category: CAT }).total).toBe(1);
  });

  it('lists the predictions of a score bin, as many as the histogram bar counts', () => {
    // p4 0.5 (false positive), p3 0.6 (localization), p2 0.7 (confusion); g1's miss is p3 again, not a new row.
    const bin = query({ score: { from: 0.5, to: 0.75 } });
    expect(bin.rows.map((r) => scene.predictions[r.pred]!.id).sort()).toEqual([22, 23, 24]);
    expect(query({ score: { from: 0.75, to: 0.85 } }).rows.map((r) => r.kind)).toEqual(['duplicate']);
    expect(query({ kind: 'true-positive', score: { from: 0.85, to: 0.9 } }).total).toBe(0);
    expect(query({ kind: 'true-positive', score: { from: 0.9, to: 0.95 } }).total).toBe(1);
  });

  it('pages the rows and keeps the total', () => {
    const all = query({}).rows;
    const page = query({ offset: 2, limit: 3 });
    expect(page.total).toBe(7);
    expect(page.rows).toEqual(all.slice(2, 5));
    expect(query({ offset: 6, limit: 3 }).rows).toEqual(all.slice(6));
    expect(query({ offset: 10 }).rows).toEqual([]);
  });
});

describe('a score of 1 in the last histogram bin', () => {
  it('is listed when that bin is asked for', () => {
    const input: EvaluationInput = {
      ...scene,
      groundTruth: [gt(10, 1, [0, 0, 100, 100])],
      predictions: [pred(20, 1, [0, 0, 100, 100], 1), pred(21, 2, [300, 300, 50, 50], 1)],
    };
    const evaluation = evaluate(input);
    const { outcomes, summary } = summaryAt(evaluation, 0, 0.5);
    const last = summary.scoreHistogram.bins.at(-1)!;
    expect(summary.scoreHistogram.series.map((s) => s.counts.at(-1))).toEqual([1, 1]);
    expect(queryObjects(evaluation, outcomes, { kind: 'true-positive', score: last }).total).toBe(1);
    expect(queryObjects(evaluation, outcomes, { score: last }).total).toBe(1);
  });
});

describe.each([1, 2, 3])('summarize and queryObjects on synthetic set %i', (seed) => {
  const evaluation = syntheticEvaluation(seed);
  const K = evaluation.categories.length;
  const { outcomes, summary } = summaryAt(evaluation, 0, 0.3);
  const query = (q: Parameters<typeof queryObjects>[2]) =>
    queryObjects(evaluation, outcomes, { ...everything, ...q });

  it('has errors of every kind to check', () => {
    for (const kind of FAILURE_KINDS) expect(summary.failureCounts[kind]).toBeGreaterThan(0);
  });

  it('lists as many objects behind every confusion cell as the matrix counts, the diagonal too', () => {
    let checked = 0;
    for (let row = 0; row <= K; row++)
      for (let col = 0; col <= K; col++) {
        const count = summary.confusion.counts[row * (K + 1) + col]!;
        expect(query({ cell: { row, col } }).total, `cell ${row}, ${col}`).toBe(count);
        if (count > 0) checked++;
      }
    expect(checked).toBeGreaterThan(K);
  });

  it('lists as many objects of each kind as the failure counts say', () => {
    for (const kind of LIST_KINDS) expect(query({ kind }).total, kind).toBe(summary.failureCounts[kind]);
  });

  it('lists each error once among all errors: a confusion is not listed again as a missed object', () => {
    const all = query({}).rows;
    const confusions = all.filter((r) => r.kind === 'confusion' && r.gt >= 0);
    const confusedGt = new Set(confusions.filter((r) => outcomes.gtPred[r.gt] === r.pred).map((r) => r.gt));
    expect(confusedGt.size).toBeGreaterThan(0);
    expect(all.filter((r) => r.kind === 'false-negative' && confusedGt.has(r.gt))).toEqual([]);
    const keys = all.map((r) => `${r.kind}/${r.gt}/${r.pred}`);
    expect(new Set(keys).size).toBe(keys.length);
    const wrongClassMisses = query({ kind: 'false-negative' }).rows.filter((r) => r.reason === 'wrong class');
    expect(all.length).toBe(
      sum(FAILURE_KINDS.map((kind) => summary.failureCounts[kind])) - wrongClassMisses.length,
    );
  });

  it('keeps only rows whose ground truth or prediction is of the class asked for', () => {
    for (let k = 0; k < K; k++) {
      const { rows, total } = query({ category: k });
      expect(rows.length).toBe(total);
      for (const row of rows) {
        const gtClass = row.gt >= 0 ? evaluation.matching.gtCategory[row.gt] : -1;
        const predClass = row.pred >= 0 ? evaluation.matching.predCategory[row.pred] : -1;
        expect(gtClass === k || predClass === k).toBe(true);
      }
    }
    const all = query({}).total;
    expect(sum([...Array(K).keys()].map((k) => query({ category: k }).total))).toBeGreaterThanOrEqual(all);
  });

  it('lists for each score bin as many objects as the histogram bars count', () => {
    const [tp, fp] = summary.scoreHistogram.series;
    summary.scoreHistogram.bins.forEach((bin, i) => {
      const rows = query({ score: bin }).rows;
      expect(rows.every((r) => r.score >= bin.from && r.score < bin.to)).toBe(true);
      expect(rows.length, `false positives in bin ${i}`).toBe(fp!.counts[i]);
      expect(query({ kind: 'true-positive', score: bin }).total, `true positives in bin ${i}`).toBe(
        tp!.counts[i],
      );
    });
  });

  it('lists for each size bin as many objects as the size histogram bars count, per series', () => {
    const [tp, fp, fn] = summary.sizeHistogram.series;
    summary.sizeHistogram.bins.forEach((bin, i) => {
      expect(query({ size: bin }).total, `false positives in size bin ${i}`).toBe(fp!.counts[i]);
      expect(query({ kind: 'true-positive', size: bin }).total, `true positives in size bin ${i}`).toBe(
        tp!.counts[i],
      );
      expect(query({ kind: 'false-negative', size: bin }).total, `misses in size bin ${i}`).toBe(
        fn!.counts[i],
      );
    });
  });

  it('pages through a list without losing or repeating rows', () => {
    const all = query({}).rows;
    const paged = [];
    for (let offset = 0; offset < all.length; offset += 7) {
      const page = queryObjects(evaluation, outcomes, { offset, limit: 7 });
      expect(page.total).toBe(all.length);
      paged.push(...page.rows);
    }
    expect(paged).toEqual(all);
    expect(queryObjects(evaluation, outcomes, {}).rows.length).toBe(Math.min(200, all.length));
  });

  it('has per-class counts that add up to the totals, and histograms that add up to the counts', () => {
    for (const key of ['tp', 'fp', 'fn'] as const)
      expect(sum(summary.classes.map((c) => c.atThreshold[key]))).toBe(summary.total[key]);
    expect(summary.failureCounts['true-positive']).toBe(summary.total.tp);
    expect(summary.scoreHistogram.series.map((s) => [s.label, sum(s.counts)])).toEqual([
      ['true positives', summary.total.tp],
      ['false positives', summary.total.fp],
    ]);
    expect(summary.sizeHistogram.series.map((s) => [s.label, sum(s.counts)])).toEqual([
      ['true positives', summary.total.tp],
      ['false positives', summary.total.fp],
      ['false negatives', summary.total.fn],
    ]);
    expect(summary.gtCount).toBe(summary.total.tp + summary.total.fn);
    expect(summary.imageCount).toBe(12);
    expect(summary.classes.map((c) => c.name)).toEqual(evaluation.categories.map((c) => c.name));
    const verdicts = Array.from(outcomes.predVerdict);
    expect(verdicts.filter((v) => v === VERDICT.truePositive).length).toBe(summary.total.tp);
  });

  it('puts the best-F1 point at the highest F1 of the sweep', () => {
    const best = summary.sweep.best!;
    expect(summary.sweep.points).toContainEqual(best);
    expect(Math.max(...summary.sweep.points.map((p) => p.f1))).toBe(best.f1);
    for (const row of summary.classes) if (row.gtCount > 0) expect(row.bestF1!.f1).toBeGreaterThanOrEqual(0);
  });

  it('has curves at IoU 0.5 and 0.75, plus the chosen IoU when it is neither', () => {
    expect(summary.prCurves.map((c) => c.label)).toEqual(['IoU 0.5', 'IoU 0.75']);
    expect(summary.prCurves.every((c) => c.points.length === 101)).toBe(true);
    expect(summaryAt(evaluation, 5, 0.3).summary.prCurves.map((c) => c.label)).toEqual([
      'IoU 0.5',
      'IoU 0.75',
    ]);
    // 0.9 is 0.8999999999999999 in numpy's linspace: the label shows what the user chose.
    expect(summaryAt(evaluation, 8, 0.3).summary.prCurves.map((c) => c.label)).toEqual([
      'IoU 0.5',
      'IoU 0.75',
      'IoU 0.9',
    ]);
  });

  it('is plain data that survives structured cloning', () => {
    expect(structuredClone(summary)).toEqual(summary);
  });
});
