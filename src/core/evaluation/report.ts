/**
 * What an evaluation screen shows, as plain serialisable data: the summary numbers, per-class rows,
 * confusion matrix, curves and histograms at one IoU and confidence threshold, and the objects behind any
 * list, cell or bar on request.
 */

import { STAT_NAMES } from './accumulate';
import { histogram, prCurve, scoreSweep, type CurvePoint, type SweepPoint } from './curves';
import type { Evaluation } from './evaluate';
import { objectOutcomes, REASON, REASON_NAMES, VERDICT, type Counts, type ObjectOutcomes } from './failures';
import { failureCases, labelErrors, type FailureKind, type LabelErrorKind } from './mining';
import type { EvalId } from './types';

export interface ClassRow {
  readonly index: number;
  readonly categoryId: EvalId;
  readonly name: string;
  readonly ap: number;
  readonly ap50: number;
  readonly ap75: number;
  readonly gtCount: number;
  readonly predCount: number;
  readonly atThreshold: Counts;
  readonly bestF1?: SweepPoint;
}

export interface HistogramData {
  readonly bins: readonly { readonly from: number; readonly to: number }[];
  readonly series: readonly { readonly label: string; readonly counts: readonly number[] }[];
}

export interface EvaluationSummary {
  readonly statNames: readonly string[];
  readonly stats: readonly number[];
  readonly areaRanges: readonly { readonly label: string; readonly ap: number }[];
  readonly iouThresholds: readonly number[];
  readonly iouIndex: number;
  readonly scoreThreshold: number;
  readonly total: Counts;
  readonly classes: readonly ClassRow[];
  /** Row = ground-truth class, column = predicted class, the last of each is background. */
  readonly confusion: { readonly labels: readonly string[]; readonly counts: readonly number[] };
  readonly prCurves: readonly { readonly label: string; readonly points: readonly CurvePoint[] }[];
  /** All classes pooled at the chosen IoU: at most ~200 points, and the best-F1 one. */
  readonly sweep: { readonly points: readonly SweepPoint[]; readonly best?: SweepPoint };
  readonly scoreHistogram: HistogramData;
  /** Object size as √(area / image area), for true positives, false positives and false negatives. */
  readonly sizeHistogram: HistogramData;
  readonly failureCounts: Readonly<Record<FailureKind | 'label-error' | 'true-positive', number>>;
  readonly imageCount: number;
  readonly gtCount: number;
  readonly predCount: number;
}

export type ObjectListKind = FailureKind | 'label-error' | 'true-positive';

/** One row of a failure list: indices into the evaluation input (-1 = none). */
export interface ObjectRow {
  readonly kind: ObjectListKind;
  readonly image: number;
  readonly gt: number;
  readonly pred: number;
  readonly score: number;
  readonly iou: number;
  readonly reason: string;
  readonly mistakenness?: number;
  readonly labelError?: LabelErrorKind;
}

export interface ObjectQuery {
  readonly kind?: ObjectListKind;
  /** Only objects of this class index (ground truth or prediction). */
  readonly category?: number;
  /** Only objects counted in this confusion cell (row = ground-truth class, column = predicted). */
  readonly cell?: { readonly row: number; readonly col: number };
  /** Only objects whose score falls in [from, to) (score histogram bins). */
  readonly score?: { readonly from: number; readonly to: number };
  /**
   * Only objects whose size, √(area / image area), falls in [from, to) (size histogram bins): a
   * prediction's box, or a missed object's own area, as the histogram counts them.
   */
  readonly size?: { readonly from: number; readonly to: number };
  readonly offset?: number;
  readonly limit?: number;
}

const SWEEP_POINTS = 200;

/** An object's size as the size histogram measures it: √(area / image area). */
function relativeSizeOf(evaluation: Evaluation, area: number, image: number): number {
  const im = evaluation.input.images[image]!;
  return Math.sqrt(area / Math.max(1, im.width * im.height));
}

/** Inside a histogram bin: [from, to), the last bin (ending at 1) closed as the histogram counts it. */
const inBin = (value: number, { from, to }: { from: number; to: number }) =>
  value >= from && (value < to || (to === 1 && value === 1));

function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const step = points.length / max;
  return Array.from({ length: max }, (_, i) => points[Math.floor(i * step)]!).concat(points.at(-1)!);
}

