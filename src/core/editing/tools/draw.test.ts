import { beforeEach, describe, expect, it } from 'vitest';
import type { Geometry } from '../../annotations/types';
import { polygonArea, rotatedBoxCorners, type GeometryOf } from '../../geometry/shapes';
import { imagePoint, type ImagePoint } from '../../geometry/spaces';
import {
  drawKey,
  drawPointer,
  drawPreview,
  isDrawing,
  startDraw,
  type DrawKey,
  type DrawState,
} from './draw';
import type { DrawingTool, PointerInput, ToolEnv } from './types';

const env = (scale = 1, skeleton: readonly string[] = []): ToolEnv => ({
  imageSize: { width: 640, height: 480 },
  scale,
  skeleton,
});

// Events a second apart unless a test says otherwise, so no two clicks are a double click by accident.
let now = 0;
beforeEach(() => {
  now = 0;
});

type Modifiers = Partial<Pick<PointerInput, 'shift' | 'alt' | 'button' | 'time'>>;
const pointer =
  (type: PointerInput['type']) =>
  (x: number, y: number, m: Modifiers = {}): PointerInput => ({
    type,
    point: imagePoint(x, y),
    button: 0,
    shift: false,
    alt: false,
    mod: false,
    ...m,
    time: m.time ?? (now += 1000),
  });
const down = pointer('down');
const move = pointer('move');
const up = pointer('up');
const click = (x: number, y: number, m: Modifiers = {}): PointerInput[] => [down(x, y, m), up(x, y, m)];
/** Two presses 150 ms apart, as the OS sends a double click. */
const doubleClick = (x: number, y: number): PointerInput[] => {
  const t = (now += 1000);
  now = t + 300;
  return [
    down(x, y, { time: t }),
    up(x, y, { time: t + 50 }),
    down(x, y, { time: t + 150 }),
    up(x, y, { time: t + 200 }),
  ];
};
/** A press-drag-release through the given points. */
const drag = (points: readonly (readonly [number, number])[], m: Modifiers = {}): PointerInput[] =>
  points.map(([x, y], i) => (i === 0 ? down : i === points.length - 1 ? up : move)(x, y, m));

interface Run {
  readonly state: DrawState;
  readonly finished: Geometry[];
  readonly cancelled: number;
}

/** Feeds events to a tool, collecting what it finishes and how often it cancels. */
function run(start: DrawingTool | DrawState, events: readonly (PointerInput | DrawKey)[], e = env()): Run {
  let state = typeof start === 'string' ? startDraw(start) : start;
  const finished: Geometry[] = [];
  let cancelled = 0;
  for (const event of events) {
    const step = typeof event === 'string' ? drawKey(state, event, e) : drawPointer(state, event, e);
    state = step.state;
    if (step.finished) finished.push(step.finished);
    if (step.cancelled) cancelled++;
  }
  return { state, finished, cancelled };
}

const box = (x: number, y: number, width: number, height: number): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});
const points = (...xy: [number, number][]): ImagePoint[] => xy.map(([x, y]) => imagePoint(x, y));

