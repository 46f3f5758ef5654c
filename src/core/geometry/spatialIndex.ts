/** A static packed R-tree over annotation bounds, and the hit-testing and rubber-band selection the canvas runs on it. */

/*
 * The layout follows flatbush (github.com/mourner/flatbush): items sorted along a Hilbert curve by the
 * centre of their bounds, packed `nodeSize` to a node, each level of parents stored after the one below
 * in flat typed arrays. It is immutable and cheap to build (a few ms for 10k items), so it is rebuilt
 * whenever an image's annotations change, the same moment the static layer is redrawn. Being plain
 * typed arrays, it can be built in a worker and transferred.
 */

import type { Geometry } from '../annotations/types';
import { geometryInsideRect, geometryIntersectsRect, hitsGeometry } from './hits';
import { geometryBounds, type Bounds } from './shapes';
import type { ImagePoint } from './spaces';

export interface SpatialIndex {
  /** How many items were indexed; item ids are their positions in the input, 0 … count − 1. */
  readonly count: number;
  readonly nodeSize: number;
  /** minX, minY, maxX, maxY per node: the items in Hilbert order, then each level of parents, root last. */
  readonly boxes: Float64Array;
  /** Per node: for an item, its position in the input; for a parent, the node number of its first child. */
  readonly indices: Uint32Array;
  /** Node number one past the end of each level, items first, the root's level last. */
  readonly levelEnds: readonly number[];
}

const HILBERT_SIDE = 1 << 16;

/**
 * Distance along a Hilbert curve through a 2¹⁶ × 2¹⁶ grid, so items near each other on the image end up
 * in the same nodes. The branch-free form of the textbook xy2d (the tests check they agree) by
 * rawrunprotected (github.com/rawrunprotected/hilbert_curves, public domain), as flatbush uses it.
 */
export function hilbertIndex(x: number, y: number): number {
  let a = x ^ y;
  let b = 0xffff ^ a;
  let c = 0xffff ^ (x | y);
  let d = x & (y ^ 0xffff);
  let A = a | (b >> 1);
  let B = (a >> 1) ^ a;
  let C = (c >> 1) ^ (b & (d >> 1)) ^ c;
  let D = (a & (c >> 1)) ^ (d >> 1) ^ d;

  a = A;
  b = B;
  c = C;
  d = D;
  A = (a & (a >> 2)) ^ (b & (b >> 2));
  B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
  C ^= (a & (c >> 2)) ^ (b & (d >> 2));
  D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));

  a = A;
  b = B;
  c = C;
  d = D;
  A = (a & (a >> 4)) ^ (b & (b >> 4));
  B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
  C ^= (a & (c >> 4)) ^ (b & (d >> 4));
  D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));

  a = A;
  b = B;
  c = C;
  d = D;
  C ^= (a & (c >> 8)) ^ (b & (d >> 8));
  D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));

  a = C ^ (C >> 1);
  b = D ^ (D >> 1);
  let i0 = x ^ y;
  let i1 = b | (0xffff ^ (i0 | a));
  i0 = interleave(i0);
  i1 = interleave(i1);
  return ((i1 << 1) | i0) >>> 0;
}

/** Spreads the low 16 bits of v to the even bits. */
function interleave(v: number): number {
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  return (v | (v << 1)) & 0x55555555;
}

/** Indexes the bounds of items in z-order (item i is drawn over items before it). Empty bounds are never found. */
export function buildSpatialIndex(bounds: readonly Bounds[], nodeSize = 16): SpatialIndex {
  if (!Number.isInteger(nodeSize) || nodeSize < 2) throw new RangeError(`nodeSize must be an integer ≥ 2`);
  const count = bounds.length;
  const levelEnds = [count];
  let levelSize = count;
  let total = count;
  while (levelSize > 1 || (levelSize === 1 && levelEnds.length === 1)) {
    levelSize = Math.ceil(levelSize / nodeSize);
    total += levelSize;
    levelEnds.push(total);
  }
  const boxes = new Float64Array(total * 4);
  const indices = new Uint32Array(total);
  if (count === 0) return { count, nodeSize, boxes, indices, levelEnds };

  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const b of bounds) {
    if (b.minX < minX) minX = b.minX;
    if (b.minY < minY) minY = b.minY;
    if (b.maxX > maxX) maxX = b.maxX;
    if (b.maxY > maxY) maxY = b.maxY;
  }
  const toGridX = maxX > minX ? (HILBERT_SIDE - 1) / (maxX - minX) : 0;
  const toGridY = maxY > minY ? (HILBERT_SIDE - 1) / (maxY - minY) : 0;
  const hilbert = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const b = bounds[i] as Bounds;
    // `| 0` turns the NaN centre of empty or invalid bounds into 0: their position in the order is moot.
    const x = (((b.minX + b.maxX) / 2 - minX) * toGridX) | 0;
    const y = (((b.minY + b.maxY) / 2 - minY) * toGridY) | 0;
    hilbert[i] = hilbertIndex(x, y);
  }
  const order = sortedByKey(hilbert);

  for (let node = 0; node < count; node++) {
    const item = order[node] as number;
    const b = bounds[item] as Bounds;
    // Empty (or NaN) bounds are stored as NaN, which fails every comparison in search and in the unions.
    const empty = !(b.minX <= b.maxX && b.minY <= b.maxY);
    boxes[node * 4] = empty ? NaN : b.minX;
    boxes[node * 4 + 1] = empty ? NaN : b.minY;
    boxes[node * 4 + 2] = empty ? NaN : b.maxX;
    boxes[node * 4 + 3] = empty ? NaN : b.maxY;
    indices[node] = item;
  }
  let childStart = 0;
  for (let level = 1; level < levelEnds.length; level++) {
    const childEnd = levelEnds[level - 1] as number;
    const levelEnd = levelEnds[level] as number;
    for (let parent = childEnd, first = childStart; parent < levelEnd; parent++, first += nodeSize) {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (let child = first; child < Math.min(first + nodeSize, childEnd); child++) {
        const at = child * 4;
        // Comparisons, not Math.min, so NaN children are skipped rather than spread.
        if ((boxes[at] as number) < x0) x0 = boxes[at] as number;
        if ((boxes[at + 1] as number) < y0) y0 = boxes[at + 1] as number;
        if ((boxes[at + 2] as number) > x1) x1 = boxes[at + 2] as number;
        if ((boxes[at + 3] as number) > y1) y1 = boxes[at + 3] as number;
      }
      boxes[parent * 4] = x0;
      boxes[parent * 4 + 1] = y0;
      boxes[parent * 4 + 2] = x1;
      boxes[parent * 4 + 3] = y1;
      indices[parent] = first;
    }
    childStart = childEnd;
  }
  return { count, nodeSize, boxes, indices, levelEnds };
}

