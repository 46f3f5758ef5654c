/** Text detection with DBNet (PaddleOCR's PP-OCR detectors): the input tensor a detector expects, and its probability map decoded into rotated text boxes. */

import type { ImagePoint } from '../annotations/types';
import { minimumAreaBox, rotatedBoxFromCorners, type RotatedBox } from '../formats/yolo/geometry';
import { rotatedBoxCorners } from '../geometry/shapes';

/*
 * Rules follow PaddleOCR (ppocr/data/imaug/operators.py DetResizeForTest + NormalizeImage, and
 * ppocr/postprocess/db_postprocess.py DBPostProcess.boxes_from_bitmap, box_type 'quad'); the code is ours.
 * Map coordinates are pixel indices as OpenCV's contours give them: pixel (i, j) is the point (i, j).
 */

export interface DbPostProcessOptions {
  /** A map pixel is text when its probability is above this (`thresh`). */
  readonly threshold: number;
  /** A box is kept when the mean probability inside it is at least this (`box_thresh`). */
  readonly boxThreshold: number;
  /** How far a box grows back out: by area × ratio / perimeter (`unclip_ratio`). */
  readonly unclipRatio: number;
  /** Shorter side, in map pixels, below which a box is noise (`min_size`; + 2 after unclipping). */
  readonly minSize: number;
  /** At most this many regions are scored (`max_candidates`). */
  readonly maxCandidates: number;
}

/** PP-OCRv4 det's PostProcess section (configs/det/PP-OCRv4/PP-OCRv4_mobile_det.yml). */
export const PP_OCR_V4_DET_POSTPROCESS: DbPostProcessOptions = {
  threshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
};

/** A detector's output for one image: probabilities in [0, 1], row by row (the [1, 1, H, W] tensor). */
export interface ProbabilityMap {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

export interface TextRegion {
  /**
   * Corners in image pixels, clockwise on screen starting top-left (get_mini_boxes' order), each
   * coordinate clipped to the image as PaddleOCR clips them.
   */
  readonly corners: readonly [ImagePoint, ImagePoint, ImagePoint, ImagePoint];
  /** The same box as a rotated box in image pixels, its width along the top edge; not clipped. */
  readonly box: RotatedBox;
  /** Mean probability inside the box before unclipping (score_mode 'fast'). */
  readonly score: number;
}

export interface DetectorInputSize {
  readonly width: number;
  readonly height: number;
}

/**
 * DetResizeForTest.resize_image_type0: scale so the longer side is at most `limitSideLen` (limit_type
 * 'max'; smaller images are not enlarged), truncate, then round each side to a multiple of 32 (at least 32)
 * — DBNet downsamples by 32. The aspect ratio changes slightly; the map is scaled back per axis.
 */
export function detectorInputSize(width: number, height: number, limitSideLen = 960): DetectorInputSize {
  const ratio = Math.max(width, height) > limitSideLen ? limitSideLen / Math.max(width, height) : 1;
  // Python's round() rounds halves to even; a side of exactly k·32 + 16 is the only case it changes.
  const to32 = (side: number) => {
    const q = Math.trunc(side * ratio) / 32;
    const r = Math.abs(q - Math.trunc(q) - 0.5) < 1e-9 ? 2 * Math.round(q / 2) : Math.round(q);
    return Math.max(r * 32, 32);
  };
  return { width: to32(width), height: to32(height) };
}

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];

/**
 * The [1, 3, H, W] input from resized interleaved RGB(A) pixels. PaddleOCR decodes images as BGR and
 * NormalizeImage applies mean/std in channel order, so channel 0 is blue normalized with 0.485/0.229:
 * that is what the detector was trained on, not ImageNet's RGB pairing.
 */
export function detectorTensor(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
): Float32Array {
  const plane = width * height;
  const tensor = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    const at = i * channels;
    for (let c = 0; c < 3; c++) {
      const value = pixels[at + 2 - c]! / 255; // BGR: tensor channel c is RGB channel 2 − c
      tensor[c * plane + i] = (value - MEAN[c]!) / STD[c]!;
    }
  }
  return tensor;
}

/**
 * Each 8-connected region of `bitmap` (row by row, 1 = on) as the points its convex hull is made of: the
 * leftmost and rightmost pixel of each of its rows. cv2.minAreaRect of an outer contour only sees its hull,
 * so these give the same rectangle. Regions come in raster order of their first pixel.
 */
export function regionHullPoints(
  bitmap: Uint8Array,
  width: number,
  height: number,
): { x: number; y: number }[][] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const rowMin = new Int32Array(height).fill(width);
  const rowMax = new Int32Array(height).fill(-1);
  const regions: { x: number; y: number }[][] = [];
  for (let start = 0; start < bitmap.length; start++) {
    if (bitmap[start] === 0 || seen[start] === 1) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    let minY = height;
    let maxY = -1;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % width;
      const y = (p - x) / width;
      if (x < rowMin[y]!) rowMin[y] = x;
      if (x > rowMax[y]!) rowMax[y] = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
          const q = ny * width + nx;
          if (bitmap[q] !== 0 && seen[q] === 0) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    const points: { x: number; y: number }[] = [];
    for (let y = minY; y <= maxY; y++) {
      if (rowMax[y]! < 0) continue;
      points.push({ x: rowMin[y]!, y });
      if (rowMax[y] !== rowMin[y]) points.push({ x: rowMax[y]!, y });
      rowMin[y] = width;
      rowMax[y] = -1;
    }
    regions.push(points);
  }
  return regions;
}

