/** Turns a card's model outputs into what a run stores: objects in upright image pixels, tags or an embedding. */

import type { ModelObject } from '../../core/api/models';
import type { Geometry } from '../../core/annotations/types';
import type { ImageSize } from '../../core/geometry/spaces';
import type { ModelCard } from '../../core/inference/card';
import { softmax, sigmoid, topTags } from '../../core/inference/classify';
import {
  decodeTextRegions,
  PP_OCR_V4_DET_POSTPROCESS,
  type DbPostProcessOptions,
} from '../../core/inference/dbnet';
import { toImageBox, toImagePoint, type ResizePlan } from '../../core/inference/letterbox';
import { l2Normalize } from '../../core/inference/embed';
import { maskPolygon, type MaskPrototypes } from '../../core/inference/masks';
import { nonMaxSuppression } from '../../core/inference/nms';
import { postprocessYolo, type YoloLayout } from '../../core/inference/yolo';
import { textDetectOptions } from './fromCard';

export interface DecodeOptions {
  /** Replaces the card's score threshold (for text detectors: its box threshold). */
  readonly scoreThreshold?: number;
}

export const YOLO_LAYOUTS: Partial<Record<ModelCard['decoder'], YoloLayout>> = {
  yolov5: 'yolov5',
  yolov8: 'yolov8',
  'yolo-end2end': 'end-to-end',
  yolox: 'yolox',
};

export interface ImageInference {
  readonly objects: ModelObject[];
  readonly tags?: { readonly label: string; readonly score: number }[];
  readonly embedding?: number[];
}

/** Model outputs by name, as onnxruntime gives them or as copied to another thread. */
export type ModelOutputs = Readonly<
  Record<string, { readonly type: string; readonly data: unknown; readonly dims: readonly number[] }>
>;

/** What decoding needs of a prepared image (not its tensor). */
export interface PreparedPlacement {
  /** The upright image: the space objects are given in. */
  readonly source: ImageSize;
  readonly plan: ResizePlan;
}

export interface CardDecoder {
  decode(outputs: ModelOutputs, image: PreparedPlacement): ImageInference;
}

type Decode = (outputs: ModelOutputs, image: PreparedPlacement) => ImageInference;

/** The card's output decoding alone, for a thread that decodes what another thread's model gave. */
export function openCardDecoder(card: ModelCard, options: DecodeOptions): CardDecoder {
  return { decode: decoderFor(card, options) };
}

/** A named float32 output, or an error naming what the model gave instead. */
export function floatOutput(outputs: ModelOutputs, name: string): { data: Float32Array; dims: number[] } {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`the model gave no output ${name}`);
  if (tensor.type !== 'float32')
    throw new Error(`output ${name} is ${tensor.type}; the decoders read float32`);
  return { data: tensor.data as Float32Array, dims: [...tensor.dims] };
}

const boxGeometry = (box: { x: number; y: number; width: number; height: number }): Geometry => ({
  kind: 'box',
  x: box.x,
  y: box.y,
  width: box.width,
  height: box.height,
});

/** The card task's decoding: YOLO boxes (+ masks), DB text regions, class tags or the embedding vector. */
export function decoderFor(card: ModelCard, options: DecodeOptions): Decode {
  const score = options.scoreThreshold ?? card.thresholds.score;
  const nms = {
    iouThreshold: card.thresholds.nms ?? 0.45,
    classAware: true,
    maxDetections: card.thresholds.maxDetections ?? 300,
  };
  const labelOf = (index: number) => card.classes[index] ?? String(index);
  const predictions = card.outputs.predictions;
  switch (card.task) {
    case 'detect': {
      const layout = YOLO_LAYOUTS[card.decoder]!;
      return (outputs, prepared) => {
        const output = floatOutput(outputs, predictions);
        const detections = postprocessYolo({ name: predictions, ...output }, prepared.plan, {
          layout,
          classCount: card.classes.length,
          scoreThreshold: score,
          ...nms,
        });
        return {
          objects: detections.map((d) => ({
            label: labelOf(d.classIndex),
            score: d.score,
            geometry: boxGeometry(d.box),
          })),
        };
      };
    }
    case 'instance-segment':
      return (outputs, prepared) => ({
        objects: segmentObjects(
          floatOutput(outputs, predictions),
          floatOutput(outputs, card.outputs.protos!),
          prepared.plan,
          card,
          score,
          nms,
        ).map((o) => ({ ...o, label: labelOf(o.classIndex) })),
      });
    case 'text-detect': {
      const text = textDetectOptions(card, options);
      const postprocess: DbPostProcessOptions = text.postprocess ?? PP_OCR_V4_DET_POSTPROCESS;
      return (outputs, prepared) => {
        const { data, dims } = floatOutput(outputs, predictions);
        const map = { data, width: dims.at(-1)!, height: dims.at(-2)! };
        const regions = decodeTextRegions(map, prepared.source.width, prepared.source.height, postprocess);
        return {
          objects: regions.map((r) => ({
            label: 'text',
            score: r.score,
            geometry: { kind: 'polygon', points: r.corners.map((p) => ({ x: p.x, y: p.y })) } as Geometry,
          })),
        };
      };
    }
    case 'classify':
      return (outputs) => {
        const { data, dims } = floatOutput(outputs, predictions);
        const scores = classScores(data.subarray(0, data.length / (dims[0] || 1)), card.decoder);
        const tags = topTags(scores, { k: card.thresholds.maxDetections ?? 5, threshold: score }).map(
          (t) => ({
            label: labelOf(t.classIndex),
            score: t.score,
          }),
        );
        return { objects: [], tags };
      };
    case 'embed':
      return (outputs) => {
        const { data, dims } = floatOutput(outputs, predictions);
        const vector = data.subarray(0, data.length / (dims[0] || 1));
        // Stored as the model computes it, unless the card asks for unit length (for cosine similarity).
        return {
          objects: [],
          embedding: Array.from(card.embedding?.normalize ? l2Normalize(vector) : vector),
        };
      };
  }
}

