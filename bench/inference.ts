/**
 * Detector pipeline throughput (`npx tsx bench/inference.ts [--quick] [--threads=N]`), issue 6 item 9:
 * YOLOv8n int8 with the card inferred from its metadata, on the COCO8 photos plus bus.jpg and zidane.jpg
 * from `../shared/assets` (10 images, cycled to 60 runs; `--quick`: 20), one session with N intra-op
 * threads (default 2, this machine's cores):
 * - bare: `session.run` alone on tensors prepared beforehand (the ceiling);
 * - pipeline: `detect()` per image, one after another — sharp decodes upright and resizes, the tensor is
 *   built, the model runs, outputs are decoded, NMS'd and mapped back — then the detections are made into
 *   prediction records (JSON, as storing them costs);
 * - pipeline + prefetch: the same, with the next image's decode and resize started while the current one
 *   runs in the model (what the run job will do).
 * Prints images/s for each and the ratio to bare (target ≥ 0.85), the first-result latency (session
 * creation + the first image's detect), and the process's peak RSS.
 */

import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { inferCard } from '../src/core/inference/cardInference';
import { postprocessYolo } from '../src/core/inference/yolo';
import {
  closeDetector,
  detect,
  openDetector,
  prepareInput,
  type DetectorConfig,
} from '../src/host/inference/detect';
import { runnerPlanFromCard } from '../src/host/inference/fromCard';
import { readModelInfo } from '../src/host/models/modelInfo';
import { note } from './support/common';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const ASSETS = resolve(ROOT, '..', 'shared', 'assets');
const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 20 : 60;
const THREADS = Number(process.argv.find((a) => a.startsWith('--threads='))?.split('=')[1] ?? 2);
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

/** Detections as the predictions layer stores them: one record per image. */
const store = (path: string, detections: readonly { label: string; score: number; box: unknown }[]) =>
  JSON.stringify({
    image: path,
    predictions: detections.map((d) => ({ label: d.label, score: d.score, box: d.box })),
  });

const model = join(ASSETS, 'models', 'yolov8n_int8.onnx');
const files = await images();
const cycle = Array.from({ length: RUNS }, (_, i) => files[i % files.length]!);
note(
  `yolov8n_int8, ${files.length} images cycled to ${RUNS} runs, ${THREADS} intra-op threads, node ${process.version}`,
);

const started = performance.now();
const inferred = inferCard(await readModelInfo(model), 'yolov8n_int8.onnx');
const plan = runnerPlanFromCard(inferred.card);
if (plan.kind !== 'detect') throw new Error('expected a detect card');
const config: DetectorConfig = plan.config;
const detector = await openDetector(model, config, { intraOpNumThreads: THREADS });
const first = await detect(detector, files[0]!);
metric('inference_first_result_latency', (performance.now() - started) / 1000, 's', 1);
note(`first image: ${first.detections.length} detections`);

// Warm-up, then bare session.run on pre-made tensors.
const inputName = detector.session.inputNames[0]!;
const outputName = detector.session.outputNames[0]!;
const tensors = await Promise.all(files.map((file) => prepareInput(file, config)));
for (const t of tensors.slice(0, 3))
  await detector.session.run({ [inputName]: new ort.Tensor('float32', t.data, [...t.dims]) });
let begin = performance.now();
for (let i = 0; i < RUNS; i++) {
  const t = tensors[i % tensors.length]!;
  const out = await detector.session.run({ [inputName]: new ort.Tensor('float32', t.data, [...t.dims]) });
  for (const tensor of Object.values(out)) tensor.dispose();
}
const bare = RUNS / ((performance.now() - begin) / 1000);
metric('inference_bare_images_per_s', bare, 'images/s', bare);

// Pipeline, one image after another.
const stored: string[] = [];
begin = performance.now();
for (const file of cycle) stored.push(store(file, (await detect(detector, file)).detections));
const sequential = RUNS / ((performance.now() - begin) / 1000);
metric('inference_pipeline_images_per_s', sequential, 'images/s', bare);
metric('inference_pipeline_ratio', sequential / bare, 'ratio', TARGET_RATIO);

// Pipeline with the next image prepared while the current one runs.
stored.length = 0;
begin = performance.now();
let next = prepareInput(cycle[0]!, config);
for (let i = 0; i < RUNS; i++) {
  const input = await next;
  if (i + 1 < RUNS) next = prepareInput(cycle[i + 1]!, config);
  const out = await detector.session.run({
    [inputName]: new ort.Tensor('float32', input.data, [...input.dims]),
  });
  const output = out[outputName]!;
  const detections = postprocessYolo(
    { name: outputName, data: output.data as Float32Array, dims: output.dims },
    input.plan,
    {
      layout: config.layout,
      classCount: config.classNames.length,
      scoreThreshold: config.scoreThreshold,
      iouThreshold: config.iouThreshold,
      classAware: config.classAware,
      maxDetections: config.maxDetections,
    },
  ).map((d) => ({ ...d, label: config.classNames[d.classIndex] ?? String(d.classIndex) }));
  for (const tensor of Object.values(out)) tensor.dispose();
  stored.push(store(cycle[i]!, detections));
}
const prefetched = RUNS / ((performance.now() - begin) / 1000);
metric('inference_prefetch_images_per_s', prefetched, 'images/s', bare);
metric('inference_prefetch_ratio', prefetched / bare, 'ratio', TARGET_RATIO);
metric('inference_peak_rss', peakRssMb(), 'MB', 2048);
await closeDetector(detector);
