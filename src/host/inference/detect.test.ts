import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iou } from '../../core/inference/nms';
import { decodeYolo, detectLayout, type YoloLayout } from '../../core/inference/yolo';
import { readDatasetFromDisk } from '../datasets/readDataset';
import {
  closeDetector,
  detect,
  openDetector,
  prepareInput,
  type Detector,
  type DetectorConfig,
} from './detect';

const ASSETS = resolve('../shared/assets');
const YOLOV8 = resolve(ASSETS, 'models/yolov8n_int8.onnx');
const YOLOX = resolve(ASSETS, 'models/yolox_nano.onnx');
const COCO8 = resolve(ASSETS, 'datasets/coco8');
const BUS = resolve(ASSETS, 'photos/bus.jpg');
const ZIDANE = resolve(ASSETS, 'photos/zidane.jpg');
const haveAssets = [YOLOV8, YOLOX, COCO8, BUS, ZIDANE].every((path) => existsSync(path));
if (!haveAssets)
  console.warn(`real-model detection tests skipped: ${ASSETS} (models, photos, COCO8) is missing`);

// ---------------------------------------------------------------------------------------------------------
// Hand-built ONNX graphs: the output is a constant initializer passed through Identity, so its values are known.

function constantModel(output: Float32Array, dims: readonly number[], input?: readonly number[]): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: 'constant-yolo',
    initializer: [
      onnx.TensorProto.create({
        name: 'values',
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [...dims],
        floatData: [...output],
      }),
    ],
    node: [onnx.NodeProto.create({ opType: 'Identity', input: ['values'], output: ['output0'] })],
    input: input
      ? [
          onnx.ValueInfoProto.create({
            name: 'images',
            type: {
              tensorType: {
                elemType: onnx.TensorProto.DataType.FLOAT,
                shape: { dim: input.map((dimValue) => ({ dimValue })) },
              },
            },
          }),
        ]
      : [],
    output: [
      onnx.ValueInfoProto.create({
        name: 'output0',
        type: {
          tensorType: {
            elemType: onnx.TensorProto.DataType.FLOAT,
            shape: { dim: dims.map((dimValue) => ({ dimValue })) },
          },
        },
      }),
    ],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'labelloop-tests',
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

async function runConstant(output: Float32Array, dims: readonly number[]) {
  const session = await ort.InferenceSession.create(constantModel(output, dims));
  try {
    const result = await session.run({});
    const tensor = result.output0!;
    return { name: 'output0', data: tensor.data as Float32Array, dims: tensor.dims };
  } finally {
    await session.release();
  }
}

const rounded = (values: Record<string, unknown>[]) =>
  JSON.parse(JSON.stringify(values, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v)));

