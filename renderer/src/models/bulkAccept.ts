/**
 * Accepting a whole model run at a threshold, from the runs list: every image's predictions go through
 * the editor's checks (src/core/predictions/bulkAccept.ts), and all the images are written in one
 * transaction with a record of what was added, which "Undo" removes again in one transaction. Both write
 * audit entries in their transaction, attributed to the person working.
 */

import { classIdsOf, type ImageAnnotations } from '../../../src/core/annotations/types';
import { NOTHING_HIDDEN } from '../../../src/core/editing/display';
import type { ImageId } from '../../../src/core/ids';
import type { ImageStatus } from '../../../src/core/images/types';
import type { AuditEntry } from '../../../src/core/qa/audit';
import { acceptRunAbove } from '../../../src/core/predictions/bulkAccept';
import type { BulkAcceptRecord, PredictionDecision, RunId } from '../../../src/core/predictions/types';
import { compileSchema } from '../../../src/core/schema/validate';
import { newId, type LabelLoopDatabase } from '../db/database';
import { appendAudit } from '../db/review';
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
  db.audit,
];

/** Who acts and when; without a profile (tests, databases from before profiles) labels say AUTHOR. */
export interface BulkAcceptBy {
  readonly user?: string | undefined;
  readonly now?: number;
}

/**
 * Origin of a run-wide accept's audit entries, and of its undo's: "import", as for other events outside an
 * image's undo history. Not "do"/"undo": those count as someone's time on the image in the report's
 * throughput (timeSpentPerImage), and one click over hundreds of images is not labeling work.
 */
const ORIGIN = 'import' as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function acceptRunAboveThreshold(
  db: LabelLoopDatabase,
  runId: RunId,
  threshold: number,
  by: BulkAcceptBy = {},
): Promise<BulkAcceptOutcome> {
  const now = by.now ?? Date.now();
  const user = by.user ?? AUTHOR;
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
      author: user,
      schemaVersion: schema.version,
      newId: () => newId<string>(),
    });
    const statusBefore = new Map(images.flatMap((image) => (image ? [[image.id, image.status]] : [])));
    const entries: AuditEntry[] = [];
    for (const image of result.images) {
      const { record, status, decisions: after } = image.after;
      await db.annotations.put({ ...record, classIds: classIdsOf(record.annotations, record.tags) });
      await db.images.update(image.imageId, { status });
      await db.decisions.put({ imageId: image.imageId, projectId: run.projectId, decisions: after });
      entries.push(
        ...acceptEntries(run, threshold, image, statusBefore.get(image.imageId), { user, at: now }),
      );
    }
    await appendAudit(db, entries);
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

/** One summary entry per image for a run-wide accept (not one per prediction), and its status change if any. */
function acceptEntries(
  run: { readonly id: RunId; readonly projectId: AuditEntry['projectId']; readonly name: string },
  threshold: number,
  image: {
    imageId: ImageId;
    annotationIds: readonly string[];
    decisionKeys: readonly string[];
    after: { status: ImageStatus };
  },
  before: ImageStatus | undefined,
  who: { user: string; at: number },
): AuditEntry[] {
  const common = { projectId: run.projectId, imageId: image.imageId, ...who, origin: ORIGIN };
  const entries: AuditEntry[] = [
    {
      ...common,
      action: 'prediction.accepted',
      before: null,
      after: { run: run.id, threshold, predictions: image.decisionKeys, annotations: image.annotationIds },
      summary: `Accepted ${plural(image.annotationIds.length, 'prediction')} of ${run.name} at ≥ ${threshold} (whole run)`,
    },
  ];
  if (before !== undefined && before !== image.after.status)
    entries.push({
      ...common,
      action: 'image.status',
      before: { status: before },
      after: { status: image.after.status },
      summary: `Status ${before} → ${image.after.status} by accepting ${run.name}'s predictions`,
    });
  return entries;
}

/**
 * Undoes the run's last run-wide accept: removes the annotations it added (those edited since stay, and
 * are counted) and clears its decisions, so the predictions show again. One 'prediction.cleared' entry per
 * image says what went and what stayed.
 */
export async function undoLastBulkAccept(
  db: LabelLoopDatabase,
  runId: RunId,
  by: BulkAcceptBy = {},
): Promise<{ removed: number; keptEdited: number }> {
  const now = by.now ?? Date.now();
  const user = by.user ?? AUTHOR;
  return db.transaction('rw', TABLES(db), async () => {
    const run = await db.predictionRuns.get(runId);
    const last = run?.model?.bulkAccepts?.at(-1);
    if (!run?.model || !last) return { removed: 0, keptEdited: 0 };
    let removed = 0;
    let keptEdited = 0;
    const entries: AuditEntry[] = [];
    for (const entry of last.images) {
      const record = await db.annotations.get(entry.imageId as ImageId);
      /** Annotations of this step that stay because they were edited since: their predictions stay accepted. */
      const kept = new Set<string>();
      const removedHere: string[] = [];
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
          removedHere.push(a.id);
          return false;
        });
        const next: ImageAnnotations = {
          ...record,
          annotations,
          classIds: classIdsOf(annotations, record.tags),
          updatedAt: now,
        };
        await db.annotations.put(next);
      }
      // Keys and annotation ids come in the same order (one accepted prediction, one annotation).
      const cleared = new Set(entry.decisionKeys.filter((_, i) => !kept.has(entry.annotationIds[i]!)));
      const row = await db.decisions.get(entry.imageId as ImageId);
      if (row) {
        const decisions: Record<string, PredictionDecision> = Object.fromEntries(
          Object.entries(row.decisions).filter(([key]) => !cleared.has(key)),
        );
        if (Object.keys(decisions).length === 0) await db.decisions.delete(row.imageId);
        else await db.decisions.put({ ...row, decisions });
      }
      if (removedHere.length === 0 && cleared.size === 0) continue;
      const stayed = kept.size > 0 ? `; kept ${plural(kept.size, 'annotation')} edited since` : '';
      entries.push({
        projectId: run.projectId,
        imageId: entry.imageId as ImageId,
        at: now,
        user,
        action: 'prediction.cleared',
        origin: ORIGIN,
        before: { run: run.id, predictions: [...cleared], annotations: removedHere },
        after: null,
        summary: `Undo: removed ${plural(removedHere.length, 'annotation')} accepted from ${run.name}${stayed}`,
      });
    }
    await appendAudit(db, entries);
    await db.predictionRuns.put({
      ...run,
      model: { ...run.model, bulkAccepts: run.model.bulkAccepts!.slice(0, -1) },
    });
    return { removed, keptEdited };
  });
}
