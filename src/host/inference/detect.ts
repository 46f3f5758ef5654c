/**
 * Runs a YOLO-family detector on one image file, for tests and benchmarks: sharp decodes it upright and
 * resizes it per the letterbox plan, onnxruntime-node runs it, src/core/inference decodes and maps back.
 */

import * as ort from 'onnxruntime-node';
import sharp, { type Sharp } from 'sharp';
import type { ImageSize } from '../../core/geometry/spaces';
import { planResize, type ResizeMode, type ResizePlan } from '../../core/inference/letterbox';
import { postprocessYolo, type ImageDetection, type YoloLayout } from '../../core/inference/yolo';

/** Everything needed to feed and decode one detector; a model card is mapped onto this. */
export interface DetectorConfig {
  readonly layout: YoloLayout;
  readonly resize: ResizeMode;
  /** Channel order of the input tensor. */
  readonly channels: 'rgb' | 'bgr';
  /** Pixel values are multiplied by this first: 1/255 for 0–1 inputs, 1 for 0–255. */
  readonly pixelScale: number;
  /** Per tensor channel (in `channels` order), applied after the scale: (value − mean) / std. */
  readonly mean?: readonly [number, number, number];
  readonly std?: readonly [number, number, number];
  readonly classNames: readonly string[];
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  readonly classAware: boolean;
  readonly maxDetections: number;
  /** YOLOX grid strides (default 8, 16, 32). */
  readonly strides?: readonly number[];
  /** Input and output names; the model's first of each when absent. */
  readonly inputName?: string;
  readonly outputName?: string;
}

export interface Detector {
  readonly session: ort.InferenceSession;
  readonly config: DetectorConfig;
}

export interface DetectorSessionOptions {
  /** onnxruntime's intra-op threads (default 2: this machine's cores). */
  readonly intraOpNumThreads?: number;
}

/** One detection in upright image pixels with its class name. */
export interface LabeledDetection extends ImageDetection {
  readonly label: string;
}

export interface DetectResult {
  /** The upright image size: the space the boxes are in. */
  readonly imageSize: ImageSize;
  readonly plan: ResizePlan;
  readonly detections: readonly LabeledDetection[];
  /** Milliseconds spent decoding + resizing, in the model run, and decoding + NMS. */
  readonly timings: { readonly preprocess: number; readonly inference: number; readonly postprocess: number };
}

export async function openDetector(
  model: string | Uint8Array,
  config: DetectorConfig,
  options: DetectorSessionOptions = {},
): Promise<Detector> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.intraOpNumThreads ?? 2,
    interOpNumThreads: 1,
    executionProviders: ['cpu'],
  };
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  return { session, config };
}

export const closeDetector = (detector: Detector): Promise<void> => detector.session.release();

/**
 * Resizes to the plan's size and pads to its input (letterbox), bilinear as Ultralytics' letterbox
 * (cv2.resize INTER_LINEAR), which is also cheaper than sharp's default lanczos3.
 */
export function resizeToPlan(image: Sharp, plan: ResizePlan): Sharp {
  const resized = image.resize(plan.resized.width, plan.resized.height, { fit: 'fill', kernel: 'linear' });
  if (!(plan.padLeft || plan.padTop || plan.padRight || plan.padBottom)) return resized;
  const pad = plan.padValue;
  return resized.extend({
    left: plan.padLeft,
    top: plan.padTop,
    right: plan.padRight,
    bottom: plan.padBottom,
    background: { r: pad, g: pad, b: pad },
  });
}

/** The NCHW float tensor of an image, decoded upright and resized per the plan. */
export interface PreparedInput {
  readonly data: Float32Array;
  readonly dims: readonly [1, 3, number, number];
  readonly plan: ResizePlan;
}

export async function prepareInput(
  image: string | Uint8Array,
  config: DetectorConfig,
): Promise<PreparedInput> {
  // .rotate() applies the EXIF orientation, so the plan and the boxes are in upright pixels.
  const upright = sharp(image).rotate();
  const { autoOrient } = await sharp(image).metadata();
  const source = { width: autoOrient.width, height: autoOrient.height };
  const plan = planResize(source, config.resize);
  const pipeline = resizeToPlan(upright.removeAlpha().toColourspace('srgb'), plan);
  const { data: pixels, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  const { width, height } = plan.input;
  if (info.width !== width || info.height !== height || info.channels !== 3)
    throw new Error(`resizing gave ${info.width}×${info.height}×${info.channels}, not ${width}×${height}×3`);

  const area = width * height;
  const data = new Float32Array(3 * area);
  const order = config.channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const source = order[c]!;
    const mean = config.mean?.[c] ?? 0;
    const scale = config.pixelScale / (config.std?.[c] ?? 1);
    const shift = mean / (config.std?.[c] ?? 1);
    const plane = c * area;
    for (let i = 0; i < area; i++) data[plane + i] = pixels[i * 3 + source]! * scale - shift;
  }
  return { data, dims: [1, 3, height, width], plan };
}

/** Detects objects in one image file (or its bytes); boxes in upright image pixels, by descending score. */
export async function detect(detector: Detector, image: string | Uint8Array): Promise<DetectResult> {
  const { session, config } = detector;
  const started = performance.now();
  const input = await prepareInput(image, config);
  const prepared = performance.now();
  const inputName = config.inputName ?? session.inputNames[0]!;
  const outputName = config.outputName ?? session.outputNames[0]!;
  const outputs = await session.run({ [inputName]: new ort.Tensor('float32', input.data, [...input.dims]) });
  const ran = performance.now();
  const output = outputs[outputName];
  if (!output)
    throw new Error(`the model has no output ${outputName}; it has ${session.outputNames.join(', ')}`);
  if (output.type !== 'float32')
    throw new Error(`${outputName} is ${output.type}; the decoders read float32`);
  const detections = postprocessYolo(
    { name: outputName, data: output.data as Float32Array, dims: output.dims },
    input.plan,
    {
      layout: config.layout,
      classCount: config.classNames.length,
      scoreThreshold: config.scoreThreshold,
      iouThreshold: config.iouThreshold,
      classAware: config.classAware,
      maxDetections: config.maxDetections,
      ...(config.strides ? { strides: config.strides } : {}),
    },
  ).map((d) => ({ ...d, label: config.classNames[d.classIndex] ?? String(d.classIndex) }));
  for (const tensor of Object.values(outputs)) tensor.dispose();
  return {
    imageSize: input.plan.source,
    plan: input.plan,
    detections,
    timings: {
      preprocess: prepared - started,
      inference: ran - prepared,
      postprocess: performance.now() - ran,
    },
  };
}
