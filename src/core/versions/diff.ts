/**
 * Comparing two dataset versions: which images and annotations were added, removed or changed, per class
 * and per split, as plain JSON-ready data that is the same for the same two versions.
 */

import type { Annotation, AnnotationId, AttributeValue, AttributeValues } from '../annotations/types';
import type { ContentHash, ImageId } from '../ids';
import type { ImageStatus } from '../images/types';
import { geometryIoU } from '../geometry/shapes';
import { isAreaGeometry, maxDisplacement } from './geometryChange';
import { compareIds, perSplit, sortedRecord } from './order';
import type { DatasetVersion, PerSplit, Split, VersionId, VersionImage } from './types';

export interface DiffOptions {
  /** A geometry counts as changed when a vertex or corner moved more than this many pixels (default 1). */
  readonly moveThresholdPx?: number;
  /**
   * When set, an area geometry (box, rotated box, polygon) also needs its IoU with its old self below this
   * to count as changed, so a tolerance that scales with object size can ignore nudges of big objects.
   */
  readonly iouThreshold?: number;
}

export interface FromTo<T> {
  readonly from: T;
  readonly to: T;
}

export interface ImageRef {
  readonly imageId: ImageId;
  readonly path: string;
  readonly split: Split;
}

/** An image in both versions that differs; the split and path are the later version's. */
export interface ImageChange extends ImageRef {
  readonly content?: FromTo<ContentHash>;
  readonly pathChanged?: FromTo<string>;
  readonly splitChanged?: FromTo<Split>;
  readonly status?: FromTo<ImageStatus>;
  readonly tags?: { readonly added: readonly string[]; readonly removed: readonly string[] };
  /** Image attribute ids whose value was set, cleared or changed. */
  readonly attributes?: readonly string[];
  /** Annotation changes on this image, for the drill-down list. */
  readonly annotations?: { readonly added: number; readonly removed: number; readonly changed: number };
}

/** An annotation with its class and the split of its image (the later version's, or the earlier one's when removed). */
export interface AnnotationRef {
  readonly imageId: ImageId;
  readonly annotationId: AnnotationId;
  readonly classId: string;
  readonly split: Split;
}

export interface AnnotationChange extends AnnotationRef {
  readonly classChanged?: FromTo<string>;
  /** `maxDisplacement` is null when the shapes cannot be paired vertex by vertex (kind or vertex count changed). */
  readonly geometry?: { readonly maxDisplacement: number | null; readonly iou?: number };
  /** Attribute ids whose value was set, cleared or changed. */
  readonly attributes?: readonly string[];
}

export interface ClassDiffCounts {
  readonly added: number;
  readonly removed: number;
  /** Changed annotations now of this class. */
  readonly changed: number;
  readonly geometryChanged: number;
  readonly attributesChanged: number;
  /** Annotations relabeled to this class. */
  readonly reclassifiedIn: number;
  /** Annotations relabeled away from this class. */
  readonly reclassifiedOut: number;
  /** Images that gained or lost this class as an image-level tag. */
  readonly tagged: number;
  readonly untagged: number;
}

export interface SplitDiffCounts {
  readonly imagesAdded: number;
  readonly imagesRemoved: number;
  readonly movedIn: number;
  readonly movedOut: number;
  readonly annotationsAdded: number;
  readonly annotationsRemoved: number;
  readonly annotationsChanged: number;
}

export interface DiffTotals {
  readonly imagesAdded: number;
  readonly imagesRemoved: number;
  /** Images in both versions with any difference, their annotations included. */
  readonly imagesChanged: number;
  readonly contentChanged: number;
  readonly pathChanged: number;
  readonly splitChanged: number;
  readonly statusChanged: number;
  readonly tagsChanged: number;
  readonly imageAttributesChanged: number;
  readonly annotationsAdded: number;
  readonly annotationsRemoved: number;
  readonly annotationsChanged: number;
  readonly geometryChanged: number;
  readonly classChanged: number;
  readonly attributesChanged: number;
}

