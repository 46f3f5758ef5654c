/**
 * Runs a model on a list of images as a job: one worker thread (runWorker.ts) holds the session, results
 * stream back in batches, a failed image is reported and skipped, cancel ends the job at once (the worker
 * finishes the image in the model and closes by itself), and a worker that dies (out of memory) costs its
 * current image only.
 */

import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { HostError, type ApiErrorCode } from '../../core/api/errors';
import type { ExecutionProvider, RunImageResult, RunOutput, RunSummary } from '../../core/api/models';
import type { ModelCard } from '../../core/inference/card';
import type { JobContext } from '../jobs';

export interface RunModelInput {
  readonly modelPath: string;
  readonly card: ModelCard;
  readonly images: readonly { readonly imageId: string; readonly path: string }[];
  readonly threads: number;
  readonly provider: ExecutionProvider;
  readonly scoreThreshold?: number;
}

export interface RunModelOptions {
  /** The built worker, dist/host/runWorker.mjs. */
  readonly workerPath: string;
  /** V8 heap limit of the worker (resourceLimits.maxOldGenerationSizeMb); sharp's and onnxruntime's buffers are outside it. */
  readonly memoryLimitMb?: number;
}

// The messages between runJob.ts and runWorker.ts.
export type RunWorkerData = Omit<RunModelInput, 'images'> & { readonly memoryLimitMb?: number };
export interface RunImage {
  readonly index: number;
  readonly imageId: string;
  readonly path: string;
}
export type ToRunWorker =
  | { readonly type: 'images'; readonly images: RunImage[] }
  /** No more images: finish the ones sent, then close. */
  | { readonly type: 'end' }
  /** Cancelled: drop the images not started, finish the one in the model, close. */
  | { readonly type: 'stop' };
export type FromRunWorker =
  | { readonly type: 'ready'; readonly provider: ExecutionProvider; readonly providerNote?: string }
  | { readonly type: 'open-failed'; readonly code: ApiErrorCode; readonly message: string }
  | { readonly type: 'result'; readonly index: number; readonly result: RunImageResult }
  /** Its image-preparing thread died (the worker exits next). */
  | { readonly type: 'crashed'; readonly code?: string; readonly message: string }
  | { readonly type: 'closed' };

/** Images handed to the worker ahead of their results: enough to keep its pipeline fed, few to resend after a crash. */
const IN_FLIGHT = 6;
/** Results are emitted at most this often or when this many wait, whichever comes first. */
const BATCH_MS = 150;
const BATCH_SIZE = 32;
/**
 * A worker is never terminated while onnxruntime works: terminating a thread inside a native run or
 * session creation aborts the whole process ("terminate called after throwing an instance of
 * 'Napi::Error'"). It is told to stop and closes by itself; one that failed to open and is still there after
 * this long is terminated.
 */
const STOP_GRACE_MS = 60_000;

type WorkerEnd =
  | { readonly kind: 'finished' }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'died'; readonly message: string };

const describeDeath = (error: { code?: string; message: string } | null, exitCode: number | null): string => {
  const code = error?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY')
    return 'ran out of memory while predicting this image (the model worker was restarted)';
  if (error)
    return `the model worker failed on this image (${error.message.split('\n')[0]}); it was restarted`;
  return `the model worker stopped on this image (exit code ${exitCode}); it was restarted`;
};

/**
 * libvips' threads per image while runs are going, and what it was before. One thread per image leaves the
 * cores to onnxruntime, which is where a run's time goes: bench/inference.ts measured the 2-thread pipeline
 * at a median 0.86 of bare inference this way against 0.84 with libvips' default (a thread per core). The
 * setting is process-wide (it applies to the whole host), so it is restored when the last run ends.
 */
let runsGoing = 0;
let libvipsThreads = 0;

export async function runModel(
  input: RunModelInput,
  job: JobContext<RunOutput>,
  options: RunModelOptions,
): Promise<RunSummary> {
  if (runsGoing++ === 0) {
    libvipsThreads = sharp.concurrency();
    sharp.concurrency(1);
  }
  try {
    return await runModelInWorker(input, job, options);
  } finally {
    if (--runsGoing === 0) sharp.concurrency(libvipsThreads);
  }
}

