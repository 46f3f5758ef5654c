/**
 * Accepting a whole model run at a threshold, from the runs list: every image's predictions go through
 * the editor's checks (src/core/predictions/bulkAccept.ts), and all the images are written in one
 * transaction with a record of what was added, which "Undo" removes again in one transaction.
 */

import { classIdsOf, type ImageAnnotations } from '../../../src/core/annotations/types';
import { NOTHING_HIDDEN } from '../../../src/core/editing/display';
import type { ImageId } from '../../../src/core/ids';
import { acceptRunAbove } from '../../../src/core/predictions/bulkAccept';
import type { BulkAcceptRecord, PredictionDecision, RunId } from '../../../src/core/predictions/types';
import { compileSchema } from '../../../src/core/schema/validate';
import { newId, type LabelLoopDatabase } from '../db/database';
import { currentSchema } from '../db/schemas';
import { emptyRecord } from '../editor/session';
import { AUTHOR } from '../editor/store';

export interface BulkAcceptOutcome {
  readonly accepted: number;
  readonly images: number;
  readonly skipped: number;
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
}

const TABLES = (db: LabelLoopDatabase) => [
  db.predictionRuns,
  db.predictions,
  db.annotations,
  db.decisions,
  db.images,
  db.projects,
  db.schemaVersions,
];

export async function acceptRunAboveThreshold(
  db: LabelLoopDatabase,
  runId: RunId,
  threshold: number,
  now = Date.now(),
): Promise<BulkAcceptOutcome> {
  return db.transaction('rw', TABLES(db), async () => {
    const run = await db.predictionRuns.get(runId);
    if (!run?.model) throw new Error('That run no longer exists.');
    const schema = await currentSchema(db, run.projectId);
    if (!schema) throw new Error('Define the annotation schema before accepting predictions.');
    const rows = await db.predictions.where('runId').equals(runId).toArray();
    const ids = rows.map((row) => row.imageId);
    const [images, records, decisions] = await Promise.all([
      db.images.bulkGet(ids),
      db.annotations.bulkGet(ids),
      db.decisions.bulkGet(ids),
    ]);
    const inputs = rows.flatMap((row, i) => {
      const image = images[i];
      if (!image) return [];
      return [
        {
          imageId: row.imageId,
          predictions: row.predictions,
          imageSize: { width: image.width, height: image.height },
          edited: {
            record: records[i] ?? emptyRecord(image),
            display: NOTHING_HIDDEN,
            status: image.status,
            decisions: decisions[i]?.decisions ?? {},
          },
        },
      ];
    });
    const result = acceptRunAbove(compileSchema(schema.schema), runId, threshold, inputs, {
      now,
      author: AUTHOR,
      schemaVersion: schema.version,
      newId: () => newId<string>(),
    });
    for (const image of result.images) {
      const { record, status, decisions: after } = image.after;
      await db.annotations.put({ ...record, classIds: classIdsOf(record.annotations, record.tags) });
      await db.images.update(image.imageId, { status });
      await db.decisions.put({ imageId: image.imageId, projectId: run.projectId, decisions: after });
    }
    if (result.accepted > 0) {
      const entry: BulkAcceptRecord = {
        at: now,
        threshold,
        accepted: result.accepted,
        images: result.images.map((i) => ({
          imageId: i.imageId,
          annotationIds: i.annotationIds,
          decisionKeys: i.decisionKeys,
        })),
      };
      await db.predictionRuns.put({
        ...run,
        model: { ...run.model, bulkAccepts: [...(run.model.bulkAccepts ?? []), entry] },
      });
    }
    return {
      accepted: result.accepted,
      images: result.images.length,
      skipped: result.skipped,
      reasons: result.reasons,
    };
  });
}

/**
 * Undoes the run's last run-wide accept: removes the annotations it added (those edited since stay, and
 * are counted) and clears its decisions, so the predictions show again.
 */
export async function undoLastBulkAccept(
  db: LabelLoopDatabase,
  runId: RunId,
): Promise<{ removed: number; keptEdited: number }> {
  return db.transaction('rw', TABLES(db), async () => {
    const run = await db.predictionRuns.get(runId);
    const last = run?.model?.bulkAccepts?.at(-1);
    if (!run?.model || !last) return { removed: 0, keptEdited: 0 };
    let removed = 0;
    let keptEdited = 0;
    for (const entry of last.images) {
      const record = await db.annotations.get(entry.imageId as ImageId);
      /** Annotations of this step that stay because they were edited since: their predictions stay accepted. */
      const kept = new Set<string>();
      if (record) {
        const added = new Set(entry.annotationIds);
        const annotations = record.annotations.filter((a) => {
          if (!added.has(a.id)) return true;
          if (a.updatedAt > last.at) {
            keptEdited++;
            kept.add(a.id);
            return true;
          }
          removed++;
          return false;
        });
        const next: ImageAnnotations = {
          ...record,
          annotations,
          classIds: classIdsOf(annotations, record.tags),
          updatedAt: Date.now(),
        };
        await db.annotations.put(next);
      }
      const row = await db.decisions.get(entry.imageId as ImageId);
      if (row) {
        // Keys and annotation ids come in the same order (one accepted prediction, one annotation).
        const cleared = new Set(entry.decisionKeys.filter((_, i) => !kept.has(entry.annotationIds[i]!)));
        const decisions: Record<string, PredictionDecision> = Object.fromEntries(
          Object.entries(row.decisions).filter(([key]) => !cleared.has(key)),
        );
        if (Object.keys(decisions).length === 0) await db.decisions.delete(row.imageId);
        else await db.decisions.put({ ...row, decisions });
      }
    }
    await db.predictionRuns.put({
      ...run,
      model: { ...run.model, bulkAccepts: run.model.bulkAccepts!.slice(0, -1) },
    });
    return { removed, keptEdited };
  });
}
