/** Which classes a confusion heatmap shows: empty classes hidden, then the most confused kept. */

export interface ConfusionView {
  /** Original indices shown, in their original order; background (the last label) is always kept. */
  shown: number[];
  /** Classes with no ground truth and no predictions at all. */
  hiddenEmpty: number[];
  /** Classes dropped to stay under the limit, having the least off-diagonal confusion. */
  hiddenQuiet: number[];
}

/**
 * `counts` is the row-major (K+1)² matrix (rows ground truth, columns predicted, last = background).
 * Confusion of a class = its row's and its column's off-diagonal counts, so both missed and wrongly
 * predicted boxes count.
 */
export function confusionView(labelCount: number, counts: ArrayLike<number>, maxClasses = 20): ConfusionView {
  const n = labelCount;
  const background = n - 1;
  const at = (r: number, c: number) => counts[r * n + c] ?? 0;
  const used: number[] = [];
  const hiddenEmpty: number[] = [];
  const confusion = new Map<number, number>();
  for (let i = 0; i < background; i++) {
    let any = 0;
    let off = 0;
    for (let j = 0; j < n; j++) {
      any += at(i, j) + at(j, i);
      if (j !== i) off += at(i, j) + at(j, i);
    }
    if (any > 0) used.push(i);
    else hiddenEmpty.push(i);
    confusion.set(i, off);
  }
  let kept = used;
  let hiddenQuiet: number[] = [];
  if (used.length > Math.max(0, maxClasses)) {
    const ranked = [...used].sort((a, b) => confusion.get(b)! - confusion.get(a)! || a - b);
    const keep = new Set(ranked.slice(0, Math.max(0, maxClasses)));
    kept = used.filter((i) => keep.has(i));
    hiddenQuiet = used.filter((i) => !keep.has(i));
  }
  return { shown: n > 0 ? [...kept, background] : [], hiddenEmpty, hiddenQuiet };
}