export interface VersionDiff {
  readonly from: { readonly id: VersionId; readonly number: number };
  readonly to: { readonly id: VersionId; readonly number: number };
  readonly schemaVersion: FromTo<number> & { readonly changed: boolean };
  readonly totals: DiffTotals;
  readonly perClass: Readonly<Record<string, ClassDiffCounts>>;
  readonly perSplit: PerSplit<SplitDiffCounts>;
  /** Every list is ordered by image id, then annotation id. */
  readonly imagesAdded: readonly ImageRef[];
  readonly imagesRemoved: readonly ImageRef[];
  readonly imagesChanged: readonly ImageChange[];
  readonly annotationsAdded: readonly AnnotationRef[];
  readonly annotationsRemoved: readonly AnnotationRef[];
  readonly annotationsChanged: readonly AnnotationChange[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const emptyClassCounts = (): Mutable<ClassDiffCounts> => ({
  added: 0,
  removed: 0,
  changed: 0,
  geometryChanged: 0,
  attributesChanged: 0,
  reclassifiedIn: 0,
  reclassifiedOut: 0,
  tagged: 0,
  untagged: 0,
});

const emptySplitCounts = (): Mutable<SplitDiffCounts> => ({
  imagesAdded: 0,
  imagesRemoved: 0,
  movedIn: 0,
  movedOut: 0,
  annotationsAdded: 0,
  annotationsRemoved: 0,
  annotationsChanged: 0,
});

/**
 * What changed from version `a` to version `b`. Images pair by image id and annotations by annotation id
 * within their image, so the work is linear in the versions' size: one merge walk over the two id-sorted
 * image lists, and per image a positional pairing of annotations, falling back to a map when the ids
 * are not in the same order.
 */
export function diffVersions(a: DatasetVersion, b: DatasetVersion, options: DiffOptions = {}): VersionDiff {
  const threshold = options.moveThresholdPx ?? 1;
  const { iouThreshold } = options;
  const classes = new Map<string, Mutable<ClassDiffCounts>>();
  const splits = perSplit(emptySplitCounts);
  const classCounts = (classId: string) => {
    let counts = classes.get(classId);
    if (!counts) classes.set(classId, (counts = emptyClassCounts()));
    return counts;
  };

  const imagesAdded: ImageRef[] = [];
  const imagesRemoved: ImageRef[] = [];
  const imagesChanged: ImageChange[] = [];
  const annotationsAdded: AnnotationRef[] = [];
  const annotationsRemoved: AnnotationRef[] = [];
  const annotationsChanged: AnnotationChange[] = [];

  const addAll = (image: VersionImage, into: AnnotationRef[], kind: 'added' | 'removed') => {
    const start = into.length;
    for (const annotation of image.annotations) {
      into.push(annotationRef(image, annotation));
      classCounts(annotation.classId)[kind]++;
    }
    splits[image.split][kind === 'added' ? 'annotationsAdded' : 'annotationsRemoved'] += into.length - start;
    sortTail(into, start);
  };

  const compareAnnotation = (image: VersionImage, before: Annotation, after: Annotation) => {
    if (before === after) return;
    const classChanged = before.classId !== after.classId;
    const attributes =
      before.attributes === after.attributes ? undefined : changedKeys(before.attributes, after.attributes);
    const geometry = geometryChange(before, after, threshold, iouThreshold);
    if (!classChanged && !attributes && !geometry) return;
    // Built field by field: a million changes make object spreads measurable.
    const change: Mutable<AnnotationChange> = annotationRef(image, after);
    if (classChanged) change.classChanged = { from: before.classId, to: after.classId };
    if (geometry) change.geometry = geometry;
    if (attributes) change.attributes = attributes;
    annotationsChanged.push(change);
    const counts = classCounts(after.classId);
    counts.changed++;
    if (geometry) counts.geometryChanged++;
    if (attributes) counts.attributesChanged++;
    if (classChanged) {
      counts.reclassifiedIn++;
      classCounts(before.classId).reclassifiedOut++;
    }
  };

  const compareImage = (before: VersionImage, after: VersionImage) => {
    const added = annotationsAdded.length;
    const removed = annotationsRemoved.length;
    const changed = annotationsChanged.length;
    pairAnnotations(before.annotations, after.annotations, {
      pair: (x, y) => compareAnnotation(after, x, y),
      added: (y) => annotationsAdded.push(annotationRef(after, y)),
      removed: (x) => annotationsRemoved.push(annotationRef(before, x)),
    });
    sortTail(annotationsAdded, added);
    sortTail(annotationsRemoved, removed);
    sortTail(annotationsChanged, changed);
    for (let i = added; i < annotationsAdded.length; i++) classCounts(annotationsAdded[i]!.classId).added++;
    for (let i = removed; i < annotationsRemoved.length; i++)
      classCounts(annotationsRemoved[i]!.classId).removed++;
    const annotationCounts = {
      added: annotationsAdded.length - added,
      removed: annotationsRemoved.length - removed,
      changed: annotationsChanged.length - changed,
    };
    splits[after.split].annotationsAdded += annotationCounts.added;
    splits[before.split].annotationsRemoved += annotationCounts.removed;
    splits[after.split].annotationsChanged += annotationCounts.changed;

    const tags = before.tags === after.tags ? undefined : tagChange(before.tags, after.tags);
    for (const tag of tags?.added ?? []) classCounts(tag).tagged++;
    for (const tag of tags?.removed ?? []) classCounts(tag).untagged++;
    const attributes =
      before.attributes === after.attributes ? undefined : changedKeys(before.attributes, after.attributes);
    const content = before.sha256 !== after.sha256;
    const moved = before.path !== after.path;
    const resplit = before.split !== after.split;
    const status = before.status !== after.status;
    const annotationsDiffer =
      annotationCounts.added + annotationCounts.removed + annotationCounts.changed > 0;
    if (resplit) {
      splits[before.split].movedOut++;
      splits[after.split].movedIn++;
    }
    if (!content && !moved && !resplit && !status && !tags && !attributes && !annotationsDiffer) return;
    imagesChanged.push({
      ...imageRef(after),
      ...(content ? { content: { from: before.sha256, to: after.sha256 } } : {}),
      ...(moved ? { pathChanged: { from: before.path, to: after.path } } : {}),
      ...(resplit ? { splitChanged: { from: before.split, to: after.split } } : {}),
      ...(status ? { status: { from: before.status, to: after.status } } : {}),
      ...(tags ? { tags } : {}),
      ...(attributes ? { attributes } : {}),
      ...(annotationsDiffer ? { annotations: annotationCounts } : {}),
    });
  };

  const before = sortedImages(a.images);
  const after = sortedImages(b.images);
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const x = before[i];
    const y = after[j];
    const order = x === undefined ? 1 : y === undefined ? -1 : compareIds(x.imageId, y.imageId);
    if (order < 0) {
      imagesRemoved.push(imageRef(x!));
      splits[x!.split].imagesRemoved++;
      addAll(x!, annotationsRemoved, 'removed');
      i++;
    } else if (order > 0) {
      imagesAdded.push(imageRef(y!));
      splits[y!.split].imagesAdded++;
      addAll(y!, annotationsAdded, 'added');
      j++;
    } else {
      if (x !== y) compareImage(x!, y!);
      i++;
      j++;
    }
  }

  const count = (test: (change: ImageChange) => unknown) => imagesChanged.filter(test).length;
  const countAnnotations = (test: (change: AnnotationChange) => unknown) =>
    annotationsChanged.filter(test).length;
  return {
    from: { id: a.id, number: a.number },
    to: { id: b.id, number: b.number },
    schemaVersion: {
      from: a.schemaVersion,
      to: b.schemaVersion,
      changed: a.schemaVersion !== b.schemaVersion,
    },
    totals: {
      imagesAdded: imagesAdded.length,
      imagesRemoved: imagesRemoved.length,
      imagesChanged: imagesChanged.length,
      contentChanged: count((c) => c.content),
      pathChanged: count((c) => c.pathChanged),
      splitChanged: count((c) => c.splitChanged),
      statusChanged: count((c) => c.status),
      tagsChanged: count((c) => c.tags),
      imageAttributesChanged: count((c) => c.attributes),
      annotationsAdded: annotationsAdded.length,
      annotationsRemoved: annotationsRemoved.length,
      annotationsChanged: annotationsChanged.length,
      geometryChanged: countAnnotations((c) => c.geometry),
      classChanged: countAnnotations((c) => c.classChanged),
      attributesChanged: countAnnotations((c) => c.attributes),
    },
    perClass: sortedRecord(classes),
    perSplit: splits,
    imagesAdded,
    imagesRemoved,
    imagesChanged,
    annotationsAdded,
    annotationsRemoved,
    annotationsChanged,
  };
}

/** True when two versions hold the same images, labels and splits (numbers, messages and times aside). */
export const isEmptyDiff = (diff: VersionDiff): boolean =>
  !diff.schemaVersion.changed &&
  diff.imagesAdded.length === 0 &&
  diff.imagesRemoved.length === 0 &&
  diff.imagesChanged.length === 0;

const imageRef = (image: VersionImage): ImageRef => ({
  imageId: image.imageId,
  path: image.path,
  split: image.split,
});

const annotationRef = (image: VersionImage, annotation: Annotation): AnnotationRef => ({
  imageId: image.imageId,
  annotationId: annotation.id,
  classId: annotation.classId,
  split: image.split,
});

/** Versions from `createVersion` are sorted already; checking is one pass, sorting only when needed. */
function sortedImages(images: readonly VersionImage[]): readonly VersionImage[] {
  for (let i = 1; i < images.length; i++) {
    if (compareIds(images[i - 1]!.imageId, images[i]!.imageId) > 0) {
      return [...images].sort((x, y) => compareIds(x.imageId, y.imageId));
    }
  }
  return images;
}

/** Lists grow image by image in image order; sorting each image's slice by annotation id orders the whole. */
function sortTail(list: AnnotationRef[], start: number): void {
  let sorted = true;
  for (let i = start + 1; sorted && i < list.length; i++) {
    sorted = compareIds(list[i - 1]!.annotationId, list[i]!.annotationId) <= 0;
  }
  if (sorted) return;
  const tail = list.splice(start).sort((x, y) => compareIds(x.annotationId, y.annotationId));
  for (const item of tail) list.push(item);
}

function pairAnnotations(
  before: readonly Annotation[],
  after: readonly Annotation[],
  on: {
    pair: (x: Annotation, y: Annotation) => void;
    added: (y: Annotation) => void;
    removed: (x: Annotation) => void;
  },
): void {
  if (before === after) return;
  // Usually nothing was added, removed or reordered: pair by position without building a map.
  let samePositions = before.length === after.length;
  for (let i = 0; samePositions && i < before.length; i++) samePositions = before[i]!.id === after[i]!.id;
  if (samePositions) {
    for (let i = 0; i < before.length; i++) on.pair(before[i]!, after[i]!);
    return;
  }
  const old = new Map(before.map((annotation) => [annotation.id, annotation]));
  for (const y of after) {
    const x = old.get(y.id);
    if (x === undefined) on.added(y);
    else {
      on.pair(x, y);
      old.delete(y.id);
    }
  }
  for (const x of old.values()) on.removed(x);
}

function geometryChange(
  before: Annotation,
  after: Annotation,
  threshold: number,
  iouThreshold: number | undefined,
): AnnotationChange['geometry'] {
  const maxDisplacementPx = maxDisplacement(before.geometry, after.geometry);
  if (maxDisplacementPx !== null && maxDisplacementPx <= threshold) return undefined;
  if (iouThreshold === undefined || !isAreaGeometry(before.geometry) || !isAreaGeometry(after.geometry)) {
    return { maxDisplacement: maxDisplacementPx };
  }
  const iou = geometryIoU(before.geometry, after.geometry);
  return iou < iouThreshold ? { maxDisplacement: maxDisplacementPx, iou } : undefined;
}

/** Keys set, cleared or changed; multi-choice values compare as sets, since option order means nothing. */
function changedKeys(before: AttributeValues, after: AttributeValues): string[] | undefined {
  let keys: string[] | undefined;
  for (const key in before) {
    if (!Object.hasOwn(after, key) || !sameValue(before[key]!, after[key]!)) (keys ??= []).push(key);
  }
  for (const key in after) if (!Object.hasOwn(before, key)) (keys ??= []).push(key);
  return keys?.sort(compareIds);
}

function sameValue(x: AttributeValue, y: AttributeValue): boolean {
  if (x === y) return true;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
  const set = new Set<string>(x);
  return y.every((value: string) => set.has(value));
}

function tagChange(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } | undefined {
  const old = new Set(before);
  const now = new Set(after);
  const added = [...now].filter((tag) => !old.has(tag)).sort(compareIds);
  const removed = [...old].filter((tag) => !now.has(tag)).sort(compareIds);
  return added.length + removed.length > 0 ? { added, removed } : undefined;
}
