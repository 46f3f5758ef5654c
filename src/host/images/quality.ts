/** Brightness, contrast and sharpness of an image file, measured on a fixed-size upright downscale. */

import sharp from 'sharp';
import { imageQuality, type ImageQuality } from '../../core/quality/imageStats';
import type { RawPixels } from './dhash';

/**
 * The long side quality is measured at. Sharpness depends on scale (a Laplacian sees finer detail in a
 * bigger image), so every image is measured at the same size; smaller images are not enlarged.
 */
export const QUALITY_SIZE = 512;

/** Options for decoding an original for measurement: the same bound on pixels as the import's. */
export interface QualityDecodeOptions {
  readonly maxInputPixels?: number;
}

/** Decodes an original (a path or its bytes) upright, fitted inside QUALITY_SIZE², as raw 8-bit pixels. */
export async function decodeForQuality(
  input: string | Buffer,
  { maxInputPixels }: QualityDecodeOptions = {},
): Promise<RawPixels> {
  const { data, info } = await sharp(input, { limitInputPixels: maxInputPixels ?? true, failOn: 'warning' })
    .rotate()
    .resize(QUALITY_SIZE, QUALITY_SIZE, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, info: { width: info.width, height: info.height, channels: info.channels } };
}

/**
 * Luma of decoded pixels, Y′ = 0.299 R′ + 0.587 G′ + 0.114 B′ on the stored (gamma-encoded) values as
 * OpenCV's `COLOR_BGR2GRAY` computes it, so sharpness reads like the OpenCV blur detectors' numbers.
 * Alpha is flattened onto black, as the dHash does.
 */
export function lumaOf({ data, info }: RawPixels): Uint8Array {
  const { width, height, channels } = info;
  const count = width * height;
  const luma = new Uint8Array(count);
  // Fixed-point weights (×2¹⁶, summing to 65536), rounded: the integer form of the same formula.
  const rgb = (p: number) => (19595 * data[p]! + 38470 * data[p + 1]! + 7471 * data[p + 2]! + 32768) >>> 16;
  // Assigning to a Uint8Array truncates, so `+ 127` before dividing by 255 rounds.
  if (channels === 3) for (let i = 0, p = 0; i < count; i++, p += 3) luma[i] = rgb(p);
  else if (channels === 4)
    for (let i = 0, p = 0; i < count; i++, p += 4) luma[i] = (rgb(p) * data[p + 3]! + 127) / 255;
  else if (channels === 2)
    for (let i = 0, p = 0; i < count; i++, p += 2) luma[i] = (data[p]! * data[p + 1]! + 127) / 255;
  else luma.set(data.subarray(0, count));
  return luma;
}

/** Quality of pixels already decoded at QUALITY_SIZE (the import decodes once for this and the thumbnail). */
export const qualityOfPixels = (pixels: RawPixels): ImageQuality =>
  imageQuality(lumaOf(pixels), pixels.info.width, pixels.info.height);

/** Decodes an image file (EXIF-rotated, fitted inside 512 × 512) and measures its quality. */
export async function measureQuality(
  path: string,
  options: QualityDecodeOptions = {},
): Promise<ImageQuality> {
  return qualityOfPixels(await decodeForQuality(path, options));
}
