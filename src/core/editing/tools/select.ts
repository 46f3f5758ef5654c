/** The select tool: a plain state machine from pointer events to selection changes, live previews and move or reshape edits. */

import type { AnnotationId, Geometry } from '../../annotations/types';
import { boundsOfCorners, geometryBounds, translateGeometry, type Bounds } from '../../geometry/shapes';
import type { ImagePoint } from '../../geometry/spaces';
import {
  cycleKeypointVisibility,
  deleteVertex,
  dragHandle,
  handleAt,
  insertVertex,
  type HandleId,
} from './handles';
import { DRAG_THRESHOLD_PX, HANDLE_PX, type PointerInput, type ToolEnv } from './types';

/** Two presses this close in time (and within HANDLE_PX) are a double click. */
export const DOUBLE_CLICK_MS = 400;

/** What the select tool needs from the image's annotations; hidden and locked ones are not editable. */
export interface SelectScene {
  readonly selection: readonly AnnotationId[];
  /** Only editable (not hidden, not locked) annotations. */
  geometryOf(id: AnnotationId): Geometry | undefined;
  /** Topmost editable annotation under the point (the caller asks its spatial index). */
  hitAt(point: ImagePoint): AnnotationId | undefined;
  /** Editable annotations the rubber band selects. */
  inBand(bounds: Bounds): AnnotationId[];
}

export interface EditedShape {
  readonly id: AnnotationId;
  readonly geometry: Geometry;
}

interface Press {
  readonly point: ImagePoint;
  readonly time: number;
}

/** What a press landed on, decided at the press and acted on at release or once it becomes a drag. */
export type PressTarget =
  /** `ids` move if it becomes a drag; `clickSelection` is the selection a plain click leaves, when it changes one. */
  | {
      readonly kind: 'shape';
      readonly ids: readonly AnnotationId[];
      readonly clickSelection?: readonly AnnotationId[];
    }
  | { readonly kind: 'empty'; readonly base: readonly AnnotationId[]; readonly additive: boolean }
  | { readonly kind: 'handle'; readonly shape: EditedShape; readonly handle: HandleId };

export type SelectState =
  /** `lastPress` is the press of the last click, to tell a double click. */
  | { readonly kind: 'idle'; readonly lastPress?: Press }
  /** Down but not yet past the drag threshold: still maybe a click. */
  | { readonly kind: 'pressing'; readonly press: Press; readonly target: PressTarget }
  | {
      readonly kind: 'moving';
      readonly origin: ImagePoint;
      readonly shapes: readonly EditedShape[];
      /** Bounds of all moved shapes, which keep the move inside the image. */
      readonly bounds: Bounds;
    }
  | {
      readonly kind: 'reshaping';
      readonly origin: ImagePoint;
      readonly shape: EditedShape;
      readonly handle: HandleId;
    }
  | {
      readonly kind: 'band';
      readonly origin: ImagePoint;
      readonly base: readonly AnnotationId[];
      readonly additive: boolean;
    };

export type SelectCommit =
  | { readonly kind: 'move'; readonly ids: readonly AnnotationId[]; readonly dx: number; readonly dy: number }
  | { readonly kind: 'reshape'; readonly shapes: readonly EditedShape[] };

export interface SelectStep {
  readonly state: SelectState;
  /** The new selection, only when it changed. */
  readonly selection?: readonly AnnotationId[];
  /** Live geometry of what is being dragged: draw these instead of the stored ones. */
  readonly preview?: readonly EditedShape[];
  /** The rubber band to draw. */
  readonly band?: Bounds;
  /** An edit to make, as one undo step. */
  readonly commit?: SelectCommit;
  /** A move or handle drag began: the caller may take the previewed shapes off its static layer. */
  readonly started?: boolean;
  readonly cancelled?: boolean;
}

export const idleSelect: SelectState = { kind: 'idle' };

export const isDragging = (state: SelectState): boolean =>
  state.kind === 'moving' || state.kind === 'reshaping' || state.kind === 'band';

/**
 * One pointer event. Only the main button presses and releases; moves are taken whatever their button
 * (browsers report −1 on pointermove), and the middle button is left to the canvas for panning.
 */
