/** Consistency checks over a project: each check on a case that triggers it and a near case that does not. */

import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationId, AttributeValues, Geometry } from '../annotations/types';
import type { AnnotationSchema } from '../schema/types';
import { CONSISTENCY_CHECKS, checkConsistency, type ConsistencyImage, type Finding } from './consistency';

let next = 0;
const object = (
  classId: string,
  geometry: Geometry,
  by = 'alice',
  attributes: AttributeValues = {},
): Annotation => ({
  id: `a${++next}` as AnnotationId,
  classId,
  geometry,
  attributes,
  schemaVersion: 1,
  createdBy: 'importer',
  createdAt: 0,
  updatedBy: by,
  updatedAt: 0,
});
const box = (x: number, y: number, width: number, height: number): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});
const image = (imageId: string, annotations: Annotation[], extra: Partial<ConsistencyImage> = {}) => ({
  imageId,
  width: 1000,
  height: 1000,
  annotations,
  ...extra,
});
const of = (findings: readonly Finding[], check: Finding['check']) =>
  findings.filter((f) => f.check === check);

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'traffic',
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: false },
  classes: [
    {
      id: 'car',
      name: 'Car',
      color: '#ff0000',
      geometries: ['box'],
      attributes: [{ id: 'occluded', name: 'occluded', type: 'boolean', required: true }],
      constraints: { minBoxWidth: 10, minBoxHeight: 10 },
    },
  ],
};

describe('checkConsistency: objects on one image', () => {
  it('reports two same-class boxes at IoU 0.91 once as a pair, but not at 0.89 or across classes', () => {
    // 100×100 boxes shifted by d overlap (100 − d)·100 / (100·100 + d·100): d = 4.7 → 0.910, d = 5.8 → 0.890.
    const a = object('car', box(100, 100, 100, 100));
    const b = object('car', box(104.7, 100, 100, 100));
    const c = object('car', box(500, 500, 100, 100));
    const d = object('car', box(505.8, 500, 100, 100));
    const e = object('bus', box(100, 100, 100, 100));
    const { findings } = checkConsistency([image('img1', [a, b, c, d, e])]);
    const duplicates = of(findings, 'duplicate-object');
    expect(duplicates.map((f) => f.annotationIds)).toEqual([[a.id, b.id]]);
    expect(duplicates[0]!.value).toBeCloseTo(0.91, 2);
    expect(duplicates[0]!.severity).toBe('error');
    expect(duplicates[0]!.message).toMatch(/Two car objects overlap almost completely \(IoU 0\.91\)/);
  });

  it('says which edge a box touches within the margin, and leaves a box 2 px inside alone', () => {
    const touching = object('car', box(0.5, 300, 50, 50));
    const corner = object('car', box(960, 0, 40, 40));
    const inside = object('car', box(2, 2, 50, 50));
    const { findings } = checkConsistency([image('img1', [touching, corner, inside])]);
    const border = of(findings, 'touches-border');
    expect(border.map((f) => [f.annotationIds[0], f.message])).toEqual([
      [touching.id, 'Box of car touches the left edge'],
      [corner.id, 'Box of car touches the top and right edges'],
    ]);
    expect(border.every((f) => f.severity === 'info')).toBe(true);
  });

  it("reports boxes below the schema's minimum size, and not one exactly at it", () => {
    const small = object('car', box(100, 100, 9, 20), 'alice', { occluded: false });
    const enough = object('car', box(300, 100, 10, 10), 'alice', { occluded: false });
    const { findings } = checkConsistency([image('img1', [small, enough])], { schema });
    expect(of(findings, 'below-min-size').map((f) => [f.annotationIds[0], f.message])).toEqual([
      [small.id, 'Box 9×20 px is smaller than the minimum 10×10 px for Car'],
    ]);
  });

  it('reports a missing required attribute by name, and not a present false', () => {
    const missing = object('car', box(100, 100, 50, 50));
    const given = object('car', box(300, 100, 50, 50), 'alice', { occluded: false });
    const { findings } = checkConsistency([image('img1', [missing, given])], { schema: schema });
    expect(of(findings, 'missing-required-attribute').map((f) => [f.annotationIds[0], f.message])).toEqual([
      [missing.id, 'Car has no occluded'],
    ]);
  });

  it('skips the schema checks without a schema', () => {
    const { counts } = checkConsistency([image('img1', [object('car', box(100, 100, 2, 2))])]);
    expect(counts['below-min-size']).toBe(0);
    expect(counts['missing-required-attribute']).toBe(0);
  });
});

