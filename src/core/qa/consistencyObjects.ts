/** Object-level consistency measures: size and shape per class (Tukey fences), duplicates drawn twice, border contact. */

import type { Annotation, Geometry } from '../annotations/types';
import { geometryBounds } from '../geometry/shapes';
import { objectQuality, outliers } from '../quality/objectStats';

/** Classes with fewer objects have no "usual" size worth the name. */
export const MIN_CLASS_OBJECTS = 8;

export interface ClassOutlier {
  /** Index of the object in the flat arrays. */
  readonly object: number;
  /** Its value over its class median, on the original scale (e^(log value − log median)). */
  readonly ratio: number;
}

/**
 * Objects whose log value (`logValues[object]`, NaN for none) lies outside Tukey's fences for its class
 * (`classIndex[object]`), in object order. Only classes with MIN_CLASS_OBJECTS values take part.
 */
export function classOutliers(
  logValues: Float64Array,
  classIndex: Int32Array,
  classCount: number,
  k: number,
): ClassOutlier[] {
  const n = logValues.length;
  // Counting sort of the values by class: one buffer, each class a slice of it.
  const start = new Int32Array(classCount + 1);
  for (let i = 0; i < n; i++) if (!Number.isNaN(logValues[i]!)) start[classIndex[i]! + 1]!++;
  for (let c = 0; c < classCount; c++) start[c + 1]! += start[c]!;
  const filled = start.slice(0, classCount);
  const byClass = new Float64Array(start[classCount]!);
  for (let i = 0; i < n; i++) {
    const value = logValues[i]!;
    if (!Number.isNaN(value)) byClass[filled[classIndex[i]!]!++] = value;
  }
  const low = new Float64Array(classCount).fill(-Infinity);
  const high = new Float64Array(classCount).fill(Infinity);
  const typical = new Float64Array(classCount);
  for (let c = 0; c < classCount; c++) {
    const sorted = byClass.subarray(start[c]!, start[c + 1]!).sort();
    if (sorted.length < MIN_CLASS_OBJECTS) continue;
    // Handed over sorted, so its own sort is one linear pass.
    const fences = outliers(Array.from(sorted), k);
    low[c] = fences.low;
    high[c] = fences.high;
    const mid = sorted.length >> 1;
    typical[c] = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  }
  const out: ClassOutlier[] = [];
  for (let i = 0; i < n; i++) {
    const value = logValues[i]!;
    const c = classIndex[i]!;
    if (value < low[c]! || value > high[c]!) out.push({ object: i, ratio: Math.exp(value - typical[c]!) });
  }
  return out;
}

/**
 * `objectQuality`'s relative area, aspect ratio and border contact (1 or 0) written into `out[0…2]`; false
 * for geometry without an area. Boxes, nearly every object, are measured inline without allocating, as
 * 200,000 of them must take milliseconds; other kinds go through objectQuality itself.
 */
export function measureObject(
  g: Geometry,
  width: number,
  height: number,
  margin: number,
  out: Float64Array,
): boolean {
  if (g.kind === 'box') {
    const minX = Math.min(g.x, g.x + g.width);
    const maxX = Math.max(g.x, g.x + g.width);
    const minY = Math.min(g.y, g.y + g.height);
    const maxY = Math.max(g.y, g.y + g.height);
    const w = Math.max(0, maxX - minX);
    const h = Math.max(0, maxY - minY);
    const imageArea = width * height;
    out[0] = imageArea > 0 ? Math.abs(g.width * g.height) / imageArea : 0;
    out[1] = h > 0 ? w / h : w > 0 ? Infinity : 1;
    out[2] = minX <= margin || minY <= margin || maxX >= width - margin || maxY >= height - margin ? 1 : 0;
    return true;
  }
  const quality = objectQuality(g, width, height, margin);
  if (!quality) return false;
  out[0] = quality.relativeArea;
  out[1] = quality.aspectRatio;
  out[2] = quality.touchesBorder ? 1 : 0;
  return true;
}

/** A buffer reused from image to image, grown when an image has more objects than any before. */
export interface DuplicateScratch {
  bounds: Float64Array;
}

/**
 * Pairs of same-class objects on one image whose axis-aligned bounds overlap with IoU ≥ `threshold`,
 * each pair once, as [i, j, IoU] with i < j. Bounds, not exact shapes: for boxes they are the same, and two
 * polygons traced twice around one object have near-equal bounds too; the exact polygon IoU would cost
 * far more per pair.
 */
export function duplicatePairs(
  annotations: readonly Annotation[],
  threshold: number,
  scratch: DuplicateScratch,
): [number, number, number][] {
  const out: [number, number, number][] = [];
  const n = annotations.length;
  if (n < 2) return out;
  if (scratch.bounds.length < n * 5) scratch.bounds = new Float64Array(n * 10);
  // minX, minY, maxX, maxY, area per object, five numbers apart.
  const b = scratch.bounds;
  for (let i = 0; i < n; i++) {
    const g = annotations[i]!.geometry;
    let minX: number, minY: number, maxX: number, maxY: number;
    if (g.kind === 'box') {
      // Boxes are nearly every object; their bounds without an allocation.
      minX = Math.min(g.x, g.x + g.width);
      maxX = Math.max(g.x, g.x + g.width);
      minY = Math.min(g.y, g.y + g.height);
      maxY = Math.max(g.y, g.y + g.height);
    } else ({ minX, minY, maxX, maxY } = geometryBounds(g));
    const at = i * 5;
    b[at] = minX;
    b[at + 1] = minY;
    b[at + 2] = maxX;
    b[at + 3] = maxY;
    b[at + 4] = maxX > minX && maxY > minY ? (maxX - minX) * (maxY - minY) : 0;
  }
  for (let i = 0; i < n; i++) {
    const ai = i * 5;
    const areaA = b[ai + 4]!;
    if (areaA === 0) continue;
    const classId = annotations[i]!.classId;
    for (let j = i + 1; j < n; j++) {
      const aj = j * 5;
      const areaB = b[aj + 4]!;
      // IoU ≤ smaller / larger area, so a pair far apart in size cannot reach the threshold.
      if (areaB === 0 || Math.min(areaA, areaB) < threshold * Math.max(areaA, areaB)) continue;
      if (annotations[j]!.classId !== classId) continue;
      const w = Math.min(b[ai + 2]!, b[aj + 2]!) - Math.max(b[ai]!, b[aj]!);
      const h = Math.min(b[ai + 3]!, b[aj + 3]!) - Math.max(b[ai + 1]!, b[aj + 1]!);
      if (w <= 0 || h <= 0) continue;
      const iou = (w * h) / (areaA + areaB - w * h);
      if (iou >= threshold) out.push([i, j, iou]);
    }
  }
  return out;
}

/** "left edge", "top and right edges": which edges the object's bounds come within `margin` of. */
export function edgesTouched(geometry: Geometry, width: number, height: number, margin: number): string {
  const b =
    geometry.kind === 'keypoints' && geometry.box
      ? geometryBounds({ kind: 'box', ...geometry.box })
      : geometryBounds(geometry);
  const edges = [
    b.minY <= margin ? 'top' : '',
    b.maxY >= height - margin ? 'bottom' : '',
    b.minX <= margin ? 'left' : '',
    b.maxX >= width - margin ? 'right' : '',
  ].filter((edge) => edge !== '');
  if (edges.length === 1) return `${edges[0]!} edge`;
  return `${edges.slice(0, -1).join(', ')} and ${edges[edges.length - 1]!} edges`;
}
