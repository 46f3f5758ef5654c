/** Text detection with a PP-OCR DBNet ONNX model: decode and resize with sharp, run onnxruntime, decode boxes in original-image pixels. */

import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import {
  decodeTextRegions,
  detectorInputSize,
  detectorTensor,
  PP_OCR_V4_DET_POSTPROCESS,
  type DbPostProcessOptions,
  type TextRegion,
} from '../../core/inference/dbnet';

/*
 * onnxruntime-node's run() blocks the thread it is called on (ARCHITECTURE.md): in the app this belongs in
 * a worker thread; this module is the per-image pipeline such a worker runs.
 */

export interface TextDetection {
  readonly regions: TextRegion[];
  /** The upright image (EXIF orientation applied), which the regions' pixels refer to. */
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** The tensor's spatial size. */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Wall time of each stage, for benchmarks; tests never assert on it. */
  readonly ms: { readonly preprocess: number; readonly inference: number; readonly postprocess: number };
}

export interface TextDetector {
  detect(image: Buffer | string): Promise<TextDetection>;
  close(): Promise<void>;
}

export interface TextDetectorOptions {
  /** DetResizeForTest limit_side_len with limit_type 'max' (PaddleOCR's inference default, 960). */
  readonly limitSideLen?: number;
  readonly postprocess?: DbPostProcessOptions;
  readonly intraOpThreads?: number;
}

export async function createTextDetector(
  modelPath: string,
  options: TextDetectorOptions = {},
): Promise<TextDetector> {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: options.intraOpThreads ?? 2,
    graphOptimizationLevel: 'all',
  });
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  const postprocess = options.postprocess ?? PP_OCR_V4_DET_POSTPROCESS;

  return {
    async detect(image) {
      const t0 = performance.now();
      // EXIF orientations 5–8 turn the image a quarter: the upright size swaps the stored one.
      const meta = await sharp(image).metadata();
      const quarterTurn = (meta.orientation ?? 1) >= 5;
      const imageWidth = quarterTurn ? meta.height : meta.width;
      const imageHeight = quarterTurn ? meta.width : meta.height;
      // rotate() without arguments applies the EXIF orientation, so boxes match what a viewer shows.
      const upright = sharp(image).rotate().removeAlpha();
      const size = detectorInputSize(imageWidth, imageHeight, options.limitSideLen ?? 960);
      // cv2.resize's default is bilinear; fill stretches to the rounded size as PaddleOCR does.
      const { data, info } = await upright
        .resize(size.width, size.height, { fit: 'fill', kernel: 'linear' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const tensor = new ort.Tensor('float32', detectorTensor(data, info.width, info.height, info.channels), [
        1,
        3,
        info.height,
        info.width,
      ]);
      const t1 = performance.now();
      const outputs = await session.run({ [inputName]: tensor });
      const t2 = performance.now();
      const output = outputs[outputName]!;
      const [, , mapHeight, mapWidth] = output.dims as number[];
      const regions = decodeTextRegions(
        { data: output.data as Float32Array, width: mapWidth!, height: mapHeight! },
        imageWidth,
        imageHeight,
        postprocess,
      );
      const t3 = performance.now();
      return {
        regions,
        imageWidth,
        imageHeight,
        inputWidth: size.width,
        inputHeight: size.height,
        ms: { preprocess: t1 - t0, inference: t2 - t1, postprocess: t3 - t2 },
      };
    },
    close: () => session.release(),
  };
}
