/**
 * Guesses a model card from what an ONNX file declares: Ultralytics metadata (names, imgsz, task, stride,
 * end2end) and the shapes of the outputs, which tell YOLOv5, YOLOv8/YOLO11, YOLOv8-seg, end-to-end
 * exports, YOLOX, classifiers and DB text detectors apart. The user reviews the card before the first run.
 */

import {
  MODEL_CARD_FORMAT,
  type InputSize,
  type ModelCard,
  type ModelInfo,
  type ModelTask,
  type OutputDecoder,
  type TensorInfo,
} from './card';
import { parseClassNames, parseImageSize } from './pythonLiteral';

export { parseClassNames, parseImageSize, parsePythonLiteral, PythonLiteralError } from './pythonLiteral';

/**
 * high: the model said what it is and its shapes agree; medium: the shapes identify the layout but the
 * preprocessing is a convention; low: a guess between layouts; none: not recognised, the card is a blank.
 */
export type CardConfidence = 'high' | 'medium' | 'low' | 'none';

export interface InferredCard {
  readonly card: ModelCard;
  readonly confidence: CardConfidence;
  /** Card fields the user still has to fill in (JSON pointers), e.g. "/classes". */
  readonly missing: readonly string[];
  readonly notes: readonly string[];
}

const ULTRALYTICS_TASKS: Readonly<Record<string, ModelTask>> = {
  detect: 'detect',
  segment: 'instance-segment',
  classify: 'classify',
};

/** Anchor points of a stride-8/16/32 head at a fixed input size: 8400 at 640², 3549 at 416². */
const gridPoints = (width: number, height: number): number =>
  [8, 16, 32].reduce((sum, s) => sum + Math.ceil(width / s) * Math.ceil(height / s), 0);

const isSize = (d: unknown): d is number => typeof d === 'number' && d > 0;

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

interface Recognised {
  task: ModelTask;
  decoder: OutputDecoder;
  predictions: string;
  protos?: string;
  /** Class count the outputs imply, when they do. */
  classCount?: number;
  confidence: CardConfidence;
  notes: string[];
}

