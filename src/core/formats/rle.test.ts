import { describe, expect, it } from 'vitest';
import { polygonArea } from '../geometry/polygons';
import {
  countsFromString,
  countsToString,
  readRle,
  rleArea,
  rleFromMask,
  rleToMask,
  rleToPolygons,
  type Rle,
} from './rle';

/** A mask drawn as rows of `#` (object) and `.`, stored column by column as COCO does. */
function drawn(rows: readonly string[]): Rle {
  const height = rows.length;
  const width = rows[0]!.length;
  const mask = new Uint8Array(height * width);
  rows.forEach((row, y) => [...row].forEach((c, x) => (mask[x * height + y] = c === '#' ? 1 : 0)));
  return rleFromMask(mask, height, width);
}

const sortedCorners = (points: readonly { x: number; y: number }[]) =>
  [...points].map((p) => `${p.x},${p.y}`).sort();

describe('compressed counts', () => {
  // Worked by hand from maskApi.c rleToString (and checked against pycocotools' mask.encode):
  // 5 → '5', 3 → '3', 2 → '2', then 2 − 3 = −1 → group 31 with the sign bit and no more → 'O',
  // 4 − 2 = 2 → '2'.
  it('writes the string pycocotools writes for a small mask', () => {
    expect(countsToString([5, 3, 2, 2, 4])).toBe('532O2');
  });

  // 100 = 3·32 + 4 → 'T' (48 + 4 + 32, more follows) then '3'; 20 and 24 have the 0x10 bit set, so a
  // 0 group must follow to keep them positive: 'd0', 'h0'.
  it('writes several characters for counts of 16 and more', () => {
    expect(countsToString([100, 20, 24])).toBe('T3d0h0');
  });

  it('reads back what it writes, including runs shorter than the one two before', () => {
    const counts = [0, 7, 1, 1, 300, 2, 9999, 64, 15, 16, 17, 100000];
    expect(countsFromString(countsToString(counts))).toEqual(counts);
    expect(countsFromString('532O2')).toEqual([5, 3, 2, 2, 4]);
  });

  it('explains a string with characters outside the alphabet or cut inside a number', () => {
    expect(countsFromString('53 2')).toEqual({ reason: expect.stringContaining('" " at character 2') });
    expect(countsFromString('T')).toEqual({ reason: expect.stringContaining('ends inside a number') });
  });
});

describe('readRle', () => {
  it('reads compressed and uncompressed counts to the same mask', () => {
    const a = readRle({ size: [4, 4], counts: '532O2' });
    const b = readRle({ size: [4, 4], counts: [5, 3, 2, 2, 4] });
    expect(a).toEqual({ ok: true, rle: { height: 4, width: 4, counts: [5, 3, 2, 2, 4] } });
    expect(b).toEqual(a);
  });

  it('refuses counts that do not cover the mask, a bad size, or a forged huge size', () => {
    expect(readRle({ size: [4, 4], counts: [5, 3] })).toEqual({
      ok: false,
      reason: 'RLE counts cover 8 pixels but size 4×4 has 16',
    });
    expect(readRle({ size: [4], counts: [16] }).ok).toBe(false);
    expect(readRle({ size: [4, 4], counts: [1.5, 14.5] }).ok).toBe(false);
    expect(readRle({ size: [100000, 100000], counts: [1e10] })).toEqual({
      ok: false,
      reason: expect.stringContaining('is over'),
    });
  });
});

describe('masks', () => {
  it('encodes and decodes a mask to the same pixels', () => {
    const rle = drawn(['#..#', '##..', '.###', '...#']);
    const again = rleFromMask(rleToMask(rle), 4, 4);
    expect(again).toEqual(rle);
    expect(rleToMask(rle)).toEqual(Uint8Array.from([1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1]));
  });

  it('starts with an empty background run when the first pixel is set', () => {
    expect(drawn(['#.', '..']).counts).toEqual([0, 1, 3]);
  });

  it('counts the object pixels as the area', () => {
    expect(rleArea(drawn(['#..#', '##..', '.###', '...#']))).toBe(8);
    expect(rleArea({ height: 12, width: 12, counts: [100, 20, 24] })).toBe(20);
  });
});

describe('rleToPolygons', () => {
  it('outlines a filled rectangle by its 4 corners on the pixel edges', () => {
    const { polygons, holes } = rleToPolygons(drawn(['......', '..###.', '..###.', '......']));
    expect(holes).toBe(0);
    expect(polygons).toHaveLength(1);
    expect(sortedCorners(polygons[0]!)).toEqual(['2,1', '2,3', '5,1', '5,3']);
    expect(polygonArea(polygons[0]!)).toBe(6);
  });

  it('outlines an L-shape by its 6 corners, clockwise on screen', () => {
    const { polygons } = rleToPolygons(drawn(['##....', '##....', '##....', '######', '######']));
    expect(polygons).toHaveLength(1);
    expect(sortedCorners(polygons[0]!)).toEqual(['0,0', '0,5', '2,0', '2,3', '6,3', '6,5']);
    expect(polygonArea(polygons[0]!)).toBe(18);
  });

  it('gives one polygon per separate piece and counts holes it has to fill', () => {
    const { polygons, holes } = rleToPolygons(drawn(['###...', '#.#..#', '###..#', '......']));
    expect(polygons).toHaveLength(2);
    expect(holes).toBe(1);
    expect(polygons.map((p) => polygonArea(p)).sort()).toEqual([2, 9]);
  });

  it('keeps pieces that touch at a corner as one outline', () => {
    const { polygons } = rleToPolygons(drawn(['#..', '.#.', '..#']), 0);
    expect(polygons).toHaveLength(1);
    expect(polygonArea(polygons[0]!)).toBe(3);
  });

  it('smooths a staircase into a diagonal within the tolerance', () => {
    const rows = Array.from({ length: 20 }, (_, y) => '#'.repeat(y + 1) + '.'.repeat(19 - y));
    const { polygons } = rleToPolygons(drawn(rows), 1);
    expect(polygons[0]!.length).toBeLessThanOrEqual(4);
    expect(polygonArea(polygons[0]!)).toBeGreaterThan(190);
  });

  it('finds nothing in an empty mask', () => {
    expect(rleToPolygons({ height: 3, width: 3, counts: [9] })).toEqual({ polygons: [], holes: 0 });
  });
});
