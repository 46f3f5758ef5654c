/**
 * Evaluation data in the project database: reading a run and the labels as evaluation input, the headline
 * numbers of each evaluation (so a fix shows how it moved them), and tags on reviewed objects and images.
 */

import type { Annotation } from '../../../src/core/annotations/types';
import type { Counts } from '../../../src/core/evaluation/failures';
import { groundTruthObject, predictedObject } from '../../../src/core/evaluation/fromProject';
import type { EvaluationInput, GroundTruthObject, PredictedObject } from '../../../src/core/evaluation/types';
import type { ImageRecord } from '../../../src/core/images/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { Prediction, RunId } from '../../../src/core/predictions/types';
import type { SchemaGeometry } from '../../../src/core/schema/types';
import { newId, type LabelLoopDatabase } from './database';
import { currentSchema } from './schemas';

export interface EvaluationRecord {
  readonly id: string;
  readonly projectId: ProjectId;
  readonly runId: RunId;
  readonly createdAt: number;
  readonly masks: boolean;
  readonly iouThreshold: number;
  readonly scoreThreshold: number;
  /** COCO's twelve numbers. */
  readonly stats: readonly number[];
  readonly total: Counts;
  readonly imageCount: number;
  /** Per image, the largest label-error score (mistakenness) at these thresholds; images without any left out. */
  readonly imageMistakenness?: Readonly<Record<string, number>>;
}

/** Tags a reviewer put on an annotation, a prediction or an image ("missing label", "ambiguous", …). */
export interface ObjectTagRecord {
  readonly projectId: ProjectId;
  /** `objectKey(…)`. */
  readonly key: string;
  readonly imageId: ImageId;
  readonly tags: readonly string[];
  readonly updatedAt: number;
}

/** Schema geometries that give an evaluated object (a box, or keypoints drawn with their box). */
const AREA_GEOMETRIES: ReadonlySet<SchemaGeometry> = new Set(['box', 'rotated-box', 'polygon', 'keypoints']);

export const SUGGESTED_TAGS = ['missing label', 'wrong label', 'ambiguous', 'reviewed'] as const;

export const objectKey = {
  annotation: (id: string) => `a:${id}`,
  prediction: (runId: RunId, predictionId: string) => `p:${runId}/${predictionId}`,
  image: (id: ImageId) => `i:${id}`,
};

/** Which object of the project each evaluated ground truth and prediction is. */
export interface EvaluationRefs {
  readonly images: readonly Pick<
    ImageRecord,
    'id' | 'fileName' | 'width' | 'height' | 'rootId' | 'relPath' | 'format' | 'sha256'
  >[];
  readonly annotations: readonly Annotation[];
  readonly predictions: readonly Prediction[];
  readonly runId: RunId;
}

export interface LoadedEvaluation {
  readonly input: EvaluationInput;
  readonly refs: EvaluationRefs;
  /** Objects left out: points and polylines (no area), predictions of unmapped classes, unknown classes. */
  readonly skipped: { readonly annotations: number; readonly predictions: number };
}

/**
 * The run's images (a model run: the images it finished; an imported file: every project image), their
 * labels and the run's predictions, as evaluation input over the schema's classes.
 */
export async function loadEvaluationInput(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  runId: RunId,
  masks: boolean,
): Promise<LoadedEvaluation> {
  const run = await db.predictionRuns.get(runId);
  if (!run || run.projectId !== projectId) throw new Error('This run is not in the project any more.');
  const schema = await currentSchema(db, projectId);
  if (!schema) throw new Error('The project has no annotation schema: there are no classes to evaluate.');
  // Only classes drawn as objects with an area: a tag-only (or point-only) class has nothing to match,
  // and would add an empty row to every table and matrix.
  const classes = schema.schema.classes.filter((c) => c.geometries.some((g) => AREA_GEOMETRIES.has(g)));
  const classIds = new Set(classes.map((c) => c.id));

  let imageIds: ImageId[];
  if (run.source === 'model') {
    const done = await db.runImages.where('runId').equals(runId).toArray();
    imageIds = done.filter((row) => row.error === undefined).map((row) => row.imageId);
  } else imageIds = (await db.images.where('projectId').equals(projectId).primaryKeys()) as ImageId[];
  const records = (await db.images.bulkGet(imageIds)).filter((r): r is ImageRecord => r !== undefined);
  // Ties between equal scores in different images go by image order (as pycocotools sorts image ids).
  records.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : a.id < b.id ? -1 : 1));
  const labels = await db.annotations.bulkGet(records.map((r) => r.id));
  const byImage = new Map<ImageId, readonly Prediction[]>();
  await db.predictions
    .where('runId')
    .equals(runId)
    .each((row) => byImage.set(row.imageId, row.predictions));

  const groundTruth: GroundTruthObject[] = [];
  const annotations: Annotation[] = [];
  const predictedObjects: PredictedObject[] = [];
  const predictions: Prediction[] = [];
  let skippedAnnotations = 0;
  let skippedPredictions = 0;
  records.forEach((image, i) => {
    for (const annotation of labels[i]?.annotations ?? []) {
      const object = classIds.has(annotation.classId)
        ? groundTruthObject(image.id, annotation, masks)
        : undefined;
      if (!object) skippedAnnotations++;
      else {
        groundTruth.push(object);
        annotations.push(annotation);
      }
    }
    for (const prediction of byImage.get(image.id) ?? []) {
      const object =
        prediction.classId !== null && classIds.has(prediction.classId)
          ? predictedObject(image.id, prediction.id, prediction, masks)
          : undefined;
      if (!object) skippedPredictions++;
      else {
        predictedObjects.push(object);
        predictions.push(prediction);
      }
    }
  });
  return {
    input: {
      images: records.map((r) => ({ id: r.id, width: r.width, height: r.height })),
      categories: classes.map((c) => ({ id: c.id, name: c.name })),
      groundTruth,
      predictions: predictedObjects,
    },
    refs: {
      images: records.map(({ id, fileName, width, height, rootId, relPath, format, sha256 }) => ({
        id,
        fileName,
        width,
        height,
        rootId,
        relPath,
        format,
        sha256,
      })),
      annotations,
      predictions,
      runId,
    },
    skipped: { annotations: skippedAnnotations, predictions: skippedPredictions },
  };
}

