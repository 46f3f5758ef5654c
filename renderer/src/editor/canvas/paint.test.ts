import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationId, Geometry } from '../../../../src/core/annotations/types';
import { indexGeometries } from '../../../../src/core/geometry/spatialIndex';
import { rotatedBoxCorners } from '../../../../src/core/geometry/shapes';
import type { Prediction } from '../../../../src/core/predictions/types';
import {
  paintAnnotations,
  paintBand,
  paintCrosshair,
  paintDraft,
  paintPredictions,
  paintSelection,
  skeletonPairs,
  visibleBounds,
  type AnnotationScene,
  type Ctx,
} from './paint';

type Call = { name: string; args: unknown[] };

/** A 2D context that records every call and property set, in order. */
function recorder(): Ctx & { calls: Call[]; count(name: string): number; named(name: string): Call[] } {
  const calls: Call[] = [];
  const state: Record<string, unknown> = {};
  const method =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push({ name, args });
    };
  const fake = {
    calls,
    count: (name: string) => calls.filter((c) => c.name === name).length,
    named: (name: string) => calls.filter((c) => c.name === name),
    measureText: (text: string) => ({ width: text.length * 6 }) as TextMetrics,
  } as Record<string, unknown>;
  for (const name of [
    'beginPath',
    'closePath',
    'moveTo',
    'lineTo',
    'rect',
    'arc',
    'fill',
    'stroke',
    'fillRect',
    'fillText',
    'setLineDash',
  ]) {
    fake[name] = method(name);
  }
  for (const name of [
    'lineWidth',
    'strokeStyle',
    'fillStyle',
    'globalAlpha',
    'font',
    'textBaseline',
    'lineJoin',
  ]) {
    Object.defineProperty(fake, name, {
      get: () => state[name],
      set: (value: unknown) => {
        state[name] = value;
        calls.push({ name: `set:${name}`, args: [value] });
      },
    });
  }
  return fake as unknown as ReturnType<typeof recorder>;
}

const annotation = (id: string, classId: string, geometry: Geometry): Annotation => ({
  id: id as AnnotationId,
  classId,
  geometry,
  attributes: {},
  schemaVersion: 1,
  createdBy: 'test',
  createdAt: 0,
  updatedBy: 'test',
  updatedAt: 0,
});

const box = (x: number, y: number, width = 10, height = 10): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});

function sceneOf(annotations: Annotation[], extra: Partial<AnnotationScene> = {}): AnnotationScene {
  return {
    annotations,
    index: indexGeometries(annotations.map((a) => a.geometry)),
    colors: new Map([
      ['cat', '#ff0000'],
      ['dog', '#00ff00'],
      ['car', '#0000ff'],
    ]),
    skeletons: new Map(),
    skip: new Set(),
    locked: new Set(),
    fill: false,
    ...extra,
  };
}

const everything = { visible: { minX: -1e6, minY: -1e6, maxX: 1e6, maxY: 1e6 }, scale: 1 };

