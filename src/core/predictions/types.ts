/** Predictions: what a model run (or an imported results file) proposes, kept apart from ground truth. */

import type { Geometry } from '../annotations/types';
import type { Brand, ImageId, ProjectId } from '../ids';

export type RunId = Brand<string, 'RunId'>;

/** One proposed object. Never ground truth until a person (or an accept-all step) accepts it. */
export interface Prediction {
  /** Unique within its run and image. */
  readonly id: string;
  /** The schema class it maps to, or null when the source class is not mapped (shown, never accepted). */
  readonly classId: string | null;
  /** The class as the source named it (model class name or category id). */
  readonly label: string;
  /** Confidence in [0, 1]. */
  readonly score: number;
  readonly geometry: Geometry;
  /**
   * Schema rules the prediction breaks as it stands (a box below the class's minimum size, a geometry the
   * class does not allow): kept and shown as a prediction, never written as ground truth unchecked.
   */
  readonly flags?: readonly string[];
}

/** An image-level class a classifier proposes. */
export interface TagPrediction {
  readonly classId: string;
  readonly label: string;
  readonly score: number;
}

/** Where a model run stands; `running` with no live job (the app was closed) reads as interrupted. */
export type ModelRunStatus = 'running' | 'done' | 'cancelled' | 'failed';

/** What a model run records beyond an imported file: enough to reproduce it and to resume it. */
export interface ModelRunDetails {
  readonly sha256: string;
  readonly fileName: string;
  readonly task: string;
  /** The reviewed card the run used (a copy: later edits of the card do not change this record). */
  readonly card: unknown;
  /** Model class → schema class id, or null for classes ignored. */
  readonly classMap: Readonly<Record<string, string | null>>;
  readonly scoreThreshold: number;
  readonly nmsThreshold: number | null;
  readonly threads: number;
  readonly provider: string;
  readonly providerNote?: string;
  /** How many images the run covers; which ones, in order, is its `RunPlan` (kept apart: it can be large). */
  readonly imageTotal: number;
  readonly status: ModelRunStatus;
  readonly processed: number;
  readonly failed: number;
  /** Objects of classes mapped to nothing, per model class: ignored and counted. */
  readonly unmapped: Readonly<Record<string, number>>;
  /** Predictions kept with schema flags. */
  readonly flagged: number;
  readonly elapsedMs: number;
  readonly firstResultMs: number | null;
  readonly finishedAt: number | null;
  /** Why the run failed as a whole. */
  readonly error?: string;
  /** "Accept all ≥ threshold" steps taken on the whole run, newest last; the last one can be undone. */
  readonly bulkAccepts?: readonly BulkAcceptRecord[];
}

/** One run-wide accept: exactly what it added, so undoing it removes that and nothing else. */
export interface BulkAcceptRecord {
  readonly at: number;
  readonly threshold: number;
  readonly accepted: number;
  readonly images: readonly {
    readonly imageId: ImageId;
    readonly annotationIds: readonly string[];
    readonly decisionKeys: readonly string[];
  }[];
}

/**
 * The images a model run covers, in order; resume runs the ones without a `runImages` row. A row of its own,
 * so that saving each batch's counters and listing runs never rewrites or reads a million ids.
 */
export interface RunPlan {
  readonly runId: RunId;
  readonly projectId: ProjectId;
  readonly imageIds: readonly ImageId[];
}

/** One image of a model run, done or failed; its embedding when the model is an embedder. */
export interface RunImageRecord {
  readonly runId: RunId;
  readonly imageId: ImageId;
  readonly projectId: ProjectId;
  readonly error?: string;
  readonly embedding?: Float32Array;
}

/** A source of predictions: a model run (a later issue) or an imported results file. */
export interface PredictionRun {
  readonly id: RunId;
  readonly projectId: ProjectId;
  /** What the user calls it: the model or file name. */
  readonly name: string;
  readonly source: 'import' | 'model';
  readonly createdAt: number;
  readonly imageCount: number;
  readonly predictionCount: number;
  /** Model runs only. */
  readonly model?: ModelRunDetails;
}

/** One run's predictions on one image (one IndexedDB row per run and image). */
export interface ImagePredictions {
  readonly runId: RunId;
  readonly imageId: ImageId;
  readonly projectId: ProjectId;
  readonly predictions: readonly Prediction[];
  /** Classifier runs: the image's proposed tags, best first. */
  readonly tags?: readonly TagPrediction[];
}

/** A person's decision on a prediction: accepted into ground truth, or rejected. */
export type PredictionDecision = 'accepted' | 'rejected';

/** `${runId}/${predictionId}`: decisions are kept per image under this key. */
export const decisionKey = (runId: RunId, predictionId: string): string => `${runId}/${predictionId}`;
