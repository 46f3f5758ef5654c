import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import { geometryInsideRect, geometryIntersectsRect, hitsGeometry } from './hits';
import { boundsIntersect, EMPTY_BOUNDS, geometryBounds, type Bounds } from './shapes';
import { imagePoint, imageToScreen, screenLengthToImage, screenPoint, screenToImage } from './spaces';
import {
  buildSpatialIndex,
  hilbertIndex,
  hitTest,
  indexGeometries,
  rubberBand,
  search,
} from './spatialIndex';

const box = (x: number, y: number, width: number, height: number): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});

/** Image coordinates to a thousandth of a pixel: finer than any label, without the subnormal doubles
 * (1e-300) whose rounding no pixel coordinate ever meets. */
const coordinate = fc.integer({ min: 0, max: 1_000_000 }).map((v) => v / 1000);
const extent = fc.integer({ min: 0, max: 200_000 }).map((v) => v / 1000);

const rects = fc
  .tuple(coordinate, coordinate, extent, extent)
  .map(([x, y, w, h]): Bounds => ({ minX: x, minY: y, maxX: x + w, maxY: y + h }));

/** Mostly real bounds, with some empty ones (a polygon with no points) mixed in. */
const itemBounds = fc.oneof(
  { arbitrary: rects, weight: 9 },
  { arbitrary: fc.constant(EMPTY_BOUNDS), weight: 1 },
);

const points = fc.tuple(coordinate, coordinate).map(([x, y]) => ({ x, y }));

const geometries: fc.Arbitrary<Geometry> = fc.oneof(
  fc.tuple(coordinate, coordinate, extent, extent).map(([x, y, w, h]) => box(x, y, w, h)),
  fc
    .tuple(coordinate, coordinate, extent, extent, fc.double({ min: -180, max: 180, noNaN: true }))
    .map(([cx, cy, width, height, angle]): Geometry => ({
      kind: 'rotated-box',
      cx,
      cy,
      width,
      height,
      angle,
    })),
  fc.array(points, { minLength: 3, maxLength: 8 }).map((p): Geometry => ({ kind: 'polygon', points: p })),
  fc.array(points, { minLength: 1, maxLength: 5 }).map((p): Geometry => ({ kind: 'polyline', points: p })),
  points.map(({ x, y }): Geometry => ({ kind: 'point', x, y })),
  fc
    .array(fc.tuple(points, fc.constantFrom(0 as const, 1 as const, 2 as const)), {
      minLength: 1,
      maxLength: 5,
    })
    .map((kps): Geometry => ({
      kind: 'keypoints',
      points: kps.map(([p, visibility]) => ({ ...p, visibility })),
    })),
);

const bruteSearch = (bounds: readonly Bounds[], rect: Bounds): number[] =>
  bounds.flatMap((b, i) => (boundsIntersect(b, rect) ? [i] : []));

const bruteHit = (all: readonly Geometry[], p: { x: number; y: number }, tolerance: number) => {
  for (let i = all.length - 1; i >= 0; i--) if (hitsGeometry(all[i] as Geometry, p, tolerance)) return i;
  return undefined;
};

/** The textbook Hilbert xy2d (Wikipedia, "Hilbert curve"), one bit pair per step, as an oracle. */
function xy2d(x: number, y: number): number {
  const side = 1 << 16;
  let d = 0;
  for (let s = side / 2; s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0;
    const ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) {
        x = side - 1 - x;
        y = side - 1 - y;
      }
      [x, y] = [y, x];
    }
  }
  return d;
}

describe('hilbertIndex', () => {
  it('equals the textbook xy2d over the whole 16-bit grid', () => {
    const cell = fc.integer({ min: 0, max: 0xffff });
    fc.assert(
      fc.property(cell, cell, (x, y) => {
        expect(hilbertIndex(x, y)).toBe(xy2d(x, y));
      }),
      { numRuns: 2000 },
    );
    expect(hilbertIndex(0xffff, 0)).toBe(xy2d(0xffff, 0));
    expect(hilbertIndex(0xffff, 0xffff)).toBe(xy2d(0xffff, 0xffff));
  });

  it('fills the 4 × 4 corner block first, one neighbouring cell after another', () => {
    const cells: [number, number][] = [];
    for (let x = 0; x < 4; x++) for (let y = 0; y < 4; y++) cells.push([x, y]);
    const order = cells.map(([x, y]) => ({ x, y, d: hilbertIndex(x, y) })).sort((a, b) => a.d - b.d);
    expect(order.map((c) => c.d)).toEqual([...Array(16).keys()]);
    for (let i = 1; i < order.length; i++) {
      const a = order[i - 1] as { x: number; y: number };
      const b = order[i] as { x: number; y: number };
      expect(Math.abs(a.x - b.x) + Math.abs(a.y - b.y)).toBe(1);
    }
  });
});

