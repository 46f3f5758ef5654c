import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { pointTolerance, shapeIou, shapeIous } from './shapeIou';

const box = (x: number, y: number, width: number, height: number): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});
const polygon = (...xy: number[]): Geometry => ({
  kind: 'polygon',
  points: xy.flatMap((v, k) => (k % 2 === 0 ? [{ x: v, y: xy[k + 1]! }] : [])),
});
const point = (x: number, y: number): Geometry => ({ kind: 'point', x, y });
const image = { width: 20, height: 20 };
// A 300 × 400 image has a 500 px diagonal, so points count as the same place within 25 px.
const photo = { width: 300, height: 400 };

describe('shapeIou', () => {
  it('gives two boxes their exact IoU: half-shifted 10 px squares share 50 of 150 px²', () => {
    expect(shapeIou(box(0, 0, 10, 10), box(5, 0, 10, 10), image)).toBeCloseTo(1 / 3, 12);
    // Sub-pixel boxes are not rounded to pixels: 2.5 × 10 shared of 10 × 10 + 10 × 10 − 25.
    expect(shapeIou(box(0, 0, 10, 10), box(7.5, 0, 10, 10), image)).toBeCloseTo(25 / 175, 12);
  });

  it('compares a polygon with a box by their pixels, as pycocotools does', () => {
    const square = polygon(0, 0, 10, 0, 10, 10, 0, 10);
    expect(shapeIou(square, box(0, 0, 10, 10), image)).toBe(1);
    // Columns 5–9 of the box's 10 are shared: 50 of 150 pixels.
    expect(shapeIou(square, box(5, 0, 10, 10), image)).toBeCloseTo(1 / 3, 12);
  });

  it('counts only the pixels inside the image, so a polygon hanging off the left edge equals the box inside', () => {
    const overhanging = polygon(-10, 0, 10, 0, 10, 10, -10, 10);
    expect(shapeIou(overhanging, box(0, 0, 10, 10), image)).toBe(1);
  });

  it('compares rotated boxes as their outlines: a 20 × 10 box turned 90° covers a 10 × 20 box', () => {
    const turned: Geometry = { kind: 'rotated-box', cx: 10, cy: 10, width: 20, height: 10, angle: 90 };
    expect(shapeIou(turned, box(5, 0, 10, 20), image)).toBe(1);
    expect(shapeIou(turned, box(5, 0, 10, 10), image)).toBe(0.5);
  });

  it('scores points by distance: 1 − d / (5% of the diagonal), 0 beyond it', () => {
    expect(pointTolerance(photo)).toBe(25);
    expect(shapeIou(point(100, 100), point(103, 104), photo)).toBeCloseTo(0.8, 12);
    expect(shapeIou(point(100, 100), point(100, 130), photo)).toBe(0);
  });

  it('averages keypoint closeness over keypoints labeled in either, one labeled in only one counting 0', () => {
    const a: Geometry = {
      kind: 'keypoints',
      points: [
        { x: 10, y: 10, visibility: 2 },
        { x: 50, y: 50, visibility: 2 },
        { x: 90, y: 90, visibility: 1 },
        { x: 0, y: 0, visibility: 0 },
      ],
    };
    const b: Geometry = {
      kind: 'keypoints',
      points: [
        { x: 10, y: 10, visibility: 2 },
        { x: 60, y: 50, visibility: 1 },
        { x: 0, y: 0, visibility: 0 },
        { x: 0, y: 0, visibility: 0 },
      ],
    };
    // Same place (1), 10 px apart (1 − 10/25 = 0.6), labeled by a only (0); the fourth by neither.
    expect(shapeIou(a, b, photo)).toBeCloseTo((1 + 0.6 + 0) / 3, 12);
  });

  it('compares polylines by bounds at least the tolerance thick, so straight lines 5 px apart still overlap', () => {
    const line = (y: number): Geometry => ({
      kind: 'polyline',
      points: [
        { x: 0, y },
        { x: 100, y },
      ],
    });
    expect(shapeIou(line(50), line(50), photo)).toBe(1);
    // Bands 25 px thick, 5 px apart: 100 × 20 shared of 100 × 25 × 2 − 100 × 20.
    expect(shapeIou(line(50), line(55), photo)).toBeCloseTo(2000 / 3000, 12);
  });

  it('never matches shapes of different families: a point inside a box scores 0', () => {
    expect(shapeIou(point(5, 5), box(0, 0, 10, 10), image)).toBe(0);
    expect(shapeIou(box(0, 0, 10, 10), polygon(0, 0, 10, 0), image)).toBe(0);
  });
});

describe('shapeIous', () => {
  it('fills the matrix row by row, one row per shape of the first list', () => {
    const ious = shapeIous(
      [box(0, 0, 10, 10), polygon(0, 0, 10, 0, 10, 10, 0, 10)],
      [box(5, 0, 10, 10), point(5, 5), box(0, 0, 10, 10)],
      image,
    );
    expect(Array.from(ious, (v) => Math.round(v * 1000) / 1000)).toEqual([0.333, 0, 1, 0.333, 0, 1]);
  });

  it('is empty when either side has no shapes', () => {
    expect(shapeIous([], [box(0, 0, 1, 1)], image)).toHaveLength(0);
    expect(shapeIous([box(0, 0, 1, 1)], [], image)).toHaveLength(0);
  });
});
