/**
 * The polygon and polyline tools: click vertex after vertex, or press and trace a freehand stroke; a
 * polygon closes on its first vertex, either finishes with Enter or a double click.
 */

import type { Geometry } from '../../../annotations/types';
import { simplifyPath, simplifyRing } from '../../../geometry/simplify';
import { screenLengthToImage, type ImagePoint } from '../../../geometry/spaces';
import type { PointerInput, ToolEnv } from '../types';
import {
  isDoubleClick,
  isDrag,
  isNear,
  placedPoint,
  type DrawKey,
  type DrawPreview,
  type Press,
  type Step,
} from './common';

export type PathTool = 'polygon' | 'polyline';

export type PathDrawState =
  /** `lastPress` is the press that finished the previous shape, so the second half of a double click is not a new one. */
  | {
      readonly tool: PathTool;
      readonly phase: 'idle';
      readonly cursor?: ImagePoint;
      readonly lastPress?: Press;
    }
  /** The first press, still down: a click places the first vertex, a drag traces a freehand stroke. */
  | {
      readonly tool: PathTool;
      readonly phase: 'pressed';
      readonly press: Press;
      readonly trace: readonly ImagePoint[];
      readonly freehand: boolean;
      readonly cursor: ImagePoint;
    }
  | {
      readonly tool: PathTool;
      readonly phase: 'placing';
      readonly vertices: readonly ImagePoint[];
      readonly cursor: ImagePoint;
      readonly lastPress: Press;
    };

/** Screen pixels: how far a traced stroke may stray from its simplified polygon (about the pointer's precision). */
const FREEHAND_TOLERANCE_PX = 1;

const minVertices = (tool: PathTool): number => (tool === 'polygon' ? 3 : 2);

const idle = (tool: PathTool, cursor?: ImagePoint, lastPress?: Press): PathDrawState => ({
  tool,
  phase: 'idle',
  cursor,
  lastPress,
});

const pathGeometry = (tool: PathTool, points: readonly ImagePoint[]): Geometry => ({ kind: tool, points });

function finishTrace(state: Extract<PathDrawState, { phase: 'pressed' }>, env: ToolEnv): Step<PathDrawState> {
  const tolerance = screenLengthToImage(FREEHAND_TOLERANCE_PX, env);
  const points =
    state.tool === 'polygon' ? simplifyRing(state.trace, tolerance) : simplifyPath(state.trace, tolerance);
  const next = idle(state.tool, state.cursor);
  return points.length >= minVertices(state.tool)
    ? { state: next, finished: pathGeometry(state.tool, points) }
    : { state: next, cancelled: true };
}

function placeVertex(
  state: Extract<PathDrawState, { phase: 'placing' }>,
  point: ImagePoint,
  time: number,
  env: ToolEnv,
): Step<PathDrawState> {
  const { tool, vertices } = state;
  const press = { point, time };
  const first = vertices[0];
  if (tool === 'polygon' && first !== undefined && vertices.length >= 3 && isNear(point, first, env)) {
    return { state: idle(tool, point, press), finished: pathGeometry(tool, vertices) };
  }
  // The first press of a double click already placed its vertex; the second only finishes.
  if (isDoubleClick(state.lastPress, point, time, env)) {
    if (vertices.length >= minVertices(tool)) {
      return { state: idle(tool, point, press), finished: pathGeometry(tool, vertices) };
    }
    return { state: { ...state, cursor: point, lastPress: press } };
  }
  const last = vertices[vertices.length - 1];
  if (last !== undefined && last.x === point.x && last.y === point.y) {
    return { state: { ...state, cursor: point, lastPress: press } };
  }
  return { state: { ...state, vertices: [...vertices, point], cursor: point, lastPress: press } };
}

export function pathPointer(state: PathDrawState, input: PointerInput, env: ToolEnv): Step<PathDrawState> {
  const point = placedPoint(input, env);
  switch (state.phase) {
    case 'idle':
      if (input.type !== 'down') return { state: { ...state, cursor: point } };
      if (isDoubleClick(state.lastPress, point, input.time, env)) return { state: idle(state.tool, point) };
      return {
        state: {
          tool: state.tool,
          phase: 'pressed',
          press: { point, time: input.time },
          trace: [point],
          freehand: false,
          cursor: point,
        },
      };
    case 'pressed': {
      if (input.type === 'down') return { state };
      const freehand = state.freehand || isDrag(state.press.point, point, env);
      const moved = { ...state, trace: [...state.trace, point], freehand, cursor: point };
      if (input.type === 'move') return { state: moved };
      if (freehand) return finishTrace(moved, env);
      return {
        state: {
          tool: state.tool,
          phase: 'placing',
          vertices: [state.press.point],
          cursor: point,
          lastPress: state.press,
        },
      };
    }
    case 'placing':
      if (input.type !== 'down') return { state: { ...state, cursor: point } };
      return placeVertex(state, point, input.time, env);
  }
}

export function pathKey(state: PathDrawState, key: DrawKey): Step<PathDrawState> {
  if (state.phase === 'idle') return { state };
  const cancel: Step<PathDrawState> = { state: idle(state.tool, state.cursor), cancelled: true };
  if (key === 'Escape') return cancel;
  if (state.phase === 'pressed') return key === 'Backspace' ? cancel : { state };
  if (key === 'Enter') {
    return state.vertices.length >= minVertices(state.tool)
      ? { state: idle(state.tool, state.cursor), finished: pathGeometry(state.tool, state.vertices) }
      : { state };
  }
  if (key === 'Backspace') {
    if (state.vertices.length <= 1) return cancel;
    return { state: { ...state, vertices: state.vertices.slice(0, -1) } };
  }
  return { state };
}

export function pathPreview(state: PathDrawState, env: ToolEnv): DrawPreview {
  switch (state.phase) {
    case 'idle':
      return { vertices: [], closeHint: false, cursor: state.cursor };
    case 'pressed':
      return state.freehand
        ? {
            geometry: pathGeometry(state.tool, state.trace),
            vertices: [],
            closeHint: false,
            cursor: state.cursor,
          }
        : { vertices: [state.press.point], closeHint: false, cursor: state.cursor };
    case 'placing': {
      const { tool, vertices, cursor } = state;
      const first = vertices[0];
      const closeHint =
        tool === 'polygon' && first !== undefined && vertices.length >= 3 && isNear(cursor, first, env);
      const points = closeHint ? vertices : [...vertices, cursor];
      return { geometry: pathGeometry(tool, points), vertices, closeHint, cursor };
    }
  }
}
