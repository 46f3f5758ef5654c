/**
 * Brings an annotator's returned labels into the project: a three-way merge per image, by annotation id,
 * that takes each side's edits and shows the places both sides edited side by side instead of choosing.
 */

import { classIdsOf } from '../annotations/types';
import type {
  Annotation,
  AnnotationId,
  AttributeValues,
  ImageAnnotations,
  ReviewFlag,
} from '../annotations/types';
import type { ImageId } from '../ids';
import { emptyLabels, type TaskBundle } from './bundle';

export type Conflict =
  | {
      readonly imageId: ImageId;
      readonly field: 'annotation';
      readonly annotationId: AnnotationId;
      /** null: that side deleted the annotation (or, for base, it did not exist at export). */
      readonly mine: Annotation | null;
      readonly theirs: Annotation | null;
      readonly base: Annotation | null;
    }
  | {
      readonly imageId: ImageId;
      readonly field: 'tags';
      readonly mine: readonly string[];
      readonly theirs: readonly string[];
      readonly base: readonly string[];
    }
  | {
      readonly imageId: ImageId;
      readonly field: 'attributes';
      readonly mine: AttributeValues;
      readonly theirs: AttributeValues;
      readonly base: AttributeValues;
    };

export type ConflictChoice = 'mine' | 'theirs';

/** What names a conflict in `choices`: `image/annotation/id`, `image/tags` or `image/attributes`. */
export const conflictKey = (conflict: Conflict): string =>
  conflict.field === 'annotation'
    ? `${conflict.imageId}/annotation/${conflict.annotationId}`
    : `${conflict.imageId}/${conflict.field}`;

export interface MergeChanges {
  /** Annotations taken from theirs that the project did not have. */
  readonly added: number;
  /** Annotations whose content was replaced by theirs. */
  readonly updated: number;
  readonly deleted: number;
  readonly tagsTaken: boolean;
  readonly attributesTaken: boolean;
}

export interface MergeResult {
  /** Conflicted items keep the project's version until resolved. */
  readonly merged: ImageAnnotations;
  readonly changes: MergeChanges;
  readonly conflicts: readonly Conflict[];
}

/** Deep equality of plain JSON data; key order does not matter. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]))
    );
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** A review flag's content: `since` is bookkeeping, like updatedAt, and differs between two migrations. */
const flagContent = (flag: ReviewFlag | undefined) =>
  flag && { reason: flag.reason, schemaVersion: flag.schemaVersion };

/**
 * Whether two annotations say the same thing: class, geometry, attribute values and review flag. Who saved
 * it when, and under which schema version, are left out so a re-save without an edit is not an edit.
 */
export const sameAnnotation = (a: Annotation | null, b: Annotation | null): boolean =>
  a === null || b === null
    ? a === b
    : a.classId === b.classId &&
      sameValue(a.geometry, b.geometry) &&
      sameValue(a.attributes, b.attributes) &&
      sameValue(flagContent(a.review), flagContent(b.review));

const sameTags = (a: readonly string[], b: readonly string[]): boolean =>
  sameValue([...new Set(a)].sort(), [...new Set(b)].sort());

type Outcome = 'mine' | 'theirs' | 'conflict';

/**
 * The three-way rule for one unit (an annotation, the tag set, the attribute values): a side that left
 * the base as it was yields to the other; two sides that agree agree; otherwise it is a conflict.
 */
function decide<T>(base: T, theirs: T, mine: T, same: (a: T, b: T) => boolean): Outcome {
  if (same(theirs, base)) return 'mine';
  if (same(mine, base)) return 'theirs';
  return same(theirs, mine) ? 'mine' : 'conflict';
}

export interface MergeInput {
  /** The image's labels in the bundle when it was exported. */
  readonly base: ImageAnnotations;
  /** The annotator's returned labels. */
  readonly theirs: ImageAnnotations;
  /** The project's labels now. */
  readonly mine: ImageAnnotations;
  /** The merged record's updatedAt, when the merge changes anything. */
  readonly now: number;
}

