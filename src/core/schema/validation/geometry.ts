/**
 * Geometry rules: each kind's own validity (finite numbers, sizes above 0, point counts) and its class's
 * constraints (allowed kinds, minimum size and vertices, inside the image, keypoints against skeleton and
 * box). Reports build their subject (`box of car`) only when they fire; the predicates stay small so V8
 * inlines them and keeps coordinates unboxed.
 */

import type { Annotation } from '../../annotations/types';
import type { CompiledClass } from './compile';
import { GEOMETRY_NAMES, geometryList, kindIndex } from './kinds';
import { describe, num, report, type Frame } from './report';

/** Coordinates may overshoot the image or box edge by this much (float noise from transforms). */
export const EDGE_TOLERANCE = 1e-6;

const subjectOf = (name: string, cls: CompiledClass | undefined): string =>
  cls === undefined ? name : `${name} of ${cls.name}`;

function invalid(
  frame: Frame,
  cls: CompiledClass | undefined,
  name: string,
  tail: string,
  detail: string,
): void {
  report(frame, 'invalid-geometry', tail, `${subjectOf(name, cls)} ${detail}`);
}

const tooSmall = (cls: CompiledClass, width: number, height: number): boolean =>
  width + EDGE_TOLERANCE < cls.minWidth || height + EDGE_TOLERANCE < cls.minHeight;

function reportTooSmall(frame: Frame, cls: CompiledClass, name: string, width: number, height: number): void {
  const minimum =
    cls.minWidth > 0 && cls.minHeight > 0
      ? `${num(cls.minWidth)}×${num(cls.minHeight)} px`
      : cls.minWidth > 0
        ? `width ${num(cls.minWidth)} px`
        : `height ${num(cls.minHeight)} px`;
  report(
    frame,
    'box-too-small',
    'geometry',
    `${name} ${num(width)}×${num(height)} px is smaller than the minimum ${minimum} for ${cls.name}`,
  );
}

/** False when the image size is unknown (NaN compares false) or the class may leave the image. */
const outside = (frame: Frame, cls: CompiledClass, minX: number, minY: number, maxX: number, maxY: number) =>
  cls.insideImage &&
  frame.width > 0 &&
  (minX < -EDGE_TOLERANCE ||
    minY < -EDGE_TOLERANCE ||
    maxX > frame.width + EDGE_TOLERANCE ||
    maxY > frame.height + EDGE_TOLERANCE);

