/** Rotated boxes from YOLO OBB corners and from outlines: the rectangle four corners state, or the smallest one around points. */

import type { GeometryOf } from '../../geometry/shapes';
import { normalizeAngle } from '../../geometry/shapes';

interface Xy {
  readonly x: number;
  readonly y: number;
}

export type RotatedBox = Omit<GeometryOf<'rotated-box'>, 'kind'>;

const distance = (a: Xy, b: Xy): number => Math.hypot(b.x - a.x, b.y - a.y);
const degrees = (radians: number): number => (radians * 180) / Math.PI;

/**
 * Whether four corners in order are a rectangle: opposite sides and the diagonals agree within `tolerance`
 * (pixels). Files round coordinates, so an exact test would reject every real rectangle.
 */
export function isRectangle(corners: readonly [Xy, Xy, Xy, Xy], tolerance: number): boolean {
  const [a, b, c, d] = corners;
  return (
    Math.abs(distance(a, b) - distance(d, c)) <= tolerance &&
    Math.abs(distance(b, c) - distance(a, d)) <= tolerance &&
    Math.abs(distance(a, c) - distance(b, d)) <= tolerance
  );
}

/**
 * The rotated box whose corners these are, keeping the file's corner order: the first edge is the width and
 * its direction the angle, so corners written by `rotatedBoxCorners` read back as the same box. Opposite
 * sides are averaged to absorb rounding.
 */
export function rotatedBoxFromCorners(corners: readonly [Xy, Xy, Xy, Xy]): RotatedBox {
  const [a, b, c, d] = corners;
  const ux = b.x - a.x + (c.x - d.x);
  const uy = b.y - a.y + (c.y - d.y);
  return {
    cx: (a.x + b.x + c.x + d.x) / 4,
    cy: (a.y + b.y + c.y + d.y) / 4,
    width: (distance(a, b) + distance(d, c)) / 2,
    height: (distance(b, c) + distance(a, d)) / 2,
    angle: normalizeAngle(degrees(Math.atan2(uy, ux))),
  };
}

/** Andrew's monotone chain: the convex hull, counter-clockwise in y-up terms, without collinear points. */
function convexHull(points: readonly Xy[]): Xy[] {
  const sorted = [...points].sort((p, q) => p.x - q.x || p.y - q.y);
  if (sorted.length < 3) return sorted;
  const turn = (o: Xy, a: Xy, b: Xy) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Xy[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && turn(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Xy[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]!;
    while (upper.length >= 2 && turn(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * The smallest-area rotated box around the points (what Ultralytics takes for an OBB from any outline:
 * cv2.minAreaRect in ops.xyxyxyxy2xywhr). The optimal box has a side on a hull edge, so each edge is tried.
 */
export function minimumAreaBox(points: readonly Xy[]): RotatedBox {
  const hull = convexHull(points);
  let best: RotatedBox = { cx: hull[0]?.x ?? 0, cy: hull[0]?.y ?? 0, width: 0, height: 0, angle: 0 };
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i]!;
    const q = hull[(i + 1) % hull.length]!;
    const length = distance(p, q);
    if (length === 0) continue;
    const ux = (q.x - p.x) / length;
    const uy = (q.y - p.y) / length;
    let minU = Infinity;
    let maxU = -Infinity;
    let minV = Infinity;
    let maxV = -Infinity;
    for (const r of hull) {
      const u = r.x * ux + r.y * uy;
      const v = -r.x * uy + r.y * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-12) {
      bestArea = area;
      const mu = (minU + maxU) / 2;
      const mv = (minV + maxV) / 2;
      best = {
        cx: mu * ux - mv * uy,
        cy: mu * uy + mv * ux,
        width: maxU - minU,
        height: maxV - minV,
        angle: normalizeAngle(degrees(Math.atan2(uy, ux))),
      };
    }
  }
  return best;
}
