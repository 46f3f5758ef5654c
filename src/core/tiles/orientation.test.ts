/** EXIF orientation on tiles: an upright rectangle maps to the stored pixels it shows, for all eight cases. */

import { describe, expect, it } from 'vitest';
import { storedRectOf, storedSize, uprightTurn } from './orientation';

/** Upright pixel (x, y) → stored pixel, straight from the EXIF definitions, one pixel at a time. */
const storedPixel = (x: number, y: number, w: number, h: number, orientation: number): [number, number] => {
  switch (orientation) {
    case 2:
      return [w - 1 - x, y];
    case 3:
      return [w - 1 - x, h - 1 - y];
    case 4:
      return [x, h - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [y, h - 1 - x];
    case 7:
      return [w - 1 - y, h - 1 - x];
    case 8:
      return [w - 1 - y, x];
    default:
      return [x, y];
  }
};

/** Applies a rotation (clockwise) then a mirror to a stored grid, as sharp's rotate() then flip()/flop(). */
const turn = (grid: number[][], orientation: number): number[][] => {
  const { rotate, mirror } = uprightTurn(orientation);
  let out = grid;
  for (let r = 0; r < rotate; r += 90) {
    const h = out.length;
    const w = out[0]?.length ?? 0;
    out = Array.from({ length: w }, (_, y) => Array.from({ length: h }, (_, x) => out[h - 1 - x]?.[y] ?? -1));
  }
  if (mirror === 'flop') out = out.map((row) => [...row].reverse());
  if (mirror === 'flip') out = [...out].reverse();
  return out;
};

describe('storedRectOf', () => {
  const stored = { width: 7, height: 4 };

  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'orientation %i: the rectangle holds exactly the pixels it shows',
    (o) => {
      const upright = storedSize(stored, o); // the swap is its own inverse
      const rect = { x: 1, y: 2, width: 2, height: 1 };
      const mapped = storedRectOf(rect, stored, o);
      for (let y = rect.y; y < rect.y + rect.height; y++)
        for (let x = rect.x; x < rect.x + rect.width; x++) {
          const [sx, sy] = storedPixel(x, y, stored.width, stored.height, o);
          expect(sx).toBeGreaterThanOrEqual(mapped.x);
          expect(sx).toBeLessThan(mapped.x + mapped.width);
          expect(sy).toBeGreaterThanOrEqual(mapped.y);
          expect(sy).toBeLessThan(mapped.y + mapped.height);
        }
      expect(mapped.width * mapped.height).toBe(rect.width * rect.height);
      expect(upright.width * upright.height).toBe(28);
    },
  );
});

describe('uprightTurn', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i: rotate then mirror gives the upright pixels', (o) => {
    const w = 3;
    const h = 2;
    const grid = Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => y * w + x));
    const upright = turn(grid, o);
    const size = storedSize({ width: w, height: h }, o);
    expect(upright).toHaveLength(size.height);
    for (let y = 0; y < size.height; y++)
      for (let x = 0; x < size.width; x++) {
        const [sx, sy] = storedPixel(x, y, w, h, o);
        expect(upright[y]?.[x]).toBe(sy * w + sx);
      }
  });
});
