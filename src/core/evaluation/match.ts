/**
 * COCO matching (cocoeval.py computeIoU + evaluateImg): per image and class, predictions in descending
 * score are matched greedily to ground truth by IoU, for every IoU threshold and object-size range at once,
 * on flat typed arrays so 500,000 predictions match in a fraction of a second.
 */

import { maskIous, segmentationToRle, rleFromPolygons } from './masks';
import type { EvalId, EvaluationInput, EvaluationParams, RleMask } from './types';

/** 100,000 images × 500 classes (LVIS val: 20,000 × 1,203 = 24 million). */
export const MAX_IMAGE_CLASS_PAIRS = 50_000_000;

/** Per prediction, threshold and size range: what matching made of it. */
export const OUTCOME = { none: 0, truePositive: 1, falsePositive: 2, ignored: 3 } as const;

export interface Matching {
  readonly imageCount: number;
  readonly areaCount: number;
  readonly thresholdCount: number;
  readonly categoryCount: number;
  /** Index of each prediction's image and category in the input lists, or -1 when it names neither. */
  readonly predImage: Int32Array;
  readonly predCategory: Int32Array;
  readonly gtImage: Int32Array;
  readonly gtCategory: Int32Array;
  /** Position of a prediction among its image and class's predictions by descending score (0 = best). */
  readonly predRank: Int32Array;
  /**
   * `OUTCOME` per `[position][area][threshold]`, where a prediction's position is its place in
   * `categoryPreds` (see `outcomeAt`); predictions past the detection cap or outside the evaluated images
   * and classes have no position.
   */
  readonly outcome: Uint8Array;
  /** Each prediction's index in `categoryPreds`, or -1. */
  readonly predPosition: Int32Array;
  /** Per `[ground truth][area]`: 1 when the object is ignored in that size range (crowd, or outside it). */
  readonly gtIgnored: Uint8Array;
  /** Size range "all" (index 0): the ground-truth index each prediction matched per `[prediction][threshold]`, or -1. */
  readonly predMatch: Int32Array;
  /** Size range "all": the prediction index each ground-truth object matched per `[ground truth][threshold]`, or -1. */
  readonly gtMatch: Int32Array;
  /** Highest IoU of each prediction with a non-crowd ground-truth object of its class (0 when none). */
  readonly predBestIou: Float64Array;
  /** Predictions of each category across images, in COCO's accumulate order: image order, then rank. */
  readonly categoryPredStart: Int32Array;
  readonly categoryPreds: Int32Array;
}

/** What prediction `n` was at size range `a` and threshold `t` (`OUTCOME.none` when it was not evaluated). */
export function outcomeAt(matching: Matching, n: number, a: number, t: number): number {
  const position = matching.predPosition[n]!;
  return position < 0
    ? OUTCOME.none
    : matching.outcome[(position * matching.areaCount + a) * matching.thresholdCount + t]!;
}

/** CSR grouping of item indices by `key` (0 … keyCount-1); items keep their input order within a group. */
function groupBy(keys: Int32Array, keyCount: number): { start: Int32Array; items: Int32Array } {
  const start = new Int32Array(keyCount + 1);
  for (const key of keys) if (key >= 0) start[key + 1]!++;
  for (let k = 0; k < keyCount; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keyCount);
  const items = new Int32Array(start[keyCount]!);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key >= 0) items[fill[key]!++] = i;
  }
  return { start, items };
}

/** maskApi.c bbIou: intersection over union of `[x, y, w, h]` boxes; a crowd's union is the prediction's own area. */
export function boxIou(d: readonly number[], g: readonly number[], crowd: boolean): number {
  const w = Math.min(d[0]! + d[2]!, g[0]! + g[2]!) - Math.max(d[0]!, g[0]!);
  if (w <= 0) return 0;
  const h = Math.min(d[1]! + d[3]!, g[1]! + g[3]!) - Math.max(d[1]!, g[1]!);
  if (h <= 0) return 0;
  const intersection = w * h;
  const da = d[2]! * d[3]!;
  const union = crowd ? da : da + g[2]! * g[3]! - intersection;
  return intersection / union;
}

