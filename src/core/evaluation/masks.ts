/**
 * Masks for COCO's `segm` evaluation, computed exactly as pycocotools does (common/maskApi.c, _mask.pyx,
 * coco.py annToRLE): polygons rasterised to run-length masks, their areas and boxes, and mask IoU.
 */

import { readRle, rleArea } from '../formats/rle';
import type { Box, RleMask, Segmentation } from './types';

/*
 * A port of C code that mixes `int`, `uint` and `double`: `cInt` is a C `(int)` cast of a double as x86-64
 * compiles it (truncation toward zero; NaN or out of range gives INT_MIN), `>>> 0` is `uint` wrap-around,
 * and `Math.imul`/`| 0` is `int` arithmetic under gcc's -fwrapv (build.sh compiles with it).
 */
const INT_MIN = -2147483648;
const cInt = (value: number): number =>
  value > -2147483649 && value < 2147483648 ? Math.trunc(value) : INT_MIN;

/**
 * Polygon coordinates beyond this many pixels are refused: pycocotools upsamples ×5 into 32-bit ints (and
 * overflows past ±4e8), and rasterising walks every upsampled step of an edge, so a forged coordinate must
 * not cost minutes. No image is that large.
 */
export const MAX_POLYGON_COORDINATE = 10_000_000;

/**
 * Rasterising walks every step of the 5× upsampled outline, so an object's outline is limited to this many
 * pixels (the longer of each edge's width and height, summed): about a second of work.
 */
export const MAX_POLYGON_OUTLINE = 10_000_000;

/** maskApi.c rleFrPoly: upsampling factor of the polygon rasteriser. */
const SCALE = 5;

/** The outline length rleFrPoly walks for a ring, in original pixels (its `m` before the walk, / 5). */
function outlineLength(xy: readonly number[]): number {
  const k = Math.floor(xy.length / 2);
  let steps = 0;
  for (let j = 0; j < k; j++) {
    const next = (j + 1) % k;
    const dx = Math.abs(cInt(SCALE * xy[j * 2]! + 0.5) - cInt(SCALE * xy[next * 2]! + 0.5));
    const dy = Math.abs(cInt(SCALE * xy[j * 2 + 1]! + 0.5) - cInt(SCALE * xy[next * 2 + 1]! + 0.5));
    steps += Math.max(dx, dy) + 1;
  }
  return steps / SCALE;
}

/**
 * One polygon ring `[x1, y1, x2, y2, …]` rasterised into a `height`×`width` mask (maskApi.c rleFrPoly): a
 * pixel is in when its centre is inside, decided on a 5× grid. An odd trailing number is ignored, as
 * `_mask.pyx frPoly` passes `int(len(p)/2)` points.
 */
