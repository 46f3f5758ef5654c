/** What the drawing tools share: the step they yield, where a pointer lands, and click, drag and double-click tests. */

import type { Geometry } from '../../../annotations/types';
import { clampToImage, screenLengthToImage, type ImagePoint } from '../../../geometry/spaces';
import { DRAG_THRESHOLD_PX, HANDLE_PX, type PointerInput, type ToolEnv } from '../types';

/** Two presses this close in time (and within HANDLE_PX) are a double click; the usual OS default. */
export const DOUBLE_CLICK_MS = 400;

/** 'absent' marks the current keypoint absent and goes on to the next. */
export type DrawKey = 'Enter' | 'Escape' | 'Backspace' | 'absent';

/** What the canvas draws while a shape is in progress. */
export interface DrawPreview {
  /** The shape as it would be if finished now (the box being dragged, the polygon with the cursor as its next vertex, …). */
  readonly geometry?: Geometry;
  /** Placed vertices or keypoints, drawn as dots. */
  readonly vertices: readonly ImagePoint[];
  /** Polygon: the pointer is over the first vertex, so a click closes it. */
  readonly closeHint: boolean;
  /** Keypoints: the name of the keypoint the next click places. */
  readonly nextKeypoint?: string;
  /** The last pointer position, for crosshair guides. */
  readonly cursor?: ImagePoint;
}

/** One step of a drawing tool: its next state, and the shape it finished or dropped, if any. */
export interface Step<S> {
  readonly state: S;
  readonly finished?: Geometry;
  readonly cancelled?: boolean;
}

/** A press, remembered to tell a double click from two clicks. */
export interface Press {
  readonly point: ImagePoint;
  readonly time: number;
}

/** Where the pointer puts a point: on the image, since a shape must lie inside it. */
export const placedPoint = (input: PointerInput, env: ToolEnv): ImagePoint =>
  clampToImage(input.point, env.imageSize);

export const distance = (a: ImagePoint, b: ImagePoint): number => Math.hypot(a.x - b.x, a.y - b.y);

/** Whether a press has travelled far enough on screen to be a drag rather than a click. */
export const isDrag = (from: ImagePoint, to: ImagePoint, env: ToolEnv): boolean =>
  distance(from, to) >= screenLengthToImage(DRAG_THRESHOLD_PX, env);

/** Whether a point is close enough on screen to grab a vertex at `target`. */
export const isNear = (point: ImagePoint, target: ImagePoint, env: ToolEnv): boolean =>
  distance(point, target) <= screenLengthToImage(HANDLE_PX, env);

export const isDoubleClick = (
  previous: Press | undefined,
  point: ImagePoint,
  time: number,
  env: ToolEnv,
): boolean =>
  previous !== undefined &&
  time - previous.time >= 0 &&
  time - previous.time <= DOUBLE_CLICK_MS &&
  isNear(point, previous.point, env);

/** Presses and releases of the middle (pan) or secondary (menu) button are not drawing. */
export const isMainButton = (input: PointerInput): boolean => input.type === 'move' || input.button === 0;