/** Which layout the outputs are, from their shapes alone (the input size helps tell YOLOv5 from YOLOX). */
function recogniseOutputs(
  outputs: readonly TensorInfo[],
  size: { width: number; height: number } | undefined,
  end2end: boolean | undefined,
): Recognised | undefined {
  const shape = (t: TensorInfo) => `${t.name} [${t.dims.map((d) => d ?? '?').join(', ')}]`;
  const masks = outputs.find((t) => t.dims.length === 4 && isSize(t.dims[1]) && t.dims[1] <= 256);
  const rank3 = outputs.filter((t) => t.dims.length === 3);
  const main = rank3[0];
  if (main) {
    const [, a, b] = main.dims;
    const maskCount = masks && isSize(masks.dims[1]) ? masks.dims[1] : 0;
    // End-to-end exports: [1, N, 6] or [1, N, 6+M], N the maximum detections (300 by default).
    if (
      (end2end ?? true) &&
      isSize(b) &&
      (b === 6 || (masks && b === 6 + maskCount)) &&
      !(isSize(a) && a < b)
    ) {
      return {
        task: masks ? 'instance-segment' : 'detect',
        decoder: 'yolo-end2end',
        predictions: main.name,
        ...(masks ? { protos: masks.name } : {}),
        confidence: end2end ? 'high' : 'medium',
        notes: [
          `Output ${shape(main)} reads as an end-to-end export (NMS inside the model: x1, y1, x2, y2, score, class${masks ? `, ${maskCount} mask coefficients` : ''}).`,
        ],
      };
    }
    // YOLOv8/YOLO11 put the box and class rows first: [1, 4+C(+M), N], with far more anchors than rows.
    if (isSize(a) && (!isSize(b) || a < b)) {
      if (masks && a > 4 + maskCount) {
        return {
          task: 'instance-segment',
          decoder: 'yolov8-seg',
          predictions: main.name,
          protos: masks.name,
          classCount: a - 4 - maskCount,
          confidence: 'medium',
          notes: [
            `Outputs ${shape(main)} and ${shape(masks)} read as YOLOv8-seg: 4 box values + ${a - 4 - maskCount} class scores + ${maskCount} mask coefficients per anchor, and ${maskCount} prototype masks.`,
          ],
        };
      }
      if (a > 4) {
        const anchors = isSize(b) && size && b === gridPoints(size.width, size.height);
        return {
          task: 'detect',
          decoder: 'yolov8',
          predictions: main.name,
          classCount: a - 4,
          confidence: 'medium',
          notes: [
            `Output ${shape(main)} reads as YOLOv8/YOLO11: 4 box values + ${a - 4} class scores for each of ${b ?? 'N'} anchors${anchors ? ' (strides 8, 16, 32)' : ''}, no objectness.`,
          ],
        };
      }
    }
    // YOLOv5 and YOLOX put one row per prediction: [1, N, 5+C]. YOLOv5 has 3 anchors per grid cell,
    // YOLOX one, so the row count at a known input size tells them apart.
    if (isSize(b) && b > 5) {
      const classCount = b - 5;
      const points = size ? gridPoints(size.width, size.height) : undefined;
      if (points !== undefined && a === points)
        return {
          task: 'detect',
          decoder: 'yolox',
          predictions: main.name,
          classCount,
          confidence: 'medium',
          notes: [
            `Output ${shape(main)} reads as YOLOX: ${a} rows = one per grid point of strides 8, 16, 32 at ${size?.width}×${size?.height}, each 4 box values + objectness + ${classCount} class scores.`,
          ],
        };
      if (points !== undefined && a === 3 * points)
        return {
          task: 'detect',
          decoder: 'yolov5',
          predictions: main.name,
          classCount,
          confidence: 'medium',
          notes: [
            `Output ${shape(main)} reads as YOLOv5: ${a} rows = 3 anchors per grid point of strides 8, 16, 32, each 4 box values + objectness + ${classCount} class scores.`,
          ],
        };
      return {
        task: 'detect',
        decoder: 'yolov5',
        predictions: main.name,
        classCount,
        confidence: 'low',
        notes: [
          `Output ${shape(main)} has the [1, N, 5+C] layout of YOLOv5 and YOLOX; ${size ? `${a ?? 'N'} rows match neither at ${size.width}×${size.height}` : 'the input size is open, so the row count cannot tell them apart'}. Guessed yolov5: check the decoder.`,
        ],
      };
    }
  }
  const map = outputs.find((t) => t.dims.length === 4 && t.dims[1] === 1);
  if (map && outputs.length === 1)
    return {
      task: 'text-detect',
      decoder: 'dbnet',
      predictions: map.name,
      confidence: 'low',
      notes: [`Output ${shape(map)} is a single-channel map, as DB text detectors return: guessed dbnet.`],
    };
  const vector =
    outputs.length !== 1
      ? undefined
      : outputs.find(
          (t) =>
            (t.dims.length === 2 || (t.dims.length === 4 && t.dims[2] === 1 && t.dims[3] === 1)) &&
            isSize(t.dims[1]),
        );
  if (vector && isSize(vector.dims[1])) {
    const width = vector.dims[1];
    const embedding =
      /embed|feature|pool/i.test(vector.name) || [128, 256, 384, 512, 768, 1536, 2048].includes(width);
    return embedding
      ? {
          task: 'embed',
          decoder: 'embedding',
          predictions: vector.name,
          confidence: 'low',
          notes: [`Output ${shape(vector)} looks like a ${width}-value feature vector: guessed embedding.`],
        }
      : {
          task: 'classify',
          decoder: 'softmax',
          predictions: vector.name,
          classCount: width,
          confidence: 'low',
          notes: [`Output ${shape(vector)} looks like ${width} class scores: guessed a softmax classifier.`],
        };
  }
  return undefined;
}

type Family = 'ultralytics' | 'yolox' | 'paddle' | 'other';

type Preprocessing = Pick<ModelCard['input'], 'resize' | 'colorOrder' | 'scale' | 'mean' | 'std'>;

const UNNORMALISED = { mean: [0, 0, 0], std: [1, 1, 1] } as const;