function rleFrPoly(xy: readonly number[], height: number, width: number): RleMask {
  const k = Math.floor(xy.length / 2);
  // maskApi.c rleFrPoly: vertices upsampled and rounded, x[j] = (int)(scale*xy[2j]+.5), ring closed.
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) x[j] = cInt(SCALE * xy[j * 2]! + 0.5);
  for (let j = 0; j < k; j++) y[j] = cInt(SCALE * xy[j * 2 + 1]! + 0.5);
  x[k] = x[0]!;
  y[k] = y[0]!;

  // `w-1` is unsigned (siz) in C: an image 0 wide has no upper bound on columns.
  const lastColumn = width === 0 ? 2 ** 64 - 1 : width - 1;
  const starts: number[] = [];
  // The C code first lists every upsampled boundary point (u, v), then scans consecutive pairs; the scan
  // is done here as the points are made, so memory does not grow with the polygon's size.
  let points = 0;
  let pu = 0;
  let pv = 0;
  const visit = (u: number, v: number): void => {
    // maskApi.c rleFrPoly: where u changes, a downsampled column boundary may give a run start.
    if (points > 0 && u !== pu) {
      let xd = u < pu ? u : u - 1;
      xd = (xd + 0.5) / SCALE - 0.5;
      if (Math.floor(xd) === xd && xd >= 0 && xd <= lastColumn) {
        let yd = v < pv ? v : pv;
        yd = (yd + 0.5) / SCALE - 0.5;
        if (yd < 0) yd = 0;
        else if (yd > height) yd = height;
        yd = Math.ceil(yd);
        // maskApi.c rleFrPoly: a[j] = (uint)(x*(int)h + y), in wrapping int arithmetic.
        starts.push((Math.imul(xd, height | 0) + yd) >>> 0);
      }
    }
    pu = u;
    pv = v;
    points++;
  };

  for (let j = 0; j < k; j++) {
    let xs = x[j]!;
    let xe = x[j + 1]!;
    let ys = y[j]!;
    let ye = y[j + 1]!;
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    // maskApi.c rleFrPoly: each edge is stepped from its lower end so rounding is the same both ways.
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    // A zero-length edge gives 0/0 = NaN here, as in C; its one point's v is never used.
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        visit(t + xs, cInt(ys + s * t + 0.5));
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        visit(cInt(xs + s * t + 0.5), t + ys);
      }
    }
  }

  // maskApi.c rleFrPoly: run starts sorted, the mask's end added, differences taken as uint.
  const a = new Uint32Array(starts.length + 1);
  a.set(starts);
  a[starts.length] = (height * width) >>> 0;
  a.sort();
  let previous = 0;
  for (let j = 0; j < a.length; j++) {
    const t = a[j]!;
    a[j] = t - previous;
    previous = t;
  }
  // maskApi.c rleFrPoly: a zero-length run (a start listed twice) cancels, joining its neighbours.
  const counts: number[] = [a[0]!];
  for (let j = 1; j < a.length;) {
    if (a[j]! > 0) counts.push(a[j++]!);
    else {
      j++;
      if (j < a.length) counts[counts.length - 1] = (counts[counts.length - 1]! + a[j++]!) >>> 0;
    }
  }
  return { height, width, counts };
}

/** The union of masks (maskApi.c rleMerge with intersect=0); masks of different sizes give an empty 0×0 mask. */
function rleMergeUnion(masks: readonly RleMask[]): RleMask {
  const first = masks[0];
  if (!first) return { height: 0, width: 0, counts: [] };
  if (masks.length === 1) return first;
  let { height, width } = first;
  let counts: readonly number[] = first.counts;
  for (let i = 1; i < masks.length; i++) {
    const other = masks[i]!;
    if (other.height !== height || other.width !== width) {
      height = width = 0;
      counts = [];
      break;
    }
    const A = counts;
    const B = other.counts;
    const merged: number[] = [];
    let ca = A[0] ?? 0;
    let cb = B[0] ?? 0;
    let v = false;
    let va = false;
    let vb = false;
    let a = 1;
    let b = 1;
    let cc = 0;
    let ct = 1;
    while (ct > 0) {
      const c = Math.min(ca, cb);
      cc = (cc + c) >>> 0;
      ca -= c;
      if (!ca && a < A.length) {
        ca = A[a++]!;
        va = !va;
      }
      ct = ca;
      cb -= c;
      if (!cb && b < B.length) {
        cb = B[b++]!;
        vb = !vb;
      }
      ct = (ct + cb) >>> 0;
      const vp: boolean = v;
      v = va || vb;
      if (v !== vp || ct === 0) {
        merged.push(cc);
        cc = 0;
      }
    }
    counts = merged;
  }
  return { height, width, counts };
}

/**
 * An object's polygons as one mask, as coco.py annToRLE does for a polygon list: each ring rasterised
 * (frPyObjects → rleFrPoly), then their union (mask.merge). No rings give an empty mask (pycocotools fails
 * on an empty list; readSegmentation refuses one).
 */
