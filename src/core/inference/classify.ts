/** Image classification outputs as image tags: logits to probabilities (softmax for one class per image, sigmoid for several) and the top classes above a threshold. */

/** A class the model gives the image, most likely first. */
export interface ImageTag {
  readonly classIndex: number;
  /** The model card's name for the class, when it has one. */
  readonly name?: string;
  readonly score: number;
}

/** Softmax, stable for large logits: the maximum is subtracted before exponentiating. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  const out = new Float64Array(logits.length);
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  if (max === -Infinity) return out.fill(logits.length > 0 ? 1 / logits.length : 0);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i]! - max);
    sum += out[i]!;
  }
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

/** The logistic function, without overflow for large negative inputs. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export interface TagOptions {
  /** At most this many tags (default 5). */
  readonly k?: number;
  /** Only classes scoring at least this (default 0). */
  readonly threshold?: number;
  /** Class names by index. */
  readonly names?: readonly string[];
}

/** The k highest scores at or above the threshold, highest first; ties go to the lower class index. */
export function topTags(scores: ArrayLike<number>, options: TagOptions = {}): ImageTag[] {
  const { k = 5, threshold = 0, names } = options;
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! >= threshold) order.push(i);
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return order.slice(0, Math.max(0, k)).map((classIndex) => {
    const name = names?.[classIndex];
    return name === undefined
      ? { classIndex, score: scores[classIndex]! }
      : { classIndex, name, score: scores[classIndex]! };
  });
}

/**
 * Tags from a classifier's logits. 'single-label' (one class per image, ImageNet-style) turns them into
 * probabilities that sum to 1 with softmax; 'multi-label' scores each class on its own with a sigmoid.
 * Models that already end in softmax or sigmoid should pass their output to `topTags` directly.
 */
export function tagsFromLogits(
  logits: ArrayLike<number>,
  mode: 'single-label' | 'multi-label',
  options: TagOptions = {},
): ImageTag[] {
  const scores =
    mode === 'single-label' ? softmax(logits) : Float64Array.from(logits as ArrayLike<number>, sigmoid);
  return topTags(scores, options);
}
