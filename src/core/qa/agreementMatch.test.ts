import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import {
  matchAnnotators,
  matchImage,
  pairAgreement,
  type AgreementObject,
  type ImageMatching,
} from './agreementMatch';

const object = (
  id: string,
  imageId: string,
  classId: string,
  box: [number, number, number, number],
): AgreementObject => ({ id, imageId, classId, box });

// Image 1: a identical car (IoU 1), a car b drew half as tall and called a truck (IoU 0.5), a person only
// a drew, a box only b drew. Image 2: a person both drew, b shifted by half a width (IoU 50/150 = 1/3).
const A = [
  object('a1', 'i1', 'car', [0, 0, 10, 10]),
  object('a2', 'i1', 'car', [20, 0, 10, 10]),
  object('a3', 'i1', 'person', [50, 50, 10, 10]),
  object('a4', 'i2', 'person', [0, 0, 10, 10]),
];
const B = [
  object('b1', 'i1', 'car', [0, 0, 10, 10]),
  object('b2', 'i1', 'truck', [20, 0, 10, 5]),
  object('b3', 'i1', 'car', [100, 100, 5, 5]),
  object('b4', 'i2', 'person', [5, 0, 10, 10]),
];
const ids = (objects: readonly AgreementObject[]) => objects.map((o) => o.id);

describe('matchAnnotators', () => {
  it('pairs objects at IoU ≥ the threshold regardless of class, and lists the rest per annotator', () => {
    const matching = matchAnnotators(A, B, 0.5);
    expect(matching.matched.map((p) => [p.a.id, p.b.id, p.iou, p.sameClass])).toEqual([
      ['a1', 'b1', 1, true],
      ['a2', 'b2', 0.5, false],
    ]);
    expect(ids(matching.unmatchedA)).toEqual(['a3', 'a4']);
    expect(ids(matching.unmatchedB)).toEqual(['b3', 'b4']);
  });

  it('matches the shifted box once the threshold is below its IoU of 1/3', () => {
    const matching = matchAnnotators(A, B, 0.3);
    expect(matching.matched.map((p) => p.b.id)).toEqual(['b1', 'b2', 'b4']);
    expect(matching.matched[2]!.iou).toBeCloseTo(1 / 3, 12);
  });

  it('never pairs objects on different images', () => {
    const matching = matchAnnotators(
      [object('a', 'i1', 'car', [0, 0, 10, 10])],
      [object('b', 'i2', 'car', [0, 0, 10, 10])],
      0.5,
    );
    expect(matching.matched).toEqual([]);
  });

  it('takes the highest-IoU pair first, not the first object in the list', () => {
    // IoU(x, p) = 80/120 = 0.667, IoU(y, p) = 90/110 = 0.818: p goes to y although x comes first.
    const matching = matchAnnotators(
      [object('x', 'i', 'car', [0, 0, 10, 10]), object('y', 'i', 'car', [3, 0, 10, 10])],
      [object('p', 'i', 'car', [2, 0, 10, 10])],
      0.5,
    );
    expect(matching.matched.map((p) => [p.a.id, p.b.id])).toEqual([['y', 'p']]);
    expect(matching.matched[0]!.iou).toBeCloseTo(9 / 11, 12);
    expect(ids(matching.unmatchedA)).toEqual(['x']);
  });

  it('rejects a threshold outside (0, 1]', () => {
    expect(() => matchAnnotators(A, B, 0)).toThrow(RangeError);
    expect(() => matchAnnotators(A, B, 1.5)).toThrow(RangeError);
  });
});

describe('pairAgreement', () => {
  it('counts 2 of 4 objects matched each way, mean IoU 0.75 and one class disagreement of two', () => {
    const result = pairAgreement(A, B, 0.5);
    expect(result).toMatchObject({ countA: 4, countB: 4, matchedCount: 2 });
    expect(result.precision).toBe(0.5);
    expect(result.recall).toBe(0.5);
    expect(result.f1).toBe(0.5);
    expect(result.meanIou).toBe(0.75);
    expect(result.classAgreement.agreed).toBe(1);
    expect(result.classAgreement.fraction).toBe(0.5);
    // a says car, car; b says car, truck: po = 0.5, pe = 1·0.5 = 0.5, κ = 0.
    expect(result.classAgreement.kappa).toEqual({ kappa: 0, observed: 0.5, expected: 0.5, n: 2 });
  });

  it('separates precision from recall when the annotators drew different numbers of objects', () => {
    // b drew only the identical car: all of b is in a (precision 1), a quarter of a is in b (recall 0.25).
    const result = pairAgreement(A, [B[0]!], 0.5);
    expect(result.precision).toBe(1);
    expect(result.recall).toBe(0.25);
    expect(result.f1).toBeCloseTo(0.4, 12);
    expect(result.classAgreement.kappa.kappa).toBe(1);
  });

  it('leaves ratios of nothing undefined (NaN) rather than 0 or 1', () => {
    const result = pairAgreement(A, [], 0.5);
    expect(result.precision).toBeNaN();
    expect(result.recall).toBe(0);
    expect(result.meanIou).toBeNaN();
    expect(result.classAgreement.fraction).toBeNaN();
    expect(result.classAgreement.kappa.kappa).toBeNaN();
  });
});

