import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classificationUncertainty,
  detectionUncertainty,
  rankImages,
  runDisagreement,
  type Detection,
} from './uncertainty';

const H_09 = -0.9 * Math.log2(0.9) - 0.1 * Math.log2(0.1); // 0.46900
const H_03 = -0.3 * Math.log2(0.3) - 0.7 * Math.log2(0.7); // 0.88129

const box = (classId: string, x: number, y: number, w: number, h: number, score = 0.5): Detection => ({
  classId,
  box: [x, y, w, h],
  score,
});

describe('detectionUncertainty', () => {
  it('gives 1 bit for a coin-flip confidence and 0.469 bits for 0.9', () => {
    expect(detectionUncertainty([0.5])).toEqual({ entropy: 1, ambiguous: 1, score: 1 });
    expect(H_09).toBeCloseTo(0.469, 3);
    expect(detectionUncertainty([0.9]).entropy).toBeCloseTo(H_09, 12);
    expect(detectionUncertainty([0.1]).entropy).toBeCloseTo(H_09, 12);
  });

  it('sums entropies into the score, averages them into entropy, and counts the band with its ends', () => {
    const result = detectionUncertainty([0.5, 0.9, 1, 0.3]);
    expect(result.score).toBeCloseTo(1 + H_09 + 0 + H_03, 12); // 2.35029
    expect(result.entropy).toBeCloseTo((1 + H_09 + H_03) / 4, 12); // 0.58757
    expect(result.ambiguous).toBe(2); // 0.5 and 0.3 (the band's lower end)
    expect(detectionUncertainty([0.5, 0.9, 1, 0.3], [0.4, 0.95]).ambiguous).toBe(2);
  });

  it('ranks five coin-flip boxes above one, which the mean would tie', () => {
    const five = detectionUncertainty([0.5, 0.5, 0.5, 0.5, 0.5]);
    const one = detectionUncertainty([0.5]);
    expect(five.entropy).toBe(one.entropy);
    expect(five.score).toBe(5);
    expect(one.score).toBe(1);
  });

  it('scores an image without detections 0', () => {
    expect(detectionUncertainty([])).toEqual({ entropy: 0, ambiguous: 0, score: 0 });
  });

  it('rejects confidences outside [0, 1] and an empty band', () => {
    expect(() => detectionUncertainty([1.2])).toThrow(RangeError);
    expect(() => detectionUncertainty([NaN])).toThrow(RangeError);
    expect(() => detectionUncertainty([0.5], [0.7, 0.3])).toThrow(RangeError);
  });
});

describe('classificationUncertainty', () => {
  it('takes the margin between the two best scores and the entropy of the distribution', () => {
    const result = classificationUncertainty([0.1, 0.6, 0.3]);
    expect(result.margin).toBeCloseTo(0.3, 12);
    expect(result.score).toBeCloseTo(0.7, 12);
    // −(0.6 log₂ 0.6 + 0.3 log₂ 0.3 + 0.1 log₂ 0.1) = 1.29546
    expect(result.entropy).toBeCloseTo(1.29546, 5);
  });

  it('normalises scores for the entropy but uses them as given for the margin', () => {
    expect(classificationUncertainty([2, 1, 1])).toEqual({ margin: 1, entropy: 1.5, score: 0 });
  });

  it('gives a tie at the top margin 0 (score 1) and a single class margin = its score', () => {
    expect(classificationUncertainty([0.4, 0.4, 0.2]).score).toBe(1);
    expect(classificationUncertainty([0.8])).toEqual({ margin: 0.8, entropy: 0, score: 1 - 0.8 });
  });

  it('takes all-zero scores as uniform: log₂(classes) bits', () => {
    expect(classificationUncertainty([0, 0, 0, 0]).entropy).toBe(2);
  });

  it('rejects no scores and negative scores', () => {
    expect(() => classificationUncertainty([])).toThrow(RangeError);
    expect(() => classificationUncertainty([0.5, -0.1])).toThrow(RangeError);
  });
});

