/**
 * What each object became at one IoU threshold and one confidence threshold: true positive, false positive
 * (and why: background, duplicate, wrong class, poor localization), false negative (missed, confused,
 * badly placed), plus the confusion matrix with a background row and column and precision/recall/F1.
 */

import type { Evaluation } from './evaluate';
import { boxIou, OUTCOME, outcomeAt, segmMasks } from './match';
import { maskIous } from './masks';

export const VERDICT = {
  notEvaluated: 0,
  truePositive: 1,
  falsePositive: 2,
  falseNegative: 3,
  ignored: 4,
  belowThreshold: 5,
} as const;
export type VerdictCode = (typeof VERDICT)[keyof typeof VERDICT];

/** Why a false positive or a false negative happened (the TIDE error types, as FiftyOne and TIDE name them). */
export const REASON = {
  none: 0,
  background: 1,
  duplicate: 2,
  wrongClass: 3,
  localization: 4,
  missed: 5,
} as const;
export type ReasonCode = (typeof REASON)[keyof typeof REASON];
export const REASON_NAMES = [
  '',
  'background',
  'duplicate',
  'wrong class',
  'poor localization',
  'missed',
] as const;

/** Below this IoU an overlap is no evidence of anything: TIDE's background threshold. */
export const BACKGROUND_IOU = 0.1;

