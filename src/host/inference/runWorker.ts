/**
 * The worker thread of a model run (built to dist/host/runWorker.mjs): opens the card runner once, takes
 * images as runJob.ts sends them and posts each one's result. A second thread of this same file decodes
 * and prepares the next images, and decodes the model's outputs, while the model runs.
 */

import { parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { HostError } from '../../core/api/errors';
import type { RunImageResult } from '../../core/api/models';
import {
  openCardDecoder,
  openCardPreparer,
  openCardRunner,
  type CardRunner,
  type ImageInference,
  type PreparedImage,
  type PreparedPlacement,
} from './cardRunner';
import type { FromRunWorker, RunImage, RunWorkerData, ToRunWorker } from './runJob';

/*
 * Why two threads: onnxruntime-node's run() blocks the thread it is called on (ARCHITECTURE.md), so
 * JavaScript work on the model's thread (building the tensor, sharp's calls, decoding outputs and NMS)
 * cannot overlap a run. In a thread of its own it fills the gaps onnxruntime's intra-op threads leave;
 * bench/inference.ts measured the gain (docs/benchmarks.md).
 */

/** How many prepared images may wait for the model: one ready, one being prepared. */
const PREPARED_AHEAD = 2;

type Prepared =
  { readonly ok: true; readonly prepared: PreparedImage } | { readonly ok: false; readonly error: string };
type FloatOutputs = Awaited<ReturnType<CardRunner['run']>>;

/** Model thread → image thread. */
type ToImageThread =
  | { readonly type: 'prepare'; readonly index: number; readonly path: string }
  | { readonly type: 'decode'; readonly index: number; readonly outputs: FloatOutputs };
/** Image thread → model thread. */
type FromImageThread =
  | { readonly type: 'prepared'; readonly index: number; readonly outcome: Prepared }
  | {
      readonly type: 'decoded';
      readonly index: number;
      readonly outcome: { ok: true; inference: ImageInference } | { ok: false; error: string };
    };

type WorkerRole = RunWorkerData & { readonly role?: 'images' };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The image thread: prepares each image it is sent, handing the tensor over without a copy, and decodes outputs. */
function imageThread(port: MessagePort, data: RunWorkerData): void {
  const preparer = openCardPreparer(data.card, data);
  const decoder = openCardDecoder(data.card, data);
  const placements = new Map<number, PreparedPlacement & { path: string }>();
  const reply = (message: FromImageThread, transfer: ArrayBuffer[] = []) =>
    port.postMessage(message, transfer);
  port.on('message', (message: ToImageThread) => {
    const { index } = message;
    if (message.type === 'prepare') {
      preparer.prepare(message.path).then(
        (prepared) => {
          placements.set(index, { source: prepared.source, plan: prepared.plan, path: prepared.path });
          reply({ type: 'prepared', index, outcome: { ok: true, prepared } }, [
            prepared.tensor.buffer as ArrayBuffer,
          ]);
        },
        (error: unknown) =>
          reply({ type: 'prepared', index, outcome: { ok: false, error: messageOf(error) } }),
      );
      return;
    }
    const placement = placements.get(index)!;
    placements.delete(index);
    try {
      reply({
        type: 'decoded',
        index,
        outcome: { ok: true, inference: decoder.decode(message.outputs, placement) },
      });
    } catch (error) {
      reply({
        type: 'decoded',
        index,
        outcome: { ok: false, error: `${placement.path}: ${messageOf(error)}` },
      });
    }
  });
}

function startImageThread(port: MessagePort, data: RunWorkerData): Worker {
  const thread = new Worker(new URL(import.meta.url), {
    workerData: { ...data, role: 'images' } satisfies WorkerRole,
    ...(data.memoryLimitMb !== undefined && {
      resourceLimits: { maxOldGenerationSizeMb: data.memoryLimitMb },
    }),
  });
  // An image thread that dies takes the run's worker with it; runJob.ts blames the current image.
  thread.on('error', (error) => {
    const message: FromRunWorker = {
      type: 'crashed',
      code: (error as NodeJS.ErrnoException).code,
      message: error.message,
    };
    port.postMessage(message);
    process.exit(1);
  });
  return thread;
}

/** The model's thread: runs each prepared image; results reach runJob.ts as the image thread decodes them. */
async function modelThread(port: MessagePort, data: RunWorkerData): Promise<void> {
  const post = (message: FromRunWorker) => port.postMessage(message);
  const queue: RunImage[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  let images: Worker | null = null;
  const preparedReplies = new Map<number, (outcome: Prepared) => void>();
  const requested: { image: RunImage; outcome: Promise<Prepared> }[] = [];
  /** Images sent to the model whose results are not posted yet, by index. */
  const decoding = new Map<number, RunImage>();
  /** Requests the image thread has not answered: it is terminated only when idle (see closeImages). */
  let outstanding = 0;
  let idle: (() => void) | null = null;
  const send = (message: ToImageThread, transfer: ArrayBuffer[] = []) => {
    outstanding++;
    images!.postMessage(message, transfer);
  };
  const answered = () => {
    outstanding--;
    if (outstanding === 0) idle?.();
  };
  /** Terminates the image thread once it has answered everything (never inside a sharp call). */
  const closeImages = async () => {
    if (!images) return;
    if (outstanding > 0) await new Promise<void>((resolve) => (idle = resolve));
    await images.terminate();
  };
  const fill = () => {
    while (images && requested.length < PREPARED_AHEAD && queue.length > 0) {
      const image = queue.shift()!;
      const outcome = new Promise<Prepared>((resolve) => preparedReplies.set(image.index, resolve));
      send({ type: 'prepare', index: image.index, path: image.path });
      requested.push({ image, outcome });
    }
  };
  const finish = (index: number, result: RunImageResult) => {
    decoding.delete(index);
    post({ type: 'result', index, result });
    wake?.();
    wake = null;
  };
  port.on('message', (message: ToRunWorker) => {
    if (message.type === 'images') queue.push(...message.images);
    else ended = true;
    if (message.type === 'stop') {
      // Images not in the model yet are dropped; their preparation still answers (counted in outstanding).
      queue.length = 0;
      requested.length = 0;
    }
    fill();
    wake?.();
    wake = null;
  });

  let runner: CardRunner;
  try {
    // The card's checks first, so a card no runner can serve fails before any thread starts.
    openCardPreparer(data.card, data);
    // The first images are decoded while the session is created: the first result comes sooner.
    images = startImageThread(port, data);
    images.on('message', (message: FromImageThread) => {
      answered();
      if (message.type === 'prepared') return preparedReplies.get(message.index)?.(message.outcome);
      const { imageId } = decoding.get(message.index)!;
      const { outcome } = message;
      finish(
        message.index,
        outcome.ok ? { imageId, ...outcome.inference } : { imageId, objects: [], error: outcome.error },
      );
    });
    fill();
    runner = await openCardRunner(data.modelPath, data.card, data);
  } catch (error) {
    await closeImages();
    post({
      type: 'open-failed',
      code: error instanceof HostError ? error.code : 'internal',
      message: messageOf(error),
    });
    return;
  }
  post({
    type: 'ready',
    provider: runner.provider,
    ...(runner.providerNote !== undefined && { providerNote: runner.providerNote }),
  });

  for (;;) {
    fill();
    const next = requested.shift();
    if (!next) {
      if (ended && decoding.size === 0) break;
      await new Promise<void>((resolve) => (wake = resolve));
      continue;
    }
    const ready = await next.outcome;
    preparedReplies.delete(next.image.index);
    // Keep the image thread busy while this image is in the model.
    fill();
    const { index, imageId, path } = next.image;
    decoding.set(index, next.image);
    if (!ready.ok) {
      finish(index, { imageId, objects: [], error: ready.error });
      continue;
    }
    try {
      const outputs = await runner.run(ready.prepared);
      send(
        { type: 'decode', index, outputs },
        Object.values(outputs).map((o) => o.data.buffer as ArrayBuffer),
      );
    } catch (error) {
      finish(index, { imageId, objects: [], error: `${path}: ${messageOf(error)}` });
    }
  }
  await closeImages();
  await runner.close();
  post({ type: 'closed' });
  // Nothing is left to do: end the thread (a port listener would otherwise keep it alive).
  port.close();
}

const port = parentPort;
if (!port) throw new Error('runWorker.ts is a worker_threads entry; runJob.ts starts it');
const data = workerData as WorkerRole;
if (data.role === 'images') imageThread(port, data);
else void modelThread(port, data);
