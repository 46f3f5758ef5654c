/** Consistency checks about people: an annotator's class mix and box sizes against peers', and time-per-image outliers. */

import { outliers } from '../quality/objectStats';

/**
 * Objects as parallel arrays (200,000 of them are one pass, not 200,000 records): the annotator and class
 * of each as small integers, the log of its area over its image's area (NaN without an area), and whether
 * its image was worked on by more than one annotator.
 */
export interface AnnotatorObjects {
  readonly count: number;
  readonly annotator: Int32Array;
  readonly classIndex: Int32Array;
  readonly logArea: Float64Array;
  readonly sharedImage: Uint8Array;
  readonly annotators: readonly string[];
  /** Class names for messages, by class index. */
  readonly classNames: readonly string[];
}

/**
 * Fewer objects than this say little about a person's habits: a class mix of 10 boxes moves by 0.1 per
 * box. Both the annotator and the peers pooled must have this many.
 */
export const MIN_ANNOTATOR_OBJECTS = 30;
/**
 * Total variation distance (half the L1 distance of the two class distributions: the share of objects
 * that would have to change class) at which a class mix counts as markedly different. 0.25 means a
 * quarter of an annotator's boxes would need another class to match peers; sampling noise at 30 objects
 * over a few classes stays well below it.
 */
export const CLASS_MIX_THRESHOLD = 0.25;
/** An annotator's boxes are reported when their typical area is over 1.5× or under 1/1.5 of peers'. */
export const BOX_SIZE_RATIO = 1.5;
/** A class counts for the box-size comparison when both sides have this many boxes of it. */
const MIN_CLASS_BOXES = 5;
/** Fences need enough times to be meaningful, as size outliers need 8 objects of a class. */
export const MIN_TIMES = 8;

export interface ClassMixFinding {
  readonly annotator: string;
  /** Total variation distance, 0–1. */
  readonly distance: number;
  readonly message: string;
}

/**
 * Which objects the annotator checks compare: those on images more than one annotator worked on, when there
 * are at least MIN_ANNOTATOR_OBJECTS of them, so people are compared on the same pictures rather than on
 * whatever each happened to be given; otherwise every object.
 */
export function comparedObjects(objects: AnnotatorObjects): Uint8Array {
  const { count, sharedImage } = objects;
  let shared = 0;
  for (let i = 0; i < count; i++) shared += sharedImage[i]!;
  return shared >= MIN_ANNOTATOR_OBJECTS ? sharedImage : new Uint8Array(count).fill(1);
}

/** Annotators whose class frequencies are at total variation distance ≥ CLASS_MIX_THRESHOLD from the others' pooled. */
export function classMixFindings(objects: AnnotatorObjects, compared: Uint8Array): ClassMixFinding[] {
  const people = objects.annotators.length;
  const classes = objects.classNames.length;
  const counts = new Float64Array(people * classes);
  const perPerson = new Float64Array(people);
  const perClass = new Float64Array(classes);
  const { annotator, classIndex } = objects;
  for (let i = 0; i < objects.count; i++) {
    if (!compared[i]) continue;
    counts[annotator[i]! * classes + classIndex[i]!]!++;
    perPerson[annotator[i]!]!++;
    perClass[classIndex[i]!]!++;
  }
  let total = 0;
  for (let p = 0; p < people; p++) total += perPerson[p]!;
  const out: ClassMixFinding[] = [];
  for (let p = 0; p < people; p++) {
    const mine = perPerson[p]!;
    const theirs = total - mine;
    if (mine < MIN_ANNOTATOR_OBJECTS || theirs < MIN_ANNOTATOR_OBJECTS) continue;
    let distance = 0;
    let widest = -1;
    let widestGap = -1;
    for (let c = 0; c < classes; c++) {
      const own = counts[p * classes + c]!;
      const gap = Math.abs(own / mine - (perClass[c]! - own) / theirs);
      distance += gap / 2;
      if (gap > widestGap) [widest, widestGap] = [c, gap];
    }
    if (distance < CLASS_MIX_THRESHOLD) continue;
    const own = counts[p * classes + widest]!;
    const name = objects.annotators[p]!;
    out.push({
      annotator: name,
      distance,
      message:
        `${name}'s class mix differs from the others' (total variation ${distance.toFixed(2)}): ` +
        `${objects.classNames[widest]!} is ${percent(own / mine)} of theirs vs ${percent((perClass[widest]! - own) / theirs)}`,
    });
  }
  return out;
}

export interface BoxSizeFinding {
  readonly annotator: string;
  /** The annotator's typical box area over peers' (geometric mean over classes of the median ratio). */
  readonly ratio: number;
  readonly message: string;
}

/**
 * Annotators whose boxes are typically over BOX_SIZE_RATIO× larger or smaller than peers' for the same
 * classes. Per class (both sides with ≥ 5 boxes) the ratio of median relative areas (medians taken on log
 * area, so an even count gives the geometric mean of the middle two); those ratios are combined as a
 * geometric mean weighted by the annotator's box count, so a person who simply labels more of a small
 * class is not called a small-box drawer. Needs MIN_ANNOTATOR_OBJECTS boxes in such classes.
 */
