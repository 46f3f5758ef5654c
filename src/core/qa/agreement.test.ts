import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { agreementReport, attributeCategory } from './agreement';
import { box, label, labelSet as set } from './testFixtures';

/*
 * Alice and Bob on three 100 × 100 images:
 * - i1: a car both drew alike (IoU 1); a car Bob drew half as tall and called a truck (IoU 0.5, at the
 *   threshold); a person only Alice drew.
 * - i2: a person Bob drew 8 px short (IoU 0.8); a car only Bob drew.
 * - i3: a car both drew alike (IoU 1).
 * Matched pairs: 4 of Alice's 5 and of Bob's 5, so P = R = F1 = 0.8; mean IoU (1 + 0.5 + 0.8 + 1) / 4 = 0.825.
 */
const twoAnnotators = [
  set('alice', 'i1', [label('car', box(0, 0)), label('car', box(20, 0)), label('person', box(50, 50))]),
  set('bob', 'i1', [label('car', box(0, 0)), label('truck', box(20, 0, 10, 5))]),
  set('alice', 'i2', [label('person', box(0, 0))]),
  set('bob', 'i2', [label('person', box(0, 0, 10, 8)), label('car', box(60, 60))]),
  set('alice', 'i3', [label('car', box(0, 0, 20, 20))]),
  set('bob', 'i3', [label('car', box(0, 0, 20, 20))]),
];

describe('agreementReport: two annotators', () => {
  const report = agreementReport(twoAnnotators);

  it('measures the pair: P = R = F1 = 0.8, mean IoU 0.825, 3 of 4 classes alike, Cohen’s κ 5/9', () => {
    expect(report.pairs).toHaveLength(1);
    const pair = report.pairs[0]!;
    expect(pair).toMatchObject({ a: 'alice', b: 'bob', images: 3, objectsA: 5, objectsB: 5, matched: 4 });
    expect(pair.precision).toBeCloseTo(0.8, 12);
    expect(pair.recall).toBeCloseTo(0.8, 12);
    expect(pair.f1).toBeCloseTo(0.8, 12);
    expect(pair.meanIou).toBeCloseTo(0.825, 12);
    expect(pair.classAgreement).toBe(0.75);
    // Alice: car ×3, person; Bob: car ×2, truck, person. po = 3/4, pe = 3/4·2/4 + 1/4·1/4 = 7/16.
    expect(pair.cohensKappa.kappa).toBeCloseTo((12 / 16 - 7 / 16) / (9 / 16), 12);
  });

  it('computes alpha over clusters with ∅ for an object one annotator did not draw, and Fleiss over the rest', () => {
    // Units: car/car, car/truck, person/∅, person/person, ∅/car, car/car. n = 12, 6 values agree;
    // marginals car 6, person 3, ∅ 2, truck 1: α = 1 − 11·6 / (144 − 50) = 14/47.
    const { krippendorffAlpha, fleissKappa } = report.overall;
    expect(krippendorffAlpha.alpha).toBeCloseTo(14 / 47, 12);
    expect(krippendorffAlpha.units).toBe(6);
    // Objects both drew: car/car, car/truck, person/person, car/car. P̄ = 3/4; p = 5/8, 1/8, 2/8 so P̄e = 30/64.
    expect(fleissKappa.subjects).toBe(4);
    expect(fleissKappa.kappa).toBeCloseTo((3 / 4 - 30 / 64) / (1 - 30 / 64), 12);
    expect(report.overall.images).toBe(3);
    expect(report.overall.meanF1).toBeCloseTo(0.8, 12);
    expect(report.overall.meanIou).toBeCloseTo(0.825, 12);
  });

  it('lists images worst first by mean F1 × class agreement', () => {
    // i1: F1 2·2/5 = 0.8, classes 1 of 2 alike → 0.4. i2: F1 2·1/3, classes alike → 2/3. i3: 1.
    expect(report.perImage.map((i) => i.imageId)).toEqual(['i1', 'i2', 'i3']);
    const [i1, i2, i3] = report.perImage;
    expect(i1).toMatchObject({ annotators: ['alice', 'bob'], objects: 5, classDisagreements: 1 });
    expect(i1!.score).toBeCloseTo(0.4, 12);
    expect(i1!.meanIou).toBeCloseTo(0.75, 12);
    expect(i2!.score).toBeCloseTo(2 / 3, 12);
    expect(i2!.meanIou).toBeCloseTo(0.8, 12);
    expect(i3).toMatchObject({ meanF1: 1, meanIou: 1, classDisagreements: 0, score: 1 });
  });

  it('gives per class an F1 of objects matched with the same class, and each annotator’s share of them', () => {
    const byClass = Object.fromEntries(report.perClass.map((c) => [c.classId, c]));
    expect(report.perClass.map((c) => c.classId)).toEqual(['car', 'person', 'truck']);
    // 6 cars (3 each), 2 matched car/car pairs: F1 = 2·2 / 6.
    expect(byClass.car!.objects).toBe(6);
    expect(byClass.car!.f1).toBeCloseTo(2 / 3, 12);
    expect(byClass.car!.byAnnotator.map((a) => [a.annotator, a.objects, a.agreement])).toEqual([
      ['alice', 3, 2 / 3],
      ['bob', 3, 2 / 3],
    ]);
    // Alice's two people, one Bob drew too; Bob's one person, matched.
    expect(byClass.person!.f1).toBeCloseTo(2 / 3, 12);
    expect(byClass.person!.byAnnotator.map((a) => a.agreement)).toEqual([0.5, 1]);
    expect(byClass.truck!.f1).toBe(0);
    expect(byClass.truck!.byAnnotator[0]!.agreement).toBeNaN();
  });

  it('sums up each annotator, with no gold section when no gold was given', () => {
    expect(report.annotators).toEqual(['alice', 'bob']);
    const alice = report.perAnnotator[0]!;
    expect(alice).toMatchObject({ annotator: 'alice', images: 3, objects: 5, sharedImages: 3, gold: null });
    expect(alice.meanF1).toBeCloseTo(0.8, 12);
    expect(alice.meanIou).toBeCloseTo(0.825, 12);
    expect(alice.classAgreement).toBe(0.75);
  });

  it('serialises to JSON with undefined ratios as null', () => {
    const json = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(json.perClass[2]!.byAnnotator[0]!.agreement).toBeNull();
    expect(json.pairs[0]!.matched).toBe(4);
  });
});

