/** Decoders from raw YOLO-family output tensors to detections in model-input pixels, and a sniffer that names a layout. */

import type { ImageBox, ImageSize } from '../geometry/spaces';
import { inputBox, toImageBox, type InputBox, type ResizePlan } from './letterbox';
import { nonMaxSuppression } from './nms';

/*
 * The layouts, as the exporters write them (one image of the batch; N candidates, C classes):
 *   yolov5      [1, N, 5 + C]  cx, cy, w, h, objectness, C class scores; score = objectness × class score.
 *   yolov8      [1, 4 + C, N]  cx, cy, w, h, C class scores, one column per anchor (YOLOv8, YOLO11, YOLOv5u).
 *   end-to-end  [1, N, 6]      x1, y1, x2, y2, score, class: NMS already inside the graph (YOLOv10, YOLO26).
 *   yolox       [1, N, 5 + C]  x/y offsets, log w/h per grid point of strides 8/16/32, objectness, scores:
 *               centre = (offset + grid) × stride, size = exp(log size) × stride (YOLOX demo_postprocess).
 * Scores are already sigmoid probabilities in all four. Box values are model-input pixels.
 */

export const YOLO_LAYOUTS = ['yolov5', 'yolov8', 'end-to-end', 'yolox'] as const;
export type YoloLayout = (typeof YOLO_LAYOUTS)[number];

const LAYOUT_NAMES: Record<YoloLayout, string> = {
  yolov5: 'YOLOv5',
  yolov8: 'YOLOv8',
  'end-to-end': 'end-to-end',
  yolox: 'YOLOX',
};

/** YOLOX's (and YOLOv8's) three output strides. */
export const DEFAULT_STRIDES: readonly number[] = [8, 16, 32];

