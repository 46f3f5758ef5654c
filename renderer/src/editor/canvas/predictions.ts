/** Painter for a prediction run over an image: dashed outlines by class colour and "label 0.87" score tags. */

import type { Prediction } from '../../../../src/core/predictions/types';
import { geometryBounds } from '../../../../src/core/geometry/shapes';
import {
  FILL_ALPHA,
  KEYPOINT_RADIUS_PX,
  LABEL_MIN_WIDTH_PX,
  LINE_WIDTH,
  MAX_LABELS,
  THICK_LINES_MAX,
  THIN_LINE_WIDTH,
  UNKNOWN_COLOR,
  paintTags,
} from './style';
import { traceOutline, type Ctx, type View } from './trace';

export interface PredictionOptions {
  /** Only predictions scoring at least this are drawn. */
  readonly threshold: number;
  /** Prediction ids already accepted or rejected: not drawn. */
  readonly decided: ReadonlySet<string>;
  /** A prediction id drawn thicker, filled and always tagged. */
  readonly selected?: string;
}

const predictionBounds = new WeakMap<readonly Prediction[], Float64Array>();

function boundsOfPredictions(predictions: readonly Prediction[]): Float64Array {
  let bounds = predictionBounds.get(predictions);
  if (bounds) return bounds;
  bounds = new Float64Array(predictions.length * 4);
  predictions.forEach((p, i) => {
    const b = geometryBounds(p.geometry);
    bounds!.set([b.minX, b.minY, b.maxX, b.maxY], i * 4);
  });
  predictionBounds.set(predictions, bounds);
  return bounds;
}

/** "person 0.87": the source's class name and the score to two decimals. */
export const predictionTag = (p: Prediction): string => `${p.label} ${p.score.toFixed(2)}`;

/**
 * Draws undecided predictions scoring at least the threshold as dashed outlines, one path per colour
 * (an unmapped class is grey), with a score tag on the big ones; returns how many it drew.
 */
export function paintPredictions(
  ctx: Ctx,
  predictions: readonly Prediction[],
  colors: ReadonlyMap<string, string>,
  view: View,
  options: PredictionOptions,
): number {
  const { visible, scale } = view;
  const bounds = boundsOfPredictions(predictions);
  const byColor = new Map<string, number[]>();
  const tagged: number[] = [];
  let selected: number | undefined;
  let drawn = 0;
  for (let i = 0; i < predictions.length; i++) {
    const p = predictions[i] as Prediction;
    if (p.score < options.threshold || options.decided.has(p.id)) continue;
    const minX = bounds[i * 4] as number;
    const minY = bounds[i * 4 + 1] as number;
    const maxX = bounds[i * 4 + 2] as number;
    const maxY = bounds[i * 4 + 3] as number;
    if (!(minX <= visible.maxX && minY <= visible.maxY && visible.minX <= maxX && visible.minY <= maxY))
      continue;
    drawn++;
    if (p.id === options.selected) {
      selected = i;
      continue;
    }
    const color = (p.classId !== null && colors.get(p.classId)) || UNKNOWN_COLOR;
    const list = byColor.get(color);
    if (list) list.push(i);
    else byColor.set(color, [i]);
    if ((maxX - minX) * scale > LABEL_MIN_WIDTH_PX && tagged.length <= MAX_LABELS) tagged.push(i);
  }

  const markRadius = KEYPOINT_RADIUS_PX / scale;
  ctx.globalAlpha = 1;
  ctx.lineJoin = 'miter';
  const joinCorners = drawn <= THICK_LINES_MAX;
  ctx.lineWidth = (joinCorners ? LINE_WIDTH : THIN_LINE_WIDTH) / scale;
  ctx.setLineDash([6 / scale, 4 / scale]);
  for (const [color, members] of byColor) {
    ctx.beginPath();
    for (const i of members) {
      traceOutline(ctx, (predictions[i] as Prediction).geometry, markRadius, undefined, joinCorners);
    }
    ctx.strokeStyle = color;
    ctx.stroke();
  }
  const tags = tagged.length <= MAX_LABELS ? tagged : [];
  if (selected !== undefined) {
    const p = predictions[selected] as Prediction;
    const color = (p.classId !== null && colors.get(p.classId)) || UNKNOWN_COLOR;
    ctx.beginPath();
    traceOutline(ctx, p.geometry, markRadius * 1.5);
    ctx.fillStyle = color;
    ctx.globalAlpha = FILL_ALPHA;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = color;
    ctx.lineWidth = (LINE_WIDTH * 2) / scale;
    ctx.stroke();
    tags.push(selected);
  }
  ctx.setLineDash([]);
  if (tags.length > 0) {
    paintTags(
      ctx,
      tags.map((i) => {
        const p = predictions[i] as Prediction;
        return {
          x: bounds[i * 4] as number,
          y: bounds[i * 4 + 1] as number,
          text: predictionTag(p),
          background: 'rgba(0, 0, 0, 0.7)',
          color: (p.classId !== null && colors.get(p.classId)) || '#fff',
        };
      }),
      view,
    );
  }
  return drawn;
}
