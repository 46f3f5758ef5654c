/** One set of labels from several annotators' labels of an image: matched objects merged by vote, ties sent to review. */

import type {
  Annotation,
  AnnotationId,
  AttributeValue,
  AttributeValues,
  Geometry,
} from '../annotations/types';
import { attributeCategory, byName } from './agreement';
import { matchImage, type ClusterMember, type LabelSet } from './agreementMatch';

export interface ConsensusOptions {
  /** Objects are the same object at IoU ≥ this (shapeIous), as in the agreement report; 0.5 by default. */
  readonly iouThreshold?: number;
  /** Fewest annotators who must draw an object to keep it; more than half of the image's annotators by default. */
  readonly quorum?: number;
  /** Who the merged annotations are by (createdBy, updatedBy). */
  readonly author: string;
  readonly now: number;
  readonly schemaVersion: number;
  readonly newId: () => AnnotationId;
}

/** One annotator's object that went into a merged one. */
export interface ConsensusSource {
  readonly annotator: string;
  readonly annotationId: AnnotationId;
}

export interface ConsensusResult {
  /** Merged objects in the order of their first annotator's objects; tied ones carry a `review` flag. */
  readonly annotations: readonly Annotation[];
  /** The merged objects that wait for a person: which one, why, and what it was made from. */
  readonly review: readonly {
    readonly annotationId: AnnotationId;
    readonly reason: string;
    readonly members: readonly ConsensusSource[];
  }[];
  /** Objects too few annotators drew, left out. */
  readonly dropped: readonly { readonly reason: string; readonly members: readonly ConsensusSource[] }[];
}

interface Vote<T> {
  readonly winner: T;
  /** The categories sharing the most votes, when more than one does. */
  readonly tied: readonly string[];
}

/**
 * Majority vote over `values` in annotator order: the most frequent category wins; on a tie, the category of
 * the earliest annotator among the tied ones, so the result does not depend on input order.
 */