export function boxSizeFindings(objects: AnnotatorObjects, compared: Uint8Array): BoxSizeFinding[] {
  const people = objects.annotators.length;
  const classes = objects.classNames.length;
  const { annotator, classIndex, logArea } = objects;
  // Counting sort by (class, annotator) slot into one buffer: a class's slots are contiguous, so the
  // class's values are one slice of it too.
  const slots = classes * people;
  const start = new Int32Array(slots + 1);
  for (let i = 0; i < objects.count; i++)
    if (compared[i] && !Number.isNaN(logArea[i]!)) start[classIndex[i]! * people + annotator[i]! + 1]!++;
  for (let s = 0; s < slots; s++) start[s + 1]! += start[s]!;
  const filled = start.slice(0, slots);
  const values = new Float64Array(start[slots]!);
  for (let i = 0; i < objects.count; i++)
    if (compared[i] && !Number.isNaN(logArea[i]!))
      values[filled[classIndex[i]! * people + annotator[i]!]!++] = logArea[i]!;
  for (let s = 0; s < slots; s++) values.subarray(start[s]!, start[s + 1]!).sort();
  const everyoneOf = Array.from({ length: classes }, (_, c) =>
    values.slice(start[c * people]!, start[(c + 1) * people]!).sort(),
  );
  const out: BoxSizeFinding[] = [];
  for (let p = 0; p < people; p++) {
    let weight = 0;
    let logSum = 0;
    const used: string[] = [];
    for (let c = 0; c < classes; c++) {
      const mine = values.subarray(start[c * people + p]!, start[c * people + p + 1]!);
      const everyone = everyoneOf[c]!;
      if (mine.length < MIN_CLASS_BOXES || everyone.length - mine.length < MIN_CLASS_BOXES) continue;
      weight += mine.length;
      logSum += mine.length * (median(mine) - medianWithout(everyone, mine));
      used.push(objects.classNames[c]!);
    }
    if (weight < MIN_ANNOTATOR_OBJECTS) continue;
    const ratio = Math.exp(logSum / weight);
    if (ratio <= BOX_SIZE_RATIO && ratio >= 1 / BOX_SIZE_RATIO) continue;
    const name = objects.annotators[p]!;
    const classList =
      used.length > 3 ? `${used.slice(0, 3).join(', ')} and ${used.length - 3} more` : used.join(', ');
    out.push({
      annotator: name,
      ratio,
      message:
        ratio > 1
          ? `${name} draws boxes ${ratio.toFixed(1)}× larger than the others for the same classes (${classList})`
          : `${name} draws boxes ${(1 / ratio).toFixed(1)}× smaller than the others for the same classes (${classList})`,
    });
  }
  return out;
}

export interface TimeEntry {
  readonly imageId: string;
  readonly annotator: string;
  readonly seconds: number;
}

export interface TimeFinding extends TimeEntry {
  readonly tooFast: boolean;
  readonly message: string;
}

/**
 * Times per image outside Tukey's fences on log seconds, over all times recorded (every annotator
 * together, so a person who is always fast stands out). Fences come from the positive times and need
 * MIN_TIMES of them; 0 s counts as too fast. Negative or non-finite times are ignored.
 */
export function timeFindings(entries: readonly TimeEntry[], k: number): TimeFinding[] {
  const logs: number[] = [];
  for (const entry of entries)
    if (entry.seconds > 0 && Number.isFinite(entry.seconds)) logs.push(Math.log(entry.seconds));
  if (logs.length < MIN_TIMES) return [];
  const { low, high } = outliers(logs, k);
  const typical = Math.exp(median(new Float64Array(logs).sort()));
  const out: TimeFinding[] = [];
  for (const entry of entries) {
    if (!(entry.seconds >= 0) || !Number.isFinite(entry.seconds)) continue;
    const value = Math.log(entry.seconds);
    if (value >= low && value <= high) continue;
    const tooFast = value < low;
    out.push({
      ...entry,
      tooFast,
      message: `${entry.annotator} spent ${duration(entry.seconds)} on this image, ${tooFast ? 'much less' : 'much more'} than usual (typically ${duration(typical)})`,
    });
  }
  return out;
}

function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median of `everyone` with the values of `mine` (a sub-multiset of it, both sorted) taken out: one
 * walk instead of sorting the peers again for every annotator.
 */
export function medianWithout(everyone: Float64Array, mine: Float64Array): number {
  const size = everyone.length - mine.length;
  const wanted = size % 2 === 1 ? [size >> 1] : [(size >> 1) - 1, size >> 1];
  let sum = 0;
  let rank = 0;
  let j = 0;
  for (let i = 0; i < everyone.length && rank <= wanted[wanted.length - 1]!; i++) {
    const value = everyone[i]!;
    if (j < mine.length && mine[j] === value) {
      j++;
      continue;
    }
    if (wanted.includes(rank)) sum += value;
    rank++;
  }
  return sum / wanted.length;
}

const percent = (share: number): string => `${Math.round(share * 100)}%`;

function duration(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
