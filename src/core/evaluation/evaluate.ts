/** One call from ground truth and predictions to COCO metrics, per-class AP and per-object matches. */

import { accumulate, cocoStats, summarizeSlice, type Accumulated } from './accumulate';
import { matchPredictions, type Matching } from './match';
import { evaluationParams } from './params';
import type { EvalCategory, EvalId, EvaluationInput, EvaluationParams } from './types';

export interface ClassResult {
  readonly categoryId: EvalId;
  readonly name: string;
  /** AP@[.5:.95] at size "all" and the largest detection cap; -1 when the class has no ground truth. */
  readonly ap: number;
  readonly ap50: number;
  readonly ap75: number;
  /** AP per size range, in the params' order (-1 = no ground truth of that size). */
  readonly apByArea: readonly number[];
  /** Recall averaged over the IoU thresholds (AR at the largest cap). */
  readonly ar: number;
  /** Ground-truth objects that count (not crowd). */
  readonly gtCount: number;
  /** Predictions evaluated (within the detection cap). */
  readonly predCount: number;
}

export interface Evaluation {
  readonly params: EvaluationParams;
  readonly input: EvaluationInput;
  readonly categories: readonly EvalCategory[];
  /** COCOeval.stats order: AP, AP50, AP75, AP S/M/L, AR@1, AR@10, AR@100, AR S/M/L. */
  readonly stats: readonly number[];
  readonly perClass: readonly ClassResult[];
  /** AP per size range over all classes (the params' order), including relative ranges COCO lacks. */
  readonly apByArea: readonly number[];
  readonly matching: Matching;
  readonly accumulated: Accumulated;
  /** Prediction scores, by prediction index. */
  readonly scores: Float64Array;
}

export function evaluate(input: EvaluationInput, overrides: Partial<EvaluationParams> = {}): Evaluation {
  const params = evaluationParams(overrides);
  const scores = new Float64Array(input.predictions.length);
  for (let n = 0; n < scores.length; n++) scores[n] = input.predictions[n]!.score;
  const matching = matchPredictions(input, params);
  const accumulated = accumulate(matching, params, scores);
  const last = params.maxDets[params.maxDets.length - 1]!;
  const slice = (category: number, area: string, iou?: number) =>
    summarizeSlice(accumulated, params, {
      ap: true,
      area,
      maxDets: last,
      category,
      ...(iou === undefined ? {} : { iou }),
    });
  const A = params.areaRanges.length;
  const predCounts = new Int32Array(input.categories.length);
  for (let n = 0; n < scores.length; n++)
    if (matching.predRank[n]! >= 0) predCounts[matching.predCategory[n]!]!++;
  const perClass = input.categories.map((category, k) => ({
    categoryId: category.id,
    name: category.name,
    ap: slice(k, params.areaRanges[0]!.label),
    ap50: slice(k, params.areaRanges[0]!.label, 0.5),
    ap75: slice(k, params.areaRanges[0]!.label, 0.75),
    apByArea: params.areaRanges.map((range) => slice(k, range.label)),
    ar: summarizeSlice(accumulated, params, {
      ap: false,
      area: params.areaRanges[0]!.label,
      maxDets: last,
      category: k,
    }),
    gtCount: accumulated.gtCounts[k * A]!,
    predCount: predCounts[k]!,
  }));
  return {
    params,
    input,
    categories: input.categories,
    stats: cocoStats(accumulated, params),
    perClass,
    apByArea: params.areaRanges.map((range) =>
      summarizeSlice(accumulated, params, { ap: true, area: range.label, maxDets: last }),
    ),
    matching,
    accumulated,
    scores,
  };
}
