import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../annotations/types';
import {
  rotatedBoxCorners,
  type BoxGeometry,
  type GeometryOf,
  type RotatedBoxGeometry,
} from '../../geometry/shapes';
import { imagePoint, type ImagePoint } from '../../geometry/spaces';
import {
  cycleKeypointVisibility,
  deleteVertex,
  dragHandle,
  handleAt,
  handlesOf,
  insertVertex,
  type HandleId,
} from './handles';

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
const p = imagePoint;
const image = { width: 100, height: 80 };
const big = { width: 1000, height: 1000 };
const free = { keepAspect: false, imageSize: image };
const square: GeometryOf<'polygon'> = {
  kind: 'polygon',
  points: [p(10, 10), p(50, 10), p(50, 50), p(10, 50)],
};

/** Drags the handle from where it is drawn by (dx, dy). */
function drag(g: Geometry, id: HandleId, dx: number, dy: number, options = free): Geometry {
  const handle = handlesOf(g, 1).find((h) => JSON.stringify(h.id) === JSON.stringify(id));
  if (!handle) throw new Error(`no handle ${JSON.stringify(id)}`);
  return dragHandle(g, id, handle.point, p(handle.point.x + dx, handle.point.y + dy), options);
}

function expectNear(actual: ImagePoint, expected: { x: number; y: number }) {
  expect(actual.x).toBeCloseTo(expected.x, 9);
  expect(actual.y).toBeCloseTo(expected.y, 9);
}

describe('handlesOf', () => {
  it('gives a box its 4 corners and 4 edge midpoints', () => {
    const handles = handlesOf(box(10, 20, 40, 30), 1);
    expect(handles.map((h) => [h.id, h.point.x, h.point.y])).toEqual([
      [{ kind: 'corner', corner: 'nw' }, 10, 20],
      [{ kind: 'corner', corner: 'ne' }, 50, 20],
      [{ kind: 'corner', corner: 'se' }, 50, 50],
      [{ kind: 'corner', corner: 'sw' }, 10, 50],
      [{ kind: 'edge', edge: 'n' }, 30, 20],
      [{ kind: 'edge', edge: 'e' }, 50, 35],
      [{ kind: 'edge', edge: 's' }, 30, 50],
      [{ kind: 'edge', edge: 'w' }, 10, 35],
    ]);
  });

  it('turns a rotated box’s handles with it and puts the rotation knob 24 screen px above its top edge', () => {
    // Turned 90° clockwise, the box's top edge faces +x.
    const handles = handlesOf(rotated(50, 40, 20, 10, 90), 2);
    const at = (kind: string) => handles.find((h) => JSON.stringify(h.id).includes(kind))?.point;
    expectNear(at('"nw"') as ImagePoint, { x: 55, y: 30 });
    expectNear(at('"n"') as ImagePoint, { x: 55, y: 40 });
    expectNear(at('rotate') as ImagePoint, { x: 55 + 12, y: 40 });
    expect(handles).toHaveLength(9);
  });

  it('gives paths their vertices, a point itself, and keypoints only their labeled points', () => {
    expect(handlesOf(square, 1).map((h) => h.id)).toEqual(
      [0, 1, 2, 3].map((index) => ({ kind: 'vertex', index })),
    );
    expect(handlesOf({ kind: 'point', x: 3, y: 4 }, 1)).toEqual([
      { id: { kind: 'vertex', index: 0 }, point: p(3, 4) },
    ]);
    const keypoints: Geometry = {
      kind: 'keypoints',
      points: [
        { ...p(1, 1), visibility: 2 },
        { ...p(0, 0), visibility: 0 },
        { ...p(3, 3), visibility: 1 },
      ],
    };
    expect(handlesOf(keypoints, 1).map((h) => h.id)).toEqual([
      { kind: 'vertex', index: 0 },
      { kind: 'vertex', index: 2 },
    ]);
  });
});

