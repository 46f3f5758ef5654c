import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { outcomeAt, OUTCOME } from './match';
import { COCO_AREA_RANGES, COCO_IOU_THRESHOLDS, parseIouThresholds, TINY_RELATIVE_RANGE } from './params';
import type { Box, EvaluationInput, GroundTruthObject, PredictedObject } from './types';

const gt = (
  id: number,
  imageId: number,
  categoryId: number,
  bbox: Box,
  iscrowd = false,
): GroundTruthObject => ({
  id,
  imageId,
  categoryId,
  bbox,
  area: bbox[2] * bbox[3],
  iscrowd,
});
const pred = (
  id: number,
  imageId: number,
  categoryId: number,
  bbox: Box,
  score: number,
): PredictedObject => ({
  id,
  imageId,
  categoryId,
  bbox,
  score,
});
const input = (
  groundTruth: GroundTruthObject[],
  predictions: PredictedObject[],
  images = [1],
  categories = [1],
): EvaluationInput => ({
  images: images.map((id) => ({ id, width: 640, height: 480 })),
  categories: categories.map((id) => ({ id, name: `class ${id}` })),
  groundTruth,
  predictions,
});

describe('COCO thresholds', () => {
  it('computes the ten IoU thresholds as numpy.linspace does, bit for bit', () => {
    expect(COCO_IOU_THRESHOLDS).toHaveLength(10);
    expect(COCO_IOU_THRESHOLDS[0]).toBe(0.5);
    expect(COCO_IOU_THRESHOLDS[9]).toBe(0.95);
    // np.linspace(.5, .95, 10)[1] is 0.55 exactly as 1 * 0.049999999999999996 + 0.5.
    expect(COCO_IOU_THRESHOLDS[1]).toBe(1 * ((0.95 - 0.5) / 9) + 0.5);
  });

  it('reads the IoU choices a user types', () => {
    expect(parseIouThresholds('0.5:0.95')).toEqual(COCO_IOU_THRESHOLDS);
    expect(parseIouThresholds('0.75,0.5')).toEqual([0.5, 0.75]);
    expect(parseIouThresholds('0.5:0.6:0.1')).toEqual([0.5, 0.6]);
    expect(parseIouThresholds('1.5')).toEqual({ reason: expect.stringContaining('(0, 1]') });
    expect(parseIouThresholds('half')).toEqual({ reason: expect.stringContaining('"half"') });
  });
});