/** One output of a model run, as onnxruntime gives it. */
export interface OutputTensor {
  /** The output's name in the model, for error messages. */
  readonly name: string;
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** One detection in model-input pixels. */
export interface Detection {
  readonly classIndex: number;
  /** In [0, 1]. */
  readonly score: number;
  readonly box: InputBox;
}

/** One detection in upright image pixels (what the app stores). */
export interface ImageDetection {
  readonly classIndex: number;
  readonly score: number;
  readonly box: ImageBox;
}

export class YoloShapeError extends Error {
  override readonly name = 'YoloShapeError';
}

const shapeOf = (dims: readonly number[]): string => `[${dims.join(', ')}]`;

/** How many grid points YOLOX has over an input: Σ (height / stride) × (width / stride). */
export function gridPointCount(input: ImageSize, strides: readonly number[] = DEFAULT_STRIDES): number {
  return strides.reduce((sum, s) => sum + Math.floor(input.height / s) * Math.floor(input.width / s), 0);
}

export type LayoutGuess =
  | {
      readonly ok: true;
      readonly layout: YoloLayout;
      /** Undefined when the shape does not say (end-to-end outputs) and none was given. */
      readonly classCount: number | undefined;
      readonly candidates: number;
    }
  | { readonly ok: false; readonly possible: readonly YoloLayout[]; readonly reason: string };

/**
 * Says which layout an output shape is. The class count and the model input size settle the ambiguous
 * shapes: [1, N, 6] is end-to-end or a one-class YOLOv5/YOLOX; [1, N, 5 + C] is YOLOv5 (3 anchors per
 * grid point) or YOLOX (one per grid point).
 */
export function detectLayout(
  dims: readonly number[],
  classCount?: number,
  inputSize?: ImageSize,
): LayoutGuess {
  if (dims.length !== 3) {
    return {
      ok: false,
      possible: [],
      reason: `${shapeOf(dims)} has ${dims.length} dimensions; YOLO detection outputs have 3 ([batch, rows, columns])`,
    };
  }
  const [, rows = 0, columns = 0] = dims;
  const grid = inputSize ? gridPointCount(inputSize) : undefined;
  const fits: { layout: YoloLayout; classCount: number | undefined; candidates: number }[] = [];
  if (classCount === undefined ? rows >= 5 && rows < columns : rows === 4 + classCount)
    fits.push({ layout: 'yolov8', classCount: rows - 4, candidates: columns });
  const objectness = classCount === undefined ? columns >= 6 && rows > columns : columns === 5 + classCount;
  if (objectness && (grid === undefined || rows === 3 * grid))
    fits.push({ layout: 'yolov5', classCount: columns - 5, candidates: rows });
  if (objectness && (grid === undefined || rows === grid))
    fits.push({ layout: 'yolox', classCount: columns - 5, candidates: rows });
  if (columns === 6) fits.push({ layout: 'end-to-end', classCount, candidates: rows });

  const [only] = fits;
  if (fits.length === 1 && only) return { ok: true, ...only };
  const possible = fits.map((f) => f.layout);
  if (fits.length > 1) {
    const names = possible.map((l) => LAYOUT_NAMES[l]).join(' or ');
    const hint =
      possible.includes('end-to-end') && classCount === undefined
        ? 'give the class count (end-to-end outputs have 6 columns whatever the classes)'
        : 'give the model input size (YOLOv5 has 3 anchors per grid point, YOLOX one)';
    return { ok: false, possible, reason: `${shapeOf(dims)} could be ${names}; ${hint}` };
  }
  const classes = classCount === undefined ? 'C classes' : `${classCount} classes`;
  const plus = (n: number) => (classCount === undefined ? `${n} + C` : `${n + classCount}`);
  const gridNote =
    grid === undefined ? '' : `, with ${3 * grid} rows (YOLOv5) or ${grid} rows (YOLOX) at this input size`;
  return {
    ok: false,
    possible,
    reason:
      `no YOLO layout fits ${shapeOf(dims)} with ${classes}: YOLOv8 needs [1, ${plus(4)}, N], ` +
      `YOLOv5 and YOLOX need [1, N, ${plus(5)}]${gridNote}, end-to-end needs [1, N, 6]`,
  };
}

export interface DecodeOptions {
  readonly layout: YoloLayout;
  /** The model's class count; when given, the shape must agree with it. */
  readonly classCount?: number;
  /** Candidates scoring at or below this are dropped (Ultralytics keeps score > conf). */
  readonly scoreThreshold: number;
  /** The model input size: YOLOX needs it to lay out its grid. */
  readonly inputSize?: ImageSize;
  /** YOLOX grid strides (default 8, 16, 32). */
  readonly strides?: readonly number[];
  /** Which image of a batched output (default 0). */
  readonly batchIndex?: number;
}

/** Checks the tensor against a layout and returns the candidates, classes and batch offset, or throws. */
function checkShape(
  tensor: OutputTensor,
  options: DecodeOptions,
): { candidates: number; classCount: number; offset: number } {
  const { name, dims, data } = tensor;
  const { layout, classCount } = options;
  const title = LAYOUT_NAMES[layout];
  const article = layout === 'end-to-end' ? 'an' : 'a';
  if (dims.length !== 3)
    throw new YoloShapeError(
      `${name} has ${dims.length} dimensions ${shapeOf(dims)}; ${article} ${title} output has 3`,
    );
  const [batch = 0, rows = 0, columns = 0] = dims;
  const size = batch * rows * columns;
  if (data.length !== size)
    throw new YoloShapeError(`${name} holds ${data.length} values; its shape ${shapeOf(dims)} needs ${size}`);
  const batchIndex = options.batchIndex ?? 0;
  if (!Number.isInteger(batchIndex) || batchIndex < 0 || batchIndex >= batch)
    throw new YoloShapeError(`${name} has a batch of ${batch}; there is no image ${batchIndex} in it`);
  const offset = batchIndex * rows * columns;
  const countOf = (n: number) => (classCount === 1 ? `${n} class` : `${n} classes`);

  switch (layout) {
    case 'yolov8': {
      if (classCount !== undefined && rows !== 4 + classCount)
        throw new YoloShapeError(
          `${name} has ${rows} rows; a YOLOv8 layout with ${countOf(classCount)} needs ${4 + classCount}`,
        );
      if (rows < 5)
        throw new YoloShapeError(
          `${name} has ${rows} rows; a YOLOv8 layout needs 4 box rows and a class row`,
        );
      return { candidates: columns, classCount: rows - 4, offset };
    }
    case 'yolov5':
    case 'yolox': {
      if (classCount !== undefined && columns !== 5 + classCount)
        throw new YoloShapeError(
          `${name} has ${columns} columns; a ${title} layout with ${countOf(classCount)} needs ${5 + classCount}`,
        );
      if (columns < 6)
        throw new YoloShapeError(
          `${name} has ${columns} columns; a ${title} layout needs 4 box, 1 objectness and a class column`,
        );
      if (layout === 'yolox') {
        if (!options.inputSize)
          throw new YoloShapeError(`decoding ${name} as YOLOX needs the model input size for its grid`);
        const strides = options.strides ?? DEFAULT_STRIDES;
        const grid = gridPointCount(options.inputSize, strides);
        if (rows !== grid)
          throw new YoloShapeError(
            `${name} has ${rows} rows; a YOLOX grid over ${options.inputSize.width}×${options.inputSize.height} ` +
              `at strides ${strides.join('/')} has ${grid}`,
          );
      }
      return { candidates: rows, classCount: columns - 5, offset };
    }
    case 'end-to-end':
      if (columns !== 6)
        throw new YoloShapeError(
          `${name} has ${columns} columns; an end-to-end layout needs 6 (x1, y1, x2, y2, score, class)`,
        );
      return { candidates: rows, classCount: classCount ?? Infinity, offset };
  }
}

const centred = (cx: number, cy: number, w: number, h: number): InputBox =>
  inputBox(cx - w / 2, cy - h / 2, w, h);

/** [1, 4 + C, N]: the best class per anchor, scanned class by class so reads stay contiguous. */
function decodeYolov8(
  data: Float32Array,
  offset: number,
  n: number,
  classes: number,
  threshold: number,
): Detection[] {
  const best = new Float32Array(n).fill(-Infinity);
  const bestClass = new Int32Array(n);
  for (let c = 0; c < classes; c++) {
    const row = offset + (4 + c) * n;
    for (let i = 0; i < n; i++) {
      const score = data[row + i]!;
      // Strictly greater: on equal scores the lower class index wins, as argmax does.
      if (score > best[i]!) {
        best[i] = score;
        bestClass[i] = c;
      }
    }
  }
  const detections: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = best[i]!;
    if (!(score > threshold)) continue;
    const box = centred(
      data[offset + i]!,
      data[offset + n + i]!,
      data[offset + 2 * n + i]!,
      data[offset + 3 * n + i]!,
    );
    detections.push({ classIndex: bestClass[i]!, score, box });
  }
  return detections;
}

