/** A prediction run and its per-image rows, as stored, from a source's predictions per image. */

import type { ImageId } from '../ids';
import type { ImagePredictions, Prediction, PredictionRun } from './types';

export function newPredictionRun(
  fields: Pick<PredictionRun, 'id' | 'projectId' | 'name' | 'source' | 'createdAt'>,
  perImage: readonly { readonly imageId: ImageId; readonly predictions: readonly Prediction[] }[],
): { run: PredictionRun; perImage: ImagePredictions[] } {
  const rows = perImage
    .filter((entry) => entry.predictions.length > 0)
    .map((entry) => ({
      runId: fields.id,
      imageId: entry.imageId,
      projectId: fields.projectId,
      predictions: entry.predictions,
    }));
  return {
    run: {
      ...fields,
      imageCount: rows.length,
      predictionCount: rows.reduce((sum, row) => sum + row.predictions.length, 0),
    },
    perImage: rows,
  };
}