/**
 * Merges one image. Per annotation id (absent = null): unchanged in both, or changed only in mine, keeps
 * mine; changed, added or deleted only in theirs takes theirs; changed in both alike keeps mine; changed
 * in both differently, deleted on one side and changed on the other, or added in both unequal is a
 * conflict, which keeps mine. Tags and image attributes follow the same rule, each as one unit. Draw order:
 * mine's, then theirs' new annotations in their order.
 */
export function mergeImageLabels({ base, theirs, mine, now }: MergeInput): MergeResult {
  const baseById = new Map(base.annotations.map((a) => [a.id, a]));
  const theirsById = new Map(theirs.annotations.map((a) => [a.id, a]));
  const mineIds = new Set(mine.annotations.map((a) => a.id));
  const conflicts: Conflict[] = [];
  const imageId = mine.imageId;
  let added = 0;
  let updated = 0;
  let deleted = 0;

  const conflict = (id: AnnotationId, m: Annotation | null, t: Annotation | null, b: Annotation | null) =>
    conflicts.push({ imageId, field: 'annotation', annotationId: id, mine: m, theirs: t, base: b });

  const annotations: Annotation[] = [];
  for (const m of mine.annotations) {
    const b = baseById.get(m.id) ?? null;
    const t = theirsById.get(m.id) ?? null;
    if (b === null && t === null) {
      annotations.push(m); // added by the project after export
      continue;
    }
    const outcome = decide<Annotation | null>(b, t, m, sameAnnotation);
    if (outcome === 'conflict') conflict(m.id, m, t, b);
    if (outcome !== 'theirs') annotations.push(m);
    else if (t === null) deleted++;
    else {
      annotations.push(t);
      updated++;
    }
  }
  for (const t of theirs.annotations) {
    if (mineIds.has(t.id)) continue;
    const b = baseById.get(t.id) ?? null;
    // Absent from mine: new in theirs, or deleted by the project after export.
    const outcome = decide<Annotation | null>(b, t, null, sameAnnotation);
    if (outcome === 'theirs') {
      annotations.push(t);
      added++;
    } else if (outcome === 'conflict') conflict(t.id, null, t, b);
  }

  const tagsOutcome = decide(base.tags, theirs.tags, mine.tags, sameTags);
  if (tagsOutcome === 'conflict') {
    conflicts.push({ imageId, field: 'tags', mine: mine.tags, theirs: theirs.tags, base: base.tags });
  }
  const attributesOutcome = decide(base.attributes, theirs.attributes, mine.attributes, sameValue);
  if (attributesOutcome === 'conflict') {
    conflicts.push({
      imageId,
      field: 'attributes',
      mine: mine.attributes,
      theirs: theirs.attributes,
      base: base.attributes,
    });
  }

  const tagsTaken = tagsOutcome === 'theirs';
  const attributesTaken = attributesOutcome === 'theirs';
  const changed = added + updated + deleted > 0 || tagsTaken || attributesTaken;
  const tags = tagsTaken ? theirs.tags : mine.tags;
  return {
    merged: changed
      ? {
          ...mine,
          annotations,
          tags,
          attributes: attributesTaken ? theirs.attributes : mine.attributes,
          classIds: classIdsOf(annotations, tags),
          updatedAt: now,
        }
      : mine,
    changes: { added, updated, deleted, tagsTaken, attributesTaken },
    conflicts,
  };
}

/**
 * The record once each conflict of this image is settled: 'mine' keeps what `merged` holds, 'theirs' puts
 * the annotator's version in (an annotation they deleted is removed; one the project deleted comes back at
 * the end). Throws a RangeError when a conflict has no choice, so nothing is decided by default.
 */
