/** Selection handles of one annotation and how dragging them reshapes its geometry, in image pixels. */

import type { Geometry, KeypointVisibility } from '../../annotations/types';
import { distanceToSegment, normalizeAngle, type GeometryOf } from '../../geometry/shapes';
import { clampToImage, imagePoint, type ImagePoint, type ImageSize } from '../../geometry/spaces';
import { HANDLE_PX } from './types';

export type Corner = 'nw' | 'ne' | 'se' | 'sw';
export type Edge = 'n' | 'e' | 's' | 'w';

export type HandleId =
  | { readonly kind: 'corner'; readonly corner: Corner }
  | { readonly kind: 'edge'; readonly edge: Edge }
  /** The rotation knob of a rotated box, above the middle of its top edge. */
  | { readonly kind: 'rotate' }
  /** A polygon or polyline vertex, a keypoint by its skeleton index, or 0 for a point. */
  | { readonly kind: 'vertex'; readonly index: number };

export interface Handle {
  readonly id: HandleId;
  readonly point: ImagePoint;
}

export interface DragOptions {
  /** Shift is held: corners keep the aspect ratio, the rotation knob snaps to ROTATE_SNAP_DEG. */
  readonly keepAspect: boolean;
  readonly imageSize: ImageSize;
}

/** Screen pixels between a rotated box's top edge and its rotation knob. */
export const ROTATE_KNOB_PX = 24;
/** Degrees the rotation knob snaps to while Shift is held. */
export const ROTATE_SNAP_DEG = 15;
/** Fewest vertices a shape keeps when one is deleted: below these it is no longer a polygon or a line. */
export const MIN_VERTICES = { polygon: 3, polyline: 2 } as const;

const CORNERS: readonly Corner[] = ['nw', 'ne', 'se', 'sw'];
const EDGES: readonly Edge[] = ['n', 'e', 's', 'w'];

// ---------------------------------------------------------------------------------------------------------
// Boxes in their own frame

type BoxLike = GeometryOf<'box' | 'rotated-box'>;

/**
 * A rectangle's own frame: a box's is the image itself (so its arithmetic stays exact), a rotated box's is
 * centred on it and turned by its angle. One resize then serves both kinds.
 */
interface Frame {
  readonly ox: number;
  readonly oy: number;
  readonly cos: number;
  readonly sin: number;
}

