/** The diff tolerances as typed on the Compare view, read into core `DiffOptions`. */

import type { DiffOptions } from '../../../src/core/versions/diff';

export interface DiffOptionsForm {
  readonly moveThresholdPx: string;
  /** Empty: no IoU condition. */
  readonly iouThreshold: string;
}

export type DiffOptionsResult =
  { readonly ok: true; readonly options: DiffOptions } | { readonly ok: false; readonly message: string };

export function parseDiffOptions(form: DiffOptionsForm): DiffOptionsResult {
  const px = form.moveThresholdPx.trim() === '' ? NaN : Number(form.moveThresholdPx);
  if (!Number.isFinite(px) || px < 0) {
    return { ok: false, message: 'The geometry threshold must be a number of pixels, 0 or more.' };
  }
  const iouText = form.iouThreshold.trim();
  if (iouText === '') return { ok: true, options: { moveThresholdPx: px } };
  const iou = Number(iouText);
  if (!Number.isFinite(iou) || iou <= 0 || iou > 1) {
    return { ok: false, message: 'The IoU threshold must be above 0 and at most 1, or empty for none.' };
  }
  return { ok: true, options: { moveThresholdPx: px, iouThreshold: iou } };
}
