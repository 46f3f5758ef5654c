import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../annotations/types';
import {
  boxFromCorners,
  boxIoU,
  clipBoxToImage,
  EMPTY_BOUNDS,
  geometryArea,
  geometryBounds,
  geometryIoU,
  isEmptyBounds,
  normalizeAngle,
  polygonIoU,
  rotatedBoxCorners,
  rotateGeometry,
  scaleGeometry,
  snapBoxToImage,
  toPolygon,
  translateGeometry,
  type BoxGeometry,
  type Bounds,
  type RotatedBoxGeometry,
  unionBounds,
} from './shapes';
import { imagePoint } from './spaces';

const box = (x: number, y: number, width: number, height: number): BoxGeometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});
const rotated = (
  cx: number,
  cy: number,
  width: number,
  height: number,
  angle: number,
): RotatedBoxGeometry => ({
  kind: 'rotated-box',
  cx,
  cy,
  width,
  height,
  angle,
});

const expectPointsClose = (actual: readonly { x: number; y: number }[], expected: [number, number][]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((p, i) => {
    expect(p.x).toBeCloseTo((expected[i] as [number, number])[0], 9);
    expect(p.y).toBeCloseTo((expected[i] as [number, number])[1], 9);
  });
};

const expectBoundsClose = (actual: Bounds, expected: Bounds) => {
  expect(actual.minX).toBeCloseTo(expected.minX, 9);
  expect(actual.minY).toBeCloseTo(expected.minY, 9);
  expect(actual.maxX).toBeCloseTo(expected.maxX, 9);
  expect(actual.maxY).toBeCloseTo(expected.maxY, 9);
};

describe('rotated box corners', () => {
  it('lists top-left, top-right, bottom-right, bottom-left when unrotated', () => {
    expectPointsClose(rotatedBoxCorners(rotated(10, 20, 4, 2, 0)), [
      [8, 19],
      [12, 19],
      [12, 21],
      [8, 21],
    ]);
  });

  it('turns clockwise on screen: at 90° the top-left corner is at the top right', () => {
    expectPointsClose(rotatedBoxCorners(rotated(0, 0, 4, 2, 90)), [
      [1, -2],
      [1, 2],
      [-1, 2],
      [-1, -2],
    ]);
  });
});

describe('bounds', () => {
  it('covers every geometry kind', () => {
    expect(geometryBounds(box(10, 20, 30, 40))).toEqual({ minX: 10, minY: 20, maxX: 40, maxY: 60 });
    expect(geometryBounds(box(10, 20, -5, -5))).toEqual({ minX: 5, minY: 15, maxX: 10, maxY: 20 });
    expectBoundsClose(geometryBounds(rotated(0, 0, 2, 2, 45)), {
      minX: -Math.SQRT2,
      minY: -Math.SQRT2,
      maxX: Math.SQRT2,
      maxY: Math.SQRT2,
    });
    expectBoundsClose(geometryBounds(rotated(100, 50, 40, 10, 90)), {
      minX: 95,
      minY: 30,
      maxX: 105,
      maxY: 70,
    });
    const path = [
      { x: 3, y: 9 },
      { x: -1, y: 4 },
      { x: 7, y: 2 },
    ];
    expect(geometryBounds({ kind: 'polygon', points: path })).toEqual({
      minX: -1,
      minY: 2,
      maxX: 7,
      maxY: 9,
    });
    expect(geometryBounds({ kind: 'polyline', points: path })).toEqual({
      minX: -1,
      minY: 2,
      maxX: 7,
      maxY: 9,
    });
    expect(geometryBounds({ kind: 'point', x: 5, y: 6 })).toEqual({ minX: 5, minY: 6, maxX: 5, maxY: 6 });
  });

  it('counts labeled keypoints and the instance box, not absent keypoints at 0,0', () => {
    const g: Geometry = {
      kind: 'keypoints',
      points: [
        { x: 0, y: 0, visibility: 0 },
        { x: 50, y: 60, visibility: 2 },
        { x: 70, y: 40, visibility: 1 },
      ],
    };
    expect(geometryBounds(g)).toEqual({ minX: 50, minY: 40, maxX: 70, maxY: 60 });
    expect(geometryBounds({ ...g, box: { x: 45, y: 45, width: 10, height: 30 } })).toEqual({
      minX: 45,
      minY: 40,
      maxX: 70,
      maxY: 75,
    });
  });

  it('is empty for geometries with no position', () => {
    expect(geometryBounds({ kind: 'polygon', points: [] })).toEqual(EMPTY_BOUNDS);
    expect(
      isEmptyBounds(geometryBounds({ kind: 'keypoints', points: [{ x: 0, y: 0, visibility: 0 }] })),
    ).toBe(true);
    expect(isEmptyBounds(geometryBounds({ kind: 'point', x: 1, y: 1 }))).toBe(false);
  });
});

