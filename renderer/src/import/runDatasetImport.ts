/**
 * Drives one labeled-dataset import from the UI: adds the classes the mapping creates, starts the host job,
 * writes each batch (images, labels, report) as it arrives, and shows progress like an image import.
 */

import type { ApiClient } from '../../../src/core/api/contract';
import type { DatasetImportOutput, DatasetInspection } from '../../../src/core/api/datasets';
import type { ProjectId } from '../../../src/core/ids';
import type { LabelClass } from '../../../src/core/schema/types';
import { compileSchema } from '../../../src/core/schema/validate';
import type { LabelLoopDatabase } from '../db/database';
import { writeDatasetBatch, type DatasetImportSettings } from '../db/datasetImport';
import { beginDatasetImport, finishImport } from '../db/imports';
import { applySchemaChange, currentSchema } from '../db/schemas';
import { useUi } from '../state/ui';
import { classMapKey, schemaChangeFor, type ClassMap } from './datasetRecords';
import { followImportJob } from './followImportJob';

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
    const settings: DatasetImportSettings = {
      classMap: plan.classMap,
      compiled: schema ? compileSchema(schema.schema) : undefined,
      schemaVersion: schema?.version ?? 0,
      markDone: plan.markDone,
    };
    await followImportJob<DatasetImportOutput>({
      api,
      db,
      projectId,
      importId: record.id,
      start: () => api.call('datasets.startImport', { projectId, inspectId: inspection.inspectId }),
      failedWrite: 'Saving the imported dataset failed',
      writeBatch: async (batch) => {
        const { added } = await writeDatasetBatch(db, projectId, record.id, batch, settings);
        if (added > 0 || batch.images.length > 0) useUi.getState().dataChanged();
      },
    });
  } finally {
    ui.setImport(projectId, null);
    useUi.getState().dataChanged();
  }
}
