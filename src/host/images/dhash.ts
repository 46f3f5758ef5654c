/** The 64-bit difference hash (dHash) of an image, for finding near-duplicates that differ in size or quality. */

import sharp from 'sharp';

/** Decoded pixels, as sharp's `raw()` output describes them. */
export interface RawPixels {
  readonly data: Buffer;
  readonly info: { readonly width: number; readonly height: number; readonly channels: 1 | 2 | 3 | 4 };
}

/**
 * dHash as Krawetz defined it ("Kind of Like That", hackerfactor.com, 2013) and the `imagehash` Python
 * package computes it: grayscale, resize to 9 × 8 ignoring aspect ratio, then one bit per horizontally
 * adjacent pair, set when the right pixel is brighter (`pixels[:, 1:] > pixels[:, :-1]`), row by row,
 * first bit most significant; 16 hex characters.
 *
 * Made from the 256 px thumbnail's decoded pixels, never from an encoded file: sharp would shrink a webp
 * or JPEG while decoding it (a coarser filter), and that alone moves 6–10 of the 64 bits.
 */
export async function differenceHash({ data, info }: RawPixels): Promise<string> {
  const { data: grey, info: out } = await sharp(data, {
    raw: { width: info.width, height: info.height, channels: info.channels },
  })
    .flatten({ background: '#000000' })
    .grayscale()
    .resize(9, 8, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = out.channels;
  let hex = '';
  for (let row = 0; row < 8; row++) {
    let byte = 0;
    for (let col = 0; col < 8; col++) {
      const left = grey[(row * 9 + col) * channels]!;
      const right = grey[(row * 9 + col + 1) * channels]!;
      byte = (byte << 1) | (right > left ? 1 : 0);
    }
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

/** The dHash of a cached thumbnail file (decoded in full first; ~3 ms for a 256 px webp). */
export async function differenceHashOfFile(path: string): Promise<string> {
  return differenceHash(await sharp(path).raw().toBuffer({ resolveWithObject: true }));
}
