/**
 * Model-run throughput (`npx tsx bench/inference.ts [--quick] [--threads=2,1]`), issue 6 items 4, 7 and 9:
 * YOLOv8n int8 with the card inferred from its metadata, on the COCO8 photos plus bus.jpg and zidane.jpg
 * from `../shared/assets` (10 images, cycled to 100 runs; `--quick`: 30), for each thread count (default
 * 2 then 1; this machine has 2 cores), in 3 rounds (`--quick`: 1) alternating the two, medians reported:
 * - bare: `session.run` alone on tensors prepared beforehand, one session on the main thread (the ceiling);
 * - app: `runModel` as the app runs it: a worker thread opens the card runner, sharp decodes each image
 *   upright and resizes it (the next one while the current one is in the model), the tensor is built, the
 *   model runs, outputs are decoded, NMS'd and mapped back, and results are posted to the job in batches.
 *   Throughput is steady state: images after the first over the time from the first result to the last
 *   (worker start and session creation are the first-result latency, reported apart).
 * Prints images/s for each and the ratio app / bare (target ≥ 0.85), the first-result latency, and the
 * process's peak RSS after the first app run (its worker threads live in this process; no session had
 * been opened on the main thread yet).
 */

import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { bundleRunWorker } from '../src/host/inference/testWorker';
import type { RunOutput } from '../src/core/api/models';
import type { JobId } from '../src/core/ids';
import { inferCard } from '../src/core/inference/cardInference';
import { openCardPreparer, type PreparedImage } from '../src/host/inference/cardRunner';
import { runModel } from '../src/host/inference/runJob';
import type { JobContext } from '../src/host/jobs';
import { readModelInfo } from '../src/host/models/modelInfo';
import { note } from './support/common';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ASSETS = resolve(ROOT, '..', 'shared', 'assets');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 30 : 100;
const ROUNDS = QUICK ? 1 : 3;
const THREADS = (process.argv.find((a) => a.startsWith('--threads='))?.split('=')[1] ?? '2,1')
  .split(',')
  .map(Number);
const TARGET_RATIO = 0.85;

const metric = (name: string, value: number, unit: string, baseline: number) =>
  process.stdout.write(
    `${JSON.stringify({ metric: name, value: Number(value.toFixed(3)), unit, baseline, ratio: Number((value / baseline).toFixed(3)) })}\n`,
  );

const peakRssMb = () => {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
};

async function images(): Promise<string[]> {
  const coco8 = join(ASSETS, 'datasets', 'coco8', 'images');
  const found: string[] = [];
  for (const split of ['train', 'val']) {
    for (const name of (await readdir(join(coco8, split))).sort()) found.push(join(coco8, split, name));
  }
  return [...found, join(ASSETS, 'photos', 'bus.jpg'), join(ASSETS, 'photos', 'zidane.jpg')];
}

const bundleWorker = () => bundleRunWorker(ROOT);

const model = join(ASSETS, 'models', 'yolov8n_int8.onnx');
const files = await images();
const cycle = Array.from({ length: RUNS }, (_, i) => ({
  imageId: String(i),
  path: files[i % files.length]!,
}));
const { card } = inferCard(await readModelInfo(model), 'yolov8n_int8.onnx');
const worker = await bundleWorker();
note(
  `yolov8n_int8, ${files.length} images cycled to ${RUNS} runs, threads ${THREADS.join(' then ')}, node ${process.version}`,
);

/** The app: runModel through the worker; steady images/s, overall images/s and the first result. */
async function appRun(threads: number) {
  const resultTimes: number[] = [];
  let objects = 0;
  const job: JobContext<RunOutput> = {
    jobId: 'bench' as JobId,
    signal: new AbortController().signal,
    progress: () => resultTimes.push(performance.now()),
    output: (output) => {
      objects += output.results.reduce((sum, r) => sum + r.objects.length, 0);
    },
  };
  const summary = await runModel({ modelPath: model, card, images: cycle, threads, provider: 'cpu' }, job, {
    workerPath: worker.path,
  });
  if (summary.failed > 0) throw new Error(`${summary.failed} images failed`);
  return {
    steady: (resultTimes.length - 1) / ((resultTimes.at(-1)! - resultTimes[0]!) / 1000),
    overall: summary.processed / (summary.elapsedMs / 1000),
    firstResultMs: summary.firstResultMs ?? 0,
    objects,
  };
}

/** Bare: the same model and thread count, session.run alone on tensors made beforehand. */
async function bareRun(threads: number, tensors: readonly PreparedImage[]) {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
  const feed = (i: number) => {
    const t = tensors[i % tensors.length]!;
    return { [card.input.name]: new ort.Tensor('float32', t.tensor, [...t.dims]) };
  };
  for (let i = 0; i < 3; i++) await session.run(feed(i));
  const begin = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const out = await session.run(feed(i));
    for (const tensor of Object.values(out)) tensor.dispose();
  }
  const bare = RUNS / ((performance.now() - begin) / 1000);
  await session.release();
  return bare;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

let tensors: PreparedImage[] | null = null;
let firstRss: number | null = null;
for (const threads of THREADS) {
  // Rounds alternate app and bare, so load from elsewhere on the machine falls on both alike.
  const rounds: { app: Awaited<ReturnType<typeof appRun>>; bare: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const app = await appRun(threads);
    // The first app run comes before any session on this thread: its peak is the app's.
    firstRss ??= peakRssMb();
    const preparer = openCardPreparer(card, {});
    tensors ??= await Promise.all(files.map((file) => preparer.prepare(file)));
    rounds.push({ app, bare: await bareRun(threads, tensors) });
  }
  const app = median(rounds.map((r) => r.app.steady));
  const bare = median(rounds.map((r) => r.bare));
  note(
    `${threads} thread(s), ${ROUNDS} rounds of ${RUNS} images (${rounds[0]!.app.objects} objects each): app/bare per round ${rounds
      .map((r) => `${r.app.steady.toFixed(1)}/${r.bare.toFixed(1)}`)
      .join(', ')}`,
  );
  metric(`inference_t${threads}_bare_images_per_s`, bare, 'images/s', bare);
  metric(`inference_t${threads}_app_images_per_s`, app, 'images/s', bare);
  metric(`inference_t${threads}_app_ratio`, app / bare, 'ratio', TARGET_RATIO);
  metric(
    `inference_t${threads}_app_overall_images_per_s`,
    median(rounds.map((r) => r.app.overall)),
    'images/s',
    bare,
  );
  metric(
    `inference_t${threads}_first_result_latency`,
    median(rounds.map((r) => r.app.firstResultMs)) / 1000,
    's',
    1,
  );
}
metric('inference_peak_rss_app', firstRss ?? 0, 'MB', 2048);
await worker.remove();