/** [1, N, 5 + C] with objectness; YOLOX first turns grid offsets into boxes. */
function decodeWithObjectness(
  data: Float32Array,
  offset: number,
  n: number,
  classes: number,
  threshold: number,
  grid?: { strides: readonly number[]; input: ImageSize },
): Detection[] {
  const columns = 5 + classes;
  const detections: Detection[] = [];
  // YOLOX grid points in output order: stride by stride, row by row, column by column.
  let level = 0;
  let levelStart = 0;
  let levelWidth = 0;
  let levelEnd = 0;
  for (let i = 0; i < n; i++) {
    const at = offset + i * columns;
    if (grid) {
      while (i >= levelEnd) {
        const stride = grid.strides[level++]!;
        levelStart = levelEnd;
        levelWidth = Math.floor(grid.input.width / stride);
        levelEnd += levelWidth * Math.floor(grid.input.height / stride);
      }
    }
    const objectness = data[at + 4]!;
    // Ultralytics' YOLOv5 NMS drops objectness ≤ conf first; score = objectness × best class score.
    if (!(objectness > threshold)) continue;
    let best = -Infinity;
    let bestClass = 0;
    for (let c = 0; c < classes; c++) {
      const score = data[at + 5 + c]!;
      if (score > best) {
        best = score;
        bestClass = c;
      }
    }
    const score = objectness * best;
    if (!(score > threshold)) continue;
    let box: InputBox;
    if (grid) {
      const stride = grid.strides[level - 1]!;
      const point = i - levelStart;
      const gx = point % levelWidth;
      const gy = Math.floor(point / levelWidth);
      box = centred(
        (data[at]! + gx) * stride,
        (data[at + 1]! + gy) * stride,
        Math.exp(data[at + 2]!) * stride,
        Math.exp(data[at + 3]!) * stride,
      );
    } else box = centred(data[at]!, data[at + 1]!, data[at + 2]!, data[at + 3]!);
    detections.push({ classIndex: bestClass, score, box });
  }
  return detections;
}