function vote<T>(values: readonly T[], categoryOf: (value: T) => string): Vote<T> {
  const counts = new Map<string, number>();
  for (const value of values) {
    const category = categoryOf(value);
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  const most = Math.max(...counts.values());
  const top = [...counts].filter(([, c]) => c === most).map(([category]) => category);
  const winner = values.find((value) => top.includes(categoryOf(value)))!;
  return { winner, tied: top.length > 1 ? top : [] };
}

/**
 * The merged shape: boxes (and points) by the coordinate-wise mean of the members, which is the mean of their
 * corners too; anything else (polygons, rotated boxes, mixed kinds) is the member with the highest mean IoU
 * to the others (the medoid), since averaging outlines with different vertex counts has no meaning.
 */
function mergedGeometry(geometries: readonly Geometry[], members: readonly ClusterMember[]): Geometry {
  const n = geometries.length;
  const mean = (f: (g: Geometry) => number) => geometries.reduce((sum, g) => sum + f(g), 0) / n;
  if (geometries.every((g) => g.kind === 'box'))
    return {
      kind: 'box',
      x: mean((g) => (g.kind === 'box' ? g.x : 0)),
      y: mean((g) => (g.kind === 'box' ? g.y : 0)),
      width: mean((g) => (g.kind === 'box' ? g.width : 0)),
      height: mean((g) => (g.kind === 'box' ? g.height : 0)),
    };
  if (geometries.every((g) => g.kind === 'point'))
    return {
      kind: 'point',
      x: mean((g) => (g.kind === 'point' ? g.x : 0)),
      y: mean((g) => (g.kind === 'point' ? g.y : 0)),
    };
  let best = 0;
  // A single member's mean IoU is NaN; `>` keeps the earliest annotator on ties.
  members.forEach((member, k) => {
    if (member.meanIou > members[best]!.meanIou) best = k;
  });
  return geometries[best]!;
}

/** Per attribute set by any of `labels`, the majority value among those that set it, and the ties. */
function mergedAttributes(labels: readonly Annotation[]): { values: AttributeValues; ties: string[] } {
  const ids = [...new Set(labels.flatMap((a) => Object.keys(a.attributes)))].sort(byName);
  const values: Record<string, AttributeValue> = {};
  const ties: string[] = [];
  for (const id of ids) {
    const given: AttributeValue[] = [];
    for (const a of labels) {
      const value = a.attributes[id];
      if (value !== undefined) given.push(value);
    }
    const { winner, tied } = vote(given, attributeCategory);
    values[id] = winner;
    if (tied.length > 0) ties.push(`attribute ${id} ${tied.join(' vs ')}`);
  }
  return { values, ties };
}

/**
 * Merges several annotators' label sets of one image into one. Objects are clustered as in the agreement
 * report (matchImage); per cluster:
 * - drawn by fewer annotators than the quorum: dropped and reported, except when exactly half the image's
 *   annotators drew it, a tie on whether it exists, which is kept and flagged for review;
 * - class by majority vote among the annotators who drew it; a tie takes the class of the earliest annotator
 *   (by name) among the tied classes and flags the object for review;
 * - shape by mergedGeometry; attributes by majority vote per attribute among the members that gave the
 *   winning class (attributes belong to a class), ties flagged the same way.
 */
export function buildConsensus(labelSets: readonly LabelSet[], options: ConsensusOptions): ConsensusResult {
  const sets = [...labelSets].sort((x, y) => byName(x.annotator, y.annotator));
  const first = sets[0];
  if (!first) return { annotations: [], review: [], dropped: [] };
  sets.forEach((set, k) => {
    if (set.imageId !== first.imageId)
      throw new RangeError(`consensus merges one image, got ${first.imageId} and ${set.imageId}`);
    if (k > 0 && set.annotator === sets[k - 1]!.annotator)
      throw new RangeError(`${set.annotator} has two label sets for image ${set.imageId}`);
  });
  const raters = sets.length;
  const quorum = options.quorum ?? Math.floor(raters / 2) + 1;
  const { now, author, schemaVersion } = options;
  const { clusters } = matchImage(
    sets.map((set) => set.annotations.map((a) => a.geometry)),
    first,
    options.iouThreshold ?? 0.5,
  );

  const annotations: Annotation[] = [];
  const review: { annotationId: AnnotationId; reason: string; members: ConsensusSource[] }[] = [];
  const dropped: { reason: string; members: ConsensusSource[] }[] = [];
  for (const cluster of clusters) {
    const labels = cluster.members.map((m) => sets[m.rater]!.annotations[m.object]!);
    const members = cluster.members.map((m, k) => ({
      annotator: sets[m.rater]!.annotator,
      annotationId: labels[k]!.id,
    }));
    const drawn = members.length;
    const ties: string[] = [];
    if (drawn < quorum) {
      if (2 * drawn !== raters) {
        dropped.push({
          reason: `Drawn by ${drawn} of ${raters} annotators, fewer than the quorum of ${quorum}`,
          members,
        });
        continue;
      }
      ties.push(`drawn by ${drawn} of ${raters} annotators`);
    }
    const { winner, tied } = vote(labels, (a) => a.classId);
    if (tied.length > 0) ties.push(`class ${tied.join(' vs ')}`);
    const attributes = mergedAttributes(labels.filter((a) => a.classId === winner.classId));
    ties.push(...attributes.ties);

    const annotation: Annotation = {
      id: options.newId(),
      classId: winner.classId,
      geometry: mergedGeometry(
        labels.map((a) => a.geometry),
        cluster.members,
      ),
      attributes: attributes.values,
      schemaVersion,
      createdBy: author,
      createdAt: now,
      updatedBy: author,
      updatedAt: now,
    };
    if (ties.length === 0) annotations.push(annotation);
    else {
      const reason = `Consensus tie: ${ties.join('; ')}`;
      annotations.push({ ...annotation, review: { reason, since: now, schemaVersion } });
      review.push({ annotationId: annotation.id, reason, members });
    }
  }
  return { annotations, review, dropped };
}
