import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostError } from '../../core/api/errors';
import type { RunImageResult, RunOutput } from '../../core/api/models';
import type { ModelCard } from '../../core/inference/card';
import { inferCard } from '../../core/inference/cardInference';
import { yoloCard } from '../../core/inference/testCards';
import type { JobId } from '../../core/ids';
import type { JobContext } from '../jobs';
import { readModelInfo } from '../models/modelInfo';
import { closeDetector, detect, openDetector } from './detect';
import { runnerPlanFromCard } from './fromCard';
import { runModel, type RunModelInput } from './runJob';
import { constantModel, yolov8Rows } from './testModels';
import { bundleRunWorker } from './testWorker';

const ASSETS = resolve('../shared/assets');
const YOLOV8 = resolve(ASSETS, 'models/yolov8n_int8.onnx');
const COCO8 = resolve(ASSETS, 'datasets/coco8/images');
const haveAssets = existsSync(YOLOV8) && existsSync(COCO8);

let dir = '';
let removeWorker: () => Promise<void> = async () => undefined;
let workerPath = '';
let model = '';
const card: ModelCard = yoloCard({
  input: { ...yoloCard().input, size: { width: 64, height: 32 } },
  classes: ['person', 'bicycle'],
});

const file = async (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-run-job-'));
  // The worker as scripts/build.mjs bundles it, so the test needs no prior `npm run build`.
  const worker = await bundleRunWorker();
  workerPath = worker.path;
  removeWorker = worker.remove;
  // One box of class person at the centre of a 64×32 input.
  model = await file(
    'v8.onnx',
    constantModel({ name: 'images', dims: [1, 3, 32, 64] }, [
      { name: 'output0', dims: [1, 6, 1], values: yolov8Rows([[32, 16, 32, 8, 0.9, 0.1]]) },
    ]),
  );
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await removeWorker();
});