export function resolveConflicts(
  merged: ImageAnnotations,
  conflicts: readonly Conflict[],
  choices: Readonly<Record<string, ConflictChoice>>,
  now: number,
): ImageAnnotations {
  const own = conflicts.filter((c) => c.imageId === merged.imageId);
  const open = own.filter((c) => choices[conflictKey(c)] === undefined);
  if (open.length > 0) {
    throw new RangeError(
      `${open.length} conflict${open.length > 1 ? 's have' : ' has'} no choice yet: ${open.map(conflictKey).join(', ')}.`,
    );
  }
  let { annotations, tags, attributes } = merged;
  let changed = false;
  for (const c of own) {
    if (choices[conflictKey(c)] !== 'theirs') continue;
    changed = true;
    if (c.field === 'tags') tags = c.theirs;
    else if (c.field === 'attributes') attributes = c.theirs;
    else {
      const theirs = c.theirs;
      const at = annotations.findIndex((a) => a.id === c.annotationId);
      if (theirs === null) annotations = annotations.filter((a) => a.id !== c.annotationId);
      else if (at < 0) annotations = [...annotations, theirs];
      else annotations = annotations.map((a, i) => (i === at ? theirs : a));
    }
  }
  if (!changed) return merged;
  return {
    ...merged,
    annotations,
    tags,
    attributes,
    classIds: classIdsOf(annotations, tags),
    updatedAt: now,
  };
}

export interface BundleMerge {
  /** Work images, in bundle order. */
  readonly images: readonly MergeResult[];
  readonly conflicts: readonly Conflict[];
  readonly changes: { readonly added: number; readonly updated: number; readonly deleted: number };
  /** The annotator's labels of overlap images: compared with the other annotator's, never merged here. */
  readonly overlapAnswers: readonly ImageAnnotations[];
  /** The annotator's labels of gold images: scored against the known labels, never merged into them. */
  readonly goldAnswers: readonly ImageAnnotations[];
}

/**
 * Merges every work image of a returned bundle into the project's labels (`mine`, by image; an image
 * without a record has none). Overlap images are labeled by two annotators, whose copies of the same
 * objects would both land in the labels, so they are kept apart for agreement (and a consensus step).
 * The bundle must be at the project's schema version already (`migrateBundleLabels`), so a schema change
 * is not mistaken for the annotator's edit.
 */
export function mergeReturnedBundle(
  bundle: TaskBundle,
  mine: ReadonlyMap<ImageId, ImageAnnotations>,
  options: { readonly schemaVersion: number; readonly now: number },
): BundleMerge {
  if (!bundle.labels)
    throw new RangeError('This bundle has not been returned: it carries no labels to merge.');
  if (bundle.schema.version !== options.schemaVersion) {
    throw new RangeError(
      `This bundle is at schema version ${bundle.schema.version} and the project at ${options.schemaVersion}; migrate the bundle's labels first.`,
    );
  }
  const baseOf = new Map(bundle.base.map((r) => [r.imageId, r]));
  const theirsOf = new Map(bundle.labels.map((r) => [r.imageId, r]));
  const images: MergeResult[] = [];
  const goldAnswers: ImageAnnotations[] = [];
  const overlapAnswers: ImageAnnotations[] = [];
  for (const image of bundle.images) {
    const theirs = theirsOf.get(image.id) ?? baseOf.get(image.id)!;
    if (image.role !== 'work') {
      (image.role === 'gold' ? goldAnswers : overlapAnswers).push(theirs);
      continue;
    }
    images.push(
      mergeImageLabels({
        base: baseOf.get(image.id)!,
        theirs,
        mine: mine.get(image.id) ?? emptyLabels(image.id, bundle.project.id, options.now),
        now: options.now,
      }),
    );
  }
  const sum = (key: 'added' | 'updated' | 'deleted') => images.reduce((n, r) => n + r.changes[key], 0);
  return {
    images,
    conflicts: images.flatMap((r) => r.conflicts),
    changes: { added: sum('added'), updated: sum('updated'), deleted: sum('deleted') },
    overlapAnswers,
    goldAnswers,
  };
}
