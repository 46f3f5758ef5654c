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
}

/** One run's predictions on one image (one IndexedDB row per run and image). */
export interface ImagePredictions {
  readonly runId: RunId;
  readonly imageId: ImageId;
  readonly projectId: ProjectId;
  readonly predictions: readonly Prediction[];
}

/** A person's decision on a prediction: accepted into ground truth, or rejected. */
export type PredictionDecision = 'accepted' | 'rejected';

/** `${runId}/${predictionId}`: decisions are kept per image under this key. */
export const decisionKey = (runId: RunId, predictionId: string): string => `${runId}/${predictionId}`;
