/**
 * Per-image uncertainty scores for the next annotation queue (active learning): higher means the model is
 * less sure about the image, so a label there is worth more.
 */

import { boxIou } from '../evaluation/match';

/** One predicted object as a model run stores it: `box` is `[x, y, width, height]` in image pixels. */
export interface Detection {
  readonly classId: string;
  readonly box: readonly [number, number, number, number];
  readonly score: number;
}

export interface DetectionUncertainty {
  /** Mean binary entropy of the confidences, in bits (0–1); 0 for an image without detections. */
  readonly entropy: number;
  /** Detections whose confidence lies in the band (ends included). */
  readonly ambiguous: number;
  /** Sum of the binary entropies; the ranking key. */
  readonly score: number;
}

/**
 * Entropy sampling for detectors (the "least confidence / entropy" baselines of active learning, e.g.
 * Settles 2009, §3.1; Brust et al. 2019 for detection): each confidence p is a yes/no belief with binary
 * entropy H(p) = −p log₂ p − (1 − p) log₂(1 − p), 1 bit at p = 0.5 and 0 at 0 or 1.
 * The score is the sum, not the mean: an image with five boxes at 0.5 holds five uncertain objects to fix
 * and should rank above an image with one, while the mean would rank them equal (and a mean is pulled down
 * by the many confident background boxes a crowded image also has).
 */
export function detectionUncertainty(
  scores: readonly number[],
  band: readonly [number, number] = [0.3, 0.7],
): DetectionUncertainty {
  const [low, high] = band;
  if (!(low <= high)) throw new RangeError(`the band [${low}, ${high}] is empty`);
  let sum = 0;
  let ambiguous = 0;
  for (const p of scores) {
    checkProbability(p);
    sum += binaryEntropy(p);
    if (p >= low && p <= high) ambiguous++;
  }
  return { entropy: scores.length === 0 ? 0 : sum / scores.length, ambiguous, score: sum };
}

export interface ClassificationUncertainty {
  /** Best score minus the second best (a missing second counts as 0). */
  readonly margin: number;
  /** Shannon entropy in bits of the scores scaled to sum to 1 (uniform when all are 0). */
  readonly entropy: number;
  /** 1 − margin: the ranking key. */
  readonly score: number;
}

/**
 * Margin sampling (Scheffer, Decomain & Wrobel 2001, "Active Hidden Markov Models for Information
 * Extraction"): the smaller the gap between the two best classes, the closer the image is to the decision
 * boundary. Scores are used as given (softmax probabilities, or any non-negative per-class scores).
 */
export function classificationUncertainty(scores: readonly number[]): ClassificationUncertainty {
  if (scores.length === 0) throw new RangeError('classification uncertainty needs at least one class score');
  let top1 = -Infinity;
  let top2 = 0;
  let total = 0;
  for (const s of scores) {
    if (!(s >= 0) || !Number.isFinite(s))
      throw new RangeError(`class scores must be finite and non-negative, got ${s}`);
    if (s > top1) {
      top2 = top1 === -Infinity ? top2 : top1;
      top1 = s;
    } else if (s > top2) top2 = s;
    total += s;
  }
  let entropy = 0;
  if (total === 0) entropy = Math.log2(scores.length);
  else
    for (const s of scores) {
      const p = s / total;
      if (p > 0) entropy -= p * Math.log2(p);
    }
  const margin = top1 - top2;
  return { margin, entropy, score: 1 - margin };
}

/**
 * Query-by-committee with a committee of two (Seung, Opper & Sompolinsky 1992): how much two model runs'
 * predictions on one image disagree, as 1 − F1 of a matching between them (0 = the same objects, 1 = no
 * object in common; 0 when both found nothing).
 * Matching is COCO's greedy rule (cocoeval.py evaluateImg) with run `a` as the predictions and run `b` as
 * the reference: `a`'s boxes by descending score (ties by input order) each take the unmatched `b` box of
 * the same class with the highest IoU ≥ `iouThreshold` (ties by input order). F1 = 2·matches / (|a| + |b|).
 * When several boxes compete for one box, swapping `a` and `b` can change the matching, as in COCO.
 */
export function runDisagreement(
  a: readonly Detection[],
  b: readonly Detection[],
  iouThreshold = 0.5,
): number {
  if (!(iouThreshold > 0 && iouThreshold <= 1))
    throw new RangeError(`iouThreshold must be in (0, 1], got ${iouThreshold}`);
  if (a.length + b.length === 0) return 0;
  const order = a.map((_, i) => i);
  // Array.prototype.sort is stable, so equal scores keep input order.
  order.sort((i, j) => a[j]!.score - a[i]!.score);
  const taken = new Uint8Array(b.length);
  let matches = 0;
  for (const i of order) {
    const detection = a[i]!;
    let best = -1;
    let bestIou = -Infinity;
    for (let j = 0; j < b.length; j++) {
      if (taken[j] || b[j]!.classId !== detection.classId) continue;
      const iou = boxIou(detection.box, b[j]!.box, false);
      // COCO accepts an IoU equal to the threshold.
      if (iou >= iouThreshold && iou > bestIou) {
        best = j;
        bestIou = iou;
      }
    }
    if (best >= 0) {
      taken[best] = 1;
      matches++;
    }
  }
  return 1 - (2 * matches) / (a.length + b.length);
}

/**
 * Items by descending score, equal scores in input order; each score is computed once. NaN scores go
 * last (an image that could not be scored should not jump the queue).
 */
export function rankImages<T>(items: readonly T[], score: (item: T) => number): T[] {
  const keyed = items.map((item, index) => ({ item, index, key: score(item) }));
  keyed.sort((x, y) => {
    const xNaN = Number.isNaN(x.key);
    const yNaN = Number.isNaN(y.key);
    if (xNaN || yNaN) return xNaN === yNaN ? x.index - y.index : xNaN ? 1 : -1;
    return y.key > x.key ? 1 : y.key < x.key ? -1 : x.index - y.index;
  });
  return keyed.map(({ item }) => item);
}

function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

function checkProbability(p: number): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`detection confidences must lie in [0, 1], got ${p}`);
}
