/** Polygon math in image pixels: signed area, orientation, simplicity, containment, distances and exact overlap area. */

/*
 * Points are plain `{ x, y }` so stored annotation points (annotations/types.ts) pass as they are. Image y
 * grows downwards, so a positive shoelace sum is a polygon that runs clockwise as seen on screen.
 */

export interface Xy {
  readonly x: number;
  readonly y: number;
}

/** z of (b − a) × (c − a): > 0 when a → b → c turns clockwise on screen, 0 when collinear. */
export const cross = (a: Xy, b: Xy, c: Xy): number => (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);

/** Shoelace sum, halved: positive for clockwise-on-screen polygons, negative for counter-clockwise. */
export function signedArea(points: readonly Xy[]): number {
  const n = points.length;
  if (n < 3) return 0;
  let sum = 0;
  let prev = points[n - 1] as Xy;
  for (let i = 0; i < n; i++) {
    const p = points[i] as Xy;
    sum += prev.x * p.y - p.x * prev.y;
    prev = p;
  }
  return sum / 2;
}

export const polygonArea = (points: readonly Xy[]): number => Math.abs(signedArea(points));

export type Orientation = 'clockwise' | 'counterclockwise' | 'degenerate';

/** The direction the outline runs as drawn on screen (y down); zero area is degenerate. */
export function polygonOrientation(points: readonly Xy[]): Orientation {
  const area = signedArea(points);
  return area > 0 ? 'clockwise' : area < 0 ? 'counterclockwise' : 'degenerate';
}

/** The points without consecutive repeats, including a last point repeating the first (a closed ring). */
export function withoutRepeats(points: readonly Xy[]): Xy[] {
  const out: Xy[] = [];
  for (const p of points) {
    const last = out[out.length - 1];
    if (last === undefined || last.x !== p.x || last.y !== p.y) out.push(p);
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (
    out.length > 1 &&
    first !== undefined &&
    last !== undefined &&
    first.x === last.x &&
    first.y === last.y
  ) {
    out.pop();
  }
  return out;
}

const onSegment = (a: Xy, b: Xy, p: Xy): boolean =>
  Math.min(a.x, b.x) <= p.x &&
  p.x <= Math.max(a.x, b.x) &&
  Math.min(a.y, b.y) <= p.y &&
  p.y <= Math.max(a.y, b.y);

/** Whether closed segments ab and cd share at least one point (touching and collinear overlap count). */
export function segmentsIntersect(a: Xy, b: Xy, c: Xy, d: Xy): boolean {
  const d1 = Math.sign(cross(c, d, a));
  const d2 = Math.sign(cross(c, d, b));
  const d3 = Math.sign(cross(a, b, c));
  const d4 = Math.sign(cross(a, b, d));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  return (
    (d1 === 0 && onSegment(c, d, a)) ||
    (d2 === 0 && onSegment(c, d, b)) ||
    (d3 === 0 && onSegment(a, b, c)) ||
    (d4 === 0 && onSegment(a, b, d))
  );
}

/**
 * Whether the outline crosses or touches itself anywhere but at the shared ends of neighbouring edges
 * (a spike that doubles back along its own edge counts). Repeated consecutive points are ignored.
 * O(n²) edge pairs: fine for hand-drawn polygons of hundreds of points.
 */
export function selfIntersects(points: readonly Xy[]): boolean {
  const ring = withoutRepeats(points);
  const n = ring.length;
  if (n < 3) return false;
  const at = (i: number) => ring[i % n] as Xy;
  for (let i = 0; i < n; i++) {
    const a = at(i);
    const b = at(i + 1);
    // Neighbouring edges meet at b; they overlap only if the outline turns back on itself there.
    const c = at(i + 2);
    if (cross(a, b, c) === 0 && (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y) < 0) return true;
    // Edges i and j are neighbours when j = i + 1 or (i = 0 and j = n − 1).
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (segmentsIntersect(a, b, at(j), at(j + 1))) return true;
    }
  }
  return false;
}

/** At least three distinct points, non-zero area and no self-intersection: what exact IoU is defined for. */
export function isSimplePolygon(points: readonly Xy[]): boolean {
  const ring = withoutRepeats(points);
  return ring.length >= 3 && signedArea(ring) !== 0 && !selfIntersects(ring);
}

/**
 * Non-zero winding rule, the canvas default fill rule, so a click hits what is painted even on a
 * self-intersecting outline. Points exactly on the outline may go either way; hit-testing adds a tolerance.
 */
export function pointInPolygon(point: Xy, points: readonly Xy[]): boolean {
  const n = points.length;
  if (n < 3) return false;
  let winding = 0;
  let a = points[n - 1] as Xy;
  for (let i = 0; i < n; i++) {
    const b = points[i] as Xy;
    if (a.y <= point.y) {
      if (b.y > point.y && cross(a, b, point) > 0) winding++;
    } else if (b.y <= point.y && cross(a, b, point) < 0) {
      winding--;
    }
    a = b;
  }
  return winding !== 0;
}

/** Euclidean distance from p to the closed segment ab (to a when a = b). */
export function distanceToSegment(p: Xy, a: Xy, b: Xy): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared === 0 ? 0 : ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared;
  if (t <= 0) return Math.hypot(p.x - a.x, p.y - a.y);
  if (t >= 1) return Math.hypot(p.x - b.x, p.y - b.y);
  // Kept within the segment's bounds despite rounding, so a hit never lies outside the shape's bounds.
  const x = Math.min(Math.max(a.x + t * dx, Math.min(a.x, b.x)), Math.max(a.x, b.x));
  const y = Math.min(Math.max(a.y + t * dy, Math.min(a.y, b.y)), Math.max(a.y, b.y));
  return Math.hypot(p.x - x, p.y - y);
}