describe('paintAnnotations', () => {
  it('draws only the boxes inside the visible bounds', () => {
    const scene = sceneOf([
      annotation('a', 'cat', box(0, 0)),
      annotation('b', 'cat', box(500, 500)),
      annotation('c', 'cat', box(40, 40)),
    ]);
    const ctx = recorder();
    const drawn = paintAnnotations(ctx, scene, {
      visible: { minX: 0, minY: 0, maxX: 100, maxY: 100 },
      scale: 1,
    });
    expect(drawn).toBe(2);
    expect(ctx.named('rect').map((c) => c.args)).toEqual([
      [0, 0, 10, 10],
      [40, 40, 10, 10],
    ]);
  });

  it('strokes once per class colour for 10,000 boxes of 3 classes, in one path per colour', () => {
    const classes = ['cat', 'dog', 'car'];
    const annotations = Array.from({ length: 10_000 }, (_, i) =>
      annotation(`a${i}`, classes[i % 3] as string, box((i % 100) * 38, Math.floor(i / 100) * 21, 30, 15)),
    );
    const scene = sceneOf(annotations);
    const view = {
      visible: visibleBounds({ scale: 0.5, x: 0, y: 0 }, { width: 1920, height: 1080 }),
      scale: 0.5,
    };
    const ctx = recorder();
    expect(paintAnnotations(ctx, scene, view)).toBe(10_000);
    expect(ctx.count('stroke')).toBe(3);
    expect(ctx.count('beginPath')).toBe(3);
    expect(ctx.count('rect')).toBe(10_000);
    expect(ctx.count('fill') + ctx.count('fillRect')).toBe(0);
    // So many outlines are drawn 1 screen px wide: Skia's hairline path.
    expect(ctx.named('set:lineWidth')[0]?.args[0]).toBeCloseTo(2 * 0.999, 9);
  });

  it('fills boxes translucently by fillRect and other areas by one fill per colour when fill is on', () => {
    const triangle: Geometry = {
      kind: 'polygon',
      points: [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 0, y: 10 },
      ],
    };
    const scene = sceneOf(
      [
        annotation('a', 'cat', box(0, 0)),
        annotation('b', 'cat', box(20, 0)),
        annotation('c', 'cat', triangle),
        annotation('d', 'dog', box(40, 0)),
      ],
      { fill: true },
    );
    const ctx = recorder();
    paintAnnotations(ctx, scene, everything);
    expect(ctx.named('fillRect').map((c) => c.args)).toEqual([
      [0, 0, 10, 10],
      [20, 0, 10, 10],
      [40, 0, 10, 10],
    ]);
    expect(ctx.count('fill')).toBe(1);
    expect(ctx.count('stroke')).toBe(2);
    const fillAlpha = ctx.calls.filter((c) => c.name === 'set:globalAlpha' || c.name === 'fillRect')[0];
    expect(fillAlpha?.args[0]).toBe(0.15);
  });

  it('sets the line width to 1.5 screen px whatever the zoom', () => {
    const ctx = recorder();
    paintAnnotations(ctx, sceneOf([annotation('a', 'cat', box(0, 0))]), { ...everything, scale: 4 });
    expect(ctx.named('set:lineWidth')[0]?.args[0]).toBe(1.5 / 4);
  });

  it('does not draw skipped annotations and counts only what it drew', () => {
    const scene = sceneOf([annotation('a', 'cat', box(0, 0)), annotation('b', 'cat', box(20, 0))], {
      skip: new Set(['a']),
    });
    const ctx = recorder();
    expect(paintAnnotations(ctx, scene, everything)).toBe(1);
    expect(ctx.named('rect').map((c) => c.args)).toEqual([[20, 0, 10, 10]]);
  });

  it('draws an unknown class in grey', () => {
    const ctx = recorder();
    paintAnnotations(ctx, sceneOf([annotation('a', 'zebra', box(0, 0))]), everything);
    expect(ctx.named('set:strokeStyle').map((c) => c.args[0])).toContain('#9e9e9e');
  });

  it('draws a rotated box through its four corners', () => {
    const geometry = { kind: 'rotated-box', cx: 50, cy: 40, width: 30, height: 10, angle: 30 } as const;
    const ctx = recorder();
    paintAnnotations(ctx, sceneOf([annotation('a', 'cat', geometry)]), everything);
    const drawnCorners = [...ctx.named('moveTo'), ...ctx.named('lineTo')].map((c) => c.args);
    const expected = rotatedBoxCorners(geometry).map((p) => [p.x, p.y]);
    expect(drawnCorners).toHaveLength(4);
    drawnCorners.forEach((corner, i) => {
      expect(corner[0]).toBeCloseTo(expected[i]![0]!, 9);
      expect(corner[1]).toBeCloseTo(expected[i]![1]!, 9);
    });
    expect(ctx.count('closePath')).toBe(1);
  });

  it('joins keypoints along the skeleton only between labeled points, fills visible ones and rings occluded ones', () => {
    const geometry: Geometry = {
      kind: 'keypoints',
      points: [
        { x: 10, y: 10, visibility: 2 },
        { x: 20, y: 20, visibility: 1 },
        { x: 0, y: 0, visibility: 0 },
        { x: 30, y: 10, visibility: 2 },
      ],
    };
    const scene = sceneOf([annotation('a', 'cat', geometry)], {
      skeletons: new Map([
        [
          'cat',
          [
            [0, 1],
            [1, 2],
            [2, 3],
            [1, 3],
          ],
        ],
      ]),
    });
    const ctx = recorder();
    paintAnnotations(ctx, scene, everything);
    const segments = ctx.named('lineTo').map((c) => c.args);
    expect(segments).toEqual([
      [20, 20],
      [30, 10],
    ]);
    const circles = ctx.named('arc').map((c) => [c.args[0], c.args[1]]);
    // Visible ones (filled) first, then the occluded one (hollow); the absent one not at all.
    expect(circles).toEqual([
      [10, 10],
      [30, 10],
      [20, 20],
    ]);
    expect(ctx.calls.some((c) => c.name === 'arc' && c.args[0] === 0 && c.args[1] === 0)).toBe(false);
  });

  it('draws shapes under half a screen pixel as one-pixel dots and not as outlines', () => {
    const ctx = recorder();
    paintAnnotations(ctx, sceneOf([annotation('a', 'cat', box(100, 100, 4, 4))]), {
      ...everything,
      scale: 0.1,
    });
    expect(ctx.count('stroke')).toBe(0);
    expect(ctx.count('rect')).toBe(0);
    const [x, y, w] = ctx.named('fillRect')[0]!.args as number[];
    expect(w).toBeCloseTo(10);
    expect(x! + w! / 2).toBeCloseTo(102);
    expect(y! + w! / 2).toBeCloseTo(102);
  });

  it('accents highlighted annotations with a red dashed outline', () => {
    const scene = sceneOf([annotation('a', 'cat', box(0, 0)), annotation('b', 'cat', box(20, 0))], {
      highlight: new Set(['b']),
    });
    const ctx = recorder();
    paintAnnotations(ctx, scene, { ...everything, scale: 2 });
    expect(ctx.named('set:strokeStyle').map((c) => c.args[0])).toContain('#ff3b30');
    expect(ctx.named('setLineDash').some((c) => (c.args[0] as number[]).length > 0)).toBe(true);
    expect(ctx.count('stroke')).toBe(2);
  });

  it('draws locked annotations dimmer in their own batch', () => {
    const scene = sceneOf([annotation('a', 'cat', box(0, 0)), annotation('b', 'cat', box(20, 0))], {
      locked: new Set(['b']),
    });
    const ctx = recorder();
    paintAnnotations(ctx, scene, everything);
    expect(ctx.count('stroke')).toBe(2);
    expect(ctx.named('set:globalAlpha').map((c) => c.args[0])).toContain(0.5);
  });

  it('tags big shapes with their class name, and none when more than 300 qualify', () => {
    const labels = new Map([['cat', 'Cat']]);
    const ctx = recorder();
    paintAnnotations(
      ctx,
      sceneOf([annotation('a', 'cat', box(0, 0, 100, 50)), annotation('b', 'cat', box(0, 80))], { labels }),
      everything,
    );
    expect(ctx.named('fillText').map((c) => c.args[0])).toEqual(['Cat']);

    const many = Array.from({ length: 301 }, (_, i) => annotation(`a${i}`, 'cat', box(i * 200, 0, 100, 50)));
    const crowded = recorder();
    paintAnnotations(crowded, sceneOf(many, { labels }), everything);
    expect(crowded.count('fillText')).toBe(0);
  });
});

