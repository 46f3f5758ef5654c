/**
 * Follows one host job from the UI: events that arrive before the start call answers are kept, output
 * batches are saved strictly in order, a failed save cancels the job, and the ending is handled once every
 * batch is saved. Imports and model runs both follow their jobs with it.
 */

import type { AnyJobEvent, ApiClient, JobEvent } from '../../../src/core/api/contract';
import type { ApiError, Result } from '../../../src/core/api/errors';
import type { JobId } from '../../../src/core/ids';

export type JobEnding<Summary> =
  | { readonly type: 'done' | 'cancelled'; readonly summary: Summary }
  | { readonly type: 'failed'; readonly error: ApiError };

export interface JobFollower<Output, Summary> {
  /** Starts the host job; a refusal ends the follow there, through `ended` as a failure. */
  start(): Promise<Result<{ jobId: JobId }>>;
  started?(jobId: JobId): void | Promise<void>;
  progress?(event: Extract<JobEvent<Output, Summary>, { type: 'progress' }>): void;
  /** Saves one output batch; batches are saved strictly in order. */
  writeBatch(output: Output): Promise<void>;
  /** Starts the message of a failed save: "Saving imported images failed". */
  readonly failedWrite: string;
  /** The job's ending, after every batch is saved; `writeError` says why a save failed (the job was then cancelled). */
  ended(ending: JobEnding<Summary>, writeError: string | null): Promise<void>;
}

/** Resolves when the job has ended and its ending is handled. */
export async function followJob<Output, Summary>(
  api: ApiClient,
  follower: JobFollower<Output, Summary>,
): Promise<void> {
  let jobId: JobId | null = null;
  const early: AnyJobEvent[] = [];
  let writes = Promise.resolve();
  let writeError: string | null = null;
  let settle: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (settle = resolve));
  const end = (ending: JobEnding<Summary>) => {
    writes = writes.then(() => follower.ended(ending, writeError));
    void writes.then(settle, settle);
  };

  const handle = (event: JobEvent<Output, Summary>) => {
    switch (event.type) {
      case 'progress':
        return follower.progress?.(event);
      case 'output': {
        const batch = event.output;
        writes = writes
          .then(() => follower.writeBatch(batch))
          .catch((error: unknown) => {
            if (writeError !== null) return;
            writeError = `${follower.failedWrite}: ${(error as Error).message}`;
            if (jobId !== null) void api.call('jobs.cancel', { jobId });
          });
        return;
      }
      case 'done':
      case 'cancelled':
        return end({ type: event.type, summary: event.summary });
      case 'failed':
        return end({ type: 'failed', error: event.error });
    }
  };

  // Only this job's events reach `handle`, and they are of the kind this job emits.
  const unsubscribe = api.onJobEvent((event) => {
    if (jobId === null) early.push(event);
    else if (event.jobId === jobId) handle(event as JobEvent<Output, Summary>);
  });
  try {
    const started = await follower.start();
    if (!started.ok) {
      await follower.ended({ type: 'failed', error: started.error }, null);
      return;
    }
    jobId = started.value.jobId;
    // Early events first, in order, before anything awaits: later ones are handled as they come.
    for (const event of early.splice(0))
      if (event.jobId === jobId) handle(event as JobEvent<Output, Summary>);
    await follower.started?.(jobId);
    await finished;
  } finally {
    unsubscribe();
  }
}