/** A JobContext that records what the job emits; `onProgress` may cancel it. */
function recordingJob(onProgress?: (done: number, controller: AbortController) => void) {
  const controller = new AbortController();
  const outputs: RunOutput[] = [];
  const progress: [number, number][] = [];
  const job: JobContext<RunOutput> = {
    jobId: 'job-1' as JobId,
    signal: controller.signal,
    progress(done, total) {
      progress.push([done, total]);
      onProgress?.(done, controller);
    },
    output(output) {
      outputs.push(output);
    },
  };
  const results = (): RunImageResult[] => outputs.flatMap((o) => o.results);
  return { job, controller, outputs, progress, results };
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .png()
    .toBuffer();

const input = (images: RunModelInput['images'], overrides: Partial<RunModelInput> = {}): RunModelInput => ({
  modelPath: model,
  card,
  images,
  threads: 1,
  provider: 'cpu',
  ...overrides,
});

describe('runModel in a worker thread', () => {
  it('streams each image result in order with boxes in its own pixels, and sums them up', async () => {
    const wide = await file('wide.png', await png(200, 50));
    const tall = await file('tall.png', await png(64, 128));
    const { job, results, progress } = recordingJob();
    const summary = await runModel(
      input([
        { imageId: 'a', path: wide },
        { imageId: 'b', path: tall },
        { imageId: 'c', path: wide },
      ]),
      job,
      { workerPath },
    );
    const box = (x: number, y: number, width: number, height: number) => ({
      label: 'person',
      score: expect.closeTo(0.9, 5) as unknown as number,
      geometry: { kind: 'box', x, y, width, height },
    });
    // 200×50 → scale 0.32, padded 8 above and below; 64×128 → scale 0.25, padded 24 left and right.
    expect(results()).toEqual([
      { imageId: 'a', objects: [box(50, 12.5, 100, 25)] },
      { imageId: 'b', objects: [box(0, 48, 64, 32)] },
      { imageId: 'c', objects: [box(50, 12.5, 100, 25)] },
    ]);
    expect(progress).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(summary).toMatchObject({ processed: 3, failed: 0, objects: 3, provider: 'cpu', threads: 1 });
    expect(summary.providerNote).toBeUndefined();
    expect(summary.firstResultMs).toBeGreaterThan(0);
    expect(summary.elapsedMs).toBeGreaterThanOrEqual(summary.firstResultMs!);
  });

  it('reports an image that is missing or not an image and goes on with the next', async () => {
    const ok = await file('ok.png', await png(200, 50));
    const text = await file('notes.jpg', 'not a jpeg');
    const missing = join(dir, 'gone.jpg');
    const { job, results } = recordingJob();
    const summary = await runModel(
      input([
        { imageId: 'a', path: ok },
        { imageId: 'b', path: missing },
        { imageId: 'c', path: text },
        { imageId: 'd', path: ok },
      ]),
      job,
      { workerPath },
    );
    expect(results().map((r) => [r.imageId, r.objects.length, r.error])).toEqual([
      ['a', 1, undefined],
      ['b', 0, `${missing}: the file does not exist.`],
      ['c', 0, `${text}: not an image sharp can decode (unsupported format).`],
      ['d', 1, undefined],
    ]);
    expect(summary).toMatchObject({ processed: 4, failed: 2, objects: 2 });
  });

  it('runs libvips at one thread per image while a run goes, and gives the host its setting back after', async () => {
    const before = sharp.concurrency();
    const ok = await file('concurrency.png', await png(64, 32));
    const during: number[] = [];
    const { job } = recordingJob(() => during.push(sharp.concurrency()));
    await runModel(input([{ imageId: 'a', path: ok }]), job, { workerPath });
    expect(during).toEqual([1]);
    expect(sharp.concurrency()).toBe(before);
  });

  it('emits results in batches of at most 32', async () => {
    const ok = await file('batch.png', await png(64, 32));
    const { job, outputs, results } = recordingJob();
    const images = Array.from({ length: 70 }, (_, i) => ({ imageId: `i${i}`, path: ok }));
    await runModel(input(images), job, { workerPath });
    expect(results().map((r) => r.imageId)).toEqual(images.map((i) => i.imageId));
    expect(Math.max(...outputs.map((o) => o.results.length))).toBeLessThanOrEqual(32);
    expect(outputs.length).toBeGreaterThanOrEqual(3);
  });

  it('stops at a cancel and returns what was done; emitted results stay emitted', async () => {
    const ok = await file('cancel.png', await png(64, 32));
    const images = Array.from({ length: 500 }, (_, i) => ({ imageId: `i${i}`, path: ok }));
    const { job, results } = recordingJob((done, controller) => {
      if (done === 5) controller.abort();
    });
    const summary = await runModel(input(images), job, { workerPath });
    expect(summary.processed).toBe(5);
    expect(results().map((r) => r.imageId)).toEqual(['i0', 'i1', 'i2', 'i3', 'i4']);
  });

  it('fails before any image when the model file is corrupt, naming it', async () => {
    const corrupt = await file('broken.onnx', new Uint8Array([8, 7, 18, 4, 1, 2, 3]));
    const { job, outputs, progress } = recordingJob();
    const error = await runModel(input([{ imageId: 'a', path: corrupt }], { modelPath: corrupt }), job, {
      workerPath,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).code).toBe('invalid-argument');
    expect((error as HostError).message).toMatch(/^broken\.onnx (is not an ONNX model|could not be loaded)/);
    expect(outputs).toEqual([]);
    expect(progress).toEqual([]);
  });

  it('fails before any image when the card does not fit the model', async () => {
    const { job, outputs } = recordingJob();
    const error = await runModel(
      input([{ imageId: 'a', path: model }], { card: { ...card, classes: ['a', 'b', 'c'] } }),
      job,
      { workerPath },
    ).catch((e: unknown) => e);
    expect((error as HostError).message).toContain('does not fit v8.onnx');
    expect(outputs).toEqual([]);
  });

  it('runs on CPU with a note when asked for CUDA', async () => {
    const ok = await file('cuda.png', await png(64, 32));
    const { job } = recordingJob();
    const summary = await runModel(input([{ imageId: 'a', path: ok }], { provider: 'cuda' }), job, {
      workerPath,
    });
    expect(summary).toMatchObject({
      processed: 1,
      provider: 'cpu',
      providerNote: 'CUDA is not in this onnxruntime-node build; running on CPU.',
    });
  });
});

describe('runModel when the worker dies', () => {
  it('gives the current image "ran out of memory", restarts the worker and goes on', async () => {
    // A stand-in worker speaking runWorker.ts's protocol that exhausts its heap on one image.
    const fake = await file(
      'fakeWorker.mjs',
      `import { parentPort } from 'node:worker_threads';
      parentPort.postMessage({ type: 'ready', provider: 'cpu' });
      parentPort.on('message', (message) => {
        if (message.type === 'end') return parentPort.postMessage({ type: 'closed' });
        for (const image of message.images) {
          if (image.path.includes('huge')) {
            const hog = [];
            for (;;) hog.push(new Array(1e5).fill(Math.random()));
          }
          parentPort.postMessage({ type: 'result', index: image.index, result: { imageId: image.imageId, objects: [] } });
        }
      });`,
    );
    const { job, results } = recordingJob();
    const summary = await runModel(
      input([
        { imageId: 'a', path: '/photos/a.jpg' },
        { imageId: 'b', path: '/photos/huge.tif' },
        { imageId: 'c', path: '/photos/c.jpg' },
      ]),
      job,
      { workerPath: fake, memoryLimitMb: 16 },
    );
    expect(results()).toEqual([
      { imageId: 'a', objects: [] },
      {
        imageId: 'b',
        objects: [],
        error:
          '/photos/huge.tif: ran out of memory while predicting this image (the model worker was restarted)',
      },
      { imageId: 'c', objects: [] },
    ]);
    expect(summary).toMatchObject({ processed: 3, failed: 1 });
  }, 30_000);
});

describe.skipIf(!haveAssets)('runModel with the real YOLOv8n (../shared/assets)', () => {
  it('gives the boxes detect() gives on the COCO8 photos, through the worker', async () => {
    const inferred = inferCard(await readModelInfo(YOLOV8), 'yolov8n_int8.onnx');
    const paths = ['train', 'val'].flatMap((split) =>
      readdirSync(join(COCO8, split))
        .sort()
        .map((name) => join(COCO8, split, name)),
    );
    const { job, results } = recordingJob();
    const summary = await runModel(
      {
        modelPath: YOLOV8,
        card: inferred.card,
        images: paths.map((path, i) => ({ imageId: String(i), path })),
        threads: 2,
        provider: 'cpu',
      },
      job,
      { workerPath },
    );
    const plan = runnerPlanFromCard(inferred.card);
    if (plan.kind !== 'detect') throw new Error('expected a detect card');
    const detector = await openDetector(YOLOV8, plan.config, { intraOpNumThreads: 2 });
    try {
      for (const [i, path] of paths.entries()) {
        const expected = (await detect(detector, path)).detections.map((d) => ({
          label: d.label,
          score: d.score,
          geometry: { kind: 'box', ...d.box },
        }));
        expect(results()[i]).toEqual({ imageId: String(i), objects: expected });
      }
    } finally {
      await closeDetector(detector);
    }
    expect(summary).toMatchObject({ processed: 8, failed: 0 });
    expect(summary.objects).toBeGreaterThan(20);
  }, 60_000);
});

describe.skipIf(!haveAssets)('runModel cancelled while onnxruntime works', () => {
  /*
   * Terminating a thread inside onnxruntime's session creation or run aborts the whole process
   * ("terminate called after throwing an instance of 'Napi::Error'"), which would end this test file too.
   * A cancel tells the worker to stop instead; it finishes the image in the model and closes by itself.
   */
  it('ends the job at once, keeps the process alive, and the same run can start again', async () => {
    const inferred = inferCard(await readModelInfo(YOLOV8), 'yolov8n_int8.onnx');
    const photo = join(COCO8, 'val', readdirSync(join(COCO8, 'val')).sort()[0]!);
    const images = Array.from({ length: 20 }, (_, i) => ({ imageId: String(i), path: photo }));
    const base = { modelPath: YOLOV8, card: inferred.card, images, threads: 1, provider: 'cpu' as const };

    // Cancelled while the session is still being created.
    const opening = recordingJob();
    setTimeout(() => opening.controller.abort(), 30);
    expect((await runModel(base, opening.job, { workerPath })).processed).toBe(0);

    // Cancelled while images are in the model.
    const running = recordingJob((done, controller) => {
      if (done === 2) controller.abort();
    });
    expect((await runModel(base, running.job, { workerPath })).processed).toBe(2);

    const again = recordingJob();
    const summary = await runModel({ ...base, images: images.slice(0, 3) }, again.job, { workerPath });
    expect(summary.processed).toBe(3);
    expect(again.results().every((r) => r.objects.length > 0)).toBe(true);
  }, 60_000);
});