export function summarize(
  evaluation: Evaluation,
  outcomes: ObjectOutcomes,
  iouIndex: number,
): EvaluationSummary {
  const { params, input, matching, scores } = evaluation;
  const classes = evaluation.perClass.map((c, k) => {
    const sweep = scoreSweep(evaluation, iouIndex, k);
    return {
      index: k,
      categoryId: c.categoryId,
      name: c.name,
      ap: c.ap,
      ap50: c.ap50,
      ap75: c.ap75,
      gtCount: c.gtCount,
      predCount: c.predCount,
      atThreshold: outcomes.perClass[k]!,
      ...(sweep.best ? { bestF1: sweep.best } : {}),
    };
  });
  const sweep = scoreSweep(evaluation, iouIndex);
  const curveAt = (iou: number) => params.iouThresholds.indexOf(iou);
  // numpy's linspace makes 0.9 0.8999999999999999: the label shows the threshold as the user chose it.
  const iouLabel = (iou: number) => `IoU ${Number(iou.toPrecision(12))}`;
  const prCurves = [0.5, 0.75]
    .filter((iou) => curveAt(iou) >= 0)
    .map((iou) => ({ label: iouLabel(iou), points: prCurve(evaluation, curveAt(iou)) }));
  if (!prCurves.some((c) => c.label === iouLabel(params.iouThresholds[iouIndex]!)))
    prCurves.push({
      label: iouLabel(params.iouThresholds[iouIndex]!),
      points: prCurve(evaluation, iouIndex),
    });

  const bins = Array.from({ length: 20 }, (_, i) => ({ from: i / 20, to: (i + 1) / 20 }));
  const tpScores: number[] = [];
  const fpScores: number[] = [];
  const sizes: Record<'tp' | 'fp' | 'fn', number[]> = { tp: [], fp: [], fn: [] };
  const relativeSize = (area: number, image: number) => relativeSizeOf(evaluation, area, image);
  for (let n = 0; n < scores.length; n++) {
    const verdict = outcomes.predVerdict[n];
    if (verdict !== VERDICT.truePositive && verdict !== VERDICT.falsePositive) continue;
    const box = input.predictions[n]!.bbox;
    (verdict === VERDICT.truePositive ? tpScores : fpScores).push(scores[n]!);
    sizes[verdict === VERDICT.truePositive ? 'tp' : 'fp'].push(
      relativeSize(box[2] * box[3], matching.predImage[n]!),
    );
  }
  for (let g = 0; g < outcomes.gtVerdict.length; g++)
    if (outcomes.gtVerdict[g] === VERDICT.falseNegative)
      sizes.fn.push(relativeSize(input.groundTruth[g]!.area, matching.gtImage[g]!));

  const cases = failureCases(evaluation, outcomes);
  const labels = [...evaluation.categories.map((c) => c.name), 'background'];
  return {
    statNames: STAT_NAMES,
    stats: evaluation.stats,
    areaRanges: params.areaRanges.map((range, a) => ({ label: range.label, ap: evaluation.apByArea[a]! })),
    iouThresholds: params.iouThresholds,
    iouIndex,
    scoreThreshold: outcomes.scoreThreshold,
    total: outcomes.total,
    classes,
    confusion: { labels, counts: Array.from(outcomes.confusion) },
    prCurves,
    sweep: { points: thin(sweep.points, SWEEP_POINTS), ...(sweep.best ? { best: sweep.best } : {}) },
    scoreHistogram: {
      bins,
      series: [
        { label: 'true positives', counts: histogram(tpScores, 20, 0, 1) },
        { label: 'false positives', counts: histogram(fpScores, 20, 0, 1) },
      ],
    },
    sizeHistogram: {
      bins,
      series: [
        { label: 'true positives', counts: histogram(sizes.tp, 20, 0, 1) },
        { label: 'false positives', counts: histogram(sizes.fp, 20, 0, 1) },
        { label: 'false negatives', counts: histogram(sizes.fn, 20, 0, 1) },
      ],
    },
    failureCounts: {
      'false-positive': cases['false-positive'].length,
      'false-negative': cases['false-negative'].length,
      confusion: cases.confusion.length,
      localization: cases.localization.length,
      duplicate: cases.duplicate.length,
      'label-error': labelErrors(evaluation, outcomes).length,
      'true-positive': outcomes.total.tp,
    },
    imageCount: matching.imageCount,
    gtCount: outcomes.perClass.reduce((sum, c) => sum + c.tp + c.fn, 0),
    predCount: Array.from(matching.predRank).filter((r) => r >= 0).length,
  };
}