describe('handleAt', () => {
  const b = box(10, 20, 40, 30);

  it('finds corners within HANDLE_PX screen pixels, and edges anywhere along them', () => {
    expect(handleAt(b, p(14, 24), 1)).toEqual({ kind: 'corner', corner: 'nw' });
    expect(handleAt(b, p(40, 52), 1)).toEqual({ kind: 'edge', edge: 's' });
    expect(handleAt(b, p(30, 35), 1)).toBeUndefined();
  });

  it('measures the grab distance on screen, so zooming in narrows it in image pixels', () => {
    expect(handleAt(b, p(15, 20), 1)).toEqual({ kind: 'corner', corner: 'nw' });
    expect(handleAt(b, p(15, 20), 4)).toEqual({ kind: 'edge', edge: 'n' });
    expect(handleAt(b, p(15, 25), 4)).toBeUndefined();
  });

  it('prefers a vertex to an edge and picks the nearest vertex', () => {
    expect(handleAt(square, p(48, 12), 1)).toEqual({ kind: 'vertex', index: 1 });
    expect(handleAt(square, p(30, 10), 1)).toBeUndefined();
  });

  it('grabs a rotated box’s rotation knob', () => {
    expect(handleAt(rotated(50, 40, 20, 10, 0), p(50, 40 - 5 - 24), 1)).toEqual({ kind: 'rotate' });
  });
});

describe('dragHandle on a box', () => {
  const b = box(10, 20, 40, 30); // right 50, bottom 50, inside a 100 × 80 image

  it.each([
    [{ kind: 'corner', corner: 'nw' }, 5, 5, box(15, 25, 35, 25)],
    [{ kind: 'corner', corner: 'ne' }, 5, -5, box(10, 15, 45, 35)],
    [{ kind: 'corner', corner: 'se' }, 5, 5, box(10, 20, 45, 35)],
    [{ kind: 'corner', corner: 'sw' }, -5, 5, box(5, 20, 45, 35)],
    [{ kind: 'edge', edge: 'n' }, 3, -5, box(10, 15, 40, 35)],
    [{ kind: 'edge', edge: 'e' }, 5, 3, box(10, 20, 45, 30)],
    [{ kind: 'edge', edge: 's' }, 3, 5, box(10, 20, 40, 35)],
    [{ kind: 'edge', edge: 'w' }, -5, 3, box(5, 20, 45, 30)],
  ] as const)('resizes by %j with the opposite side fixed', (id, dx, dy, expected) => {
    expect(drag(b, id, dx, dy)).toEqual(expected);
  });

  it('flips past the opposite side instead of giving a negative size', () => {
    expect(drag(b, { kind: 'edge', edge: 'e' }, -45, 0)).toEqual(box(5, 20, 5, 30));
    expect(drag(b, { kind: 'edge', edge: 'n' }, 0, 40)).toEqual(box(10, 50, 40, 10));
    expect(drag(b, { kind: 'corner', corner: 'se' }, -50, -40)).toEqual(box(0, 10, 10, 10));
  });

  it('keeps the aspect ratio on corners with Shift, scaling by the larger stretch', () => {
    const aspect = { keepAspect: true, imageSize: image };
    expect(drag(b, { kind: 'corner', corner: 'se' }, 20, 3, aspect)).toEqual(box(10, 20, 60, 45));
    // Edges ignore Shift.
    expect(drag(b, { kind: 'edge', edge: 'e' }, 20, 3, aspect)).toEqual(box(10, 20, 60, 30));
  });

  it('keeps the aspect ratio even where the image border stops the corner', () => {
    const result = drag(b, { kind: 'corner', corner: 'nw' }, -4, -20, { keepAspect: true, imageSize: image });
    expect(result).toEqual(box(0, 12.5, 50, 37.5));
  });

  it('stops dragged sides at the image border', () => {
    expect(drag(b, { kind: 'corner', corner: 'se' }, 100, 100)).toEqual(box(10, 20, 90, 60));
    expect(drag(b, { kind: 'edge', edge: 'w' }, -50, 0)).toEqual(box(0, 20, 50, 30));
  });

  it('ignores handles a box does not have', () => {
    expect(dragHandle(b, { kind: 'rotate' }, p(30, 5), p(60, 5), free)).toBe(b);
  });
});

