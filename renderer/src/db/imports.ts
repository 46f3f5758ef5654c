/** Import reports: saved as the import runs, so a reload mid-import still shows what happened. */

import type { ImportProblem } from '../../../src/core/images/types';
import type { ImportId, ProjectId } from '../../../src/core/ids';
import { newId, type ImportRecord, type ImportState, type LabelLoopDatabase } from './database';

export async function beginImport(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  sourceLabel: string,
  now = Date.now(),
): Promise<ImportRecord> {
  const record: ImportRecord = {
    id: newId<ImportId>(),
    projectId,
    startedAt: now,
    finishedAt: null,
    state: 'running',
    sourceLabel,
    candidates: 0,
    added: 0,
    duplicates: 0,
    ignoredFiles: 0,
    problems: [],
    error: null,
  };
  await db.transaction('rw', db.imports, () => db.imports.add(record));
  return record;
}

export async function recordImportBatch(
  db: LabelLoopDatabase,
  id: ImportId,
  batch: { added: number; problems: readonly ImportProblem[] },
): Promise<void> {
  await db.transaction('rw', db.imports, async () => {
    const record = await db.imports.get(id);
    if (!record) return;
    await db.imports.update(id, {
      added: record.added + batch.added,
      duplicates: record.duplicates + batch.problems.filter((p) => p.code === 'duplicate').length,
      problems: [...record.problems, ...batch.problems],
    });
  });
}

export async function finishImport(
  db: LabelLoopDatabase,
  id: ImportId,
  outcome: {
    state: Exclude<ImportState, 'running'>;
    candidates?: number;
    ignoredFiles?: number;
    error?: string;
  },
  now = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.imports, () =>
    db.imports.update(id, {
      state: outcome.state,
      finishedAt: now,
      ...(outcome.candidates !== undefined ? { candidates: outcome.candidates } : {}),
      ...(outcome.ignoredFiles !== undefined ? { ignoredFiles: outcome.ignoredFiles } : {}),
      error: outcome.error ?? null,
    }),
  );
}

/** The newest import of a project; one left `running` by a closed window counts as interrupted. */
export async function latestImport(
  db: LabelLoopDatabase,
  projectId: ProjectId,
): Promise<ImportRecord | undefined> {
  return db.imports
    .where('[projectId+startedAt]')
    .between([projectId, 0], [projectId, Number.MAX_SAFE_INTEGER])
    .last();
}

// --- Labeled-dataset imports ---------------------------------------------------------------------------

/** One entry of a dataset import's report that is not a whole image: a reader problem, an invalid object… */
export interface DatasetReportItem {
  /** `dataset`: the file could not be read as stated; `invalid`: imported, but breaks a schema rule. */
  readonly kind: 'dataset' | 'invalid';
  /** The dataset file (reader problems) or the image's path in the dataset. */
  readonly file: string;
  readonly item: string;
  readonly reason: string;
}

/** What a labeled-dataset import did with the labels, accumulated batch by batch. */
export interface DatasetImportReport {
  readonly format: string;
  /** The dataset folder or file imported. */
  readonly source: string;
  /** Images given at least one imported object or tag. */
  readonly labeledImages: number;
  readonly objects: number;
  readonly tags: number;
  readonly invalidObjects: number;
  readonly appendedImages: number;
  readonly doneImages: number;
  /** Objects and tags not imported because their label was skipped, by label. */
  readonly skippedByLabel: Readonly<Record<string, number>>;
  readonly items: readonly DatasetReportItem[];
}

export type DatasetBatchReport = Omit<DatasetImportReport, 'format' | 'source'>;

export const emptyDatasetReport = (format: string, source: string): DatasetImportReport => ({
  format,
  source,
  labeledImages: 0,
  objects: 0,
  tags: 0,
  invalidObjects: 0,
  appendedImages: 0,
  doneImages: 0,
  skippedByLabel: {},
  items: [],
});

export async function beginDatasetImport(
  db: LabelLoopDatabase,
  projectId: ProjectId,
  sourceLabel: string,
  dataset: { format: string; source: string },
  now = Date.now(),
): Promise<ImportRecord> {
  const record = await beginImport(db, projectId, sourceLabel, now);
  const withDataset: ImportRecord = {
    ...record,
    dataset: emptyDatasetReport(dataset.format, dataset.source),
  };
  await db.transaction('rw', db.imports, () => db.imports.put(withDataset));
  return withDataset;
}

/** Adds one batch's images, problems and label counts to the report (inside the caller's transaction, if any). */
export async function recordDatasetBatch(
  db: LabelLoopDatabase,
  id: ImportId,
  batch: { added: number; problems: readonly ImportProblem[]; dataset: DatasetBatchReport },
): Promise<void> {
  await db.transaction('rw', db.imports, async () => {
    const record = await db.imports.get(id);
    if (!record) return;
    const before = record.dataset ?? emptyDatasetReport('', '');
    const skippedByLabel = { ...before.skippedByLabel };
    for (const [label, count] of Object.entries(batch.dataset.skippedByLabel))
      skippedByLabel[label] = (skippedByLabel[label] ?? 0) + count;
    const add = batch.dataset;
    await db.imports.update(id, {
      added: record.added + batch.added,
      duplicates: record.duplicates + batch.problems.filter((p) => p.code === 'duplicate').length,
      problems: [...record.problems, ...batch.problems],
      dataset: {
        format: before.format,
        source: before.source,
        labeledImages: before.labeledImages + add.labeledImages,
        objects: before.objects + add.objects,
        tags: before.tags + add.tags,
        invalidObjects: before.invalidObjects + add.invalidObjects,
        appendedImages: before.appendedImages + add.appendedImages,
        doneImages: before.doneImages + add.doneImages,
        skippedByLabel,
        items: [...before.items, ...add.items],
      },
    });
  });
}
