/**
 * Follows one import job (images, or a labeled dataset) from the UI: its progress into the project's
 * progress bar, each output batch written in order, and its end recorded in the import report. A failed
 * write cancels the job and the import ends as failed, saying why.
 */

import type { AnyJobEvent, ApiClient, JobEvent } from '../../../src/core/api/contract';
import type { Result } from '../../../src/core/api/errors';
import type { ImportId, JobId, ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from '../db/database';
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
  let jobId: JobId | null = null;
  const early: AnyJobEvent[] = [];
  let writes = Promise.resolve();
  let writeError: string | null = null;
  let settle: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (settle = resolve));

  const handle = (event: JobEvent<Output, ImportJobSummary>) => {
    switch (event.type) {
      case 'progress': {
        const current = useUi.getState().imports[projectId];
        if (current?.importId === importId)
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
          .then(() => job.writeBatch(batch))
          .catch((error: unknown) => {
            if (writeError !== null) return;
            writeError = `${job.failedWrite}: ${(error as Error).message}`;
            if (jobId !== null) void api.call('jobs.cancel', { jobId });
          });
        return;
      }
      case 'done':
      case 'cancelled':
        writes = writes.then(() =>
          finishImport(db, importId, {
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
          finishImport(db, importId, { state: 'failed', error: event.error.message }),
        );
        void writes.then(settle, settle);
        return;
    }
  };

  // Only this job's events reach `handle`, and they are of the kind this job emits.
  const unsubscribe = api.onJobEvent((event) => {
    if (jobId === null) early.push(event);
    else if (event.jobId === jobId) handle(event as JobEvent<Output, ImportJobSummary>);
  });
  try {
    const started = await job.start();
    if (!started.ok) {
      await finishImport(db, importId, { state: 'failed', error: started.error.message });
      return;
    }
    jobId = started.value.jobId;
    const current = useUi.getState().imports[projectId];
    if (current) ui.setImport(projectId, { ...current, jobId });
    for (const event of early.splice(0))
      if (event.jobId === jobId) handle(event as JobEvent<Output, ImportJobSummary>);
    await ended;
  } finally {
    unsubscribe();
  }
}