describe('area', () => {
  it('measures boxes by size and polygons by shoelace; lines and points have none', () => {
    expect(geometryArea(box(0, 0, 30, 40))).toBe(1200);
    expect(geometryArea(rotated(5, 5, 30, 40, 33))).toBe(1200);
    expect(
      geometryArea({
        kind: 'polygon',
        points: [
          { x: 0, y: 0 },
          { x: 4, y: 0 },
          { x: 4, y: 1 },
          { x: 1, y: 1 },
          { x: 1, y: 4 },
          { x: 0, y: 4 },
        ],
      }),
    ).toBe(7);
    expect(
      geometryArea({
        kind: 'polyline',
        points: [
          { x: 0, y: 0 },
          { x: 4, y: 0 },
          { x: 4, y: 4 },
        ],
      }),
    ).toBe(0);
    expect(geometryArea({ kind: 'point', x: 1, y: 1 })).toBe(0);
  });

  it('of a rotated box equals the area of its corner polygon', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.double({ min: -720, max: 720, noNaN: true }),
        (w, h, angle) => {
          const g = rotated(100, 100, w, h, angle);
          expect(geometryArea({ kind: 'polygon', points: toPolygon(g) })).toBeCloseTo(w * h, 6);
        },
      ),
    );
  });
});

describe('transforms', () => {
  it('translate every kind and keep it the same kind', () => {
    expect(translateGeometry(box(1, 2, 3, 4), 10, 20)).toEqual(box(11, 22, 3, 4));
    expect(translateGeometry(rotated(1, 2, 3, 4, 30), 10, 20)).toEqual(rotated(11, 22, 3, 4, 30));
    expect(translateGeometry({ kind: 'point', x: 1, y: 2 }, -1, -2)).toEqual({ kind: 'point', x: 0, y: 0 });
    expect(
      translateGeometry(
        {
          kind: 'keypoints',
          points: [
            { x: 0, y: 0, visibility: 0 },
            { x: 5, y: 5, visibility: 2 },
          ],
          box: { x: 0, y: 0, width: 10, height: 10 },
        },
        1,
        1,
      ),
    ).toEqual({
      kind: 'keypoints',
      // The absent keypoint stays the 0,0 placeholder.
      points: [
        { x: 0, y: 0, visibility: 0 },
        { x: 6, y: 6, visibility: 2 },
      ],
      box: { x: 1, y: 1, width: 10, height: 10 },
    });
  });

  it('scale about an origin, turning a mirrored box back into a positive one', () => {
    expect(scaleGeometry(box(10, 10, 20, 10), 2, 3, { x: 10, y: 10 })).toEqual(box(10, 10, 40, 30));
    expect(scaleGeometry(box(10, 10, 20, 10), -1, 1)).toEqual(box(-30, 10, 20, 10));
    expect(
      scaleGeometry(
        {
          kind: 'polygon',
          points: [
            { x: 1, y: 1 },
            { x: 2, y: 3 },
          ],
        },
        2,
        0.5,
      ),
    ).toEqual({
      kind: 'polygon',
      points: [
        { x: 2, y: 0.5 },
        { x: 4, y: 1.5 },
      ],
    });
  });

  it('scale a rotated box exactly when the factors are equal or it is axis-aligned', () => {
    expect(scaleGeometry(rotated(10, 10, 4, 2, 30), 2, 2)).toEqual(rotated(20, 20, 8, 4, 30));
    expect(scaleGeometry(rotated(10, 10, 4, 2, 30), -1, -1)).toEqual(rotated(-10, -10, 4, 2, -150));
    const upright = scaleGeometry(rotated(10, 10, 4, 2, 90), 2, 3);
    // Its width runs down the image, so the vertical factor stretches it.
    expect(upright.width).toBeCloseTo(12, 12);
    expect(upright.height).toBeCloseTo(4, 12);
    expect(upright.angle).toBeCloseTo(90, 12);
  });

  it('keep a rotated box’s centre, width axis and area under unequal factors', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (w, h, angle, sx, sy) => {
          const g = rotated(50, 60, w, h, angle);
          const scaled = scaleGeometry(g, sx, sy);
          expect(scaled.cx).toBeCloseTo(50 * sx, 6);
          expect(scaled.cy).toBeCloseTo(60 * sy, 6);
          expect(geometryArea(scaled) / (w * h * sx * sy)).toBeCloseTo(1, 9);
          // The midpoint of the right edge is where the width axis ends.
          const [, tr, br] = rotatedBoxCorners(g);
          const [, str, sbr] = rotatedBoxCorners(scaled);
          expect((str.x + sbr.x) / 2).toBeCloseTo(((tr.x + br.x) / 2) * sx, 6);
          expect((str.y + sbr.y) / 2).toBeCloseTo(((tr.y + br.y) / 2) * sy, 6);
        },
      ),
    );
  });

  it('rotate clockwise on screen about an origin', () => {
    const turned = rotateGeometry(
      {
        kind: 'polyline',
        points: [
          { x: 10, y: 0 },
          { x: 0, y: 10 },
        ],
      },
      90,
      { x: 0, y: 0 },
    );
    // Right of the origin goes below it; below goes left.
    expect(turned).toEqual({
      kind: 'polyline',
      points: [
        { x: 0, y: 10 },
        { x: -10, y: 0 },
      ],
    });
    expect(rotateGeometry(rotated(10, 0, 4, 2, 170), 30, { x: 0, y: 0 })).toMatchObject({ angle: -160 });
  });

  it('rotate a box by quarter turns exactly, as turning the image does', () => {
    // A 1920 × 1080 image turned 90° clockwise about its top-left corner then shifted back into view.
    const b = box(100, 200, 50, 30);
    const turned = translateGeometry(rotateGeometry(b, 90, { x: 0, y: 0 }), 1080, 0);
    expect(turned).toEqual(box(1080 - 230, 100, 30, 50));
    expect(rotateGeometry(b, -360, { x: 7, y: 9 })).toEqual(b);
    // Not a quarter turn: the bounds of the turned box.
    expectBoundsClose(geometryBounds(rotateGeometry(box(-1, -1, 2, 2), 45, { x: 0, y: 0 })), {
      minX: -Math.SQRT2,
      minY: -Math.SQRT2,
      maxX: Math.SQRT2,
      maxY: Math.SQRT2,
    });
  });

  it('rotate every point of a polygon by the same angle as a rotated box turns', () => {
    fc.assert(
      fc.property(fc.double({ min: -720, max: 720, noNaN: true }), (angle) => {
        const g = rotated(30, 40, 20, 10, 15);
        const origin = { x: 5, y: -3 };
        const viaBox = rotatedBoxCorners(rotateGeometry(g, angle, origin));
        const viaPolygon = rotateGeometry({ kind: 'polygon', points: toPolygon(g) }, angle, origin).points;
        expectPointsClose(
          viaBox,
          viaPolygon.map((p) => [p.x, p.y]),
        );
      }),
    );
  });

  it('normalize angles into (−180, 180]', () => {
    expect([0, 180, -180, 190, 540, -190, 720].map(normalizeAngle)).toEqual([0, 180, 180, -170, 180, 170, 0]);
  });
});