describe('dragHandle on a rotated box', () => {
  const r = rotated(100, 100, 30, 20, 30);
  const roomy = { keepAspect: false, imageSize: big };

  it('resizes from a corner with the opposite corner fixed and the angle kept', () => {
    const before = rotatedBoxCorners(r);
    const after = drag(r, { kind: 'corner', corner: 'se' }, 5, 8, roomy) as RotatedBoxGeometry;
    const corners = rotatedBoxCorners(after);
    expect(after.angle).toBe(30);
    expectNear(corners[0], before[0]);
    expectNear(corners[2], { x: before[2].x + 5, y: before[2].y + 8 });
  });

  it('resizes from an edge along its own axis only, the opposite edge fixed', () => {
    const before = rotatedBoxCorners(r);
    // 10 px along the box's width axis (30° below +x).
    const along = { x: 10 * Math.cos(Math.PI / 6), y: 10 * Math.sin(Math.PI / 6) };
    const after = drag(r, { kind: 'edge', edge: 'e' }, along.x, along.y, roomy) as RotatedBoxGeometry;
    expect(after.width).toBeCloseTo(40, 9);
    expect(after.height).toBeCloseTo(20, 9);
    const corners = rotatedBoxCorners(after);
    expectNear(corners[0], before[0]);
    expectNear(corners[3], before[3]);
  });

  it('flips past the opposite edge, which then becomes the fixed far side', () => {
    const before = rotatedBoxCorners(r);
    const back = { x: -40 * Math.cos(Math.PI / 6), y: -40 * Math.sin(Math.PI / 6) };
    const after = drag(r, { kind: 'edge', edge: 'e' }, back.x, back.y, roomy) as RotatedBoxGeometry;
    expect(after.width).toBeCloseTo(10, 9);
    const corners = rotatedBoxCorners(after);
    expectNear(corners[1], before[0]);
    expectNear(corners[2], before[3]);
  });

  it('keeps every corner inside the image', () => {
    const near = rotated(80, 40, 20, 10, 30);
    const after = drag(near, { kind: 'corner', corner: 'se' }, 60, 60, free) as RotatedBoxGeometry;
    const corners = rotatedBoxCorners(after);
    for (const c of corners) {
      expect(c.x).toBeGreaterThanOrEqual(-1e-9);
      expect(c.x).toBeLessThanOrEqual(100 + 1e-9);
      expect(c.y).toBeLessThanOrEqual(80 + 1e-9);
    }
    expect(Math.max(...corners.map((c) => c.x))).toBeCloseTo(100, 9);
    expect(after.width).toBeGreaterThan(20);
  });

  it('turns with the rotation knob, snapping to 15° with Shift', () => {
    const upright = rotated(100, 100, 30, 20, 0);
    const knob = p(100, 100 - 10 - 24);
    const bearing = (degrees: number) =>
      p(100 + 50 * Math.sin((degrees * Math.PI) / 180), 100 - 50 * Math.cos((degrees * Math.PI) / 180));
    const turn = (to: ImagePoint, keepAspect: boolean, g = upright) =>
      (dragHandle(g, { kind: 'rotate' }, knob, to, { keepAspect, imageSize: big }) as RotatedBoxGeometry)
        .angle;
    expect(turn(p(150, 100), false)).toBeCloseTo(90, 9);
    expect(turn(bearing(50), false)).toBeCloseTo(50, 9);
    expect(turn(bearing(50), true)).toBe(45);
    expect(turn(bearing(53), true)).toBe(60);
    expect(turn(bearing(-3), true)).toBe(0);
    // Past 180° the angle wraps into (−180, 180].
    expect(turn(bearing(20), false, { ...upright, angle: 170 })).toBeCloseTo(-170, 9);
  });
});