describe('checkConsistency: size and shape against the class', () => {
  // Eight 20×20 cars, one per image, so Q1 = Q3 and any other size lies outside the fences.
  const usual = () =>
    Array.from({ length: 8 }, (_, i) => image(`u${i}`, [object('car', box(100, 100, 20, 20))]));

  it('reports a box 100× the usual area and one 4× wider than usual, with the ratio', () => {
    const huge = object('car', box(100, 100, 200, 200));
    const wide = object('car', box(100, 100, 40, 10));
    const { findings } = checkConsistency([...usual(), image('x1', [huge]), image('x2', [wide])]);
    expect(of(findings, 'size-outlier').map((f) => [f.annotationIds[0], f.message])).toEqual([
      [huge.id, 'Box 100.0× larger than usual for car'],
    ]);
    expect(of(findings, 'size-outlier')[0]!.value).toBeCloseTo(100, 9);
    expect(of(findings, 'aspect-outlier').map((f) => [f.annotationIds[0], f.message])).toEqual([
      [wide.id, 'Box 4.0× wider than usual for car'],
    ]);
  });

  it('judges no class with fewer than 8 objects', () => {
    const images = usual().slice(0, 6);
    images.push(image('x1', [object('car', box(100, 100, 200, 200))]));
    const { counts } = checkConsistency(images);
    expect(counts['size-outlier']).toBe(0);
    expect(counts['aspect-outlier']).toBe(0);
  });

  it('compares each class only with itself', () => {
    const images = usual();
    for (let i = 0; i < 8; i++) images.push(image(`t${i}`, [object('truck', box(100, 100, 200, 200))]));
    expect(checkConsistency(images).counts['size-outlier']).toBe(0);
  });
});

describe('checkConsistency: look-alike images', () => {
  const car = () => object('car', box(100, 100, 50, 50));
  const person = () => object('person', box(300, 100, 20, 60));

  it('reports images 4 bits apart labeled differently, not 9 bits apart, nor alike labeled alike', () => {
    const { findings } = checkConsistency([
      image('a', [car(), person()], { dhash: '0000000000000000' }),
      image('b', [car(), car()], { dhash: '000000000000000f' }), // 4 bits from a
      image('c', [car()], { dhash: 'ffff00000001ff00' }), // 9 bits from d
      image('d', [car(), car()], { dhash: 'ffff000000000000' }),
      image('e', [car(), person()], { dhash: '0000000000000001' }), // 1 bit from a, same labels
    ]);
    const pairs = of(findings, 'near-duplicate-labeled-differently');
    expect(pairs.map((f) => [f.imageId, f.otherImageId, f.value])).toEqual([
      ['a', 'b', 4],
      ['b', 'e', 3],
    ]);
    expect(pairs[0]!.message).toBe(
      'Looks like b (4 bits apart) but labeled differently: car, person vs 2 × car',
    );
  });

  it('counts a different number of the same class as labeled differently', () => {
    const { findings } = checkConsistency([
      image('a', [car()], { dhash: 'abcdef0123456789' }),
      image('b', [car(), car()], { dhash: 'ABCDEF0123456789' }),
    ]);
    expect(of(findings, 'near-duplicate-labeled-differently').map((f) => f.value)).toEqual([0]);
  });
});