function reportOutside(
  frame: Frame,
  cls: CompiledClass,
  name: string,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
): void {
  const where =
    minX === maxX && minY === maxY
      ? `lies at ${num(minX)}, ${num(minY)}`
      : `spans x ${num(minX)}–${num(maxX)}, y ${num(minY)}–${num(maxY)} px`;
  report(
    frame,
    'outside-image',
    'geometry',
    `${name} of ${cls.name} ${where}, outside the ${num(frame.width)}×${num(frame.height)} image`,
  );
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const finiteBox = (box: Box): boolean =>
  Number.isFinite(box.x) &&
  Number.isFinite(box.y) &&
  Number.isFinite(box.width) &&
  Number.isFinite(box.height);

function checkBox(frame: Frame, cls: CompiledClass | undefined, box: Box): void {
  const { x, y, width, height } = box;
  if (!finiteBox(box)) {
    invalid(frame, cls, 'box', 'geometry', `has a non-finite value (x ${x}, y ${y}, ${width}×${height})`);
  } else if (width <= 0 || height <= 0) {
    invalid(
      frame,
      cls,
      'box',
      'geometry',
      `is ${num(width)}×${num(height)} px; width and height must be above 0`,
    );
  } else if (cls !== undefined) {
    if (tooSmall(cls, width, height)) reportTooSmall(frame, cls, 'box', width, height);
    if (outside(frame, cls, x, y, x + width, y + height)) {
      reportOutside(frame, cls, 'box', x, y, x + width, y + height);
    }
  }
}

interface RotatedBox {
  readonly cx: number;
  readonly cy: number;
  readonly width: number;
  readonly height: number;
  readonly angle: number;
}

function checkRotatedBox(frame: Frame, cls: CompiledClass | undefined, box: RotatedBox): void {
  const { cx, cy, width, height, angle } = box;
  const name = 'rotated box';
  if (
    !Number.isFinite(cx) ||
    !Number.isFinite(cy) ||
    !Number.isFinite(width) ||
    !Number.isFinite(height) ||
    !Number.isFinite(angle)
  ) {
    invalid(
      frame,
      cls,
      name,
      'geometry',
      `has a non-finite value (cx ${cx}, cy ${cy}, ${width}×${height}, angle ${angle})`,
    );
    return;
  }
  if (width <= 0 || height <= 0) {
    invalid(
      frame,
      cls,
      name,
      'geometry',
      `is ${num(width)}×${num(height)} px; width and height must be above 0`,
    );
    return;
  }
  if (cls === undefined) return;
  // Its own size, not its axis-aligned bounds: turning an object must not change whether it is too small.
  if (tooSmall(cls, width, height)) reportTooSmall(frame, cls, name, width, height);
  const radians = (angle * Math.PI) / 180;
  const cos = Math.abs(Math.cos(radians));
  const sin = Math.abs(Math.sin(radians));
  const halfX = (width * cos + height * sin) / 2;
  const halfY = (width * sin + height * cos) / 2;
  if (outside(frame, cls, cx - halfX, cy - halfY, cx + halfX, cy + halfY)) {
    reportOutside(frame, cls, name, cx - halfX, cy - halfY, cx + halfX, cy + halfY);
  }
}

const finitePoint = (point: unknown): point is { x: number; y: number } =>
  typeof point === 'object' &&
  point !== null &&
  Number.isFinite((point as { x: unknown }).x) &&
  Number.isFinite((point as { y: unknown }).y);

function checkPath(
  frame: Frame,
  cls: CompiledClass | undefined,
  kind: 'polygon' | 'polyline',
  points: unknown,
): void {
  if (!Array.isArray(points)) {
    invalid(frame, cls, kind, 'geometry.points', 'has no list of points');
    return;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const point: unknown = points[i];
    if (!finitePoint(point)) {
      invalid(frame, cls, kind, `geometry.points[${i}]`, `has a point ${i} without finite x and y`);
      return;
    }
    if (point.x < minX) minX = point.x;
    if (point.x > maxX) maxX = point.x;
    if (point.y < minY) minY = point.y;
    if (point.y > maxY) maxY = point.y;
  }
  const needed = kind === 'polygon' ? 3 : 2;
  if (points.length < needed) {
    invalid(
      frame,
      cls,
      kind,
      'geometry.points',
      `has ${points.length} points; a ${kind} needs at least ${needed}`,
    );
    return;
  }
  if (cls === undefined) return;
  if (kind === 'polygon') {
    if (points.length < cls.minVertices) {
      report(
        frame,
        'polygon-too-few-vertices',
        'geometry.points',
        `polygon of ${cls.name} has ${points.length} vertices; the minimum for ${cls.name} is ${cls.minVertices}`,
      );
    }
    // A polygon is measured by its axis-aligned bounds.
    if (tooSmall(cls, maxX - minX, maxY - minY))
      reportTooSmall(frame, cls, 'polygon', maxX - minX, maxY - minY);
  }
  if (outside(frame, cls, minX, minY, maxX, maxY)) reportOutside(frame, cls, kind, minX, minY, maxX, maxY);
}

interface Keypoint {
  readonly x: number;
  readonly y: number;
  readonly visibility: number;
}

const insideBox = (point: Keypoint, box: Box): boolean =>
  point.x >= box.x - EDGE_TOLERANCE &&
  point.y >= box.y - EDGE_TOLERANCE &&
  point.x <= box.x + box.width + EDGE_TOLERANCE &&
  point.y <= box.y + box.height + EDGE_TOLERANCE;

function checkKeypoints(
  frame: Frame,
  cls: CompiledClass | undefined,
  points: unknown,
  box: Box | undefined,
): void {
  const name = 'keypoints';
  if (!Array.isArray(points)) {
    invalid(frame, cls, name, 'geometry.points', 'has no list of points');
    return;
  }
  if (box !== undefined && box !== null && (!finiteBox(box) || box.width <= 0 || box.height <= 0)) {
    invalid(
      frame,
      cls,
      name,
      'geometry.box',
      `has an invalid box (x ${box.x}, y ${box.y}, ${box.width}×${box.height})`,
    );
    return;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const boxRule = cls !== undefined && cls.keypointsInsideBox && box !== undefined && box !== null;
  let outsideBox = -1;
  for (let i = 0; i < points.length; i++) {
    const point = points[i] as Keypoint | null;
    const visibility: unknown = typeof point === 'object' && point !== null ? point.visibility : undefined;
    if (visibility !== 0 && visibility !== 1 && visibility !== 2) {
      invalid(
        frame,
        cls,
        name,
        `geometry.points[${i}]`,
        `has keypoint ${i} with visibility ${describe(visibility)}; it must be 0, 1 or 2`,
      );
      return;
    }
    // Unlabeled keypoints (visibility 0) carry placeholder coordinates that mean nothing.
    if (visibility === 0) continue;
    if (!finitePoint(point)) {
      invalid(frame, cls, name, `geometry.points[${i}]`, `has labeled keypoint ${i} without finite x and y`);
      return;
    }
    if (point.x < minX) minX = point.x;
    if (point.x > maxX) maxX = point.x;
    if (point.y < minY) minY = point.y;
    if (point.y > maxY) maxY = point.y;
    if (boxRule && outsideBox < 0 && !insideBox(point as Keypoint, box)) outsideBox = i;
  }
  if (cls === undefined) return;
  if (cls.skeletonSize >= 0 && points.length !== cls.skeletonSize) {
    report(
      frame,
      'keypoints-count-mismatch',
      'geometry.points',
      `keypoints of ${cls.name} has ${points.length} points; its skeleton has ${cls.skeletonSize}`,
    );
  }
  if (box) {
    minX = Math.min(minX, box.x);
    minY = Math.min(minY, box.y);
    maxX = Math.max(maxX, box.x + box.width);
    maxY = Math.max(maxY, box.y + box.height);
  }
  if (outside(frame, cls, minX, minY, maxX, maxY)) reportOutside(frame, cls, name, minX, minY, maxX, maxY);
  if (boxRule && outsideBox >= 0) {
    reportKeypointsOutsideBox(frame, cls, points as Keypoint[], box, outsideBox);
  }
}

function reportKeypointsOutsideBox(
  frame: Frame,
  cls: CompiledClass,
  points: readonly Keypoint[],
  box: Box,
  first: number,
): void {
  const names = cls.definition.skeleton?.keypoints ?? [];
  const outsiders: string[] = [];
  for (let i = first; i < points.length; i++) {
    if (points[i]!.visibility > 0 && !insideBox(points[i]!, box)) outsiders.push(names[i] ?? `#${i}`);
  }
  const one = outsiders.length === 1;
  report(
    frame,
    'keypoints-outside-box',
    `geometry.points[${first}]`,
    `${outsiders.length} labeled ${one ? 'keypoint' : 'keypoints'} of ${cls.name} ${one ? 'lies' : 'lie'} ` +
      `outside its box: ${outsiders.join(', ')}`,
  );
}

export function checkGeometry(frame: Frame, cls: CompiledClass | undefined, geometry: unknown): void {
  const kind =
    typeof geometry === 'object' && geometry !== null ? (geometry as { kind: unknown }).kind : undefined;
  const index = kindIndex(kind);
  if (index < 0) {
    const detail =
      kind === 'tag'
        ? 'is a tag; tags belong in the image record, not among its annotations'
        : kind === undefined
          ? 'is missing'
          : `has unknown kind ${describe(kind)}`;
    invalid(frame, cls, 'geometry', 'geometry', detail);
    return;
  }
  const name = GEOMETRY_NAMES[index]!;
  if (cls !== undefined && !cls.isGroup && (cls.geometryMask & (1 << index)) === 0) {
    report(
      frame,
      'geometry-not-allowed',
      'geometry',
      `${cls.name} may be drawn as ${geometryList(cls)}, not as ${name}`,
    );
  }
  // Without a known class only the class-free rules apply (finite numbers, sizes above 0, point counts).
  const g = geometry as Annotation['geometry'];
  switch (g.kind) {
    case 'box':
      checkBox(frame, cls, g);
      break;
    case 'rotated-box':
      checkRotatedBox(frame, cls, g);
      break;
    case 'polygon':
    case 'polyline':
      checkPath(frame, cls, g.kind, g.points);
      break;
    case 'point':
      if (!Number.isFinite(g.x) || !Number.isFinite(g.y)) {
        invalid(frame, cls, name, 'geometry', `has a non-finite coordinate (x ${g.x}, y ${g.y})`);
      } else if (cls !== undefined && outside(frame, cls, g.x, g.y, g.x, g.y)) {
        reportOutside(frame, cls, name, g.x, g.y, g.x, g.y);
      }
      break;
    case 'keypoints':
      checkKeypoints(frame, cls, g.points, g.box);
      break;
  }
}