describe('decoders on hand-built ONNX graphs run by onnxruntime-node', () => {
  it('decodes a YOLOv5 [1, 3, 7] output: objectness × class score, centre boxes to corners', async () => {
    // 2 classes, 3 candidates: the second is below threshold once objectness multiplies in.
    const values = new Float32Array(
      [
        [100, 50, 20, 10, 0.9, 0.2, 0.8],
        [10, 10, 4, 4, 0.5, 0.4, 0.3],
        [300, 200, 60, 40, 0.8, 0.9, 0.1],
      ].flat(),
    );
    const tensor = await runConstant(values, [1, 3, 7]);
    expect(tensor.dims).toEqual([1, 3, 7]);
    const detections = decodeYolo(tensor, { layout: 'yolov5', classCount: 2, scoreThreshold: 0.25 });
    expect(rounded(detections as never)).toEqual([
      { classIndex: 1, score: 0.72, box: { x: 90, y: 45, width: 20, height: 10 } },
      { classIndex: 0, score: 0.72, box: { x: 270, y: 180, width: 60, height: 40 } },
    ]);
  });

  it('decodes a YOLOv8 [1, 6, 4] output: rows are cx, cy, w, h and 2 class scores, one column per anchor', async () => {
    const anchors = [
      [320, 240, 100, 50, 0.1, 0.95],
      [64, 32, 16, 8, 0.3, 0.2],
      [10, 20, 30, 40, 0.6, 0.6],
      [5, 5, 2, 2, 0.01, 0.02],
    ];
    const rows = [0, 1, 2, 3, 4, 5].map((r) => anchors.map((a) => a[r]!));
    const tensor = await runConstant(new Float32Array(rows.flat()), [1, 6, 4]);
    const detections = decodeYolo(tensor, { layout: 'yolov8', classCount: 2, scoreThreshold: 0.25 });
    expect(rounded(detections as never)).toEqual([
      { classIndex: 1, score: 0.95, box: { x: 270, y: 215, width: 100, height: 50 } },
      { classIndex: 0, score: 0.3, box: { x: 56, y: 28, width: 16, height: 8 } },
      // Equal class scores: the lower class index wins, as argmax does.
      { classIndex: 0, score: 0.6, box: { x: -5, y: 0, width: 30, height: 40 } },
    ]);
  });

  it('decodes an end-to-end [1, 3, 6] output: corners, score and class as the graph gives them', async () => {
    const values = new Float32Array(
      [
        [10, 20, 110, 220, 0.88, 5],
        [0, 0, 50, 50, 0.3, 0],
        [0, 0, 0, 0, 0, 0],
      ].flat(),
    );
    const tensor = await runConstant(values, [1, 3, 6]);
    const detections = decodeYolo(tensor, { layout: 'end-to-end', classCount: 80, scoreThreshold: 0.25 });
    expect(rounded(detections as never)).toEqual([
      { classIndex: 5, score: 0.88, box: { x: 10, y: 20, width: 100, height: 200 } },
      { classIndex: 0, score: 0.3, box: { x: 0, y: 0, width: 50, height: 50 } },
    ]);
  });

  it('runs the whole pipeline on a constant YOLOv8 model and maps its box back through the letterbox', async () => {
    // A 64×32 input letterboxed from a 200×50 image: scale 0.32, resized 64×16, padded 8 above and below.
    const anchors = [[32, 16, 32, 8, 0.9]];
    const rows = [0, 1, 2, 3, 4].map((r) => anchors.map((a) => a[r]!));
    const model = constantModel(new Float32Array(rows.flat()), [1, 5, 1], [1, 3, 32, 64]);
    const image = await sharp({ create: { width: 200, height: 50, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    const detector = await openDetector(model, {
      ...v8Config,
      resize: { kind: 'letterbox', width: 64, height: 32, align: 'center', padValue: 114 },
      classNames: ['thing'],
    });
    try {
      const result = await detect(detector, image);
      expect(result.plan).toMatchObject({ resized: { width: 64, height: 16 }, padTop: 8, padBottom: 8 });
      expect(rounded(result.detections as never)).toEqual([
        { classIndex: 0, label: 'thing', score: 0.9, box: { x: 50, y: 12.5, width: 100, height: 25 } },
      ]);
    } finally {
      await closeDetector(detector);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Preprocessing

const v8Config: DetectorConfig = {
  layout: 'yolov8',
  resize: { kind: 'letterbox', width: 640, height: 640, align: 'center', padValue: 114 },
  channels: 'rgb',
  pixelScale: 1 / 255,
  classNames: [],
  scoreThreshold: 0.25,
  iouThreshold: 0.45,
  classAware: true,
  maxDetections: 300,
};

const yoloxConfig: DetectorConfig = {
  ...v8Config,
  layout: 'yolox',
  resize: { kind: 'letterbox', width: 416, height: 416, align: 'top-left', padValue: 114 },
  channels: 'bgr',
  pixelScale: 1,
};

describe('prepareInput', () => {
  const red = () =>
    sharp({ create: { width: 40, height: 20, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();

  it('builds an NCHW RGB 0–1 tensor, letterboxed in the centre with pad 114', async () => {
    const input = await prepareInput(await red(), {
      ...v8Config,
      resize: { kind: 'letterbox', width: 8, height: 8, align: 'center', padValue: 114 },
    });
    expect(input.dims).toEqual([1, 3, 8, 8]);
    expect(input.plan).toMatchObject({ resized: { width: 8, height: 4 }, padTop: 2, padBottom: 2 });
    const at = (c: number, y: number, x: number) => input.data[c * 64 + y * 8 + x]!;
    expect([at(0, 4, 4), at(1, 4, 4), at(2, 4, 4)]).toEqual([1, 0, 0]);
    expect(at(0, 0, 0)).toBeCloseTo(114 / 255, 6);
    expect(at(2, 7, 7)).toBeCloseTo(114 / 255, 6);
  });

  it('builds a BGR 0–255 tensor padded at the right and bottom (YOLOX), and applies mean and std', async () => {
    const input = await prepareInput(await red(), {
      ...yoloxConfig,
      resize: { kind: 'letterbox', width: 8, height: 8, align: 'top-left', padValue: 114 },
    });
    const at = (c: number, y: number, x: number) => input.data[c * 64 + y * 8 + x]!;
    expect([at(0, 0, 0), at(1, 0, 0), at(2, 0, 0)]).toEqual([0, 0, 255]);
    expect(at(0, 7, 0)).toBe(114);
    const normalized = await prepareInput(await red(), {
      ...v8Config,
      resize: { kind: 'stretch', width: 4, height: 4 },
      mean: [0.5, 0.25, 0],
      std: [0.5, 0.5, 2],
    });
    expect([normalized.data[0], normalized.data[16], normalized.data[32]]).toEqual([1, -0.5, 0]);
  });

  it('feeds greyscale, transparent and 16-bit images as three 8-bit channels', async () => {
    const config = { ...v8Config, resize: { kind: 'stretch', width: 4, height: 4 } } as const;
    const first = async (image: Buffer) => {
      const { data } = await prepareInput(image, config);
      return [data[0], data[16], data[32]].map((v) => Math.round(v! * 255));
    };
    const solid = (background: string, channels: 3 | 4 = 3) =>
      sharp({ create: { width: 8, height: 8, channels, background } });
    expect(await first(await solid('#808080').greyscale().png().toBuffer())).toEqual([128, 128, 128]);
    expect(await first(await solid('#ff0000', 4).png().toBuffer())).toEqual([255, 0, 0]);
    const deep = await solid('#ff0000').toColourspace('rgb16').png().toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    expect(await first(deep)).toEqual([255, 0, 0]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The shared real models

/** One-to-one greedy matching by score at IoU ≥ 0.5 within a class: how many ground-truth boxes are found. */
function matched(
  truths: readonly { label: string; box: { x: number; y: number; width: number; height: number } }[],
  detections: readonly { label: string; box: { x: number; y: number; width: number; height: number } }[],
): number {
  const taken = new Set<number>();
  for (const detection of detections) {
    let best = -1;
    let bestIou = 0.5;
    truths.forEach((truth, index) => {
      if (taken.has(index) || truth.label !== detection.label) return;
      const overlap = iou(truth.box, detection.box);
      if (overlap >= bestIou) [best, bestIou] = [index, overlap];
    });
    if (best >= 0) taken.add(best);
  }
  return taken.size;
}

const counts = (detections: readonly { label: string }[]) =>
  detections.reduce<Record<string, number>>((all, d) => ({ ...all, [d.label]: (all[d.label] ?? 0) + 1 }), {});

describe.skipIf(!haveAssets)('real detectors on ../shared/assets (2 threads)', () => {
  let names: readonly string[] = [];
  const detectors: Partial<Record<YoloLayout, Detector>> = {};
  const timings: Record<string, number[]> = {};

  beforeAll(async () => {
    const coco8 = await readDatasetFromDisk(COCO8, 'yolo');
    names = coco8.dataset.labels;
    detectors.yolov8 = await openDetector(YOLOV8, { ...v8Config, classNames: names });
    detectors.yolox = await openDetector(YOLOX, { ...yoloxConfig, classNames: names });
  });
  afterAll(async () => {
    for (const detector of Object.values(detectors)) await closeDetector(detector);
    for (const [name, ms] of Object.entries(timings)) {
      const mean = (i: number) =>
        ms.length ? ms.filter((_, k) => k % 3 === i).reduce((a, b) => a + b, 0) / (ms.length / 3) : 0;
      console.info(
        `${name}: ${ms.length / 3} images, mean ms preprocess ${mean(0).toFixed(1)}, inference ${mean(1).toFixed(1)}, postprocess ${mean(2).toFixed(1)}`,
      );
    }
  });

  const run = async (layout: YoloLayout, image: string | Uint8Array) => {
    const result = await detect(detectors[layout]!, image);
    (timings[layout] ??= []).push(
      result.timings.preprocess,
      result.timings.inference,
      result.timings.postprocess,
    );
    return result;
  };

  it('YOLOv8n finds 4–5 people and 1 bus on bus.jpg, in its 810×1080 pixels', async () => {
    const result = await run('yolov8', BUS);
    expect(result.imageSize).toEqual({ width: 810, height: 1080 });
    const found = counts(result.detections);
    expect(found.bus).toBe(1);
    expect(found.person).toBeGreaterThanOrEqual(4);
    expect(found.person).toBeLessThanOrEqual(5);
    const bus = result.detections.find((d) => d.label === 'bus')!;
    // The bus spans the image's width, from about a fifth of the way down to three quarters.
    expect(bus.box.x).toBeLessThan(40);
    expect(bus.box.x + bus.box.width).toBeGreaterThan(780);
    expect(bus.box.y).toBeGreaterThan(150);
    expect(bus.box.y + bus.box.height).toBeLessThan(850);
  });

  it('YOLOv8n finds 2 people and a tie on zidane.jpg', async () => {
    const result = await run('yolov8', ZIDANE);
    const found = counts(result.detections);
    expect(found.person).toBe(2);
    expect(found.tie).toBeGreaterThanOrEqual(1);
  });

  it('YOLOX-nano finds 4–5 people and 1 bus on bus.jpg', async () => {
    const found = counts((await run('yolox', BUS)).detections);
    expect(found.bus).toBe(1);
    expect(found.person).toBeGreaterThanOrEqual(4);
    expect(found.person).toBeLessThanOrEqual(5);
  });

  it.each([
    ['yolov8' as const, 0.5],
    ['yolox' as const, 0.4],
  ])('%s recalls at least %d of COCO8’s 30 boxes at IoU 0.5', async (layout, minimum) => {
    const coco8 = await readDatasetFromDisk(COCO8, 'yolo');
    let found = 0;
    let total = 0;
    for (const image of coco8.dataset.images) {
      const result = await run(layout, coco8.sources.get(image.path)!);
      const truths = image.annotations.flatMap((a) =>
        a.geometry.kind === 'box' ? [{ label: a.label, box: a.geometry }] : [],
      );
      total += truths.length;
      found += matched(truths, result.detections);
    }
    console.info(`${layout} recall@0.5 on COCO8: ${found}/${total} = ${(found / total).toFixed(2)}`);
    expect(total).toBe(30);
    expect(found / total).toBeGreaterThanOrEqual(minimum);
  });

  it('gives boxes in upright pixels for a JPEG stored turned with EXIF orientation 6', async () => {
    // Orientation 6: the stored pixels are the upright image turned 90° anticlockwise; viewers turn it back.
    const stored = await sharp(BUS)
      .rotate(-90)
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const meta = await sharp(stored).metadata();
    expect([meta.width, meta.height, meta.orientation]).toEqual([1080, 810, 6]);
    // The same decoded pixels turned upright and saved losslessly without orientation: the run to match. sharp
    // resamples a turned image on another path (mean difference 0.2 grey levels), which moves the int8 model's
    // fuzzy edges (the bus's bottom) a few pixels and a borderline box (the cut-off person, 0.3) more.
    const uprightPng = await sharp(stored).rotate().png().toBuffer();
    expect((await sharp(uprightPng).metadata()).orientation ?? 1).toBe(1);
    const upright = await run('yolov8', uprightPng);
    const turned = await run('yolov8', stored);
    expect(turned.imageSize).toEqual({ width: 810, height: 1080 });
    expect(turned.detections.map((d) => d.label)).toEqual(upright.detections.map((d) => d.label));
    for (const detection of upright.detections.filter((d) => d.score >= 0.5)) {
      const twin = turned.detections.find(
        (d) => d.label === detection.label && iou(d.box, detection.box) > 0.9,
      );
      expect(twin, `${detection.label} at ${JSON.stringify(detection.box)}`).toBeDefined();
      for (const key of ['x', 'y', 'width', 'height'] as const)
        expect(Math.abs(twin!.box[key] - detection.box[key]), `${detection.label} ${key}`).toBeLessThan(8);
    }
    // And the confident boxes land where they do on the original bus.jpg (JPEG re-encoding moves them a little).
    const original = await run('yolov8', BUS);
    for (const detection of original.detections.filter((d) => d.score >= 0.5)) {
      const best = Math.max(
        ...turned.detections.filter((d) => d.label === detection.label).map((d) => iou(d.box, detection.box)),
      );
      expect(best, detection.label).toBeGreaterThan(0.95);
    }
  });
});

describe.skipIf(!haveAssets)('the shared models as files', () => {
  it('opens a model from its bytes and sniffs both layouts from the output shapes', async () => {
    const yolox = await openDetector(await readFile(YOLOX), yoloxConfig, { intraOpNumThreads: 1 });
    const yolov8 = await openDetector(YOLOV8, v8Config, { intraOpNumThreads: 1 });
    try {
      const shapeOf = (detector: Detector) => {
        const [output] = detector.session.outputMetadata;
        return output?.isTensor ? output.shape.map(Number) : [];
      };
      expect(shapeOf(yolox)).toEqual([1, 3549, 85]);
      expect(detectLayout(shapeOf(yolox), 80, { width: 416, height: 416 })).toMatchObject({
        ok: true,
        layout: 'yolox',
      });
      expect(detectLayout(shapeOf(yolov8))).toEqual({
        ok: true,
        layout: 'yolov8',
        classCount: 80,
        candidates: 8400,
      });
    } finally {
      await closeDetector(yolox);
      await closeDetector(yolov8);
    }
  });
});
