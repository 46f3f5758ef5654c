/** Which objects annotators drew alike: IoU matching per image for two or more annotators (or one and gold), and the measures it yields. */

import type { Annotation, Geometry } from '../annotations/types';
import { boxIou } from '../evaluation/match';
import type { ImageSize } from '../geometry/spaces';
import { cohensKappa, type CohensKappa } from './agreementStats';
import { shapeIous } from './shapeIou';

/** One annotator's object: a box `[x, y, width, height]` in pixels on an image, with a class. */
export interface AgreementObject {
  readonly id: string;
  readonly imageId: string;
  readonly classId: string;
  readonly box: readonly [number, number, number, number];
}

export interface MatchedPair {
  readonly a: AgreementObject;
  readonly b: AgreementObject;
  readonly iou: number;
  readonly sameClass: boolean;
}

export interface AnnotatorMatching {
  /** In order of acceptance: descending IoU. */
  readonly matched: readonly MatchedPair[];
  readonly unmatchedA: readonly AgreementObject[];
  readonly unmatchedB: readonly AgreementObject[];
}

function checkThreshold(iouThreshold: number): void {
  if (!(iouThreshold > 0 && iouThreshold <= 1))
    throw new RangeError(`iouThreshold must lie in (0, 1], got ${iouThreshold}`);
}

function byImage(objects: readonly AgreementObject[]): Map<string, AgreementObject[]> {
  const groups = new Map<string, AgreementObject[]>();
  for (const object of objects) {
    const group = groups.get(object.imageId);
    if (group) group.push(object);
    else groups.set(object.imageId, [object]);
  }
  return groups;
}

/**
 * Pairs a's and b's objects one-to-one per image, greedily by descending IoU (ties: earlier a, then earlier
 * b), keeping pairs with IoU ≥ `iouThreshold`. Class-agnostic on purpose: a box both annotators drew but
 * named differently is a matched pair with `sameClass: false`, so class disagreement can be measured.
 */
export function matchAnnotators(
  a: readonly AgreementObject[],
  b: readonly AgreementObject[],
  iouThreshold: number,
): AnnotatorMatching {
  checkThreshold(iouThreshold);
  const bByImage = byImage(b);
  const matched: MatchedPair[] = [];
  const used = new Set<AgreementObject>();
  for (const [imageId, group] of byImage(a)) {
    const others = bByImage.get(imageId) ?? [];
    const candidates: { i: number; j: number; iou: number }[] = [];
    group.forEach((x, i) =>
      others.forEach((y, j) => {
        const iou = boxIou(y.box, x.box, false);
        if (iou >= iouThreshold) candidates.push({ i, j, iou });
      }),
    );
    candidates.sort((p, q) => q.iou - p.iou || p.i - q.i || p.j - q.j);
    for (const { i, j, iou } of candidates) {
      const x = group[i]!;
      const y = others[j]!;
      if (used.has(x) || used.has(y)) continue;
      used.add(x);
      used.add(y);
      matched.push({ a: x, b: y, iou, sameClass: x.classId === y.classId });
    }
  }
  return {
    matched,
    unmatchedA: a.filter((x) => !used.has(x)),
    unmatchedB: b.filter((y) => !used.has(y)),
  };
}

export interface PairAgreement {
  readonly matching: AnnotatorMatching;
  readonly countA: number;
  readonly countB: number;
  readonly matchedCount: number;
  /** Of b's objects, the fraction a also drew (a taken as the reference); NaN when b has none. */
  readonly precision: number;
  /** Of a's objects, the fraction b also drew; NaN when a has none. */
  readonly recall: number;
  /** Harmonic mean of the two; symmetric in a and b. NaN when either is undefined, 0 when both are 0. */
  readonly f1: number;
  /** Mean IoU of the matched pairs; NaN with none. */
  readonly meanIou: number;
  /** Class agreement on the matched pairs: the fraction with the same class, and Cohen's kappa. */
  readonly classAgreement: {
    readonly agreed: number;
    readonly fraction: number;
    readonly kappa: CohensKappa;
  };
}

