/** One COCO object (an `annotations` entry) read into geometries, and the value checks the reader shares. */

import type { AttributeValue, Geometry, ImagePoint, KeypointVisibility } from '../../annotations/types';
import type { FormatAnnotation } from '../types';
import { polygonArea } from '../../geometry/polygons';
import { readRle, rleToPolygons } from '../rle';

/*
 * Decisions (the spec leaves them open):
 * - An object whose segmentation has several polygons, or whose mask has several pieces, becomes one
 *   polygon annotation per part, all with the object's id as `sourceId`; writeCoco joins them again.
 * - A mask (RLE) becomes the outlines of its pieces (rle.ts); holes are filled and reported.
 * - A keypoints object becomes keypoints with its bbox as the box; its segmentation, if any, is not kept
 *   (reported once per file), unless no keypoint is labeled, when the segmentation is the better record.
 * - A box with a non-zero `attributes.rotation` (CVAT's COCO export of rotated boxes: the unrotated bbox,
 *   turned about its centre, degrees clockwise) becomes a rotated box.
 */

/** Coordinates beyond this are taken as corrupt, not as pixels. */
export const MAX_COORDINATE = 10_000_000;

export type Report = (item: string, reason: string) => void;
export type Id = number | string;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isId = (value: unknown): value is Id =>
  (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && value !== '');

const isCoordinate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= MAX_COORDINATE;

/** A category as objects need it. */
export interface Category {
  readonly label: string;
  readonly keypoints?: readonly string[];
}

/** An image being filled with its objects. */
export interface ImageEntry {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly annotations: FormatAnnotation[];
}

/** A value as a message quotes it: short, JSON-like. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export const kindOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;

function readBox(value: unknown): { x: number; y: number; width: number; height: number } | string {
  if (!Array.isArray(value) || value.length !== 4 || !value.every(isCoordinate)) {
    return `bbox must be [x, y, width, height] in pixels, not ${shown(value)}`;
  }
  const [x, y, width, height] = value as [number, number, number, number];
  if (width <= 0 || height <= 0) return `bbox ${width}×${height} has no area`;
  return { x, y, width, height };
}

/** COCO polygons: each part a flat list `[x1, y1, x2, y2, …]` of at least 3 points. */
function readPolygons(parts: unknown[], item: string, report: Report): ImagePoint[][] {
  const polygons: ImagePoint[][] = [];
  parts.forEach((part: unknown, k) => {
    const where = `${item}.segmentation[${k}]`;
    if (!Array.isArray(part) || !part.every(isCoordinate)) {
      return report(where, `must be a list of pixel coordinates [x1, y1, x2, y2, …], not ${shown(part)}`);
    }
    if (part.length < 6 || part.length % 2 !== 0) {
      return report(where, `has ${part.length} numbers; a polygon needs x, y pairs for at least 3 points`);
    }
    const points: ImagePoint[] = [];
    for (let j = 0; j < part.length; j += 2) points.push({ x: part[j] as number, y: part[j + 1] as number });
    if (polygonArea(points) === 0) return report(where, 'has no area (its points are on one line)');
    polygons.push(points);
  });
  return polygons;
}

/** COCO keypoints: `[x1, y1, v1, …]`, v 0 not labeled (x = y = 0), 1 labeled but hidden, 2 visible. */
function readKeypoints(
  value: unknown,
  names: readonly string[] | undefined,
): (ImagePoint & { visibility: KeypointVisibility })[] | string {
  if (!Array.isArray(value) || value.length % 3 !== 0 || !value.every(isCoordinate)) {
    return `keypoints must be a list of x, y, v triples, not ${shown(value)}`;
  }
  if (names !== undefined && value.length !== names.length * 3) {
    return `has ${value.length / 3} keypoints but its category names ${names.length}`;
  }
  const points: (ImagePoint & { visibility: KeypointVisibility })[] = [];
  for (let j = 0; j < value.length; j += 3) {
    const v = value[j + 2] as number;
    if (v !== 0 && v !== 1 && v !== 2)
      return `keypoint ${j / 3 + 1} has visibility ${v}; it must be 0, 1 or 2`;
    points.push({ x: value[j] as number, y: value[j + 1] as number, visibility: v });
  }
  return points;
}