export function selectPointer(
  state: SelectState,
  input: PointerInput,
  env: ToolEnv,
  scene: SelectScene,
): SelectStep {
  if (input.button !== 0 && input.type !== 'move') return { state };
  if (input.type === 'down') {
    // A down without the previous up (released outside the window) drops what was under way.
    const step = press(state.kind === 'idle' ? state.lastPress : undefined, input, env, scene);
    return isDragging(state) ? { ...step, cancelled: true } : step;
  }
  switch (state.kind) {
    case 'idle':
      return { state };
    case 'pressing':
      if (pastThreshold(state.press.point, input.point, env)) {
        const started = startDrag(state, input, env, scene);
        // A fast release may come with no move in between: end the drag it started.
        return input.type === 'up' ? selectPointer(started.state, input, env, scene) : started;
      }
      return input.type === 'up' ? click(state, scene) : { state };
    case 'moving': {
      const { dx, dy } = moveDelta(state, input.point, env);
      if (input.type === 'move')
        return {
          state,
          preview: state.shapes.map((s) => ({ id: s.id, geometry: translateGeometry(s.geometry, dx, dy) })),
        };
      if (dx === 0 && dy === 0) return { state: idleSelect };
      return { state: idleSelect, commit: { kind: 'move', ids: state.shapes.map((s) => s.id), dx, dy } };
    }
    case 'reshaping': {
      const geometry = dragHandle(state.shape.geometry, state.handle, state.origin, input.point, {
        keepAspect: input.shift,
        imageSize: env.imageSize,
      });
      if (input.type === 'move') return { state, preview: [{ id: state.shape.id, geometry }] };
      if (sameValue(geometry, state.shape.geometry)) return { state: idleSelect };
      return { state: idleSelect, commit: { kind: 'reshape', shapes: [{ id: state.shape.id, geometry }] } };
    }
    case 'band': {
      const band = boundsOfCorners(state.origin, input.point);
      if (input.type === 'move') return { state, band };
      const inBand = scene.inBand(band);
      const selection = state.additive
        ? [...state.base, ...inBand.filter((id) => !state.base.includes(id))]
        : inBand;
      return withSelection({ state: idleSelect }, scene, selection);
    }
  }
}

/** Escape: cancels a press or drag under way (its preview is dropped, nothing is committed), else clears the selection. */
export function selectEscape(state: SelectState): SelectStep {
  if (state.kind === 'idle') return { state: idleSelect, selection: [] };
  return { state: idleSelect, cancelled: true };
}

// ---------------------------------------------------------------------------------------------------------

function press(
  lastPress: Press | undefined,
  input: PointerInput,
  env: ToolEnv,
  scene: SelectScene,
): SelectStep {
  const here: Press = { point: input.point, time: input.time };
  const pressing = (target: PressTarget): SelectState => ({ kind: 'pressing', press: here, target });
  const only = scene.selection.length === 1 ? scene.selection[0] : undefined;
  const geometry = only === undefined ? undefined : scene.geometryOf(only);
  let onEdge = false;
  if (only !== undefined && geometry !== undefined) {
    // The selected shape's handles come first, even where another shape lies on top (Figma).
    const shape: EditedShape = { id: only, geometry };
    const handle = handleAt(geometry, input.point, env.scale);
    if (handle !== undefined) {
      if (input.alt && handle.kind === 'vertex') {
        // CVAT: Alt+click deletes a vertex, or toggles a keypoint between visible and occluded.
        const edited =
          geometry.kind === 'keypoints'
            ? cycleKeypointVisibility(geometry, handle.index)
            : deleteVertex(geometry, handle.index);
        return edited ? reshape(shape, edited) : { state: idleSelect };
      }
      return { state: pressing({ kind: 'handle', shape, handle }) };
    }
    const inserted = insertVertex(geometry, input.point, env.scale);
    if (inserted && isDoubleClick(lastPress, here, env)) return reshape(shape, inserted.geometry);
    // Near the outline counts as on the shape even where hit-testing would miss, so a double click's first
    // press does not clear the selection it needs.
    onEdge = inserted !== undefined;
  }
  const hit = onEdge ? only : scene.hitAt(input.point);
  if (hit === undefined)
    return { state: pressing({ kind: 'empty', base: scene.selection, additive: input.shift }) };
  if (!scene.selection.includes(hit)) {
    const selection = input.shift ? [...scene.selection, hit] : [hit];
    return { state: pressing({ kind: 'shape', ids: selection }), selection };
  }
  // Already selected: the selection waits for the release, so dragging moves all of it (Figma).
  const clickSelection = input.shift
    ? scene.selection.filter((id) => id !== hit)
    : scene.selection.length > 1
      ? [hit]
      : undefined;
  return { state: pressing({ kind: 'shape', ids: scene.selection, clickSelection }) };
}

