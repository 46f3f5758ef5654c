/** The three coordinate spaces (image pixels, normalized 0–1, screen pixels) as branded types, and the one place that converts between them. */

import type { Brand } from '../ids';

/*
 * Image space is continuous pixels: (0, 0) is the top-left corner of the top-left pixel and (width, height)
 * the bottom-right corner of the bottom-right pixel, so a box covering the whole image is
 * { x: 0, y: 0, width, height }. Normalized space divides by the image size (YOLO's convention, without
 * its centre form). Screen space is CSS pixels of the canvas element: screen = image × scale + (x, y).
 *
 * `ImagePoint` here is the branded form of the plain `{ x, y }` stored in annotations/types.ts; a branded
 * point is assignable to the stored one, and `asImagePoint` brands a stored point on the way in.
 */

interface Xy {
  readonly x: number;
  readonly y: number;
}

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type ImagePoint = Brand<Xy, 'ImagePoint'>;
export type NormalizedPoint = Brand<Xy, 'NormalizedPoint'>;
export type ScreenPoint = Brand<Xy, 'ScreenPoint'>;

/** An axis-aligned box by its top-left corner and size, in one of the three spaces. */
export type ImageBox = Brand<Rect, 'ImageBox'>;
export type NormalizedBox = Brand<Rect, 'NormalizedBox'>;
export type ScreenBox = Brand<Rect, 'ScreenBox'>;

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/** The viewer's pan and zoom, the same shape as renderer/src/viewer/viewport.ts (screen = image × scale + x). */
export interface Viewport {
  readonly scale: number;
  readonly x: number;
  readonly y: number;
}

export const imagePoint = (x: number, y: number): ImagePoint => ({ x, y }) as ImagePoint;
export const normalizedPoint = (x: number, y: number): NormalizedPoint => ({ x, y }) as NormalizedPoint;
export const screenPoint = (x: number, y: number): ScreenPoint => ({ x, y }) as ScreenPoint;

/** Brands a stored point (annotations/types.ts), which is in image pixels by definition. */
export const asImagePoint = (point: Xy): ImagePoint => imagePoint(point.x, point.y);

export const imageBox = (x: number, y: number, width: number, height: number): ImageBox =>
  ({ x, y, width, height }) as ImageBox;
export const normalizedBox = (x: number, y: number, width: number, height: number): NormalizedBox =>
  ({ x, y, width, height }) as NormalizedBox;
export const screenBox = (x: number, y: number, width: number, height: number): ScreenBox =>
  ({ x, y, width, height }) as ScreenBox;

/** Brands a stored box geometry (or any `{ x, y, width, height }` in image pixels). */
export const asImageBox = (box: Rect): ImageBox => imageBox(box.x, box.y, box.width, box.height);

// ---------------------------------------------------------------------------------------------------------
// Image ↔ normalized

export const imageToNormalized = (point: ImagePoint, size: ImageSize): NormalizedPoint =>
  normalizedPoint(point.x / size.width, point.y / size.height);

export const normalizedToImage = (point: NormalizedPoint, size: ImageSize): ImagePoint =>
  imagePoint(point.x * size.width, point.y * size.height);

export const imageBoxToNormalized = (box: ImageBox, size: ImageSize): NormalizedBox =>
  normalizedBox(box.x / size.width, box.y / size.height, box.width / size.width, box.height / size.height);

export const normalizedBoxToImage = (box: NormalizedBox, size: ImageSize): ImageBox =>
  imageBox(box.x * size.width, box.y * size.height, box.width * size.width, box.height * size.height);

// ---------------------------------------------------------------------------------------------------------
// Image ↔ screen

export const imageToScreen = (point: ImagePoint, viewport: Viewport): ScreenPoint =>
  screenPoint(point.x * viewport.scale + viewport.x, point.y * viewport.scale + viewport.y);

export const screenToImage = (point: ScreenPoint, viewport: Viewport): ImagePoint =>
  imagePoint((point.x - viewport.x) / viewport.scale, (point.y - viewport.y) / viewport.scale);

/** Scale is positive (the viewer clamps it), so a box keeps its orientation on screen. */
export const imageBoxToScreen = (box: ImageBox, viewport: Viewport): ScreenBox =>
  screenBox(
    box.x * viewport.scale + viewport.x,
    box.y * viewport.scale + viewport.y,
    box.width * viewport.scale,
    box.height * viewport.scale,
  );

export const screenBoxToImage = (box: ScreenBox, viewport: Viewport): ImageBox =>
  imageBox(
    (box.x - viewport.x) / viewport.scale,
    (box.y - viewport.y) / viewport.scale,
    box.width / viewport.scale,
    box.height / viewport.scale,
  );

/** A length on screen (a hit tolerance, a handle size) as image pixels at this zoom. */
export const screenLengthToImage = (length: number, viewport: Pick<Viewport, 'scale'>): number =>
  length / viewport.scale;

// ---------------------------------------------------------------------------------------------------------
// Clamping

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

/** The nearest point on or inside the image (0 ≤ x ≤ width, 0 ≤ y ≤ height). */
export const clampToImage = (point: ImagePoint, size: ImageSize): ImagePoint =>
  imagePoint(clamp(point.x, 0, size.width), clamp(point.y, 0, size.height));

/** The nearest point in the unit square, where YOLO requires its coordinates to lie. */
export const clampNormalized = (point: NormalizedPoint): NormalizedPoint =>
  normalizedPoint(clamp(point.x, 0, 1), clamp(point.y, 0, 1));
