/** labelme JSON (one file per image, next to it): read into and written from format images. */

import type { AttributeValue, Geometry, ImagePoint } from '../annotations/types';
import { normalizeAngle, rotatedBoxCorners } from '../geometry/shapes';
import type { FormatAnnotation, FormatImage, FormatProblem, WriteOptions } from './types';
import { folderOf, resolveDatasetPath, withoutExtension } from './paths';
import { type FormatWriteResult } from './types';

export interface LabelmeRead {
  /** Null when the file cannot be used: not JSON, not labelme, or naming no usable image. */
  readonly image: FormatImage | null;
  readonly problems: readonly FormatProblem[];
}

/** Circles become polygons with this many corners (within 0.4% of the radius). */
export const CIRCLE_CORNERS = 36;

/** Written as labelme 5 writes; files with rotated boxes need 6.2, the first with `oriented_rectangle`. */
const VERSION = '5.5.0';
const ORIENTED_VERSION = '6.2.0';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** `JSON.parse`'s message with the line it happened on, when V8 gives a position. */
function jsonError(text: string, error: Error): { item: string; reason: string } {
  const position = /position (\d+)/.exec(error.message);
  const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
  const truncated = /end of JSON input|Unterminated/i.test(error.message) ? ' (is it truncated?)' : '';
  return { item: line ? `line ${line}` : 'file', reason: `not valid JSON${truncated}: ${error.message}` };
}

function readPoints(value: unknown): ImagePoint[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const points: ImagePoint[] = [];
  for (const point of value) {
    if (!Array.isArray(point) || point.length !== 2) return undefined;
    const [x, y] = point as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
      return undefined;
    }
    points.push({ x, y });
  }
  return points;
}

const distance = (a: ImagePoint, b: ImagePoint): number => Math.hypot(b.x - a.x, b.y - a.y);

/** A shape's geometry by labelme's shape types (labelme/_shape.py ShapeType), or why it has none. */
function readGeometry(type: string, points: ImagePoint[]): Geometry | string {
  const count = (n: number) => `a ${type} has ${n} point${n === 1 ? '' : 's'}, not ${points.length}`;
  switch (type) {
    case 'rectangle': {
      // Two opposite corners, in either order.
      if (points.length !== 2) return count(2);
      const [a, b] = points as [ImagePoint, ImagePoint];
      const box = {
        kind: 'box' as const,
        x: Math.min(a.x, b.x),
        y: Math.min(a.y, b.y),
        width: Math.abs(b.x - a.x),
        height: Math.abs(b.y - a.y),
      };
      return box.width > 0 && box.height > 0 ? box : `the rectangle ${box.width}×${box.height} has no area`;
    }
    case 'oriented_rectangle':
    case 'rotation': {
      // Four corners in drawing order; the first edge gives the angle (labelme _shape.py
      // oriented_rectangle_arrow_points), the centre is the middle of the first diagonal.
      if (points.length !== 4) return count(4);
      const [p0, p1, p2] = points as [ImagePoint, ImagePoint, ImagePoint];
      const width = distance(p0, p1);
      const height = distance(p1, p2);
      if (width === 0 || height === 0) return `the ${type} has no area`;
      const angle = normalizeAngle((Math.atan2(p1.y - p0.y, p1.x - p0.x) * 180) / Math.PI);
      return { kind: 'rotated-box', cx: (p0.x + p2.x) / 2, cy: (p0.y + p2.y) / 2, width, height, angle };
    }
    case 'polygon':
      return points.length >= 3
        ? { kind: 'polygon', points }
        : `a polygon needs 3 points, not ${points.length}`;
    case 'line':
      return points.length === 2 ? { kind: 'polyline', points } : count(2);
    case 'linestrip':
      return points.length >= 2
        ? { kind: 'polyline', points }
        : `a linestrip needs 2 points, not ${points.length}`;
    case 'point':
      return points.length === 1 ? { kind: 'point', x: points[0]!.x, y: points[0]!.y } : count(1);
    case 'points':
      return points.length === 1
        ? { kind: 'point', x: points[0]!.x, y: points[0]!.y }
        : `a points shape with ${points.length} points has no matching geometry`;
    case 'circle': {
      // Centre and a point on the rim (labelme utils/shape.py shape_to_mask).
      if (points.length !== 2) return count(2);
      const [centre, rim] = points as [ImagePoint, ImagePoint];
      const radius = distance(centre, rim);
      if (radius === 0) return 'the circle has no area';
      return {
        kind: 'polygon',
        points: Array.from({ length: CIRCLE_CORNERS }, (_, i) => {
          const t = (2 * Math.PI * i) / CIRCLE_CORNERS;
          return { x: centre.x + radius * Math.cos(t), y: centre.y + radius * Math.sin(t) };
        }),
      };
    }
    case 'mask':
      return 'masks (base64 PNG) are not imported';
    default:
      return `shape_type ${shown(type)} is not a labelme shape type`;
  }
}

