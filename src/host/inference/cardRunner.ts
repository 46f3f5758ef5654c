/**
 * Runs any model a card describes on image files: sharp decodes each upright and builds the card's input
 * tensor (`prepare`, which can run on another thread while the previous image is in the model),
 * onnxruntime-node runs it (`run`), and cardDecode.ts turns the outputs into objects in upright image
 * pixels, tags or an embedding (`decode`; `infer` is run + decode).
 */

import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { HostError } from '../../core/api/errors';
import type { ExecutionProvider } from '../../core/api/models';
import type { ImageSize } from '../../core/geometry/spaces';
import { checkCardAgainstModel, isDynamicSize, type ModelCard } from '../../core/inference/card';
import { detectorInputSize } from '../../core/inference/dbnet';
import { planResize, type ResizePlan } from '../../core/inference/letterbox';
import { NotOnnxError, readModelInfo } from '../models/modelInfo';
import { decoderFor, floatOutput, YOLO_LAYOUTS, type CardDecoder, type ImageInference } from './cardDecode';
import { resizeToPlan } from './detect';
import { detectResize, textDetectOptions, UnsupportedCardError } from './fromCard';
import {
  availableProviders,
  chooseProvider,
  ortProviderName,
  providerFailedNote,
  type ProviderChoice,
} from './providers';

export interface CardRunnerOptions {
  /** onnxruntime intra-op threads. */
  readonly threads: number;
  readonly provider: ExecutionProvider;
  /** Replaces the card's score threshold (for text detectors: its box threshold). */
  readonly scoreThreshold?: number;
}

/** One image decoded and turned into the model's input, with what is needed to map outputs back. */
export interface PreparedImage {
  readonly path: string;
  readonly tensor: Float32Array;
  readonly dims: readonly number[];
  /** The upright image: the space objects are given in. */
  readonly source: ImageSize;
  readonly plan: ResizePlan;
}

export type { CardDecoder, ImageInference, ModelOutputs, PreparedPlacement } from './cardDecode';
export { openCardDecoder } from './cardDecode';

export interface CardRunner extends CardDecoder {
  /** The provider the session runs on, and why it is not the one asked for. */
  readonly provider: ExecutionProvider;
  readonly providerNote?: string;
  prepare(imagePath: string): Promise<PreparedImage>;
  /** The model's float outputs, copied out of onnxruntime so they can be moved to another thread. */
  run(
    prepared: PreparedImage,
  ): Promise<Record<string, { type: 'float32'; data: Float32Array; dims: number[] }>>;
  /** run, then decode. */
  infer(prepared: PreparedImage): Promise<ImageInference>;
  close(): Promise<void>;
}

/** How an upright image becomes the input; text detectors size it per image (PaddleOCR DetResizeForTest). */
type InputResize =
  | { readonly kind: 'plan'; readonly mode: Parameters<typeof planResize>[1] }
  | { readonly kind: 'centre-crop'; readonly width: number; readonly height: number }
  | { readonly kind: 'pp-ocr'; readonly limitSideLen: number };

/** The input resize of a card, or UnsupportedCardError for what no runner does yet. */
function inputResize(card: ModelCard, overrides: { scoreThreshold?: number }): InputResize {
  const { size, resize } = card.input;
  switch (card.task) {
    case 'detect':
    case 'instance-segment':
      return { kind: 'plan', mode: detectResize(card) };
    case 'text-detect':
      return { kind: 'pp-ocr', limitSideLen: textDetectOptions(card, overrides).limitSideLen ?? 960 };
    case 'classify':
    case 'embed':
      if (isDynamicSize(size))
        throw new UnsupportedCardError(
          `/input/size: ${card.task} models with a dynamic input size are not supported yet; give the card a fixed width and height.`,
        );
      // torchvision's Resize(shorter side) + CenterCrop, which ImageNet classifiers are evaluated with.
      if (resize.mode === 'shorter-side')
        return { kind: 'centre-crop', width: size.width, height: size.height };
      return { kind: 'plan', mode: detectResize(card) };
  }
}

