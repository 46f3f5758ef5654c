/** What the predictions panel shows, as plain data: rows per run at a threshold, and two runs side by side. */

import { visiblePredictions } from '../../../../src/core/predictions/accept';
import {
  decisionKey,
  type ImagePredictions,
  type Prediction,
  type PredictionDecision,
  type PredictionRun,
  type RunId,
} from '../../../../src/core/predictions/types';
import type { AnnotationSchema } from '../../../../src/core/schema/types';

/** Which layers the canvas draws: ground truth, and each run (a run absent from the map is shown). */
export interface LayerVisibility {
  readonly groundTruth: boolean;
  readonly predictions: Readonly<Record<string, boolean>>;
}

export interface PredictionRow {
  readonly runId: RunId;
  readonly predictionId: string;
  /** The schema class's name, or the source's label for an unmapped prediction. */
  readonly name: string;
  readonly color: string | undefined;
  /** False when the label maps to no schema class: shown, never accepted. */
  readonly mapped: boolean;
  /** Schema rules the prediction breaks (accepting it is refused the same way drawing it would be). */
  readonly flags: readonly string[];
  /** Two decimals, as the list shows it. */
  readonly score: string;
  readonly selected: boolean;
}

export interface RunSection {
  readonly run: PredictionRun;
  readonly shown: boolean;
  /** Visible predictions on this image, most confident first. */
  readonly rows: readonly PredictionRow[];
  /** Undecided predictions on this image under the threshold. */
  readonly belowThreshold: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Rows whose class is mapped: what "Accept all ≥ threshold" can take. */
  readonly acceptable: number;
}

export const formatScore = (score: number): string => score.toFixed(2);

/** A threshold from the slider or a typed value: within 0–1, on the 0.01 grid; NaN becomes 0. */
export function clampThreshold(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}

export const isRunShown = (visibility: LayerVisibility, runId: RunId): boolean =>
  visibility.predictions[runId] ?? true;

/** "Accept all ≥ 0.50 (12)". */
export const acceptAllLabel = (threshold: number, count: number): string =>
  `Accept all ≥ ${formatScore(threshold)} (${count})`;

/** The predictions of `runId` on this image; none when the run has no row for it. */
export const predictionsOfRun = (
  predictions: readonly ImagePredictions[],
  runId: RunId,
): readonly Prediction[] => predictions.find((entry) => entry.runId === runId)?.predictions ?? [];

/** The name and color a prediction's class shows with; unmapped ones keep the source label. */
function classLook(schema: AnnotationSchema, prediction: Prediction): { name: string; color?: string } {
  const cls =
    prediction.classId === null ? undefined : schema.classes.find((c) => c.id === prediction.classId);
  return cls === undefined ? { name: prediction.label } : { name: cls.name, color: cls.color };
}

/** Whether `selected` (a prediction id, or `decisionKey(runId, id)` to tell runs apart) names this one. */
const isSelected = (selected: string | null, runId: RunId, predictionId: string): boolean =>
  selected !== null && (selected === predictionId || selected === decisionKey(runId, predictionId));

export interface PanelInput {
  readonly runs: readonly PredictionRun[];
  readonly predictions: readonly ImagePredictions[];
  readonly schema: AnnotationSchema;
  readonly decisions: Readonly<Record<string, PredictionDecision>>;
  readonly visibility: LayerVisibility;
  readonly threshold: number;
  readonly selectedPredictionId: string | null;
}

/** One section per run, in the order of `runs`. */
export function panelSections(input: PanelInput): RunSection[] {
  return input.runs.map((run) => {
    const all = predictionsOfRun(input.predictions, run.id);
    const visible = visiblePredictions(all, input.threshold, input.decisions, run.id).sort(
      (a, b) => b.score - a.score,
    );
    let accepted = 0;
    let rejected = 0;
    for (const p of all) {
      const decision = input.decisions[decisionKey(run.id, p.id)];
      if (decision === 'accepted') accepted++;
      else if (decision === 'rejected') rejected++;
    }
    const rows = visible.map((p): PredictionRow => {
      const look = classLook(input.schema, p);
      return {
        runId: run.id,
        predictionId: p.id,
        name: look.name,
        color: look.color,
        mapped: p.classId !== null,
        flags: p.flags ?? [],
        score: formatScore(p.score),
        selected: isSelected(input.selectedPredictionId, run.id, p.id),
      };
    });
    return {
      run,
      shown: isRunShown(input.visibility, run.id),
      rows,
      belowThreshold: all.length - accepted - rejected - visible.length,
      accepted,
      rejected,
      acceptable: rows.filter((row) => row.mapped).length,
    };
  });
}

export interface ComparisonRow {
  readonly name: string;
  readonly a: number;
  readonly b: number;
}

/**
 * Visible predictions per class of two runs side by side (classes in schema order, then unmapped labels
 * by name), with a total row last.
 */
export function compareRuns(
  schema: AnnotationSchema,
  a: readonly Prediction[],
  b: readonly Prediction[],
): ComparisonRow[] {
  const counts = new Map<string, { a: number; b: number }>();
  const order = new Map(schema.classes.map((c, i) => [c.name, i]));
  const add = (predictions: readonly Prediction[], side: 'a' | 'b') => {
    for (const p of predictions) {
      const name = classLook(schema, p).name;
      const entry = counts.get(name) ?? { a: 0, b: 0 };
      entry[side]++;
      counts.set(name, entry);
    }
  };
  add(a, 'a');
  add(b, 'b');
  const rank = (name: string) => order.get(name) ?? Number.MAX_SAFE_INTEGER;
  const rows = [...counts.entries()]
    .sort(([x], [y]) => rank(x) - rank(y) || x.localeCompare(y))
    .map(([name, count]) => ({ name, ...count }));
  return [...rows, { name: 'Total', a: a.length, b: b.length }];
}
