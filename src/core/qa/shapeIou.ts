/** How much two annotators' shapes overlap, as an IoU for any pair of annotation geometries on one image. */

import type { Geometry } from '../annotations/types';
import { maskIous, rleFromBox, rleFromPolygons } from '../evaluation/masks';
import type { RleMask } from '../evaluation/types';
import {
  boxIoU,
  geometryBounds,
  isEmptyBounds,
  isLabeledKeypoint,
  rotatedBoxCorners,
  type GeometryOf,
} from '../geometry/shapes';
import type { ImageSize } from '../geometry/spaces';

/** Points and keypoints count as the same place within this fraction of the image diagonal. */
export const POINT_TOLERANCE_FRACTION = 0.05;

/** The distance, in pixels, at which two points stop counting as the same place. */
export const pointTolerance = (image: ImageSize): number =>
  POINT_TOLERANCE_FRACTION * Math.hypot(image.width, image.height);

type AreaGeometry = GeometryOf<'box' | 'rotated-box' | 'polygon'>;

const isArea = (g: Geometry): g is AreaGeometry =>
  g.kind === 'box' || g.kind === 'rotated-box' || g.kind === 'polygon';

/** IoU-equivalent of two points `distance` apart: 1 on top of each other, falling linearly to 0 at the tolerance. */
const closeness = (distance: number, tolerance: number): number =>
  tolerance > 0 ? Math.max(0, 1 - distance / tolerance) : distance === 0 ? 1 : 0;

/**
 * Mean closeness over the keypoints labeled in either instance; one labeled in only one of them counts 0,
 * because the annotators disagree on whether it is visible at all.
 */
function keypointsCloseness(
  a: GeometryOf<'keypoints'>,
  b: GeometryOf<'keypoints'>,
  tolerance: number,
): number {
  const count = Math.max(a.points.length, b.points.length);
  let labeled = 0;
  let sum = 0;
  for (let k = 0; k < count; k++) {
    const p = a.points[k];
    const q = b.points[k];
    const inA = p !== undefined && isLabeledKeypoint(p);
    const inB = q !== undefined && isLabeledKeypoint(q);
    if (!inA && !inB) continue;
    labeled++;
    if (inA && inB) sum += closeness(Math.hypot(p.x - q.x, p.y - q.y), tolerance);
  }
  if (labeled > 0) return sum / labeled;
  // No keypoint to compare: the instances' boxes are all that is left.
  return a.box && b.box ? boxIoU(a.box, b.box) : 0;
}

/**
 * A polyline's bounds as a box, each side at least `tolerance` long (centred), so that a straight
 * horizontal or vertical line, whose bounds are flat, still overlaps a line drawn a few pixels off.
 */
function polylineBox(g: GeometryOf<'polyline'>, tolerance: number) {
  const b = geometryBounds(g);
  if (isEmptyBounds(b)) return undefined;
  const width = Math.max(b.maxX - b.minX, tolerance);
  const height = Math.max(b.maxY - b.minY, tolerance);
  return {
    x: (b.minX + b.maxX - width) / 2,
    y: (b.minY + b.maxY - height) / 2,
    width,
    height,
  };
}

/**
 * maskApi.c bbIou for two stored boxes (sizes ≥ 0), as geometry's boxIoU but allocating nothing: it runs for
 * every pair of boxes of every image.
 */
function boxPairIou(a: GeometryOf<'box'>, b: GeometryOf<'box'>): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  if (w <= 0) return 0;
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (h <= 0) return 0;
  const intersection = w * h;
  return intersection / (a.width * a.height + b.width * b.height - intersection);
}