function click(state: Extract<SelectState, { kind: 'pressing' }>, scene: SelectScene): SelectStep {
  const idle: SelectState = { kind: 'idle', lastPress: state.press };
  const target = state.target;
  if (target.kind === 'shape' && target.clickSelection)
    return withSelection({ state: idle }, scene, target.clickSelection);
  if (target.kind === 'empty' && !target.additive) return withSelection({ state: idle }, scene, []);
  return { state: idle };
}

function startDrag(
  state: Extract<SelectState, { kind: 'pressing' }>,
  input: PointerInput,
  env: ToolEnv,
  scene: SelectScene,
): SelectStep {
  const origin = state.press.point;
  const target = state.target;
  const drag = (next: SelectState): SelectStep => ({
    ...selectPointer(next, { ...input, type: 'move' }, env, scene),
    ...(next.kind === 'band' ? {} : { started: true }),
  });
  switch (target.kind) {
    case 'empty':
      return drag({ kind: 'band', origin, base: target.base, additive: target.additive });
    case 'handle':
      return drag({ kind: 'reshaping', origin, shape: target.shape, handle: target.handle });
    case 'shape': {
      const shapes = target.ids.flatMap((id) => {
        const geometry = scene.geometryOf(id);
        return geometry ? [{ id, geometry }] : [];
      });
      if (shapes.length === 0) return { state: idleSelect };
      const bounds = shapes.map((s) => geometryBounds(s.geometry)).reduce(unionBounds);
      return drag({ kind: 'moving', origin, shapes, bounds });
    }
  }
}

function reshape(shape: EditedShape, geometry: Geometry): SelectStep {
  return { state: idleSelect, commit: { kind: 'reshape', shapes: [{ id: shape.id, geometry }] } };
}

/**
 * The pointer's travel, limited so the moved shapes' bounds stay inside the image. A shape already
 * reaching outside may come back in but not go further out, and never jumps.
 */
function moveDelta(state: Extract<SelectState, { kind: 'moving' }>, point: ImagePoint, env: ToolEnv) {
  const { minX, minY, maxX, maxY } = state.bounds;
  const { width, height } = env.imageSize;
  const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);
  return {
    dx: clamp(point.x - state.origin.x, Math.min(0, -minX), Math.max(0, width - maxX)),
    dy: clamp(point.y - state.origin.y, Math.min(0, -minY), Math.max(0, height - maxY)),
  };
}

/** DRAG_THRESHOLD_PX is in screen pixels, so the same hand movement starts a drag at every zoom. */
const pastThreshold = (from: ImagePoint, to: ImagePoint, env: ToolEnv): boolean =>
  Math.hypot(to.x - from.x, to.y - from.y) > DRAG_THRESHOLD_PX / env.scale;

const isDoubleClick = (last: Press | undefined, now: Press, env: ToolEnv): boolean =>
  last !== undefined &&
  now.time - last.time <= DOUBLE_CLICK_MS &&
  Math.hypot(now.point.x - last.point.x, now.point.y - last.point.y) <= HANDLE_PX / env.scale;

// Empty bounds (keypoints with none labeled) have min > max and so drop out of the union.
const unionBounds = (a: Bounds, b: Bounds): Bounds => ({
  minX: Math.min(a.minX, b.minX),
  minY: Math.min(a.minY, b.minY),
  maxX: Math.max(a.maxX, b.maxX),
  maxY: Math.max(a.maxY, b.maxY),
});

function withSelection(step: SelectStep, scene: SelectScene, selection: readonly AnnotationId[]): SelectStep {
  const same =
    selection.length === scene.selection.length && selection.every((id) => scene.selection.includes(id));
  return same ? step : { ...step, selection };
}

/** Structural equality of plain data, to skip committing a handle drag that changed nothing. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