/** Detection agreement (precision, recall, F1 of b against a), localization (mean IoU) and class agreement. */
export function pairAgreement(
  a: readonly AgreementObject[],
  b: readonly AgreementObject[],
  iouThreshold: number,
): PairAgreement {
  const matching = matchAnnotators(a, b, iouThreshold);
  const { matched } = matching;
  const precision = b.length === 0 ? NaN : matched.length / b.length;
  const recall = a.length === 0 ? NaN : matched.length / a.length;
  const f1 = f1Of(precision, recall);
  const meanIou =
    matched.length === 0 ? NaN : matched.reduce((sum, pair) => sum + pair.iou, 0) / matched.length;
  const agreed = matched.filter((pair) => pair.sameClass).length;
  return {
    matching,
    countA: a.length,
    countB: b.length,
    matchedCount: matched.length,
    precision,
    recall,
    f1,
    meanIou,
    classAgreement: {
      agreed,
      fraction: matched.length === 0 ? NaN : agreed / matched.length,
      kappa: cohensKappa(
        matched.map((pair) => pair.a.classId),
        matched.map((pair) => pair.b.classId),
      ),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Every annotator of one image at once, for any geometry

/** Two annotators' objects paired one-to-one on an image, by their positions in each annotator's list. */
export interface RaterPairMatching {
  /** Annotator positions in the list given to matchImage, `a < b`. */
  readonly a: number;
  readonly b: number;
  /** Pairs `[a's object, b's object]` in order of acceptance: descending IoU. */
  readonly matched: readonly { readonly a: number; readonly b: number; readonly iou: number }[];
}

export interface ClusterMember {
  /** The annotator's position in the list given to matchImage. */
  readonly rater: number;
  /** The object's position in that annotator's list. */
  readonly object: number;
  /** Mean IoU of this object with the cluster's other members; NaN when it is alone. */
  readonly meanIou: number;
}

/** One object as the annotators drew it: at most one member per annotator, in annotator order. */
export interface ObjectCluster {
  readonly members: readonly ClusterMember[];
  /** Mean IoU over every pair of members (matched directly or not); NaN for a single member. */
  readonly meanIou: number;
}

export interface ImageMatching {
  /** One entry per annotator pair, in the order (0,1), (0,2), …, (1,2), …. */
  readonly pairs: readonly RaterPairMatching[];
  /** Every object of every annotator in exactly one cluster, clusters ordered by their first member. */
  readonly clusters: readonly ObjectCluster[];
}

type PairMatch = { readonly a: number; readonly b: number; readonly iou: number };

/** IoU of objects u and v (global numbers, u's annotator first) from the annotator pairs' IoU matrices. */
function pairIou(
  matrices: readonly Float64Array[],
  raters: readonly (readonly Geometry[])[],
  raterOf: readonly number[],
  offsets: readonly number[],
  u: number,
  v: number,
): number {
  const r = raters.length;
  const a = raterOf[u]!;
  const b = raterOf[v]!;
  return matrices[a * r - (a * (a + 1)) / 2 + (b - a - 1)]![
    (u - offsets[a]!) * raters[b]!.length + (v - offsets[b]!)
  ]!;
}

/** The root of k's cluster in a union-find forest, halving the path on the way. */
function rootOf(parent: number[], k: number): number {
  while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
  return k;
}

/** Candidate p before q: descending IoU, then earlier pair, earlier a, earlier b (no two candidates tie). */
const candidateOrder = (
  p: number,
  q: number,
  ious: readonly number[],
  pairOf: readonly number[],
  first: readonly number[],
  second: readonly number[],
): number =>
  ious[q]! - ious[p]! || pairOf[p]! - pairOf[q]! || first[p]! - first[q]! || second[p]! - second[q]!;

/**
 * Sorts candidate numbers into acceptance order. An image has a few dozen candidates, for which an insertion
 * sort without a comparator closure is cheapest; the order is total, so either sort gives the same result.
 */
function sortCandidates(
  order: number[],
  ious: readonly number[],
  pairOf: readonly number[],
  first: readonly number[],
  second: readonly number[],
): void {
  if (order.length > 32) {
    order.sort((p, q) => candidateOrder(p, q, ious, pairOf, first, second));
    return;
  }
  for (let i = 1; i < order.length; i++) {
    const k = order[i]!;
    let j = i - 1;
    while (j >= 0 && candidateOrder(order[j]!, k, ious, pairOf, first, second) > 0) {
      order[j + 1] = order[j]!;
      j--;
    }
    order[j + 1] = k;
  }
}

/**
 * Matches the objects of every annotator of one image (`raters[r]` = annotator r's shapes) at IoU ≥
 * `iouThreshold` (IoU by shapeIous), regardless of class so that naming disagreements stay visible:
 * - per annotator pair, one-to-one greedily by descending IoU (ties: earlier pair, earlier a, earlier b), as
 *   matchAnnotators does for boxes;
 * - clusters: the same candidate pairs over all annotators, in the same order, join two clusters unless that
 *   would put two objects of one annotator together (agglomerative, with a cannot-link per annotator). With
 *   two annotators the clusters are exactly the pair's matches.
 */
export function matchImage(
  raters: readonly (readonly Geometry[])[],
  image: ImageSize,
  iouThreshold: number,
): ImageMatching {
  checkThreshold(iouThreshold);
  const r = raters.length;
  // Objects are numbered across annotators: annotator a's object i is offsets[a] + i.
  // Plain arrays, not typed ones: these are a few dozen numbers per image, and typed arrays cost more to make.
  const offsets = [0];
  for (let a = 0; a < r; a++) offsets.push(offsets[a]! + raters[a]!.length);
  const total = offsets[r]!;
  const pairs: { a: number; b: number; matched: PairMatch[] }[] = [];
  const matrices: Float64Array[] = [];
  // Candidate k is the pair of objects (first[k], second[k]) with IoU ious[k], of annotator pair pairOf[k].
  const candidateIous: number[] = [];
  const first: number[] = [];
  const second: number[] = [];
  const pairOf: number[] = [];
  for (let a = 0; a < r; a++)
    for (let b = a + 1; b < r; b++) {
      const ious = shapeIous(raters[a]!, raters[b]!, image);
      const n = raters[b]!.length;
      for (let k = 0; k < ious.length; k++)
        if (ious[k]! >= iouThreshold) {
          candidateIous.push(ious[k]!);
          first.push(offsets[a]! + Math.floor(k / n));
          second.push(offsets[b]! + (k % n));
          pairOf.push(pairs.length);
        }
      pairs.push({ a, b, matched: [] });
      matrices.push(ious);
    }
  // Global numbering is annotator-major, so (pair, first, second) is the tie order (pair, earlier a, earlier b).
  const order = new Array<number>(candidateIous.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  sortCandidates(order, candidateIous, pairOf, first, second);

  // An object is matched at most once per annotator pair, but may be matched in every pair it belongs to.
  const usedInPair = new Array<number>(pairs.length * total).fill(0);
  const parent = new Array<number>(total);
  // raterIn[root * r + a] = 1 when annotator a has an object in root's cluster: the cannot-link.
  const raterIn = new Array<number>(total * r).fill(0);
  const raterOf = new Array<number>(total);
  for (let a = 0; a < r; a++)
    for (let k = offsets[a]!; k < offsets[a + 1]!; k++) {
      parent[k] = k;
      raterIn[k * r + a] = 1;
      raterOf[k] = a;
    }
  for (const k of order) {
    const pair = pairOf[k]!;
    const x = first[k]!;
    const y = second[k]!;
    const p = pairs[pair]!;
    if (!usedInPair[pair * total + x] && !usedInPair[pair * total + y]) {
      usedInPair[pair * total + x] = usedInPair[pair * total + y] = 1;
      p.matched.push({ a: x - offsets[p.a]!, b: y - offsets[p.b]!, iou: candidateIous[k]! });
    }
    const rx = rootOf(parent, x);
    const ry = rootOf(parent, y);
    if (rx === ry) continue;
    let shared = false;
    for (let a = 0; a < r && !shared; a++) shared = raterIn[rx * r + a]! + raterIn[ry * r + a]! === 2;
    if (shared) continue;
    const keep = rx < ry ? rx : ry;
    const gone = rx < ry ? ry : rx;
    parent[gone] = keep;
    for (let a = 0; a < r; a++) raterIn[keep * r + a] ||= raterIn[gone * r + a]!;
  }

  // A cluster's root is its lowest-numbered object, so clusters come out ordered by their first member, and
  // its members, chained through `next` in object order, in annotator order.
  const groupOf = new Array<number>(total).fill(-1);
  const heads: number[] = [];
  const tails: number[] = [];
  const sizes: number[] = [];
  const next = new Array<number>(total).fill(-1);
  for (let k = 0; k < total; k++) {
    const key = rootOf(parent, k);
    const g = groupOf[key]!;
    if (g < 0) {
      groupOf[key] = heads.length;
      heads.push(k);
      tails.push(k);
      sizes.push(1);
    } else {
      next[tails[g]!] = k;
      tails[g] = k;
      sizes[g]!++;
    }
  }
  const clusters: ObjectCluster[] = new Array<ObjectCluster>(heads.length);
  const iouOf = (u: number, v: number) => pairIou(matrices, raters, raterOf, offsets, u, v);
  const memberOf = (k: number, meanIou: number): ClusterMember => ({
    rater: raterOf[k]!,
    object: k - offsets[raterOf[k]!]!,
    meanIou,
  });
  for (let g = 0; g < heads.length; g++) {
    const size = sizes[g]!;
    const head = heads[g]!;
    // Singletons and pairs, nearly every cluster, skip the sums below (which give x / 1 = x for a pair).
    if (size === 1) clusters[g] = { members: [memberOf(head, NaN)], meanIou: NaN };
    else if (size === 2) {
      const other = next[head]!;
      const iou = iouOf(head, other);
      clusters[g] = { members: [memberOf(head, iou), memberOf(other, iou)], meanIou: iou };
    } else {
      const group = new Array<number>(size);
      for (let u = 0, k = head; u < size; u++, k = next[k]!) group[u] = k;
      const sums = new Array<number>(size).fill(0);
      let sum = 0;
      for (let u = 0; u < size; u++)
        for (let v = u + 1; v < size; v++) {
          const iou = iouOf(group[u]!, group[v]!);
          sums[u]! += iou;
          sums[v]! += iou;
          sum += iou;
        }
      const others = size - 1;
      const members = new Array<ClusterMember>(size);
      for (let u = 0; u < size; u++) members[u] = memberOf(group[u]!, sums[u]! / others);
      clusters[g] = { members, meanIou: sum / ((size * others) / 2) };
    }
  }
  return { pairs, clusters };
}

// ---------------------------------------------------------------------------------------------------------
// Labels of whole images, and one annotator against known labels

/** One annotator's labels of one image; the image's size is needed to compare polygons as masks. */
export interface LabelSet {
  readonly annotator: string;
  readonly imageId: string;
  readonly width: number;
  readonly height: number;
  readonly annotations: readonly Annotation[];
}

/** Matched objects counted: how many, their summed IoU, and how many were named alike. */
export interface MatchTally {
  matched: number;
  iouSum: number;
  sameClass: number;
}
export const newTally = (): MatchTally => ({ matched: 0, iouSum: 0, sameClass: 0 });
export function count(tally: MatchTally, iou: number, sameClass: boolean): void {
  tally.matched++;
  tally.iouSum += iou;
  if (sameClass) tally.sameClass++;
}

const ratio = (part: number, whole: number): number => (whole === 0 ? NaN : part / whole);
/** The harmonic mean of precision and recall; NaN when either is undefined, 0 when both are 0. */
export const f1Of = (precision: number, recall: number): number =>
  precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);

export interface GoldAccuracy {
  readonly images: number;
  /** The annotator's objects on gold images, and the gold objects there. */
  readonly objects: number;
  readonly goldObjects: number;
  readonly matched: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Of matched objects, the fraction with the gold class. */
  readonly classAccuracy: number;
  readonly meanIou: number;
}

/**
 * An annotator's accuracy on the gold images among `sets` (their label sets): their objects matched to the
 * gold objects by matchImage, precision over their objects and recall over the gold ones.
 */
export function goldAccuracy(
  sets: readonly LabelSet[],
  gold: ReadonlyMap<string, LabelSet>,
  iouThreshold: number,
): GoldAccuracy {
  let images = 0;
  let objects = 0;
  let goldObjects = 0;
  const tally = newTally();
  for (const set of sets) {
    const truth = gold.get(set.imageId);
    if (!truth) continue;
    images++;
    objects += set.annotations.length;
    goldObjects += truth.annotations.length;
    const shapes = [truth.annotations.map((a) => a.geometry), set.annotations.map((a) => a.geometry)];
    for (const m of matchImage(shapes, truth, iouThreshold).pairs[0]!.matched)
      count(tally, m.iou, truth.annotations[m.a]!.classId === set.annotations[m.b]!.classId);
  }
  const precision = ratio(tally.matched, objects);
  const recall = ratio(tally.matched, goldObjects);
  return {
    images,
    objects,
    goldObjects,
    matched: tally.matched,
    precision,
    recall,
    f1: f1Of(precision, recall),
    classAccuracy: ratio(tally.sameClass, tally.matched),
    meanIou: ratio(tally.iouSum, tally.matched),
  };
}
