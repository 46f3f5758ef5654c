import { describe, expect, it } from 'vitest';
import type { AnnotationId, Geometry } from '../../annotations/types';
import { hitsGeometry, geometryInsideRect } from '../../geometry/hits';
import type { GeometryOf } from '../../geometry/shapes';
import { imagePoint } from '../../geometry/spaces';
import {
  idleSelect,
  isDragging,
  selectEscape,
  selectPointer,
  type SelectScene,
  type SelectState,
  type SelectStep,
} from './select';
import type { PointerInput, ToolEnv } from './types';

const id = (value: string) => value as AnnotationId;
const box = (x: number, y: number, width: number, height: number): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});
const square: Geometry = {
  kind: 'polygon',
  points: [imagePoint(10, 10), imagePoint(50, 10), imagePoint(50, 50), imagePoint(10, 50)],
};

interface Modifiers {
  shift?: boolean;
  alt?: boolean;
  button?: number;
  /** Milliseconds after the previous event; 1000 unless given, so presses are not double clicks by accident. */
  after?: number;
}

/**
 * A canvas in miniature: shapes drawn in order (later on top), a selection it updates from each step as the
 * app would, and the tool state carried between events.
 */
function canvas(shapes: Record<string, Geometry>, selection: string[] = [], env: Partial<ToolEnv> = {}) {
  const toolEnv: ToolEnv = { imageSize: { width: 100, height: 80 }, scale: 1, skeleton: [], ...env };
  const locked = new Set<string>();
  let state: SelectState = idleSelect;
  let time = 0;
  const scene = (): SelectScene => ({
    selection: selection.map(id),
    geometryOf: (key) => (locked.has(key) ? undefined : shapes[key]),
    hitAt: (point) =>
      Object.keys(shapes)
        .reverse()
        .map(id)
        .find((key) => !locked.has(key) && hitsGeometry(shapes[key] as Geometry, point, 1)),
    inBand: (bounds) =>
      Object.keys(shapes)
        .filter((key) => !locked.has(key) && geometryInsideRect(shapes[key] as Geometry, bounds))
        .map(id),
  });
  const send = (type: PointerInput['type'], x: number, y: number, m: Modifiers = {}): SelectStep => {
    time += m.after ?? 1000;
    const input: PointerInput = {
      type,
      point: imagePoint(x, y),
      button: m.button ?? 0,
      shift: m.shift ?? false,
      alt: m.alt ?? false,
      mod: false,
      time,
    };
    const step = selectPointer(state, input, toolEnv, scene());
    state = step.state;
    if (step.selection) selection = [...step.selection];
    if (step.commit?.kind === 'reshape')
      for (const shape of step.commit.shapes) shapes[shape.id] = shape.geometry;
    return step;
  };
  return {
    down: (x: number, y: number, m?: Modifiers) => send('down', x, y, m),
    move: (x: number, y: number, m?: Modifiers) => send('move', x, y, { after: 16, ...m }),
    up: (x: number, y: number, m?: Modifiers) => send('up', x, y, { after: 16, ...m }),
    click(x: number, y: number, m?: Modifiers) {
      const down = this.down(x, y, m);
      return { down, up: this.up(x, y, { ...m, after: 16 }) };
    },
    escape: () => {
      const step = selectEscape(state);
      state = step.state;
      if (step.selection) selection = [...step.selection];
      return step;
    },
    lock: (key: string) => locked.add(key),
    get selection() {
      return selection;
    },
    get state() {
      return state;
    },
  };
}

describe('selecting by clicking', () => {
  it('selects the clicked shape, the topmost where they overlap, and clears on empty space', () => {
    const c = canvas({ a: box(10, 10, 20, 20), b: box(20, 20, 20, 20) });
    expect(c.click(25, 25).down.selection).toEqual(['b']);
    c.click(12, 12);
    expect(c.selection).toEqual(['a']);
    expect(c.click(90, 70).up.selection).toEqual([]);
  });

  it('toggles shapes in and out of the selection with Shift, and keeps it on a Shift-click in empty space', () => {
    const c = canvas({ a: box(10, 10, 10, 10), b: box(40, 40, 10, 10) }, ['a']);
    c.click(45, 45, { shift: true });
    expect(c.selection).toEqual(['a', 'b']);
    c.click(15, 15, { shift: true });
    expect(c.selection).toEqual(['b']);
    const empty = c.click(90, 70, { shift: true });
    expect(empty.up.selection).toBeUndefined();
    expect(c.selection).toEqual(['b']);
  });

  it('narrows a multiple selection to the clicked member on release, not on press', () => {
    const c = canvas({ a: box(10, 10, 10, 10), b: box(40, 40, 10, 10) }, ['a', 'b']);
    expect(c.down(15, 15).selection).toBeUndefined();
    expect(c.up(15, 15).selection).toEqual(['a']);
  });

  it('ignores buttons other than the main one', () => {
    const c = canvas({ a: box(10, 10, 10, 10) });
    expect(c.click(15, 15, { button: 1 }).down).toEqual({ state: idleSelect });
    expect(c.selection).toEqual([]);
  });
});

