/** Object-level quality measures (size, shape, border contact, density, class balance), for the data-quality page. */

import type { Annotation, Geometry } from '../annotations/types';
import { polygonArea } from '../geometry/polygons';
import { geometryBounds } from '../geometry/shapes';

export interface ObjectQuality {
  /** Pixels² covered: the polygon's own area for polygons, the box's area for boxes and keypoint boxes. */
  readonly area: number;
  /** `area` over the image's area (0–1). */
  readonly relativeArea: number;
  /** Size of the axis-aligned bounds in pixels. */
  readonly width: number;
  readonly height: number;
  /** Bounds width / height; Infinity for a zero-height object with a width, 1 for a zero-size one. */
  readonly aspectRatio: number;
  /** The bounds come within the border tolerance of an image edge (a cut-off object, usually). */
  readonly touchesBorder: boolean;
}

/** The area of geometry that has one; undefined for points, polylines and keypoints without a box. */
function areaOf(geometry: Geometry): number | undefined {
  switch (geometry.kind) {
    case 'box':
    case 'rotated-box':
      return Math.abs(geometry.width * geometry.height);
    case 'polygon':
      return polygonArea(geometry.points);
    case 'keypoints':
      return geometry.box && Math.abs(geometry.box.width * geometry.box.height);
    case 'point':
    case 'polyline':
      return undefined;
  }
}

/**
 * Size, shape and border contact of one object in a `imageWidth` × `imageHeight` image; undefined for
 * geometry without an area (points, polylines, keypoints without a box).
 */
export function objectQuality(
  geometry: Geometry,
  imageWidth: number,
  imageHeight: number,
  borderTolerance = 1,
): ObjectQuality | undefined {
  const area = areaOf(geometry);
  if (area === undefined) return undefined;
  const bounds =
    geometry.kind === 'keypoints' && geometry.box ? boxBounds(geometry.box) : geometryBounds(geometry);
  const width = Math.max(0, bounds.maxX - bounds.minX);
  const height = Math.max(0, bounds.maxY - bounds.minY);
  const imageArea = imageWidth * imageHeight;
  return {
    area,
    relativeArea: imageArea > 0 ? area / imageArea : 0,
    width,
    height,
    aspectRatio: height > 0 ? width / height : width > 0 ? Infinity : 1,
    touchesBorder:
      bounds.minX <= borderTolerance ||
      bounds.minY <= borderTolerance ||
      bounds.maxX >= imageWidth - borderTolerance ||
      bounds.maxY >= imageHeight - borderTolerance,
  };
}

const boxBounds = (box: { x: number; y: number; width: number; height: number }) => ({
  minX: Math.min(box.x, box.x + box.width),
  minY: Math.min(box.y, box.y + box.height),
  maxX: Math.max(box.x, box.x + box.width),
  maxY: Math.max(box.y, box.y + box.height),
});

export interface ImageObjectSummary {
  /** Every annotation, with or without an area. */
  readonly objects: number;
  /** Objects per megapixel (10⁶ pixels). */
  readonly density: number;
  /** The smallest relative area among objects that have one; null when none has. */
  readonly smallestRelativeArea: number | null;
  /** Objects with an area whose bounds touch the border (within 1 px). */
  readonly touchingBorder: number;
  /** Distinct classes among the annotations (tags not counted). */
  readonly classes: number;
}

/** Counts, density and the extremes of one image's objects, for sorting and filtering images. */
export function imageObjectSummary(
  annotations: readonly Annotation[],
  width: number,
  height: number,
): ImageObjectSummary {
  let smallest: number | null = null;
  let touchingBorder = 0;
  for (const annotation of annotations) {
    const quality = objectQuality(annotation.geometry, width, height);
    if (!quality) continue;
    if (smallest === null || quality.relativeArea < smallest) smallest = quality.relativeArea;
    if (quality.touchesBorder) touchingBorder++;
  }
  const megapixels = (width * height) / 1e6;
  return {
    objects: annotations.length,
    density: megapixels > 0 ? annotations.length / megapixels : 0,
    smallestRelativeArea: smallest,
    touchingBorder,
    classes: new Set(annotations.map((a) => a.classId)).size,
  };
}

/**
 * Objects and images per class over a set of images, ordered by class id. An image tag counts its class
 * as present on the image but adds no object.
 */
export function classBalance(
  records: readonly { annotations: readonly Annotation[]; tags: readonly string[] }[],
): Map<string, { objects: number; images: number }> {
  const counts = new Map<string, { objects: number; images: number }>();
  const entry = (classId: string) => {
    let found = counts.get(classId);
    if (!found) counts.set(classId, (found = { objects: 0, images: 0 }));
    return found;
  };
  for (const record of records) {
    for (const annotation of record.annotations) entry(annotation.classId).objects++;
    for (const classId of new Set([...record.annotations.map((a) => a.classId), ...record.tags]))
      entry(classId).images++;
  }
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The q-quantile of sorted values by linear interpolation (numpy's default, Hyndman–Fan type 7). */
function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

/**
 * Tukey's fences (Tukey, "Exploratory Data Analysis", 1977): values below `low` or above `high` are
 * outliers, with Q1 − k·IQR and Q3 + k·IQR; k = 1.5 is the box plot's whisker, 3 "far out". With no
 * values nothing is an outlier (−∞, ∞). NaN values are ignored.
 */
export function outliers(values: readonly number[], k = 1.5): { low: number; high: number } {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { low: -Infinity, high: Infinity };
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const spread = q3 - q1;
  return { low: q1 - k * spread, high: q3 + k * spread };
}
