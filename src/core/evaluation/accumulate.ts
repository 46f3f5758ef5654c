/**
 * COCO's accumulate and summarize (cocoeval.py): interpolated precision at 101 recall points per IoU
 * threshold, class, size range and detection cap, then the twelve summary numbers and per-class AP.
 */

import { OUTCOME, type Matching } from './match';
import { RECALL_THRESHOLDS } from './params';
import type { EvaluationParams } from './types';

/** np.spacing(1): cocoeval.py divides by `tp + fp + np.spacing(1)`, which is why a perfect AP is 0.9999999999999998. */
const EPSILON = 2.220446049250313e-16;

export interface Accumulated {
  /** `[T][R][K][A][M]` flattened, -1 where a class has no ground truth in that size range (as cocoeval.py). */
  readonly precision: Float64Array;
  /** `[T][K][A][M]`, -1 likewise. */
  readonly recall: Float64Array;
  /** `[T][R][K][A][M]`: the score at which each recall point is reached (0 when it is not). */
  readonly scores: Float64Array;
  /** Non-ignored ground truth per `[K][A]` (the recall denominator). */
  readonly gtCounts: Int32Array;
  readonly shape: { T: number; R: number; K: number; A: number; M: number };
}

export const precisionIndex = (
  s: Accumulated['shape'],
  t: number,
  r: number,
  k: number,
  a: number,
  m: number,
) => (((t * s.R + r) * s.K + k) * s.A + a) * s.M + m;

export const recallIndex = (s: Accumulated['shape'], t: number, k: number, a: number, m: number) =>
  ((t * s.K + k) * s.A + a) * s.M + m;

export function accumulate(matching: Matching, params: EvaluationParams, scores: Float64Array): Accumulated {
  const T = params.iouThresholds.length;
  const R = RECALL_THRESHOLDS.length;
  const K = matching.categoryCount;
  const A = params.areaRanges.length;
  const M = params.maxDets.length;
  const shape = { T, R, K, A, M };
  const G = matching.gtCategory.length;
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const scoreAt = new Float64Array(T * R * K * A * M).fill(-1);

  const gtCounts = new Int32Array(K * A);
  for (let g = 0; g < G; g++) {
    const k = matching.gtCategory[g]!;
    if (k < 0 || matching.gtImage[g]! < 0) continue;
    for (let a = 0; a < A; a++) if (!matching.gtIgnored[g * A + a]) gtCounts[k * A + a]!++;
  }

  // Module bindings read in hot loops are copied to locals (bundlers may turn them into getter calls).
  const TRUE_POSITIVE = OUTCOME.truePositive;
  const FALSE_POSITIVE = OUTCOME.falsePositive;
  const recallThresholds = Float64Array.from(RECALL_THRESHOLDS);
  const descendingKeys = descendingScoreKeys(scores);
  const AT = A * T;
  const outcomes = matching.outcome;
  const tpCount = new Int32Array(T);
  const fpCount = new Int32Array(T);
  for (let k = 0; k < K; k++) {
    const start = matching.categoryPredStart[k]!;
    const count = matching.categoryPredStart[k + 1]! - start;
    const preds = matching.categoryPreds.subarray(start, start + count);
    // accumulate: a stable descending sort of the concatenated scores (mergesort), so ties keep image order.
    const positions = stableOrder(preds, descendingKeys);
    // Outcomes are stored by position in this category's list, so the scans below stay inside one block.
    const sortedAt = new Int32Array(count);
    const ranks = new Int32Array(count);
    const sortedScores = new Float64Array(count);
    let maxRank = 0;
    for (let i = 0; i < count; i++) {
      const n = preds[positions[i]!]!;
      sortedAt[i] = (start + positions[i]!) * AT;
      ranks[i] = matching.predRank[n]!;
      sortedScores[i] = scores[n]!;
      if (ranks[i]! > maxRank) maxRank = ranks[i]!;
    }
    for (let a = 0; a < A; a++) {
      const npig = gtCounts[k * A + a]!;
      if (npig === 0) continue;
      // Precision only rises at a true positive, so the interpolated precision at a recall point (the best
      // precision at that recall or beyond) is always found at one: keep just those, at most one per object.
      const tpPrecision = new Float64Array(T * npig);
      const tpScore = new Float64Array(T * npig);
      for (let m = 0; m < M; m++) {
        const maxDet = params.maxDets[m]!;
        if (m > 0 && params.maxDets[m - 1]! > maxRank) {
          // No image has more predictions of this class than the smaller cap: the same numbers again.
          for (let t = 0; t < T; t++) {
            recall[recallIndex(shape, t, k, a, m)] = recall[recallIndex(shape, t, k, a, m - 1)]!;
            for (let r = 0; r < R; r++) {
              const from = precisionIndex(shape, t, r, k, a, m - 1);
              precision[from + 1] = precision[from]!;
              scoreAt[from + 1] = scoreAt[from]!;
            }
          }
          continue;
        }
        let first = -1;
        tpCount.fill(0);
        fpCount.fill(0);
        for (let i = 0; i < count; i++) {
          if (ranks[i]! >= maxDet) continue;
          if (first < 0) first = i;
          const at = sortedAt[i]! + a * T;
          for (let t = 0; t < T; t++) {
            const outcome = outcomes[at + t];
            if (outcome === TRUE_POSITIVE) {
              const tp = tpCount[t]! + 1;
              tpPrecision[t * npig + tp - 1] = tp / (fpCount[t]! + tp + EPSILON);
              tpScore[t * npig + tp - 1] = sortedScores[i]!;
              tpCount[t] = tp;
            } else if (outcome === FALSE_POSITIVE) fpCount[t]!++;
          }
        }
        for (let t = 0; t < T; t++) {
          const tp = tpCount[t]!;
          const row = t * npig;
          recall[recallIndex(shape, t, k, a, m)] = tp / npig;
          // The precision envelope: each point takes the best precision at any higher recall.
          for (let i = tp - 1; i > 0; i--)
            if (tpPrecision[row + i]! > tpPrecision[row + i - 1]!)
              tpPrecision[row + i - 1] = tpPrecision[row + i]!;
          // np.searchsorted(rc, recThrs, side='left'): recall reaches (j + 1) / npig at the j-th true positive;
          // points past the last recall keep precision 0. Recall 0 is reached at the first prediction.
          let j = 0;
          for (let r = 0; r < R; r++) {
            const at = precisionIndex(shape, t, r, k, a, m);
            const threshold = recallThresholds[r]!;
            if (first < 0) {
              precision[at] = 0;
              scoreAt[at] = 0;
            } else if (threshold <= 0) {
              precision[at] = tp > 0 ? tpPrecision[row]! : 0;
              scoreAt[at] = sortedScores[first]!;
            } else {
              while (j < tp && (j + 1) / npig < threshold) j++;
              precision[at] = j < tp ? tpPrecision[row + j]! : 0;
              scoreAt[at] = j < tp ? tpScore[row + j]! : 0;
            }
          }
        }
      }
    }
  }
  return { precision, recall, scores: scoreAt, gtCounts, shape };
}

