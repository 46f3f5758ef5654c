/**
 * EXIF orientation on tiles: which stored (raw) pixels an upright tile shows, so a pyramid of the stored
 * image can serve upright tiles without ever turning the whole image in memory.
 */

import type { Rect, Size } from './grid';

/** Orientations 5–8 turn the image by 90°, so the stored width is the upright height. */
export const swapsSides = (orientation: number): boolean => orientation >= 5 && orientation <= 8;

/** The stored size of an image whose upright size is `upright`. */
export const storedSize = (upright: Size, orientation: number): Size =>
  swapsSides(orientation) ? { width: upright.height, height: upright.width } : upright;

/**
 * The rectangle of the stored image (size `stored`) that holds the pixels of the upright rectangle `rect`.
 * Upright (x, y) shows stored pixel: 1 (x, y); 2 (w-1-x, y); 3 (w-1-x, h-1-y); 4 (x, h-1-y); 5 (y, x);
 * 6 (y, h-1-x); 7 (w-1-y, h-1-x); 8 (w-1-y, x), where w × h is the stored size (EXIF 2.32, tag 0x0112).
 */
export function storedRectOf(rect: Rect, stored: Size, orientation: number): Rect {
  const { x, y, width, height } = rect;
  const flipX = (from: number, size: number) => stored.width - from - size;
  const flipY = (from: number, size: number) => stored.height - from - size;
  switch (orientation) {
    case 2:
      return { x: flipX(x, width), y, width, height };
    case 3:
      return { x: flipX(x, width), y: flipY(y, height), width, height };
    case 4:
      return { x, y: flipY(y, height), width, height };
    case 5:
      return { x: y, y: x, width: height, height: width };
    case 6:
      return { x: y, y: flipY(x, width), width: height, height: width };
    case 7:
      return { x: flipX(y, height), y: flipY(x, width), width: height, height: width };
    case 8:
      return { x: flipX(y, height), y: x, width: height, height: width };
    default:
      return rect;
  }
}

/**
 * How to turn stored pixels upright with operations that rotate first and mirror after (sharp's order):
 * a clockwise rotation, then an optional left-right mirror.
 */
export function uprightTurn(orientation: number): {
  rotate: 0 | 90 | 180 | 270;
  mirror: 'none' | 'flop' | 'flip';
} {
  switch (orientation) {
    case 2:
      return { rotate: 0, mirror: 'flop' };
    case 3:
      return { rotate: 180, mirror: 'none' };
    case 4:
      return { rotate: 0, mirror: 'flip' };
    case 5:
      return { rotate: 90, mirror: 'flop' };
    case 6:
      return { rotate: 90, mirror: 'none' };
    case 7:
      return { rotate: 270, mirror: 'flop' };
    case 8:
      return { rotate: 270, mirror: 'none' };
    default:
      return { rotate: 0, mirror: 'none' };
  }
}
