/** Curves for charts and thresholds: COCO's interpolated PR curves, and the confidence sweep with its best-F1 point. */

import { precisionIndex } from './accumulate';
import type { Evaluation } from './evaluate';
import { OUTCOME, outcomeAt } from './match';
import { RECALL_THRESHOLDS } from './params';

export interface CurvePoint {
  readonly recall: number;
  readonly precision: number;
}

/**
 * The 101-point interpolated precision-recall curve at IoU threshold index `t` (size "all", largest cap) for
 * one class, or the mean over classes with ground truth when `k` is undefined; empty when there is none.
 */
export function prCurve(evaluation: Evaluation, t: number, k?: number): CurvePoint[] {
  const acc = evaluation.accumulated;
  const m = acc.shape.M - 1;
  const classes = k === undefined ? [...Array(acc.shape.K).keys()] : [k];
  const points: CurvePoint[] = [];
  RECALL_THRESHOLDS.forEach((recall, r) => {
    let sum = 0;
    let count = 0;
    for (const c of classes) {
      const p = acc.precision[precisionIndex(acc.shape, t, r, c, 0, m)]!;
      if (p > -1) {
        sum += p;
        count++;
      }
    }
    if (count > 0) points.push({ recall, precision: sum / count });
  });
  return points;
}

export interface SweepPoint {
  /** Keep predictions scoring at least this. */
  readonly threshold: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface Sweep {
  /** One point per distinct score, from the highest threshold down. */
  readonly points: readonly SweepPoint[];
  /** The threshold with the highest F1 (the highest threshold among equals), or undefined without ground truth. */
  readonly best?: SweepPoint;
}

/**
 * Precision, recall and F1 at every confidence threshold, at IoU threshold index `t`, for one class or all
 * classes pooled. Matches come from COCO's greedy matching, so each point equals re-running at that threshold.
 */
export function scoreSweep(evaluation: Evaluation, t: number, k?: number): Sweep {
  const { matching, scores, accumulated } = evaluation;
  const A = accumulated.shape.A;
  const classes = k === undefined ? [...Array(matching.categoryCount).keys()] : [k];
  let positives = 0;
  const preds: number[] = [];
  for (const c of classes) {
    positives += accumulated.gtCounts[c * A]!;
    for (let j = matching.categoryPredStart[c]!; j < matching.categoryPredStart[c + 1]!; j++)
      preds.push(matching.categoryPreds[j]!);
  }
  preds.sort((x, y) => scores[y]! - scores[x]!);
  const points: SweepPoint[] = [];
  let best: SweepPoint | undefined;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < preds.length; i++) {
    const outcome = outcomeAt(matching, preds[i]!, 0, t);
    if (outcome === OUTCOME.truePositive) tp++;
    else if (outcome === OUTCOME.falsePositive) fp++;
    const score = scores[preds[i]!]!;
    // A threshold keeps every prediction with an equal score: only the last of a run of ties is a point.
    if (i + 1 < preds.length && scores[preds[i + 1]!] === score) continue;
    if (positives === 0) continue;
    const point = {
      threshold: score,
      precision: tp + fp > 0 ? tp / (tp + fp) : 1,
      recall: tp / positives,
      f1: tp > 0 ? (2 * tp) / (tp + fp + positives) : 0,
    };
    points.push(point);
    if (!best || point.f1 > best.f1) best = point;
  }
  return best ? { points, best } : { points };
}

/**
 * Counts per bin of `values` over [min, max] in `bins` equal bins: bin i is [min + span·i/bins, min +
 * span·(i+1)/bins), the last bin includes max.
 */
export function histogram(values: Iterable<number>, bins: number, min: number, max: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const span = max - min;
  const edge = (i: number) => min + (span * i) / bins;
  for (const v of values) {
    if (!(v >= min && v <= max)) continue;
    let bin = 0;
    if (span > 0) {
      bin = Math.min(bins - 1, Math.floor(((v - min) / span) * bins));
      // Rounding can land a value on an edge one bin off (0.15 / 0.05 = 2.999…): the edges decide, as in numpy.histogram.
      if (bin > 0 && v < edge(bin)) bin--;
      else if (bin < bins - 1 && v >= edge(bin + 1)) bin++;
    }
    counts[bin]!++;
  }
  return counts;
}