type Quad = readonly [ImagePoint, ImagePoint, ImagePoint, ImagePoint];

/**
 * get_mini_boxes' corner order: of the two leftmost corners the upper one first, then the upper of the two
 * rightmost, the lower rightmost, the lower leftmost (clockwise on screen).
 */
function paddleOrder(corners: readonly ImagePoint[]): Quad {
  const p = [...corners].sort((a, b) => a.x - b.x);
  const [first, last] = p[1]!.y > p[0]!.y ? [p[0]!, p[1]!] : [p[1]!, p[0]!];
  const [second, third] = p[3]!.y > p[2]!.y ? [p[2]!, p[3]!] : [p[3]!, p[2]!];
  return [first, second, third, last];
}

/**
 * box_score_fast: the mean probability over the map pixels inside the quad (edges included), within its
 * bounds clipped to the map. PaddleOCR rasterizes with cv2.fillPoly on truncated corners; a pixel-centre
 * inside test differs from it only along the edges.
 */
export function meanInsideQuad(map: ProbabilityMap, quad: Quad): number {
  const xs = quad.map((p) => p.x);
  const ys = quad.map((p) => p.y);
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
  const x0 = clamp(Math.floor(Math.min(...xs)), map.width - 1);
  const x1 = clamp(Math.ceil(Math.max(...xs)), map.width - 1);
  const y0 = clamp(Math.floor(Math.min(...ys)), map.height - 1);
  const y1 = clamp(Math.ceil(Math.max(...ys)), map.height - 1);
  let sum = 0;
  let count = 0;
  for (let y = y0; y <= y1; y++) {
    // The quad is convex and clockwise on screen: each edge a → b keeps the side where
    // (b − a) × (p − a) ≥ 0, a bound on x for this row. A little slack keeps pixels on the edges.
    let lo = x0;
    let hi = x1;
    for (let i = 0; i < 4; i++) {
      const a = quad[i]!;
      const b = quad[(i + 1) % 4]!;
      const ex = b.x - a.x;
      const ey = b.y - a.y;
      const c = ex * (y - a.y) + ey * a.x + 1e-6 * Math.hypot(ex, ey); // inside ⇔ ey·x ≤ c
      if (ey > 0) hi = Math.min(hi, Math.floor(c / ey));
      else if (ey < 0) lo = Math.max(lo, Math.ceil(c / ey));
      else if (c < 0) lo = hi + 1;
    }
    const row = y * map.width;
    for (let x = lo; x <= hi; x++) sum += map.data[row + x]!;
    if (hi >= lo) count += hi - lo + 1;
  }
  return count > 0 ? sum / count : 0;
}

/**
 * DBPostProcess for one image ('quad' boxes, score_mode 'fast', no dilation): threshold the map, take
 * each region's minimum-area rectangle, drop short or faint ones, unclip, drop small ones, and scale to
 * the original image of `imageWidth` × `imageHeight`.
 *
 * Unclip: PaddleOCR offsets the rectangle by d = area × ratio / perimeter with pyclipper (round joins)
 * and takes the minimum-area rectangle of the result. Round joins only add arcs inside the rectangle
 * whose sides moved out by d, so that rectangle is exactly w + 2d by h + 2d with the same centre and angle
 * (pyclipper also rounds the outline to whole map pixels; this does not).
 *
 * Deviations: only outer outlines are used (RETR_LIST also scores hole outlines, which text regions rarely
 * have); map pixel (i, j) maps to the image point ((i + 0.5)·sx, (j + 0.5)·sy), its centre, where
 * PaddleOCR scales the index (a half-pixel shift) and rounds to integers.
 */
export function decodeTextRegions(
  map: ProbabilityMap,
  imageWidth: number,
  imageHeight: number,
  options: DbPostProcessOptions = PP_OCR_V4_DET_POSTPROCESS,
): TextRegion[] {
  const { width, height, data } = map;
  const bitmap = new Uint8Array(width * height);
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = data[i]! > options.threshold ? 1 : 0;
  const sx = imageWidth / width;
  const sy = imageHeight / height;
  const toImage = (p: { x: number; y: number }) =>
    ({ x: (p.x + 0.5) * sx, y: (p.y + 0.5) * sy }) as ImagePoint;
  const clip = (p: ImagePoint) =>
    ({
      x: Math.min(Math.max(p.x, 0), imageWidth),
      y: Math.min(Math.max(p.y, 0), imageHeight),
    }) as ImagePoint;

  const regions: TextRegion[] = [];
  for (const points of regionHullPoints(bitmap, width, height).slice(0, options.maxCandidates)) {
    if (points.length < 3) continue;
    const rect = minimumAreaBox(points);
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    const score = meanInsideQuad(map, paddleOrder(rotatedBoxCorners(rect)));
    if (score < options.boxThreshold) continue;
    const d = (rect.width * rect.height * options.unclipRatio) / (2 * (rect.width + rect.height));
    const grown = { ...rect, width: rect.width + 2 * d, height: rect.height + 2 * d };
    if (Math.min(grown.width, grown.height) < options.minSize + 2) continue;
    const corners = paddleOrder(rotatedBoxCorners(grown).map(toImage));
    regions.push({
      corners: corners.map(clip) as unknown as Quad,
      box: rotatedBoxFromCorners(corners),
      score,
    });
  }
  return regions;
}
