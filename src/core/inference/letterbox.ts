/** The plan of a resize from an upright image into a model input, and the inverse map of boxes back to image pixels. */

import type { Brand } from '../ids';
import { imageBox, imagePoint, type ImageBox, type ImagePoint, type ImageSize } from '../geometry/spaces';

/*
 * Every size and box here is in UPRIGHT pixels: the host decodes images with their EXIF orientation applied
 * (sharp `.rotate()`), and the app stores annotations in that space (images/types.ts `uprightSize`). So the
 * `source` of a plan is the upright size, and boxes mapped back need no orientation step.
 */

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A box in model-input pixels (the resized and padded tensor), top-left corner and size. */
export type InputBox = Brand<Rect, 'InputBox'>;
export const inputBox = (x: number, y: number, width: number, height: number): InputBox =>
  ({ x, y, width, height }) as InputBox;

/** How an image becomes a model input. */
export type ResizeMode =
  | {
      /** Keep the aspect ratio, fit inside width × height, pad the rest with `padValue` (0–255). */
      readonly kind: 'letterbox';
      readonly width: number;
      readonly height: number;
      /**
       * `center`: Ultralytics `LetterBox(center=True)`; `top-left`: YOLOX (pad right and bottom only). Both round
       * the resized size as Ultralytics does; YOLOX's preproc truncates it, which differs by under a pixel.
       */
      readonly align: 'center' | 'top-left';
      readonly padValue: number;
      /** Enlarge images smaller than the input (default true, as Ultralytics predicts). */
      readonly scaleUp?: boolean;
    }
  | {
      /** Resize to exactly width × height, ignoring the aspect ratio. */
      readonly kind: 'stretch';
      readonly width: number;
      readonly height: number;
    }
  | {
      /**
       * For models with dynamic input sizes: the shorter side becomes `size` (the longer side at most
       * `maxSize`), then each side is brought to a multiple of `stride`: `pad` keeps the aspect ratio and pads
       * right and bottom with `padValue`; `stretch` rounds each side to the nearest multiple (at least one
       * stride) and resizes to it, as PaddleOCR's DetResizeForTest does.
       */
      readonly kind: 'shorter-side';
      readonly size: number;
      readonly maxSize?: number;
      readonly stride: number;
      readonly toStride: 'pad' | 'stretch';
      readonly padValue: number;
    };

/** Where the image lands in the model input: resized to `resized`, then padded to `input`. */
export interface ResizePlan {
  /** The upright image size. */
  readonly source: ImageSize;
  /** The model input size (tensor width and height). */
  readonly input: ImageSize;
  /** The image content inside the input, before padding. */
  readonly resized: ImageSize;
  /** resized / source per axis: equal (up to rounding of the resized size) except in stretch modes. */
  readonly scaleX: number;
  readonly scaleY: number;
  readonly padLeft: number;
  readonly padTop: number;
  readonly padRight: number;
  readonly padBottom: number;
  /** 0–255; 0 when nothing is padded. */
  readonly padValue: number;
}

const positive = (value: number, what: string): void => {
  if (!(Number.isFinite(value) && value > 0))
    throw new RangeError(`${what} must be a positive number, not ${value}`);
};

/** Python's round(): halves go to the even neighbour, so plans match Ultralytics' to the pixel. */
const roundHalfEven = (value: number): number => {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
};

function plan(
  source: ImageSize,
  resized: ImageSize,
  input: ImageSize,
  padLeft: number,
  padTop: number,
  padValue: number,
): ResizePlan {
  return {
    source: { width: source.width, height: source.height },
    input,
    resized,
    scaleX: resized.width / source.width,
    scaleY: resized.height / source.height,
    padLeft,
    padTop,
    padRight: input.width - resized.width - padLeft,
    padBottom: input.height - resized.height - padTop,
    padValue: input.width === resized.width && input.height === resized.height ? 0 : padValue,
  };
}

/** Plans the resize of an upright image of size `source` into a model input. */
export function planResize(source: ImageSize, mode: ResizeMode): ResizePlan {
  positive(source.width, 'image width');
  positive(source.height, 'image height');
  switch (mode.kind) {
    case 'letterbox': {
      positive(mode.width, 'input width');
      positive(mode.height, 'input height');
      let ratio = Math.min(mode.width / source.width, mode.height / source.height);
      if (mode.scaleUp === false) ratio = Math.min(ratio, 1);
      // Ultralytics LetterBox: new_unpad = round(w * r); pads split as round(d / 2 ∓ 0.1).
      const resized = {
        width: Math.min(mode.width, Math.max(1, roundHalfEven(source.width * ratio))),
        height: Math.min(mode.height, Math.max(1, roundHalfEven(source.height * ratio))),
      };
      const input = { width: mode.width, height: mode.height };
      if (mode.align === 'top-left') return plan(source, resized, input, 0, 0, mode.padValue);
      const left = roundHalfEven((mode.width - resized.width) / 2 - 0.1);
      const top = roundHalfEven((mode.height - resized.height) / 2 - 0.1);
      return plan(source, resized, input, left, top, mode.padValue);
    }
    case 'stretch':
      positive(mode.width, 'input width');
      positive(mode.height, 'input height');
      return plan(source, { width: mode.width, height: mode.height }, { ...mode }, 0, 0, 0);
    case 'shorter-side': {
      positive(mode.size, 'shorter side');
      positive(mode.stride, 'stride');
      let ratio = mode.size / Math.min(source.width, source.height);
      if (mode.maxSize !== undefined)
        ratio = Math.min(ratio, mode.maxSize / Math.max(source.width, source.height));
      const width = source.width * ratio;
      const height = source.height * ratio;
      const { stride } = mode;
      if (mode.toStride === 'stretch') {
        const snapped = {
          width: Math.max(stride, Math.round(width / stride) * stride),
          height: Math.max(stride, Math.round(height / stride) * stride),
        };
        return plan(source, snapped, snapped, 0, 0, 0);
      }
      const resized = { width: Math.max(1, Math.round(width)), height: Math.max(1, Math.round(height)) };
      const input = {
        width: Math.ceil(resized.width / stride) * stride,
        height: Math.ceil(resized.height / stride) * stride,
      };
      return plan(source, resized, input, 0, 0, mode.padValue);
    }
  }
}

const clamp = (value: number, max: number): number => Math.min(Math.max(value, 0), max);

/** A point in model-input pixels back in upright image pixels, clipped to the image. */
export function toImagePoint(plan: ResizePlan, x: number, y: number): ImagePoint {
  return imagePoint(
    clamp((x - plan.padLeft) / plan.scaleX, plan.source.width),
    clamp((y - plan.padTop) / plan.scaleY, plan.source.height),
  );
}

/**
 * A box in model-input pixels back in upright image pixels, clipped to the image (as Ultralytics'
 * scale_boxes + clip_boxes). A box wholly in the padding comes back with zero width or height.
 */
export function toImageBox(plan: ResizePlan, box: Rect): ImageBox {
  const topLeft = toImagePoint(plan, box.x, box.y);
  const bottomRight = toImagePoint(plan, box.x + box.width, box.y + box.height);
  return imageBox(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
}

/** The inverse of toImageBox without clipping: where an image box lands in the model input. */
export function toInputBox(plan: ResizePlan, box: Rect): InputBox {
  return inputBox(
    box.x * plan.scaleX + plan.padLeft,
    box.y * plan.scaleY + plan.padTop,
    box.width * plan.scaleX,
    box.height * plan.scaleY,
  );
}
