/**
 * Writing images with labeled objects as one COCO instances/keypoints file (cocodataset.org/#format-data),
 * byte for byte the same for the same input, with every object COCO cannot hold reported.
 */

import type { AttributeValue, Geometry, ImagePoint } from '../../annotations/types';
import { signedArea } from '../../geometry/polygons';
import { pointsBounds, rotatedBoxCorners } from '../../geometry/shapes';
import type { FormatAnnotation, FormatImage, FormatProblem, WriteOptions, WrittenFile } from '../types';

/*
 * Decisions:
 * - Coordinates and areas are rounded to 2 decimals (1/100 px, far below labeling precision) so the
 *   bytes do not depend on float noise; areas are computed from the rounded points.
 * - Images are sorted by path (UTF-16 code units, not locale) and numbered 1..n; categories are numbered
 *   1..n in `labels` order; objects 1..n in image order, then in the image's order.
 * - Boxes are written with an empty segmentation (as CVAT and Roboflow do); area = width × height.
 * - Rotated boxes have no COCO form: they are written as the polygon of their 4 corners with its bbox.
 * - Polygons of one image with the same label, crowd flag and `sourceId` are the parts of one object
 *   (as readCoco gives them) and are written as one object with several polygons; area is their sum.
 * - Keypoints are written with their box (or the bounds of the labeled points) as bbox and area, the
 *   scale OKS uses; absent points (v = 0) as 0, 0, 0.
 * - Polylines, points and image tags have no COCO form: they are left out and returned as problems.
 * - No current time is written: `info.date_created` is `created` when given.
 * - One image, category or object per line: the file is diffable and still compact.
 */

export interface CocoWriteOptions extends WriteOptions {
  /** `info.description`. */
  readonly description?: string;
  /** `info.date_created`, given by the caller so that the same export gives the same bytes. */
  readonly created?: string;
  /** The file's path in the export; `annotations.json` by default. */
  readonly path?: string;
}

export interface CocoWriteResult {
  readonly file: WrittenFile;
  /** Objects and image data left out because COCO cannot hold them. */
  readonly problems: readonly FormatProblem[];
}

/** A coordinate or area as written: 2 decimals, no `-0`. */
function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return rounded === 0 ? '0' : String(rounded);
}

/** Between the entries of a list: one per line. */
const SEPARATOR = ',\n    ';

const round = (value: number): number => Math.round(value * 100) / 100;

const text = (value: string): string => JSON.stringify(value);

interface Written {
  readonly segmentation: string;
  readonly area: number;
  readonly bbox: readonly [number, number, number, number];
  readonly keypoints?: string;
}

/** COCO's bbox `[x, y, width, height]` of some points. */
function boundsOf(points: readonly ImagePoint[]): [number, number, number, number] {
  const b = pointsBounds(points);
  return [b.minX, b.minY, b.maxX - b.minX, b.maxY - b.minY];
}

const allFinite = (values: readonly number[]): boolean => values.every(Number.isFinite);

/** Polygons (all parts of one object) as COCO writes them, or why they cannot be written. */
function polygonsObject(parts: readonly (readonly ImagePoint[])[]): Written | string {
  const rounded = parts.map((points) => points.map((p) => ({ x: round(p.x), y: round(p.y) })));
  if (rounded.some((points) => points.length < 3)) return 'a polygon with fewer than 3 points';
  if (!rounded.every((points) => allFinite(points.flatMap((p) => [p.x, p.y])))) {
    return 'a polygon with coordinates that are not numbers';
  }
  const area = rounded.reduce((sum, points) => sum + Math.abs(signedArea(points)), 0);
  if (area === 0) return 'a polygon with no area';
  const segmentation = `[${rounded.map((points) => `[${points.map((p) => `${num(p.x)},${num(p.y)}`).join(',')}]`).join(',')}]`;
  return { segmentation, area, bbox: boundsOf(rounded.flat()) };
}

/** One object's COCO fields, or why it cannot be written. */
function objectFields(
  geometry: Geometry,
  parts: readonly (readonly ImagePoint[])[],
  keypointNames: readonly string[] | undefined,
): Written | string {
  switch (geometry.kind) {
    case 'box': {
      const { x, y, width, height } = geometry;
      if (!allFinite([x, y, width, height])) return 'a box with coordinates that are not numbers';
      const bbox = [round(x), round(y), round(width), round(height)] as const;
      if (bbox[2] <= 0 || bbox[3] <= 0) return `a box of ${width}×${height} px has no area`;
      return { segmentation: '[]', area: bbox[2] * bbox[3], bbox };
    }
    case 'rotated-box':
      return polygonsObject([rotatedBoxCorners(geometry)]);
    case 'polygon':
      return polygonsObject(parts);
    case 'keypoints': {
      const { points, box } = geometry;
      if (keypointNames !== undefined && points.length !== keypointNames.length) {
        return `${points.length} keypoints where the label's skeleton has ${keypointNames.length}`;
      }
      const labeled = points.filter((p) => p.visibility > 0);
      const coordinates = labeled.flatMap((p) => [p.x, p.y]);
      if (!allFinite(coordinates)) return 'keypoints with coordinates that are not numbers';
      let bbox: [number, number, number, number];
      if (box !== undefined && allFinite([box.x, box.y, box.width, box.height])) {
        bbox = [round(box.x), round(box.y), round(box.width), round(box.height)];
      } else if (labeled.length > 0) {
        bbox = boundsOf(labeled.map((p) => ({ x: round(p.x), y: round(p.y) })));
      } else {
        bbox = [0, 0, 0, 0];
      }
      const keypoints = points
        .map((p) => (p.visibility > 0 ? `${num(p.x)},${num(p.y)},${p.visibility}` : '0,0,0'))
        .join(',');
      return {
        segmentation: '[]',
        area: bbox[2] * bbox[3],
        bbox,
        keypoints: `"keypoints":[${keypoints}],"num_keypoints":${labeled.length}`,
      };
    }
    case 'polyline':
      return 'a polyline (COCO has no open paths)';
    case 'point':
      return 'a point (COCO has no single points outside keypoints)';
  }
}

