/**
 * "Accept all ≥ threshold" for a whole model run: every image's undecided predictions at or above the
 * threshold go through the same checks as accepting them in the editor (acceptPredictions), image by
 * image. The result says what each image becomes and what was added, so the caller can write it as one
 * step and undo it as one step (remove exactly those annotations and decisions).
 */

import type { AnnotationId } from '../annotations/types';
import type { CreateContext } from '../editing/editContext';
import { applyEdit, setStatus, type EditedImage } from '../editing/edits';
import type { ImageId } from '../ids';
import type { CompiledSchema, ImageSize } from '../schema/validate';
import { acceptPredictions, predictionsAbove } from './accept';
import { decisionKey, type Prediction, type RunId } from './types';

export interface BulkAcceptInput {
  readonly imageId: ImageId;
  readonly edited: EditedImage;
  readonly predictions: readonly Prediction[];
  readonly imageSize?: ImageSize;
}

export interface BulkAcceptedImage {
  readonly imageId: ImageId;
  readonly after: EditedImage;
  readonly annotationIds: readonly AnnotationId[];
  /** The accepted predictions' decision keys, in the order of `annotationIds` (one for each). */
  readonly decisionKeys: readonly string[];
}

export interface BulkAcceptResult {
  readonly images: BulkAcceptedImage[];
  readonly accepted: number;
  readonly skipped: number;
  /** Why predictions were skipped, with how many for each reason, most frequent first. */
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
}

export function acceptRunAbove(
  compiled: CompiledSchema,
  runId: RunId,
  threshold: number,
  inputs: readonly BulkAcceptInput[],
  ctx: CreateContext,
): BulkAcceptResult {
  const images: BulkAcceptedImage[] = [];
  const reasons = new Map<string, number>();
  let accepted = 0;
  let skipped = 0;
  const skip = (reason: string, count = 1) => {
    skipped += count;
    reasons.set(reason, (reasons.get(reason) ?? 0) + count);
  };
  for (const input of inputs) {
    const above = predictionsAbove(input.predictions, threshold, input.edited.decisions, runId);
    if (above.length === 0) continue;
    const result = acceptPredictions(compiled, input.edited, runId, above, ctx, input.imageSize);
    if (!result.ok) {
      // Refused as a whole: none could be accepted; the message names the first reason.
      skip(
        result.reason.replace(
          /^None of the \d+ predictions can be accepted: |^The prediction cannot be accepted: /,
          '',
        ),
        above.length,
      );
      continue;
    }
    for (const s of result.skipped) skip(s.reason);
    let after = result.edits.reduce(applyEdit, input.edited);
    // As in the editor: labels added to a new image start it.
    const started = input.edited.status === 'new' ? setStatus(after, 'in-progress') : undefined;
    if (started) after = applyEdit(after, started);
    accepted += result.accepted;
    images.push({
      imageId: input.imageId,
      after,
      annotationIds: result.annotationIds,
      decisionKeys: above
        .filter((p) => after.decisions[decisionKey(runId, p.id)] === 'accepted')
        .map((p) => decisionKey(runId, p.id)),
    });
  }
  return {
    images,
    accepted,
    skipped,
    reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
  };
}