/** Evaluations kept per run; older ones are deleted (each evaluation of a page visit adds one). */
export const KEPT_EVALUATIONS = 20;

/**
 * Saves an evaluation's headline numbers, keeps the newest KEPT_EVALUATIONS of the run, and drops the
 * per-image scores from all but the newest (they can hold an entry per image).
 */
export async function saveEvaluation(
  db: LabelLoopDatabase,
  record: Omit<EvaluationRecord, 'id'>,
): Promise<EvaluationRecord> {
  const saved = { ...record, id: newId<string>() };
  await db.transaction('rw', db.evaluations, async () => {
    await db.evaluations.add(saved);
    const rows = (
      await db.evaluations.where('[projectId+runId]').equals([record.projectId, record.runId]).toArray()
    ).sort((a, b) => a.createdAt - b.createdAt);
    const stale = rows.slice(0, Math.max(0, rows.length - KEPT_EVALUATIONS));
    await db.evaluations.bulkDelete(stale.map((r) => r.id));
    for (const row of rows.slice(stale.length))
      if (row.id !== saved.id && row.imageMistakenness) {
        const { imageMistakenness: _dropped, ...rest } = row;
        await db.evaluations.put(rest);
      }
  });
  return saved;
}

/** The evaluation before the newest one that used the same matching and thresholds, to compare with. */
export function previousComparable(history: readonly EvaluationRecord[]): EvaluationRecord | undefined {
  const current = history.at(-1);
  if (!current) return undefined;
  return history
    .slice(0, -1)
    .reverse()
    .find(
      (r) =>
        r.masks === current.masks &&
        r.iouThreshold === current.iouThreshold &&
        r.scoreThreshold === current.scoreThreshold,
    );
}

/** The newest evaluation of a run, or undefined. */
export async function latestEvaluation(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  runId: RunId,
): Promise<EvaluationRecord | undefined> {
  return (await evaluationHistory(db, projectId, runId)).at(-1);
}

/** A run's evaluations, oldest first. */
export async function evaluationHistory(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  runId: RunId,
): Promise<EvaluationRecord[]> {
  const rows = await db.evaluations.where('[projectId+runId]').equals([projectId, runId]).toArray();
  return rows.sort((a, b) => a.createdAt - b.createdAt);
}

export async function tagsOf(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  keys: readonly string[],
): Promise<Map<string, readonly string[]>> {
  const rows = await db.objectTags.bulkGet(keys.map((key) => [projectId, key] as [ProjectId, string]));
  return new Map(rows.flatMap((row) => (row ? [[row.key, row.tags] as const] : [])));
}

/** Adds or removes one tag; a record left without tags is deleted. */
export async function toggleTag(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  key: string,
  imageId: ImageId,
  tag: string,
  now = Date.now(),
): Promise<readonly string[]> {
  return db.transaction('rw', db.objectTags, async () => {
    const row = await db.objectTags.get([projectId, key]);
    const current = row?.tags ?? [];
    const tags = current.includes(tag) ? current.filter((t) => t !== tag) : [...current, tag].sort();
    if (tags.length === 0) await db.objectTags.delete([projectId, key]);
    else await db.objectTags.put({ projectId, key, imageId, tags, updatedAt: now });
    return tags;
  });
}

/** Every tagged key of the project with one tag. */
export async function keysTagged(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  tag: string,
): Promise<Set<string>> {
  const rows = await db.objectTags.where('tags').equals(tag).toArray();
  return new Set(rows.filter((r) => r.projectId === projectId).map((r) => r.key));
}
