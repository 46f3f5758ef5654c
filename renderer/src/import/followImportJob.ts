/**
 * Follows one import job (images, or a labeled dataset) from the UI: its progress into the project's
 * progress bar, each output batch written in order, and its end recorded in the import report. A failed
 * write cancels the job and the import ends as failed, saying why.
 */

import type { ApiClient } from '../../../src/core/api/contract';
import type { Result } from '../../../src/core/api/errors';
import type { ImportId, JobId, ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from '../db/database';
import { followJob } from '../api/followJob';
import { finishImport } from '../db/imports';
import { useUi } from '../state/ui';

/** What every import job's summary says. */
interface ImportJobSummary {
  readonly candidates: number;
  readonly ignoredFiles: number;
}

export interface FollowImportJob<Output> {
  readonly api: ApiClient;
  readonly db: LabelLoopDatabase;
  readonly projectId: ProjectId;
  readonly importId: ImportId;
  /** Starts the host job; events arriving before it answers are kept. */
  start(): Promise<Result<{ jobId: JobId }>>;
  /** Saves one output batch; batches are saved strictly in order. */
  writeBatch(output: Output): Promise<void>;
  /** Starts the message of a failed write: "Saving imported images failed". */
  readonly failedWrite: string;
}

/** Resolves when the job has ended (done, cancelled or failed) and every batch is saved. */
export async function followImportJob<Output>(job: FollowImportJob<Output>): Promise<void> {
  const { api, db, projectId, importId } = job;
  const ui = useUi.getState();
  await followJob<Output, ImportJobSummary>(api, {
    start: job.start,
    failedWrite: job.failedWrite,
    writeBatch: job.writeBatch,
    started(jobId) {
      const current = useUi.getState().imports[projectId];
      if (current) ui.setImport(projectId, { ...current, jobId });
    },
    progress(event) {
      const current = useUi.getState().imports[projectId];
      if (current?.importId === importId)
        ui.setImport(projectId, {
          ...current,
          done: event.done,
          total: event.total,
          ratePerSecond: event.ratePerSecond,
          etaSeconds: event.etaSeconds,
        });
    },
    ended: (ending, writeError) =>
      finishImport(
        db,
        importId,
        ending.type === 'failed'
          ? { state: 'failed', error: ending.error.message }
          : {
              state: writeError === null ? ending.type : 'failed',
              candidates: ending.summary.candidates,
              ignoredFiles: ending.summary.ignoredFiles,
              ...(writeError === null ? {} : { error: writeError }),
            },
      ),
  });
}