/** IoU of two shapes of which at least one is not an area (box, rotated box, polygon). */
function nonAreaIou(a: Geometry, b: Geometry, tolerance: number): number {
  if (a.kind === 'point' && b.kind === 'point') return closeness(Math.hypot(a.x - b.x, a.y - b.y), tolerance);
  if (a.kind === 'keypoints' && b.kind === 'keypoints') return keypointsCloseness(a, b, tolerance);
  if (a.kind === 'polyline' && b.kind === 'polyline') {
    const p = polylineBox(a, tolerance);
    const q = polylineBox(b, tolerance);
    return p && q ? boxIoU(p, q) : 0;
  }
  // A point against a box, a line against a polygon: different kinds of label, not the same object drawn twice.
  return 0;
}

const flatten = (points: readonly { readonly x: number; readonly y: number }[]): number[] =>
  points.flatMap((p) => [p.x, p.y]);

/** The pixels pycocotools would count for an area shape (coco.py annToRLE; a box as maskApi.c rleFrBbox). */
function areaMask(g: AreaGeometry, image: ImageSize): RleMask {
  switch (g.kind) {
    case 'box':
      return rleFromBox([g.x, g.y, g.width, g.height], image.height, image.width);
    case 'rotated-box':
      return rleFromPolygons([flatten(rotatedBoxCorners(g))], image.height, image.width);
    case 'polygon':
      return rleFromPolygons([flatten(g.points)], image.height, image.width);
  }
}

/**
 * IoU of every shape in `as` with every shape in `bs` on one image, row-major (`ious[i * bs.length + j]`):
 * - box × box: exact continuous IoU (maskApi.c bbIou), without rasterising;
 * - any other pair of areas (polygon, rotated box, box): mask IoU as pycocotools computes it (rleIou), each
 *   shape rasterised once at the image's size, so parts outside the image do not count;
 * - point × point: max(0, 1 − d / tolerance), tolerance = 5% of the image diagonal;
 * - keypoints × keypoints: that closeness averaged over keypoints labeled in either (see keypointsCloseness);
 * - polyline × polyline: IoU of their bounds, each side at least the tolerance long;
 * - shapes of different families (area, point, keypoints, polyline): 0.
 */
export function shapeIous(as: readonly Geometry[], bs: readonly Geometry[], image: ImageSize): Float64Array {
  const m = as.length;
  const n = bs.length;
  const ious = new Float64Array(m * n);
  if (m === 0 || n === 0) return ious;
  const tolerance = pointTolerance(image);
  let needsMaskA: Uint8Array | undefined;
  let needsMaskB: Uint8Array | undefined;
  for (let i = 0; i < m; i++) {
    const a = as[i]!;
    for (let j = 0; j < n; j++) {
      const b = bs[j]!;
      if (a.kind === 'box' && b.kind === 'box') ious[i * n + j] = boxPairIou(a, b);
      else if (isArea(a) && isArea(b)) {
        needsMaskA ??= new Uint8Array(m);
        needsMaskB ??= new Uint8Array(n);
        needsMaskA[i] = 1;
        needsMaskB[j] = 1;
      } else ious[i * n + j] = nonAreaIou(a, b, tolerance);
    }
  }
  if (needsMaskA && needsMaskB) {
    const rowsA: number[] = [];
    const rowsB: number[] = [];
    needsMaskA.forEach((need, i) => need && rowsA.push(i));
    needsMaskB.forEach((need, j) => need && rowsB.push(j));
    const masksA = rowsA.map((i) => areaMask(as[i] as AreaGeometry, image));
    const masksB = rowsB.map((j) => areaMask(bs[j] as AreaGeometry, image));
    const maskIou = maskIous(masksA, masksB, new Array<boolean>(rowsB.length).fill(false));
    rowsA.forEach((i, p) =>
      rowsB.forEach((j, q) => {
        // Box pairs keep their exact IoU even when both boxes were rasterised for other pairs.
        if (as[i]!.kind !== 'box' || bs[j]!.kind !== 'box') ious[i * n + j] = maskIou[p * rowsB.length + q]!;
      }),
    );
  }
  return ious;
}

/** IoU of two shapes on one image, by the rules of `shapeIous`. */
export const shapeIou = (a: Geometry, b: Geometry, image: ImageSize): number =>
  shapeIous([a], [b], image)[0]!;
