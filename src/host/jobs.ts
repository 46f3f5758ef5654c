/** Runs long host work as jobs: an id, progress and output events, cancel, and exactly one ending event. */

import { randomUUID } from 'node:crypto';
import type { AnyJobEvent, JobEvent } from '../core/api/contract';
import { HostError } from '../core/api/errors';
import type { JobId } from '../core/ids';

export type JobListener = (event: AnyJobEvent) => void;

export interface JobContext<Output> {
  readonly jobId: JobId;
  readonly signal: AbortSignal;
  progress(done: number, total: number): void;
  output(output: Output): void;
}

export interface JobRunner {
  subscribe(listener: JobListener): () => void;
  start<Output, Summary>(
    run: (context: JobContext<Output>) => Promise<Summary>,
    wrap: (event: JobEvent<Output, Summary>) => AnyJobEvent,
  ): JobId;
  cancel(jobId: string): boolean;
  /** Cancels every running job (the page following them is gone); answers how many. */
  cancelAll(): number;
  /** Resolves when every running job has ended (used by tests and shutdown). */
  idle(): Promise<void>;
}

/** Progress events at most this often; the last one is always sent. */
const PROGRESS_INTERVAL_MS = 150;

export function createJobRunner(): JobRunner {
  const listeners = new Set<JobListener>();
  const running = new Map<string, { controller: AbortController; finished: Promise<void> }>();
  const emit = (event: AnyJobEvent) => {
    for (const listener of listeners) listener(event);
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start<Output, Summary>(
      run: (context: JobContext<Output>) => Promise<Summary>,
      wrap: (event: JobEvent<Output, Summary>) => AnyJobEvent,
    ): JobId {
      const jobId = randomUUID() as JobId;
      const controller = new AbortController();
      const startedAt = Date.now();
      let lastProgress = 0;
      const context: JobContext<Output> = {
        jobId,
        signal: controller.signal,
        progress(done: number, total: number) {
          const now = Date.now();
          if (done < total && now - lastProgress < PROGRESS_INTERVAL_MS) return;
          lastProgress = now;
          const seconds = (now - startedAt) / 1000;
          const ratePerSecond = seconds > 0 ? done / seconds : 0;
          const etaSeconds = ratePerSecond > 0 ? (total - done) / ratePerSecond : null;
          emit(wrap({ jobId, type: 'progress', done, total, ratePerSecond, etaSeconds }));
        },
        output(output: Output) {
          emit(wrap({ jobId, type: 'output', output }));
        },
      };
      const finished = (async () => {
        try {
          const summary = await run(context);
          emit(wrap({ jobId, type: controller.signal.aborted ? 'cancelled' : 'done', summary }));
        } catch (error) {
          const apiError =
            error instanceof HostError
              ? { code: error.code, message: error.message }
              : {
                  code: 'internal' as const,
                  message: error instanceof Error ? error.message : String(error),
                };
          emit(wrap({ jobId, type: 'failed', error: apiError }));
        } finally {
          running.delete(jobId);
        }
      })();
      running.set(jobId, { controller, finished });
      return jobId;
    },
    cancel(jobId) {
      const job = running.get(jobId);
      if (!job) return false;
      job.controller.abort();
      return true;
    },
    cancelAll() {
      for (const job of running.values()) job.controller.abort();
      return running.size;
    },
    async idle() {
      await Promise.all([...running.values()].map((job) => job.finished));
    },
  };
}