function readShape(
  shape: unknown,
  item: string,
  problem: (item: string, reason: string) => void,
): FormatAnnotation | undefined {
  if (!isRecord(shape)) return void problem(item, `is ${shown(shape)}, not an object`);
  const label = shape.label;
  if (typeof label !== 'string' || label === '')
    return void problem(item, `label must be a name, not ${shown(label)}`);
  const points = readPoints(shape.points);
  if (!points) return void problem(item, `(${label}) points must be [[x, y], …] with finite numbers`);
  // labelme before 3.x wrote no shape_type: every shape was a polygon.
  const type = shape.shape_type ?? 'polygon';
  if (typeof type !== 'string')
    return void problem(item, `(${label}) shape_type must be text, not ${shown(type)}`);
  const geometry = readGeometry(type, points);
  if (typeof geometry === 'string') return void problem(item, `(${label}) ${geometry}; skipped`);
  if (type === 'circle') problem(item, `(${label}) circle imported as a ${CIRCLE_CORNERS}-corner polygon`);

  const attributes: Record<string, AttributeValue> = {};
  // Per-shape extras as X-AnyLabeling writes them; labelme keeps unknown shape keys (other_data).
  if (isRecord(shape.attributes)) {
    for (const [name, value] of Object.entries(shape.attributes)) {
      if (
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isFinite(value))
      ) {
        attributes[name] = value;
      } else
        problem(item, `(${label}) attribute ${name} is ${shown(value)}, not text, a number or a boolean`);
    }
  }
  if (isRecord(shape.flags)) {
    for (const [name, value] of Object.entries(shape.flags)) {
      if (typeof value === 'boolean') attributes[name] = value;
      else problem(item, `(${label}) flag ${name} is ${shown(value)}, not true or false`);
    }
  }
  if (typeof shape.description === 'string' && shape.description !== '')
    attributes.description = shape.description;
  const groupId = shape.group_id;
  const score = shape.score;
  return {
    label,
    geometry,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    ...(typeof score === 'number' && score >= 0 && score <= 1 ? { score } : {}),
    ...(typeof groupId === 'number' && Number.isInteger(groupId) ? { sourceId: String(groupId) } : {}),
  };
}

/**
 * One labelme JSON file; `file` is its path relative to the dataset root. The image is `imagePath`,
 * relative to the JSON's folder as labelme writes it (backslashes allowed); absolute paths and paths
 * leaving the dataset are refused. Image flags that are true become tags; `imageData` is ignored.
 */
