/** Object sizes, border contact, per-image summaries, class balance and Tukey fences. */

import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationId, Geometry } from '../annotations/types';
import { classBalance, imageObjectSummary, objectQuality, outliers } from './objectStats';

let next = 0;
const annotation = (classId: string, geometry: Geometry): Annotation => ({
  id: `a${++next}` as AnnotationId,
  classId,
  geometry,
  attributes: {},
  schemaVersion: 1,
  createdBy: 'test',
  createdAt: 0,
  updatedBy: 'test',
  updatedAt: 0,
});
const box = (x: number, y: number, width: number, height: number): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});

describe('objectQuality', () => {
  it('measures a box: area, share of the image, size and aspect ratio, away from the border', () => {
    expect(objectQuality(box(100, 50, 200, 100), 1000, 500)).toEqual({
      area: 20_000,
      relativeArea: 0.04,
      width: 200,
      height: 100,
      aspectRatio: 2,
      touchesBorder: false,
    });
  });

  it('uses a polygon’s own area, and its bounds for size and aspect', () => {
    const triangle: Geometry = {
      kind: 'polygon',
      points: [
        { x: 10, y: 10 },
        { x: 110, y: 10 },
        { x: 10, y: 60 },
      ],
    };
    expect(objectQuality(triangle, 200, 100)).toMatchObject({
      area: 2500,
      relativeArea: 0.125,
      width: 100,
      height: 50,
      aspectRatio: 2,
    });
  });

  it('uses a rotated box’s own area, and a keypoint instance’s box', () => {
    const rotated: Geometry = { kind: 'rotated-box', cx: 50, cy: 50, width: 40, height: 10, angle: 90 };
    expect(objectQuality(rotated, 100, 100)).toMatchObject({ area: 400 });
    expect(objectQuality(rotated, 100, 100)!.aspectRatio).toBeCloseTo(0.25, 9);
    const person: Geometry = {
      kind: 'keypoints',
      points: [{ x: 30, y: 30, visibility: 2 }],
      box: { x: 20, y: 20, width: 30, height: 60 },
    };
    expect(objectQuality(person, 100, 100)).toMatchObject({
      area: 1800,
      width: 30,
      height: 60,
      aspectRatio: 0.5,
    });
  });

  it('has nothing to say of points, polylines and keypoints without a box', () => {
    expect(objectQuality({ kind: 'point', x: 5, y: 5 }, 100, 100)).toBeUndefined();
    expect(
      objectQuality(
        {
          kind: 'polyline',
          points: [
            { x: 0, y: 0 },
            { x: 10, y: 10 },
          ],
        },
        100,
        100,
      ),
    ).toBeUndefined();
    expect(
      objectQuality({ kind: 'keypoints', points: [{ x: 5, y: 5, visibility: 2 }] }, 100, 100),
    ).toBeUndefined();
  });

  it('flags a box within the tolerance of any edge as touching the border', () => {
    expect(objectQuality(box(0, 40, 10, 10), 100, 100)!.touchesBorder).toBe(true);
    expect(objectQuality(box(40, 1, 10, 10), 100, 100)!.touchesBorder).toBe(true);
    expect(objectQuality(box(89.5, 40, 10, 10), 100, 100)!.touchesBorder).toBe(true);
    expect(objectQuality(box(40, 40, 10, 60), 100, 100)!.touchesBorder).toBe(true);
    expect(objectQuality(box(2, 2, 10, 10), 100, 100)!.touchesBorder).toBe(false);
    expect(objectQuality(box(2, 2, 10, 10), 100, 100, 3)!.touchesBorder).toBe(true);
  });

  it('gives a zero-height box an infinite aspect ratio and a zero-size one 1, never NaN', () => {
    expect(objectQuality(box(10, 10, 5, 0), 100, 100)!.aspectRatio).toBe(Infinity);
    expect(objectQuality(box(10, 10, 0, 0), 100, 100)!.aspectRatio).toBe(1);
  });
});

describe('imageObjectSummary', () => {
  it('counts objects per megapixel, the smallest one, those touching the border and the classes', () => {
    const annotations = [
      annotation('car', box(0, 0, 100, 100)),
      annotation('car', box(500, 500, 10, 20)),
      annotation('person', { kind: 'point', x: 300, y: 300 }),
    ];
    expect(imageObjectSummary(annotations, 2000, 1000)).toEqual({
      objects: 3,
      density: 1.5,
      smallestRelativeArea: 200 / 2_000_000,
      touchingBorder: 1,
      classes: 2,
    });
  });

  it('answers null for the smallest object of an image with none that has an area', () => {
    expect(imageObjectSummary([], 100, 100)).toEqual({
      objects: 0,
      density: 0,
      smallestRelativeArea: null,
      touchingBorder: 0,
      classes: 0,
    });
  });
});

describe('classBalance', () => {
  it('counts objects and images per class; a tag adds an image but no object; sorted by class', () => {
    const balance = classBalance([
      {
        annotations: [annotation('dog', box(1, 1, 5, 5)), annotation('dog', box(9, 9, 5, 5))],
        tags: ['night'],
      },
      { annotations: [annotation('cat', box(1, 1, 5, 5))], tags: ['dog'] },
      { annotations: [], tags: ['night'] },
    ]);
    expect([...balance]).toEqual([
      ['cat', { objects: 1, images: 1 }],
      ['dog', { objects: 2, images: 2 }],
      ['night', { objects: 0, images: 2 }],
    ]);
  });
});

describe('outliers', () => {
  it('puts Tukey’s fences 1.5 IQR outside the quartiles (linear interpolation, as numpy)', () => {
    // numpy.percentile([1..8], [25, 75]) = [2.75, 6.25]: IQR 3.5.
    expect(outliers([8, 1, 7, 2, 6, 3, 5, 4])).toEqual({ low: -2.5, high: 11.5 });
    expect(outliers([1, 2, 3, 4, 5, 6, 7, 8], 3)).toEqual({ low: -7.75, high: 16.75 });
  });

  it('leaves a value far from the rest outside the fences', () => {
    const areas = [100, 110, 95, 105, 98, 102, 4000];
    const { low, high } = outliers(areas);
    expect(areas.filter((a) => a < low || a > high)).toEqual([4000]);
  });

  it('makes every value an inlier when there are none, and ignores NaN', () => {
    expect(outliers([])).toEqual({ low: -Infinity, high: Infinity });
    expect(outliers([5, NaN])).toEqual({ low: 5, high: 5 });
  });
});
