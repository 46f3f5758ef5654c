/**
 * Drives one labeled-dataset import from the UI: adds the classes the mapping creates, starts the host job,
 * writes each batch (images, labels, report) as it arrives, and shows progress like an image import.
 */

import type { AnyJobEvent, ApiClient, DatasetImportJobEvent } from '../../../src/core/api/contract';
import type { DatasetInspection } from '../../../src/core/api/datasets';
import type { JobId, ProjectId } from '../../../src/core/ids';
import type { LabelClass } from '../../../src/core/schema/types';
import { compileSchema } from '../../../src/core/schema/validate';
import type { LabelLoopDatabase } from '../db/database';
import { writeDatasetBatch, type DatasetImportSettings } from '../db/datasetImport';
import { beginDatasetImport, finishImport } from '../db/imports';
import { applySchemaChange, currentSchema } from '../db/schemas';
import { useUi } from '../state/ui';
import { classMapKey, schemaChangeFor, type ClassMap } from './datasetRecords';

export interface DatasetImportPlan {
  readonly inspection: DatasetInspection;
  /** File label → schema class id (or, for a label whose class is created, that class's id), or null to skip. */
  readonly classMap: ClassMap;
  /** Classes to add to the schema, as one change, before the import starts. */
  readonly newClasses: readonly LabelClass[];
  readonly markDone: boolean;
}

/** Remembers the project's mapping for the next import of a dataset with the same labels. */
async function rememberClassMap(db: LabelLoopDatabase, projectId: ProjectId, classMap: ClassMap) {
  const key = classMapKey(projectId);
  const previous = ((await db.settings.get(key))?.value ?? {}) as Record<string, string | null>;
  await db.settings.put({ key, value: { ...previous, ...classMap } });
}

/** Resolves when the import has ended (done, cancelled or failed) and every batch is saved. */
export async function runDatasetImport(
  api: ApiClient,
  db: LabelLoopDatabase,
  projectId: ProjectId,
  plan: DatasetImportPlan,
): Promise<void> {
  const ui = useUi.getState();
  const { inspection } = plan;
  const record = await beginDatasetImport(
    db,
    projectId,
    `${inspection.path} (${inspection.format.toUpperCase()})`,
    { format: inspection.format, source: inspection.path },
  );
  ui.setImport(projectId, {
    importId: record.id,
    jobId: null,
    done: 0,
    total: 0,
    ratePerSecond: 0,
    etaSeconds: null,
    cancelling: false,
  });

  let jobId: JobId | null = null;
  const early: AnyJobEvent[] = [];
  let writes = Promise.resolve();
  let writeError: string | null = null;
  let settle: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (settle = resolve));
  let settings: DatasetImportSettings | undefined;

  // Events of this job's id are this job's kind.
  const handle = (event: DatasetImportJobEvent) => {
    switch (event.type) {
      case 'progress': {
        const current = useUi.getState().imports[projectId];
        if (current?.importId === record.id)
          ui.setImport(projectId, {
            ...current,
            done: event.done,
            total: event.total,
            ratePerSecond: event.ratePerSecond,
            etaSeconds: event.etaSeconds,
          });
        return;
      }
      case 'output': {
        const batch = event.output;
        writes = writes
          .then(async () => {
            const { added } = await writeDatasetBatch(db, projectId, record.id, batch, settings!);
            if (added > 0 || batch.images.length > 0) useUi.getState().dataChanged();
          })
          .catch((error: unknown) => {
            if (writeError !== null) return;
            writeError = `Saving the imported dataset failed: ${(error as Error).message}`;
            if (jobId !== null) void api.call('jobs.cancel', { jobId });
          });
        return;
      }
      case 'done':
      case 'cancelled':
        writes = writes.then(() =>
          finishImport(db, record.id, {
            state: writeError === null ? event.type : 'failed',
            candidates: event.summary.candidates,
            ignoredFiles: event.summary.ignoredFiles,
            ...(writeError === null ? {} : { error: writeError }),
          }),
        );
        void writes.then(settle, settle);
        return;
      case 'failed':
        writes = writes.then(() =>
          finishImport(db, record.id, { state: 'failed', error: event.error.message }),
        );
        void writes.then(settle, settle);
        return;
    }
  };

  const unsubscribe = api.onJobEvent((event) => {
    if (jobId === null) early.push(event);
    else if (event.jobId === jobId) handle(event as DatasetImportJobEvent);
  });
  try {
    const change = schemaChangeFor(
      (await currentSchema(db, projectId))?.schema,
      plan.newClasses,
      (await db.projects.get(projectId))?.name ?? 'Schema',
    );
    if (change) {
      const applied = await applySchemaChange(db, projectId, change, 'import');
      if (!applied.ok) {
        await finishImport(db, record.id, {
          state: 'failed',
          error: `The new classes could not be added to the schema: ${applied.message}`,
        });
        return;
      }
    }
    await rememberClassMap(db, projectId, plan.classMap);
    const schema = await currentSchema(db, projectId);
    settings = {
      classMap: plan.classMap,
      compiled: schema ? compileSchema(schema.schema) : undefined,
      schemaVersion: schema?.version ?? 0,
      markDone: plan.markDone,
    };
    const started = await api.call('datasets.startImport', { projectId, inspectId: inspection.inspectId });
    if (!started.ok) {
      await finishImport(db, record.id, { state: 'failed', error: started.error.message });
      return;
    }
    jobId = started.value.jobId;
    const current = useUi.getState().imports[projectId];
    if (current) ui.setImport(projectId, { ...current, jobId });
    for (const event of early.splice(0)) if (event.jobId === jobId) handle(event as DatasetImportJobEvent);
    await ended;
  } finally {
    unsubscribe();
    ui.setImport(projectId, null);
    useUi.getState().dataChanged();
  }
}
