/** The `images.cropHashes` call: perceptual hashes of object crops, for "more like this" on objects. */

import sharp from 'sharp';
import { uprightSize } from '../../core/images/types';
import type { RootRegistry } from '../roots';
import { differenceHash, type RawPixels } from './dhash';
import { locateImages, readIfUnchanged, type ImageFileRef } from './qualityOfImages';

/** Four images in flight keep both cores of a small machine busy (sharp runs on libuv's pool). */
const IN_FLIGHT = 4;
/**
 * Originals are decoded upright fitted inside this long side: a 9 × 8 hash needs few pixels, and a
 * 24-megapixel photo held raw four at a time would take ~300 MB. An object of 2 px at this scale is
 * still hashed (upsampled), as small boxes are in the original.
 */
export const CROP_DECODE_SIZE = 2048;
/** Boxes narrower or lower than this in original pixels carry no picture to compare. */
const MIN_SIDE = 2;

export interface CropRef extends ImageFileRef {
  /** `[x, y, width, height]` in upright image pixels. */
  readonly box: readonly [number, number, number, number];
}

/** Decodes an original upright, fitted inside CROP_DECODE_SIZE², with the scale from upright pixels to it. */
async function decodeUpright(
  input: string | Buffer,
  maxInputPixels: number,
): Promise<{ pixels: RawPixels; width: number; height: number; scale: number }> {
  const image = sharp(input, { limitInputPixels: maxInputPixels, failOn: 'warning' });
  const metadata = await image.metadata();
  const { width, height } = uprightSize(metadata.width ?? 0, metadata.height ?? 0, metadata.orientation ?? 1);
  if (width <= 0 || height <= 0) throw new Error('the image declares no size');
  const { data, info } = await image
    .rotate()
    .resize(CROP_DECODE_SIZE, CROP_DECODE_SIZE, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    pixels: { data, info: { width: info.width, height: info.height, channels: info.channels } },
    width,
    height,
    scale: info.width / width,
  };
}

/** The dHash of one box of a decoded image, or null when the box (clamped to the image) is under 2 × 2 px. */
async function hashOfBox(
  decoded: Awaited<ReturnType<typeof decodeUpright>>,
  [x, y, w, h]: CropRef['box'],
): Promise<string | null> {
  const { pixels, width, height, scale } = decoded;
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(width, x + w);
  const y1 = Math.min(height, y + h);
  if (x1 - x0 < MIN_SIDE || y1 - y0 < MIN_SIDE) return null;
  const { width: decodedWidth, height: decodedHeight, channels } = pixels.info;
  const left = Math.min(decodedWidth - 1, Math.floor(x0 * scale));
  const top = Math.min(decodedHeight - 1, Math.floor(y0 * scale));
  const right = Math.max(left + 1, Math.min(decodedWidth, Math.ceil(x1 * scale)));
  const bottom = Math.max(top + 1, Math.min(decodedHeight, Math.ceil(y1 * scale)));
  const crop = await sharp(pixels.data, { raw: { width: decodedWidth, height: decodedHeight, channels } })
    .extract({ left, top, width: right - left, height: bottom - top })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return differenceHash({
    data: crop.data,
    info: { width: crop.info.width, height: crop.info.height, channels: crop.info.channels },
  });
}

/**
 * The crop hash of each item, in the order given. Each distinct image (by content hash) is read, checked
 * and decoded once; its paths are resolved through the registered roots first, and paths leading outside
 * them are never read. Items of missing, unreadable, undecodable or changed files get null, so one bad
 * file cannot block the rest.
 */
export async function cropHashes(
  roots: RootRegistry,
  items: readonly CropRef[],
  maxInputPixels: number,
): Promise<(string | null)[]> {
  const result: (string | null)[] = items.map(() => null);
  const itemsOf = new Map<string, number[]>();
  items.forEach((item, i) => {
    const list = itemsOf.get(item.sha256);
    if (list) list.push(i);
    else itemsOf.set(item.sha256, [i]);
  });
  // Resolved before any decoding, so a refused call has done no work.
  const located = await locateImages(roots, items);
  let next = 0;
  const worker = async () => {
    while (next < located.length) {
      const { sha256, paths } = located[next++]!;
      for (const path of paths) {
        const decoded = await readIfUnchanged(path, sha256)
          .then((input) => (input === undefined ? undefined : decodeUpright(input, maxInputPixels)))
          .catch(() => undefined);
        if (decoded === undefined) continue;
        for (const i of itemsOf.get(sha256) ?? [])
          result[i] = await hashOfBox(decoded, items[i]!.box).catch(() => null);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, located.length) }, worker));
  return result;
}