/** Positions 0 … n − 1 ordered by key (ties by position), without a comparator call per pair where possible. */
function sortedByKey(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  // Hilbert keys are < 2³², so key·2²¹ + position is exact below 2⁵³ and a plain numeric sort does it.
  if (n <= 1 << 21) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (keys[i] as number) * (1 << 21) + i;
    packed.sort();
    for (let i = 0; i < n; i++) order[i] = (packed[i] as number) % (1 << 21);
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || a - b);
}

/** Ids of the items whose bounds touch `rect` (edges included), ascending: bottom-most first. */
export function search(index: SpatialIndex, rect: Bounds): number[] {
  const results: number[] = [];
  if (index.count === 0) return results;
  const { boxes, indices, levelEnds, nodeSize, count } = index;
  const pending: number[] = [];
  // A group is a run of up to nodeSize siblings; the root is a group of one.
  let group: number | undefined = (levelEnds[levelEnds.length - 1] as number) - 1;
  while (group !== undefined) {
    let levelEnd = count;
    for (const end of levelEnds) {
      if (end > group) {
        levelEnd = end;
        break;
      }
    }
    const end = Math.min(group + nodeSize, levelEnd);
    for (let node = group; node < end; node++) {
      const at = node * 4;
      // Written as "overlaps" so that NaN (empty) boxes and parents of only empty items never match.
      if (!(
        (boxes[at] as number) <= rect.maxX &&
        (boxes[at + 1] as number) <= rect.maxY &&
        rect.minX <= (boxes[at + 2] as number) &&
        rect.minY <= (boxes[at + 3] as number) &&
        (boxes[at] as number) <= (boxes[at + 2] as number)
      )) {
        continue;
      }
      if (node < count) results.push(indices[node] as number);
      else pending.push(indices[node] as number);
    }
    group = pending.pop();
  }
  return results.sort((a, b) => a - b);
}

/** Indexes geometries by their bounds (geometryBounds); ids are positions in the array. */
export const indexGeometries = (geometries: readonly Geometry[], nodeSize?: number): SpatialIndex =>
  buildSpatialIndex(geometries.map(geometryBounds), nodeSize);

function assertMatches(index: SpatialIndex, geometries: readonly Geometry[]): void {
  if (index.count !== geometries.length) {
    throw new RangeError(`index holds ${index.count} items but ${geometries.length} geometries were given`);
  }
}

/**
 * The topmost geometry (highest id: later is drawn on top) whose shape is under `point`, or undefined.
 * `tolerancePx` is in screen pixels and `scale` the viewport's, so the grab distance feels the same at
 * every zoom. `include` skips ids that cannot be picked (hidden classes, locked annotations).
 */
export function hitTest(
  index: SpatialIndex,
  geometries: readonly Geometry[],
  point: ImagePoint,
  tolerancePx: number,
  scale: number,
  include?: (id: number) => boolean,
): number | undefined {
  assertMatches(index, geometries);
  const tolerance = tolerancePx / scale;
  const candidates = search(index, {
    minX: point.x - tolerance,
    minY: point.y - tolerance,
    maxX: point.x + tolerance,
    maxY: point.y + tolerance,
  });
  for (let i = candidates.length - 1; i >= 0; i--) {
    const id = candidates[i] as number;
    if (include && !include(id)) continue;
    if (hitsGeometry(geometries[id] as Geometry, point, tolerance)) return id;
  }
  return undefined;
}

/**
 * What a rubber band (in image pixels, see boundsOfCorners) selects, ascending: geometries wholly inside
 * it, or every geometry whose shape it touches.
 */
export function rubberBand(
  index: SpatialIndex,
  geometries: readonly Geometry[],
  rect: Bounds,
  mode: 'contained' | 'intersecting',
): number[] {
  assertMatches(index, geometries);
  const test = mode === 'contained' ? geometryInsideRect : geometryIntersectsRect;
  return search(index, rect).filter((id) => test(geometries[id] as Geometry, rect));
}