/** How each family of models expects its pixels, and a note saying where that comes from. */
function preprocessingFor(family: Family, task: ModelTask): { input: Preprocessing; note: string } {
  const wholeImage = task === 'classify' || task === 'embed';
  switch (family) {
    case 'yolox':
      return {
        input: {
          resize: { mode: 'letterbox', pad: 114, align: 'top-left' },
          colorOrder: 'BGR',
          scale: 1,
          mean: [...UNNORMALISED.mean],
          std: [...UNNORMALISED.std],
        },
        note: 'Preprocessing follows YOLOX (Megvii): BGR, 0–255 without normalisation, letterbox padded right and bottom with 114. Exports from YOLOX before 0.2 expected RGB with ImageNet mean/std.',
      };
    case 'paddle':
      return {
        input: {
          resize: { mode: 'stretch' },
          colorOrder: 'BGR',
          scale: 1 / 255,
          mean: [...IMAGENET.mean],
          std: [...IMAGENET.std],
        },
        note: "Preprocessing follows PaddleOCR's DB detector: BGR, scaled to 0–1, ImageNet mean/std.",
      };
    case 'ultralytics':
      return {
        input: {
          resize: wholeImage ? { mode: 'shorter-side' } : { mode: 'letterbox', pad: 114, align: 'center' },
          colorOrder: 'RGB',
          scale: 1 / 255,
          mean: [...UNNORMALISED.mean],
          std: [...UNNORMALISED.std],
        },
        note: wholeImage
          ? 'Preprocessing follows Ultralytics classifiers: RGB in 0–1, shorter side resized then centre-cropped.'
          : 'Preprocessing follows Ultralytics: RGB in 0–1, letterbox centred with pad 114.',
      };
    case 'other':
      return {
        input: {
          resize: wholeImage ? { mode: 'shorter-side' } : { mode: 'letterbox', pad: 114, align: 'center' },
          colorOrder: 'RGB',
          scale: 1 / 255,
          mean: [...IMAGENET.mean],
          std: [...IMAGENET.std],
        },
        note: 'Preprocessing is a guess (RGB, 0–1, ImageNet mean/std): check it against how the model was trained.',
      };
  }
}

const DECODER_FOR_TASK: Readonly<Record<ModelTask, OutputDecoder>> = {
  detect: 'yolov8',
  'instance-segment': 'yolov8-seg',
  classify: 'softmax',
  'text-detect': 'dbnet',
  embed: 'embedding',
};

/**
 * A card for the model, how sure the guess is, what the user must still fill in, and notes on where each
 * value came from. The card always passes `validateModelCard`; `missing` lists what is a placeholder.
 */
