/** Which objects two annotators drew alike: IoU matching per image, and the agreement measures it yields. */

import { boxIou } from '../evaluation/match';
import { cohensKappa, type CohensKappa } from './agreementStats';

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
  if (!(iouThreshold > 0 && iouThreshold <= 1))
    throw new RangeError(`iouThreshold must lie in (0, 1], got ${iouThreshold}`);
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
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
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
