/** Painters for the interactive layer: selection outlines and handles, the shape being drawn, crosshair guides and the rubber band. */

import type { Geometry } from '../../../../src/core/annotations/types';
import type { Bounds } from '../../../../src/core/geometry/shapes';
import { HAIRLINE } from './style';
import { traceArea, traceCircle, traceOutline, type Ctx } from './trace';

/** Screen px. */
export const HANDLE_SIZE_PX = 8;
export const SELECTION_WIDTH_PX = 2;
const DRAFT_WIDTH_PX = 1.5;
const VERTEX_PX = 6;
const CLOSE_HINT_RADIUS_PX = 7;
const MARK_RADIUS_PX = 6;
const HANDLE_FILL = '#ffffff';
const HANDLE_BORDER = '#1f2328';
const BAND_COLOR = '#388bfd';

/** Outlines of the selected shapes in their colours (one stroke per colour), then square handles. */
export function paintSelection(
  ctx: Ctx,
  shapes: readonly { readonly geometry: Geometry; readonly color: string }[],
  handles: readonly { readonly x: number; readonly y: number }[],
  scale: number,
): void {
  const byColor = new Map<string, Geometry[]>();
  for (const { geometry, color } of shapes) {
    const list = byColor.get(color);
    if (list) list.push(geometry);
    else byColor.set(color, [geometry]);
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  ctx.lineJoin = 'miter';
  ctx.lineWidth = SELECTION_WIDTH_PX / scale;
  for (const [color, geometries] of byColor) {
    ctx.beginPath();
    for (const g of geometries) traceOutline(ctx, g, MARK_RADIUS_PX / scale);
    ctx.strokeStyle = color;
    ctx.stroke();
  }
  if (handles.length === 0) return;
  const size = HANDLE_SIZE_PX / scale;
  ctx.beginPath();
  for (const h of handles) ctx.rect(h.x - size / 2, h.y - size / 2, size, size);
  ctx.fillStyle = HANDLE_FILL;
  ctx.fill();
  ctx.strokeStyle = HANDLE_BORDER;
  ctx.lineWidth = HAIRLINE / scale;
  ctx.stroke();
}

export interface Draft {
  /** The shape as it stands (a box being dragged, a rotated box, …). */
  readonly geometry?: Geometry;
  /** Vertices placed so far (polygon, polyline, keypoints in order). */
  readonly vertices: readonly { readonly x: number; readonly y: number }[];
  /** The cursor is on the first vertex: a click closes the polygon. */
  readonly closeHint: boolean;
  readonly cursor?: { readonly x: number; readonly y: number };
}

/** The shape being drawn: its geometry lightly filled, the placed vertices joined, a dashed rubber line to the cursor. */
export function paintDraft(ctx: Ctx, draft: Draft, color: string, scale: number): void {
  const { geometry, vertices, closeHint, cursor } = draft;
  ctx.setLineDash([]);
  ctx.lineJoin = 'miter';
  ctx.lineWidth = DRAFT_WIDTH_PX / scale;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  if (geometry) {
    ctx.beginPath();
    if (traceArea(ctx, geometry)) {
      ctx.globalAlpha = 0.15;
      ctx.fill();
    }
    ctx.beginPath();
    traceOutline(ctx, geometry, MARK_RADIUS_PX / scale);
    ctx.globalAlpha = 1;
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  const first = vertices[0];
  const last = vertices[vertices.length - 1];
  if (!first || !last) return;
  ctx.beginPath();
  ctx.moveTo(first.x, first.y);
  for (let i = 1; i < vertices.length; i++) {
    const v = vertices[i] as (typeof vertices)[number];
    ctx.lineTo(v.x, v.y);
  }
  ctx.stroke();
  if (cursor) {
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(cursor.x, cursor.y);
    ctx.setLineDash([4 / scale, 4 / scale]);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  if (closeHint) {
    ctx.beginPath();
    traceCircle(ctx, first.x, first.y, CLOSE_HINT_RADIUS_PX / scale);
    ctx.globalAlpha = 0.35;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.stroke();
  }
  const size = VERTEX_PX / scale;
  ctx.beginPath();
  for (const v of vertices) ctx.rect(v.x - size / 2, v.y - size / 2, size, size);
  ctx.fillStyle = HANDLE_FILL;
  ctx.fill();
  ctx.lineWidth = HAIRLINE / scale;
  ctx.stroke();
}

/** Horizontal and vertical guides through `point` across the whole view: a dark halo under a white line. */
export function paintCrosshair(
  ctx: Ctx,
  point: { readonly x: number; readonly y: number },
  visible: Bounds,
  scale: number,
): void {
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(visible.minX, point.y);
  ctx.lineTo(visible.maxX, point.y);
  ctx.moveTo(point.x, visible.minY);
  ctx.lineTo(point.x, visible.maxY);
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.5)';
  ctx.lineWidth = 3 / scale;
  ctx.stroke();
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
  ctx.lineWidth = HAIRLINE / scale;
  ctx.stroke();
}

/** The rubber band of a drag-select: a faint fill and a dashed border. */
export function paintBand(ctx: Ctx, band: Bounds, scale: number): void {
  const x = Math.min(band.minX, band.maxX);
  const y = Math.min(band.minY, band.maxY);
  const width = Math.abs(band.maxX - band.minX);
  const height = Math.abs(band.maxY - band.minY);
  ctx.beginPath();
  ctx.rect(x, y, width, height);
  ctx.fillStyle = BAND_COLOR;
  ctx.globalAlpha = 0.12;
  ctx.fill();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = BAND_COLOR;
  ctx.lineWidth = HAIRLINE / scale;
  ctx.setLineDash([4 / scale, 3 / scale]);
  ctx.stroke();
  ctx.setLineDash([]);
}

/** A comment pinned to a point: a numbered disc, amber while open, grey once resolved; constant on screen. */
export interface CommentPin {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly open: boolean;
}

export function paintPins(ctx: Ctx, pins: readonly CommentPin[], scale: number): void {
  const radius = 9 / scale;
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.textBaseline = 'middle';
  ctx.font = `600 ${11 / scale}px system-ui, sans-serif`;
  for (const pin of pins) {
    ctx.beginPath();
    ctx.arc(pin.x, pin.y, radius, 0, Math.PI * 2);
    ctx.fillStyle = pin.open ? '#f5b94a' : '#9aa0a6';
    ctx.fill();
    ctx.lineWidth = 2 / scale;
    ctx.strokeStyle = '#111';
    ctx.stroke();
    ctx.fillStyle = '#111';
    ctx.fillText(pin.label, pin.x - ctx.measureText(pin.label).width / 2, pin.y + 0.5 / scale);
  }
}
