/** Greedy non-maximum suppression over axis-aligned boxes: class-aware or class-agnostic, with a cap on detections. */

interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What NMS needs of a detection; any extra fields ride along untouched. */
export interface Scored {
  readonly classIndex: number;
  readonly score: number;
  readonly box: Rect;
}

export interface NmsOptions {
  /** A box is suppressed when its IoU with a kept box is strictly greater (torchvision.ops.nms). */
  readonly iouThreshold: number;
  /** Per class (a person does not suppress an overlapping bicycle), or across all classes. */
  readonly classAware: boolean;
  /** At most this many detections are kept (Ultralytics' max_det is 300). */
  readonly maxDetections?: number;
}

/** Intersection over union of two boxes; 0 when both are empty. */
export function iou(a: Rect, b: Rect): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (width <= 0 || height <= 0) return 0;
  const intersection = width * height;
  const union = a.width * a.height + b.width * b.height - intersection;
  return union > 0 ? intersection / union : 0;
}

/**
 * Keeps detections greedily by descending score, dropping each one that overlaps a kept one (of its class,
 * when class-aware) by more than the threshold. Ties in score keep input order, so the earlier candidate
 * (for a decoder: the lower anchor index) wins, and the result is the same on every run and platform.
 * Cost: O(n log n) for the sort plus O(n·k) overlap tests, k the number kept; decoders drop low scores
 * before this, so n is the few hundred candidates above threshold, not 8,400 anchors.
 */
export function nonMaxSuppression<T extends Scored>(detections: readonly T[], options: NmsOptions): T[] {
  const max = options.maxDetections ?? Infinity;
  const order = detections.map((_, index) => index);
  // Array.prototype.sort is stable (ES2019), so equal scores keep their input order.
  order.sort((a, b) => detections[b]!.score - detections[a]!.score);

  const kept: T[] = [];
  // Kept corners per class (one group when class-agnostic), flat for cache-friendly overlap tests.
  const groups = new Map<number, number[]>();
  for (const index of order) {
    if (kept.length >= max) break;
    const detection = detections[index]!;
    const { x, y, width, height } = detection.box;
    const x2 = x + width;
    const y2 = y + height;
    const area = Math.max(width, 0) * Math.max(height, 0);
    const key = options.classAware ? detection.classIndex : 0;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    let suppressed = false;
    for (let k = 0; k < group.length; k += 5) {
      const w = Math.min(x2, group[k + 2]!) - Math.max(x, group[k]!);
      if (w <= 0) continue;
      const h = Math.min(y2, group[k + 3]!) - Math.max(y, group[k + 1]!);
      if (h <= 0) continue;
      const intersection = w * h;
      const union = area + group[k + 4]! - intersection;
      if (union > 0 && intersection / union > options.iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (suppressed) continue;
    group.push(x, y, x2, y2, area);
    kept.push(detection);
  }
  return kept;
}
