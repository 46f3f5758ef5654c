/**
 * COCO run-length encoded masks (the `{size, counts}` segmentation of crowd regions and of many exports):
 * reading and writing pycocotools' compressed counts strings, area, and tracing a mask's outlines into
 * polygons.
 */

import type { ImagePoint } from '../annotations/types';
import { signedArea } from '../geometry/polygons';
import { simplifyRing } from '../geometry/simplify';

/*
 * A COCO mask is stored column by column (Fortran order, maskApi.h): pixel (x, y) is at x * height + y.
 * `counts` are run lengths alternating background and foreground, starting with background (a mask whose
 * first pixel is set starts with a 0 run).
 */

export interface Rle {
  readonly height: number;
  readonly width: number;
  readonly counts: readonly number[];
}

export type RleResult =
  { readonly ok: true; readonly rle: Rle } | { readonly ok: false; readonly reason: string };

/** Masks larger than this are refused rather than decoded: a forged `size` must not allocate gigabytes. */
export const MAX_MASK_PIXELS = 100_000_000;

/**
 * pycocotools' compressed counts (maskApi.c rleToString): each count, minus the count two before it from
 * the fourth count on, as a signed LEB128-like number of 5-bit groups, low group first, one character
 * per group (48 + group, + 32 when more groups follow); the last group's 0x10 bit is the sign.
 */
export function countsToString(counts: readonly number[]): string {
  const chars: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]! - (i > 2 ? counts[i - 2]! : 0);
    for (let more = true; more;) {
      const group = x - Math.floor(x / 32) * 32;
      x = Math.floor(x / 32);
      more = (group & 0x10) !== 0 ? x !== -1 : x !== 0;
      chars.push(48 + group + (more ? 0x20 : 0));
    }
  }
  let text = '';
  // Chunked so a mask with many runs does not overflow the argument list.
  for (let i = 0; i < chars.length; i += 8192) text += String.fromCharCode(...chars.slice(i, i + 8192));
  return text;
}

/** The run lengths of a compressed counts string (maskApi.c rleFrString), or why it is not one. */
export function countsFromString(text: string): readonly number[] | { readonly reason: string } {
  const counts: number[] = [];
  let p = 0;
  while (p < text.length) {
    let x = 0;
    let scale = 1;
    for (let more = true; more; p++) {
      if (p >= text.length) return { reason: `counts string ends inside a number (at character ${p})` };
      const group = text.charCodeAt(p) - 48;
      if (group < 0 || group > 63) {
        return { reason: `counts string has ${JSON.stringify(text[p])} at character ${p}, outside "0"…"o"` };
      }
      x += (group & 0x1f) * scale;
      scale *= 32;
      more = (group & 0x20) !== 0;
      if (!more && (group & 0x10) !== 0) x -= scale;
      if (scale > 2 ** 40) return { reason: `counts string has a number too large at character ${p}` };
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    if (x < 0) return { reason: `counts string gives run ${counts.length + 1} a negative length (${x})` };
    counts.push(x);
  }
  return counts;
}

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

/**
 * A COCO RLE segmentation `{size: [height, width], counts}` with counts compressed (a string, as
 * pycocotools writes) or not (an array, as COCO's crowd regions are stored), checked so that its runs
 * cover the mask exactly.
 */
export function readRle(value: unknown): RleResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'RLE must be an object {size: [height, width], counts}' };
  }
  const { size, counts } = value as { size?: unknown; counts?: unknown };
  if (!Array.isArray(size) || size.length !== 2 || !size.every(isCount)) {
    return {
      ok: false,
      reason: `RLE size must be [height, width], not ${JSON.stringify(size) ?? 'nothing'}`,
    };
  }
  const [height, width] = size as [number, number];
  if (height * width > MAX_MASK_PIXELS) {
    return { ok: false, reason: `RLE size ${height}×${width} is over ${MAX_MASK_PIXELS} pixels` };
  }
  let runs: readonly number[];
  if (typeof counts === 'string') {
    const decoded = countsFromString(counts);
    if (!Array.isArray(decoded)) return { ok: false, reason: (decoded as { reason: string }).reason };
    runs = decoded;
  } else if (Array.isArray(counts) && counts.every(isCount)) {
    runs = counts;
  } else {
    return { ok: false, reason: 'RLE counts must be a string or an array of non-negative integers' };
  }
  let total = 0;
  for (const run of runs) total += run;
  if (total !== height * width) {
    return {
      ok: false,
      reason: `RLE counts cover ${total} pixels but size ${height}×${width} has ${height * width}`,
    };
  }
  return { ok: true, rle: { height, width, counts: runs } };
}