/** CVAT's `attributes`: scalar values (and lists of option names) are kept; others are reported. */
export function readAttributes(value: unknown, item: string, report: Report) {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    report(item, `attributes must be an object, not ${shown(value)}; left out`);
    return undefined;
  }
  const kept: Record<string, AttributeValue> = {};
  const dropped: string[] = [];
  for (const [name, v] of Object.entries(value)) {
    const keep =
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (Array.isArray(v) && v.every((o) => typeof o === 'string'));
    if (keep) kept[name] = v as AttributeValue;
    else dropped.push(name);
  }
  if (dropped.length > 0) {
    report(
      item,
      `attributes ${dropped.map((n) => `"${n}"`).join(', ')} are not text, numbers or yes/no; left out`,
    );
  }
  return kept;
}

export interface ObjectContext {
  readonly image: ImageEntry;
  readonly category: Category;
  readonly item: string;
  readonly report: Report;
}

/** The geometries of one object, or why it has none; non-fatal findings go to `report`. */
export function readGeometries(
  ann: Record<string, unknown>,
  { image, category, item, report }: ObjectContext,
  attributes: Record<string, AttributeValue> | undefined,
): { geometries: Geometry[]; droppedSegmentation: boolean } | string {
  const segmentation = ann.segmentation;
  const hasSegmentation =
    segmentation !== undefined &&
    segmentation !== null &&
    !(Array.isArray(segmentation) && segmentation.length === 0);

  if (ann.keypoints !== undefined) {
    const points = readKeypoints(ann.keypoints, category.keypoints);
    if (typeof points === 'string') return points;
    if (points.some((p) => p.visibility > 0) || !hasSegmentation) {
      let box: ReturnType<typeof readBox> | undefined;
      if (ann.bbox !== undefined) {
        box = readBox(ann.bbox);
        if (typeof box === 'string') report(item, `${box}; the keypoints are kept without a box`);
      }
      const geometry: Geometry =
        box === undefined || typeof box === 'string'
          ? { kind: 'keypoints', points }
          : { kind: 'keypoints', points, box };
      return { geometries: [geometry], droppedSegmentation: hasSegmentation };
    }
  }

  if (!hasSegmentation) {
    const box = readBox(ann.bbox);
    if (typeof box === 'string') return box;
    const rotation = attributes?.rotation;
    if (typeof rotation === 'number' && rotation % 360 !== 0) {
      delete attributes!.rotation;
      const { x, y, width, height } = box;
      return {
        geometries: [
          { kind: 'rotated-box', cx: x + width / 2, cy: y + height / 2, width, height, angle: rotation },
        ],
        droppedSegmentation: false,
      };
    }
    return { geometries: [{ kind: 'box', ...box }], droppedSegmentation: false };
  }

  if (Array.isArray(segmentation)) {
    const polygons = readPolygons(segmentation, item, report);
    if (polygons.length === 0) return 'segmentation has no usable polygon';
    return {
      geometries: polygons.map((points) => ({ kind: 'polygon', points })),
      droppedSegmentation: false,
    };
  }

  const rle = readRle(segmentation);
  if (!rle.ok) return `segmentation must be polygons or RLE: ${rle.reason}`;
  const { height, width } = rle.rle;
  if (image.width > 0 && (width !== image.width || height !== image.height)) {
    return `RLE size ${height}×${width} (height×width) is not the image's ${image.height}×${image.width}`;
  }
  const { polygons, holes } = rleToPolygons(rle.rle);
  if (polygons.length === 0) return 'RLE mask is empty';
  if (holes > 0)
    report(
      item,
      `mask has ${holes} hole${holes > 1 ? 's' : ''}; a polygon cannot hold them, so they are filled`,
    );
  return { geometries: polygons.map((points) => ({ kind: 'polygon', points })), droppedSegmentation: false };
}
