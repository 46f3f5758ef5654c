/** Measuring and editing stored geometries in image pixels: bounds, corners, area, transforms, box helpers and IoU. */

import type { Geometry, GeometryKind } from '../annotations/types';
import { polygonArea, polygonIoU, type Xy } from './polygons';
import { imagePoint, type ImagePoint, type ImageSize } from './spaces';

export {
  distanceToPath,
  distanceToSegment,
  isSimplePolygon,
  pointInPolygon,
  polygonArea,
  polygonIntersectionArea,
  polygonIoU,
  polygonOrientation,
  selfIntersects,
  signedArea,
} from './polygons';

export type GeometryOf<K extends GeometryKind> = Extract<Geometry, { readonly kind: K }>;
export type BoxGeometry = GeometryOf<'box'>;
export type RotatedBoxGeometry = GeometryOf<'rotated-box'>;
/** The kinds that enclose an area, and so have an area, an inside and an IoU. */
export type AreaGeometry = GeometryOf<'box' | 'rotated-box' | 'polygon'>;

/** An axis-aligned rectangle by its edges, in image pixels. Empty bounds have min > max. */
export interface Bounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

/** Contains nothing and intersects nothing: the bounds of a geometry with no points. */
export const EMPTY_BOUNDS: Bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };

export const isEmptyBounds = (b: Bounds): boolean => !(b.minX <= b.maxX && b.minY <= b.maxY);

/** Whether the rectangles share a point (touching counts); empty bounds intersect nothing. */
export const boundsIntersect = (a: Bounds, b: Bounds): boolean =>
  Math.max(a.minX, b.minX) <= Math.min(a.maxX, b.maxX) &&
  Math.max(a.minY, b.minY) <= Math.min(a.maxY, b.maxY);

export const boundsContain = (outer: Bounds, inner: Bounds): boolean =>
  outer.minX <= inner.minX &&
  inner.maxX <= outer.maxX &&
  outer.minY <= inner.minY &&
  inner.maxY <= outer.maxY;

/** The smallest bounds holding both (empty bounds add nothing). */
export const unionBounds = (a: Bounds, b: Bounds): Bounds => ({
  minX: Math.min(a.minX, b.minX),
  minY: Math.min(a.minY, b.minY),
  maxX: Math.max(a.maxX, b.maxX),
  maxY: Math.max(a.maxY, b.maxY),
});

/** Bounds of two image points in any order (a rubber band dragged in any direction). */
export const boundsOfCorners = (a: Xy, b: Xy): Bounds => ({
  minX: Math.min(a.x, b.x),
  minY: Math.min(a.y, b.y),
  maxX: Math.max(a.x, b.x),
  maxY: Math.max(a.y, b.y),
});

/** Bounds of a list of points (grown from `into`); empty bounds for no points. */
export function pointsBounds(points: readonly Xy[], into: Bounds = EMPTY_BOUNDS): Bounds {
  let { minX, minY, maxX, maxY } = into;
  for (const p of points) {
    if (p.x < minX) minX = p.x;
    if (p.y < minY) minY = p.y;
    if (p.x > maxX) maxX = p.x;
    if (p.y > maxY) maxY = p.y;
  }
  return { minX, minY, maxX, maxY };
}

const rectBounds = (r: { x: number; y: number; width: number; height: number }): Bounds =>
  boundsOfCorners({ x: r.x, y: r.y }, { x: r.x + r.width, y: r.y + r.height });

/** Where a keypoint has a position: labeled, visible or not (COCO v > 0); absent ones are placeholders. */
export const isLabeledKeypoint = (p: { readonly visibility: number }): boolean => p.visibility > 0;

/**
 * The axis-aligned bounds of any geometry. Keypoints count their labeled points and their box; a path
 * with no points (or keypoints with none labeled and no box) has EMPTY_BOUNDS.
 */
export function geometryBounds(g: Geometry): Bounds {
  switch (g.kind) {
    case 'box':
      return rectBounds(g);
    case 'rotated-box':
      return pointsBounds(rotatedBoxCorners(g));
    case 'polygon':
    case 'polyline':
      return pointsBounds(g.points);
    case 'point':
      return { minX: g.x, minY: g.y, maxX: g.x, maxY: g.y };
    case 'keypoints':
      return pointsBounds(g.points.filter(isLabeledKeypoint), g.box ? rectBounds(g.box) : EMPTY_BOUNDS);
  }
}

type RotatedBox = Omit<RotatedBoxGeometry, 'kind'>;

/**
 * Corners of a rotated box: its unrotated top-left, top-right, bottom-right, bottom-left, each turned by
 * `angle` degrees clockwise about the centre (clockwise on screen, because image y grows downwards).
 */
export function rotatedBoxCorners(box: RotatedBox): [ImagePoint, ImagePoint, ImagePoint, ImagePoint] {
  const radians = (box.angle * Math.PI) / 180;
  const cos = Math.cos(radians);
  const sin = Math.sin(radians);
  const hw = box.width / 2;
  const hh = box.height / 2;
  const corner = (dx: number, dy: number) =>
    imagePoint(box.cx + dx * cos - dy * sin, box.cy + dx * sin + dy * cos);
  return [corner(-hw, -hh), corner(hw, -hh), corner(hw, hh), corner(-hw, hh)];
}