export function rleFromPolygons(
  rings: readonly (readonly number[])[],
  height: number,
  width: number,
): RleMask {
  if (rings.length === 0) return { height, width, counts: [(height * width) >>> 0] };
  return rleMergeUnion(rings.map((ring) => rleFrPoly(ring, height, width)));
}

/** A box's mask (maskApi.c rleFrBbox): the polygon (x,y) (x,y+h) (x+w,y+h) (x+w,y) through rleFrPoly. */
export function rleFromBox(bbox: Box, height: number, width: number): RleMask {
  const [xs, ys, w, h] = bbox;
  const xe = xs + w;
  const ye = ys + h;
  return rleFrPoly([xs, ys, xs, ye, xe, ye, xe, ys], height, width);
}

/**
 * The mask pycocotools evaluates for a segmentation (coco.py annToRLE): polygons are rasterised at the
 * image's size; an RLE is used as it is, with its own size (frUncompressedRLE reads `size`, not the image's).
 */
export function segmentationToRle(seg: Segmentation, height: number, width: number): RleMask {
  return seg.kind === 'polygons' ? rleFromPolygons(seg.rings, height, width) : seg.rle;
}

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

function readPolygons(value: readonly unknown[]): Segmentation | { readonly reason: string } {
  // _mask.pyx frPyObjects: an empty list fails (it reads pyobj[0]); a first entry of 4 numbers is taken
  // for a box and fails on a list; fewer than 4 is "input type is not supported".
  if (value.length === 0) return { reason: 'is an empty polygon list (pycocotools cannot convert one)' };
  const rings: number[][] = [];
  for (const [i, ring] of value.entries()) {
    if (!Array.isArray(ring)) {
      return {
        reason: `polygon ${i + 1} must be a list of numbers [x1, y1, x2, y2, …], not ${describe(ring)}`,
      };
    }
    for (const [p, n] of ring.entries()) {
      if (typeof n !== 'number' || !Number.isFinite(n)) {
        return {
          reason: `polygon ${i + 1} has ${JSON.stringify(n) ?? 'nothing'} at position ${p + 1}, not a number`,
        };
      }
      if (Math.abs(n) > MAX_POLYGON_COORDINATE) {
        return { reason: `polygon ${i + 1} has coordinate ${n}, beyond ±${MAX_POLYGON_COORDINATE} px` };
      }
    }
    rings.push(ring as number[]);
  }
  const outline = rings.reduce((sum, ring) => sum + outlineLength(ring), 0);
  if (outline > MAX_POLYGON_OUTLINE) {
    return { reason: `polygons have ${Math.round(outline)} px of outline, over ${MAX_POLYGON_OUTLINE} px` };
  }
  if (rings[0]!.length <= 4) {
    return {
      reason: `polygon 1 has ${rings[0]!.length} numbers; pycocotools needs at least 3 points (6 numbers) there`,
    };
  }
  return { kind: 'polygons', rings };
}

/**
 * A COCO `segmentation` value: a list of polygons `[[x1, y1, x2, y2, …], …]`, or an RLE
 * `{size: [height, width], counts}` with counts as a number list or pycocotools' compressed string.
 */
export function readSegmentation(value: unknown): Segmentation | { readonly reason: string } {
  if (Array.isArray(value)) return readPolygons(value);
  if (typeof value === 'object' && value !== null) {
    const read = readRle(value);
    return read.ok ? { kind: 'rle', rle: read.rle } : { reason: read.reason };
  }
  return { reason: `must be a list of polygons or an RLE {size, counts}, not ${describe(value)}` };
}

/** Object pixels (maskApi.c rleArea). */
export function maskArea(rle: RleMask): number {
  return rleArea(rle);
}

/**
 * The mask's bounding box `[x, y, width, height]` (maskApi.c rleToBbox), with its quirks: an object in
 * more than one column spans the full height whenever one of its runs wraps into the next column, and an
 * empty mask written with an explicit empty foreground run (e.g. `[h*w, 0]`) gets a box at its far edge.
 */
