import { describe, expect, it } from 'vitest';
import { checkCardAgainstModel, validateModelCard, type ModelInfo, type TensorInfo } from './card';
import {
  inferCard,
  parseClassNames,
  parseImageSize,
  parsePythonLiteral,
  PythonLiteralError,
} from './cardInference';

const tensor = (name: string, dims: TensorInfo['dims'], type = 'float32'): TensorInfo => ({
  name,
  dims,
  type,
});
const namesOf = (count: number) =>
  `{${Array.from({ length: count }, (_, i) => `${i}: 'class ${i}'`).join(', ')}}`;

const ultralytics = (
  task: string,
  outputs: TensorInfo[],
  classes: number,
  extra: Record<string, string> = {},
): ModelInfo => ({
  inputs: [tensor('images', [1, 3, 640, 640])],
  outputs,
  metadata: {
    author: 'Ultralytics',
    task,
    imgsz: '[640, 640]',
    stride: '32',
    names: namesOf(classes),
    ...extra,
  },
});

/** An inferred card must always be a valid card, whatever else is true of it. */
const infer = (model: ModelInfo, file = 'model.onnx') => {
  const inferred = inferCard(model, file);
  const validation = validateModelCard(inferred.card);
  expect(validation.ok ? [] : validation.problems).toEqual([]);
  return inferred;
};

describe('parsePythonLiteral and parseClassNames', () => {
  it('reads the names dict Ultralytics writes, in index order', () => {
    expect(parseClassNames("{0: 'person', 1: 'bicycle', 2: 'traffic light'}")).toEqual([
      'person',
      'bicycle',
      'traffic light',
    ]);
  });

  it('reads either quote, escapes, apostrophes, non-ASCII names and a trailing comma', () => {
    expect(
      parseClassNames(
        `{0: "driver's seat", 1: 'it\\'s', 2: 'back\\\\slash', 3: 'caf\\xe9', 4: '行人', 5: 'tab\\tx', 6: '\\u00e9',}`,
      ),
    ).toEqual(["driver's seat", "it's", 'back\\slash', 'café', '行人', 'tab\tx', 'é']);
  });

  it('orders by index, not by position, and accepts a plain list', () => {
    expect(parseClassNames("{1: 'b', 0: 'a'}")).toEqual(['a', 'b']);
    expect(parseClassNames("['a', 'b']")).toEqual(['a', 'b']);
    expect(parseClassNames("{'0': 'a', '1': 'b'}")).toEqual(['a', 'b']);
  });

  it('refuses malformed names with a place to look', () => {
    expect(() => parseClassNames("{0: 'person', 1: 'bicy")).toThrow('unterminated string at character 23');
    expect(() => parseClassNames("{0: 'a' 1: 'b'}")).toThrow('expected "," or "}"');
    expect(() => parseClassNames("{0: 'a', 2: 'c'}")).toThrow('class 1 is missing from names');
    expect(() => parseClassNames("{0: 'a', -1: 'b'}")).toThrow(PythonLiteralError);
    expect(() => parseClassNames('{0: 5}')).toThrow('class 0 has no text name');
    expect(() => parseClassNames('person, bicycle')).toThrow(PythonLiteralError);
    expect(() => parseClassNames("{0: 'a'} trailing")).toThrow('unexpected text after the value');
  });

  it('reads other Python values', () => {
    expect(parsePythonLiteral("(1, 2.5, True, None, 'x')")).toEqual([1, 2.5, true, null, 'x']);
  });

  it('reads imgsz as [height, width] or a single side', () => {
    expect(parseImageSize('[640, 640]')).toEqual({ width: 640, height: 640 });
    expect(parseImageSize('[384, 640]')).toEqual({ width: 640, height: 384 });
    expect(parseImageSize('320')).toEqual({ width: 320, height: 320 });
    expect(parseImageSize('[640, 640, 3]')).toBeUndefined();
    expect(parseImageSize('big')).toBeUndefined();
  });
});