describe('box tool', () => {
  it('draws a box by press, drag and release, in any direction', () => {
    expect(
      run(
        'box',
        drag([
          [10, 20],
          [60, 50],
          [110, 90],
        ]),
      ).finished,
    ).toEqual([box(10, 20, 100, 70)]);
    expect(
      run(
        'box',
        drag([
          [110, 90],
          [60, 50],
          [10, 20],
        ]),
      ).finished,
    ).toEqual([box(10, 20, 100, 70)]);
  });

  it('draws a box by clicking one corner and then the opposite one', () => {
    const first = run('box', [...click(10, 20), move(50, 60)]);
    expect(first.finished).toEqual([]);
    expect(isDrawing(first.state)).toBe(true);
    expect(drawPreview(first.state, env()).geometry).toEqual(box(10, 20, 40, 40));
    const done = run(first.state, click(110, 90));
    expect(done.finished).toEqual([box(10, 20, 100, 70)]);
    expect(isDrawing(done.state)).toBe(false);
  });

  it('counts a press as a drag once it travels the threshold in screen pixels, at any zoom', () => {
    // 2.83 image px is 2.83 screen px at scale 1 (a click) but 5.66 at scale 2 (a drag).
    const events = drag([
      [100, 100],
      [102, 102],
    ]);
    const zoomedOut = run('box', events, env(1));
    expect(zoomedOut.finished).toEqual([]);
    expect(isDrawing(zoomedOut.state)).toBe(true);
    now = 0;
    expect(
      run(
        'box',
        drag([
          [100, 100],
          [102, 102],
        ]),
        env(2),
      ).finished,
    ).toEqual([box(100, 100, 2, 2)]);
    // Zoomed out to a quarter, 10 image px is only 2.5 screen px: still a click.
    expect(
      run(
        'box',
        drag([
          [100, 100],
          [110, 110],
        ]),
        env(0.25),
      ).finished,
    ).toEqual([]);
  });

  it('snaps edges that end within 8 screen pixels of the image border onto it', () => {
    expect(
      run(
        'box',
        drag([
          [5, 6],
          [634, 300],
        ]),
      ).finished,
    ).toEqual([box(0, 0, 640, 300)]);
    // At scale 2 the snap reaches only 4 image px: the left edge 5 px in stays, the right one 3 px in snaps.
    expect(
      run(
        'box',
        drag([
          [5, 3],
          [637, 300],
        ]),
        env(2),
      ).finished,
    ).toEqual([box(5, 0, 635, 300)]);
    // At scale 0.5 it reaches 16 image px.
    expect(
      run(
        'box',
        drag([
          [12, 15],
          [300, 470],
        ]),
        env(0.5),
      ).finished,
    ).toEqual([box(0, 0, 300, 480)]);
  });

  it('keeps the box square while Shift is held, within the image', () => {
    expect(
      run(
        'box',
        drag(
          [
            [100, 100],
            [180, 130],
          ],
          { shift: true },
        ),
      ).finished,
    ).toEqual([box(100, 100, 80, 80)]);
    expect(
      run(
        'box',
        drag(
          [
            [100, 100],
            [40, 130],
          ],
          { shift: true },
        ),
      ).finished,
    ).toEqual([box(40, 100, 60, 60)]);
    // Only 40 px of room to the right: the square stops at the border rather than leaving the image.
    expect(
      run(
        'box',
        drag(
          [
            [600, 100],
            [700, 150],
          ],
          { shift: true },
        ),
      ).finished,
    ).toEqual([box(600, 100, 40, 40)]);
  });

  it('shows the square in the preview while Shift is held during the drag', () => {
    const { state } = run('box', [down(100, 100), move(150, 120, { shift: true })]);
    expect(drawPreview(state, env()).geometry).toEqual(box(100, 100, 50, 50));
  });

  it('clamps corners dragged outside the image onto its border', () => {
    expect(
      run(
        'box',
        drag([
          [-50, -50],
          [700, 500],
        ]),
      ).finished,
    ).toEqual([box(0, 0, 640, 480)]);
  });

  it('does not finish a box of zero height, and ignores a second click on the first corner', () => {
    // Dragged along outside the top edge: both corners clamp to y = 0.
    const flat = run(
      'box',
      drag([
        [100, -10],
        [200, -30],
      ]),
    );
    expect(flat.finished).toEqual([]);
    expect(isDrawing(flat.state)).toBe(false);
    const again = run('box', [...click(100, 100), ...click(100, 100)]);
    expect(again.finished).toEqual([]);
    expect(isDrawing(again.state)).toBe(true);
  });

  it('drops the box in progress on Escape', () => {
    const result = run('box', [down(10, 10), move(50, 50), 'Escape', up(60, 60)]);
    expect(result.finished).toEqual([]);
    expect(result.cancelled).toBe(1);
    expect(isDrawing(result.state)).toBe(false);
  });

  it('ignores the middle and right buttons', () => {
    expect(
      run('box', [down(10, 10, { button: 1 }), move(80, 80), up(80, 80, { button: 1 })]).finished,
    ).toEqual([]);
    expect(isDrawing(run('box', click(10, 10, { button: 2 })).state)).toBe(false);
  });

  it('follows the pointer with the cursor before anything is pressed', () => {
    const { state } = run('box', [move(700, 30)]);
    expect(isDrawing(state)).toBe(false);
    expect(drawPreview(state, env())).toEqual({
      vertices: [],
      closeHint: false,
      cursor: imagePoint(640, 30),
    });
  });
});