describe('moving the selection', () => {
  it('previews the moved shapes and commits the exact travel as one move', () => {
    const c = canvas({ a: box(10, 10, 20, 20) });
    c.down(15, 15);
    const moved = c.move(20, 18);
    expect(moved.started).toBe(true);
    expect(moved.preview).toEqual([{ id: 'a', geometry: box(15, 13, 20, 20) }]);
    expect(isDragging(c.state)).toBe(true);
    expect(c.move(22, 19).started).toBeUndefined();
    expect(c.up(22.5, 19).commit).toEqual({ kind: 'move', ids: ['a'], dx: 7.5, dy: 4 });
    expect(c.state.kind).toBe('idle');
  });

  it('moves every selected shape together, but not locked ones', () => {
    const c = canvas({ a: box(10, 10, 10, 10), b: box(40, 40, 10, 10), c: box(60, 10, 10, 10) }, [
      'a',
      'b',
      'c',
    ]);
    c.lock('c');
    c.down(45, 45);
    c.move(50, 45);
    expect(c.up(50, 50).commit).toEqual({ kind: 'move', ids: ['a', 'b'], dx: 5, dy: 5 });
    expect(c.selection).toEqual(['a', 'b', 'c']);
  });

  it('drags an unselected shape straight away, selecting it', () => {
    const c = canvas({ a: box(10, 10, 10, 10), b: box(40, 40, 10, 10) }, ['a']);
    expect(c.down(45, 45).selection).toEqual(['b']);
    c.move(40, 45);
    expect(c.up(35, 45).commit).toEqual({ kind: 'move', ids: ['b'], dx: -10, dy: 0 });
  });

  it('stops the move where a shape would leave the image', () => {
    const c = canvas({ a: box(70, 10, 20, 20), b: box(30, 50, 10, 10) }, ['a', 'b']);
    c.down(80, 20);
    expect(c.move(110, 5).preview).toEqual([
      { id: 'a', geometry: box(80, 0, 20, 20) },
      { id: 'b', geometry: box(40, 40, 10, 10) },
    ]);
    expect(c.up(200, -100).commit).toEqual({ kind: 'move', ids: ['a', 'b'], dx: 10, dy: -10 });
  });

  it('commits nothing when the shapes end where they started', () => {
    const c = canvas({ a: box(10, 10, 20, 20) }, ['a']);
    c.down(20, 20);
    c.move(35, 35);
    const up = c.up(20, 20);
    expect(up.commit).toBeUndefined();
    expect(up.state).toEqual(idleSelect);
  });

  it('counts DRAG_THRESHOLD_PX in screen pixels, whatever the zoom', () => {
    // At 2× a 1.5 image px jitter is 3 screen px: still a click.
    const zoomed = canvas({ a: box(10, 10, 20, 20) }, [], { scale: 2 });
    zoomed.down(15, 15);
    expect(zoomed.move(16.5, 15).started).toBeUndefined();
    expect(zoomed.up(16.5, 15).commit).toBeUndefined();
    zoomed.down(15, 15);
    expect(zoomed.move(17.5, 15).started).toBe(true);
    // At 0.5× 6 image px is 3 screen px: still a click.
    const far = canvas({ a: box(10, 10, 20, 20) }, [], { scale: 0.5 });
    far.down(15, 15);
    expect(far.move(21, 15).started).toBeUndefined();
    expect(far.move(24, 15).started).toBe(true);
  });

  it('ends a drag whose release comes with no move in between', () => {
    const c = canvas({ a: box(10, 10, 20, 20) }, ['a']);
    c.down(20, 20);
    expect(c.up(30, 20).commit).toEqual({ kind: 'move', ids: ['a'], dx: 10, dy: 0 });
  });
});

describe('rubber band', () => {
  const shapes = () => ({ a: box(10, 10, 10, 10), b: box(30, 10, 10, 10), c: box(60, 60, 10, 10) });

  it('draws a band from empty space and selects what lies inside it', () => {
    const c = canvas(shapes(), ['c']);
    c.down(5, 50);
    expect(c.move(45, 5).band).toEqual({ minX: 5, minY: 5, maxX: 45, maxY: 50 });
    expect(c.up(45, 5).selection).toEqual(['a', 'b']);
  });

  it('adds to the selection with Shift', () => {
    const c = canvas(shapes(), ['c']);
    c.down(25, 5, { shift: true });
    c.move(45, 25);
    c.up(45, 25);
    expect(c.selection).toEqual(['c', 'b']);
  });
});

