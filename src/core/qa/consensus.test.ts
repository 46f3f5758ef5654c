import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationId, AttributeValues, Geometry } from '../annotations/types';
import type { LabelSet } from './agreement';
import { buildConsensus, type ConsensusOptions } from './consensus';
import { box, label as annotation } from './testFixtures';

const label = (
  id: string,
  classId: string,
  geometry: Geometry,
  attributes: AttributeValues = {},
): Annotation => annotation(classId, geometry, attributes, { id: id as AnnotationId, schemaVersion: 3 });
const set = (annotator: string, annotations: Annotation[]): LabelSet => ({
  annotator,
  imageId: 'img',
  width: 100,
  height: 100,
  annotations,
});
const options = (): ConsensusOptions => {
  let next = 0;
  return {
    author: 'consensus',
    now: 1_700_000_000_000,
    schemaVersion: 4,
    newId: () => `merged-${++next}` as AnnotationId,
  };
};

describe('buildConsensus', () => {
  it('takes the majority class of three annotators and averages their boxes', () => {
    // IoUs: ann–bea 80/120, ann–cy and bea–cy 81/139: one object.
    const result = buildConsensus(
      [
        set('ann', [label('a1', 'car', box(0, 0), { color: 'red' })]),
        set('bea', [label('b1', 'car', box(2, 0), { color: 'red' })]),
        set('cy', [label('c1', 'truck', box(1, 1, 10, 12), { color: 'blue' })]),
      ],
      options(),
    );
    expect(result.review).toEqual([]);
    expect(result.dropped).toEqual([]);
    expect(result.annotations).toHaveLength(1);
    const merged = result.annotations[0]!;
    expect(merged).toMatchObject({
      id: 'merged-1',
      classId: 'car',
      attributes: { color: 'red' },
      schemaVersion: 4,
      createdBy: 'consensus',
      updatedBy: 'consensus',
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_000_000,
    });
    expect(merged.review).toBeUndefined();
    // x (0 + 2 + 1)/3, y (0 + 0 + 1)/3, width 10, height (10 + 10 + 12)/3.
    expect(merged.geometry).toEqual({
      kind: 'box',
      x: 1,
      y: expect.closeTo(1 / 3, 12),
      width: 10,
      height: expect.closeTo(32 / 3, 12),
    });
  });

  it('flags a class tie for review, keeping the class of the first annotator by name', () => {
    const result = buildConsensus(
      [set('bea', [label('b1', 'truck', box(0, 0))]), set('ann', [label('a1', 'car', box(0, 0, 10, 12))])],
      options(),
    );
    const merged = result.annotations[0]!;
    expect(merged.classId).toBe('car');
    expect(merged.geometry).toEqual({ kind: 'box', x: 0, y: 0, width: 10, height: 11 });
    expect(merged.review).toEqual({
      reason: 'Consensus tie: class car vs truck',
      since: 1_700_000_000_000,
      schemaVersion: 4,
    });
    expect(result.review).toEqual([
      {
        annotationId: 'merged-1',
        reason: 'Consensus tie: class car vs truck',
        members: [
          { annotator: 'ann', annotationId: 'a1' },
          { annotator: 'bea', annotationId: 'b1' },
        ],
      },
    ]);
  });

  it('drops an object fewer than the quorum drew and reports who drew it', () => {
    const result = buildConsensus(
      [
        set('ann', [label('a1', 'car', box(0, 0)), label('a2', 'person', box(50, 50))]),
        set('bea', [label('b1', 'car', box(0, 0))]),
        set('cy', [label('c1', 'car', box(0, 0))]),
      ],
      options(),
    );
    expect(result.annotations.map((a) => a.classId)).toEqual(['car']);
    expect(result.dropped).toEqual([
      {
        reason: 'Drawn by 1 of 3 annotators, fewer than the quorum of 2',
        members: [{ annotator: 'ann', annotationId: 'a2' }],
      },
    ]);
  });

  it('keeps an object exactly half the annotators drew, flagged for review', () => {
    const result = buildConsensus([set('ann', [label('a1', 'car', box(0, 0))]), set('bea', [])], options());
    expect(result.dropped).toEqual([]);
    expect(result.annotations[0]!.review?.reason).toBe('Consensus tie: drawn by 1 of 2 annotators');
  });

  it('accepts a quorum of one, keeping objects a single annotator drew', () => {
    const result = buildConsensus(
      [set('ann', [label('a1', 'car', box(0, 0))]), set('bea', []), set('cy', [])],
      { ...options(), quorum: 1 },
    );
    expect(result.annotations).toHaveLength(1);
    expect(result.annotations[0]!.review).toBeUndefined();
  });

  it('votes attributes among the annotators who gave the winning class and flags attribute ties', () => {
    const result = buildConsensus(
      [
        set('ann', [label('a1', 'car', box(0, 0), { color: 'red', tags: ['x', 'y'] })]),
        set('bea', [label('b1', 'car', box(0, 0), { color: 'blue', tags: ['y', 'x'] })]),
        set('cy', [label('c1', 'truck', box(0, 0), { color: 'blue', load: 'empty' })]),
      ],
      options(),
    );
    const merged = result.annotations[0]!;
    // Cy's truck attributes do not count for a car: red vs blue ties among Ann and Bea.
    expect(merged.attributes).toEqual({ color: 'red', tags: ['x', 'y'] });
    expect(merged.review?.reason).toBe('Consensus tie: attribute color red vs blue');
  });

  it('takes the polygon closest to the others rather than averaging outlines', () => {
    const square = (x: number, id: string): Annotation =>
      label(id, 'car', {
        kind: 'polygon',
        points: [
          { x, y: 0 },
          { x: x + 10, y: 0 },
          { x: x + 10, y: 10 },
          { x, y: 10 },
        ],
      });
    const result = buildConsensus(
      [set('ann', [square(0, 'a1')]), set('bea', [square(1, 'b1')]), set('cy', [square(2, 'c1')])],
      options(),
    );
    // Bea's square is 1 px from each of the others.
    expect(result.annotations[0]!.geometry).toEqual(square(1, 'b1').geometry);
  });

  it('refuses label sets of different images', () => {
    expect(() =>
      buildConsensus([set('ann', []), { ...set('bea', []), imageId: 'other' }], options()),
    ).toThrow(RangeError);
  });

  it('merges nothing into nothing', () => {
    expect(buildConsensus([], options())).toEqual({ annotations: [], review: [], dropped: [] });
  });
});