export interface Counts {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
  /** NaN when undefined (no predictions, or no ground truth). */
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ObjectOutcomes {
  readonly iouThreshold: number;
  readonly scoreThreshold: number;
  readonly predVerdict: Uint8Array;
  readonly predReason: Uint8Array;
  /** The ground truth a prediction matched, or the one its error is about (taken, other class, best overlap); -1 none. */
  readonly predGt: Int32Array;
  readonly predIou: Float64Array;
  readonly gtVerdict: Uint8Array;
  readonly gtReason: Uint8Array;
  /** The prediction that matched a ground-truth object, or the one that explains its miss; -1 none. */
  readonly gtPred: Int32Array;
  /**
   * `(K + 1)²` counts, row = ground-truth class, column = predicted class; index K is background (a row-K
   * cell is a false positive on nothing, a column-K cell a missed object).
   */
  readonly confusion: Int32Array;
  /** The confusion cell each prediction and ground-truth object was counted in, or -1. */
  readonly predCell: Int32Array;
  readonly gtCell: Int32Array;
  readonly total: Counts;
  readonly perClass: readonly Counts[];
  /** tp, fp, fn per image: `[3 × image]`. */
  readonly perImage: Int32Array;
}

export function counts(tp: number, fp: number, fn: number): Counts {
  const precision = tp + fp > 0 ? tp / (tp + fp) : NaN;
  const recall = tp + fn > 0 ? tp / (tp + fn) : NaN;
  const f1 = tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : NaN;
  return { tp, fp, fn, precision, recall, f1 };
}

/** CSR lists of object indices per image. */
function perImageLists(imageOf: Int32Array, imageCount: number) {
  const start = new Int32Array(imageCount + 1);
  for (const i of imageOf) if (i >= 0) start[i + 1]!++;
  for (let i = 0; i < imageCount; i++) start[i + 1]! += start[i]!;
  const fill = start.slice(0, imageCount);
  const items = new Int32Array(start[imageCount]!);
  imageOf.forEach((i, index) => {
    if (i >= 0) items[fill[i]!++] = index;
  });
  return { start, items };
}

/**
 * Outcomes at `params.iouThresholds[t]` for predictions scoring at least `scoreThreshold`. COCO's greedy
 * matching goes by descending score, so dropping the low scorers leaves the others' matches as they were.
 */
export function objectOutcomes(evaluation: Evaluation, t: number, scoreThreshold: number): ObjectOutcomes {
  const { matching, input, params, scores } = evaluation;
  const N = scores.length;
  const G = input.groundTruth.length;
  const K = matching.categoryCount;
  const T = matching.thresholdCount;
  const iouThreshold = params.iouThresholds[t]!;
  if (iouThreshold === undefined) throw new RangeError(`no IoU threshold at index ${t}`);
  const predVerdict = new Uint8Array(N);
  const predReason = new Uint8Array(N);
  const predGt = new Int32Array(N).fill(-1);
  const predIou = new Float64Array(N);
  const gtVerdict = new Uint8Array(G);
  const gtReason = new Uint8Array(G);
  const gtPred = new Int32Array(G).fill(-1);
  const confusion = new Int32Array((K + 1) * (K + 1));
  const predCell = new Int32Array(N).fill(-1);
  const gtCell = new Int32Array(G).fill(-1);
  const cell = (gtClass: number, predClass: number) => gtClass * (K + 1) + predClass;

  const masks =
    params.iouType === 'segm' ? segmMasks(input, matching.gtImage, matching.predImage) : undefined;
  const iouOf = (n: number, g: number): number => {
    const gt = input.groundTruth[g]!;
    if (masks) return maskIous([masks.pred(n)], [masks.gt(g)], [gt.iscrowd])[0]!;
    return boxIou(input.predictions[n]!.bbox, gt.bbox, gt.iscrowd);
  };

  for (let n = 0; n < N; n++) {
    if (matching.predRank[n]! < 0) continue;
    if (scores[n]! < scoreThreshold) {
      predVerdict[n] = VERDICT.belowThreshold;
      continue;
    }
    const outcome = outcomeAt(matching, n, 0, t);
    if (outcome === OUTCOME.truePositive) {
      predVerdict[n] = VERDICT.truePositive;
      predGt[n] = matching.predMatch[n * T + t]!;
      predIou[n] = iouOf(n, predGt[n]!);
    } else if (outcome === OUTCOME.ignored) {
      predVerdict[n] = VERDICT.ignored;
      predGt[n] = matching.predMatch[n * T + t]!;
    } else predVerdict[n] = VERDICT.falsePositive;
  }
  for (let g = 0; g < G; g++) {
    if (matching.gtImage[g]! < 0 || matching.gtCategory[g]! < 0) continue;
    if (input.groundTruth[g]!.iscrowd) {
      gtVerdict[g] = VERDICT.ignored;
      continue;
    }
    const n = matching.gtMatch[g * T + t]!;
    if (n >= 0 && scores[n]! >= scoreThreshold) {
      gtVerdict[g] = VERDICT.truePositive;
      gtPred[g] = n;
      const c = cell(matching.gtCategory[g]!, matching.predCategory[n]!);
      confusion[c]!++;
      gtCell[g] = c;
      predCell[n] = c;
    } else gtVerdict[g] = VERDICT.falseNegative;
  }

  // Why each false positive is one: IoU with every ground-truth object of its image, any class.
  const preds = perImageLists(matching.predImage, matching.imageCount);
  const objects = perImageLists(matching.gtImage, matching.imageCount);
  const confusedBy = new Int32Array(G).fill(-1);
  for (let image = 0; image < matching.imageCount; image++) {
    // Highest scores first, so the most confident wrong-class prediction claims a missed object.
    const falsePositives = Array.from(preds.items.subarray(preds.start[image]!, preds.start[image + 1]!))
      .filter((n) => predVerdict[n] === VERDICT.falsePositive)
      .sort((x, y) => scores[y]! - scores[x]! || x - y);
    for (const n of falsePositives) {
      const k = matching.predCategory[n]!;
      let sameBest = -1;
      let sameIou = 0;
      let otherBest = -1;
      let otherIou = 0;
      let otherFreeBest = -1;
      let otherFreeIou = 0;
      for (let j = objects.start[image]!; j < objects.start[image + 1]!; j++) {
        const g = objects.items[j]!;
        if (input.groundTruth[g]!.iscrowd || matching.gtCategory[g]! < 0) continue;
        const iou = iouOf(n, g);
        if (matching.gtCategory[g] === k) {
          if (iou > sameIou) [sameBest, sameIou] = [g, iou];
        } else {
          if (iou > otherIou) [otherBest, otherIou] = [g, iou];
          if (gtVerdict[g] === VERDICT.falseNegative && confusedBy[g]! < 0 && iou > otherFreeIou)
            [otherFreeBest, otherFreeIou] = [g, iou];
        }
      }
      // Order of blame: a same-class object already taken (duplicate), another class's object, a near miss.
      if (sameIou >= iouThreshold) {
        predReason[n] = REASON.duplicate;
        predGt[n] = sameBest;
        predIou[n] = sameIou;
      } else if (otherIou >= iouThreshold) {
        predReason[n] = REASON.wrongClass;
        const g = otherFreeIou >= iouThreshold ? otherFreeBest : otherBest;
        predGt[n] = g;
        predIou[n] = otherFreeIou >= iouThreshold ? otherFreeIou : otherIou;
        if (otherFreeIou >= iouThreshold) {
          confusedBy[g] = n;
          const c = cell(matching.gtCategory[g]!, k);
          confusion[c]!++;
          predCell[n] = c;
          gtCell[g] = c;
          gtReason[g] = REASON.wrongClass;
          gtPred[g] = n;
        }
      } else if (sameIou >= BACKGROUND_IOU) {
        predReason[n] = REASON.localization;
        predGt[n] = sameBest;
        predIou[n] = sameIou;
      } else {
        predReason[n] = REASON.background;
        if (otherIou >= BACKGROUND_IOU) [predGt[n], predIou[n]] = [otherBest, otherIou];
      }
      if (predCell[n]! < 0) {
        const c = cell(K, k);
        confusion[c]!++;
        predCell[n] = c;
      }
    }
  }
  // A missed object with a badly placed same-class prediction near it was mislocated, else simply missed.
  const nearest = new Float64Array(G);
  for (let n = 0; n < N; n++) {
    if (predReason[n] !== REASON.localization) continue;
    const g = predGt[n]!;
    if (gtVerdict[g] === VERDICT.falseNegative && gtReason[g] === REASON.none && predIou[n]! > nearest[g]!) {
      nearest[g] = predIou[n]!;
      gtPred[g] = n;
    }
  }
  for (let g = 0; g < G; g++) {
    if (gtVerdict[g] !== VERDICT.falseNegative) continue;
    if (gtReason[g] === REASON.none) gtReason[g] = gtPred[g]! >= 0 ? REASON.localization : REASON.missed;
    if (gtCell[g]! < 0) {
      const c = cell(matching.gtCategory[g]!, K);
      confusion[c]!++;
      gtCell[g] = c;
    }
  }

  const classTp = new Int32Array(K);
  const classFp = new Int32Array(K);
  const classFn = new Int32Array(K);
  const perImage = new Int32Array(3 * matching.imageCount);
  for (let n = 0; n < N; n++) {
    const v = predVerdict[n];
    if (v === VERDICT.truePositive) {
      classTp[matching.predCategory[n]!]!++;
      perImage[3 * matching.predImage[n]!]!++;
    } else if (v === VERDICT.falsePositive) {
      classFp[matching.predCategory[n]!]!++;
      perImage[3 * matching.predImage[n]! + 1]!++;
    }
  }
  for (let g = 0; g < G; g++)
    if (gtVerdict[g] === VERDICT.falseNegative) {
      classFn[matching.gtCategory[g]!]!++;
      perImage[3 * matching.gtImage[g]! + 2]!++;
    }
  const sum = (values: Int32Array) => values.reduce((a, b) => a + b, 0);
  return {
    iouThreshold,
    scoreThreshold,
    predVerdict,
    predReason,
    predGt,
    predIou,
    gtVerdict,
    gtReason,
    gtPred,
    confusion,
    predCell,
    gtCell,
    total: counts(sum(classTp), sum(classFp), sum(classFn)),
    perClass: Array.from({ length: K }, (_, k) => counts(classTp[k]!, classFp[k]!, classFn[k]!)),
    perImage,
  };
}