function indexOf(ids: readonly { readonly id: EvalId }[]): Map<EvalId, number> {
  const index = new Map<EvalId, number>();
  ids.forEach((item, i) => {
    if (!index.has(item.id)) index.set(item.id, i);
  });
  return index;
}

export function matchPredictions(input: EvaluationInput, params: EvaluationParams): Matching {
  const { images, categories, groundTruth: gts, predictions: dts } = input;
  const { iouThresholds, areaRanges, maxDets, iouType } = params;
  const I = images.length;
  const K = categories.length;
  const T = iouThresholds.length;
  const A = areaRanges.length;
  const N = dts.length;
  const G = gts.length;
  const maxDet = maxDets[maxDets.length - 1]!;
  // Groups are dense arrays over images × classes (20 bytes per pair): refuse sizes that would not fit.
  if (I * K > MAX_IMAGE_CLASS_PAIRS)
    throw new RangeError(
      `${I} images × ${K} classes is ${I * K} image–class pairs, more than the ${MAX_IMAGE_CLASS_PAIRS} ` +
        'the evaluator takes at once; evaluate a subset of the images or classes',
    );
  const imageIndex = indexOf(images);
  const categoryIndex = indexOf(categories);

  const gtImage = new Int32Array(G);
  const gtCategory = new Int32Array(G);
  const gtKey = new Int32Array(G);
  gts.forEach((gt, g) => {
    const i = imageIndex.get(gt.imageId) ?? -1;
    const k = categoryIndex.get(gt.categoryId) ?? -1;
    gtImage[g] = i;
    gtCategory[g] = k;
    gtKey[g] = i >= 0 && k >= 0 ? i * K + k : -1;
  });
  const predImage = new Int32Array(N);
  const predCategory = new Int32Array(N);
  const predKey = new Int32Array(N);
  const scores = new Float64Array(N);
  dts.forEach((dt, n) => {
    const i = imageIndex.get(dt.imageId) ?? -1;
    const k = categoryIndex.get(dt.categoryId) ?? -1;
    predImage[n] = i;
    predCategory[n] = k;
    predKey[n] = i >= 0 && k >= 0 ? i * K + k : -1;
    scores[n] = dt.score;
  });
  const gtGroups = groupBy(gtKey, I * K);
  const dtGroups = groupBy(predKey, I * K);

  // Object areas per size range test: pixels, or a share of the image for relative ranges.
  const imageArea = new Float64Array(I);
  for (let i = 0; i < I; i++) imageArea[i] = images[i]!.width * images[i]!.height;
  const gtArea = new Float64Array(G);
  for (let g = 0; g < G; g++) gtArea[g] = gts[g]!.area;
  const dtArea = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    const dt = dts[n]!;
    dtArea[n] = dt.area ?? dt.bbox[2] * dt.bbox[3];
  }
  const outside = (area: number, image: number, a: number): boolean => {
    const range = areaRanges[a]!;
    const value = range.relative ? area / imageArea[image]! : area;
    return value < range.min || value > range.max;
  };

  // accumulate's concatenation order per category, worked out up front so outcomes are written where
  // accumulate reads them: each category's predictions together, images in order, then by rank.
  const categoryPredStart = new Int32Array(K + 1);
  const groupPosition = new Int32Array(I * K);
  for (let group = 0; group < I * K; group++)
    categoryPredStart[(group % K) + 1]! += Math.min(
      maxDet,
      dtGroups.start[group + 1]! - dtGroups.start[group]!,
    );
  for (let k = 0; k < K; k++) categoryPredStart[k + 1]! += categoryPredStart[k]!;
  const nextPosition = categoryPredStart.slice(0, K);
  for (let group = 0; group < I * K; group++) {
    groupPosition[group] = nextPosition[group % K]!;
    nextPosition[group % K]! += Math.min(maxDet, dtGroups.start[group + 1]! - dtGroups.start[group]!);
  }
  const positions = categoryPredStart[K]!;
  const categoryPreds = new Int32Array(positions);
  const predPosition = new Int32Array(N).fill(-1);

  const predRank = new Int32Array(N).fill(-1);
  const AT = A * T;
  const outcome = new Uint8Array(positions * AT);
  const gtIgnored = new Uint8Array(G * A);
  const predMatch = new Int32Array(N * T).fill(-1);
  const gtMatch = new Int32Array(G * T).fill(-1);
  const predBestIou = new Float64Array(N);
  const gtCrowd = new Uint8Array(G);
  const gtBoxes = new Float64Array(4 * G);
  for (let g = 0; g < G; g++) {
    const gt = gts[g]!;
    gtCrowd[g] = gt.iscrowd ? 1 : 0;
    gtBoxes.set(gt.bbox, 4 * g);
    if (gtImage[g]! < 0) continue;
    for (let a = 0; a < A; a++)
      gtIgnored[g * A + a] = gtCrowd[g] || outside(gtArea[g]!, gtImage[g]!, a) ? 1 : 0;
  }

  const masksOf = iouType === 'segm' ? segmMasks(input, gtImage, predImage) : undefined;
  let order = new Int32Array(64);
  let gtOrder = new Int32Array(64);
  let ignored = new Uint8Array(64);
  let crowd = new Uint8Array(64);
  let taken = new Int32Array(64);
  let ious = new Float64Array(256);
  let sortedIous = new Float64Array(256);
  let matched = new Uint8Array(1024);
  const thresholds = iouThresholds.map((t) => Math.min(t, 1 - 1e-10));
  // Module bindings read in hot loops are copied to locals (bundlers may turn them into getter calls).
  const TRUE_POSITIVE = OUTCOME.truePositive;
  const FALSE_POSITIVE = OUTCOME.falsePositive;
  const IGNORED = OUTCOME.ignored;

  for (let group = 0; group < I * K; group++) {
    const g0 = gtGroups.start[group]!;
    const gCount = gtGroups.start[group + 1]! - g0;
    const d0 = dtGroups.start[group]!;
    const dAll = dtGroups.start[group + 1]! - d0;
    if (dAll === 0) continue;
    const image = Math.floor(group / K);

    // cocoeval.py evaluateImg: predictions by descending score, ties in input order (a stable sort), capped at maxDets[-1].
    if (order.length < dAll) order = new Int32Array(dAll * 2);
    for (let j = 0; j < dAll; j++) order[j] = dtGroups.items[d0 + j]!;
    stableSortByScore(order, dAll, scores);
    const dCount = Math.min(dAll, maxDet);
    const position0 = groupPosition[group]!;
    for (let j = 0; j < dCount; j++) {
      const n = order[j]!;
      predRank[n] = j;
      predPosition[n] = position0 + j;
      categoryPreds[position0 + j] = n;
    }

    if (gCount === 0) {
      // Nothing to match: each prediction is a false positive, or ignored where its size is out of range.
      for (let j = 0; j < dCount; j++) {
        const n = order[j]!;
        const at = (position0 + j) * AT;
        for (let a = 0; a < A; a++) {
          const value = outside(dtArea[n]!, image, a) ? IGNORED : FALSE_POSITIVE;
          for (let t = 0; t < T; t++) outcome[at + a * T + t] = value;
        }
      }
      continue;
    }

    // IoU of every kept prediction with every ground-truth object of the group, rows = predictions.
    if (ious.length < dCount * gCount) {
      ious = new Float64Array(dCount * gCount * 2);
      sortedIous = new Float64Array(dCount * gCount * 2);
    }
    if (masksOf) {
      const values = maskIous(
        Array.from({ length: dCount }, (_, j) => masksOf.pred(order[j]!)),
        Array.from({ length: gCount }, (_, q) => masksOf.gt(gtGroups.items[g0 + q]!)),
        Array.from({ length: gCount }, (_, q) => gtCrowd[gtGroups.items[g0 + q]!] === 1),
      );
      ious.set(values);
    } else {
      for (let j = 0; j < dCount; j++) {
        const box = dts[order[j]!]!.bbox;
        const [dx, dy, dw, dh] = box as [number, number, number, number];
        const da = dw * dh;
        for (let q = 0; q < gCount; q++) {
          const g = gtGroups.items[g0 + q]!;
          // maskApi.c bbIou, inlined: a crowd's union is the prediction's own area.
          let iou = 0;
          const gx = gtBoxes[4 * g]!;
          const gy = gtBoxes[4 * g + 1]!;
          const gw = gtBoxes[4 * g + 2]!;
          const gh = gtBoxes[4 * g + 3]!;
          const w = Math.min(dx + dw, gx + gw) - Math.max(dx, gx);
          if (w > 0) {
            const h = Math.min(dy + dh, gy + gh) - Math.max(dy, gy);
            if (h > 0) {
              const intersection = w * h;
              iou = intersection / (gtCrowd[g] ? da : da + gw * gh - intersection);
            }
          }
          ious[j * gCount + q] = iou;
        }
      }
    }
    for (let j = 0; j < dCount; j++) {
      let best = 0;
      for (let q = 0; q < gCount; q++)
        if (!gtCrowd[gtGroups.items[g0 + q]!]) best = Math.max(best, ious[j * gCount + q]!);
      predBestIou[order[j]!] = best;
    }

    if (gtOrder.length < gCount) {
      gtOrder = new Int32Array(gCount * 2);
      ignored = new Uint8Array(gCount * 2);
      crowd = new Uint8Array(gCount * 2);
      taken = new Int32Array(gCount * 2);
    }
    if (matched.length < A * T * dCount) matched = new Uint8Array(A * T * dCount * 2);
    for (let a = 0; a < A; a++) {
      // Size ranges that ignore the same objects match the same way (COCO's small/medium/large often do):
      // reuse the earlier range's matches; only unmatched predictions depend on their own size.
      let same = -1;
      for (let b = 0; b < a && same < 0; b++) {
        let equal = true;
        for (let q = 0; q < gCount && equal; q++) {
          const g = gtGroups.items[g0 + q]!;
          equal = gtIgnored[g * A + a] === gtIgnored[g * A + b];
        }
        if (equal) same = b;
      }
      if (same >= 0) {
        for (let j = 0; j < dCount; j++) {
          const n = order[j]!;
          const at = (position0 + j) * AT;
          const unmatched = outside(dtArea[n]!, image, a) ? IGNORED : FALSE_POSITIVE;
          for (let t = 0; t < T; t++) {
            const wasMatched = matched[(same * T + t) * dCount + j]!;
            matched[(a * T + t) * dCount + j] = wasMatched;
            outcome[at + a * T + t] = wasMatched ? outcome[at + same * T + t]! : unmatched;
          }
        }
        continue;
      }
      // Ignored ground truth (crowd, or outside the size range) goes last: evaluateImg sorts by _ignore, stably.
      let kept = 0;
      for (let q = 0; q < gCount; q++) if (!gtIgnored[gtGroups.items[g0 + q]! * A + a]) gtOrder[kept++] = q;
      for (let q = 0, next = kept; q < gCount; q++)
        if (gtIgnored[gtGroups.items[g0 + q]! * A + a]) gtOrder[next++] = q;
      for (let s = 0; s < gCount; s++) {
        const g = gtGroups.items[g0 + gtOrder[s]!]!;
        ignored[s] = gtIgnored[g * A + a]!;
        crowd[s] = gtCrowd[g]!;
        for (let j = 0; j < dCount; j++) sortedIous[j * gCount + s] = ious[j * gCount + gtOrder[s]!]!;
      }

      for (let t = 0; t < T; t++) {
        taken.fill(-1, 0, gCount);
        for (let j = 0; j < dCount; j++) {
          const n = order[j]!;
          // evaluateImg: the best IoU ≥ t wins, later equal IoUs replace earlier ones; a crowd can absorb many
          // predictions; once a real object is matched, ignored ones are not considered.
          let best = thresholds[t]!;
          let m = -1;
          const row = j * gCount;
          for (let s = 0; s < gCount; s++) {
            if (taken[s]! >= 0 && crowd[s] === 0) continue;
            if (m > -1 && ignored[m] === 0 && ignored[s] === 1) break;
            const iou = sortedIous[row + s]!;
            if (iou < best) continue;
            best = iou;
            m = s;
          }
          const at = (position0 + j) * AT + a * T + t;
          matched[(a * T + t) * dCount + j] = m === -1 ? 0 : 1;
          if (m === -1) {
            outcome[at] = outside(dtArea[n]!, image, a) ? IGNORED : FALSE_POSITIVE;
            continue;
          }
          taken[m] = n;
          outcome[at] = ignored[m] ? IGNORED : TRUE_POSITIVE;
          if (a === 0) {
            const g = gtGroups.items[g0 + gtOrder[m]!]!;
            predMatch[n * T + t] = g;
            if (!crowd[m]) gtMatch[g * T + t] = n;
          }
        }
      }
    }
  }

  return {
    imageCount: I,
    areaCount: A,
    thresholdCount: T,
    categoryCount: K,
    predImage,
    predCategory,
    gtImage,
    gtCategory,
    predRank,
    outcome,
    predPosition,
    gtIgnored,
    predMatch,
    gtMatch,
    predBestIou,
    categoryPredStart,
    categoryPreds,
  };
}