describe('matching rules (cocoeval.py evaluateImg)', () => {
  it('gives a perfect detector AP 1 (to pycocotools’ epsilon) and recall 1', () => {
    const e = evaluate(input([gt(1, 1, 1, [10, 10, 100, 100])], [pred(1, 1, 1, [10, 10, 100, 100], 0.9)]));
    expect(e.stats[0]).toBeCloseTo(1, 12);
    expect(e.stats[8]).toBe(1);
  });

  it('counts a box with IoU 0.62 as a hit at 0.50–0.60 and a miss above: AP = 3/10', () => {
    // Same height, shifted: IoU = 62/100 of the union when the overlap is 76.5% of each box width.
    const box: Box = [0, 0, 100, 100];
    const shift = 100 - (2 * 100 * 0.62) / 1.62; // intersection / union = 0.62
    const e = evaluate(input([gt(1, 1, 1, box)], [pred(1, 1, 1, [shift, 0, 100, 100], 0.9)]));
    expect(e.stats[1]).toBeCloseTo(1, 9); // AP50
    expect(e.stats[2]).toBe(0); // AP75
    expect(e.stats[0]).toBeCloseTo(3 / 10, 9); // hits at 0.50, 0.55, 0.60
  });

  it('lets a crowd region absorb any number of predictions without false positives or a false negative', () => {
    const crowd = gt(1, 1, 1, [0, 0, 400, 400], true);
    const person = gt(2, 1, 1, [500, 10, 50, 100]);
    const inside = [1, 2, 3].map((i) => pred(i, 1, 1, [10 * i, 10 * i, 40, 40], 0.9 - i / 100));
    const e = evaluate(input([crowd, person], [...inside, pred(9, 1, 1, [500, 10, 50, 100], 0.5)]));
    for (let n = 0; n < 3; n++) expect(outcomeAt(e.matching, n, 0, 0)).toBe(OUTCOME.ignored);
    // Only the real person counts, and it is found: AP 1 even though the crowd hits score higher.
    expect(e.stats[1]).toBeCloseTo(1, 9);
    expect(e.perClass[0]!.gtCount).toBe(1);
  });

  it('prefers a real object over a crowd, and never lets a taken object match twice', () => {
    const e = evaluate(
      input(
        [gt(1, 1, 1, [0, 0, 100, 100]), gt(2, 1, 1, [0, 0, 100, 100], true)],
        [pred(1, 1, 1, [0, 0, 100, 100], 0.9), pred(2, 1, 1, [0, 0, 100, 100], 0.8)],
      ),
    );
    expect(outcomeAt(e.matching, 0, 0, 0)).toBe(OUTCOME.truePositive);
    // The second copy cannot take the real object again; the crowd takes it instead (ignored, not FP).
    expect(outcomeAt(e.matching, 1, 0, 0)).toBe(OUTCOME.ignored);
  });

  it('keeps only the 100 highest-scoring predictions per image and class', () => {
    const object = gt(1, 1, 1, [300, 300, 50, 50]);
    const noise = Array.from({ length: 100 }, (_, i) => pred(i + 1, 1, 1, [0, i, 5, 5], 0.9));
    const e = evaluate(input([object], [...noise, pred(101, 1, 1, [300, 300, 50, 50], 0.5)]));
    expect(e.matching.predRank[100]).toBe(-1);
    expect(e.stats[8]).toBe(0); // AR@100: the hit was cut
    const raised = evaluate(input([object], [...noise, pred(101, 1, 1, [300, 300, 50, 50], 0.95)]));
    expect(raised.stats[8]).toBe(1);
  });

  it('breaks equal scores by input order, across images as well', () => {
    const objects = [gt(1, 1, 1, [0, 0, 50, 50])];
    const hit = pred(1, 1, 1, [0, 0, 50, 50], 0.8);
    const miss = pred(2, 2, 1, [0, 0, 50, 50], 0.8);
    // The precision envelope makes the order matter: hit first → precision 1 at recall 1.
    const hitFirst = evaluate(input(objects, [hit, miss], [1, 2]));
    const missFirst = evaluate(input(objects, [miss, hit], [2, 1]));
    expect(hitFirst.stats[1]).toBeCloseTo(1, 9);
    expect(missFirst.stats[1]).toBeCloseTo(0.5, 9);
  });

  it('reports -1 for classes without ground truth and leaves them out of the mean', () => {
    const e = evaluate(
      input(
        [gt(1, 1, 1, [0, 0, 50, 50])],
        [pred(1, 1, 1, [0, 0, 50, 50], 0.9), pred(2, 1, 2, [100, 100, 50, 50], 0.99)],
        [1],
        [1, 2],
      ),
    );
    expect(e.perClass.map((c) => c.ap)).toEqual([expect.closeTo(1, 9), -1]);
    expect(e.stats[0]).toBeCloseTo(1, 9);
  });

  it('counts a prediction on an image without objects as a false positive', () => {
    const e = evaluate(
      input(
        [gt(1, 1, 1, [0, 0, 50, 50])],
        [pred(1, 2, 1, [0, 0, 50, 50], 0.9), pred(2, 1, 1, [0, 0, 50, 50], 0.8)],
        [1, 2],
      ),
    );
    expect(outcomeAt(e.matching, 0, 0, 0)).toBe(OUTCOME.falsePositive);
    expect(e.stats[1]).toBeCloseTo(0.5, 9);
  });

  it('scores each size range with only its objects (small < 32², large > 96²)', () => {
    const small = gt(1, 1, 1, [0, 0, 20, 20]);
    const large = gt(2, 1, 1, [200, 200, 150, 150]);
    const e = evaluate(input([small, large], [pred(1, 1, 1, [200, 200, 150, 150], 0.9)]));
    const [all, sm, , lg] = COCO_AREA_RANGES.map((_, a) => e.apByArea[a]!);
    expect(sm).toBe(0);
    expect(lg).toBeCloseTo(1, 9);
    // Recall 1/2 with precision 1: 51 of the 101 recall points.
    expect(all).toBeCloseTo(51 / 101, 9);
    expect(e.stats[3]).toBe(0);
    expect(e.stats[4]).toBe(-1); // no medium objects
  });

  it('measures size relative to the image when asked: boxes under 5 % of a 640×480 image', () => {
    const tiny = gt(1, 1, 1, [0, 0, 100, 100]); // 3.3 % of the image
    const big = gt(2, 1, 1, [200, 100, 300, 300]); // 29 %
    const e = evaluate(input([tiny, big], [pred(1, 1, 1, [0, 0, 100, 100], 0.9)]), {
      areaRanges: [...COCO_AREA_RANGES, TINY_RELATIVE_RANGE],
    });
    expect(e.apByArea[4]).toBeCloseTo(1, 9);
    expect(e.apByArea[0]).toBeCloseTo(51 / 101, 9);
  });

  it('evaluates at the IoU thresholds asked for', () => {
    const e = evaluate(input([gt(1, 1, 1, [0, 0, 100, 100])], [pred(1, 1, 1, [20, 0, 100, 100], 0.9)]), {
      iouThresholds: [0.5, 0.75],
    });
    // IoU = 80 / 120 = 0.667: a hit at 0.5 only.
    expect(e.perClass[0]!.ap50).toBeCloseTo(1, 9);
    expect(e.perClass[0]!.ap75).toBe(0);
    expect(e.perClass[0]!.ap).toBeCloseTo(0.5, 9);
  });

  it('refuses parameters that cannot be evaluated', () => {
    expect(() => evaluate(input([], []), { iouThresholds: [0.75, 0.5] })).toThrow(/ascending/);
    expect(() => evaluate(input([], []), { maxDets: [0] })).toThrow(/positive/);
  });
});