describe('rotated-box tool', () => {
  const corners = (g: Geometry) => rotatedBoxCorners(g as GeometryOf<'rotated-box'>);
  const expectNear = (actual: { x: number; y: number }, expected: { x: number; y: number }) => {
    expect(Math.abs(actual.x - expected.x)).toBeLessThan(1e-9);
    expect(Math.abs(actual.y - expected.y)).toBeLessThan(1e-9);
  };

  it('draws an upright box from an edge of two clicks and a height click', () => {
    const result = run('rotated-box', [
      ...click(100, 100),
      move(180, 100),
      ...click(200, 100),
      ...click(150, 150),
    ]);
    expect(result.finished).toEqual([
      { kind: 'rotated-box', cx: 150, cy: 125, width: 100, height: 50, angle: 0 },
    ]);
  });

  it('puts the corners of a tilted box on the points the user clicked', () => {
    // Edge along (0.6, 0.8), 100 px long; its clockwise normal is (-0.8, 0.6).
    const result = run('rotated-box', [...click(100, 100), ...click(160, 180), ...click(120, 210)]);
    const [geometry] = result.finished;
    expect(geometry).toMatchObject({ kind: 'rotated-box', width: 100, height: 50 });
    expect((geometry as GeometryOf<'rotated-box'>).angle).toBeCloseTo(
      (Math.atan2(80, 60) * 180) / Math.PI,
      12,
    );
    const [c0, c1, c2] = corners(geometry as Geometry);
    expectNear(c0, { x: 100, y: 100 });
    expectNear(c1, { x: 160, y: 180 });
    expectNear(c2, { x: 120, y: 210 });
  });

  it('puts the clicked edge on corners 3 and 2 when the height is dragged to its other side', () => {
    const result = run('rotated-box', [...click(100, 100), ...click(160, 180), ...click(200, 150)]);
    const [c0, c1, c2, c3] = corners(result.finished[0] as Geometry);
    expectNear(c3, { x: 100, y: 100 });
    expectNear(c2, { x: 160, y: 180 });
    expectNear(c1, { x: 200, y: 150 });
    expectNear(c0, { x: 140, y: 70 });
  });

  it('normalizes the angle of an edge drawn right to left', () => {
    const result = run('rotated-box', [...click(300, 300), ...click(200, 300), ...click(250, 260)]);
    const g = result.finished[0] as GeometryOf<'rotated-box'>;
    expect(g.angle).toBe(180);
    expect(g).toMatchObject({ cx: 250, cy: 280, width: 100, height: 40 });
    expectNear(corners(g)[0], { x: 300, y: 300 });
  });

  it('takes the first edge from a press-drag-release too', () => {
    const result = run('rotated-box', [
      ...drag([
        [100, 100],
        [150, 100],
        [200, 100],
      ]),
      ...click(150, 160),
    ]);
    expect(result.finished).toEqual([
      { kind: 'rotated-box', cx: 150, cy: 130, width: 100, height: 60, angle: 0 },
    ]);
  });

  it('previews the edge as a flat box, then the box with the cursor setting its height', () => {
    const edge = run('rotated-box', [...click(100, 100), move(200, 100)]).state;
    expect(drawPreview(edge, env())).toMatchObject({
      geometry: { kind: 'rotated-box', width: 100, height: 0 },
      vertices: points([100, 100]),
    });
    const sized = run(edge, [...click(200, 100), move(150, 140)]).state;
    expect(drawPreview(sized, env())).toMatchObject({
      geometry: { kind: 'rotated-box', cx: 150, cy: 120, width: 100, height: 40 },
      vertices: points([100, 100], [200, 100]),
    });
  });

  it('keeps the far corners inside the image', () => {
    const upright = run('rotated-box', [...click(100, 400), ...click(200, 400), ...click(150, 700)]);
    expect(upright.finished[0]).toMatchObject({ cy: 440, height: 80 });
    const tilted = run('rotated-box', [...click(600, 400), ...click(630, 440), ...click(0, 480)]);
    for (const c of corners(tilted.finished[0] as Geometry)) {
      expect(c.x).toBeGreaterThanOrEqual(-1e-9);
      expect(c.x).toBeLessThanOrEqual(640 + 1e-9);
      expect(c.y).toBeLessThanOrEqual(480 + 1e-9);
    }
  });

  it('ignores a second corner on the first and a height of zero', () => {
    const result = run('rotated-box', [
      ...click(100, 100),
      ...click(101, 101),
      ...click(200, 100),
      ...click(250, 100),
    ]);
    expect(result.finished).toEqual([]);
    expect(drawPreview(result.state, env()).vertices).toEqual(points([100, 100], [200, 100]));
  });

  it('steps back with Backspace and drops the box with Escape', () => {
    const back = run('rotated-box', [...click(100, 100), ...click(200, 100), 'Backspace']);
    expect(drawPreview(back.state, env()).vertices).toEqual(points([100, 100]));
    const redone = run(back.state, [...click(100, 200), ...click(50, 150)]);
    expect(redone.finished[0]).toMatchObject({ cx: 75, cy: 150, width: 100, height: 50, angle: 90 });
    const escaped = run('rotated-box', [...click(100, 100), ...click(200, 100), 'Escape']);
    expect(escaped.cancelled).toBe(1);
    expect(isDrawing(escaped.state)).toBe(false);
  });
});