/**
 * Class probabilities from a classifier's output. Exporters differ in whether the graph ends in its
 * softmax or sigmoid; applying it twice would flatten the scores, so outputs that already are
 * probabilities (softmax: all in [0, 1] summing to 1; sigmoid: all in [0, 1]) are taken as they are.
 */
export function classScores(values: Float32Array, decoder: ModelCard['decoder']): ArrayLike<number> {
  let sum = 0;
  let inUnit = true;
  for (const v of values) {
    sum += v;
    if (!(v >= 0 && v <= 1)) inUnit = false;
  }
  if (decoder === 'sigmoid') return inUnit ? values : Float64Array.from(values, sigmoid);
  return inUnit && Math.abs(sum - 1) < 1e-3 ? values : softmax(values);
}

interface SegmentCandidate {
  readonly classIndex: number;
  readonly score: number;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number };
  /** Where its mask coefficients start, and the step between them, in the predictions tensor. */
  readonly coefficientAt: number;
  readonly coefficientStep: number;
}

/**
 * YOLOv8-seg ([1, 4+C+M, N], NMS here) or end-to-end ([1, N, 6+M], NMS in the graph) detections with their
 * masks; as Ultralytics' segment predictor, masks are decoded against boxes in input pixels (process_mask)
 * and then mapped to the image. One geometry per object: the largest polygon, or the box when none survives.
 */
function segmentObjects(
  predictions: { data: Float32Array; dims: number[] },
  protos: { data: Float32Array; dims: number[] },
  plan: ResizePlan,
  card: ModelCard,
  score: number,
  nms: { iouThreshold: number; classAware: boolean; maxDetections: number },
): { classIndex: number; score: number; geometry: Geometry }[] {
  const [, maskCount = 0, protoHeight = 0, protoWidth = 0] = protos.dims;
  const prototypes: MaskPrototypes = {
    data: protos.data,
    channels: maskCount,
    width: protoWidth,
    height: protoHeight,
  };
  const classes = card.classes.length;
  const { data, dims } = predictions;
  const candidates: SegmentCandidate[] = [];
  if (card.decoder === 'yolov8-seg') {
    const rows = dims[1]!;
    const n = dims[2]!;
    if (rows !== 4 + classes + maskCount)
      throw new Error(
        `${card.outputs.predictions} has ${rows} rows; ${classes} classes and ${maskCount} mask coefficients need ${4 + classes + maskCount}`,
      );
    for (let i = 0; i < n; i++) {
      let best = -Infinity;
      let bestClass = 0;
      for (let c = 0; c < classes; c++) {
        const value = data[(4 + c) * n + i]!;
        if (value > best) {
          best = value;
          bestClass = c;
        }
      }
      // Ultralytics keeps score > conf.
      if (!(best > score)) continue;
      const w = data[2 * n + i]!;
      const h = data[3 * n + i]!;
      candidates.push({
        classIndex: bestClass,
        score: best,
        box: { x: data[i]! - w / 2, y: data[n + i]! - h / 2, width: w, height: h },
        coefficientAt: (4 + classes) * n + i,
        coefficientStep: n,
      });
    }
  } else {
    const n = dims[1]!;
    const columns = dims[2]!;
    if (columns !== 6 + maskCount)
      throw new Error(
        `${card.outputs.predictions} has ${columns} columns; an end-to-end output with ${maskCount} mask coefficients needs ${6 + maskCount}`,
      );
    for (let i = 0; i < n; i++) {
      const at = i * columns;
      if (!(data[at + 4]! > score)) continue;
      const x1 = data[at]!;
      const y1 = data[at + 1]!;
      candidates.push({
        classIndex: Math.round(data[at + 5]!),
        score: data[at + 4]!,
        box: { x: x1, y: y1, width: data[at + 2]! - x1, height: data[at + 3]! - y1 },
        coefficientAt: at + 6,
        coefficientStep: 1,
      });
    }
  }
  const kept =
    card.decoder === 'yolov8-seg'
      ? nonMaxSuppression(candidates, nms)
      : candidates.sort((a, b) => b.score - a.score).slice(0, nms.maxDetections);
  const objects: { classIndex: number; score: number; geometry: Geometry }[] = [];
  for (const candidate of kept) {
    const imageBox = toImageBox(plan, candidate.box);
    if (!(imageBox.width > 0 && imageBox.height > 0)) continue;
    const coefficients = new Float32Array(maskCount);
    for (let m = 0; m < maskCount; m++)
      coefficients[m] = data[candidate.coefficientAt + m * candidate.coefficientStep]!;
    const { x, y, width, height } = candidate.box;
    const points = maskPolygon(
      prototypes,
      { box: { x1: x, y1: y, x2: x + width, y2: y + height }, coefficients },
      {
        inputWidth: plan.input.width,
        inputHeight: plan.input.height,
        toOriginal: (px, py) => toImagePoint(plan, px, py),
      },
    );
    objects.push({
      classIndex: candidate.classIndex,
      score: candidate.score,
      geometry: points.length >= 3 ? { kind: 'polygon', points } : boxGeometry(imageBox),
    });
  }
  return objects;
}