/** The outline of an area geometry as a polygon (clockwise on screen for boxes of positive size). */
export function toPolygon(g: AreaGeometry): readonly Xy[] {
  switch (g.kind) {
    case 'box':
      return [
        { x: g.x, y: g.y },
        { x: g.x + g.width, y: g.y },
        { x: g.x + g.width, y: g.y + g.height },
        { x: g.x, y: g.y + g.height },
      ];
    case 'rotated-box':
      return rotatedBoxCorners(g);
    case 'polygon':
      return g.points;
  }
}

/** Area in square image pixels: boxes by size, polygons by the shoelace formula; 0 for the other kinds. */
export function geometryArea(g: Geometry): number {
  switch (g.kind) {
    case 'box':
    case 'rotated-box':
      return Math.abs(g.width * g.height);
    case 'polygon':
      return polygonArea(g.points);
    default:
      return 0;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Transforms (each returns a geometry of the same kind)

const mapKeypoints = (
  points: GeometryOf<'keypoints'>['points'],
  f: (p: Xy) => Xy,
): GeometryOf<'keypoints'>['points'] =>
  // An absent keypoint (v = 0) has no position; COCO writes it as 0,0 and it must stay there.
  points.map((p) => (isLabeledKeypoint(p) ? { ...f(p), visibility: p.visibility } : p));

export function translateGeometry<G extends Geometry>(g: G, dx: number, dy: number): GeometryOf<G['kind']> {
  const move = (p: Xy): Xy => ({ x: p.x + dx, y: p.y + dy });
  return mapGeometry(
    g,
    move,
    (box) => ({ ...box, x: box.x + dx, y: box.y + dy }),
    (r) => ({
      ...r,
      cx: r.cx + dx,
      cy: r.cy + dy,
    }),
  );
}

/**
 * Scales by (sx, sy) about `origin`; a negative factor mirrors. A rotated box under unequal factors would
 * become a parallelogram: its width axis is mapped exactly and its height is the parallelogram's height
 * across that axis, so centre, width direction and area are exact.
 */
export function scaleGeometry<G extends Geometry>(
  g: G,
  sx: number,
  sy: number,
  origin: Xy = { x: 0, y: 0 },
): GeometryOf<G['kind']> {
  const scale = (p: Xy): Xy => ({ x: origin.x + (p.x - origin.x) * sx, y: origin.y + (p.y - origin.y) * sy });
  const scaleBox = <R extends Omit<BoxGeometry, 'kind'>>(box: R): R => {
    const a = scale(box);
    const b = scale({ x: box.x + box.width, y: box.y + box.height });
    return {
      ...box,
      x: Math.min(a.x, b.x),
      y: Math.min(a.y, b.y),
      width: Math.abs(b.x - a.x),
      height: Math.abs(b.y - a.y),
    };
  };
  return mapGeometry(g, scale, scaleBox, (r) => {
    const centre = scale({ x: r.cx, y: r.cy });
    if (sx === sy) {
      // Zooming keeps the angle exactly; a negative factor is a half turn.
      const angle = sx < 0 ? normalizeAngle(r.angle + 180) : r.angle;
      return {
        ...r,
        cx: centre.x,
        cy: centre.y,
        width: r.width * Math.abs(sx),
        height: r.height * Math.abs(sx),
        angle,
      };
    }
    const radians = (r.angle * Math.PI) / 180;
    const axisX = sx * Math.cos(radians);
    const axisY = sy * Math.sin(radians);
    const length = Math.hypot(axisX, axisY);
    if (length === 0) return { ...r, cx: centre.x, cy: centre.y, width: 0, height: 0 };
    return {
      ...r,
      cx: centre.x,
      cy: centre.y,
      width: r.width * length,
      height: (r.height * Math.abs(sx * sy)) / length,
      angle: (Math.atan2(axisY, axisX) * 180) / Math.PI,
    };
  });
}

/**
 * Turns by `angle` degrees clockwise (on screen) about `origin`. A box cannot turn and stay a box, so it
 * becomes the bounds of the turned rectangle, which is exact at multiples of 90° (rotating the image);
 * convert it to a rotated box first to keep its shape at other angles.
 */
export function rotateGeometry<G extends Geometry>(g: G, angle: number, origin: Xy): GeometryOf<G['kind']> {
  const radians = (angle * Math.PI) / 180;
  // Snap the quarter turns, so rotating an image 90° maps integer pixels to integer pixels.
  const quarter = Number.isInteger(angle / 90) ? (((angle / 90) % 4) + 4) % 4 : -1;
  const cos = quarter === -1 ? Math.cos(radians) : quarter === 0 ? 1 : quarter === 2 ? -1 : 0;
  const sin = quarter === -1 ? Math.sin(radians) : quarter === 1 ? 1 : quarter === 3 ? -1 : 0;
  const turn = (p: Xy): Xy => {
    const dx = p.x - origin.x;
    const dy = p.y - origin.y;
    return { x: origin.x + dx * cos - dy * sin, y: origin.y + dx * sin + dy * cos };
  };
  const turnBox = <R extends Omit<BoxGeometry, 'kind'>>(box: R): R => {
    const b = pointsBounds(
      [
        { x: box.x, y: box.y },
        { x: box.x + box.width, y: box.y },
        { x: box.x + box.width, y: box.y + box.height },
        { x: box.x, y: box.y + box.height },
      ].map(turn),
    );
    return { ...box, x: b.minX, y: b.minY, width: b.maxX - b.minX, height: b.maxY - b.minY };
  };
  return mapGeometry(g, turn, turnBox, (r) => {
    const centre = turn({ x: r.cx, y: r.cy });
    return { ...r, cx: centre.x, cy: centre.y, angle: normalizeAngle(r.angle + angle) };
  });
}

/** An angle in degrees in (−180, 180]. */
export function normalizeAngle(angle: number): number {
  const a = angle % 360;
  return a > 180 ? a - 360 : a <= -180 ? a + 360 : a;
}

function mapGeometry<G extends Geometry>(
  g: G,
  point: (p: Xy) => Xy,
  box: <R extends Omit<BoxGeometry, 'kind'>>(r: R) => R,
  rotated: (r: RotatedBoxGeometry) => RotatedBoxGeometry,
): GeometryOf<G['kind']> {
  const geometry = g as Geometry;
  let out: Geometry;
  switch (geometry.kind) {
    case 'box':
      out = box(geometry);
      break;
    case 'rotated-box':
      out = rotated(geometry);
      break;
    case 'polygon':
    case 'polyline':
      out = { ...geometry, points: geometry.points.map(point) };
      break;
    case 'point':
      out = { ...geometry, ...point(geometry) };
      break;
    case 'keypoints':
      out = {
        ...geometry,
        points: mapKeypoints(geometry.points, point),
        ...(geometry.box ? { box: box(geometry.box) } : {}),
      };
      break;
  }
  return out as GeometryOf<G['kind']>;
}

// ---------------------------------------------------------------------------------------------------------
// Boxes

/** The box spanned by two corners, whichever way the pointer was dragged. */
export function boxFromCorners(a: ImagePoint, b: ImagePoint): BoxGeometry {
  return {
    kind: 'box',
    x: Math.min(a.x, b.x),
    y: Math.min(a.y, b.y),
    width: Math.abs(b.x - a.x),
    height: Math.abs(b.y - a.y),
  };
}

/**
 * Moves each edge that lies within `tolerance` image pixels of the image border (inside or outside) onto
 * it, leaving the other edges where they are. Convert a screen tolerance with screenLengthToImage.
 */
export function snapBoxToImage(box: BoxGeometry, size: ImageSize, tolerance: number): BoxGeometry {
  let { minX, minY, maxX, maxY } = rectBounds(box);
  if (Math.abs(minX) <= tolerance) minX = 0;
  if (Math.abs(minY) <= tolerance) minY = 0;
  if (Math.abs(maxX - size.width) <= tolerance) maxX = size.width;
  if (Math.abs(maxY - size.height) <= tolerance) maxY = size.height;
  return { kind: 'box', x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** The part of the box inside the image, or undefined when none of its area is. */
export function clipBoxToImage(box: BoxGeometry, size: ImageSize): BoxGeometry | undefined {
  const b = rectBounds(box);
  const minX = Math.max(0, b.minX);
  const minY = Math.max(0, b.minY);
  const maxX = Math.min(size.width, b.maxX);
  const maxY = Math.min(size.height, b.maxY);
  if (!(maxX > minX && maxY > minY)) return undefined;
  return { kind: 'box', x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

// ---------------------------------------------------------------------------------------------------------
// Overlap

type Rect = Omit<BoxGeometry, 'kind'>;

/**
 * Intersection over union of two axis-aligned boxes, with continuous sizes (w·h, no "+1" pixel as old
 * PASCAL VOC code had), as pycocotools does for bbox IoU (maskApi.c bbIou); 0 when both are empty.
 */
export function boxIoU(a: Rect, b: Rect): number {
  const ra = rectBounds(a);
  const rb = rectBounds(b);
  const w = Math.min(ra.maxX, rb.maxX) - Math.max(ra.minX, rb.minX);
  const h = Math.min(ra.maxY, rb.maxY) - Math.max(ra.minY, rb.minY);
  const intersection = w > 0 && h > 0 ? w * h : 0;
  const union = Math.abs(a.width * a.height) + Math.abs(b.width * b.height) - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Exact geometric IoU of two area geometries (box, rotated box, simple polygon), as rotated-box (DOTA)
 * evaluation needs. COCO's segm IoU differs on purpose: pycocotools rasterises polygons to RLE masks
 * (maskApi.c rleFrPoly) and counts pixels (rleIou), so small or thin shapes score lower or higher there
 * by up to a boundary pixel's worth of area.
 */
export function geometryIoU(a: AreaGeometry, b: AreaGeometry): number {
  if (a.kind === 'box' && b.kind === 'box') return boxIoU(a, b);
  return polygonIoU(toPolygon(a), toPolygon(b));
}