describe('polygon tool', () => {
  const triangle = [...click(100, 100), ...click(200, 100), ...click(200, 200)];

  it('closes when the user clicks within 7 screen pixels of the first vertex', () => {
    const result = run('polygon', [...triangle, ...click(104, 103)]);
    expect(result.finished).toEqual([
      { kind: 'polygon', points: points([100, 100], [200, 100], [200, 200]) },
    ]);
    expect(isDrawing(result.state)).toBe(false);
  });

  it('hints that a click would close it while the pointer is over the first vertex', () => {
    const away = run('polygon', [...triangle, move(150, 250)]).state;
    expect(drawPreview(away, env())).toMatchObject({
      closeHint: false,
      geometry: { kind: 'polygon', points: points([100, 100], [200, 100], [200, 200], [150, 250]) },
      vertices: points([100, 100], [200, 100], [200, 200]),
    });
    const over = run(away, [move(103, 98)]).state;
    expect(drawPreview(over, env())).toMatchObject({
      closeHint: true,
      geometry: { kind: 'polygon', points: points([100, 100], [200, 100], [200, 200]) },
    });
    // At scale 0.5 the same 7 screen px cover 14 image px.
    expect(drawPreview(run(away, [move(110, 108)]).state, env(0.5)).closeHint).toBe(true);
    expect(drawPreview(run(away, [move(110, 108)]).state, env(1)).closeHint).toBe(false);
  });

  it('finishes with Enter once it has three vertices', () => {
    const two = run('polygon', [...click(100, 100), ...click(200, 100), 'Enter']);
    expect(two.finished).toEqual([]);
    expect(isDrawing(two.state)).toBe(true);
    const three = run(two.state, [...click(200, 200), 'Enter']);
    expect(three.finished).toEqual([{ kind: 'polygon', points: points([100, 100], [200, 100], [200, 200]) }]);
  });

  it('finishes on a double click without a duplicate last vertex', () => {
    const result = run('polygon', [...click(100, 100), ...click(200, 100), ...doubleClick(200, 200)]);
    expect(result.finished).toEqual([
      { kind: 'polygon', points: points([100, 100], [200, 100], [200, 200]) },
    ]);
  });

  it('does not start a new polygon with the second press of a double click that closed one', () => {
    const result = run('polygon', [...triangle, ...doubleClick(100, 100)]);
    expect(result.finished).toHaveLength(1);
    expect(isDrawing(result.state)).toBe(false);
  });

  it('takes two quick clicks far apart on screen as two vertices', () => {
    // 5 image px is 10 screen px at scale 2, beyond the 7 px a double click may wander.
    const t = (now += 1000);
    const result = run(
      'polygon',
      [
        ...click(100, 100),
        ...click(200, 100),
        down(200, 200, { time: t }),
        up(200, 200, { time: t + 20 }),
        down(205, 200, { time: t + 100 }),
        up(205, 200, { time: t + 120 }),
      ],
      env(2),
    );
    expect(drawPreview(result.state, env(2)).vertices).toHaveLength(4);
  });

  it('ignores a double click before it has three vertices, leaving no duplicate', () => {
    const result = run('polygon', [
      ...click(100, 100),
      ...doubleClick(200, 100),
      ...click(200, 200),
      'Enter',
    ]);
    expect(result.finished).toEqual([
      { kind: 'polygon', points: points([100, 100], [200, 100], [200, 200]) },
    ]);
  });

  it('removes the last vertex with Backspace, and drops the polygon when none is left', () => {
    const back = run('polygon', [...triangle, 'Backspace']);
    expect(drawPreview(back.state, env()).vertices).toEqual(points([100, 100], [200, 100]));
    const gone = run(back.state, ['Backspace', 'Backspace']);
    expect(gone.cancelled).toBe(1);
    expect(isDrawing(gone.state)).toBe(false);
  });

  it('drops the polygon in progress on Escape', () => {
    const result = run('polygon', [...triangle, 'Escape', 'Enter']);
    expect(result).toMatchObject({ finished: [], cancelled: 1 });
  });

  it('clamps vertices clicked outside the image onto its border', () => {
    const result = run('polygon', [...click(-20, 100), ...click(700, -5), ...click(300, 900), 'Enter']);
    expect(result.finished).toEqual([{ kind: 'polygon', points: points([0, 100], [640, 0], [300, 480]) }]);
  });

  describe('freehand', () => {
    const circle = (cx: number, cy: number, r: number, n: number): [number, number][] =>
      Array.from({ length: n }, (_, i) => {
        const a = (2 * Math.PI * i) / n;
        return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
      });

    it('turns a traced circle into a polygon of far fewer points with the same area within 2%', () => {
      const traced = circle(320, 240, 100, 200);
      const result = run('polygon', drag(traced));
      const polygon = result.finished[0] as GeometryOf<'polygon'>;
      expect(polygon.kind).toBe('polygon');
      expect(polygon.points.length).toBeLessThan(40);
      expect(polygon.points.length).toBeGreaterThanOrEqual(8);
      expect(
        Math.abs(polygonArea(polygon.points) / polygonArea(traced.map(([x, y]) => ({ x, y }))) - 1),
      ).toBeLessThan(0.02);
    });

    it('keeps more detail when zoomed in, since the tolerance is one screen pixel', () => {
      const traced = circle(320, 240, 100, 200);
      const at1 = run('polygon', drag(traced), env(1)).finished[0] as GeometryOf<'polygon'>;
      const at4 = run('polygon', drag(traced), env(4)).finished[0] as GeometryOf<'polygon'>;
      expect(at4.points.length).toBeGreaterThan(at1.points.length);
    });

    it('shows the stroke while tracing', () => {
      const { state } = run('polygon', [down(100, 100), move(120, 100), move(130, 110)]);
      expect(drawPreview(state, env())).toMatchObject({
        geometry: { kind: 'polygon', points: points([100, 100], [120, 100], [130, 110]) },
        vertices: [],
      });
    });

    it('drops a stroke that simplifies to fewer than three points', () => {
      const result = run(
        'polygon',
        drag([
          [100, 100],
          [150, 100],
          [200, 100.3],
          [120, 100],
        ]),
      );
      expect(result).toMatchObject({ finished: [], cancelled: 1 });
      expect(isDrawing(result.state)).toBe(false);
    });

    it('takes a drag after the first vertex as a click where it was pressed', () => {
      const result = run('polygon', [
        ...click(100, 100),
        ...drag([
          [200, 100],
          [250, 150],
          [300, 200],
        ]),
      ]);
      expect(drawPreview(result.state, env()).vertices).toEqual(points([100, 100], [200, 100]));
    });
  });
});

