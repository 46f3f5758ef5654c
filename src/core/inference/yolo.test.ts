import { describe, expect, it } from 'vitest';
import { planResize } from './letterbox';
import { decodeYolo, detectLayout, gridPointCount, postprocessYolo, type OutputTensor } from './yolo';

const tensor = (dims: number[], values?: number[], name = 'output0'): OutputTensor => {
  const size = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  if (values) data.set(values);
  return { name, data, dims };
};

/** A YOLOv8 [1, 4 + C, N] tensor from per-anchor rows [cx, cy, w, h, ...scores]. */
const v8 = (anchors: number[][]): OutputTensor => {
  const rows = anchors[0]!.length;
  return tensor(
    [1, rows, anchors.length],
    Array.from({ length: rows }, (_, r) => anchors.map((a) => a[r]!)).flat(),
  );
};

const rounded = (value: unknown) =>
  JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e4) / 1e4 : v)),
  );

describe('detectLayout', () => {
  it('names the layout of the common exports', () => {
    expect(detectLayout([1, 84, 8400])).toEqual({
      ok: true,
      layout: 'yolov8',
      classCount: 80,
      candidates: 8400,
    });
    expect(detectLayout([1, 6, 8400])).toMatchObject({ ok: true, layout: 'yolov8', classCount: 2 });
    expect(detectLayout([1, 300, 6], 80)).toEqual({
      ok: true,
      layout: 'end-to-end',
      classCount: 80,
      candidates: 300,
    });
    expect(detectLayout([1, 25200, 85], 80, { width: 640, height: 640 })).toMatchObject({
      ok: true,
      layout: 'yolov5',
    });
    expect(detectLayout([1, 3549, 85], undefined, { width: 416, height: 416 })).toEqual({
      ok: true,
      layout: 'yolox',
      classCount: 80,
      candidates: 3549,
    });
  });

  it('says why it cannot tell a shape two layouts share', () => {
    expect(detectLayout([1, 25200, 85])).toEqual({
      ok: false,
      possible: ['yolov5', 'yolox'],
      reason:
        '[1, 25200, 85] could be YOLOv5 or YOLOX; give the model input size (YOLOv5 has 3 anchors per grid point, YOLOX one)',
    });
    expect(detectLayout([1, 300, 6])).toMatchObject({
      ok: false,
      possible: ['yolov5', 'yolox', 'end-to-end'],
      reason: expect.stringContaining('give the class count'),
    });
  });

  it('says what each layout would need when none fits', () => {
    expect(detectLayout([1, 85, 8400], 80)).toEqual({
      ok: false,
      possible: [],
      reason:
        'no YOLO layout fits [1, 85, 8400] with 80 classes: YOLOv8 needs [1, 84, N], YOLOv5 and YOLOX need [1, N, 85], end-to-end needs [1, N, 6]',
    });
    expect(detectLayout([1, 8400, 84], 80, { width: 640, height: 640 })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('with 25200 rows (YOLOv5) or 8400 rows (YOLOX) at this input size'),
    });
    expect(detectLayout([84, 8400])).toMatchObject({
      ok: false,
      reason: '[84, 8400] has 2 dimensions; YOLO detection outputs have 3 ([batch, rows, columns])',
    });
  });

  it('counts YOLOX grid points over strides 8, 16 and 32', () => {
    expect(gridPointCount({ width: 416, height: 416 })).toBe(3549);
    expect(gridPointCount({ width: 640, height: 640 })).toBe(8400);
    expect(gridPointCount({ width: 640, height: 384 })).toBe(80 * 48 + 40 * 24 + 20 * 12);
  });
});