export function inferCard(model: ModelInfo, fileName: string): InferredCard {
  const notes: string[] = [];
  const missing: string[] = [];
  const meta = model.metadata;
  const ultralytics = meta.author === 'Ultralytics' || (meta.names !== undefined && meta.task !== undefined);

  // The image input: the first four-dimensional one (other inputs are e.g. an image-size tensor).
  const input = model.inputs.find((t) => t.dims.length === 4) ?? model.inputs[0];
  if (!input) notes.push('The model declares no inputs.');
  else if (model.inputs.length > 1)
    notes.push(
      `The model has ${model.inputs.length} inputs (${model.inputs.map((t) => t.name).join(', ')}); the card feeds the image to ${input.name}.`,
    );
  const dims = input?.dims ?? [];
  const layout = dims[3] === 3 && dims[1] !== 3 ? 'NHWC' : 'NCHW';
  if (input && dims.length === 4 && dims[1] !== 3 && dims[3] !== 3)
    notes.push(`Input ${input.name} has no dimension of 3 channels where NCHW or NHWC put it; assumed NCHW.`);
  const [heightDim, widthDim] = layout === 'NCHW' ? [dims[2], dims[3]] : [dims[1], dims[2]];

  let task: ModelTask | undefined;
  if (meta.task !== undefined) {
    task = ULTRALYTICS_TASKS[meta.task];
    if (!task)
      notes.push(
        `The metadata says task "${meta.task}", which LabelLoop cannot decode yet (it reads detect, segment and classify).`,
      );
  }

  let metaSize: { width: number; height: number } | undefined;
  if (meta.imgsz !== undefined) {
    metaSize = parseImageSize(meta.imgsz);
    if (!metaSize)
      notes.push(
        `The metadata's imgsz ${JSON.stringify(meta.imgsz)} is not a size like [640, 640]; ignored.`,
      );
  }
  const stride =
    meta.stride !== undefined && /^\d+$/.test(meta.stride.trim()) ? Number(meta.stride) : undefined;
  const fixed = isSize(heightDim) && isSize(widthDim) ? { width: widthDim, height: heightDim } : undefined;
  if (fixed && metaSize && (fixed.width !== metaSize.width || fixed.height !== metaSize.height))
    notes.push(
      `The metadata's imgsz ${metaSize.width}×${metaSize.height} differs from the input's fixed ${fixed.width}×${fixed.height}; the input wins.`,
    );
  const knownSize = fixed ?? metaSize;

  let classNames: string[] | undefined;
  if (meta.names !== undefined) {
    try {
      classNames = parseClassNames(meta.names);
    } catch (error) {
      notes.push(
        `The metadata's names could not be read (${error instanceof Error ? error.message : String(error)}); fill in the class names.`,
      );
    }
  }
  const end2end = meta.end2end === undefined ? undefined : meta.end2end.trim().toLowerCase() === 'true';

  let recognised = recogniseOutputs(model.outputs, knownSize, end2end);
  let disagree = false;
  if (task && recognised && recognised.task !== task) {
    disagree = true;
    notes.push(
      `The metadata says ${meta.task}, but the outputs read as ${recognised.decoder}; check the card.`,
    );
    recognised = { ...recognised, confidence: 'low' };
  }
  if (recognised?.classCount !== undefined && classNames && classNames.length !== recognised.classCount) {
    notes.push(
      `The metadata names ${classNames.length} classes but the output scores ${recognised.classCount}; check the class names.`,
    );
    disagree = true;
    recognised = { ...recognised, confidence: 'low' };
  }
  notes.push(...(recognised?.notes ?? []));

  const finalTask = recognised?.task ?? task ?? 'detect';
  const decoder = recognised?.decoder ?? DECODER_FOR_TASK[finalTask];
  let confidence: CardConfidence = recognised?.confidence ?? 'none';
  if (!recognised) {
    missing.push('/task', '/decoder', '/outputs/predictions');
    notes.push(
      `Unknown model: the outputs (${model.outputs.map((t) => `${t.name} [${t.dims.map((d) => d ?? '?').join(', ')}]`).join(', ') || 'none'}) match no layout LabelLoop knows — fill in the card.`,
    );
  } else if (meta.task !== undefined && !task) {
    confidence = 'low';
    missing.push('/decoder');
  } else if (ultralytics && !disagree && task === recognised.task && classNames) {
    // The model said what it is, and its outputs agree.
    confidence = 'high';
  }
  if (ultralytics && finalTask === 'classify')
    notes.push('Ultralytics classifiers already return probabilities (softmax is inside the export).');

  // Preprocessing: Ultralytics' conventions, YOLOX's, PaddleOCR's, or a plain ImageNet guess.
  const family: Family =
    decoder === 'yolox'
      ? 'yolox'
      : decoder === 'dbnet'
        ? 'paddle'
        : ultralytics || decoder.startsWith('yolo')
          ? 'ultralytics'
          : 'other';
  let size: InputSize;
  if (knownSize) {
    size = knownSize;
    notes.push(
      fixed
        ? `Input ${input?.name ?? ''} is fixed at ${fixed.width}×${fixed.height}.`
        : `Input size ${knownSize.width}×${knownSize.height} from the metadata's imgsz.`,
    );
  } else if (family === 'paddle') {
    size = { dynamic: true, multiple: 32, limit: 960, limitType: 'max' };
    notes.push(
      'The input size is open: sides limited to 960 and rounded to multiples of 32, as PaddleOCR does.',
    );
  } else if (family === 'ultralytics' || family === 'yolox') {
    size = { width: 640, height: 640 };
    missing.push('/input/size');
    notes.push(
      `The input size is open and the model does not say it; assumed 640×640${stride ? ` (use a multiple of the stride ${stride})` : ''}.`,
    );
  } else {
    size = { width: 224, height: 224 };
    missing.push('/input/size');
    notes.push('The input size is open and the model does not say it; assumed 224×224.');
  }

  const convention = preprocessingFor(family, finalTask);
  notes.push(convention.note);

  let classes: string[] = [];
  if (decoder === 'dbnet' || decoder === 'embedding') {
    // These decoders have no classes.
  } else if (classNames) {
    classes = classNames;
    notes.push(`${classNames.length} class names from the metadata.`);
  } else {
    missing.push('/classes');
    const count = recognised?.classCount;
    notes.push(
      count === undefined
        ? 'The model carries no class names: fill them in, in index order.'
        : `The output scores ${count} classes but the model carries no names: fill them in, in index order${count === 80 ? ' (80 is the COCO class count)' : ''}.`,
    );
  }
  if (!ultralytics && Object.keys(meta).length === 0) notes.unshift('The model carries no metadata.');

  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.onnx$/i, '') || 'model';
  const card: ModelCard = {
    format: MODEL_CARD_FORMAT,
    name: stem,
    task: finalTask,
    decoder,
    input: { name: input?.name ?? 'images', layout, size, ...convention.input },
    outputs: {
      predictions: recognised?.predictions ?? model.outputs[0]?.name ?? 'output0',
      ...(recognised?.protos !== undefined ? { protos: recognised.protos } : {}),
    },
    classes,
    thresholds:
      finalTask === 'classify' || finalTask === 'embed'
        ? { score: finalTask === 'classify' ? 0.25 : 0 }
        : { score: 0.25, nms: 0.45, maxDetections: 300 },
    ...(decoder === 'dbnet' ? { textDetect: { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5 } } : {}),
    provenance: { source: 'inferred', notes: [...notes] },
  };
  if (missing.length > 0 && confidence === 'high') confidence = 'medium';
  return { card, confidence, missing, notes };
}