/** Checks the card's decoder against its task beyond what the schema says, so problems come before any image. */
function checkRunnable(card: ModelCard): void {
  if ((card.task === 'detect' || card.task === 'instance-segment') && card.classes.length === 0)
    throw new UnsupportedCardError('/classes: the card lists no class names; fill them in.');
  if (card.task === 'detect' && !YOLO_LAYOUTS[card.decoder])
    throw new UnsupportedCardError(`/decoder: a ${card.decoder} decoder cannot run a detector.`);
  if (card.task === 'instance-segment' && card.outputs.protos === undefined)
    throw new UnsupportedCardError(
      '/outputs/protos: an instance-segment card needs the prototype masks output.',
    );
  if (card.task === 'classify' && card.classes.length === 0)
    throw new UnsupportedCardError('/classes: the card lists no class names; fill them in.');
}

/** The sharp pipeline's interleaved RGB pixels as the card's tensor: channel order, scale, mean and std. */
export function pixelsToTensor(
  pixels: Uint8Array,
  width: number,
  height: number,
  input: ModelCard['input'],
): Float32Array {
  const area = width * height;
  const out = new Float32Array(3 * area);
  const order = input.colorOrder === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const from = order[c]!;
    const scale = input.scale / input.std[c]!;
    const shift = input.mean[c]! / input.std[c]!;
    if (input.layout === 'NCHW') {
      const plane = c * area;
      for (let i = 0, p = from; i < area; i++, p += 3) out[plane + i] = pixels[p]! * scale - shift;
    } else {
      for (let i = 0, p = from; i < area; i++, p += 3) out[i * 3 + c] = pixels[p]! * scale - shift;
    }
  }
  return out;
}

/** The message of a sharp or file-system failure, naming the file. */
function imageError(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || /Input file is missing/i.test(message))
    return new Error(`${path}: the file does not exist.`);
  if (/unsupported image format/i.test(message))
    return new Error(`${path}: not an image sharp can decode (unsupported format).`);
  return new Error(`${path}: cannot decode the image (${message.split('\n')[0]}).`);
}

