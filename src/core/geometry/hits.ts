/** Whether one geometry is under a point or touched by a rectangle: the exact tests behind hit-testing and rubber-band selection. */

import type { Geometry } from '../annotations/types';
import { distanceToPath, pointInPolygon, segmentsIntersect, type Xy } from './polygons';
import {
  boundsContain,
  boundsIntersect,
  geometryBounds,
  isEmptyBounds,
  isLabeledKeypoint,
  rotatedBoxCorners,
  type Bounds,
} from './shapes';

/** Distance from p to an axis-aligned rectangle: 0 inside it. */
function distanceToRect(p: Xy, minX: number, minY: number, maxX: number, maxY: number): number {
  const dx = Math.max(minX - p.x, 0, p.x - maxX);
  const dy = Math.max(minY - p.y, 0, p.y - maxY);
  return Math.hypot(dx, dy);
}

const distanceToBox = (p: Xy, box: { x: number; y: number; width: number; height: number }): number =>
  distanceToRect(
    p,
    Math.min(box.x, box.x + box.width),
    Math.min(box.y, box.y + box.height),
    Math.max(box.x, box.x + box.width),
    Math.max(box.y, box.y + box.height),
  );

/**
 * Whether `point` hits the shape as drawn, `tolerance` in image pixels (screen pixels ÷ scale): inside a
 * box, rotated box or polygon, or within tolerance of its outline (so thin boxes and edges can be
 * grabbed); within tolerance of a polyline, a point, or a labeled keypoint; inside a keypoint box.
 */
export function hitsGeometry(g: Geometry, point: Xy, tolerance: number): boolean {
  switch (g.kind) {
    case 'box':
      return distanceToBox(point, g) <= tolerance;
    case 'rotated-box': {
      // Into the box's own frame: undo the clockwise turn about its centre.
      const radians = (g.angle * Math.PI) / 180;
      const cos = Math.cos(radians);
      const sin = Math.sin(radians);
      const dx = point.x - g.cx;
      const dy = point.y - g.cy;
      const local = { x: dx * cos + dy * sin, y: -dx * sin + dy * cos };
      const hw = Math.abs(g.width) / 2;
      const hh = Math.abs(g.height) / 2;
      return distanceToRect(local, -hw, -hh, hw, hh) <= tolerance;
    }
    case 'polygon':
      return pointInPolygon(point, g.points) || distanceToPath(point, g.points, true) <= tolerance;
    case 'polyline':
      return distanceToPath(point, g.points, false) <= tolerance;
    case 'point':
      return Math.hypot(point.x - g.x, point.y - g.y) <= tolerance;
    case 'keypoints':
      if (g.box && distanceToBox(point, g.box) <= tolerance) return true;
      return g.points.some(
        (p) => isLabeledKeypoint(p) && Math.hypot(point.x - p.x, point.y - p.y) <= tolerance,
      );
  }
}

const inRect = (p: Xy, r: Bounds): boolean =>
  r.minX <= p.x && p.x <= r.maxX && r.minY <= p.y && p.y <= r.maxY;

function pathIntersectsRect(points: readonly Xy[], closed: boolean, r: Bounds): boolean {
  if (points.some((p) => inRect(p, r))) return true;
  const corners: Xy[] = [
    { x: r.minX, y: r.minY },
    { x: r.maxX, y: r.minY },
    { x: r.maxX, y: r.maxY },
    { x: r.minX, y: r.maxY },
  ];
  // A closed outline can hold the whole rectangle without any edge crossing it.
  if (closed && pointInPolygon(corners[0] as Xy, points)) return true;
  const n = points.length;
  const edges = closed ? n : n - 1;
  for (let i = 0; i < edges; i++) {
    const a = points[i] as Xy;
    const b = points[(i + 1) % n] as Xy;
    for (let k = 0; k < 4; k++) {
      if (segmentsIntersect(a, b, corners[k] as Xy, corners[(k + 1) % 4] as Xy)) return true;
    }
  }
  return false;
}

/** Whether any part of the shape as drawn (its inside, for the kinds that have one) touches the rectangle. */
export function geometryIntersectsRect(g: Geometry, r: Bounds): boolean {
  if (isEmptyBounds(r) || !boundsIntersect(geometryBounds(g), r)) return false;
  switch (g.kind) {
    case 'box':
    case 'point':
      // Bounds are the shape itself.
      return true;
    case 'rotated-box':
      return pathIntersectsRect(rotatedBoxCorners(g), true, r);
    case 'polygon':
      return pathIntersectsRect(g.points, true, r);
    case 'polyline':
      return pathIntersectsRect(g.points, false, r);
    case 'keypoints':
      if (g.box && boundsIntersect(geometryBounds({ kind: 'box', ...g.box }), r)) return true;
      return g.points.some((p) => isLabeledKeypoint(p) && inRect(p, r));
  }
}

/** Whether the whole shape lies inside the rectangle; for an axis-aligned rectangle its bounds decide. */
export function geometryInsideRect(g: Geometry, r: Bounds): boolean {
  const b = geometryBounds(g);
  return !isEmptyBounds(b) && boundsContain(r, b);
}
