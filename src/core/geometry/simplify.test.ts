import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distanceToPath, polygonArea, type Xy } from './polygons';
import { simplifyPath, simplifyRing } from './simplify';

const xy = (x: number, y: number): Xy => ({ x, y });

describe('simplifyPath', () => {
  it('removes points on a straight line and keeps its ends', () => {
    expect(simplifyPath([xy(0, 0), xy(1, 0), xy(2, 0), xy(3, 0)], 0.1)).toEqual([xy(0, 0), xy(3, 0)]);
  });

  it('keeps the corner of an L-shaped stroke', () => {
    const stroke = [xy(0, 0), xy(5, 0), xy(10, 0), xy(10, 5), xy(10, 10)];
    expect(simplifyPath(stroke, 0.5)).toEqual([xy(0, 0), xy(10, 0), xy(10, 10)]);
  });

  it('drops a wiggle smaller than the tolerance and keeps one larger than it', () => {
    const zigzag = [xy(0, 0), xy(1, 0.5), xy(2, 0), xy(3, 0.5), xy(4, 0)];
    expect(simplifyPath(zigzag, 1)).toEqual([xy(0, 0), xy(4, 0)]);
    expect(simplifyPath(zigzag, 0.2)).toEqual(zigzag);
  });

  it('keeps the turning point of a stroke that doubles back on itself', () => {
    expect(simplifyPath([xy(0, 0), xy(10, 0), xy(5, 0)], 1)).toEqual([xy(0, 0), xy(10, 0), xy(5, 0)]);
  });

  it('leaves paths of up to two points as they are', () => {
    expect(simplifyPath([], 1)).toEqual([]);
    expect(simplifyPath([xy(1, 2)], 1)).toEqual([xy(1, 2)]);
    expect(simplifyPath([xy(1, 2), xy(1, 2)], 1)).toEqual([xy(1, 2), xy(1, 2)]);
  });

  it('keeps every dropped point within the tolerance of the simplified path, and the endpoints', () => {
    const walk = fc.array(fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: -20, max: 20 })), {
      minLength: 2,
      maxLength: 60,
    });
    fc.assert(
      fc.property(walk, fc.double({ min: 0.1, max: 10, noNaN: true }), (steps, tolerance) => {
        let x = 0;
        let y = 0;
        const path = steps.map(([dx, dy]) => xy((x += dx), (y += dy)));
        const simplified = simplifyPath(path, tolerance);
        expect(simplified[0]).toBe(path[0]);
        expect(simplified[simplified.length - 1]).toBe(path[path.length - 1]);
        for (const p of path)
          expect(distanceToPath(p, simplified, false)).toBeLessThanOrEqual(tolerance + 1e-9);
        // The kept points are a subsequence of the input.
        let i = 0;
        for (const p of simplified) {
          while (path[i] !== p) i++;
          expect(i).toBeLessThan(path.length);
        }
      }),
    );
  });
});

describe('simplifyRing', () => {
  it('reduces a square traced from the middle of an edge to its four corners', () => {
    const traced: Xy[] = [];
    for (let x = 50; x < 100; x += 10) traced.push(xy(x, 0));
    for (let y = 0; y < 100; y += 10) traced.push(xy(100, y));
    for (let x = 100; x > 0; x -= 10) traced.push(xy(x, 100));
    for (let y = 100; y > 0; y -= 10) traced.push(xy(0, y));
    for (let x = 0; x <= 50; x += 10) traced.push(xy(x, 0));
    const corners = simplifyRing(traced, 0.5);
    expect(corners).toHaveLength(4);
    expect(corners).toEqual(expect.arrayContaining([xy(100, 0), xy(100, 100), xy(0, 100), xy(0, 0)]));
    expect(polygonArea(corners)).toBe(10_000);
  });

  it('drops a closing point that repeats the first', () => {
    expect(simplifyRing([xy(0, 0), xy(10, 0), xy(0, 10), xy(0, 0)], 0.5)).toEqual([
      xy(0, 0),
      xy(10, 0),
      xy(0, 10),
    ]);
  });

  it('turns a traced circle into a polygon of few points with nearly the same area', () => {
    const circle = Array.from({ length: 200 }, (_, i) => {
      const a = (2 * Math.PI * i) / 200;
      return xy(100 + 80 * Math.cos(a), 100 + 80 * Math.sin(a));
    });
    const simplified = simplifyRing(circle, 1);
    expect(simplified.length).toBeLessThan(40);
    expect(simplified.length).toBeGreaterThan(8);
    expect(Math.abs(polygonArea(simplified) / polygonArea(circle) - 1)).toBeLessThan(0.02);
  });

  it('collapses a stroke that only goes back and forth along a line to two points', () => {
    expect(simplifyRing([xy(0, 0), xy(5, 0), xy(10, 0), xy(5, 0.2), xy(1, 0)], 1)).toEqual([
      xy(0, 0),
      xy(10, 0),
    ]);
  });
});
