/** Drives one import from the UI: starts the host job, writes each batch to the database, keeps the report. */

import type { ApiClient, ImportJobEvent, ImportSource } from '../../../src/core/api/contract';
import type { JobId, ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from '../db/database';
import { addImportedImages } from '../db/images';
import { beginImport, finishImport, recordImportBatch } from '../db/imports';
import { addProjectRoots } from '../db/projects';
import { useUi } from '../state/ui';

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

  let jobId: JobId | null = null;
  // Only this job's events reach `handle`, and this job is an image import.
  const early: ImportJobEvent[] = [];
  let writes = Promise.resolve();
  /** The first failed database write: the job is cancelled and the import ends as failed, saying why. */
  let writeError: string | null = null;
  let settle: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (settle = resolve));

  const handle = (event: (typeof early)[number]) => {
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
        const { roots, images, problems } = event.output;
        // Batches are written strictly in order; the job's end waits for the last write.
        writes = writes
          .then(async () => {
            await addProjectRoots(db, projectId, roots);
            const added = await addImportedImages(db, projectId, images);
            await recordImportBatch(db, record.id, {
              added: added.added,
              problems: [...problems, ...added.duplicates],
            });
            if (added.added > 0) useUi.getState().dataChanged();
          })
          .catch((error: unknown) => {
            if (writeError !== null) return;
            writeError = `Saving imported images failed: ${(error as Error).message}`;
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
    if (jobId === null) early.push(event as ImportJobEvent);
    else if (event.jobId === jobId) handle(event as ImportJobEvent);
  });
  try {
    const started = await api.call('images.startImport', { projectId, sources: [...sources] });
    if (!started.ok) {
      await finishImport(db, record.id, { state: 'failed', error: started.error.message });
      return;
    }
    jobId = started.value.jobId;
    const current = useUi.getState().imports[projectId];
    if (current) ui.setImport(projectId, { ...current, jobId });
    for (const event of early.splice(0)) if (event.jobId === jobId) handle(event);
    await ended;
  } finally {
    unsubscribe();
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
