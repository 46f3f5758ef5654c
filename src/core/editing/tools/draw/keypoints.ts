/** The keypoints tool: one click per skeleton keypoint in order, marking each visible, occluded or absent. */

import type { KeypointVisibility } from '../../../annotations/types';
import { isLabeledKeypoint, type GeometryOf } from '../../../geometry/shapes';
import { imagePoint, type ImagePoint } from '../../../geometry/spaces';
import type { PointerInput, ToolEnv } from '../types';
import { placedPoint, type DrawKey, type DrawPreview, type Step } from './common';

type Keypoint = GeometryOf<'keypoints'>['points'][number];

/** `placed` holds the first keypoints of the skeleton, in its order. */
export interface KeypointsDrawState {
  readonly tool: 'keypoints';
  readonly placed: readonly Keypoint[];
  readonly cursor?: ImagePoint;
}

const idle = (cursor?: ImagePoint): KeypointsDrawState => ({ tool: 'keypoints', placed: [], cursor });

/** COCO writes an absent keypoint as 0, 0, 0. */
const ABSENT: Keypoint = { x: 0, y: 0, visibility: 0 };

/** The keypoints placed so far, with the rest of the skeleton absent; undefined when none is labeled. */
function keypointsGeometry(placed: readonly Keypoint[], env: ToolEnv): GeometryOf<'keypoints'> | undefined {
  if (!placed.some(isLabeledKeypoint)) return undefined;
  const rest = env.skeleton.slice(placed.length).map(() => ABSENT);
  return { kind: 'keypoints', points: [...placed.slice(0, env.skeleton.length), ...rest] };
}

/** Adds a keypoint, and finishes once every keypoint of the skeleton has one. */
function place(state: KeypointsDrawState, keypoint: Keypoint, env: ToolEnv): Step<KeypointsDrawState> {
  if (env.skeleton.length === 0) return { state };
  const placed = [...state.placed, keypoint];
  if (placed.length < env.skeleton.length) return { state: { ...state, placed } };
  const geometry = keypointsGeometry(placed, env);
  return geometry
    ? { state: idle(state.cursor), finished: geometry }
    : { state: idle(state.cursor), cancelled: true };
}

export function keypointsPointer(
  state: KeypointsDrawState,
  input: PointerInput,
  env: ToolEnv,
): Step<KeypointsDrawState> {
  const point = placedPoint(input, env);
  const moved = { ...state, cursor: point };
  if (input.type !== 'down') return { state: moved };
  // Alt or Shift: the keypoint is there but hidden (COCO v = 1), as CVAT's occluded flag.
  const visibility: KeypointVisibility = input.alt || input.shift ? 1 : 2;
  return place(moved, { x: point.x, y: point.y, visibility }, env);
}

export function keypointsKey(
  state: KeypointsDrawState,
  key: DrawKey,
  env: ToolEnv,
): Step<KeypointsDrawState> {
  switch (key) {
    case 'absent':
      return place(state, ABSENT, env);
    case 'Backspace':
      if (state.placed.length === 0) return { state };
      if (state.placed.length === 1) return { state: idle(state.cursor), cancelled: true };
      return { state: { ...state, placed: state.placed.slice(0, -1) } };
    case 'Escape':
      return state.placed.length === 0 ? { state } : { state: idle(state.cursor), cancelled: true };
    case 'Enter': {
      // Finishing early leaves the remaining keypoints absent (not in view, or not worth labeling).
      if (state.placed.length === 0) return { state };
      const geometry = keypointsGeometry(state.placed, env);
      return geometry
        ? { state: idle(state.cursor), finished: geometry }
        : { state: idle(state.cursor), cancelled: true };
    }
  }
}

export function keypointsPreview(state: KeypointsDrawState, env: ToolEnv): DrawPreview {
  return {
    geometry: keypointsGeometry(state.placed, env),
    vertices: state.placed.filter(isLabeledKeypoint).map((p) => imagePoint(p.x, p.y)),
    closeHint: false,
    nextKeypoint: env.skeleton[state.placed.length],
    cursor: state.cursor,
  };
}
