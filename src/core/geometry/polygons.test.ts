import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clipByConvex,
  distanceToPath,
  distanceToSegment,
  isSimplePolygon,
  pointInPolygon,
  polygonArea,
  polygonIntersectionArea,
  polygonIoU,
  polygonOrientation,
  selfIntersects,
  signedArea,
  withoutRepeats,
  type Xy,
} from './polygons';

const pts = (...xy: number[]): Xy[] => {
  const out: Xy[] = [];
  for (let i = 0; i < xy.length; i += 2) out.push({ x: xy[i] as number, y: xy[i + 1] as number });
  return out;
};

/** Drawn right, then down, then back: clockwise on screen because y grows downwards. */
const square = pts(0, 0, 10, 0, 10, 10, 0, 10);
/** An L of area 7: a 4 × 1 bar along the top and a 1 × 3 bar down the left. */
const ell = pts(0, 0, 4, 0, 4, 1, 1, 1, 1, 4, 0, 4);
const bowtie = pts(0, 0, 2, 2, 2, 0, 0, 2);

const rect = (x0: number, y0: number, x1: number, y1: number) => pts(x0, y0, x1, y0, x1, y1, x0, y1);

/** Star-shaped about its centre (vertices at increasing angles), hence simple; convex when radii are equal. */
const starPolygons = (convex: boolean) =>
  fc
    .record({
      cx: fc.double({ min: 0, max: 100, noNaN: true }),
      cy: fc.double({ min: 0, max: 100, noNaN: true }),
      turn: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
      radius: fc.double({ min: 5, max: 60, noNaN: true }),
      spokes: fc.array(fc.double({ min: 0.2, max: 1, noNaN: true }), { minLength: 3, maxLength: 12 }),
      reversed: fc.boolean(),
    })
    .map(({ cx, cy, turn, radius, spokes, reversed }) => {
      const points = spokes.map((r, i) => {
        const angle = turn + (2 * Math.PI * i) / spokes.length;
        const length = radius * (convex ? 1 : r);
        return { x: cx + length * Math.cos(angle), y: cy + length * Math.sin(angle) };
      });
      return reversed ? points.reverse() : points;
    });

describe('area and orientation', () => {
  it('measures by the shoelace formula, signed clockwise-on-screen positive', () => {
    expect(signedArea(square)).toBe(100);
    expect(signedArea([...square].reverse())).toBe(-100);
    expect(polygonArea(ell)).toBe(7);
    expect(polygonArea(pts(0, 0, 4, 0, 0, 3))).toBe(6);
    expect(polygonArea(pts(0, 0, 4, 0))).toBe(0);
  });

  it('names the direction the outline runs on screen', () => {
    expect(polygonOrientation(square)).toBe('clockwise');
    expect(polygonOrientation([...square].reverse())).toBe('counterclockwise');
    expect(polygonOrientation(pts(0, 0, 1, 1, 2, 2))).toBe('degenerate');
  });
});

describe('simplicity', () => {
  it('accepts simple outlines, convex or not', () => {
    expect(selfIntersects(square)).toBe(false);
    expect(selfIntersects(ell)).toBe(false);
    expect(isSimplePolygon(ell)).toBe(true);
  });

  it('flags crossing edges, an outline touching itself, and a spike that doubles back', () => {
    expect(selfIntersects(bowtie)).toBe(true);
    // Two squares meeting at the vertex (2, 2), drawn as one outline.
    expect(selfIntersects(pts(0, 0, 2, 0, 2, 2, 4, 2, 4, 4, 2, 4, 2, 2, 0, 2))).toBe(true);
    // Out along the top edge to (10, 0), back to (5, 0), then down.
    expect(selfIntersects(pts(0, 0, 10, 0, 5, 0, 5, 5))).toBe(true);
    expect(isSimplePolygon(bowtie)).toBe(false);
  });

  it('ignores repeated points and a closing point equal to the first', () => {
    expect(withoutRepeats(pts(0, 0, 0, 0, 1, 0, 1, 1, 0, 0))).toEqual(pts(0, 0, 1, 0, 1, 1));
    expect(selfIntersects(pts(0, 0, 10, 0, 10, 0, 10, 10, 0, 10, 0, 0))).toBe(false);
    expect(isSimplePolygon(pts(0, 0, 10, 0, 10, 0, 10, 10, 0, 10, 0, 0))).toBe(true);
  });

  it('rejects fewer than three points and zero area', () => {
    expect(isSimplePolygon(pts(0, 0, 1, 1))).toBe(false);
    expect(isSimplePolygon(pts(0, 0, 1, 1, 2, 2))).toBe(false);
  });

  it('finds star-shaped polygons simple', () => {
    fc.assert(
      fc.property(starPolygons(false), (p) => {
        expect(isSimplePolygon(p)).toBe(true);
      }),
    );
  });
});

