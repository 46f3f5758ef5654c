/** Tile grid: level sizes match libvips' pyramid, tiles cover what a view shows, the level suits the zoom. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isTileInRange,
  levelForScale,
  needsTiles,
  pyramidLevels,
  tileBounds,
  tileFormatFor,
  tileImageRect,
  tilesCovering,
  visibleImageRect,
  type PyramidLevel,
} from './grid';

const sizes = (levels: PyramidLevel[]) => levels.map((l) => [l.width, l.height, l.columns, l.rows]);

describe('pyramidLevels', () => {
  it('halves a 30,000 px square, rounding up, down to the one level that fits one 512 px tile', () => {
    expect(sizes(pyramidLevels({ width: 30_000, height: 30_000 }))).toEqual([
      [30_000, 30_000, 59, 59],
      [15_000, 15_000, 30, 30],
      [7_500, 7_500, 15, 15],
      [3_750, 3_750, 8, 8],
      [1_875, 1_875, 4, 4],
      [938, 938, 2, 2],
      [469, 469, 1, 1],
    ]);
  });

  it('rounds odd sides up (1,501 → 751 → 376) and stops when both sides fit one tile', () => {
    expect(sizes(pyramidLevels({ width: 1501, height: 1101 }))).toEqual([
      [1501, 1101, 3, 3],
      [751, 551, 2, 2],
      [376, 276, 1, 1],
    ]);
  });

  it('keeps halving a long strip until its long side fits, even when the short side is 1 px', () => {
    const levels = pyramidLevels({ width: 100_000, height: 3 });
    expect(levels.at(-1)).toMatchObject({ width: 391, height: 1, columns: 1, rows: 1 });
    expect(levels).toHaveLength(9);
  });

  it('has a single level for an image that fits one tile', () => {
    expect(sizes(pyramidLevels({ width: 512, height: 300 }))).toEqual([[512, 300, 1, 1]]);
  });

  it('numbers levels from 0 and always ends in one tile (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 1, max: 200_000 }),
        (width, height) => {
          const levels = pyramidLevels({ width, height });
          expect(levels.map((l) => l.level)).toEqual(levels.map((_l, i) => i));
          expect(levels.at(-1)).toMatchObject({ columns: 1, rows: 1 });
          expect(levels.slice(0, -1).every((l) => l.columns > 1 || l.rows > 1)).toBe(true);
        },
      ),
    );
  });

  it('refuses an empty image', () => {
    expect(() => pyramidLevels({ width: 0, height: 10 })).toThrow(RangeError);
  });
});

describe('tiles', () => {
  const levels = pyramidLevels({ width: 1501, height: 1101 });

  it('cuts edge tiles at the level size and never pads them', () => {
    expect(tileBounds(levels, { level: 0, column: 2, row: 2 })).toEqual({
      x: 1024,
      y: 1024,
      width: 477,
      height: 77,
    });
    expect(tileBounds(levels, { level: 1, column: 1, row: 0 })).toEqual({
      x: 512,
      y: 0,
      width: 239,
      height: 512,
    });
    expect(tileBounds(levels, { level: 2, column: 0, row: 0 })).toEqual({
      x: 0,
      y: 0,
      width: 376,
      height: 276,
    });
  });

  it('knows which tiles exist', () => {
    expect(isTileInRange(levels, { level: 0, column: 2, row: 2 })).toBe(true);
    expect(isTileInRange(levels, { level: 0, column: 3, row: 0 })).toBe(false);
    expect(isTileInRange(levels, { level: 1, column: 0, row: 2 })).toBe(false);
    expect(isTileInRange(levels, { level: 3, column: 0, row: 0 })).toBe(false);
    expect(isTileInRange(levels, { level: 0, column: -1, row: 0 })).toBe(false);
    expect(() => tileBounds(levels, { level: 0, column: 3, row: 0 })).toThrow(RangeError);
  });

  it('places every level exactly over the full image, tiles edge to edge', () => {
    for (const level of levels) {
      const last = tileImageRect(levels, {
        level: level.level,
        column: level.columns - 1,
        row: level.rows - 1,
      });
      expect(last.x + last.width).toBeCloseTo(1501, 9);
      expect(last.y + last.height).toBeCloseTo(1101, 9);
      if (level.columns > 1) {
        const a = tileImageRect(levels, { level: level.level, column: 0, row: 0 });
        const b = tileImageRect(levels, { level: level.level, column: 1, row: 0 });
        expect(a.x + a.width).toBeCloseTo(b.x, 9);
      }
    }
    expect(tileImageRect(levels, { level: 1, column: 1, row: 1 })).toMatchObject({ x: 512 * (1501 / 751) });
  });
});

describe('levelForScale', () => {
  const levels = pyramidLevels({ width: 30_000, height: 30_000 });

  it('picks the coarsest level that still has a pixel per screen pixel', () => {
    expect(levelForScale(levels, 1)).toBe(0);
    expect(levelForScale(levels, 4)).toBe(0);
    expect(levelForScale(levels, 0.5)).toBe(1);
    expect(levelForScale(levels, 0.49)).toBe(1);
    expect(levelForScale(levels, 0.51)).toBe(0);
    expect(levelForScale(levels, 0.26)).toBe(1);
    expect(levelForScale(levels, 0.25)).toBe(2);
    // Fitting 30,000 px into ~868 px of screen needs 938 px: level 5.
    expect(levelForScale(levels, 868 / 30_000)).toBe(5);
  });

  it('uses the one-tile level for any smaller scale', () => {
    expect(levelForScale(levels, 0.001)).toBe(6);
  });

  it('counts device pixels: a 2× screen at 25 % wants the 50 % level', () => {
    expect(levelForScale(levels, 0.25 * 2)).toBe(1);
  });
});

describe('tilesCovering', () => {
  const levels = pyramidLevels({ width: 30_000, height: 30_000 });

  it('lists the tiles of a level under an image-space rectangle, row by row', () => {
    // Level 2 is 7,500 px: image x 4,000–6,000 is level x 1,000–1,500, columns 1–2.
    expect(tilesCovering(levels, 2, { x: 4000, y: 0, width: 2000, height: 2000 })).toEqual([
      { level: 2, column: 1, row: 0 },
      { level: 2, column: 2, row: 0 },
    ]);
  });

  it('clips to the level and adds an overscan ring when asked', () => {
    const whole = tilesCovering(levels, 5, { x: -5000, y: -5000, width: 60_000, height: 60_000 });
    expect(whole).toHaveLength(4);
    const ring = tilesCovering(levels, 2, { x: 4000, y: 4000, width: 1, height: 1 }, 1);
    expect(ring.map((t) => [t.column, t.row])).toEqual([
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 1],
      [1, 1],
      [2, 1],
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
  });

  it('returns nothing for a view entirely off the image', () => {
    expect(tilesCovering(levels, 0, { x: 31_000, y: 0, width: 100, height: 100 })).toEqual([]);
  });

  it('covers the visible rectangle of a fitted 1400 × 900 view with the level the zoom wants', () => {
    const scale = 868 / 30_000;
    const viewport = { scale, x: (1400 - 868) / 2, y: 16 };
    const rect = visibleImageRect(viewport, { width: 1400, height: 900 });
    expect(rect.x).toBeCloseTo(-266 / scale, 6);
    const level = levelForScale(levels, scale);
    expect(tilesCovering(levels, level, rect)).toHaveLength(4);
  });
});

describe('when to tile', () => {
  it('tiles images over 8,192 px on a side or over 40 megapixels, not the usual photo', () => {
    expect(needsTiles({ width: 6000, height: 4000 })).toBe(false);
    expect(needsTiles({ width: 8192, height: 4000 })).toBe(false);
    expect(needsTiles({ width: 8193, height: 100 })).toBe(true);
    expect(needsTiles({ width: 7000, height: 7000 })).toBe(true);
  });

  it('writes WebP tiles only for images with alpha', () => {
    expect(tileFormatFor(false)).toBe('jpeg');
    expect(tileFormatFor(true)).toBe('webp');
  });
});