describe('inferCard', () => {
  it('gives a YOLOv8 export with metadata a complete card, sure of itself', () => {
    const { card, confidence, missing } = infer(
      ultralytics('detect', [tensor('output0', [1, 84, 8400])], 80),
      '/models/yolov8n.onnx',
    );
    expect(confidence).toBe('high');
    expect(missing).toEqual([]);
    expect(card).toMatchObject({
      name: 'yolov8n',
      task: 'detect',
      decoder: 'yolov8',
      input: {
        name: 'images',
        layout: 'NCHW',
        size: { width: 640, height: 640 },
        resize: { mode: 'letterbox', pad: 114, align: 'center' },
        colorOrder: 'RGB',
        scale: 1 / 255,
      },
      outputs: { predictions: 'output0' },
      thresholds: { score: 0.25, nms: 0.45, maxDetections: 300 },
      provenance: { source: 'inferred' },
    });
    expect(card.classes).toHaveLength(80);
    expect(card.classes[79]).toBe('class 79');
  });

  it('recognises YOLOv8-seg from its prototype masks', () => {
    const model = ultralytics(
      'segment',
      [tensor('output0', [1, 116, 8400]), tensor('output1', [1, 32, 160, 160])],
      80,
    );
    const { card, confidence } = infer(model);
    expect(confidence).toBe('high');
    expect(card).toMatchObject({
      task: 'instance-segment',
      decoder: 'yolov8-seg',
      outputs: { predictions: 'output0', protos: 'output1' },
    });
    expect(checkCardAgainstModel(card, model)).toEqual([]);
  });

  it('recognises end-to-end exports, with and without masks', () => {
    const detect = infer(ultralytics('detect', [tensor('output0', [1, 300, 6])], 80, { end2end: 'True' }));
    expect(detect.card).toMatchObject({ task: 'detect', decoder: 'yolo-end2end' });
    expect(detect.confidence).toBe('high');
    const seg = infer(
      ultralytics('segment', [tensor('output0', [1, 300, 38]), tensor('output1', [1, 32, 160, 160])], 80),
    );
    expect(seg.card).toMatchObject({
      task: 'instance-segment',
      decoder: 'yolo-end2end',
      outputs: { predictions: 'output0', protos: 'output1' },
    });
  });

  it('tells YOLOv5 from YOLOX by the rows at a known input size', () => {
    const noMeta = (rows: number): ModelInfo => ({
      inputs: [tensor('images', [1, 3, 640, 640])],
      outputs: [tensor('output', [1, rows, 85])],
      metadata: {},
    });
    expect(infer(noMeta(25200)).card).toMatchObject({ decoder: 'yolov5', input: { colorOrder: 'RGB' } });
    const yolox = infer(noMeta(8400));
    expect(yolox.card).toMatchObject({
      decoder: 'yolox',
      input: { colorOrder: 'BGR', scale: 1, resize: { mode: 'letterbox', pad: 114, align: 'top-left' } },
    });
    expect(yolox.confidence).toBe('medium');
    const unsure = infer(noMeta(1000));
    expect(unsure.confidence).toBe('low');
    expect(unsure.notes.join(' ')).toContain('Guessed yolov5: check the decoder');
  });

  it('fills a YOLOv5 card from Ultralytics metadata with an open input size', () => {
    const model: ModelInfo = {
      inputs: [tensor('images', ['batch', 3, 'height', 'width'])],
      outputs: [tensor('output0', ['batch', 'anchors', 85])],
      metadata: {
        names: namesOf(80),
        stride: '32',
        imgsz: '[640, 640]',
        task: 'detect',
        author: 'Ultralytics',
      },
    };
    const { card, missing } = infer(model);
    expect(card).toMatchObject({ decoder: 'yolov5', input: { size: { width: 640, height: 640 } } });
    expect(missing).toEqual([]);
  });

  it('makes a classifier card from a [1, C] output', () => {
    const model: ModelInfo = {
      inputs: [tensor('images', [1, 3, 224, 224])],
      outputs: [tensor('output0', [1, 1000])],
      metadata: { author: 'Ultralytics', task: 'classify', imgsz: '[224, 224]', names: namesOf(1000) },
    };
    const { card, confidence } = infer(model);
    expect(confidence).toBe('high');
    expect(card).toMatchObject({
      task: 'classify',
      decoder: 'softmax',
      input: { size: { width: 224, height: 224 }, resize: { mode: 'shorter-side' } },
    });
    expect(card.thresholds).toEqual({ score: 0.25 });
  });

  it('guesses a DB text detector from a single-channel map and uses PaddleOCR sizes', () => {
    const model: ModelInfo = {
      inputs: [tensor('x', ['n', 3, 'h', 'w'])],
      outputs: [tensor('sigmoid_0.tmp_0', ['n', 1, 'h', 'w'])],
      metadata: {},
    };
    const { card, confidence } = infer(model);
    expect(confidence).toBe('low');
    expect(card).toMatchObject({
      task: 'text-detect',
      decoder: 'dbnet',
      input: {
        name: 'x',
        colorOrder: 'BGR',
        size: { dynamic: true, multiple: 32, limit: 960, limitType: 'max' },
      },
      textDetect: { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5 },
    });
    expect(checkCardAgainstModel(card, model)).toEqual([]);
  });

  it('reads NHWC inputs', () => {
    const model: ModelInfo = {
      inputs: [tensor('input_1', [1, 320, 320, 3])],
      outputs: [tensor('Identity', [1, 84, 2100])],
      metadata: {},
    };
    const { card } = infer(model);
    expect(card.input).toMatchObject({ layout: 'NHWC', size: { width: 320, height: 320 } });
    expect(checkCardAgainstModel(card, model).map((p) => p.path)).toEqual(['/classes']);
  });

  it('falls back to a blank to fill in, saying what is missing, for outputs it does not know', () => {
    const model: ModelInfo = {
      inputs: [tensor('input', [1, 3, 512, 512])],
      outputs: [tensor('boxes', [1, 100, 4]), tensor('scores', [1, 100])],
      metadata: {},
    };
    const { card, confidence, missing, notes } = infer(model, 'mystery.onnx');
    expect(confidence).toBe('none');
    expect(missing).toEqual(
      expect.arrayContaining(['/task', '/decoder', '/outputs/predictions', '/classes']),
    );
    expect(notes.join(' ')).toContain(
      'Unknown model: the outputs (boxes [1, 100, 4], scores [1, 100]) match no layout LabelLoop knows — fill in the card.',
    );
    expect(notes[0]).toBe('The model carries no metadata.');
    expect(card.name).toBe('mystery');
  });

  it('survives malformed metadata: unreadable names and imgsz become notes, not failures', () => {
    const model = ultralytics('detect', [tensor('output0', [1, 84, 8400])], 80, {
      names: "{0: 'person', 1: 'bicy",
      imgsz: 'six hundred',
    });
    const { card, missing, notes, confidence } = infer(model);
    expect(card.decoder).toBe('yolov8');
    expect(card.classes).toEqual([]);
    expect(missing).toEqual(['/classes']);
    expect(confidence).toBe('medium');
    expect(notes).toEqual(
      expect.arrayContaining([
        "The metadata's names could not be read (unterminated string at character 23); fill in the class names.",
        'The metadata\'s imgsz "six hundred" is not a size like [640, 640]; ignored.',
        'The output scores 80 classes but the model carries no names: fill them in, in index order (80 is the COCO class count).',
      ]),
    );
  });

  it('lowers its confidence when metadata and outputs disagree', () => {
    const fewer = infer(ultralytics('detect', [tensor('output0', [1, 84, 8400])], 3));
    expect(fewer.confidence).toBe('low');
    expect(fewer.notes).toContain(
      'The metadata names 3 classes but the output scores 80; check the class names.',
    );
    const pose = infer(ultralytics('pose', [tensor('output0', [1, 56, 8400])], 1));
    expect(pose.confidence).toBe('low');
    expect(pose.notes[0]).toBe(
      'The metadata says task "pose", which LabelLoop cannot decode yet (it reads detect, segment and classify).',
    );
  });
});
