/**
 * The drawing tools as pure state machines: the canvas feeds them pointer and key events in image pixels
 * and draws their preview; a step that finishes yields the geometry of the annotation to create.
 */

import type { Geometry } from '../../annotations/types';
import type { ImagePoint } from '../../geometry/spaces';
import type { DrawingTool, PointerInput, ToolEnv } from './types';
import { boxKey, boxPointer, boxPreview, type BoxDrawState } from './draw/box';
import { isMainButton, placedPoint, type DrawKey, type DrawPreview } from './draw/common';
import { keypointsKey, keypointsPointer, keypointsPreview, type KeypointsDrawState } from './draw/keypoints';
import { pathKey, pathPointer, pathPreview, type PathDrawState } from './draw/path';
import {
  rotatedBoxKey,
  rotatedBoxPointer,
  rotatedBoxPreview,
  type RotatedBoxDrawState,
} from './draw/rotatedBox';

export type { DrawKey, DrawPreview } from './draw/common';
export { DOUBLE_CLICK_MS } from './draw/common';

/** The point tool has nothing in progress: a click is the whole shape. */
export interface PointDrawState {
  readonly tool: 'point';
  readonly cursor?: ImagePoint;
}

export type DrawState =
  BoxDrawState | RotatedBoxDrawState | PathDrawState | PointDrawState | KeypointsDrawState;

export interface DrawStep {
  /** The next state; back to the tool's idle state after finishing or cancelling. */
  readonly state: DrawState;
  /** A complete geometry: the caller creates the annotation. */
  readonly finished?: Geometry;
  /** An in-progress shape was dropped (Escape, Backspace past the first vertex, or too small to keep). */
  readonly cancelled?: boolean;
}

/** The idle state of a tool. */
export function startDraw(tool: DrawingTool): DrawState {
  switch (tool) {
    case 'box':
    case 'rotated-box':
    case 'polygon':
    case 'polyline':
      return { tool, phase: 'idle' };
    case 'point':
      return { tool };
    case 'keypoints':
      return { tool, placed: [] };
  }
}

export function drawPointer(state: DrawState, input: PointerInput, env: ToolEnv): DrawStep {
  if (!isMainButton(input)) return { state };
  switch (state.tool) {
    case 'box':
      return boxPointer(state, input, env);
    case 'rotated-box':
      return rotatedBoxPointer(state, input, env);
    case 'polygon':
    case 'polyline':
      return pathPointer(state, input, env);
    case 'keypoints':
      return keypointsPointer(state, input, env);
    case 'point': {
      const point = placedPoint(input, env);
      const next: PointDrawState = { tool: 'point', cursor: point };
      return input.type === 'down'
        ? { state: next, finished: { kind: 'point', x: point.x, y: point.y } }
        : { state: next };
    }
  }
}

export function drawKey(state: DrawState, key: DrawKey, env: ToolEnv): DrawStep {
  switch (state.tool) {
    case 'box':
      return boxKey(state, key);
    case 'rotated-box':
      return rotatedBoxKey(state, key);
    case 'polygon':
    case 'polyline':
      return pathKey(state, key);
    case 'keypoints':
      return keypointsKey(state, key, env);
    case 'point':
      return { state };
  }
}

/** True while a shape is in progress, so Escape and Backspace belong to the tool rather than the canvas. */
export const isDrawing = (state: DrawState): boolean => {
  switch (state.tool) {
    case 'point':
      return false;
    case 'keypoints':
      return state.placed.length > 0;
    default:
      return state.phase !== 'idle';
  }
};

export function drawPreview(state: DrawState, env: ToolEnv): DrawPreview {
  switch (state.tool) {
    case 'box':
      return boxPreview(state, env);
    case 'rotated-box':
      return rotatedBoxPreview(state, env);
    case 'polygon':
    case 'polyline':
      return pathPreview(state, env);
    case 'keypoints':
      return keypointsPreview(state, env);
    case 'point':
      return { vertices: [], closeHint: false, cursor: state.cursor };
  }
}
