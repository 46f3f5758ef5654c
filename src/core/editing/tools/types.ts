/**
 * What every canvas tool shares: pointer and key input in image pixels, the environment it draws in, and
 * what a step of a tool yields. Tools are plain state machines (idle → drawing → done); the canvas only
 * feeds them events and draws their previews.
 */

import type { ImagePoint, ImageSize } from '../../geometry/spaces';

export const DRAWING_TOOLS = ['box', 'rotated-box', 'polygon', 'polyline', 'point', 'keypoints'] as const;
export type DrawingTool = (typeof DRAWING_TOOLS)[number];
/** `select` edits what exists; the others draw a new annotation of their geometry. */
export type ToolKind = 'select' | DrawingTool;

export interface PointerInput {
  readonly type: 'down' | 'move' | 'up';
  /** Where the pointer is, in image pixels (may lie outside the image). */
  readonly point: ImagePoint;
  /** 0 main, 1 middle, 2 secondary. */
  readonly button: number;
  readonly shift: boolean;
  readonly alt: boolean;
  /** Ctrl, or ⌘ on macOS. */
  readonly mod: boolean;
  /** Milliseconds (event.timeStamp); tells a double click from two clicks. */
  readonly time: number;
}

export interface ToolEnv {
  readonly imageSize: ImageSize;
  /** Screen pixels per image pixel, so grab and snap distances feel the same at every zoom. */
  readonly scale: number;
  /** Keypoint names of the active class's skeleton, in order; empty when it has none. */
  readonly skeleton: readonly string[];
}

/** Screen pixels: how far a press must travel to count as a drag rather than a click. */
export const DRAG_THRESHOLD_PX = 4;
/** Screen pixels: how close a new box edge must come to an image border to snap onto it. */
export const SNAP_PX = 8;
/** Screen pixels: how close a click must be to a handle or vertex to grab it. */
export const HANDLE_PX = 7;
