/** Prediction runs, their predictions per image, and the decisions people made on them, in the project database. */

import type { ImageId, ProjectId } from '../../../src/core/ids';
import type {
  ImagePredictions,
  Prediction,
  PredictionDecision,
  PredictionRun,
  RunId,
} from '../../../src/core/predictions/types';
import type { LabelLoopDatabase } from './database';

/** Stores a run and its predictions in one transaction: a run is never half there. Empty images get no row. */
export async function addPredictionRun(
  db: LabelLoopDatabase,
  run: PredictionRun,
  perImage: readonly { readonly imageId: ImageId; readonly predictions: readonly Prediction[] }[],
): Promise<void> {
  const rows: ImagePredictions[] = perImage
    .filter((entry) => entry.predictions.length > 0)
    .map((entry) => ({
      runId: run.id,
      imageId: entry.imageId,
      projectId: run.projectId,
      predictions: entry.predictions,
    }));
  await db.transaction('rw', db.predictionRuns, db.predictions, async () => {
    await db.predictionRuns.add(run);
    await db.predictions.bulkAdd(rows);
  });
}

/** A project's runs, newest first. */
export async function listRuns(db: LabelLoopDatabase, projectId: ProjectId): Promise<PredictionRun[]> {
  const runs = await db.predictionRuns.where('projectId').equals(projectId).toArray();
  return runs.sort((a, b) => b.createdAt - a.createdAt || a.name.localeCompare(b.name));
}

/** Every run's predictions on one image, one entry per run that has any. */
export async function predictionsFor(db: LabelLoopDatabase, imageId: ImageId): Promise<ImagePredictions[]> {
  return db.predictions.where('imageId').equals(imageId).toArray();
}

/** The decisions on one image's predictions; empty when none were made. */
export async function decisionsFor(
  db: LabelLoopDatabase,
  imageId: ImageId,
): Promise<Readonly<Record<string, PredictionDecision>>> {
  return (await db.decisions.get(imageId))?.decisions ?? {};
}

/** Replaces one image's decisions; an empty set removes its row. */
export async function saveDecisions(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  imageId: ImageId,
  decisions: Readonly<Record<string, PredictionDecision>>,
): Promise<void> {
  if (Object.keys(decisions).length === 0) await db.decisions.delete(imageId);
  else await db.decisions.put({ imageId, projectId, decisions });
}

/**
 * Deletes a run, its predictions and the decisions on them, in one transaction. Annotations accepted
 * from it stay: they are ground truth now.
 */
export async function deleteRun(db: LabelLoopDatabase, runId: RunId): Promise<void> {
  await db.transaction(
    'rw',
    [db.predictionRuns, db.predictions, db.decisions, db.runImages, db.runPlans, db.evaluations],
    async () => {
      const run = await db.predictionRuns.get(runId);
      if (run) await db.evaluations.where('[projectId+runId]').equals([run.projectId, runId]).delete();
      await db.predictions.where('runId').equals(runId).delete();
      await db.runImages.where('runId').equals(runId).delete();
      await db.runPlans.delete(runId);
      await db.predictionRuns.delete(runId);
      if (run === undefined) return;
      const prefix = `${runId}/`;
      const rows = await db.decisions.where('projectId').equals(run.projectId).toArray();
      for (const row of rows) {
        const kept = Object.entries(row.decisions).filter(([key]) => !key.startsWith(prefix));
        if (kept.length === Object.keys(row.decisions).length) continue;
        if (kept.length === 0) await db.decisions.delete(row.imageId);
        else await db.decisions.put({ ...row, decisions: Object.fromEntries(kept) });
      }
    },
  );
}

/**
 * Deletes all of a project's runs, predictions, decisions, evaluations and review tags. Opens no transaction of its own, so
 * `deleteProject` can call it inside its own (with these three tables in its scope).
 */
export async function deleteProjectPredictions(db: LabelLoopDatabase, projectId: ProjectId): Promise<void> {
  await db.predictions.where('projectId').equals(projectId).delete();
  await db.predictionRuns.where('projectId').equals(projectId).delete();
  await db.decisions.where('projectId').equals(projectId).delete();
  await db.runImages.where('projectId').equals(projectId).delete();
  await db.runPlans.where('projectId').equals(projectId).delete();
  await db.evaluations.where('projectId').equals(projectId).delete();
  await db.objectTags.where('projectId').equals(projectId).delete();
}
