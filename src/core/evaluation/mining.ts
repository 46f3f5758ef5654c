/**
 * Failure cases and label errors, ranked for review: high-confidence false positives (often missing labels)
 * first, then the ground truth a confident model disagrees with (likely wrong class or badly placed box).
 */

import type { Evaluation } from './evaluate';
import { REASON, REASON_NAMES, VERDICT, type ObjectOutcomes } from './failures';

export type LabelErrorKind = 'wrong-class' | 'missing-box' | 'badly-placed';

/** A place where the labels are likely wrong, with how sure the model's disagreement makes us (0–1). */
export interface LabelErrorCandidate {
  readonly kind: LabelErrorKind;
  readonly image: number;
  /** Ground-truth index, or -1 (a missing box has none). */
  readonly gt: number;
  /** Prediction index behind the suspicion. */
  readonly pred: number;
  readonly mistakenness: number;
}

/** Boxes that match but overlap less than this are "badly placed" candidates (COCO's strict IoU). */
export const WELL_PLACED_IOU = 0.75;

/**
 * Mistakenness (FiftyOne's idea, our weights): a confident prediction of another class on an object → its
 * confidence × IoU; a confident prediction on no object at all → its confidence; a confident prediction that
 * only loosely fits its object → confidence × (1 − IoU).
 */
export function labelErrors(evaluation: Evaluation, outcomes: ObjectOutcomes): LabelErrorCandidate[] {
  const { matching, scores } = evaluation;
  const candidates: LabelErrorCandidate[] = [];
  for (let g = 0; g < outcomes.gtVerdict.length; g++) {
    const n = outcomes.gtPred[g]!;
    if (n < 0) continue;
    const image = matching.gtImage[g]!;
    if (outcomes.gtVerdict[g] === VERDICT.falseNegative && outcomes.gtReason[g] === REASON.wrongClass)
      candidates.push({
        kind: 'wrong-class',
        image,
        gt: g,
        pred: n,
        mistakenness: scores[n]! * outcomes.predIou[n]!,
      });
    else if (outcomes.gtReason[g] === REASON.localization || outcomes.predIou[n]! < WELL_PLACED_IOU)
      candidates.push({
        kind: 'badly-placed',
        image,
        gt: g,
        pred: n,
        mistakenness: scores[n]! * (1 - outcomes.predIou[n]!),
      });
  }
  for (let n = 0; n < outcomes.predVerdict.length; n++)
    if (outcomes.predVerdict[n] === VERDICT.falsePositive && outcomes.predReason[n] === REASON.background)
      candidates.push({
        kind: 'missing-box',
        image: matching.predImage[n]!,
        gt: -1,
        pred: n,
        mistakenness: scores[n]!,
      });
  return candidates.sort((a, b) => b.mistakenness - a.mistakenness || a.pred - b.pred);
}

/** Per image: the largest mistakenness of its candidates (0 when none), for sorting images to review. */
export function imageMistakenness(
  imageCount: number,
  candidates: readonly LabelErrorCandidate[],
): Float64Array {
  const values = new Float64Array(imageCount);
  for (const c of candidates) values[c.image] = Math.max(values[c.image]!, c.mistakenness);
  return values;
}

export type FailureKind = 'false-positive' | 'false-negative' | 'confusion' | 'localization' | 'duplicate';

export interface FailureCase {
  readonly kind: FailureKind;
  readonly image: number;
  readonly pred: number;
  readonly gt: number;
  readonly score: number;
  readonly iou: number;
  readonly reason: string;
}

/**
 * Every failure at the outcomes' thresholds, each kind sorted for review: false positives (background) and
 * confusions by descending confidence, localization errors by IoU, false negatives missed outright last.
 */
export function failureCases(
  evaluation: Evaluation,
  outcomes: ObjectOutcomes,
): Record<FailureKind, FailureCase[]> {
  const { matching, scores } = evaluation;
  const result: Record<FailureKind, FailureCase[]> = {
    'false-positive': [],
    'false-negative': [],
    confusion: [],
    localization: [],
    duplicate: [],
  };
  const kindOf: Record<number, FailureKind> = {
    [REASON.background]: 'false-positive',
    [REASON.duplicate]: 'duplicate',
    [REASON.wrongClass]: 'confusion',
    [REASON.localization]: 'localization',
  };
  for (let n = 0; n < outcomes.predVerdict.length; n++) {
    if (outcomes.predVerdict[n] !== VERDICT.falsePositive) continue;
    const reason = outcomes.predReason[n]!;
    result[kindOf[reason]!].push({
      kind: kindOf[reason]!,
      image: matching.predImage[n]!,
      pred: n,
      gt: outcomes.predGt[n]!,
      score: scores[n]!,
      iou: outcomes.predIou[n]!,
      reason: REASON_NAMES[reason] ?? '',
    });
  }
  for (let g = 0; g < outcomes.gtVerdict.length; g++) {
    if (outcomes.gtVerdict[g] !== VERDICT.falseNegative) continue;
    const n = outcomes.gtPred[g]!;
    result['false-negative'].push({
      kind: 'false-negative',
      image: matching.gtImage[g]!,
      pred: n,
      gt: g,
      score: n >= 0 ? scores[n]! : 0,
      iou: n >= 0 ? outcomes.predIou[n]! : 0,
      reason: REASON_NAMES[outcomes.gtReason[g]!] ?? '',
    });
  }
  const byScore = (a: FailureCase, b: FailureCase) => b.score - a.score || a.pred - b.pred || a.gt - b.gt;
  result['false-positive'].sort(byScore);
  result.confusion.sort(byScore);
  result.duplicate.sort(byScore);
  result.localization.sort((a, b) => a.iou - b.iou || byScore(a, b));
  result['false-negative'].sort((a, b) => byScore(a, b) || a.image - b.image);
  return result;
}