describe('runDisagreement', () => {
  const run: Detection[] = [
    box('car', 0, 0, 100, 50, 0.9),
    box('car', 200, 0, 50, 50, 0.8),
    box('person', 0, 100, 20, 60, 0.7),
  ];

  it('is 0 for identical runs and for two empty runs', () => {
    expect(runDisagreement(run, run)).toBe(0);
    expect(runDisagreement([], [])).toBe(0);
  });

  it('is 1 for disjoint runs, a run against nothing, and the same boxes with other classes', () => {
    expect(runDisagreement(run, [box('car', 500, 500, 10, 10)])).toBe(1);
    expect(runDisagreement(run, [])).toBe(1);
    expect(runDisagreement([], run)).toBe(1);
    expect(runDisagreement(run.slice(0, 1), [{ ...run[0]!, classId: 'truck' }])).toBe(1);
  });

  it('is 1 − 2·1/(2 + 1) = 1/3 when one of two boxes is found', () => {
    expect(runDisagreement(run.slice(0, 2), run.slice(0, 1))).toBeCloseTo(1 / 3, 12);
    expect(runDisagreement(run.slice(0, 1), run.slice(0, 2))).toBeCloseTo(1 / 3, 12);
  });

  it('is 1 − 2·2/(3 + 3) = 1/3 when two of three boxes match on each side', () => {
    const other = [run[0]!, run[1]!, box('person', 300, 300, 20, 60, 0.7)];
    expect(runDisagreement(run, other)).toBeCloseTo(1 / 3, 12);
  });

  it('matches at an IoU equal to the threshold, not below it', () => {
    const a = [box('car', 0, 0, 10, 10)];
    const b = [box('car', 0, 0, 10, 5)]; // IoU 50 / 100 = 0.5
    expect(runDisagreement(a, b, 0.5)).toBe(0);
    expect(runDisagreement(a, b, 0.51)).toBe(1);
  });

  it('matches greedily by descending score like COCO: a confident box takes its best match first', () => {
    // b0 and b1 overlap; a's confident box fits b0 best (IoU 8/12) and b1 too (7/13), its weak box only b0.
    const b = [box('car', 0, 0, 10, 10), box('car', 0, 5, 10, 10)];
    const confidentFirst = [box('car', 0, 0, 10, 10, 0.2), box('car', 0, 2, 10, 10, 0.9)];
    expect(runDisagreement(confidentFirst, b)).toBeCloseTo(1 - (2 * 1) / 4, 12);
    const weakFirst = [box('car', 0, 0, 10, 10, 0.9), box('car', 0, 2, 10, 10, 0.2)];
    expect(runDisagreement(weakFirst, b)).toBe(0);
  });

  it('stays within [0, 1] and is 0 against itself on random runs (fast-check)', () => {
    const detection = fc.record({
      classId: fc.constantFrom('a', 'b'),
      box: fc.tuple(fc.nat(50), fc.nat(50), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 })),
      score: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(detection, { maxLength: 12 }), fc.array(detection, { maxLength: 12 }), (a, b) => {
        const d = runDisagreement(a, b);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        expect(runDisagreement(a, a)).toBe(0);
      }),
    );
  });
});

describe('rankImages', () => {
  it('orders by descending score, keeping input order among equal scores, unscorable (NaN) last', () => {
    const images = [
      { id: 'a', score: 1 },
      { id: 'b', score: NaN },
      { id: 'c', score: 3 },
      { id: 'd', score: 1 },
      { id: 'e', score: 3 },
      { id: 'f', score: -Infinity },
    ];
    expect(rankImages(images, (image) => image.score).map((image) => image.id)).toEqual([
      'c',
      'e',
      'a',
      'd',
      'f',
      'b',
    ]);
  });

  it('calls the score function once per item and leaves the input alone', () => {
    const items = [3, 1, 2];
    let calls = 0;
    const ranked = rankImages(items, (x) => {
      calls++;
      return x;
    });
    expect(ranked).toEqual([3, 2, 1]);
    expect(items).toEqual([3, 1, 2]);
    expect(calls).toBe(3);
  });
});