describe('polyline tool', () => {
  it('finishes with Enter once it has two vertices', () => {
    const one = run('polyline', [...click(100, 100), 'Enter']);
    expect(one.finished).toEqual([]);
    expect(run(one.state, [...click(200, 150), 'Enter']).finished).toEqual([
      { kind: 'polyline', points: points([100, 100], [200, 150]) },
    ]);
  });

  it('does not close on its first vertex', () => {
    const result = run('polyline', [
      ...click(100, 100),
      ...click(200, 100),
      ...click(200, 200),
      ...click(101, 101),
    ]);
    expect(result.finished).toEqual([]);
    expect(drawPreview(result.state, env())).toMatchObject({ closeHint: false });
    expect(drawPreview(result.state, env()).vertices).toHaveLength(4);
  });

  it('finishes on a double click at its second vertex', () => {
    const result = run('polyline', [...click(100, 100), ...doubleClick(300, 120)]);
    expect(result.finished).toEqual([{ kind: 'polyline', points: points([100, 100], [300, 120]) }]);
  });

  it('simplifies a traced stroke and keeps where it began and ended', () => {
    const traced = Array.from({ length: 101 }, (_, i): [number, number] => [
      100 + i * 2,
      i <= 50 ? 100 : 100 + (i - 50) * 2,
    ]);
    const result = run('polyline', drag(traced));
    expect(result.finished).toEqual([
      { kind: 'polyline', points: points([100, 100], [200, 100], [300, 200]) },
    ]);
  });
});