const prediction = (id: string, score: number, classId: string | null = 'cat'): Prediction => ({
  id,
  classId,
  label: classId ?? 'unmapped',
  score,
  geometry: box(0, 0, 100, 60),
});

describe('paintPredictions', () => {
  const colors = new Map([['cat', '#ff0000']]);

  it('skips predictions under the threshold and decided ones, and draws the rest dashed with a 2-decimal score', () => {
    const ctx = recorder();
    const drawn = paintPredictions(
      ctx,
      [prediction('low', 0.2), prediction('done', 0.9), prediction('shown', 0.8666)],
      colors,
      everything,
      { threshold: 0.5, decided: new Set(['done']) },
    );
    expect(drawn).toBe(1);
    expect(ctx.count('rect')).toBe(1);
    expect(ctx.named('setLineDash')[0]?.args[0]).toEqual([6, 4]);
    expect(ctx.named('fillText').map((c) => c.args[0])).toEqual(['cat 0.87']);
  });

  it('culls predictions outside the view and strokes once per colour', () => {
    const ctx = recorder();
    const far = { ...prediction('far', 0.9), geometry: box(5000, 5000) };
    const drawn = paintPredictions(
      ctx,
      [prediction('a', 0.9), prediction('b', 0.9, null), far, prediction('c', 0.9)],
      colors,
      { visible: { minX: 0, minY: 0, maxX: 1000, maxY: 1000 }, scale: 1 },
      { threshold: 0, decided: new Set() },
    );
    expect(drawn).toBe(3);
    expect(ctx.count('stroke')).toBe(2);
  });

  it('emphasises the selected prediction with a thicker line and a fill', () => {
    const ctx = recorder();
    paintPredictions(
      ctx,
      [prediction('a', 0.9), prediction('b', 0.9)],
      colors,
      { ...everything, scale: 2 },
      {
        threshold: 0,
        decided: new Set(),
        selected: 'b',
      },
    );
    expect(ctx.named('set:lineWidth').map((c) => c.args[0])).toEqual([0.75, 1.5]);
    expect(ctx.count('fill')).toBe(1);
  });
});