describe('point in polygon', () => {
  it('sees the notch of a concave polygon as outside', () => {
    expect(pointInPolygon({ x: 0.5, y: 3 }, ell)).toBe(true);
    expect(pointInPolygon({ x: 3, y: 0.5 }, ell)).toBe(true);
    expect(pointInPolygon({ x: 3, y: 3 }, ell)).toBe(false);
    expect(pointInPolygon({ x: -1, y: 0.5 }, ell)).toBe(false);
  });

  it('does not depend on the direction the outline runs', () => {
    expect(pointInPolygon({ x: 0.5, y: 3 }, [...ell].reverse())).toBe(true);
    expect(pointInPolygon({ x: 3, y: 3 }, [...ell].reverse())).toBe(false);
  });

  it('fills a self-overlapping loop by the non-zero rule, as the canvas paints it', () => {
    // A pentagram: its centre pentagon has winding number 2, filled under non-zero (empty under even-odd).
    const star = [0, 2, 4, 1, 3].map((k) => ({
      x: Math.cos((2 * Math.PI * k) / 5 - Math.PI / 2),
      y: Math.sin((2 * Math.PI * k) / 5 - Math.PI / 2),
    }));
    expect(pointInPolygon({ x: 0, y: 0 }, star)).toBe(true);
  });
});

