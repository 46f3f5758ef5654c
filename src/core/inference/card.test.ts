import { describe, expect, it } from 'vitest';
import bundledOcrCard from '../../../resources/model-cards/pp-ocrv4-det.json';
import { checkCardAgainstModel, validateModelCard, type ModelInfo, type TensorInfo } from './card';
import { COCO3, yoloCard } from './testCards';

const tensor = (name: string, dims: TensorInfo['dims'], type = 'float32'): TensorInfo => ({
  name,
  dims,
  type,
});
const model = (inputs: TensorInfo[], outputs: TensorInfo[]): ModelInfo => ({ inputs, outputs, metadata: {} });
const yoloModel = (rows = 4 + COCO3.length) =>
  model([tensor('images', [1, 3, 640, 640])], [tensor('output0', [1, rows, 8400])]);

/** A card as JSON with one value replaced (pointer segments), as a user's edit might. */
const edited = (path: string[], value: unknown): unknown => {
  const copy = JSON.parse(JSON.stringify(yoloCard())) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = path.at(-1) as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
};

const problemsOf = (value: unknown) => {
  const result = validateModelCard(value);
  return result.ok ? [] : result.problems;
};

describe('validateModelCard', () => {
  it('accepts a YOLOv8 card and the bundled PP-OCRv4 card', () => {
    expect(validateModelCard(yoloCard())).toEqual({ ok: true, card: yoloCard() });
    expect(problemsOf(bundledOcrCard)).toEqual([]);
  });

  it('says which property is missing, where, and what it is for', () => {
    expect(problemsOf(edited(['input', 'layout'], undefined))).toEqual([
      {
        path: '/input/layout',
        message: expect.stringMatching(
          /^\/input\/layout: "layout" is missing\. Order of the four dimensions/,
        ),
      },
    ]);
  });

  it('names the allowed values of an enumerated field', () => {
    expect(problemsOf(edited(['decoder'], 'yolov9'))).toEqual([
      {
        path: '/decoder',
        message: expect.stringContaining(
          '"yolov9" is not allowed; use one of "yolov5", "yolov8", "yolov8-seg"',
        ),
      },
    ]);
  });

  it('gives one message for a size that is neither fixed nor dynamic', () => {
    const problems = problemsOf(edited(['input', 'size'], { width: 640 }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('/input/size');
    expect(problems[0]?.message).toMatch(/^\/input\/size: \{"width":640\} does not fit\. Either a fixed/);
  });

  it('accepts a dynamic size and refuses one with a bad multiple', () => {
    const dynamic = { dynamic: true, multiple: 32, limit: 960, limitType: 'max' };
    expect(problemsOf(edited(['input', 'size'], dynamic))).toEqual([]);
    expect(problemsOf(edited(['input', 'size'], { ...dynamic, multiple: 0 }))).toHaveLength(1);
  });

  it('needs a pad value and alignment for a letterbox, but not for a stretch', () => {
    expect(problemsOf(edited(['input', 'resize'], { mode: 'letterbox' })).map((p) => p.path)).toEqual([
      '/input/resize/pad',
      '/input/resize/align',
    ]);
    expect(problemsOf(edited(['input', 'resize'], { mode: 'stretch' }))).toEqual([]);
  });

  it('wants three means and stds, a positive scale, thresholds in 0–1', () => {
    expect(problemsOf(edited(['input', 'mean'], [0.5, 0.5]))).toEqual([
      { path: '/input/mean', message: '/input/mean: must have exactly 3 values, one per channel.' },
    ]);
    expect(problemsOf(edited(['input', 'std'], [1, 0, 1]))[0]?.path).toBe('/input/std/1');
    expect(problemsOf(edited(['input', 'scale'], 0))[0]?.message).toBe(
      '/input/scale: 0 is out of range; it must be more than 0.',
    );
    expect(problemsOf(edited(['thresholds', 'score'], 1.5))[0]?.message).toBe(
      '/thresholds/score: 1.5 is out of range; it must be at most 1.',
    );
  });

  it('refuses unknown properties and a wrong format', () => {
    expect(problemsOf(edited(['input', 'colour'], 'RGB'))).toHaveLength(1);
    expect(problemsOf(edited(['input', 'colour'], 'RGB'))[0]).toMatchObject({
      path: '/input/colour',
      message: expect.stringContaining('"colour" is not a model card property here; allowed: name, layout'),
    });
    expect(problemsOf(edited(['format'], 'labelloop.model-card/2'))[0]?.message).toBe(
      '/format: must be "labelloop.model-card/1", not "labelloop.model-card/2".',
    );
    expect(problemsOf('not a card')).toEqual([{ path: '', message: '/: must be object, not string.' }]);
  });

  it('needs DB parameters for a dbnet decoder', () => {
    const { textDetect: _, ...withoutParams } = bundledOcrCard;
    expect(problemsOf(withoutParams).map((p) => p.path)).toEqual(['/textDetect']);
  });

  it('checks that the decoder serves the task, masks have an output, names differ', () => {
    expect(problemsOf(yoloCard({ task: 'classify' }))).toEqual([
      {
        path: '/decoder',
        message: '/decoder: a yolov8 decoder cannot serve the classify task; use softmax or sigmoid.',
      },
    ]);
    expect(
      problemsOf(yoloCard({ task: 'instance-segment', decoder: 'yolov8-seg' })).map((p) => p.path),
    ).toEqual(['/outputs/protos']);
    expect(problemsOf(yoloCard({ classes: ['cat', 'dog', 'cat'] }))).toEqual([
      { path: '/classes/2', message: '/classes/2: "cat" is also class 0; class names must differ.' },
    ]);
  });
});

describe('checkCardAgainstModel', () => {
  it('finds nothing wrong when card and model agree, or the model leaves dimensions open', () => {
    expect(checkCardAgainstModel(yoloCard(), yoloModel())).toEqual([]);
    const open = model(
      [tensor('images', ['batch', 3, 'height', 'width'])],
      [tensor('output0', [1, 7, 'anchors'])],
    );
    expect(checkCardAgainstModel(yoloCard(), open)).toEqual([]);
  });

  it('names the input and the dimension when the channels do not fit', () => {
    const gray = model([tensor('images', [1, 1, 640, 640])], [tensor('output0', [1, 7, 8400])]);
    expect(checkCardAgainstModel(yoloCard(), gray)).toEqual([
      {
        path: '/input/layout',
        message: "input images: dimension 1 is 1 but the card's RGB input needs 3 channels.",
      },
    ]);
    const nhwc = model([tensor('images', [1, 640, 640, 3])], [tensor('output0', [1, 7, 8400])]);
    expect(checkCardAgainstModel(yoloCard(), nhwc)[0]?.message).toBe(
      "input images: dimension 1 is 640 but the card's RGB input needs 3 channels (dimension 3 is 3: the model looks NHWC).",
    );
  });

  it('says which side of a fixed input differs from the card', () => {
    const small = model([tensor('images', [1, 3, 416, 416])], [tensor('output0', [1, 7, 3549])]);
    expect(checkCardAgainstModel(yoloCard(), small).map((p) => p.message)).toEqual([
      "input images: dimension 2 (height) is 416 but the card's size has height 640.",
      "input images: dimension 3 (width) is 416 but the card's size has width 640.",
    ]);
  });

  it('counts the rows a yolov8 decoder needs for the card’s classes', () => {
    const coco = model([tensor('images', [1, 3, 640, 640])], [tensor('output0', [1, 85, 8400])]);
    const card = yoloCard({ classes: Array.from({ length: 80 }, (_, i) => `class${i}`) });
    expect(checkCardAgainstModel(card, coco)).toEqual([
      {
        path: '/classes',
        message:
          'output output0 has shape [1, 85, 8400]: a yolov8 decoder with 80 classes needs 84 rows (4 box values + 80 scores).',
      },
    ]);
  });

  it('counts columns for yolov5 / yolox and end-to-end exports', () => {
    const card = yoloCard({ decoder: 'yolox', classes: ['a', 'b'] });
    const yolox = model([tensor('images', [1, 3, 640, 640])], [tensor('output0', [1, 8400, 85])]);
    expect(checkCardAgainstModel(card, yolox)[0]?.message).toBe(
      'output output0 has shape [1, 8400, 85]: a yolox decoder with 2 classes needs 7 columns (4 box values + objectness + 2 scores).',
    );
    const e2e = model([tensor('images', [1, 3, 640, 640])], [tensor('output0', [1, 300, 7])]);
    expect(checkCardAgainstModel(yoloCard({ decoder: 'yolo-end2end' }), e2e)[0]?.message).toBe(
      'output output0 has shape [1, 300, 7]: a yolo-end2end decoder needs 6 columns (x1, y1, x2, y2, score, class).',
    );
  });

  it('counts mask coefficients for yolov8-seg from the prototype output', () => {
    const card = yoloCard({
      task: 'instance-segment',
      decoder: 'yolov8-seg',
      outputs: { predictions: 'output0', protos: 'output1' },
    });
    const seg = (rows: number) =>
      model(
        [tensor('images', [1, 3, 640, 640])],
        [tensor('output0', [1, rows, 8400]), tensor('output1', [1, 32, 160, 160])],
      );
    expect(checkCardAgainstModel(card, seg(4 + 3 + 32))).toEqual([]);
    expect(checkCardAgainstModel(card, seg(116))[0]?.message).toBe(
      'output output0 has shape [1, 116, 8400]: a yolov8-seg decoder with 3 classes needs 39 rows (4 box values + 3 scores + 32 mask coefficients).',
    );
  });

  it('lists the tensors the model has when a name is wrong', () => {
    const card = yoloCard({ input: { ...yoloCard().input, name: 'input' }, outputs: { predictions: 'out' } });
    expect(checkCardAgainstModel(card, yoloModel()).map((p) => p.message)).toEqual([
      'the model has no input named "input"; its inputs are: images.',
      'the model has no output named "out"; its outputs are: output0.',
    ]);
  });

  it('flags a fixed-size model under a dynamic card, and inputs LabelLoop cannot feed', () => {
    const card = yoloCard({
      input: { ...yoloCard().input, size: { dynamic: true, multiple: 32, limit: 960, limitType: 'max' } },
    });
    expect(checkCardAgainstModel(card, yoloModel())[0]?.message).toBe(
      'input images has a fixed size 640×640 (dimensions 3 and 2) but the card says its size is dynamic.',
    );
    const bytesIn = model([tensor('images', [1, 3, 640, 640], 'uint8')], [tensor('output0', [1, 7, 8400])]);
    expect(checkCardAgainstModel(yoloCard(), bytesIn)[0]?.message).toBe(
      'input images takes uint8 values; LabelLoop feeds images as float32 (or float16).',
    );
  });

  it('checks the bundled PP-OCRv4 card against the detector’s declared shapes', () => {
    const result = validateModelCard(bundledOcrCard);
    if (!result.ok) throw new Error('bundled card invalid');
    const det = model(
      [tensor('x', ['p2o.DynamicDimension.0', 3, 'p2o.DynamicDimension.1', 'p2o.DynamicDimension.2'])],
      [
        tensor('sigmoid_0.tmp_0', [
          'p2o.DynamicDimension.3',
          1,
          'p2o.DynamicDimension.4',
          'p2o.DynamicDimension.5',
        ]),
      ],
    );
    expect(checkCardAgainstModel(result.card, det)).toEqual([]);
    const twoMaps = model([tensor('x', [1, 3, 'h', 'w'])], [tensor('sigmoid_0.tmp_0', [1, 2, 'h', 'w'])]);
    expect(checkCardAgainstModel(result.card, twoMaps)[0]?.message).toBe(
      'output sigmoid_0.tmp_0 has shape [1, 2, h, w]: dimension 1 is 2 but a dbnet decoder reads one probability map.',
    );
  });

  it('checks a classifier’s score count', () => {
    const card = yoloCard({
      task: 'classify',
      decoder: 'softmax',
      input: { ...yoloCard().input, size: { width: 224, height: 224 } },
    });
    const cls = model([tensor('images', [1, 3, 224, 224])], [tensor('output0', [1, 1000])]);
    expect(checkCardAgainstModel(card, cls)[0]?.message).toBe(
      'output output0 has shape [1, 1000]: a softmax decoder with 3 classes needs 3 scores in its last dimension.',
    );
  });
});