describe('handles', () => {
  it('resizes the selected box by its corner, previewing and committing one reshape', () => {
    const c = canvas({ a: box(10, 10, 20, 20), top: box(25, 25, 20, 20) }, ['a']);
    // The selected shape's handle wins over the shape drawn on top of it.
    c.down(30, 30);
    const moved = c.move(40, 35);
    expect(moved.started).toBe(true);
    expect(moved.preview).toEqual([{ id: 'a', geometry: box(10, 10, 30, 25) }]);
    expect(c.up(40, 36).commit).toEqual({
      kind: 'reshape',
      shapes: [{ id: 'a', geometry: box(10, 10, 30, 26) }],
    });
  });

  it('keeps the aspect ratio while Shift is held during the drag', () => {
    const c = canvas({ a: box(10, 10, 20, 10) }, ['a']);
    c.down(30, 20);
    expect(c.up(50, 22, { shift: true }).commit).toEqual({
      kind: 'reshape',
      shapes: [{ id: 'a', geometry: box(10, 10, 40, 20) }],
    });
  });

  it('commits nothing for a click on a handle or a drag that changes nothing', () => {
    const c = canvas({ a: box(0, 0, 20, 20) }, ['a']);
    expect(c.click(20, 20).up.commit).toBeUndefined();
    c.down(0, 0);
    c.move(-20, -20);
    expect(c.up(-30, -30).commit).toBeUndefined();
  });

  it('does not show handles while several shapes are selected', () => {
    const c = canvas({ a: box(10, 10, 20, 20), b: box(50, 50, 10, 10) }, ['a', 'b']);
    c.down(30, 30);
    c.move(35, 30);
    expect(c.up(35, 30).commit).toEqual({ kind: 'move', ids: ['a', 'b'], dx: 5, dy: 0 });
  });

  it('deletes a polygon vertex with Alt+click, down to three', () => {
    const c = canvas({ p: square }, ['p']);
    const step = c.down(50, 50, { alt: true });
    expect(step.commit).toEqual({
      kind: 'reshape',
      shapes: [
        {
          id: 'p',
          geometry: {
            kind: 'polygon',
            points: [
              { x: 10, y: 10 },
              { x: 50, y: 10 },
              { x: 10, y: 50 },
            ],
          },
        },
      ],
    });
    c.up(50, 50);
    expect(c.down(50, 10, { alt: true }).commit).toBeUndefined();
  });

  it('toggles a keypoint between visible and occluded with Alt+click', () => {
    const keypoints: Geometry = {
      kind: 'keypoints',
      points: [
        { ...imagePoint(10, 10), visibility: 2 },
        { ...imagePoint(30, 30), visibility: 2 },
      ],
    };
    const c = canvas({ k: keypoints }, ['k']);
    const step = c.down(30, 31, { alt: true });
    const edited = step.commit?.kind === 'reshape' ? step.commit.shapes[0]?.geometry : undefined;
    expect((edited as GeometryOf<'keypoints'>).points.map((p) => p.visibility)).toEqual([2, 1]);
  });

  it('inserts a vertex where the selected polygon’s edge is double-clicked', () => {
    const c = canvas({ p: square }, ['p']);
    c.down(30, 11);
    c.up(30, 11);
    const second = c.down(30, 10, { after: 150 });
    expect(second.commit).toEqual({
      kind: 'reshape',
      shapes: [
        {
          id: 'p',
          geometry: {
            kind: 'polygon',
            points: [
              { x: 10, y: 10 },
              { x: 30, y: 10 },
              { x: 50, y: 10 },
              { x: 50, y: 50 },
              { x: 10, y: 50 },
            ],
          },
        },
      ],
    });
    expect(c.selection).toEqual(['p']);
  });

  it('does not insert on two slow clicks, nor clear the selection near the outline', () => {
    const c = canvas({ p: square }, ['p']);
    // Just outside the polygon, where hit-testing alone would miss.
    c.click(30, 6);
    expect(c.selection).toEqual(['p']);
    expect(c.down(30, 6, { after: 500 }).commit).toBeUndefined();
  });
});

describe('Escape', () => {
  it('cancels a move: no commit, selection kept, and the release does nothing', () => {
    const c = canvas({ a: box(10, 10, 20, 20) }, ['a']);
    c.down(20, 20);
    c.move(35, 35);
    const escaped = c.escape();
    expect(escaped).toEqual({ state: idleSelect, cancelled: true });
    expect(c.up(35, 35)).toEqual({ state: idleSelect });
    expect(c.selection).toEqual(['a']);
  });

  it('cancels a handle drag and a rubber band', () => {
    const c = canvas({ a: box(10, 10, 20, 20) }, ['a']);
    c.down(30, 30);
    c.move(50, 50);
    expect(c.escape().cancelled).toBe(true);
    c.down(80, 70);
    c.move(60, 50);
    expect(c.escape().cancelled).toBe(true);
    expect(c.up(60, 50).selection).toBeUndefined();
    expect(c.selection).toEqual(['a']);
  });

  it('clears the selection when nothing is being dragged', () => {
    const c = canvas({ a: box(10, 10, 20, 20) }, ['a']);
    expect(c.escape().selection).toEqual([]);
  });
});