async function openSession(
  modelPath: string,
  options: CardRunnerOptions,
): Promise<{ session: ort.InferenceSession } & ProviderChoice> {
  const choice = chooseProvider(options.provider, availableProviders());
  const create = (provider: ExecutionProvider) =>
    ort.InferenceSession.create(modelPath, {
      intraOpNumThreads: options.threads,
      // One image at a time: the graph's independent branches gain little from a second pool.
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionProviders: [ortProviderName(provider)],
    });
  const loadError = (error: unknown) =>
    new HostError(
      'invalid-argument',
      `${basename(modelPath)} could not be loaded by onnxruntime: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
    );
  if (choice.provider !== 'cpu') {
    try {
      return { session: await create(choice.provider), ...choice };
    } catch (error) {
      try {
        return {
          session: await create('cpu'),
          provider: 'cpu',
          note: providerFailedNote(choice.provider, error),
        };
      } catch (cpuError) {
        throw loadError(cpuError);
      }
    }
  }
  try {
    return { session: await create('cpu'), ...choice };
  } catch (error) {
    throw loadError(error);
  }
}

export interface CardPreparer {
  prepare(imagePath: string): Promise<PreparedImage>;
}

/**
 * The card's preprocessing alone, for a thread that prepares images for another that runs the model.
 * Throws HostError 'unsupported' when the card asks for something no runner does yet.
 */
export function openCardPreparer(
  card: ModelCard,
  options: Pick<CardRunnerOptions, 'scoreThreshold'>,
): CardPreparer {
  try {
    checkRunnable(card);
    const resize = inputResize(card, options);
    return { prepare: (imagePath) => prepareImage(imagePath, card, resize) };
  } catch (error) {
    if (error instanceof UnsupportedCardError) throw new HostError('unsupported', error.message);
    throw error;
  }
}

/**
 * Opens the model for its card. Throws HostError before any image when the file is not a model onnxruntime
 * can load ('invalid-argument'), when the card does not fit the model's tensors ('invalid-argument', each
 * problem listed), or when the card asks for something no runner does yet ('unsupported').
 */
export async function openCardRunner(
  modelPath: string,
  card: ModelCard,
  options: CardRunnerOptions,
): Promise<CardRunner> {
  const name = basename(modelPath);
  const preparer = openCardPreparer(card, options);
  let info;
  try {
    info = await readModelInfo(modelPath);
  } catch (error) {
    if (error instanceof NotOnnxError)
      throw new HostError('invalid-argument', `${name} is not an ONNX model: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HostError('not-found', `${modelPath}: the model file does not exist.`);
    throw new HostError('io', `cannot read ${modelPath}: ${code ?? (error as Error).message}`);
  }
  const problems = checkCardAgainstModel(card, info);
  if (problems.length > 0)
    throw new HostError(
      'invalid-argument',
      `the card "${card.name}" does not fit ${name}:\n${problems.map((p) => `  ${p.message}`).join('\n')}`,
    );
  const { session, provider, note } = await openSession(modelPath, options);
  const decode = decoderFor(card, options);
  const wanted = [
    card.outputs.predictions,
    ...(card.outputs.protos !== undefined ? [card.outputs.protos] : []),
  ];

  return {
    provider,
    ...(note !== undefined && { providerNote: note }),
    prepare: preparer.prepare,
    async run(prepared) {
      const feeds = { [card.input.name]: new ort.Tensor('float32', prepared.tensor, [...prepared.dims]) };
      const outputs = await session.run(feeds);
      try {
        const copies: Record<string, { type: 'float32'; data: Float32Array; dims: number[] }> = {};
        for (const name of wanted) {
          const { data, dims } = floatOutput(outputs, name);
          copies[name] = { type: 'float32', data: new Float32Array(data), dims };
        }
        return copies;
      } finally {
        for (const tensor of Object.values(outputs)) tensor.dispose();
      }
    },
    async infer(prepared) {
      const feeds = { [card.input.name]: new ort.Tensor('float32', prepared.tensor, [...prepared.dims]) };
      const outputs = await session.run(feeds);
      try {
        return decode(outputs, prepared);
      } finally {
        for (const tensor of Object.values(outputs)) tensor.dispose();
      }
    },
    decode,
    close: () => session.release(),
  };
}

async function prepareImage(path: string, card: ModelCard, resize: InputResize): Promise<PreparedImage> {
  try {
    const image = sharp(path);
    // autoOrient is the size with the EXIF orientation applied: the upright pixels objects are given in.
    const { autoOrient } = await image.metadata();
    const source = { width: autoOrient.width, height: autoOrient.height };
    // .rotate() applies the EXIF orientation; removeAlpha + srgb gives 3 8-bit channels from any input.
    let pipeline = image.rotate().removeAlpha().toColourspace('srgb');
    let plan: ResizePlan;
    if (resize.kind === 'pp-ocr') {
      const size = detectorInputSize(source.width, source.height, resize.limitSideLen);
      plan = planResize(source, { kind: 'stretch', ...size });
      // PaddleOCR resizes with cv2.resize's default, bilinear.
      pipeline = pipeline.resize(size.width, size.height, { fit: 'fill', kernel: 'linear' });
    } else if (resize.kind === 'centre-crop') {
      plan = planResize(source, { kind: 'stretch', width: resize.width, height: resize.height });
      pipeline = pipeline.resize(resize.width, resize.height, { fit: 'cover', position: 'centre' });
    } else {
      plan = planResize(source, resize.mode);
      // Same resampling as detect.ts, so a card gives the boxes detect() gives.
      pipeline = resizeToPlan(pipeline, plan);
    }
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const { width, height } = plan.input;
    if (info.width !== width || info.height !== height || info.channels !== 3)
      throw new Error(
        `resizing gave ${info.width}×${info.height}×${info.channels}, not ${width}×${height}×3`,
      );
    const tensor = pixelsToTensor(data, width, height, card.input);
    const dims = card.input.layout === 'NCHW' ? [1, 3, height, width] : [1, height, width, 3];
    return { path, tensor, dims, source, plan };
  } catch (error) {
    throw imageError(path, error);
  }
}
