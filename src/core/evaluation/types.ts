/** Evaluation inputs and results: ground truth and predictions as plain records, COCO's parameters, and what matching found. */

/** A COCO `[x, y, width, height]` box in image pixels. */
export type Box = readonly [number, number, number, number];

/** A COCO run-length encoded mask, counts uncompressed (column-major, starting with a background run). */
export interface RleMask {
  readonly height: number;
  readonly width: number;
  readonly counts: readonly number[];
}

/** A region for mask IoU: COCO polygons (`[x1, y1, x2, y2, …]` rings) or a run-length mask. */
export type Segmentation =
  | { readonly kind: 'polygons'; readonly rings: readonly (readonly number[])[] }
  | { readonly kind: 'rle'; readonly rle: RleMask };

export type EvalId = string | number;

export interface EvalImage {
  readonly id: EvalId;
  readonly width: number;
  readonly height: number;
}

export interface EvalCategory {
  readonly id: EvalId;
  readonly name: string;
}

export interface GroundTruthObject {
  readonly id: EvalId;
  readonly imageId: EvalId;
  readonly categoryId: EvalId;
  readonly bbox: Box;
  /** COCO's `area` field as given (for boxes usually width × height; for masks the mask's pixel count). */
  readonly area: number;
  /** A crowd region: never a false negative, and predictions inside it are ignored (cocoeval.py evaluateImg). */
  readonly iscrowd: boolean;
  readonly segmentation?: Segmentation;
}

export interface PredictedObject {
  readonly id: EvalId;
  readonly imageId: EvalId;
  readonly categoryId: EvalId;
  readonly bbox: Box;
  readonly score: number;
  /** Defaults to the box's width × height, as pycocotools' loadRes sets it for box results. */
  readonly area?: number;
  readonly segmentation?: Segmentation;
}

/**
 * What to evaluate. Image order decides ties between equal scores in different images (pycocotools sorts
 * image ids and keeps results-file order within an image); category order is the order of per-class results.
 */
export interface EvaluationInput {
  readonly images: readonly EvalImage[];
  readonly categories: readonly EvalCategory[];
  readonly groundTruth: readonly GroundTruthObject[];
  readonly predictions: readonly PredictedObject[];
}

/** An object-size bucket: `min ≤ area ≤ max`, in pixels, or as a fraction of the image area when `relative`. */
export interface AreaRange {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly relative?: boolean;
}

export interface EvaluationParams {
  readonly iouType: 'bbox' | 'segm';
  /** Ascending; COCO's default is 0.50:0.05:0.95. */
  readonly iouThresholds: readonly number[];
  /** Ascending; the last one caps detections per image and class. COCO: 1, 10, 100. */
  readonly maxDets: readonly number[];
  /** The first range must be the one that covers everything ("all"). */
  readonly areaRanges: readonly AreaRange[];
}