/** The mask as bytes (1 = object), column by column like the counts. */
export function rleToMask(rle: Rle): Uint8Array {
  const mask = new Uint8Array(rle.height * rle.width);
  let at = 0;
  rle.counts.forEach((run, i) => {
    if (i % 2 === 1) mask.fill(1, at, at + run);
    at += run;
  });
  return mask;
}

/** The runs of a column-by-column mask (maskApi.c rleEncode): any non-zero byte is the object. */
export function rleFromMask(mask: Uint8Array, height: number, width: number): Rle {
  const counts: number[] = [];
  let value = 0;
  let run = 0;
  for (let i = 0; i < height * width; i++) {
    const v = mask[i] ? 1 : 0;
    if (v !== value) {
      counts.push(run);
      run = 0;
      value = v;
    }
    run++;
  }
  counts.push(run);
  return { height, width, counts };
}

/** Object pixels: the foreground runs (maskApi.c rleArea). */
export function rleArea(rle: Rle): number {
  let area = 0;
  for (let i = 1; i < rle.counts.length; i += 2) area += rle.counts[i]!;
  return area;
}

export interface MaskOutlines {
  /** The outer outline of each 8-connected piece, clockwise on screen, simplified. */
  readonly polygons: readonly (readonly ImagePoint[])[];
  /** Holes inside the pieces: a polygon cannot hold them, so they are filled and counted. */
  readonly holes: number;
}

// Directions of travel along pixel edges, and the turn to the left of each (image y grows downwards).
const DX = [1, 0, -1, 0]; // east, south, west, north
const DY = [0, 1, 0, -1];
const EAST = 0;
const SOUTH = 1;
const WEST = 2;
const NORTH = 3;
const LEFT_OF = [NORTH, EAST, SOUTH, WEST];

/**
 * The outlines of a mask, traced along pixel edges with the object on the right (crack following), so
 * an outline's area is its pixel count and its bounds are pycocotools' rleToBbox; then simplified with
 * `tolerance` px (Douglas–Peucker). Diagonal neighbours count as one piece, as in OpenCV's findContours,
 * which COCO conversion scripts use.
 */
export function rleToPolygons(rle: Rle, tolerance = 1): MaskOutlines {
  const { height: h, width: w } = rle;
  const mask = rleToMask(rle);
  const on = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < w && y < h && mask[x * h + y] === 1;
  // Every outline has a top edge (an object pixel below a background one) run eastwards; marking those
  // finds each outline once.
  const tracedTop = new Uint8Array(h * w);
  const polygons: ImagePoint[][] = [];
  let holes = 0;

  for (let x0 = 0; x0 < w; x0++) {
    for (let y0 = 0; y0 < h; y0++) {
      const start = x0 * h + y0;
      if (mask[start] !== 1 || tracedTop[start] === 1 || on(x0, y0 - 1)) continue;
      const ring: ImagePoint[] = [];
      let x = x0;
      let y = y0;
      let dir = EAST;
      do {
        if (dir === EAST) tracedTop[x * h + y] = 1;
        x += DX[dir]!;
        y += DY[dir]!;
        const nw = on(x - 1, y - 1);
        const ne = on(x, y - 1);
        const sw = on(x - 1, y);
        const se = on(x, y);
        let next: number;
        if (nw === se && ne === sw && nw !== ne) {
          // A saddle (two pieces touching at a corner): turning left keeps them one outline.
          next = LEFT_OF[dir]!;
        } else if (se && !ne) next = EAST;
        else if (sw && !se) next = SOUTH;
        else if (nw && !sw) next = WEST;
        else next = NORTH;
        if (next !== dir) ring.push({ x, y });
        dir = next;
      } while (x !== x0 || y !== y0 || dir !== EAST);
      if (signedArea(ring) < 0) {
        holes++;
        continue;
      }
      const simplified = simplifyRing(ring, tolerance);
      // A piece thinner than the tolerance (a one-pixel diagonal) would simplify to a line: keep it whole.
      polygons.push(simplified.length >= 3 && signedArea(simplified) > 0 ? simplified : ring);
    }
  }
  return { polygons, holes };
}