async function runModelInWorker(
  input: RunModelInput,
  job: JobContext<RunOutput>,
  options: RunModelOptions,
): Promise<RunSummary> {
  const started = performance.now();
  const total = input.images.length;
  const { images: _images, ...data } = input;
  const workerData: RunWorkerData = {
    ...data,
    ...(options.memoryLimitMb !== undefined && { memoryLimitMb: options.memoryLimitMb }),
  };
  let done = 0;
  let failed = 0;
  let objects = 0;
  let firstResultMs: number | null = null;
  let provider: ExecutionProvider | null = null;
  let providerNote: string | undefined;

  let batch: RunImageResult[] = [];
  let batchTimer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (batchTimer) clearTimeout(batchTimer);
    batchTimer = null;
    if (batch.length === 0) return;
    job.output({ results: batch });
    batch = [];
  };
  const record = (result: RunImageResult) => {
    firstResultMs ??= performance.now() - started;
    done++;
    if (result.error !== undefined) failed++;
    objects += result.objects.length;
    batch.push(result);
    if (batch.length >= BATCH_SIZE) flush();
    else batchTimer ??= setTimeout(flush, BATCH_MS);
    job.progress(done, total);
  };

  /** Runs one worker from image `done` on, until every image has a result, the job is cancelled, or it dies. */
  const runWorker = () =>
    new Promise<WorkerEnd>((resolve, reject) => {
      const worker = new Worker(options.workerPath, {
        workerData,
        ...(options.memoryLimitMb !== undefined && {
          resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb },
        }),
      });
      let sent = done;
      const early = new Map<number, RunImageResult>();
      let opened = false;
      let settled = false;
      let lastError: { code?: string; message: string } | null = null;
      const settle = (end: WorkerEnd | Error) => {
        if (settled) return;
        settled = true;
        job.signal.removeEventListener('abort', onAbort);
        if (!(end instanceof Error) && end.kind === 'cancelled')
          worker.postMessage({ type: 'stop' } satisfies ToRunWorker);
        // The job is over for the caller; the thread finishes what it holds without keeping the host up.
        worker.unref();
        // Only a worker that failed to open is idle for sure; one stopping after a cancel may still be inside
        // a long session creation or run (a big model, a GPU provider compiling), where terminating it
        // would abort the process, so it is left to close by itself.
        if (end instanceof Error) {
          const deadline = setTimeout(() => void worker.terminate(), STOP_GRACE_MS);
          deadline.unref();
          worker.once('exit', () => clearTimeout(deadline));
        }
        if (end instanceof Error) reject(end);
        else resolve(end);
      };
      const onAbort = () => settle({ kind: 'cancelled' });
      const feed = () => {
        const until = Math.min(total, done + IN_FLIGHT);
        if (sent >= until) return;
        const images = input.images
          .slice(sent, until)
          .map((image, i) => ({ index: sent + i, imageId: image.imageId, path: image.path }));
        sent = until;
        worker.postMessage({ type: 'images', images } satisfies ToRunWorker);
      };
      if (job.signal.aborted) return settle({ kind: 'cancelled' });
      job.signal.addEventListener('abort', onAbort);
      // Sent before the model is open, so the worker decodes the first images meanwhile.
      feed();
      worker.on('message', (message: FromRunWorker) => {
        if (settled) return;
        switch (message.type) {
          case 'ready':
            opened = true;
            provider ??= message.provider;
            providerNote ??= message.providerNote;
            if (done >= total) worker.postMessage({ type: 'end' } satisfies ToRunWorker);
            break;
          case 'open-failed':
            settle(new HostError(message.code, message.message));
            break;
          case 'result':
            // A failed image can overtake the one before it (still being decoded): results are recorded
            // in image order. One for an image already given an error (before a restart) is dropped.
            if (message.index < done) break;
            early.set(message.index, message.result);
            for (let next = early.get(done); next && !settled; next = early.get(done)) {
              early.delete(done);
              record(next);
            }
            if (done >= total) {
              worker.postMessage({ type: 'end' } satisfies ToRunWorker);
              settle({ kind: 'finished' });
            } else feed();
            break;
          case 'crashed':
            lastError = message;
            break;
          case 'closed':
            settle({ kind: 'finished' });
            break;
        }
      });
      worker.on('error', (error) => {
        lastError ??= error as NodeJS.ErrnoException;
      });
      worker.on('exit', (exitCode) => {
        if (settled) return;
        // Dying before the model is open is not the fault of an image: no image is blamed, the run fails.
        if (!opened)
          return settle(
            new HostError(
              'internal',
              `the model worker stopped before the model was open (${lastError?.message ?? `exit code ${exitCode}`}).`,
            ),
          );
        settle({ kind: 'died', message: describeDeath(lastError, exitCode) });
      });
    });

  try {
    while (done < total) {
      const end = await runWorker();
      if (end.kind === 'cancelled') break;
      if (end.kind === 'died') {
        const image = input.images[done]!;
        record({ imageId: image.imageId, objects: [], error: `${image.path}: ${end.message}` });
      }
    }
    // A run of no images still opens the model, so a wrong card or a corrupt file is reported.
    if (total === 0) await runWorker();
  } finally {
    flush();
  }
  return {
    processed: done,
    failed,
    objects,
    provider: provider ?? 'cpu',
    ...(providerNote !== undefined && { providerNote }),
    threads: input.threads,
    elapsedMs: performance.now() - started,
    firstResultMs,
  };
}