export function maskToBox(rle: RleMask): Box {
  const h = rle.height >>> 0;
  const w = rle.width >>> 0;
  const { counts } = rle;
  // maskApi.c rleToBbox: only whole (background, foreground) pairs are read.
  const m = counts.length - (counts.length % 2);
  if (m === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let xp = 0;
  let cc = 0;
  for (let j = 0; j < m; j++) {
    cc = (cc + counts[j]!) >>> 0;
    // maskApi.c rleToBbox: t is a run's first pixel (even j) or its last (odd j), in uint.
    const t = (cc - (j % 2)) >>> 0;
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = (h - 1) >>> 0;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, (xe - xs + 1) >>> 0, (ye - ys + 1) >>> 0];
}

/**
 * IoU of every prediction mask with every ground-truth mask, row-major (`ious[d * gts.length + g]`),
 * exactly as maskApi.c rleIou: pairs whose rleToBbox boxes do not overlap are 0 without looking at the
 * runs; a crowd ground truth's union is the prediction's area; masks of different sizes whose boxes
 * overlap get -1 (which no threshold accepts).
 */
export function maskIous(
  dts: readonly RleMask[],
  gts: readonly RleMask[],
  iscrowd: readonly boolean[],
): Float64Array {
  const m = dts.length;
  const n = gts.length;
  const ious = new Float64Array(m * n);
  if (m === 0 || n === 0) return ious;
  const dtBoxes = dts.map(maskToBox);
  const gtBoxes = gts.map(maskToBox);
  const dtRuns = dts.map((rle) => Uint32Array.from(rle.counts));
  const gtRuns = gts.map((rle) => Uint32Array.from(rle.counts));
  const dtAreas = new Float64Array(m).fill(-1);

  for (let g = 0; g < n; g++) {
    const G = gtBoxes[g]!;
    const gt = gts[g]!;
    const B = gtRuns[g]!;
    const crowd = iscrowd[g] === true;
    const ga = G[2] * G[3];
    for (let d = 0; d < m; d++) {
      const D = dtBoxes[d]!;
      // maskApi.c bbIou: the boxes' IoU first; only pairs where it is > 0 are compared run by run.
      const da = D[2] * D[3];
      const w = Math.min(D[2] + D[0], G[2] + G[0]) - Math.max(D[0], G[0]);
      if (w <= 0) continue;
      const h = Math.min(D[3] + D[1], G[3] + G[1]) - Math.max(D[1], G[1]);
      if (h <= 0) continue;
      const boxInter = w * h;
      if (!(boxInter / (crowd ? da : da + ga - boxInter) > 0)) continue;

      const dt = dts[d]!;
      if (dt.height !== gt.height || dt.width !== gt.width) {
        ious[d * n + g] = -1;
        continue;
      }
      // maskApi.c rleIou: walk both run lists together, counting union and intersection in uint.
      const A = dtRuns[d]!;
      const ka = A.length;
      const kb = B.length;
      let ca = ka > 0 ? A[0]! : 0;
      let cb = kb > 0 ? B[0]! : 0;
      let va = false;
      let vb = false;
      let a = 1;
      let b = 1;
      let inter = 0;
      let union = 0;
      let ct = 1;
      while (ct > 0) {
        const c = ca < cb ? ca : cb;
        if (va || vb) {
          union = (union + c) >>> 0;
          if (va && vb) inter = (inter + c) >>> 0;
        }
        ca -= c;
        if (!ca && a < ka) {
          ca = A[a++]!;
          va = !va;
        }
        cb -= c;
        if (!cb && b < kb) {
          cb = B[b++]!;
          vb = !vb;
        }
        ct = (ca + cb) >>> 0;
      }
      if (inter === 0) union = 1;
      else if (crowd) {
        if (dtAreas[d]! < 0) dtAreas[d] = rleArea(dt) >>> 0;
        union = dtAreas[d]!;
      }
      ious[d * n + g] = inter / union;
    }
  }
  return ious;
}
