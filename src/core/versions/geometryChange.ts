/** How far a stored geometry moved between two versions: the largest shift of any vertex or corner, in pixels. */

import type { Geometry } from '../annotations/types';
import type { Xy } from '../geometry/polygons';
import { isLabeledKeypoint, rotatedBoxCorners, type AreaGeometry } from '../geometry/shapes';

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Largest displacement of a vertex (polygon, polyline, keypoints), corner (boxes) or the point itself,
 * pairing vertices by index. Null when the two cannot be paired: another kind, another vertex count, or a
 * keypoint labeled in one version and not the other; that is a reshape, not a move.
 */
export function maxDisplacement(a: Geometry, b: Geometry): number | null {
  if (a === b) return 0;
  switch (a.kind) {
    case 'box':
      return b.kind === 'box' ? rectShift(a, b) : null;
    case 'rotated-box': {
      if (b.kind !== 'rotated-box') return null;
      if (
        a.cx === b.cx &&
        a.cy === b.cy &&
        a.width === b.width &&
        a.height === b.height &&
        a.angle === b.angle
      ) {
        return 0;
      }
      return pointsShift(rotatedBoxCorners(a), rotatedBoxCorners(b));
    }
    case 'point':
      return b.kind === 'point' ? Math.hypot(b.x - a.x, b.y - a.y) : null;
    case 'polygon':
    case 'polyline':
      return b.kind === a.kind ? pointsShift(a.points, b.points) : null;
    case 'keypoints': {
      if (b.kind !== 'keypoints' || a.points.length !== b.points.length) return null;
      if ((a.box === undefined) !== (b.box === undefined)) return null;
      let shift = a.box && b.box ? rectShift(a.box, b.box) : 0;
      for (let i = 0; i < a.points.length; i++) {
        const p = a.points[i]!;
        const q = b.points[i]!;
        if (p.visibility !== q.visibility) return null;
        // An unlabeled keypoint's coordinates are placeholders (COCO writes 0,0); they cannot move.
        if (isLabeledKeypoint(p)) shift = Math.max(shift, Math.hypot(q.x - p.x, q.y - p.y));
      }
      return shift;
    }
  }
}

/** Box, rotated box and polygon: the kinds an IoU is defined for. */
export const isAreaGeometry = (g: Geometry): g is AreaGeometry =>
  g.kind === 'box' || g.kind === 'rotated-box' || g.kind === 'polygon';

/** Farthest corner shift of an axis-aligned box: the worst x edge and the worst y edge meet at one corner. */
function rectShift(a: Rect, b: Rect): number {
  const left = b.x - a.x;
  const right = b.x + b.width - (a.x + a.width);
  const top = b.y - a.y;
  const bottom = b.y + b.height - (a.y + a.height);
  return Math.sqrt(Math.max(left * left, right * right) + Math.max(top * top, bottom * bottom));
}

function pointsShift(a: readonly Xy[], b: readonly Xy[]): number | null {
  if (a.length !== b.length) return null;
  let squared = 0;
  for (let i = 0; i < a.length; i++) {
    const dx = b[i]!.x - a[i]!.x;
    const dy = b[i]!.y - a[i]!.y;
    squared = Math.max(squared, dx * dx + dy * dy);
  }
  return Math.sqrt(squared);
}