describe('decodeYolo', () => {
  it('decodes YOLOv8 columns: the best class per anchor above the threshold, centre boxes to corners', () => {
    const output = v8([
      [320, 240, 100, 50, 0.1, 0.95, 0.2],
      [64, 32, 16, 8, 0.25, 0.2, 0.1], // at the threshold: dropped (score must exceed it)
      [10, 20, 30, 40, 0.6, 0.6, 0.3],
    ]);
    expect(rounded(decodeYolo(output, { layout: 'yolov8', classCount: 3, scoreThreshold: 0.25 }))).toEqual([
      { classIndex: 1, score: 0.95, box: { x: 270, y: 215, width: 100, height: 50 } },
      { classIndex: 0, score: 0.6, box: { x: -5, y: 0, width: 30, height: 40 } },
    ]);
  });

  it('decodes YOLOv5 rows scoring objectness × the best class score', () => {
    const output = tensor(
      [1, 3, 7],
      [
        [100, 50, 20, 10, 0.9, 0.2, 0.8],
        [10, 10, 4, 4, 0.05, 1, 1], // sure of its class, but hardly an object: 0.05
        [300, 200, 60, 40, 0.5, 0.4, 0.3],
      ].flat(),
    );
    expect(rounded(decodeYolo(output, { layout: 'yolov5', scoreThreshold: 0.1 }))).toEqual([
      { classIndex: 1, score: 0.72, box: { x: 90, y: 45, width: 20, height: 10 } },
      { classIndex: 0, score: 0.2, box: { x: 270, y: 180, width: 60, height: 40 } },
    ]);
  });

  it('decodes YOLOX grid offsets: (offset + grid) × stride and exp(log size) × stride, stride by stride', () => {
    // 64×64 input: 8×8 points at stride 8, 4×4 at 16, 2×2 at 32 = 84 rows.
    const rows: number[][] = Array.from({ length: 84 }, () => [0, 0, 0, 0, 0, 0.9]);
    rows[9] = [0.5, 0.5, Math.log(2), Math.log(2), 0.8, 0.9]; // stride 8, column 1, row 1
    rows[64 + 6] = [0, 0, 0, 0, 0.7, 1]; // stride 16, column 2, row 1
    rows[83] = [0, 0, 0, 0, 0.6, 1]; // stride 32, column 1, row 1
    const output = tensor([1, 84, 6], rows.flat(), 'output');
    const detections = decodeYolo(output, {
      layout: 'yolox',
      classCount: 1,
      scoreThreshold: 0.25,
      inputSize: { width: 64, height: 64 },
    });
    expect(rounded(detections)).toEqual([
      { classIndex: 0, score: 0.72, box: { x: 4, y: 4, width: 16, height: 16 } },
      { classIndex: 0, score: 0.7, box: { x: 24, y: 8, width: 16, height: 16 } },
      { classIndex: 0, score: 0.6, box: { x: 16, y: 16, width: 32, height: 32 } },
    ]);
  });

  it('decodes end-to-end rows as corners, score and class', () => {
    const output = tensor([1, 2, 6], [10, 20, 110, 220, 0.88, 5, 0, 0, 0, 0, 0, 0]);
    expect(rounded(decodeYolo(output, { layout: 'end-to-end', scoreThreshold: 0.25 }))).toEqual([
      { classIndex: 5, score: 0.88, box: { x: 10, y: 20, width: 100, height: 200 } },
    ]);
  });

  it('reads the image of a batch it is asked for', () => {
    const output = tensor([2, 1, 6], [0, 0, 10, 10, 0.9, 1, 5, 5, 20, 20, 0.8, 2]);
    expect(decodeYolo(output, { layout: 'end-to-end', scoreThreshold: 0.25, batchIndex: 1 })).toEqual([
      { classIndex: 2, score: expect.closeTo(0.8, 6), box: { x: 5, y: 5, width: 15, height: 15 } },
    ]);
    expect(() => decodeYolo(output, { layout: 'end-to-end', scoreThreshold: 0.25, batchIndex: 2 })).toThrow(
      'output0 has a batch of 2; there is no image 2 in it',
    );
  });

  it('names the tensor and the dimension that does not fit', () => {
    const options = { classCount: 80, scoreThreshold: 0.25 };
    expect(() => decodeYolo(tensor([1, 85, 8400]), { layout: 'yolov8', ...options })).toThrow(
      'output0 has 85 rows; a YOLOv8 layout with 80 classes needs 84',
    );
    expect(() => decodeYolo(tensor([1, 8400, 84]), { layout: 'yolov5', ...options })).toThrow(
      'output0 has 84 columns; a YOLOv5 layout with 80 classes needs 85',
    );
    expect(() =>
      decodeYolo(tensor([1, 3549, 85], undefined, 'output'), {
        layout: 'yolox',
        ...options,
        inputSize: { width: 640, height: 640 },
      }),
    ).toThrow('output has 3549 rows; a YOLOX grid over 640×640 at strides 8/16/32 has 8400');
    expect(() => decodeYolo(tensor([1, 3549, 85]), { layout: 'yolox', ...options })).toThrow(
      'decoding output0 as YOLOX needs the model input size for its grid',
    );
    expect(() => decodeYolo(tensor([1, 300, 7]), { layout: 'end-to-end', ...options })).toThrow(
      'output0 has 7 columns; an end-to-end layout needs 6 (x1, y1, x2, y2, score, class)',
    );
    expect(() => decodeYolo(tensor([84, 8400]), { layout: 'yolov8', ...options })).toThrow(
      'output0 has 2 dimensions [84, 8400]; a YOLOv8 output has 3',
    );
    expect(() =>
      decodeYolo(
        { name: 'output0', data: new Float32Array(10), dims: [1, 84, 8400] },
        { layout: 'yolov8', ...options },
      ),
    ).toThrow('output0 holds 10 values; its shape [1, 84, 8400] needs 705600');
    expect(() =>
      decodeYolo(tensor([1, 1, 6], [0, 0, 1, 1, 0.9, 80]), { layout: 'end-to-end', ...options }),
    ).toThrow('output0 row 0 has class 80; the model has 80 classes');
  });
});