describe('distances', () => {
  it('measures to the nearest point of a segment, its ends included', () => {
    expect(distanceToSegment({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3);
    expect(distanceToSegment({ x: 13, y: 4 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5);
    expect(distanceToSegment({ x: 3, y: 4 }, { x: 0, y: 0 }, { x: 0, y: 0 })).toBe(5);
  });

  it('closes a path only when asked', () => {
    const open = pts(0, 0, 10, 0, 10, 10);
    expect(distanceToPath({ x: 3, y: 5 }, open, false)).toBe(5);
    expect(distanceToPath({ x: 3, y: 5 }, open, true)).toBeCloseTo(Math.SQRT2, 12);
    expect(distanceToPath({ x: 3, y: 4 }, pts(0, 0), false)).toBe(5);
    expect(distanceToPath({ x: 3, y: 4 }, [], false)).toBe(Infinity);
  });
});

describe('exact overlap', () => {
  it('matches hand-computed areas for boxes', () => {
    expect(polygonIntersectionArea(rect(0, 0, 10, 10), rect(5, 0, 15, 10))).toBeCloseTo(50, 10);
    expect(polygonIoU(rect(0, 0, 10, 10), rect(5, 0, 15, 10))).toBeCloseTo(1 / 3, 12);
    expect(polygonIoU(rect(0, 0, 10, 10), rect(20, 0, 30, 10))).toBe(0);
    expect(polygonIoU(rect(0, 0, 10, 10), rect(10, 0, 20, 10))).toBe(0);
    expect(polygonIoU(rect(0, 0, 10, 10), rect(0, 0, 10, 10))).toBeCloseTo(1, 12);
  });

  it('gives 1/√2 for a square and the same square turned 45°', () => {
    // The overlap is the regular octagon of inradius 1: area 8·tan(π/8).
    const turned = [0, 1, 2, 3].map((k) => ({
      x: Math.SQRT2 * Math.cos((Math.PI / 2) * k),
      y: Math.SQRT2 * Math.sin((Math.PI / 2) * k),
    }));
    const unit = rect(-1, -1, 1, 1);
    expect(polygonIntersectionArea(unit, turned)).toBeCloseTo(8 * Math.tan(Math.PI / 8), 12);
    expect(polygonIoU(unit, turned)).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('is exact for a concave polygon, where clipping by it with Sutherland–Hodgman is not', () => {
    const box = rect(0.5, 0.5, 3.5, 3.5);
    // Top bar: 3 × 0.5; left bar: 0.5 × 2.5.
    expect(polygonIntersectionArea(ell, box)).toBeCloseTo(2.75, 12);
    expect(polygonIntersectionArea(box, ell)).toBeCloseTo(2.75, 12);
    expect(polygonIntersectionArea([...ell].reverse(), box)).toBeCloseTo(2.75, 12);
    expect(polygonIoU(ell, box)).toBeCloseTo(2.75 / (7 + 9 - 2.75), 12);
    expect(polygonArea(clipByConvex(box, ell))).not.toBeCloseTo(2.75, 3);
  });

  it('handles two concave polygons whose overlap is in two pieces', () => {
    // A U open at the top, and a bar across both of its arms.
    const u = pts(0, 0, 1, 0, 1, 3, 2, 3, 2, 0, 3, 0, 3, 4, 0, 4);
    const bar = rect(-1, 1, 4, 2);
    expect(polygonIntersectionArea(u, bar)).toBeCloseTo(2, 12);
  });

  it('agrees with Sutherland–Hodgman on convex polygons, in either orientation', () => {
    fc.assert(
      fc.property(starPolygons(true), starPolygons(true), (a, b) => {
        const clip = signedArea(b) > 0 ? b : [...b].reverse();
        const expected = polygonArea(clipByConvex(a, clip));
        expect(polygonIntersectionArea(a, b)).toBeCloseTo(expected, 6);
      }),
    );
  });

  it('is symmetric, bounded by the smaller area, and 1 against itself', () => {
    fc.assert(
      fc.property(starPolygons(false), starPolygons(false), (a, b) => {
        const ab = polygonIntersectionArea(a, b);
        expect(ab).toBeCloseTo(polygonIntersectionArea(b, a), 6);
        expect(ab).toBeLessThanOrEqual(Math.min(polygonArea(a), polygonArea(b)) + 1e-6);
        expect(polygonIntersectionArea(a, a)).toBeCloseTo(polygonArea(a), 6);
        expect(polygonIoU(a, [...a].reverse())).toBeCloseTo(1, 9);
      }),
    );
  });

  it('agrees with counting sample points for concave polygons', () => {
    const samples = 200;
    fc.assert(
      fc.property(starPolygons(false), starPolygons(false), (a, b) => {
        let inBoth = 0;
        // Cells of the box 0…100 widened by the largest radius, sampled at their centres.
        const lo = -60;
        const cell = 220 / samples;
        for (let i = 0; i < samples; i++) {
          for (let j = 0; j < samples; j++) {
            const p = { x: lo + (i + 0.5) * cell, y: lo + (j + 0.5) * cell };
            if (pointInPolygon(p, a) && pointInPolygon(p, b)) inBoth++;
          }
        }
        const estimate = inBoth * cell * cell;
        // Sampling errs by at most the cells along both outlines (perimeters < 2·12·60).
        expect(Math.abs(polygonIntersectionArea(a, b) - estimate)).toBeLessThan(2 * 1440 * cell);
      }),
      { numRuns: 25 },
    );
  });

  it('documents its limit: a self-intersecting outline gets the winding-weighted overlap, not the painted one', () => {
    // The bowtie's two triangles run in opposite directions and cancel, so against a box covering both its
    // overlap comes out 0, where the painted area is 2. Callers check isSimplePolygon first.
    expect(isSimplePolygon(bowtie)).toBe(false);
    expect(polygonIntersectionArea(bowtie, rect(-1, -1, 3, 3))).toBe(0);
  });
});
