/** Instance masks of YOLOv8-seg models: mask coefficients × prototypes, cropped to the box, as a bitmap and as the polygon an annotation stores. */

import type { ImagePoint } from '../annotations/types';
import { rleFromMask, rleToPolygons } from '../formats/rle';
import { polygonArea } from '../geometry/polygons';

/*
 * Ultralytics' process_mask (ultralytics/utils/ops.py): logits = coefficients @ protos, cropped to the box
 * scaled into prototype space, bilinearly upsampled to the network input (align_corners=False), then
 * thresholded. Thresholding sigmoid at 0.5 is thresholding the logit at 0, so the sigmoid is never computed
 * for it. The polygon is traced like masks2segments' 'largest' strategy, but choosing the piece of largest
 * area rather than most contour points.
 */

/** The prototype tensor [1, C, H, W] of one image (the batch's first), as the model's second output. */
export interface MaskPrototypes {
  readonly data: Float32Array;
  readonly channels: number;
  readonly width: number;
  readonly height: number;
}

/** A detection as the network sees it: its box in network-input pixels and its C mask coefficients. */
export interface MaskedDetection {
  readonly box: { readonly x1: number; readonly y1: number; readonly x2: number; readonly y2: number };
  readonly coefficients: ArrayLike<number>;
}

/** A mask cut out at the detection's box, in network-input pixels: `data` row by row, 1 = object. */
export interface MaskBitmap {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export interface MaskDecodeOptions {
  /** The network input the prototypes cover, e.g. 640 × 640 (prototypes are a quarter of it). */
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Object when sigmoid(logit) is above this; 0.5 as Ultralytics. */
  readonly threshold?: number;
}

/**
 * The detection's mask at network-input resolution over the input pixels whose centres lie in its box
 * (the crop, done in prototype space as pixel centre × scale against box × scale).
 */
export function instanceMask(
  protos: MaskPrototypes,
  detection: MaskedDetection,
  options: MaskDecodeOptions,
): MaskBitmap {
  const { channels, width: mw, height: mh, data: proto } = protos;
  const { inputWidth: iw, inputHeight: ih } = options;
  const threshold = options.threshold ?? 0.5;
  const cut = Math.log(threshold / (1 - threshold));
  const { x1, y1, x2, y2 } = detection.box;

  // Input pixels i with x1 <= i + 0.5 < x2 (crop_mask keeps x1 <= r < x2 in its own grid).
  const px0 = Math.max(0, Math.ceil(x1 - 0.5));
  const px1 = Math.min(iw, Math.ceil(x2 - 0.5));
  const py0 = Math.max(0, Math.ceil(y1 - 0.5));
  const py1 = Math.min(ih, Math.ceil(y2 - 0.5));
  const width = Math.max(0, px1 - px0);
  const height = Math.max(0, py1 - py0);
  const data = new Uint8Array(width * height);
  if (width === 0 || height === 0) return { x: px0, y: py0, width, height, data };

  // Logits only over the prototype cells the bilinear samples can reach.
  const sx = mw / iw;
  const sy = mh / ih;
  const source = (i: number, scale: number, size: number) =>
    Math.min(Math.max((i + 0.5) * scale - 0.5, 0), size - 1);
  const qx0 = Math.floor(source(px0, sx, mw));
  const qx1 = Math.min(mw - 1, Math.ceil(source(px1 - 1, sx, mw)));
  const qy0 = Math.floor(source(py0, sy, mh));
  const qy1 = Math.min(mh - 1, Math.ceil(source(py1 - 1, sy, mh)));
  const lw = qx1 - qx0 + 1;
  const logits = new Float32Array(lw * (qy1 - qy0 + 1));
  const plane = mw * mh;
  for (let qy = qy0; qy <= qy1; qy++) {
    for (let qx = qx0; qx <= qx1; qx++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += detection.coefficients[c]! * proto[c * plane + qy * mw + qx]!;
      logits[(qy - qy0) * lw + (qx - qx0)] = sum;
    }
  }
  const at = (qx: number, qy: number) => logits[(qy - qy0) * lw + (qx - qx0)]!;

  for (let y = 0; y < height; y++) {
    const v = source(py0 + y, sy, mh);
    const v0 = Math.floor(v);
    const v1 = Math.min(v0 + 1, qy1);
    const fy = v - v0;
    for (let x = 0; x < width; x++) {
      const u = source(px0 + x, sx, mw);
      const u0 = Math.floor(u);
      const u1 = Math.min(u0 + 1, qx1);
      const fx = u - u0;
      const top = at(u0, v0) * (1 - fx) + at(u1, v0) * fx;
      const bottom = at(u0, v1) * (1 - fx) + at(u1, v1) * fx;
      data[y * width + x] = top * (1 - fy) + bottom * fy > cut ? 1 : 0;
    }
  }
  return { x: px0, y: py0, width, height, data };
}

/**
 * The outline of the mask's largest 8-connected piece (holes filled), in network-input pixels along pixel
 * edges, simplified by Douglas–Peucker with `tolerance` input pixels; empty when the mask is.
 */
export function largestOutline(mask: MaskBitmap, tolerance = 1): ImagePoint[] {
  const { width, height, data } = mask;
  // The RLE tracer reads masks column by column (COCO's order).
  const columns = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) columns[x * height + y] = data[y * width + x]!;
  }
  const { polygons } = rleToPolygons(rleFromMask(columns, height, width), tolerance);
  let best: readonly ImagePoint[] = [];
  let bestArea = 0;
  for (const polygon of polygons) {
    const area = polygonArea(polygon);
    if (area > bestArea) {
      best = polygon;
      bestArea = area;
    }
  }
  return best.map((p) => ({ x: p.x + mask.x, y: p.y + mask.y }));
}

/**
 * The detection's mask as a polygon in original-image pixels: the outline in network-input pixels, each
 * vertex mapped through `toOriginal` (the letterbox inverse). Empty when no pixel is on.
 */
export function maskPolygon(
  protos: MaskPrototypes,
  detection: MaskedDetection,
  options: MaskDecodeOptions & {
    readonly toOriginal: (x: number, y: number) => { x: number; y: number };
    readonly tolerance?: number;
  },
): ImagePoint[] {
  return largestOutline(instanceMask(protos, detection, options), options.tolerance ?? 1).map((p) => {
    const q = options.toOriginal(p.x, p.y);
    return { x: q.x, y: q.y };
  });
}