/** Distance from p to a path's outline; `closed` adds the edge from the last point back to the first. */
export function distanceToPath(p: Xy, points: readonly Xy[], closed: boolean): number {
  const n = points.length;
  if (n === 0) return Infinity;
  if (n === 1) return Math.hypot(p.x - (points[0] as Xy).x, p.y - (points[0] as Xy).y);
  let best = Infinity;
  for (let i = 1; i < n; i++)
    best = Math.min(best, distanceToSegment(p, points[i - 1] as Xy, points[i] as Xy));
  if (closed) best = Math.min(best, distanceToSegment(p, points[n - 1] as Xy, points[0] as Xy));
  return best;
}

// ---------------------------------------------------------------------------------------------------------
// Exact overlap

/** Sutherland–Hodgman: `subject` clipped by a convex polygon that runs clockwise on screen (positive area). */
export function clipByConvex(subject: readonly Xy[], clip: readonly Xy[]): Xy[] {
  let output: Xy[] = [...subject];
  const m = clip.length;
  for (let i = 0; i < m && output.length > 0; i++) {
    const a = clip[i] as Xy;
    const b = clip[(i + 1) % m] as Xy;
    const input = output;
    output = [];
    let s = input[input.length - 1] as Xy;
    let sSide = cross(a, b, s);
    for (const e of input) {
      const eSide = cross(a, b, e);
      if (eSide >= 0) {
        if (sSide < 0) output.push(lerp(s, e, sSide / (sSide - eSide)));
        output.push(e);
      } else if (sSide >= 0) {
        output.push(lerp(s, e, sSide / (sSide - eSide)));
      }
      s = e;
      sSide = eSide;
    }
  }
  return output;
}

const lerp = (a: Xy, b: Xy, t: number): Xy => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });

/**
 * Area of the overlap of two simple polygons (convex or not, either orientation), exactly up to
 * floating point.
 *
 * Sutherland–Hodgman alone is only right when the clip polygon is convex. Instead each polygon is
 * written as a signed fan of triangles from one common point O: the sum of their signed indicators is the
 * polygon's winding number, so ∫ w_A·w_B = Σᵢⱼ sᵢ·sⱼ·area(Tᵢ ∩ Tⱼ), and each triangle pair is convex ∩
 * convex. For simple polygons w is ±1 inside and 0 outside, which makes that sum ± the overlap area.
 * A self-intersecting outline gets its winding-weighted overlap instead; check `isSimplePolygon` first.
 * Cost O(n·m) triangle clips.
 */
export function polygonIntersectionArea(a: readonly Xy[], b: readonly Xy[]): number {
  if (a.length < 3 || b.length < 3) return 0;
  const boundsA = pathBounds(a);
  const boundsB = pathBounds(b);
  if (
    boundsA.maxX <= boundsB.minX ||
    boundsB.maxX <= boundsA.minX ||
    boundsA.maxY <= boundsB.minY ||
    boundsB.maxY <= boundsA.minY
  ) {
    return 0;
  }
  // An origin near both keeps the fan triangles small, which keeps cancellation error small.
  const origin: Xy = {
    x: (Math.max(boundsA.minX, boundsB.minX) + Math.min(boundsA.maxX, boundsB.maxX)) / 2,
    y: (Math.max(boundsA.minY, boundsB.minY) + Math.min(boundsA.maxY, boundsB.maxY)) / 2,
  };
  const fanA = fan(origin, a);
  const fanB = fan(origin, b);
  let sum = 0;
  for (const ta of fanA) {
    for (const tb of fanB) {
      if (ta.maxX <= tb.minX || tb.maxX <= ta.minX || ta.maxY <= tb.minY || tb.maxY <= ta.minY) continue;
      const overlap = clipByConvex(ta.points, tb.points);
      if (overlap.length >= 3) sum += ta.sign * tb.sign * signedArea(overlap);
    }
  }
  const orientation = Math.sign(signedArea(a)) * Math.sign(signedArea(b));
  return Math.max(0, sum * orientation);
}

/** Intersection over union of two simple polygons; 0 when both are empty. */
export function polygonIoU(a: readonly Xy[], b: readonly Xy[]): number {
  const intersection = polygonIntersectionArea(a, b);
  const union = polygonArea(a) + polygonArea(b) - intersection;
  return union > 0 ? Math.min(1, intersection / union) : 0;
}

interface FanTriangle {
  /** Clockwise on screen (positive signed area), as clipByConvex requires of its clip polygon. */
  readonly points: readonly Xy[];
  readonly sign: 1 | -1;
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

function fan(origin: Xy, points: readonly Xy[]): FanTriangle[] {
  const triangles: FanTriangle[] = [];
  const n = points.length;
  for (let i = 0; i < n; i++) {
    const p = points[i] as Xy;
    const q = points[(i + 1) % n] as Xy;
    const turn = cross(origin, p, q);
    if (turn === 0) continue;
    triangles.push({
      points: turn > 0 ? [origin, p, q] : [origin, q, p],
      sign: turn > 0 ? 1 : -1,
      minX: Math.min(origin.x, p.x, q.x),
      minY: Math.min(origin.y, p.y, q.y),
      maxX: Math.max(origin.x, p.x, q.x),
      maxY: Math.max(origin.y, p.y, q.y),
    });
  }
  return triangles;
}

function pathBounds(points: readonly Xy[]) {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  return { minX, minY, maxX, maxY };
}