describe('agreementReport: gold', () => {
  it('scores each annotator against gold labels, including gold images no one else labeled', () => {
    const gold = [
      set('gold', 'i1', [label('car', box(0, 0)), label('car', box(20, 0)), label('person', box(50, 50))]),
      set('gold', 'i9', [label('car', box(0, 0))]),
    ];
    const report = agreementReport([...twoAnnotators, set('bob', 'i9', [label('car', box(0, 0))])], { gold });
    const [alice, bob] = report.perAnnotator;
    // Alice's i1 is the gold itself.
    expect(alice!.gold).toEqual({
      images: 1,
      objects: 3,
      goldObjects: 3,
      matched: 3,
      precision: 1,
      recall: 1,
      f1: 1,
      classAccuracy: 1,
      meanIou: 1,
    });
    // Bob: i1 matches 2 of 3 (IoU 1 and 0.5, one called truck), i9 matches 1 of 1.
    expect(bob!.gold).toMatchObject({ images: 2, objects: 3, goldObjects: 4, matched: 3, precision: 1 });
    expect(bob!.gold!.recall).toBe(0.75);
    expect(bob!.gold!.f1).toBeCloseTo(6 / 7, 12);
    expect(bob!.gold!.classAccuracy).toBeCloseTo(2 / 3, 12);
    expect(bob!.gold!.meanIou).toBeCloseTo(2.5 / 3, 12);
    // i9 has one annotator: it counts for Bob's images and gold, not for agreement.
    expect(bob).toMatchObject({ images: 4, sharedImages: 3 });
    expect(report.perImage.map((i) => i.imageId)).not.toContain('i9');
  });
});

