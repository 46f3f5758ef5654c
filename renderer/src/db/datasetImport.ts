/**
 * Writes one batch of a labeled-dataset import: the images (deduplicated by content hash, as any import),
 * each image's labels mapped to schema classes and appended to its record, its status, and the report.
 */

import type { DatasetImportOutput } from '../../../src/core/api/datasets';
import type { AnnotationId, ImageAnnotations } from '../../../src/core/annotations/types';
import {
  FINISHED_STATUSES,
  type ImageRecord,
  type ImageStatus,
  type ImportProblem,
} from '../../../src/core/images/types';
import type { ImageId, ImportId, ProjectId } from '../../../src/core/ids';
import type { CompiledSchema } from '../../../src/core/schema/validate';
import { buildDatasetRecord, type ClassMap } from '../import/datasetRecords';
import { newId, type LabelLoopDatabase } from './database';
import { addImportedImages } from './images';
import { recordDatasetBatch, type DatasetReportItem } from './imports';
import { addProjectRoots } from './projects';

export interface DatasetImportSettings {
  readonly classMap: ClassMap;
  /** The schema after any classes the import created; undefined when the project has none. */
  readonly compiled: CompiledSchema | undefined;
  readonly schemaVersion: number;
  /** Images whose labels pass the schema become `done` instead of `in-progress`. */
  readonly markDone: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Writes a batch in one transaction; returns how many images were added. */
export async function writeDatasetBatch(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  importId: ImportId,
  batch: DatasetImportOutput,
  settings: DatasetImportSettings,
  now = Date.now(),
): Promise<{ added: number }> {
  return db.transaction('rw', [db.projects, db.images, db.annotations, db.imports], async () => {
    await addProjectRoots(db, projectId, batch.roots);
    const added = await addImportedImages(db, projectId, batch.images, now);
    const alreadyThere = new Set(added.duplicates.map((p) => p.path));
    const rows = await db.images
      .where('[projectId+sha256]')
      .anyOf(batch.images.map((p) => [projectId, p.sha256]))
      .toArray();
    const byHash = new Map(rows.map((row) => [row.sha256, row]));
    const ids = [...new Set(rows.map((row) => row.id))];
    const records = new Map<ImageId, ImageAnnotations>();
    for (const record of await db.annotations.bulkGet(ids)) if (record) records.set(record.imageId, record);

    const changed = new Map<ImageId, ImageAnnotations>();
    const statuses = new Map<ImageId, ImageStatus>();
    const items: DatasetReportItem[] = [];
    const skippedByLabel: Record<string, number> = {};
    const appendedNote = new Map<string, string>();
    const counts = {
      labeledImages: 0,
      objects: 0,
      tags: 0,
      invalidObjects: 0,
      appendedImages: 0,
      doneImages: 0,
    };
    for (const image of batch.images) {
      const row: ImageRecord | undefined = byHash.get(image.sha256);
      const labels = batch.labels[image.relPath];
      if (!row || !labels) continue;
      const built = buildDatasetRecord(row, labels, records.get(row.id), {
        projectId,
        ...settings,
        now,
        newAnnotationId: () => newId<AnnotationId>(),
      });
      for (const [label, count] of Object.entries(built.skipped))
        skippedByLabel[label] = (skippedByLabel[label] ?? 0) + count;
      for (const violation of built.violations)
        items.push({
          kind: 'invalid',
          file: labels.path,
          item: violation.object ?? 'image',
          reason: violation.message,
        });
      if (built.record === null) continue;
      records.set(row.id, built.record);
      changed.set(row.id, built.record);
      counts.labeledImages++;
      counts.objects += built.objects;
      counts.tags += built.tags;
      counts.invalidObjects += built.invalidObjects;
      if (alreadyThere.has(image.path)) {
        counts.appendedImages++;
        const what =
          plural(built.objects, 'object') + (built.tags > 0 ? ` and ${plural(built.tags, 'tag')}` : '');
        appendedNote.set(image.path, what);
      }
      // Labeled images are being worked on; an image someone already submitted (or reviewed) keeps its status.
      const status = statuses.get(row.id) ?? row.status;
      if (!FINISHED_STATUSES.has(status) || statuses.has(row.id))
        statuses.set(row.id, settings.markDone && built.passes ? 'submitted' : 'in-progress');
    }
    await db.annotations.bulkPut([...changed.values()]);
    for (const [id, status] of statuses) await db.images.update(id, { status });
    counts.doneImages = [...statuses.values()].filter((s) => s === 'submitted').length;
    const problems: ImportProblem[] = [
      ...batch.problems,
      ...added.duplicates.map((p) => {
        const note = appendedNote.get(p.path);
        return note ? { ...p, message: `${p.message}; ${note} appended` } : p;
      }),
    ];
    items.unshift(
      ...batch.datasetProblems.map((p) => ({
        kind: 'dataset' as const,
        file: p.file,
        item: p.item,
        reason: p.reason,
      })),
    );
    await recordDatasetBatch(db, importId, {
      added: added.added,
      problems,
      dataset: { ...counts, skippedByLabel, items },
    });
    return { added: added.added };
  });
}