/** Insertion sort by descending score, stable: groups are small (one image and class). */
function stableSortByScore(order: Int32Array, count: number, scores: Float64Array): void {
  if (count > 32) {
    const sorted = Array.from(order.subarray(0, count)).sort((x, y) => scores[y]! - scores[x]! || x - y);
    order.set(sorted);
    return;
  }
  for (let i = 1; i < count; i++) {
    const item = order[i]!;
    const score = scores[item]!;
    let j = i - 1;
    while (j >= 0 && scores[order[j]!]! < score) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = item;
  }
}

/** Masks for segm IoU, made on first use: polygons are rasterised at their image's size (coco.py annToRLE). */
export function segmMasks(input: EvaluationInput, gtImage: Int32Array, predImage: Int32Array) {
  const gtMasks = new Map<number, RleMask>();
  const predMasks = new Map<number, RleMask>();
  const sizeOf = (image: number) => input.images[image]!;
  return {
    gt(g: number): RleMask {
      let mask = gtMasks.get(g);
      if (!mask) {
        const gt = input.groundTruth[g]!;
        const { width, height } = sizeOf(gtImage[g]!);
        mask = gt.segmentation
          ? segmentationToRle(gt.segmentation, height, width)
          : rleFromPolygons([boxRing(gt.bbox)], height, width);
        gtMasks.set(g, mask);
      }
      return mask;
    },
    pred(n: number): RleMask {
      let mask = predMasks.get(n);
      if (!mask) {
        const dt = input.predictions[n]!;
        const { width, height } = sizeOf(predImage[n]!);
        // coco.py loadRes gives a box result without a segmentation the box's polygon.
        mask = dt.segmentation
          ? segmentationToRle(dt.segmentation, height, width)
          : rleFromPolygons([boxRing(dt.bbox)], height, width);
        predMasks.set(n, mask);
      }
      return mask;
    },
  };
}

/** coco.py loadRes: `[x1, y1, x1, y2, x2, y2, x2, y1]`. */
function boxRing([x, y, w, h]: readonly number[]): number[] {
  const x2 = x! + w!;
  const y2 = y! + h!;
  return [x!, y!, x!, y2, x2, y2, x2, y!];
}