describe('agreementReport: three annotators', () => {
  // j1: all three drew one object, Bea called it a truck. j2 (Cy did not label it): Ann and Bea drew a car
  // alike; Ann also drew a person Bea did not.
  const report = agreementReport([
    set('ann', 'j1', [label('car', box(0, 0))]),
    set('bea', 'j1', [label('truck', box(1, 0))]),
    set('cy', 'j1', [label('car', box(0, 1))]),
    set('ann', 'j2', [label('car', box(0, 0)), label('person', box(50, 50))]),
    set('bea', 'j2', [label('car', box(0, 0))]),
  ]);

  it('treats an annotator who did not label an image as missing in alpha, not as ∅', () => {
    // Units car/truck/car, car/car, person/∅: n = 7, 3 agreeing values (1 + 2), marginals car 4 and three
    // singles: α = 1 − 6·4 / (49 − 19) = 0.2.
    expect(report.overall.krippendorffAlpha.alpha).toBeCloseTo(0.2, 12);
    expect(report.overall.krippendorffAlpha.pairableValues).toBe(7);
  });

  it('computes Fleiss’ kappa over the units with the most common number of raters (ties: the most raters)', () => {
    // One unit with 3 raters (car 2, truck 1) and one with 2: the 3-rater unit. P̄ = 2/6, P̄e = 4/9 + 1/9.
    expect(report.overall.fleissKappa).toMatchObject({ subjects: 1, raters: 3 });
    expect(report.overall.fleissKappa.kappa).toBeCloseTo((1 / 3 - 5 / 9) / (1 - 5 / 9), 12);
  });

  it('reports every pair on the images they share', () => {
    expect(report.pairs.map((p) => [p.a, p.b, p.images, p.matched, p.classAgreement])).toEqual([
      ['ann', 'bea', 2, 2, 0.5],
      ['ann', 'cy', 1, 1, 1],
      ['bea', 'cy', 1, 1, 0],
    ]);
    expect(report.perAnnotator.map((a) => [a.annotator, a.images, a.sharedImages])).toEqual([
      ['ann', 2, 2],
      ['bea', 2, 2],
      ['cy', 1, 1],
    ]);
  });

  it('puts the image with the missing person and the renamed car below the image both drew alike', () => {
    // j1: all pairs F1 1, class agreement 1 of 3 pairs. j2: F1 2·1/3, classes alike.
    expect(report.perImage.map((i) => [i.imageId, i.score])).toEqual([
      ['j1', expect.closeTo(1 / 3, 12)],
      ['j2', expect.closeTo(2 / 3, 12)],
    ]);
  });
});

describe('agreementReport: attributes and shapes', () => {
  const cars = (annotator: string, colors: string[], tags: string[]) =>
    set(
      annotator,
      'k1',
      colors.map((color, k) => label('car', box(k * 20, 0), k === 0 ? { color, tags } : { color })),
    );

  it('measures each attribute over matched objects; multi-choice values compare regardless of order', () => {
    const report = agreementReport([
      cars('ann', ['red', 'red', 'blue'], ['a', 'b']),
      cars('bea', ['red', 'blue', 'blue'], ['b', 'a']),
    ]);
    const [color, tags] = report.attributes;
    expect(color!.attributeId).toBe('color');
    // Units red/red, red/blue, blue/blue: n = 6, 4 agreeing; marginals 3 and 3: α = 1 − 5·2 / (36 − 18).
    expect(color!.krippendorffAlpha.alpha).toBeCloseTo(4 / 9, 12);
    expect(color).toMatchObject({ pairs: 3, agreed: 2 / 3 });
    expect(tags).toMatchObject({ attributeId: 'tags', pairs: 1, agreed: 1 });
    expect(attributeCategory(['b', 'a'])).toBe(attributeCategory(['a', 'b']));
  });

  it('compares only the attributes asked for', () => {
    const report = agreementReport([cars('ann', ['red'], ['a']), cars('bea', ['blue'], ['a'])], {
      attributes: ['color'],
    });
    expect(report.attributes.map((a) => [a.attributeId, a.pairs, a.agreed])).toEqual([['color', 1, 0]]);
  });

  it('matches a polygon one annotator traced with the box another drew around it', () => {
    const traced: Geometry = {
      kind: 'polygon',
      points: [
        { x: 10, y: 10 },
        { x: 30, y: 10 },
        { x: 30, y: 30 },
        { x: 10, y: 30 },
      ],
    };
    const report = agreementReport([
      set('ann', 'p1', [label('car', traced)]),
      set('bea', 'p1', [label('car', box(10, 10, 20, 20))]),
    ]);
    expect(report.pairs[0]).toMatchObject({ matched: 1, f1: 1, meanIou: 1 });
  });
});

describe('agreementReport: input', () => {
  it('leaves out images only one annotator labeled and reports nothing undefined as a number', () => {
    const report = agreementReport([set('ann', 'x', [label('car', box(0, 0))])]);
    expect(report.perImage).toEqual([]);
    expect(report.pairs).toEqual([]);
    expect(report.overall.krippendorffAlpha.alpha).toBeNaN();
    expect(report.overall.fleissKappa.kappa).toBeNaN();
    expect(report.perAnnotator[0]).toMatchObject({ images: 1, objects: 1, sharedImages: 0 });
  });

  it('gives an image both annotators left empty F1 1 and no units', () => {
    const report = agreementReport([set('ann', 'e', []), set('bea', 'e', [])]);
    expect(report.perImage[0]).toMatchObject({ meanF1: 1, score: 1, objects: 0 });
    expect(report.overall.krippendorffAlpha.units).toBe(0);
  });

  it('refuses two label sets of one annotator for one image', () => {
    expect(() => agreementReport([set('ann', 'x', []), set('ann', 'x', [])])).toThrow(RangeError);
  });
});
