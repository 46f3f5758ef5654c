/** Brightness, contrast and variance-of-Laplacian sharpness on synthetic grey buffers. */

import { describe, expect, it } from 'vitest';
import { imageQuality } from './imageStats';

const W = 64;
const H = 48;
const image = (pixel: (x: number, y: number) => number): Uint8Array => {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = pixel(x, y);
  return data;
};

/** A 3×3 box blur (edges clamped), the simplest defocus. */
const boxBlur = (data: Uint8Array): Uint8Array =>
  image((x, y) => {
    let sum = 0;
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const sx = Math.min(W - 1, Math.max(0, x + dx));
        const sy = Math.min(H - 1, Math.max(0, y + dy));
        sum += data[sy * W + sx]!;
      }
    return Math.round(sum / 9);
  });

const checkerboard = (cell: number) =>
  image((x, y) => ((Math.floor(x / cell) + Math.floor(y / cell)) % 2) * 255);

describe('imageQuality', () => {
  it('gives a uniform image its grey as brightness and zero contrast and sharpness', () => {
    expect(
      imageQuality(
        image(() => 51),
        W,
        H,
      ),
    ).toEqual({ brightness: 0.2, contrast: 0, sharpness: 0 });
  });

  it('gives a half-black, half-white image brightness 0.5 and the largest RMS contrast, 0.5', () => {
    const quality = imageQuality(
      image((x) => (x < W / 2 ? 0 : 255)),
      W,
      H,
    );
    expect(quality.brightness).toBe(0.5);
    expect(quality.contrast).toBeCloseTo(0.5, 12);
  });

  it('scores a one-pixel checkerboard sharpest: every Laplacian is ±1020', () => {
    // Interior pixels: 4 neighbours of the other colour, so 4·255 − 0 or 0 − 4·255; half each, mean 0.
    expect(imageQuality(checkerboard(1), W, H).sharpness).toBe(1020 ** 2);
  });

  it('scores a box-blurred copy of a pattern far below the original', () => {
    for (const cell of [1, 2, 4, 8]) {
      const sharp = imageQuality(checkerboard(cell), W, H);
      const blurred = imageQuality(boxBlur(checkerboard(cell)), W, H);
      expect(blurred.sharpness).toBeLessThan(sharp.sharpness / 2);
      expect(blurred.brightness).toBeCloseTo(sharp.brightness, 1);
    }
  });

  it('measures a linear ramp as having no sharpness (its Laplacian is 0) but some contrast', () => {
    const quality = imageQuality(
      image((x) => x * 4),
      W,
      H,
    );
    expect(quality.sharpness).toBe(0);
    expect(quality.contrast).toBeGreaterThan(0.2);
  });

  it('gives images too small for a 3×3 kernel sharpness 0, and refuses a buffer shorter than the size', () => {
    expect(imageQuality(new Uint8Array([0, 255, 0, 255]), 2, 2)).toEqual({
      brightness: 0.5,
      contrast: 0.5,
      sharpness: 0,
    });
    expect(() => imageQuality(new Uint8Array(5), 3, 2)).toThrow(RangeError);
  });

  it('accepts a Uint8ClampedArray (canvas ImageData) as well', () => {
    const data = Uint8ClampedArray.from(checkerboard(2));
    expect(imageQuality(data, W, H)).toEqual(imageQuality(checkerboard(2), W, H));
  });
});