describe('checkConsistency: annotators', () => {
  /** `images` images, each with the given objects from alice and from bob, all 50×50 unless sized. */
  const shared = (
    images: number,
    alice: [string, number][],
    bob: [string, number][],
    aliceSide = 50,
  ): ConsistencyImage[] =>
    Array.from({ length: images }, (_, m) =>
      image(`img${String(m).padStart(2, '0')}`, [
        ...alice.flatMap(([cls, n]) =>
          Array.from({ length: n }, () => object(cls, box(100, 100, aliceSide, aliceSide), 'alice')),
        ),
        ...bob.flatMap(([cls, n]) =>
          Array.from({ length: n }, () => object(cls, box(100, 100, 50, 50), 'bob')),
        ),
      ]),
    );

  it('reports both annotators when their class mixes are 0.5 apart', () => {
    // Over 10 images: alice 30 car + 10 person (75/25 %), bob 10 car + 30 person (25/75 %).
    // TVD = (|0.75 − 0.25| + |0.25 − 0.75|) / 2 = 0.5 for each against the other.
    const images = shared(
      10,
      [
        ['car', 3],
        ['person', 1],
      ],
      [
        ['car', 1],
        ['person', 3],
      ],
    );
    const found = of(checkConsistency(images).findings, 'annotator-class-distribution');
    expect(found.map((f) => [f.annotator, f.imageId, f.value])).toEqual([
      ['alice', undefined, 0.5],
      ['bob', undefined, 0.5],
    ]);
    expect(found[0]!.message).toBe(
      "alice's class mix differs from the others' (total variation 0.50): car is 75% of theirs vs 25%",
    );
  });

  it('reports a mix exactly 0.25 apart but not 0.1 apart', () => {
    // 5 images × (5 car + 3 person) vs (3 car + 5 person): 62.5/37.5 % vs 37.5/62.5 % → TVD 0.25.
    const atThreshold = shared(
      5,
      [
        ['car', 5],
        ['person', 3],
      ],
      [
        ['car', 3],
        ['person', 5],
      ],
    );
    expect(checkConsistency(atThreshold).counts['annotator-class-distribution']).toBe(2);
    // 10 images × (11 car + 9 person) vs (9 car + 11 person): 55/45 % vs 45/55 % → TVD 0.1.
    const close = shared(
      10,
      [
        ['car', 11],
        ['person', 9],
      ],
      [
        ['car', 9],
        ['person', 11],
      ],
    );
    expect(checkConsistency(close).counts['annotator-class-distribution']).toBe(0);
  });

  it('needs 30 objects from the annotator before judging the mix', () => {
    // alice 29 cars, bob 29 persons: as different as can be, but too few.
    const images = shared(29, [['car', 1]], [['person', 1]]);
    expect(checkConsistency(images).counts['annotator-class-distribution']).toBe(0);
  });

  it('reports boxes 2× larger than peers for the same class, and not 1.44× larger', () => {
    // Sides 50√2 vs 50: twice the area. Sides 60 vs 50: 1.44× the area.
    const twice = shared(30, [['car', 1]], [['car', 1]], 50 * Math.SQRT2);
    const found = of(checkConsistency(twice).findings, 'annotator-box-size');
    expect(found.map((f) => f.annotator)).toEqual(['alice', 'bob']);
    expect(found[0]!.value).toBeCloseTo(2, 9);
    expect(found[0]!.message).toBe(
      'alice draws boxes 2.0× larger than the others for the same classes (car)',
    );
    expect(found[1]!.message).toBe('bob draws boxes 2.0× smaller than the others for the same classes (car)');
    expect(checkConsistency(shared(30, [['car', 1]], [['car', 1]], 60)).counts['annotator-box-size']).toBe(0);
  });

  it('reports a time per image far below and far above the usual, saying which', () => {
    const images = Array.from({ length: 10 }, (_, m) =>
      image(`img${m}`, [], { timeSpent: [{ annotator: m % 2 ? 'alice' : 'bob', seconds: 55 + m }] }),
    );
    images.push(image('fast', [], { timeSpent: [{ annotator: 'carol', seconds: 3 }] }));
    images.push(image('slow', [], { timeSpent: [{ annotator: 'dave', seconds: 1800 }] }));
    images.push(image('ok', [], { timeSpent: [{ annotator: 'erin', seconds: 70 }] }));
    const found = of(checkConsistency(images).findings, 'time-outlier');
    expect(found.map((f) => [f.imageId, f.annotator, f.value, f.message])).toEqual([
      ['fast', 'carol', 3, 'carol spent 3 s on this image, much less than usual (typically 60 s)'],
      ['slow', 'dave', 1800, 'dave spent 30 min on this image, much more than usual (typically 60 s)'],
    ]);
  });
});

describe('checkConsistency: the report', () => {
  const images = [
    image('b', [object('car', box(0, 0, 10, 10)), object('car', box(0, 0, 10, 10))]),
    image('a', [object('car', box(0, 500, 10, 10))], { dhash: '0000000000000000' }),
    image('c', [], { dhash: '0000000000000000' }),
  ];

  it('counts every check, equal to the findings of that check', () => {
    const { findings, counts } = checkConsistency(images);
    expect(Object.keys(counts).sort()).toEqual(CONSISTENCY_CHECKS.map((c) => c.id).sort());
    for (const { id } of CONSISTENCY_CHECKS) expect(counts[id]).toBe(of(findings, id).length);
    expect(counts['touches-border']).toBe(3);
    expect(counts['duplicate-object']).toBe(1);
    expect(counts['near-duplicate-labeled-differently']).toBe(1);
  });

  it('sorts findings by check, then image, and indexes them by every image they name', () => {
    const { findings, byImage } = checkConsistency(images);
    const order = CONSISTENCY_CHECKS.map((c) => c.id as string);
    expect(findings.map((f) => `${f.check}:${f.imageId}`)).toEqual([
      'duplicate-object:b',
      'near-duplicate-labeled-differently:a',
      'touches-border:a',
      'touches-border:b',
      'touches-border:b',
    ]);
    expect(findings.map((f) => order.indexOf(f.check))).toEqual(
      [...findings.map((f) => order.indexOf(f.check))].sort((x, y) => x - y),
    );
    expect(byImage.get('a')).toEqual([1, 2]);
    expect(byImage.get('b')).toEqual([0, 3, 4]);
    expect(byImage.get('c')).toEqual([1]);
  });

  it('gives every check an id, a title and an explanation the UI can show', () => {
    expect(new Set(CONSISTENCY_CHECKS.map((c) => c.id)).size).toBe(CONSISTENCY_CHECKS.length);
    for (const check of CONSISTENCY_CHECKS) {
      expect(check.title.length).toBeGreaterThan(3);
      expect(check.explanation).toMatch(/\.$/);
    }
  });

  it('refuses options out of range', () => {
    expect(() => checkConsistency([], { duplicateIou: 0 })).toThrow(RangeError);
    expect(() => checkConsistency([], { nearDuplicateBits: 17 })).toThrow(RangeError);
  });
});