describe('boxes', () => {
  it('are spanned by two corners dragged in any direction', () => {
    const expected = box(10, 20, 30, 40);
    expect(boxFromCorners(imagePoint(10, 20), imagePoint(40, 60))).toEqual(expected);
    expect(boxFromCorners(imagePoint(40, 60), imagePoint(10, 20))).toEqual(expected);
    expect(boxFromCorners(imagePoint(40, 20), imagePoint(10, 60))).toEqual(expected);
    expect(boxFromCorners(imagePoint(10, 60), imagePoint(40, 20))).toEqual(expected);
  });

  it('snap the edges near the image border onto it, from inside or outside', () => {
    const size = { width: 640, height: 480 };
    expect(snapBoxToImage(box(3, -2, 634, 100), size, 4)).toEqual(box(0, 0, 640, 98));
    expect(snapBoxToImage(box(5, 100, 100, 377), size, 4)).toEqual(box(5, 100, 100, 380));
    expect(snapBoxToImage(box(5, 5, 10, 10), size, 4)).toEqual(box(5, 5, 10, 10));
  });

  it('clip to the image, or vanish when wholly outside', () => {
    const size = { width: 640, height: 480 };
    expect(clipBoxToImage(box(-10, -10, 30, 30), size)).toEqual(box(0, 0, 20, 20));
    expect(clipBoxToImage(box(600, 400, 100, 100), size)).toEqual(box(600, 400, 40, 80));
    expect(clipBoxToImage(box(10, 10, 5, 5), size)).toEqual(box(10, 10, 5, 5));
    expect(clipBoxToImage(box(700, 10, 5, 5), size)).toBeUndefined();
    expect(clipBoxToImage(box(640, 10, 5, 5), size)).toBeUndefined();
  });
});