const box = (x: number, y: number, width = 10, height = 10): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});
const image = { width: 100, height: 100 };
/** Clusters as lists of `annotator:object` positions. */
const clustersOf = (matching: ImageMatching) =>
  matching.clusters.map((c) => c.members.map((m) => `${m.rater}:${m.object}`));

describe('matchImage', () => {
  it('with two annotators, makes clusters of exactly the pair matches, taking the highest IoU first', () => {
    // x = A's 0, y = A's 1, p = B's 0: IoU(x, p) = 0.667, IoU(y, p) = 0.818, so p joins y.
    const matching = matchImage([[box(0, 0), box(3, 0)], [box(2, 0)]], image, 0.5);
    expect(matching.pairs).toHaveLength(1);
    expect(matching.pairs[0]!.matched.map((m) => [m.a, m.b])).toEqual([[1, 0]]);
    expect(matching.pairs[0]!.matched[0]!.iou).toBeCloseTo(9 / 11, 12);
    expect(clustersOf(matching)).toEqual([['0:0'], ['0:1', '1:0']]);
    expect(matching.clusters[0]!.meanIou).toBeNaN();
    expect(matching.clusters[1]!.meanIou).toBeCloseTo(9 / 11, 12);
  });

  it('joins three annotators’ boxes into one cluster and averages IoU over all three pairs', () => {
    // Shifts of 0, 1 and 2 px: IoU 90/110 between neighbours, 80/120 between the outer two.
    const matching = matchImage([[box(0, 0)], [box(1, 0)], [box(2, 0)]], image, 0.5);
    expect(clustersOf(matching)).toEqual([['0:0', '1:0', '2:0']]);
    expect(matching.clusters[0]!.meanIou).toBeCloseTo((9 / 11 + 9 / 11 + 2 / 3) / 3, 12);
    // The middle box is the closest to the other two.
    expect(matching.clusters[0]!.members.map((m) => m.meanIou)).toEqual([
      expect.closeTo((9 / 11 + 2 / 3) / 2, 12),
      expect.closeTo(9 / 11, 12),
      expect.closeTo((9 / 11 + 2 / 3) / 2, 12),
    ]);
    expect(matching.pairs.map((p) => [p.a, p.b, p.matched.length])).toEqual([
      [0, 1, 1],
      [0, 2, 1],
      [1, 2, 1],
    ]);
  });

  it('never puts two objects of one annotator in a cluster, even when a third annotator links them', () => {
    // A drew two boxes 8 px apart; B copied the left one and C the right one (IoU 1 each). At IoU ≥ 0.1,
    // B's box also matches C's (20/180): B and C pair up, but their clusters stay apart because of A.
    const matching = matchImage([[box(0, 0), box(8, 0)], [box(0, 0)], [box(8, 0)]], image, 0.1);
    expect(clustersOf(matching)).toEqual([
      ['0:0', '1:0'],
      ['0:1', '2:0'],
    ]);
    expect(matching.pairs[2]!.matched.map((m) => [m.a, m.b])).toEqual([[0, 0]]);
  });

  it('matches a polygon to the box around the same pixels', () => {
    const square: Geometry = {
      kind: 'polygon',
      points: [
        { x: 10, y: 10 },
        { x: 20, y: 10 },
        { x: 20, y: 20 },
        { x: 10, y: 20 },
      ],
    };
    const matching = matchImage([[square], [box(10, 10)]], image, 0.5);
    expect(matching.pairs[0]!.matched).toEqual([{ a: 0, b: 0, iou: 1 }]);
  });

  it('rejects a threshold outside (0, 1]', () => {
    expect(() => matchImage([[], []], image, 0)).toThrow(RangeError);
  });
});