describe('search', () => {
  it('finds the same items as checking every bounds, for any data and node size', () => {
    fc.assert(
      fc.property(
        fc.array(itemBounds, { maxLength: 300 }),
        fc.array(rects, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 2, max: 20 }),
        (bounds, queries, nodeSize) => {
          const index = buildSpatialIndex(bounds, nodeSize);
          for (const q of queries) expect(search(index, q)).toEqual(bruteSearch(bounds, q));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('includes items that only touch the query rectangle', () => {
    const index = buildSpatialIndex([{ minX: 0, minY: 0, maxX: 10, maxY: 10 }]);
    expect(search(index, { minX: 10, minY: 10, maxX: 20, maxY: 20 })).toEqual([0]);
    expect(search(index, { minX: 10.001, minY: 10, maxX: 20, maxY: 20 })).toEqual([]);
  });

  it('works with no items, one item, and identical items', () => {
    expect(search(buildSpatialIndex([]), { minX: -1e9, minY: -1e9, maxX: 1e9, maxY: 1e9 })).toEqual([]);
    const one = { minX: 5, minY: 5, maxX: 5, maxY: 5 };
    expect(search(buildSpatialIndex([one]), one)).toEqual([0]);
    const many = Array.from({ length: 1000 }, () => one);
    expect(search(buildSpatialIndex(many), one)).toHaveLength(1000);
  });

  it('never finds an item with empty bounds', () => {
    const index = buildSpatialIndex([EMPTY_BOUNDS, EMPTY_BOUNDS]);
    expect(search(index, { minX: -Infinity, minY: -Infinity, maxX: Infinity, maxY: Infinity })).toEqual([]);
  });

  it('rejects node sizes that cannot form a tree', () => {
    expect(() => buildSpatialIndex([], 1)).toThrow(RangeError);
  });
});

describe('hitTest', () => {
  // Three boxes stacked at the same place, drawn in order: id 2 is on top.
  const stack = [box(0, 0, 100, 100), box(20, 20, 60, 60), box(40, 40, 20, 20)];
  const stackIndex = indexGeometries(stack);

  it('picks the topmost geometry under the point', () => {
    expect(hitTest(stackIndex, stack, imagePoint(50, 50), 0, 1)).toBe(2);
    expect(hitTest(stackIndex, stack, imagePoint(25, 25), 0, 1)).toBe(1);
    expect(hitTest(stackIndex, stack, imagePoint(5, 5), 0, 1)).toBe(0);
    expect(hitTest(stackIndex, stack, imagePoint(150, 150), 0, 1)).toBeUndefined();
  });

  it('skips what cannot be picked, falling through to what is below', () => {
    expect(hitTest(stackIndex, stack, imagePoint(50, 50), 0, 1, (id) => id !== 2)).toBe(1);
  });

  it('tests the real shape: a point in a concave notch falls through to the box below', () => {
    const all: Geometry[] = [
      box(0, 0, 100, 100),
      {
        kind: 'polygon',
        points: [
          { x: 0, y: 0 },
          { x: 100, y: 0 },
          { x: 100, y: 10 },
          { x: 10, y: 10 },
          { x: 10, y: 100 },
          { x: 0, y: 100 },
        ],
      },
    ];
    const index = indexGeometries(all);
    expect(hitTest(index, all, imagePoint(5, 50), 0, 1)).toBe(1);
    expect(hitTest(index, all, imagePoint(50, 50), 0, 1)).toBe(0);
  });

  it('keeps the grab distance constant in screen pixels at every zoom', () => {
    const line: Geometry[] = [
      {
        kind: 'polyline',
        points: [
          { x: 0, y: 0 },
          { x: 100, y: 0 },
        ],
      },
    ];
    const index = indexGeometries(line);
    // 3 image pixels below the line: 1.5 screen px at ½×, 3 at 1×, 12 at 4×. Tolerance is 5 screen px.
    const p = imagePoint(50, 3);
    expect(hitTest(index, line, p, 5, 0.5)).toBe(0);
    expect(hitTest(index, line, p, 5, 1)).toBe(0);
    expect(hitTest(index, line, p, 5, 4)).toBeUndefined();
    // The same screen offset from the line hits at any zoom.
    for (const scale of [0.05, 0.5, 1, 8, 64]) {
      const viewport = { scale, x: 13, y: -7 };
      const onLine = imageToScreen(imagePoint(50, 0), viewport);
      const pointer = screenToImage(screenPoint(onLine.x, onLine.y + 4.9), viewport);
      expect(hitTest(index, line, pointer, 5, scale)).toBe(0);
      const further = screenToImage(screenPoint(onLine.x, onLine.y + 5.1), viewport);
      expect(hitTest(index, line, further, 5, scale)).toBeUndefined();
    }
  });

  it('agrees with testing every geometry from the top down', () => {
    fc.assert(
      fc.property(
        fc.array(geometries, { maxLength: 120 }),
        fc.array(points, { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        (all, queries, tolerancePx, scale) => {
          const index = indexGeometries(all, 4);
          for (const q of queries) {
            const p = imagePoint(q.x, q.y);
            expect(hitTest(index, all, p, tolerancePx, scale)).toBe(
              bruteHit(all, p, screenLengthToImage(tolerancePx, { scale })),
            );
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses an index built for other geometries', () => {
    expect(() => hitTest(stackIndex, stack.slice(1), imagePoint(0, 0), 0, 1)).toThrow(RangeError);
  });
});

describe('rubberBand', () => {
  const all: Geometry[] = [
    box(10, 10, 20, 20),
    box(25, 25, 50, 50),
    {
      kind: 'polyline',
      points: [
        { x: 0, y: 100 },
        { x: 100, y: 0 },
      ],
    },
    { kind: 'point', x: 200, y: 200 },
  ];
  const index = indexGeometries(all);

  it('selects only wholly enclosed shapes in contained mode', () => {
    expect(rubberBand(index, all, { minX: 0, minY: 0, maxX: 40, maxY: 40 }, 'contained')).toEqual([0]);
    expect(rubberBand(index, all, { minX: 0, minY: 0, maxX: 300, maxY: 300 }, 'contained')).toEqual([
      0, 1, 2, 3,
    ]);
  });

  it('selects every shape it touches in intersecting mode, judged by the drawn shape', () => {
    expect(rubberBand(index, all, { minX: 0, minY: 0, maxX: 40, maxY: 40 }, 'intersecting')).toEqual([0, 1]);
    // Inside the polyline's bounds, past its diagonal.
    expect(rubberBand(index, all, { minX: 80, minY: 80, maxX: 90, maxY: 90 }, 'intersecting')).toEqual([]);
    expect(rubberBand(index, all, { minX: 45, minY: 45, maxX: 55, maxY: 55 }, 'intersecting')).toEqual([
      1, 2,
    ]);
  });

  it('agrees with testing every geometry', () => {
    fc.assert(
      fc.property(fc.array(geometries, { maxLength: 80 }), rects, (shapes, rect) => {
        const idx = indexGeometries(shapes, 4);
        const ids = shapes.map((_, i) => i);
        expect(rubberBand(idx, shapes, rect, 'contained')).toEqual(
          ids.filter((i) => geometryInsideRect(shapes[i] as Geometry, rect)),
        );
        expect(rubberBand(idx, shapes, rect, 'intersecting')).toEqual(
          ids.filter((i) => geometryIntersectsRect(shapes[i] as Geometry, rect)),
        );
        // Nothing wholly inside is missed by the intersecting mode.
        const inside = rubberBand(idx, shapes, rect, 'contained');
        const touching = new Set(rubberBand(idx, shapes, rect, 'intersecting'));
        expect(
          inside.every((i) => touching.has(i) || geometryBounds(shapes[i] as Geometry).minX === Infinity),
        ).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