describe('dragHandle on vertices', () => {
  it('moves one polygon vertex and stops it at the image border', () => {
    expect(drag(square, { kind: 'vertex', index: 1 }, 5, -3)).toEqual({
      kind: 'polygon',
      points: [p(10, 10), p(55, 7), p(50, 50), p(10, 50)],
    });
    const out = drag(square, { kind: 'vertex', index: 2 }, 100, 100) as GeometryOf<'polygon'>;
    expect(out.points[2]).toEqual(p(100, 80));
  });

  it('moves a point and one keypoint, keeping its visibility', () => {
    expect(drag({ kind: 'point', x: 5, y: 5 }, { kind: 'vertex', index: 0 }, -10, 3)).toEqual({
      kind: 'point',
      x: 0,
      y: 8,
    });
    const keypoints: Geometry = {
      kind: 'keypoints',
      points: [
        { ...p(10, 10), visibility: 1 },
        { ...p(20, 20), visibility: 2 },
      ],
    };
    expect(drag(keypoints, { kind: 'vertex', index: 0 }, 4, 5)).toEqual({
      kind: 'keypoints',
      points: [
        { x: 14, y: 15, visibility: 1 },
        { x: 20, y: 20, visibility: 2 },
      ],
    });
  });
});

describe('insertVertex', () => {
  it('puts a new vertex on the polygon edge next to the point', () => {
    expect(insertVertex(square, p(30, 11), 1)).toEqual({
      geometry: { kind: 'polygon', points: [p(10, 10), p(30, 10), p(50, 10), p(50, 50), p(10, 50)] },
      index: 1,
    });
  });

  it('uses the closing edge of a polygon but not of a polyline', () => {
    const inserted = insertVertex(square, p(11, 30), 1);
    expect(inserted?.index).toBe(4);
    expect((inserted?.geometry as GeometryOf<'polygon'>).points[4]).toEqual({ x: 10, y: 30 });
    expect(insertVertex({ kind: 'polyline', points: square.points }, p(11, 30), 1)).toBeUndefined();
  });

  it('needs the point within HANDLE_PX screen pixels of an edge and away from the vertices', () => {
    expect(insertVertex(square, p(30, 14), 1)).toBeDefined();
    expect(insertVertex(square, p(30, 14), 2)).toBeUndefined();
    expect(insertVertex(square, p(30, 30), 1)).toBeUndefined();
    expect(insertVertex(square, p(12, 10), 1)).toBeUndefined();
    expect(insertVertex(box(0, 0, 10, 10), p(5, 0), 1)).toBeUndefined();
  });
});

describe('deleteVertex', () => {
  it('removes a vertex while a polygon keeps 3 and a polyline 2', () => {
    expect(deleteVertex(square, 1)).toEqual({ kind: 'polygon', points: [p(10, 10), p(50, 50), p(10, 50)] });
    expect(deleteVertex({ kind: 'polygon', points: [p(0, 0), p(1, 0), p(1, 1)] }, 0)).toBeUndefined();
    expect(deleteVertex({ kind: 'polyline', points: [p(0, 0), p(1, 0), p(1, 1)] }, 2)).toEqual({
      kind: 'polyline',
      points: [p(0, 0), p(1, 0)],
    });
    expect(deleteVertex({ kind: 'polyline', points: [p(0, 0), p(1, 0)] }, 0)).toBeUndefined();
    expect(deleteVertex(square, 9)).toBeUndefined();
  });
});

describe('cycleKeypointVisibility', () => {
  const keypoints: Geometry = {
    kind: 'keypoints',
    points: [
      { ...p(1, 1), visibility: 2 },
      { ...p(0, 0), visibility: 0 },
    ],
  };
  const visibility = (g: Geometry | undefined) => (g as GeometryOf<'keypoints'>).points[0]?.visibility;

  it('toggles visible → occluded → visible', () => {
    const once = cycleKeypointVisibility(keypoints, 0);
    expect(visibility(once)).toBe(1);
    expect(visibility(cycleKeypointVisibility(once as Geometry, 0))).toBe(2);
  });

  it('leaves absent keypoints and other kinds alone', () => {
    expect(cycleKeypointVisibility(keypoints, 1)).toBeUndefined();
    expect(cycleKeypointVisibility(square, 0)).toBeUndefined();
  });
});