/** The objects behind a list, a confusion cell, a class or a score bin, sorted for review. */
export function queryObjects(
  evaluation: Evaluation,
  outcomes: ObjectOutcomes,
  query: ObjectQuery,
): {
  rows: ObjectRow[];
  total: number;
} {
  const { matching, scores } = evaluation;
  let rows: ObjectRow[];
  if (query.kind === 'label-error') {
    rows = labelErrors(evaluation, outcomes).map((c) => ({
      kind: 'label-error',
      image: c.image,
      gt: c.gt,
      pred: c.pred,
      score: scores[c.pred]!,
      iou: outcomes.predIou[c.pred]!,
      reason: c.kind.replace('-', ' '),
      mistakenness: c.mistakenness,
      labelError: c.kind,
    }));
  } else if (query.kind === 'true-positive' || (query.cell && query.cell.row === query.cell.col)) {
    rows = [];
    for (let n = 0; n < scores.length; n++)
      if (outcomes.predVerdict[n] === VERDICT.truePositive)
        rows.push({
          kind: 'true-positive',
          image: matching.predImage[n]!,
          gt: outcomes.predGt[n]!,
          pred: n,
          score: scores[n]!,
          iou: outcomes.predIou[n]!,
          reason: '',
        });
    rows.sort((a, b) => a.iou - b.iou || b.score - a.score);
  } else {
    const cases = failureCases(evaluation, outcomes);
    const kinds: FailureKind[] = query.kind
      ? [query.kind]
      : ['false-positive', 'confusion', 'localization', 'duplicate', 'false-negative'];
    rows = kinds.flatMap((kind) => cases[kind]);
  }
  const K = matching.categoryCount;
  // A missed object is counted in its own cell (its class → background), whatever prediction explains it.
  const cellOf = (row: ObjectRow) =>
    row.kind === 'false-negative' || (row.kind === 'label-error' && row.gt >= 0)
      ? outcomes.gtCell[row.gt]!
      : row.pred >= 0
        ? outcomes.predCell[row.pred]!
        : -1;
  const filtered = rows.filter((row) => {
    // A confusion is both a false positive and a missed object: among all errors, list the pair once.
    if (
      query.kind === undefined &&
      row.kind === 'false-negative' &&
      outcomes.gtReason[row.gt] === REASON.wrongClass
    )
      return false;
    if (query.category !== undefined) {
      const gtClass = row.gt >= 0 ? matching.gtCategory[row.gt] : -1;
      const predClass = row.pred >= 0 ? matching.predCategory[row.pred] : -1;
      if (gtClass !== query.category && predClass !== query.category) return false;
    }
    if (query.cell && cellOf(row) !== query.cell.row * (K + 1) + query.cell.col) return false;
    if (query.score) {
      // A score bin lists predictions, as the histogram counts them: a miss's score is that of the
      // prediction explaining it, already listed. The last bin holds 1 (histogram's closed upper edge).
      if (query.kind === undefined && row.kind === 'false-negative') return false;
      if (!(row.pred >= 0 && inBin(row.score, query.score))) return false;
    }
    if (query.size) {
      // As for score bins: without a kind, a size bin lists the false positives (misses have their own series).
      if (query.kind === undefined && row.kind === 'false-negative') return false;
      const { input } = evaluation;
      const size =
        row.kind === 'false-negative'
          ? relativeSizeOf(evaluation, input.groundTruth[row.gt]!.area, row.image)
          : row.pred >= 0
            ? relativeSizeOf(
                evaluation,
                input.predictions[row.pred]!.bbox[2] * input.predictions[row.pred]!.bbox[3],
                row.image,
              )
            : -1;
      if (!inBin(size, query.size)) return false;
    }
    return true;
  });
  const offset = query.offset ?? 0;
  return { rows: filtered.slice(offset, offset + (query.limit ?? 200)), total: filtered.length };
}

/** Outcomes and summary together, for callers that change thresholds without re-matching. */
export function summaryAt(evaluation: Evaluation, iouIndex: number, scoreThreshold: number) {
  const outcomes = objectOutcomes(evaluation, iouIndex, scoreThreshold);
  return { outcomes, summary: summarize(evaluation, outcomes, iouIndex) };
}

export { REASON_NAMES };
