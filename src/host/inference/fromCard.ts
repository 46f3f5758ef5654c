/** Maps a validated model card onto what the host's runners take: a DetectorConfig or text-detector options. */

import { isDynamicSize, type ModelCard } from '../../core/inference/card';
import { PP_OCR_V4_DET_POSTPROCESS } from '../../core/inference/dbnet';
import type { ResizeMode } from '../../core/inference/letterbox';
import type { YoloLayout } from '../../core/inference/yolo';
import type { DetectorConfig } from './detect';
import type { TextDetectorOptions } from './textDetect';

export type RunnerPlan =
  | { readonly kind: 'detect'; readonly config: DetectorConfig }
  | { readonly kind: 'text-detect'; readonly options: TextDetectorOptions };

/** A card that is valid but asks for something the runners cannot do yet; the message says what. */
export class UnsupportedCardError extends Error {}

const LAYOUTS: Partial<Record<ModelCard['decoder'], YoloLayout>> = {
  yolov5: 'yolov5',
  yolov8: 'yolov8',
  'yolo-end2end': 'end-to-end',
  yolox: 'yolox',
};

export interface CardOverrides {
  /** Replaces the card's score threshold (`--score`). */
  readonly scoreThreshold?: number;
}

export function detectResize(card: ModelCard): ResizeMode {
  const { size, resize } = card.input;
  if (isDynamicSize(size))
    throw new UnsupportedCardError(
      `/input/size: detectors with a dynamic input size are not supported yet; give the card a fixed width and height.`,
    );
  if (resize.mode === 'letterbox')
    return {
      kind: 'letterbox',
      width: size.width,
      height: size.height,
      align: resize.align ?? 'center',
      padValue: resize.pad ?? 114,
    };
  if (resize.mode === 'stretch') return { kind: 'stretch', width: size.width, height: size.height };
  throw new UnsupportedCardError(
    `/input/resize/mode: "${resize.mode}" with a fixed input size is not supported for detectors; use letterbox or stretch.`,
  );
}

const same = (a: readonly number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]!) < 1e-6);

/** textDetect.ts and cardRunner.ts feed PP-OCR's preprocessing only; a card asking for another is refused, not silently changed. */
export function textDetectOptions(card: ModelCard, overrides: CardOverrides): TextDetectorOptions {
  const { input } = card;
  const size = input.size;
  const ppOcr =
    isDynamicSize(size) &&
    size.multiple === 32 &&
    size.limitType === 'max' &&
    input.resize.mode === 'stretch' &&
    input.layout === 'NCHW' &&
    input.colorOrder === 'BGR' &&
    Math.abs(input.scale - 1 / 255) < 1e-6 &&
    same(input.mean, [0.485, 0.456, 0.406]) &&
    same(input.std, [0.229, 0.224, 0.225]);
  if (!ppOcr || !isDynamicSize(size))
    throw new UnsupportedCardError(
      '/input: predict runs text detectors with PP-OCR preprocessing only (NCHW, BGR, scale 1/255, ImageNet mean/std, dynamic size, multiple 32, limitType max, stretch).',
    );
  const text = card.textDetect;
  return {
    limitSideLen: size.limit,
    postprocess: {
      ...PP_OCR_V4_DET_POSTPROCESS,
      ...(text && { threshold: text.thresh, boxThreshold: text.boxThresh, unclipRatio: text.unclipRatio }),
      ...(overrides.scoreThreshold !== undefined && { boxThreshold: overrides.scoreThreshold }),
      ...(card.thresholds.maxDetections !== undefined && { maxCandidates: card.thresholds.maxDetections }),
    },
  };
}

/** What to run for a card; throws UnsupportedCardError for tasks and inputs predict cannot handle yet. */
export function runnerPlanFromCard(card: ModelCard, overrides: CardOverrides = {}): RunnerPlan {
  switch (card.task) {
    case 'text-detect':
      return { kind: 'text-detect', options: textDetectOptions(card, overrides) };
    case 'instance-segment':
      throw new UnsupportedCardError('instance-segment cards are not supported by predict yet.');
    case 'classify':
    case 'embed':
      throw new UnsupportedCardError(`${card.task} cards are not supported by predict yet.`);
    case 'detect':
      break;
  }
  const layout = LAYOUTS[card.decoder];
  if (!layout) throw new UnsupportedCardError(`/decoder: a ${card.decoder} decoder cannot run a detector.`);
  if (card.input.layout !== 'NCHW')
    throw new UnsupportedCardError('/input/layout: predict feeds NCHW inputs only for now.');
  if (card.classes.length === 0)
    throw new UnsupportedCardError('/classes: the card lists no class names; fill them in.');
  return {
    kind: 'detect',
    config: {
      layout,
      resize: detectResize(card),
      channels: card.input.colorOrder === 'RGB' ? 'rgb' : 'bgr',
      pixelScale: card.input.scale,
      mean: card.input.mean,
      std: card.input.std,
      classNames: card.classes,
      scoreThreshold: overrides.scoreThreshold ?? card.thresholds.score,
      iouThreshold: card.thresholds.nms ?? 0.45,
      classAware: true,
      maxDetections: card.thresholds.maxDetections ?? 300,
      inputName: card.input.name,
      outputName: card.outputs.predictions,
    },
  };
}
