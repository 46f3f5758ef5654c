/** Drives one import from the UI: starts the host job, writes each batch to the database, keeps the report. */

import type { ApiClient, ImportOutput, ImportSource } from '../../../src/core/api/contract';
import type { ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from '../db/database';
import { addImportedImages } from '../db/images';
import { beginImport, recordImportBatch } from '../db/imports';
import { addProjectRoots } from '../db/projects';
import { useUi } from '../state/ui';
import { followImportJob } from './followImportJob';

export const describeSources = (sources: readonly ImportSource[]): string =>
  sources
    .map((s) =>
      s.kind === 'folder' ? s.path : s.paths.length === 1 ? s.paths[0] : `${s.paths.length} files`,
    )
    .join(', ');

/** Resolves when the import has ended (done, cancelled or failed) and every batch is saved. */
export async function runImport(
  api: ApiClient,
  db: LabelLoopDatabase,
  projectId: ProjectId,
  sources: readonly ImportSource[],
): Promise<void> {
  const ui = useUi.getState();
  const record = await beginImport(db, projectId, describeSources(sources));
  const progress = {
    importId: record.id,
    jobId: null,
    done: 0,
    total: 0,
    ratePerSecond: 0,
    etaSeconds: null,
    cancelling: false,
  };
  ui.setImport(projectId, progress);

  try {
    await followImportJob<ImportOutput>({
      api,
      db,
      projectId,
      importId: record.id,
      start: () => api.call('images.startImport', { projectId, sources: [...sources] }),
      failedWrite: 'Saving imported images failed',
      writeBatch: async ({ roots, images, problems }) => {
        await addProjectRoots(db, projectId, roots);
        const added = await addImportedImages(db, projectId, images);
        await recordImportBatch(db, record.id, {
          added: added.added,
          problems: [...problems, ...added.duplicates],
        });
        if (added.added > 0) useUi.getState().dataChanged();
      },
    });
  } finally {
    ui.setImport(projectId, null);
    useUi.getState().dataChanged();
  }
}

export async function cancelImport(api: ApiClient, projectId: ProjectId): Promise<void> {
  const current = useUi.getState().imports[projectId];
  if (!current?.jobId) return;
  useUi.getState().setImport(projectId, { ...current, cancelling: true });
  await api.call('jobs.cancel', { jobId: current.jobId });
}
