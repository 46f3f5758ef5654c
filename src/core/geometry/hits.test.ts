import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { geometryInsideRect, geometryIntersectsRect, hitsGeometry } from './hits';

const ell: Geometry = {
  kind: 'polygon',
  points: [
    { x: 0, y: 0 },
    { x: 40, y: 0 },
    { x: 40, y: 10 },
    { x: 10, y: 10 },
    { x: 10, y: 40 },
    { x: 0, y: 40 },
  ],
};

describe('hitsGeometry', () => {
  it('hits inside a box and within tolerance of its edge, not beyond', () => {
    const g: Geometry = { kind: 'box', x: 10, y: 10, width: 20, height: 1 };
    expect(hitsGeometry(g, { x: 20, y: 10.5 }, 0)).toBe(true);
    expect(hitsGeometry(g, { x: 20, y: 14 }, 3)).toBe(true);
    expect(hitsGeometry(g, { x: 20, y: 14.5 }, 3)).toBe(false);
    // Diagonally off a corner the distance is Euclidean: 3,4 → 5.
    expect(hitsGeometry(g, { x: 33, y: 15 }, 5)).toBe(true);
    expect(hitsGeometry(g, { x: 33, y: 15 }, 4.9)).toBe(false);
  });

  it('hits a rotated box where it is drawn, not where its bounds are', () => {
    const g: Geometry = { kind: 'rotated-box', cx: 0, cy: 0, width: 20, height: 2, angle: 45 };
    expect(hitsGeometry(g, { x: 6, y: 6 }, 0)).toBe(true);
    // Inside the bounds (±7.8) but off the diagonal bar.
    expect(hitsGeometry(g, { x: 6, y: -6 }, 0)).toBe(false);
    expect(hitsGeometry(g, { x: -6, y: -6 }, 0)).toBe(true);
  });

  it('misses the notch of a concave polygon unless near its edge', () => {
    expect(hitsGeometry(ell, { x: 5, y: 30 }, 0)).toBe(true);
    expect(hitsGeometry(ell, { x: 30, y: 30 }, 2)).toBe(false);
    expect(hitsGeometry(ell, { x: 12, y: 30 }, 2)).toBe(true);
  });

  it('hits a polyline only near its segments, never "inside"', () => {
    const g: Geometry = {
      kind: 'polyline',
      points: [
        { x: 0, y: 0 },
        { x: 100, y: 0 },
        { x: 100, y: 100 },
      ],
    };
    expect(hitsGeometry(g, { x: 50, y: 3 }, 4)).toBe(true);
    expect(hitsGeometry(g, { x: 50, y: 5 }, 4)).toBe(false);
    expect(hitsGeometry(g, { x: 60, y: 40 }, 4)).toBe(false);
  });

  it('hits points and labeled keypoints within tolerance; absent keypoints are not there', () => {
    expect(hitsGeometry({ kind: 'point', x: 10, y: 10 }, { x: 13, y: 14 }, 5)).toBe(true);
    expect(hitsGeometry({ kind: 'point', x: 10, y: 10 }, { x: 13, y: 14 }, 4)).toBe(false);
    const pose: Geometry = {
      kind: 'keypoints',
      points: [
        { x: 0, y: 0, visibility: 0 },
        { x: 50, y: 50, visibility: 1 },
      ],
    };
    expect(hitsGeometry(pose, { x: 1, y: 1 }, 4)).toBe(false);
    expect(hitsGeometry(pose, { x: 52, y: 50 }, 4)).toBe(true);
    expect(hitsGeometry({ ...pose, box: { x: 40, y: 40, width: 30, height: 30 } }, { x: 65, y: 65 }, 0)).toBe(
      true,
    );
  });
});

describe('rectangle tests', () => {
  it('see a polygon touched by a rectangle over its arm but not by one in its notch', () => {
    expect(geometryIntersectsRect(ell, { minX: 35, minY: 5, maxX: 50, maxY: 8 })).toBe(true);
    expect(geometryIntersectsRect(ell, { minX: 20, minY: 20, maxX: 35, maxY: 35 })).toBe(false);
    // A rectangle wholly inside the polygon touches it though no edge crosses.
    expect(geometryIntersectsRect(ell, { minX: 2, minY: 2, maxX: 4, maxY: 4 })).toBe(true);
  });

  it('see a polyline crossed by a rectangle between its vertices', () => {
    const line: Geometry = {
      kind: 'polyline',
      points: [
        { x: 0, y: 0 },
        { x: 100, y: 100 },
      ],
    };
    expect(geometryIntersectsRect(line, { minX: 40, minY: 40, maxX: 60, maxY: 60 })).toBe(true);
    expect(geometryIntersectsRect(line, { minX: 60, minY: 0, maxX: 100, maxY: 30 })).toBe(false);
  });

  it('see a rotated box touched only where it is drawn', () => {
    const g: Geometry = { kind: 'rotated-box', cx: 0, cy: 0, width: 20, height: 2, angle: 45 };
    expect(geometryIntersectsRect(g, { minX: 4, minY: -7, maxX: 7, maxY: -4 })).toBe(false);
    expect(geometryIntersectsRect(g, { minX: 4, minY: 4, maxX: 5, maxY: 5 })).toBe(true);
  });

  it('count a shape inside only when all of it is', () => {
    expect(geometryInsideRect(ell, { minX: 0, minY: 0, maxX: 40, maxY: 40 })).toBe(true);
    expect(geometryInsideRect(ell, { minX: 0, minY: 0, maxX: 39, maxY: 40 })).toBe(false);
    expect(geometryInsideRect({ kind: 'polygon', points: [] }, { minX: 0, minY: 0, maxX: 9, maxY: 9 })).toBe(
      false,
    );
  });
});
