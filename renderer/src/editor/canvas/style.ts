/** Sizes, colours and limits the painters share (screen px unless named otherwise), and the text tag they all draw. */

import type { Ctx, View } from './trace';

export const UNKNOWN_COLOR = '#9e9e9e';
export const HIGHLIGHT_COLOR = '#ff3b30';
/** Screen px. */
export const LINE_WIDTH = 1.5;
/**
 * Screen px, when more than THICK_LINES_MAX shapes are outlined: Skia's software raster strokes lines of
 * at most one device pixel as hairlines, measured 7–10× faster than 1.5 px (8k boxes: ~10 vs ~90 ms).
 */
export const THIN_LINE_WIDTH = 0.999;
/**
 * Screen px for one-pixel lines: just under 1, because 1/scale × scale can round to a hair over one device
 * pixel at some zoom levels, and then Skia leaves its hairline path and 10k outlines take 25–40× longer
 * (bench/canvas.ts --diagnose: 76–237 ms instead of 4–20 ms at ~5% of zoom levels).
 */
export const HAIRLINE = 0.999;
export const THICK_LINES_MAX = 300;
/** Filling overlapping areas costs more the more subpaths share one fill(); measured best near 32. */
export const FILL_CHUNK = 32;
export const FILL_ALPHA = 0.15;
export const LOCKED_ALPHA = 0.5;
/** Screen px: shapes smaller than this both ways are drawn as a one-pixel dot. */
export const TINY_PX = 0.5;
/** Screen px: a shape gets a text tag only when wider than this… */
export const LABEL_MIN_WIDTH_PX = 40;
/** …and only while no more than this many shapes qualify (text is the slowest thing on the canvas). */
export const MAX_LABELS = 300;
export const POINT_RADIUS_PX = 4;
export const KEYPOINT_RADIUS_PX = 3;
const FONT_PX = 11;
const TAG_HEIGHT_PX = 15;
const TAG_PAD_PX = 3;

export interface Tag {
  readonly x: number;
  readonly y: number;
  readonly text: string;
  readonly background: string;
  readonly color: string;
}

/** Text tags sitting on the top-left corner of their shapes (inside it when that corner is off screen). */
export function paintTags(ctx: Ctx, tags: readonly Tag[], view: View): void {
  const { scale, visible } = view;
  const height = TAG_HEIGHT_PX / scale;
  const pad = TAG_PAD_PX / scale;
  ctx.globalAlpha = 1;
  ctx.font = `${FONT_PX / scale}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  for (const tag of tags) {
    const top = tag.y - height < visible.minY ? tag.y : tag.y - height;
    const left = Math.max(tag.x, visible.minX);
    const width = ctx.measureText(tag.text).width + 2 * pad;
    ctx.fillStyle = tag.background;
    ctx.fillRect(left, top, width, height);
    ctx.fillStyle = tag.color;
    ctx.fillText(tag.text, left + pad, top + height / 2);
  }
}
