/**
 * Turning predictions into ground truth: which are shown at a confidence threshold, and accepting or
 * rejecting them as edits that pass the same schema checks as drawing, so undo treats them as one step.
 */

import type { Annotation, AnnotationId, ImageAnnotations } from '../annotations/types';
import { createAnnotation } from '../editing/builders';
import { applyCommand, type Command } from '../editing/commands';
import {
  recordStamp,
  refuse,
  type CreateContext,
  type MissingAttributes,
  type Refusal,
} from '../editing/editContext';
import { setDecisions, type Edit, type EditedImage } from '../editing/edits';
import { begin, commit, perform, type History } from '../editing/history';
import {
  requiredAttributes,
  validateAnnotation,
  type CompiledSchema,
  type ImageSize,
} from '../schema/validate';
import type { ViolationCode } from '../schema/violations';
import { decisionKey, type Prediction, type PredictionDecision, type RunId } from './types';

const undecided = (
  decisions: Readonly<Record<string, PredictionDecision>>,
  runId: RunId,
  prediction: Prediction,
): boolean => !Object.hasOwn(decisions, decisionKey(runId, prediction.id));

/** What the panel and canvas show of a run: predictions at or above `threshold` nobody has decided on yet. */
export function visiblePredictions(
  predictions: readonly Prediction[],
  threshold: number,
  decisions: Readonly<Record<string, PredictionDecision>>,
  runId: RunId,
): Prediction[] {
  return predictions.filter((p) => p.score >= threshold && undecided(decisions, runId, p));
}

/**
 * What "Accept all ≥ threshold" accepts: the visible predictions, most confident first, so that when a
 * class's per-image limit is reached the least confident ones are the ones skipped.
 */
export function predictionsAbove(
  predictions: readonly Prediction[],
  threshold: number,
  decisions: Readonly<Record<string, PredictionDecision>>,
  runId: RunId,
): Prediction[] {
  return visiblePredictions(predictions, threshold, decisions, runId).sort((a, b) => b.score - a.score);
}

/** Constraints of the annotation's own shape that drawing also enforces; attribute prompts come after. */
export const SHAPE_CODES: ReadonlySet<ViolationCode> = new Set<ViolationCode>([
  'invalid-geometry',
  'geometry-not-allowed',
  'box-too-small',
  'polygon-too-few-vertices',
  'outside-image',
  'keypoints-count-mismatch',
  'keypoints-outside-box',
]);

export interface SkippedPrediction {
  readonly predictionId: string;
  readonly reason: string;
}

export interface Accepted {
  readonly ok: true;
  /** One `set-decisions` then one `add-annotations`: perform them as one step (`performAsOneStep`). */
  readonly edits: Edit[];
  readonly accepted: number;
  readonly skipped: SkippedPrediction[];
  /** The new annotations, in the order of the accepted predictions: select them after accepting. */
  readonly annotationIds: AnnotationId[];
  /** Required attributes the new annotations still lack, as after drawing them. */
  readonly missing: MissingAttributes[];
}

/** Why `prediction` cannot become an annotation on `record`, or the annotation it becomes. */
function toAnnotation(
  compiled: CompiledSchema,
  record: ImageAnnotations,
  prediction: Prediction,
  ctx: CreateContext,
  imageSize: ImageSize | undefined,
): { annotation: Annotation; command: Command } | { reason: string } {
  if (prediction.classId === null) {
    return { reason: `model class ${prediction.label} is not mapped to a schema class` };
  }
  // Built with a stand-in id first, so a prediction refused below does not use up an id.
  const probe: CreateContext = { ...ctx, newId: () => 'pending' };
  const created = createAnnotation(
    compiled,
    record,
    { classId: prediction.classId, geometry: prediction.geometry },
    probe,
  );
  if (!created.ok) return { reason: created.reason };
  const problem = validateAnnotation(compiled, created.annotation, {
    imageId: record.imageId,
    index: record.annotations.length,
    image: imageSize,
  }).find((violation) => SHAPE_CODES.has(violation.code));
  if (problem) return { reason: problem.message };
  const annotation = { ...created.annotation, id: ctx.newId() as AnnotationId };
  return {
    annotation,
    command: {
      kind: 'add-annotations',
      items: [{ index: record.annotations.length, annotation }],
      updatedAt: recordStamp(record, ctx),
    },
  };
}

/**
 * Accepts predictions of `runId` into ground truth. Each goes through the checks drawing does (class
 * allowed and mapped, geometry allowed, per-image limits counting the ones accepted before it, minimum
 * size, inside the image when `imageSize` is given); the valid ones become one add command and are marked
 * accepted, the rest are skipped with the reason. Refused when none can be accepted.
 */
export function acceptPredictions(
  compiled: CompiledSchema,
  image: EditedImage,
  runId: RunId,
  predictions: readonly Prediction[],
  ctx: CreateContext,
  imageSize?: ImageSize,
): Accepted | Refusal {
  if (predictions.length === 0) return refuse('no-change', 'No predictions to accept');
  const skipped: SkippedPrediction[] = [];
  const annotations: Annotation[] = [];
  const keys: Record<string, PredictionDecision> = {};
  let record = image.record;
  for (const prediction of predictions) {
    const key = decisionKey(runId, prediction.id);
    if (image.decisions[key] === 'accepted' || Object.hasOwn(keys, key)) {
      skipped.push({ predictionId: prediction.id, reason: 'already accepted' });
      continue;
    }
    const result = toAnnotation(compiled, record, prediction, ctx, imageSize);
    if ('reason' in result) {
      skipped.push({ predictionId: prediction.id, reason: result.reason });
      continue;
    }
    record = applyCommand(record, result.command);
    annotations.push(result.annotation);
    keys[key] = 'accepted';
  }
  if (annotations.length === 0) {
    const none =
      predictions.length === 1
        ? 'The prediction cannot be accepted'
        : `None of the ${predictions.length} predictions can be accepted`;
    return refuse('no-change', `${none}: ${skipped[0]!.reason}`);
  }
  const start = image.record.annotations.length;
  const add: Command = {
    kind: 'add-annotations',
    items: annotations.map((annotation, i) => ({ index: start + i, annotation })),
    updatedAt: recordStamp(image.record, ctx),
  };
  return {
    ok: true,
    // Decisions first, so the step is labelled "Accept 3 predictions".
    edits: [setDecisions(image, keys)!, add],
    accepted: annotations.length,
    skipped,
    annotationIds: annotations.map((a) => a.id),
    missing: annotations
      .map((a) => ({ id: a.id, attributes: requiredAttributes(compiled, a.classId, a.attributes) }))
      .filter((entry) => entry.attributes.length > 0),
  };
}

/** Marks predictions of `runId` rejected; undefined when all of them already are. */
export function rejectPredictions(
  image: EditedImage,
  runId: RunId,
  ids: readonly string[],
): Edit | undefined {
  return setDecisions(image, Object.fromEntries(ids.map((id) => [decisionKey(runId, id), 'rejected'])));
}

/** Performs `edits` (from accept or reject) as one undo step. */
export const performAsOneStep = (history: History, edits: readonly Edit[], label?: string): History =>
  commit(edits.reduce((open, edit) => perform(open, edit), begin(history, label)));