/** Each score's place among the distinct scores, highest first (0 = the highest score). */
function descendingScoreKeys(scores: Float64Array): Int32Array {
  const distinct = scores.slice().sort();
  let size = 0;
  for (let i = 0; i < distinct.length; i++)
    if (i === 0 || distinct[i] !== distinct[size - 1]) distinct[size++] = distinct[i]!;
  const keys = new Int32Array(scores.length);
  for (let n = 0; n < scores.length; n++) {
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (distinct[mid]! < scores[n]!) low = mid + 1;
      else high = mid;
    }
    keys[n] = size - 1 - low;
  }
  return keys;
}

/** Positions 0…length-1 of `items` ordered by `keys[item]` ascending, ties in position order (LSD radix sort, 11 bits a pass). */
function stableOrder(items: Int32Array, keys: Int32Array): Int32Array {
  let order = new Int32Array(items.length);
  for (let p = 0; p < order.length; p++) order[p] = p;
  let maxKey = 0;
  for (const item of items) if (keys[item]! > maxKey) maxKey = keys[item]!;
  let buffer = new Int32Array(items.length);
  const buckets = new Int32Array(2049);
  for (let shift = 0; maxKey >> shift > 0; shift += 11) {
    buckets.fill(0);
    for (let i = 0; i < order.length; i++) buckets[((keys[items[order[i]!]!]! >> shift) & 2047) + 1]!++;
    for (let b = 0; b < 2048; b++) buckets[b + 1]! += buckets[b]!;
    for (let i = 0; i < order.length; i++)
      buffer[buckets[(keys[items[order[i]!]!]! >> shift) & 2047]!++] = order[i]!;
    [order, buffer] = [buffer, order];
  }
  return order;
}

export interface SummaryQuery {
  readonly ap: boolean;
  /** An exact IoU threshold, or every threshold when undefined. */
  readonly iou?: number;
  readonly area: string;
  readonly maxDets: number;
  /** One class index, or all. */
  readonly category?: number;
}

/** cocoeval.py summarize()._summarize: a mean of precision (AP) or recall (AR) over a slice; -1 when empty. */
export function summarizeSlice(acc: Accumulated, params: EvaluationParams, query: SummaryQuery): number {
  const { T, R, K } = acc.shape;
  const a = params.areaRanges.findIndex((range) => range.label === query.area);
  const m = params.maxDets.indexOf(query.maxDets);
  const ts =
    query.iou === undefined
      ? [...Array(T).keys()]
      : params.iouThresholds.flatMap((v, t) => (v === query.iou ? [t] : []));
  if (a < 0 || m < 0 || ts.length === 0) return -1;
  const ks = query.category === undefined ? [...Array(K).keys()] : [query.category];
  let sum = 0;
  let count = 0;
  const add = (value: number) => {
    if (value > -1) {
      sum += value;
      count++;
    }
  };
  for (const t of ts)
    for (const k of ks) {
      if (query.ap) for (let r = 0; r < R; r++) add(acc.precision[precisionIndex(acc.shape, t, r, k, a, m)]!);
      else add(acc.recall[recallIndex(acc.shape, t, k, a, m)]!);
    }
  return count === 0 ? -1 : sum / count;
}

export const STAT_NAMES = [
  'AP',
  'AP50',
  'AP75',
  'AP small',
  'AP medium',
  'AP large',
  'AR@1',
  'AR@10',
  'AR@100',
  'AR small',
  'AR medium',
  'AR large',
] as const;

/** COCOeval.stats for detection: note AP@[.5:.95] is always taken at 100 detections, as upstream does. */
export function cocoStats(acc: Accumulated, params: EvaluationParams): number[] {
  const md = params.maxDets;
  const last = md[Math.min(2, md.length - 1)]!;
  const s = (ap: boolean, area: string, maxDets: number, iou?: number) =>
    summarizeSlice(acc, params, { ap, area, maxDets, ...(iou === undefined ? {} : { iou }) });
  return [
    s(true, 'all', 100),
    s(true, 'all', last, 0.5),
    s(true, 'all', last, 0.75),
    s(true, 'small', last),
    s(true, 'medium', last),
    s(true, 'large', last),
    s(false, 'all', md[0]!),
    s(false, 'all', md[Math.min(1, md.length - 1)]!),
    s(false, 'all', last),
    s(false, 'small', last),
    s(false, 'medium', last),
    s(false, 'large', last),
  ];
}