/** [1, N, 6]: corners, score and class, already through NMS in the graph. */
function decodeEndToEnd(
  tensor: OutputTensor,
  offset: number,
  n: number,
  classes: number,
  threshold: number,
): Detection[] {
  const { data } = tensor;
  const detections: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const at = offset + i * 6;
    const score = data[at + 4]!;
    if (!(score > threshold)) continue;
    const classIndex = Math.round(data[at + 5]!);
    if (!(classIndex >= 0 && classIndex < classes))
      throw new YoloShapeError(
        `${tensor.name} row ${i} has class ${data[at + 5]}; the model has ${classes} classes`,
      );
    const x1 = data[at]!;
    const y1 = data[at + 1]!;
    detections.push({ classIndex, score, box: inputBox(x1, y1, data[at + 2]! - x1, data[at + 3]! - y1) });
  }
  return detections;
}

/** Decodes one image's candidates scoring above the threshold, in anchor order, boxes in model-input pixels. */
export function decodeYolo(tensor: OutputTensor, options: DecodeOptions): Detection[] {
  const { candidates, classCount, offset } = checkShape(tensor, options);
  const { data } = tensor;
  const threshold = options.scoreThreshold;
  switch (options.layout) {
    case 'yolov8':
      return decodeYolov8(data, offset, candidates, classCount, threshold);
    case 'yolov5':
      return decodeWithObjectness(data, offset, candidates, classCount, threshold);
    case 'yolox':
      return decodeWithObjectness(data, offset, candidates, classCount, threshold, {
        strides: options.strides ?? DEFAULT_STRIDES,
        input: options.inputSize!,
      });
    case 'end-to-end':
      return decodeEndToEnd(tensor, offset, candidates, classCount, threshold);
  }
}

export interface PostprocessOptions extends Omit<DecodeOptions, 'inputSize'> {
  readonly iouThreshold: number;
  readonly classAware: boolean;
  readonly maxDetections: number;
}

/**
 * Decode, NMS (skipped for end-to-end outputs, which did it inside the graph), and boxes mapped back to
 * upright image pixels and clipped; boxes left empty by clipping (wholly in the padding) are dropped.
 * Sorted by descending score.
 */
export function postprocessYolo(
  tensor: OutputTensor,
  plan: ResizePlan,
  options: PostprocessOptions,
): ImageDetection[] {
  const decoded = decodeYolo(tensor, { ...options, inputSize: plan.input });
  const kept =
    options.layout === 'end-to-end'
      ? decoded.sort((a, b) => b.score - a.score).slice(0, options.maxDetections)
      : nonMaxSuppression(decoded, options);
  const result: ImageDetection[] = [];
  for (const detection of kept) {
    const box = toImageBox(plan, detection.box);
    if (box.width > 0 && box.height > 0)
      result.push({ classIndex: detection.classIndex, score: detection.score, box });
  }
  return result;
}