function attributesJson(attributes: Readonly<Record<string, AttributeValue>>): string {
  const names = Object.keys(attributes).sort();
  return `{${names.map((name) => `${text(name)}:${JSON.stringify(attributes[name])}`).join(',')}}`;
}

/** The objects of one image: polygons with a shared sourceId grouped as parts of one object. */
function objectsOf(annotations: readonly FormatAnnotation[]) {
  const objects: { first: FormatAnnotation; index: number; parts: ImagePoint[][] }[] = [];
  const bySource = new Map<string, ImagePoint[][]>();
  annotations.forEach((annotation, index) => {
    const { geometry, sourceId } = annotation;
    if (geometry.kind !== 'polygon' || sourceId === undefined) {
      objects.push({ first: annotation, index, parts: [] });
      return;
    }
    const key = `${annotation.label}\u0000${annotation.crowd === true}\u0000${sourceId}`;
    const parts = bySource.get(key);
    if (parts) {
      parts.push([...geometry.points]);
      return;
    }
    const own = [[...geometry.points]];
    bySource.set(key, own);
    objects.push({ first: annotation, index, parts: own });
  });
  for (const object of objects) {
    if (object.parts.length === 0 && object.first.geometry.kind === 'polygon') {
      object.parts.push([...object.first.geometry.points]);
    }
  }
  return objects;
}

/** A COCO file of the images and their objects, and the objects it had to leave out. */
export function writeCoco(images: readonly FormatImage[], options: CocoWriteOptions): CocoWriteResult {
  const path = options.path ?? 'annotations.json';
  const problems: FormatProblem[] = [];
  const report = (item: string, reason: string) => problems.push({ file: path, item, reason });

  const categoryIds = new Map<string, number>();
  const categories: string[] = [];
  options.labels.forEach((label) => {
    if (categoryIds.has(label)) return report('categories', `label "${label}" is listed twice; written once`);
    categoryIds.set(label, categoryIds.size + 1);
    const names = options.skeletons?.[label];
    const keypoints = names ? `,"keypoints":[${names.map(text).join(',')}],"skeleton":[]` : '';
    categories.push(`{"id":${categoryIds.size},"name":${text(label)},"supercategory":""${keypoints}}`);
  });

  const sorted = [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const imageLines: string[] = [];
  // Joined per image, so the many short object strings die young instead of all living to the end.
  const annotationChunks: string[] = [];
  let annotationCount = 0;
  let previousPath: string | undefined;
  sorted.forEach((image, i) => {
    const imageId = i + 1;
    if (image.path === previousPath) report(image.path, 'the path is listed twice; written as two images');
    previousPath = image.path;
    const sized = [image.width, image.height].every((v) => Number.isInteger(v) && v > 0);
    if (!sized) report(image.path, `size ${image.width}×${image.height} is unknown; written as 0×0`);
    const [width, height] = sized ? [image.width, image.height] : [0, 0];
    imageLines.push(`{"id":${imageId},"file_name":${text(image.path)},"width":${width},"height":${height}}`);
    if (image.tags !== undefined && image.tags.length > 0) {
      report(image.path, `image tags (${image.tags.join(', ')}) have no COCO form; left out`);
    }
    const lines: string[] = [];
    for (const { first, index, parts } of objectsOf(image.annotations)) {
      const item = () => `${image.path} object ${index + 1}`;
      const categoryId = categoryIds.get(first.label);
      if (categoryId === undefined) {
        report(item(), `label "${first.label}" is not among the exported labels; left out`);
        continue;
      }
      const fields = objectFields(first.geometry, parts, options.skeletons?.[first.label]);
      if (typeof fields === 'string') {
        report(item(), `${fields} cannot be written to COCO; left out`);
        continue;
      }
      const [x, y, w, h] = fields.bbox;
      let line =
        `{"id":${++annotationCount},"image_id":${imageId},"category_id":${categoryId},` +
        `"segmentation":${fields.segmentation},"area":${num(fields.area)},` +
        `"bbox":[${num(x)},${num(y)},${num(w)},${num(h)}],"iscrowd":${first.crowd ? 1 : 0}`;
      if (fields.keypoints !== undefined) line += `,${fields.keypoints}`;
      if (first.score !== undefined && Number.isFinite(first.score)) line += `,"score":${first.score}`;
      if (first.attributes !== undefined && Object.keys(first.attributes).length > 0) {
        line += `,"attributes":${attributesJson(first.attributes)}`;
      }
      lines.push(`${line}}`);
    }
    if (lines.length > 0) annotationChunks.push(lines.join(SEPARATOR));
  });

  const info = [
    ...(options.description !== undefined ? [`"description":${text(options.description)}`] : []),
    ...(options.created !== undefined ? [`"date_created":${text(options.created)}`] : []),
  ].join(',');
  const list = (lines: readonly string[]) =>
    lines.length === 0 ? '[]' : `[\n    ${lines.join(SEPARATOR)}\n  ]`;
  const json =
    `{\n  "info": {${info}},\n  "licenses": [],\n  "categories": ${list(categories)},\n` +
    `  "images": ${list(imageLines)},\n  "annotations": ${list(annotationChunks)}\n}\n`;
  return { file: { path, text: json }, problems };
}