describe('overlays', () => {
  it('paints selection outlines per colour and 8-screen-px white handles with a dark border', () => {
    const ctx = recorder();
    paintSelection(
      ctx,
      [
        { geometry: box(0, 0), color: '#ff0000' },
        { geometry: box(20, 0), color: '#ff0000' },
      ],
      [
        { x: 0, y: 0 },
        { x: 10, y: 10 },
      ],
      2,
    );
    expect(ctx.count('stroke')).toBe(2);
    const handles = ctx
      .named('rect')
      .slice(2)
      .map((c) => c.args);
    expect(handles).toEqual([
      [-2, -2, 4, 4],
      [8, 8, 4, 4],
    ]);
    expect(ctx.named('set:fillStyle').map((c) => c.args[0])).toEqual(['#ffffff']);
  });

  it('paints a draft: placed vertices joined, a dashed line to the cursor and a close hint on the first vertex', () => {
    const ctx = recorder();
    paintDraft(
      ctx,
      {
        vertices: [
          { x: 0, y: 0 },
          { x: 10, y: 0 },
          { x: 10, y: 10 },
        ],
        closeHint: true,
        cursor: { x: 1, y: 1 },
      },
      '#00ff00',
      1,
    );
    expect(ctx.named('lineTo').map((c) => c.args)).toEqual([
      [10, 0],
      [10, 10],
      [1, 1],
    ]);
    expect(ctx.named('setLineDash').map((c) => c.args[0])).toContainEqual([4, 4]);
    expect(ctx.named('arc')[0]?.args.slice(0, 3)).toEqual([0, 0, 7]);
    expect(ctx.count('rect')).toBe(3);
  });

  it('paints crosshair guides across the whole visible area', () => {
    const ctx = recorder();
    paintCrosshair(ctx, { x: 5, y: 7 }, { minX: -10, minY: -20, maxX: 100, maxY: 200 }, 1);
    expect([...ctx.named('moveTo'), ...ctx.named('lineTo')].map((c) => c.args)).toEqual([
      [-10, 7],
      [5, -20],
      [100, 7],
      [5, 200],
    ]);
  });

  it('paints the rubber band dashed, in any drag direction', () => {
    const ctx = recorder();
    paintBand(ctx, { minX: 50, minY: 40, maxX: 10, maxY: 20 }, 2);
    expect(ctx.named('rect')[0]?.args).toEqual([10, 20, 40, 20]);
    expect(ctx.named('setLineDash')[0]?.args[0]).toEqual([2, 1.5]);
    expect(ctx.named('set:lineWidth')[0]?.args[0]).toBeCloseTo(0.5 * 0.999, 9);
  });
});

describe('visibleBounds', () => {
  it('maps the screen rectangle back to image pixels', () => {
    expect(visibleBounds({ scale: 2, x: -100, y: 50 }, { width: 800, height: 600 })).toEqual({
      minX: 50,
      minY: -25,
      maxX: 450,
      maxY: 275,
    });
  });
});

describe('skeletonPairs', () => {
  it('turns named edges into keypoint positions and drops unknown names', () => {
    expect(
      skeletonPairs({
        keypoints: ['nose', 'left_eye', 'right_eye'],
        edges: [
          ['nose', 'left_eye'],
          ['nose', 'right_eye'],
          ['nose', 'tail'],
        ],
        flipPairs: [],
      }),
    ).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });
});
