/** The rotated-box tool: two clicks set one edge (its direction and width), a third sets the height across it. */

import type { RotatedBoxGeometry } from '../../../geometry/shapes';
import { normalizeAngle } from '../../../geometry/shapes';
import type { ImagePoint, ImageSize } from '../../../geometry/spaces';
import type { PointerInput, ToolEnv } from '../types';
import { distance, isDrag, placedPoint, type DrawKey, type DrawPreview, type Step } from './common';

export type RotatedBoxDrawState =
  | { readonly tool: 'rotated-box'; readonly phase: 'idle'; readonly cursor?: ImagePoint }
  /** The first corner is placed; `pressed` while its button is still down, when dragging out the edge also works. */
  | {
      readonly tool: 'rotated-box';
      readonly phase: 'edge';
      readonly first: ImagePoint;
      readonly cursor: ImagePoint;
      readonly pressed: boolean;
    }
  /** The first edge is placed; the pointer's distance across it is the height. */
  | {
      readonly tool: 'rotated-box';
      readonly phase: 'height';
      readonly first: ImagePoint;
      readonly second: ImagePoint;
      readonly cursor: ImagePoint;
    };

const idle = (cursor?: ImagePoint): RotatedBoxDrawState => ({ tool: 'rotated-box', phase: 'idle', cursor });

/** How far `p` can move along the unit vector (nx, ny) and stay on the image. */
function room(p: ImagePoint, nx: number, ny: number, size: ImageSize): number {
  const along = (at: number, d: number, max: number) => (d > 0 ? (max - at) / d : d < 0 ? -at / d : Infinity);
  return Math.min(along(p.x, nx, size.width), along(p.y, ny, size.height));
}

/**
 * The box whose edge runs from `first` to `second` (its angle is that edge's direction, clockwise on
 * screen) and which reaches across it as far as `cursor`, but no further than the image. The clicked
 * points are corners 0 and 1 of rotatedBoxCorners when the box lies to the right of the edge as drawn
 * on screen (y down), corners 3 and 2 when to its left.
 */
export function rotatedBoxFrom(
  first: ImagePoint,
  second: ImagePoint,
  cursor: ImagePoint,
  env: ToolEnv,
): RotatedBoxGeometry {
  const width = distance(first, second);
  const ux = width > 0 ? (second.x - first.x) / width : 1;
  const uy = width > 0 ? (second.y - first.y) / width : 0;
  // The unit normal a quarter turn clockwise on screen from the edge: the box's "down" side.
  const nx = -uy;
  const ny = ux;
  const across = (cursor.x - first.x) * nx + (cursor.y - first.y) * ny;
  const side = across < 0 ? -1 : 1;
  const height = Math.min(
    Math.abs(across),
    room(first, side * nx, side * ny, env.imageSize),
    room(second, side * nx, side * ny, env.imageSize),
  );
  const offset = (side * height) / 2;
  return {
    kind: 'rotated-box',
    cx: (first.x + second.x) / 2 + nx * offset,
    cy: (first.y + second.y) / 2 + ny * offset,
    width,
    height,
    angle: normalizeAngle((Math.atan2(uy, ux) * 180) / Math.PI),
  };
}

export function rotatedBoxPointer(
  state: RotatedBoxDrawState,
  input: PointerInput,
  env: ToolEnv,
): Step<RotatedBoxDrawState> {
  const point = placedPoint(input, env);
  switch (state.phase) {
    case 'idle':
      if (input.type !== 'down') return { state: idle(point) };
      return { state: { tool: 'rotated-box', phase: 'edge', first: point, cursor: point, pressed: true } };
    case 'edge': {
      if (input.type === 'move') return { state: { ...state, cursor: point } };
      // A point within the drag threshold of the first corner (a double click, a jitter) makes no edge.
      const isEdge = isDrag(state.first, point, env);
      const height = (): Step<RotatedBoxDrawState> => ({
        state: { tool: 'rotated-box', phase: 'height', first: state.first, second: point, cursor: point },
      });
      if (input.type === 'up') {
        if (!state.pressed) return { state: { ...state, cursor: point } };
        return isEdge ? height() : { state: { ...state, cursor: point, pressed: false } };
      }
      return isEdge ? height() : { state: { ...state, cursor: point } };
    }
    case 'height': {
      if (input.type !== 'down') return { state: { ...state, cursor: point } };
      const box = rotatedBoxFrom(state.first, state.second, point, env);
      if (box.height === 0) return { state: { ...state, cursor: point } };
      return { state: idle(point), finished: box };
    }
  }
}

export function rotatedBoxKey(state: RotatedBoxDrawState, key: DrawKey): Step<RotatedBoxDrawState> {
  if (state.phase === 'idle') return { state };
  if (key === 'Escape') return { state: idle(state.cursor), cancelled: true };
  if (key !== 'Backspace') return { state };
  if (state.phase === 'height') {
    return {
      state: { tool: 'rotated-box', phase: 'edge', first: state.first, cursor: state.cursor, pressed: false },
    };
  }
  return { state: idle(state.cursor), cancelled: true };
}

export function rotatedBoxPreview(state: RotatedBoxDrawState, env: ToolEnv): DrawPreview {
  switch (state.phase) {
    case 'idle':
      return { vertices: [], closeHint: false, cursor: state.cursor };
    case 'edge':
      // The edge so far, as a box of no height (drawn as a line).
      return {
        geometry: rotatedBoxFrom(state.first, state.cursor, state.first, env),
        vertices: [state.first],
        closeHint: false,
        cursor: state.cursor,
      };
    case 'height':
      return {
        geometry: rotatedBoxFrom(state.first, state.second, state.cursor, env),
        vertices: [state.first, state.second],
        closeHint: false,
        cursor: state.cursor,
      };
  }
}