describe('point tool', () => {
  it('finishes a point with one click, clamped to the image', () => {
    expect(run('point', [...click(12.5, 30)]).finished).toEqual([{ kind: 'point', x: 12.5, y: 30 }]);
    expect(run('point', [...click(-3, 500)]).finished).toEqual([{ kind: 'point', x: 0, y: 480 }]);
  });

  it('is never in progress, so Escape is left to the canvas', () => {
    const result = run('point', [move(5, 5), 'Escape']);
    expect(result.cancelled).toBe(0);
    expect(isDrawing(result.state)).toBe(false);
    expect(drawPreview(result.state, env()).cursor).toEqual(imagePoint(5, 5));
  });
});

describe('keypoints tool', () => {
  const face = env(1, ['nose', 'left_eye', 'right_eye']);

  it('places the skeleton keypoints in order, visible, occluded with Alt or Shift, or absent', () => {
    const result = run('keypoints', [...click(100, 100), ...click(90, 80, { alt: true }), 'absent'], face);
    expect(result.finished).toEqual([
      {
        kind: 'keypoints',
        points: [
          { x: 100, y: 100, visibility: 2 },
          { x: 90, y: 80, visibility: 1 },
          { x: 0, y: 0, visibility: 0 },
        ],
      },
    ]);
    expect(isDrawing(result.state)).toBe(false);
    const shifted = run('keypoints', ['absent', ...click(90, 80, { shift: true }), ...click(110, 80)], face);
    expect((shifted.finished[0] as GeometryOf<'keypoints'>).points.map((p) => p.visibility)).toEqual([
      0, 1, 2,
    ]);
  });

  it('names the keypoint the next click places', () => {
    expect(drawPreview(startDraw('keypoints'), face).nextKeypoint).toBe('nose');
    const { state } = run('keypoints', [...click(100, 100), move(90, 80)], face);
    expect(drawPreview(state, face)).toMatchObject({
      nextKeypoint: 'left_eye',
      vertices: points([100, 100]),
      cursor: imagePoint(90, 80),
      geometry: {
        kind: 'keypoints',
        points: [
          { x: 100, y: 100, visibility: 2 },
          { x: 0, y: 0, visibility: 0 },
          { x: 0, y: 0, visibility: 0 },
        ],
      },
    });
  });

  it('steps back one keypoint with Backspace, and drops the set when none is left', () => {
    const back = run('keypoints', [...click(100, 100), ...click(90, 80), 'Backspace'], face);
    expect(drawPreview(back.state, face).nextKeypoint).toBe('left_eye');
    const redone = run(back.state, [...click(95, 85), ...click(105, 85)], face);
    expect((redone.finished[0] as GeometryOf<'keypoints'>).points[1]).toEqual({
      x: 95,
      y: 85,
      visibility: 2,
    });
    const gone = run('keypoints', [...click(100, 100), 'Backspace'], face);
    expect(gone.cancelled).toBe(1);
    expect(isDrawing(gone.state)).toBe(false);
  });

  it('does not finish a set whose every keypoint is absent', () => {
    const result = run('keypoints', ['absent', 'absent', 'absent'], face);
    expect(result).toMatchObject({ finished: [], cancelled: 1 });
  });

  it('finishes early on Enter with the remaining keypoints absent', () => {
    const result = run('keypoints', [...click(100, 100), 'Enter'], face);
    expect((result.finished[0] as GeometryOf<'keypoints'>).points.map((p) => p.visibility)).toEqual([
      2, 0, 0,
    ]);
  });

  it('drops the set in progress on Escape', () => {
    expect(run('keypoints', [...click(100, 100), 'Escape'], face)).toMatchObject({
      finished: [],
      cancelled: 1,
    });
  });

  it('places nothing when the class has no skeleton', () => {
    const result = run('keypoints', [...click(100, 100), 'absent'], env());
    expect(result).toMatchObject({ finished: [], cancelled: 0 });
    expect(isDrawing(result.state)).toBe(false);
    expect(drawPreview(result.state, env()).nextKeypoint).toBeUndefined();
  });

  it('clamps keypoints clicked outside the image', () => {
    const result = run('keypoints', [...click(-5, 10), ...click(650, 490), ...click(10, 10)], face);
    expect((result.finished[0] as GeometryOf<'keypoints'>).points.slice(0, 2)).toEqual([
      { x: 0, y: 10, visibility: 2 },
      { x: 640, y: 480, visibility: 2 },
    ]);
  });
});
