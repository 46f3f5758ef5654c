/** Douglas–Peucker simplification of traced paths and rings, so a freehand stroke becomes a polygon of few vertices. */

import { distanceToSegment, type Xy } from './polygons';

/*
 * Distances are measured to the segment, not its infinite line, so a stroke that doubles back on itself
 * keeps its turning point. The loop uses an explicit stack: a traced stroke can have thousands of points.
 */

/**
 * The points of an open path that keep every dropped point within `tolerance` of the simplified path;
 * the first and last points are always kept. Returns the kept points themselves, in order.
 */
export function simplifyPath<P extends Xy>(points: readonly P[], tolerance: number): P[] {
  const n = points.length;
  if (n <= 2) return [...points];
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const spans: [number, number][] = [[0, n - 1]];
  for (let span = spans.pop(); span !== undefined; span = spans.pop()) {
    const [lo, hi] = span;
    const a = points[lo] as P;
    const b = points[hi] as P;
    let farthest = -1;
    let farthestDistance = tolerance;
    for (let i = lo + 1; i < hi; i++) {
      const d = distanceToSegment(points[i] as P, a, b);
      if (d > farthestDistance) {
        farthest = i;
        farthestDistance = d;
      }
    }
    if (farthest === -1) continue;
    keep[farthest] = 1;
    spans.push([lo, farthest], [farthest, hi]);
  }
  return points.filter((_, i) => keep[i] === 1);
}

/**
 * Simplifies a closed ring (the last point joins the first; a repeated closing point is dropped). The
 * ring is cut at its first point and the point farthest from it, so both halves are open paths; the
 * first point is then dropped too when it lies on a straight stretch.
 */
export function simplifyRing<P extends Xy>(points: readonly P[], tolerance: number): P[] {
  const first = points[0];
  const last = points[points.length - 1];
  const ring =
    points.length > 1 && first !== undefined && last !== undefined && first.x === last.x && first.y === last.y
      ? points.slice(0, -1)
      : points;
  if (ring.length <= 3 || first === undefined) return [...ring];
  let cut = 0;
  let cutDistance = -1;
  ring.forEach((p, i) => {
    const d = Math.hypot(p.x - first.x, p.y - first.y);
    if (d > cutDistance) {
      cut = i;
      cutDistance = d;
    }
  });
  if (cutDistance === 0) return [first];
  const there = simplifyPath(ring.slice(0, cut + 1), tolerance);
  const back = simplifyPath([...ring.slice(cut), first], tolerance);
  const simplified = [...there, ...back.slice(1, -1)];
  // The cut point is a corner by choice, but the first point was only where the stroke began.
  const before = simplified[simplified.length - 1] as P;
  const after = simplified[1] as P;
  return simplified.length > 3 && distanceToSegment(first, before, after) <= tolerance
    ? simplified.slice(1)
    : simplified;
}