describe('IoU', () => {
  it('of boxes matches hand-computed values', () => {
    expect(boxIoU(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(1 / 3, 12);
    expect(boxIoU(box(0, 0, 10, 10), box(5, 5, 10, 10))).toBeCloseTo(25 / 175, 12);
    expect(boxIoU(box(0, 0, 10, 10), box(2, 2, 5, 5))).toBeCloseTo(25 / 100, 12);
    expect(boxIoU(box(0, 0, 10, 10), box(10, 0, 10, 10))).toBe(0);
    expect(boxIoU(box(0, 0, 0, 0), box(0, 0, 0, 0))).toBe(0);
  });

  it('of boxes equals the polygon IoU of their outlines', () => {
    const boxes = fc
      .tuple(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.double({ min: 1, max: 100, noNaN: true }),
      )
      .map(([x, y, w, h]) => box(x, y, w, h));
    fc.assert(
      fc.property(boxes, boxes, (a, b) => {
        expect(polygonIoU(toPolygon(a), toPolygon(b))).toBeCloseTo(boxIoU(a, b), 9);
      }),
    );
  });

  it('of rotated boxes: a square against itself turned 45° is 1/√2, and a turned box against its box', () => {
    expect(geometryIoU(rotated(0, 0, 2, 2, 0), rotated(0, 0, 2, 2, 45))).toBeCloseTo(Math.SQRT1_2, 12);
    expect(geometryIoU(rotated(5, 5, 10, 4, 90), box(3, 0, 4, 10))).toBeCloseTo(1, 12);
    expect(geometryIoU(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(1 / 3, 12);
  });
});

describe('unionBounds', () => {
  it('holds both rectangles, and empty bounds add nothing', () => {
    const a = { minX: 0, minY: 5, maxX: 10, maxY: 8 };
    const b = { minX: -3, minY: 6, maxX: 4, maxY: 20 };
    expect(unionBounds(a, b)).toEqual({ minX: -3, minY: 5, maxX: 10, maxY: 20 });
    expect(unionBounds(EMPTY_BOUNDS, a)).toEqual(a);
  });
});