export function readLabelme(json: string, file: string): LabelmeRead {
  const problems: FormatProblem[] = [];
  const problem = (item: string, reason: string) => void problems.push({ file, item, reason });
  let data: unknown;
  try {
    data = JSON.parse(json.charCodeAt(0) === 0xfeff ? json.slice(1) : json);
  } catch (error) {
    const { item, reason } = jsonError(json, error as Error);
    problem(item, reason);
    return { image: null, problems };
  }
  if (!isRecord(data) || !Array.isArray(data.shapes)) {
    problem('file', 'not a labelme file: expected a JSON object with "imagePath" and a "shapes" list');
    return { image: null, problems };
  }
  if (typeof data.imagePath !== 'string') {
    problem('imagePath', `imagePath must be a file name, not ${shown(data.imagePath)}`);
    return { image: null, problems };
  }
  const resolved = resolveDatasetPath(folderOf(file), data.imagePath);
  if ('reason' in resolved) {
    problem('imagePath', `${resolved.reason}; the image is skipped`);
    return { image: null, problems };
  }
  let width = data.imageWidth;
  let height = data.imageHeight;
  if (!(
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    (width as number) > 0 &&
    (height as number) > 0
  )) {
    problem(
      'imageWidth',
      `the image size is ${shown(width)}×${shown(height)}; it will be read from the image itself`,
    );
    width = 0;
    height = 0;
  }
  const tags: string[] = [];
  if (isRecord(data.flags)) {
    for (const [name, value] of Object.entries(data.flags)) {
      if (value === true) tags.push(name);
      else if (value !== false) problem(`flags.${name}`, `is ${shown(value)}, not true or false`);
    }
  }
  const annotations = data.shapes.flatMap((shape, i) => readShape(shape, `shapes[${i}]`, problem) ?? []);
  const image: FormatImage = {
    path: resolved.path,
    width: width as number,
    height: height as number,
    annotations,
    ...(tags.length > 0 ? { tags } : {}),
  };
  return { image, problems };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Three decimals: a thousandth of a pixel, and no float noise (0.30000000000000004) in the file. */
const round = (value: number): number => Math.round(value * 1000) / 1000 + 0;
const pair = (p: { x: number; y: number }): [number, number] => [round(p.x), round(p.y)];

function writeGeometry(g: Geometry): { shape_type: string; points: [number, number][] } | string {
  switch (g.kind) {
    case 'box':
      return { shape_type: 'rectangle', points: [pair(g), pair({ x: g.x + g.width, y: g.y + g.height })] };
    case 'rotated-box':
      return { shape_type: 'oriented_rectangle', points: rotatedBoxCorners(g).map(pair) };
    case 'polygon':
      return { shape_type: 'polygon', points: g.points.map(pair) };
    case 'polyline':
      return { shape_type: g.points.length === 2 ? 'line' : 'linestrip', points: g.points.map(pair) };
    case 'point':
      return { shape_type: 'point', points: [pair(g)] };
    case 'keypoints':
      return 'labelme has no keypoints shape';
  }
}

/**
 * One image as labelme JSON next to it (`a/b.jpg` → `a/b.json`, `imagePath` "b.jpg", `imageData` null),
 * keys in labelme's own order. Boolean attributes become shape flags, `description` the description, the
 * rest an `attributes` object (kept by labelme, read by X-AnyLabeling); tags become true image flags.
 */
export function writeLabelme(image: FormatImage, _options?: WriteOptions): FormatWriteResult {
  const resolved = resolveDatasetPath('', image.path);
  if ('reason' in resolved) {
    return {
      file: null,
      problems: [{ file: image.path, item: 'image', reason: `${resolved.reason}; not written` }],
    };
  }
  const path = `${withoutExtension(resolved.path)}.json`;
  const problems: FormatProblem[] = [];
  const problem = (item: string, reason: string) => void problems.push({ file: path, item, reason });
  let rotated = false;
  const shapes = image.annotations.flatMap((annotation, i) => {
    const item = `annotations[${i}]`;
    const written = writeGeometry(annotation.geometry);
    if (typeof written === 'string') {
      problem(item, `(${annotation.label}) ${written}; left out`);
      return [];
    }
    rotated ||= written.shape_type === 'oriented_rectangle';
    const flags: Record<string, boolean> = {};
    const attributes: Record<string, AttributeValue> = {};
    let description = '';
    for (const name of Object.keys(annotation.attributes ?? {}).sort()) {
      const value = annotation.attributes![name]!;
      if (typeof value === 'boolean') flags[name] = value;
      else if (name === 'description' && typeof value === 'string') description = value;
      else attributes[name] = value;
    }
    const groupId =
      annotation.sourceId !== undefined && /^\d+$/.test(annotation.sourceId)
        ? Number(annotation.sourceId)
        : null;
    return [
      {
        label: annotation.label,
        points: written.points,
        group_id: groupId,
        description,
        shape_type: written.shape_type,
        flags,
        mask: null,
        ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
        ...(annotation.score !== undefined ? { score: annotation.score } : {}),
      },
    ];
  });
  if (!(image.width > 0 && image.height > 0)) {
    problem('imageWidth', `the image size is unknown (${image.width}×${image.height}); written as null`);
  }
  if (Object.keys(image.attributes ?? {}).length > 0)
    problem('attributes', 'labelme has no image attributes; left out');
  const document = {
    version: rotated ? ORIENTED_VERSION : VERSION,
    flags: Object.fromEntries([...(image.tags ?? [])].sort().map((tag) => [tag, true])),
    shapes,
    imagePath: resolved.path.slice(resolved.path.lastIndexOf('/') + 1),
    imageData: null,
    imageHeight: image.height > 0 ? image.height : null,
    imageWidth: image.width > 0 ? image.width : null,
  };
  return { file: { path, text: `${JSON.stringify(document, null, 2)}\n` }, problems };
}
