/** Adds geometries to the current canvas path as subpaths, so callers can stroke or fill many shapes in one call. */

import type { Geometry } from '../../../../src/core/annotations/types';
import type { Bounds } from '../../../../src/core/geometry/shapes';

/** The part of a 2D context the painters use; tests pass a recording fake. */
export type Ctx = Pick<
  CanvasRenderingContext2D,
  | 'beginPath'
  | 'closePath'
  | 'moveTo'
  | 'lineTo'
  | 'rect'
  | 'arc'
  | 'fill'
  | 'stroke'
  | 'fillRect'
  | 'fillText'
  | 'measureText'
  | 'setLineDash'
  | 'lineWidth'
  | 'strokeStyle'
  | 'fillStyle'
  | 'globalAlpha'
  | 'font'
  | 'textBaseline'
  | 'lineJoin'
>;

/** What part of the image the screen shows (image px) and how many screen px one image px is. */
export interface View {
  readonly visible: Bounds;
  readonly scale: number;
}

export type Pairs = readonly (readonly [number, number])[];

const TAU = Math.PI * 2;

/**
 * The closed outline of a box, rotated box or polygon, and a keypoint instance's box. Returns whether
 * anything was added. Rotated corners are computed inline (as rotatedBoxCorners does) to allocate nothing.
 *
 * `joinCorners` closes with closePath (a mitred corner at the first vertex). Chromium's closePath costs
 * time proportional to the path so far (4,000 polygons in one path: 20 ms just to build it), so bulk
 * painting passes false and closes with a lineTo, invisible at hairline widths.
 */
export function traceArea(ctx: Ctx, g: Geometry, joinCorners = true): boolean {
  switch (g.kind) {
    case 'box':
      ctx.rect(g.x, g.y, g.width, g.height);
      return true;
    case 'rotated-box': {
      const radians = (g.angle * Math.PI) / 180;
      const cos = Math.cos(radians);
      const sin = Math.sin(radians);
      const hw = g.width / 2;
      const hh = g.height / 2;
      // Corners (∓hw, ∓hh) turned about the centre: top-left, top-right, bottom-right, bottom-left.
      const x0 = g.cx - hw * cos + hh * sin;
      const y0 = g.cy - hw * sin - hh * cos;
      ctx.moveTo(x0, y0);
      ctx.lineTo(g.cx + hw * cos + hh * sin, g.cy + hw * sin - hh * cos);
      ctx.lineTo(g.cx + hw * cos - hh * sin, g.cy + hw * sin + hh * cos);
      ctx.lineTo(g.cx - hw * cos - hh * sin, g.cy - hw * sin + hh * cos);
      if (joinCorners) ctx.closePath();
      else ctx.lineTo(x0, y0);
      return true;
    }
    case 'polygon': {
      const points = g.points;
      const first = points[0];
      if (!first || points.length < 2) return false;
      ctx.moveTo(first.x, first.y);
      for (let i = 1; i < points.length; i++) {
        const p = points[i] as (typeof points)[number];
        ctx.lineTo(p.x, p.y);
      }
      if (joinCorners) ctx.closePath();
      else ctx.lineTo(first.x, first.y);
      return true;
    }
    case 'keypoints':
      if (!g.box) return false;
      ctx.rect(g.box.x, g.box.y, g.box.width, g.box.height);
      return true;
    default:
      return false;
  }
}

/**
 * The open lines of a geometry: a polyline, and a keypoint instance's skeleton edges between labeled
 * points (an edge to an absent point is not drawn). Returns whether anything was added.
 */
export function traceOpen(ctx: Ctx, g: Geometry, skeleton: Pairs | undefined): boolean {
  if (g.kind === 'polyline') {
    const points = g.points;
    const first = points[0];
    if (!first || points.length < 2) return false;
    ctx.moveTo(first.x, first.y);
    for (let i = 1; i < points.length; i++) {
      const p = points[i] as (typeof points)[number];
      ctx.lineTo(p.x, p.y);
    }
    return true;
  }
  if (g.kind !== 'keypoints' || !skeleton) return false;
  let added = false;
  for (const [from, to] of skeleton) {
    const a = g.points[from];
    const b = g.points[to];
    if (!a || !b || a.visibility === 0 || b.visibility === 0) continue;
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    added = true;
  }
  return added;
}

/** A circle as its own subpath (the moveTo keeps it from joining the previous subpath with a line). */
export function traceCircle(ctx: Ctx, x: number, y: number, r: number): void {
  ctx.moveTo(x + r, y);
  ctx.arc(x, y, r, 0, TAU);
}

/**
 * Points and keypoints as circles of radius `r`: `visibility` 2 adds visible keypoints and points, 1 the
 * occluded keypoints. Returns how many were added.
 */
export function traceMarks(ctx: Ctx, g: Geometry, r: number, visibility: 1 | 2): number {
  if (g.kind === 'point') {
    if (visibility !== 2) return 0;
    traceCircle(ctx, g.x, g.y, r);
    return 1;
  }
  if (g.kind !== 'keypoints') return 0;
  let added = 0;
  for (const p of g.points) {
    if (p.visibility !== visibility) continue;
    traceCircle(ctx, p.x, p.y, r);
    added++;
  }
  return added;
}

/** The whole outline of any geometry (areas, lines, and points and labeled keypoints as circles). */
export function traceOutline(
  ctx: Ctx,
  g: Geometry,
  markRadius: number,
  skeleton?: Pairs,
  joinCorners = true,
): void {
  traceArea(ctx, g, joinCorners);
  traceOpen(ctx, g, skeleton);
  traceMarks(ctx, g, markRadius, 2);
  traceMarks(ctx, g, markRadius, 1);
}

/** Black or white, whichever reads better on a '#rrggbb' background. */
export function textColorOn(background: string): string {
  const value = parseInt(background.slice(1, 7), 16);
  if (background.length < 7 || Number.isNaN(value)) return '#fff';
  const r = (value >> 16) & 255;
  const g = (value >> 8) & 255;
  const b = value & 255;
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#000' : '#fff';
}