/** The rectangle's sides in its frame; left < right and top < bottom until a drag flips them. */
interface Sides {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const IMAGE_FRAME: Frame = { ox: 0, oy: 0, cos: 1, sin: 0 };

function frameOf(g: BoxLike): { frame: Frame; sides: Sides } {
  if (g.kind === 'box')
    return {
      frame: IMAGE_FRAME,
      sides: { left: g.x, right: g.x + g.width, top: g.y, bottom: g.y + g.height },
    };
  const radians = (g.angle * Math.PI) / 180;
  return {
    frame: { ox: g.cx, oy: g.cy, cos: Math.cos(radians), sin: Math.sin(radians) },
    sides: { left: -g.width / 2, right: g.width / 2, top: -g.height / 2, bottom: g.height / 2 },
  };
}

const toImage = (f: Frame, u: number, v: number): ImagePoint =>
  f === IMAGE_FRAME
    ? imagePoint(u, v)
    : imagePoint(f.ox + u * f.cos - v * f.sin, f.oy + u * f.sin + v * f.cos);

/** A displacement in image pixels as seen in the frame (the inverse turn). */
const toFrame = (f: Frame, dx: number, dy: number): { du: number; dv: number } => ({
  du: dx * f.cos + dy * f.sin,
  dv: -dx * f.sin + dy * f.cos,
});

function fromSides(g: BoxLike, frame: Frame, s: Sides): BoxLike {
  // A drag past the opposite side swaps the two, so sizes stay positive.
  const left = Math.min(s.left, s.right);
  const right = Math.max(s.left, s.right);
  const top = Math.min(s.top, s.bottom);
  const bottom = Math.max(s.top, s.bottom);
  if (g.kind === 'box') return { kind: 'box', x: left, y: top, width: right - left, height: bottom - top };
  const centre = toImage(frame, (left + right) / 2, (top + bottom) / 2);
  return { ...g, cx: centre.x, cy: centre.y, width: right - left, height: bottom - top };
}

type USide = 'left' | 'right';
type VSide = 'top' | 'bottom';

/** Which sides a corner or edge handle drags. */
function movingSides(handle: HandleId): { u?: USide; v?: VSide } {
  if (handle.kind === 'corner')
    return {
      u: handle.corner === 'nw' || handle.corner === 'sw' ? 'left' : 'right',
      v: handle.corner === 'nw' || handle.corner === 'ne' ? 'top' : 'bottom',
    };
  if (handle.kind === 'edge')
    return handle.edge === 'n'
      ? { v: 'top' }
      : handle.edge === 's'
        ? { v: 'bottom' }
        : handle.edge === 'w'
          ? { u: 'left' }
          : { u: 'right' };
  return {};
}

const oppositeU = (side: USide): USide => (side === 'left' ? 'right' : 'left');
const oppositeV = (side: VSide): VSide => (side === 'top' ? 'bottom' : 'top');

function cornerPoints(frame: Frame, s: Sides): ImagePoint[] {
  return [
    toImage(frame, s.left, s.top),
    toImage(frame, s.right, s.top),
    toImage(frame, s.right, s.bottom),
    toImage(frame, s.left, s.bottom),
  ];
}

/**
 * The largest t in [0, 1] such that the rectangle between `from` (t = 0) and `to` (t = 1) keeps its corners
 * inside the image. Each corner moves on a straight line as t grows, so each border gives one bound; a
 * corner already outside may stay where it is but not go further out.
 */
function insideImageFraction(frame: Frame, from: Sides, to: Sides, size: ImageSize): number {
  const a = cornerPoints(frame, from);
  const b = cornerPoints(frame, to);
  const bound = (c0: number, c1: number, max: number): number => {
    if (c1 > max && c1 > c0) return (Math.max(max, c0) - c0) / (c1 - c0);
    if (c1 < 0 && c1 < c0) return (Math.min(0, c0) - c0) / (c1 - c0);
    return 1;
  };
  let t = 1;
  for (let i = 0; i < 4; i++) {
    const p = a[i] as ImagePoint;
    const q = b[i] as ImagePoint;
    t = Math.min(t, bound(p.x, q.x, size.width), bound(p.y, q.y, size.height));
  }
  return Math.max(0, t);
}

const lerpSides = (a: Sides, b: Sides, t: number): Sides =>
  t === 1
    ? b
    : {
        left: a.left + (b.left - a.left) * t,
        right: a.right + (b.right - a.right) * t,
        top: a.top + (b.top - a.top) * t,
        bottom: a.bottom + (b.bottom - a.bottom) * t,
      };

function resizeBox(g: BoxLike, handle: HandleId, dx: number, dy: number, options: DragOptions): BoxLike {
  const { frame, sides } = frameOf(g);
  const { u, v } = movingSides(handle);
  const { du, dv } = toFrame(frame, dx, dy);
  let target: Sides = {
    ...sides,
    ...(u ? { [u]: sides[u] + du } : {}),
    ...(v ? { [v]: sides[v] + dv } : {}),
  };
  const width = sides.right - sides.left;
  const height = sides.bottom - sides.top;
  if (options.keepAspect && u && v && width > 0 && height > 0) {
    // Scale by the larger of the two stretches (Figma's Shift), keeping the side each way was dragged to.
    const fixedU = sides[oppositeU(u)];
    const fixedV = sides[oppositeV(v)];
    const k = Math.max(Math.abs(target[u] - fixedU) / width, Math.abs(target[v] - fixedV) / height);
    const signU = Math.sign(target[u] - fixedU) || (u === 'right' ? 1 : -1);
    const signV = Math.sign(target[v] - fixedV) || (v === 'bottom' ? 1 : -1);
    target = { ...sides, [u]: fixedU + signU * k * width, [v]: fixedV + signV * k * height };
    // Growing from the collapsed rectangle keeps the aspect at every t, so clamping keeps it too.
    const collapsed: Sides = { ...sides, [u]: fixedU, [v]: fixedV };
    return fromSides(
      g,
      frame,
      lerpSides(collapsed, target, insideImageFraction(frame, collapsed, target, options.imageSize)),
    );
  }
  if (g.kind === 'box') {
    // Upright sides clamp one by one, so the dragged corner slides along the border with the pointer.
    const { width: w, height: h } = options.imageSize;
    const clamp = (value: number, max: number) => Math.min(max, Math.max(0, value));
    return fromSides(g, frame, {
      ...target,
      ...(u ? { [u]: clamp(target[u], w) } : {}),
      ...(v ? { [v]: clamp(target[v], h) } : {}),
    });
  }
  return fromSides(
    g,
    frame,
    lerpSides(sides, target, insideImageFraction(frame, sides, target, options.imageSize)),
  );
}

/** The angle the rotation knob gives when dragged from `from` to `to`: the turn of the pointer about the centre. */
function rotateBox(g: GeometryOf<'rotated-box'>, from: ImagePoint, to: ImagePoint, snap: boolean): BoxLike {
  // Bearing clockwise from "up", where the knob sits at angle 0.
  const bearing = (p: ImagePoint) => (Math.atan2(p.x - g.cx, -(p.y - g.cy)) * 180) / Math.PI;
  const angle = g.angle + bearing(to) - bearing(from);
  const snapped = snap ? Math.round(angle / ROTATE_SNAP_DEG) * ROTATE_SNAP_DEG : angle;
  // + 0 turns a snapped −0 into 0, so an upright box reads angle 0.
  return { ...g, angle: normalizeAngle(snapped) + 0 };
}

// ---------------------------------------------------------------------------------------------------------
// Handles

/** Every handle of the geometry, for drawing; `scale` is screen pixels per image pixel. */
export function handlesOf(geometry: Geometry, scale: number): Handle[] {
  switch (geometry.kind) {
    case 'box':
    case 'rotated-box': {
      const { frame, sides: s } = frameOf(geometry);
      const midU = (s.left + s.right) / 2;
      const midV = (s.top + s.bottom) / 2;
      const corners = cornerPoints(frame, s);
      const edges = [
        toImage(frame, midU, s.top),
        toImage(frame, s.right, midV),
        toImage(frame, midU, s.bottom),
        toImage(frame, s.left, midV),
      ];
      const handles: Handle[] = [
        ...CORNERS.map((corner, i) => ({
          id: { kind: 'corner', corner } as const,
          point: corners[i] as ImagePoint,
        })),
        ...EDGES.map((edge, i) => ({ id: { kind: 'edge', edge } as const, point: edges[i] as ImagePoint })),
      ];
      if (geometry.kind === 'rotated-box')
        handles.push({ id: { kind: 'rotate' }, point: toImage(frame, midU, s.top - ROTATE_KNOB_PX / scale) });
      return handles;
    }
    case 'polygon':
    case 'polyline':
      return geometry.points.map((p, index) => ({
        id: { kind: 'vertex', index },
        point: imagePoint(p.x, p.y),
      }));
    case 'point':
      return [{ id: { kind: 'vertex', index: 0 }, point: imagePoint(geometry.x, geometry.y) }];
    case 'keypoints':
      // Absent keypoints (visibility 0) have no position to grab.
      return geometry.points.flatMap((p, index) =>
        p.visibility > 0 ? [{ id: { kind: 'vertex', index } as const, point: imagePoint(p.x, p.y) }] : [],
      );
  }
}

/**
 * The handle under `point`, within HANDLE_PX screen pixels. Corners, vertices and the rotation knob win
 * over edges; a box edge can be grabbed anywhere along its length, not only at its middle.
 */
export function handleAt(geometry: Geometry, point: ImagePoint, scale: number): HandleId | undefined {
  const tolerance = HANDLE_PX / scale;
  let best: HandleId | undefined;
  let bestDistance = Infinity;
  for (const handle of handlesOf(geometry, scale)) {
    if (handle.id.kind === 'edge') continue;
    const distance = Math.hypot(point.x - handle.point.x, point.y - handle.point.y);
    if (distance <= tolerance && distance < bestDistance) {
      best = handle.id;
      bestDistance = distance;
    }
  }
  if (best || (geometry.kind !== 'box' && geometry.kind !== 'rotated-box')) return best;
  const { frame, sides } = frameOf(geometry);
  const [nw, ne, se, sw] = cornerPoints(frame, sides) as [ImagePoint, ImagePoint, ImagePoint, ImagePoint];
  const segments: [Edge, ImagePoint, ImagePoint][] = [
    ['n', nw, ne],
    ['e', ne, se],
    ['s', se, sw],
    ['w', sw, nw],
  ];
  for (const [edge, a, b] of segments) {
    const distance = distanceToSegment(point, a, b);
    if (distance <= tolerance && distance < bestDistance) {
      best = { kind: 'edge', edge };
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * The geometry after dragging `handle` from `from` to `to` (the pointer's press and current points, so a
 * handle grabbed off-centre does not jump). Boxes resize with the opposite side fixed and flip when dragged
 * past it; a rotated box resizes in its own frame and its knob turns it; a vertex moves alone. Dragged
 * sides, corners and vertices stay inside the image; turning a rotated box is not clamped.
 */
export function dragHandle(
  geometry: Geometry,
  handle: HandleId,
  from: ImagePoint,
  to: ImagePoint,
  options: DragOptions,
): Geometry {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  if (dx === 0 && dy === 0) return geometry;
  const moved = (p: { x: number; y: number }) =>
    clampToImage(imagePoint(p.x + dx, p.y + dy), options.imageSize);
  switch (geometry.kind) {
    case 'box':
    case 'rotated-box':
      if (handle.kind === 'rotate')
        return geometry.kind === 'rotated-box' ? rotateBox(geometry, from, to, options.keepAspect) : geometry;
      if (handle.kind === 'vertex') return geometry;
      return resizeBox(geometry, handle, dx, dy, options);
    case 'polygon':
    case 'polyline': {
      if (handle.kind !== 'vertex' || geometry.points[handle.index] === undefined) return geometry;
      const points = geometry.points.map((p, i) =>
        i === handle.index ? { x: moved(p).x, y: moved(p).y } : p,
      );
      return { ...geometry, points };
    }
    case 'point': {
      if (handle.kind !== 'vertex' || handle.index !== 0) return geometry;
      const p = moved(geometry);
      return { ...geometry, x: p.x, y: p.y };
    }
    case 'keypoints': {
      const target = handle.kind === 'vertex' ? geometry.points[handle.index] : undefined;
      if (handle.kind !== 'vertex' || target === undefined || target.visibility === 0) return geometry;
      const p = moved(target);
      const points = geometry.points.map((k, i) => (i === handle.index ? { ...k, x: p.x, y: p.y } : k));
      return { ...geometry, points };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Vertices

/**
 * A new vertex where `point` lies within HANDLE_PX screen pixels of a polygon or polyline edge, placed on
 * the edge (the outline does not change until it is dragged), with its index. Undefined off the edges, on
 * an existing vertex (that is a handle to drag), and for the other kinds.
 */
export function insertVertex(
  geometry: Geometry,
  point: ImagePoint,
  scale: number,
): { geometry: Geometry; index: number } | undefined {
  if (geometry.kind !== 'polygon' && geometry.kind !== 'polyline') return undefined;
  const points = geometry.points;
  const tolerance = HANDLE_PX / scale;
  if (points.length < 2) return undefined;
  if (points.some((p) => Math.hypot(point.x - p.x, point.y - p.y) <= tolerance)) return undefined;
  const edges = geometry.kind === 'polygon' && points.length >= 3 ? points.length : points.length - 1;
  let bestEdge = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < edges; i++) {
    const distance = distanceToSegment(
      point,
      points[i] as ImagePoint,
      points[(i + 1) % points.length] as ImagePoint,
    );
    if (distance <= tolerance && distance < bestDistance) {
      bestEdge = i;
      bestDistance = distance;
    }
  }
  if (bestEdge < 0) return undefined;
  const a = points[bestEdge] as ImagePoint;
  const b = points[(bestEdge + 1) % points.length] as ImagePoint;
  const lengthSquared = (b.x - a.x) ** 2 + (b.y - a.y) ** 2;
  const t = Math.min(
    1,
    Math.max(0, ((point.x - a.x) * (b.x - a.x) + (point.y - a.y) * (b.y - a.y)) / lengthSquared),
  );
  const index = bestEdge + 1;
  const vertex = { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) };
  return {
    geometry: { ...geometry, points: [...points.slice(0, index), vertex, ...points.slice(index)] },
    index,
  };
}

/** The polygon or polyline without vertex `index`; undefined when it would drop below MIN_VERTICES or is another kind. */
export function deleteVertex(geometry: Geometry, index: number): Geometry | undefined {
  if (geometry.kind !== 'polygon' && geometry.kind !== 'polyline') return undefined;
  if (geometry.points[index] === undefined) return undefined;
  if (geometry.points.length - 1 < MIN_VERTICES[geometry.kind]) return undefined;
  return { ...geometry, points: geometry.points.filter((_, i) => i !== index) };
}

/**
 * Keypoint `index` toggled between visible (2) and occluded (1), as CVAT's Alt+click does. Undefined for an
 * absent keypoint (0: it has no position to show) and for the other kinds.
 */
export function cycleKeypointVisibility(geometry: Geometry, index: number): Geometry | undefined {
  if (geometry.kind !== 'keypoints') return undefined;
  const target = geometry.points[index];
  if (target === undefined || target.visibility === 0) return undefined;
  const visibility: KeypointVisibility = target.visibility === 2 ? 1 : 2;
  return { ...geometry, points: geometry.points.map((p, i) => (i === index ? { ...p, visibility } : p)) };
}
