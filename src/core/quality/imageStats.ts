/** Image-level quality measures (brightness, contrast, sharpness) over 8-bit luma, for the data-quality page. */

export interface ImageQuality {
  /** Mean luma / 255: 0 black, 1 white. */
  readonly brightness: number;
  /** RMS contrast: standard deviation of luma / 255 (0 for a flat image, 0.5 at most). */
  readonly contrast: number;
  /**
   * Variance of the 4-neighbour Laplacian of luma in 0–255 units, on the image as given (the host passes a
   * fixed-size downscale, so values compare across images of any size). Low means blurred.
   */
  readonly sharpness: number;
}

/**
 * Brightness, RMS contrast and sharpness of a greyscale image stored row by row, one byte per pixel.
 *
 * Sharpness is the "variance of Laplacian" focus measure (Pech-Pacheco et al., "Diatom autofocusing in
 * brightfield microscopy: a comparative study", ICPR 2000), as OpenCV blur detectors compute it with
 * `cv2.Laplacian(gray, cv2.CV_64F).var()`: kernel [0 1 0; 1 −4 1; 0 1 0]. Only interior pixels are used
 * (no border padding), so an image under 3×3 has sharpness 0.
 */
export function imageQuality(
  gray: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): ImageQuality {
  const count = width * height;
  if (!(width > 0 && height > 0) || gray.length < count)
    throw new RangeError(`expected ${width} × ${height} grey pixels, got ${gray.length} bytes`);

  // Sums of integers stay exact in doubles (below 2^53 up to ~10^11 pixels), so one pass with sum and sum of
  // squares has no cancellation error worth naming, and a flat image gives exactly 0.
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < count; i++) {
    const v = gray[i]!;
    sum += v;
    squares += v * v;
  }
  const mean = sum / count;

  return {
    brightness: mean / 255,
    contrast: Math.sqrt(Math.max(0, squares / count - mean * mean)) / 255,
    sharpness: laplacianVariance(gray, width, height),
  };
}

function laplacianVariance(gray: Uint8Array | Uint8ClampedArray, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let squares = 0;
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let i = row + 1, end = row + width - 1; i < end; i++) {
      const l = gray[i - width]! + gray[i + width]! + gray[i - 1]! + gray[i + 1]! - 4 * gray[i]!;
      sum += l;
      squares += l * l;
    }
  }
  const count = (width - 2) * (height - 2);
  const mean = sum / count;
  return Math.max(0, squares / count - mean * mean);
}