describe('postprocessYolo', () => {
  // bus.jpg's plan: 810×1080 letterboxed into 640², 80 px of padding left and right.
  const plan = planResize(
    { width: 810, height: 1080 },
    { kind: 'letterbox', width: 640, height: 640, align: 'center', padValue: 114 },
  );
  const r = 640 / 1080;
  const options = {
    classCount: 2,
    scoreThreshold: 0.25,
    iouThreshold: 0.45,
    classAware: true,
    maxDetections: 300,
  };

  it('applies NMS, maps boxes back to image pixels and drops boxes wholly in the padding', () => {
    const output = v8([
      [320, 320, 96, 128, 0.8, 0.1],
      [322, 321, 96, 128, 0.9, 0.1], // same object, higher score: kept
      [40, 320, 40, 40, 0.1, 0.7], // wholly in the left padding: dropped
      [120, 100, 80, 40, 0.1, 0.5], // straddles the left edge: clipped
    ]);
    expect(rounded(postprocessYolo(output, plan, { layout: 'yolov8', ...options }))).toEqual(
      rounded([
        { classIndex: 0, score: 0.9, box: { x: (274 - 80) / r, y: 257 / r, width: 96 / r, height: 128 / r } },
        { classIndex: 1, score: 0.5, box: { x: 0, y: 80 / r, width: 80 / r - 0, height: 40 / r } },
      ]),
    );
  });

  it('keeps overlapping end-to-end boxes (NMS ran in the graph) up to the maximum', () => {
    const output = tensor(
      [1, 3, 6],
      [
        [100, 100, 200, 200, 0.9, 0],
        [101, 101, 201, 201, 0.8, 0],
        [300, 300, 400, 400, 0.7, 1],
      ].flat(),
    );
    expect(postprocessYolo(output, plan, { layout: 'end-to-end', ...options }).map((d) => d.score)).toEqual([
      expect.closeTo(0.9, 6),
      expect.closeTo(0.8, 6),
      expect.closeTo(0.7, 6),
    ]);
    expect(
      postprocessYolo(output, plan, { layout: 'end-to-end', ...options, maxDetections: 2 }),
    ).toHaveLength(2);
  });
});
