/** What a change would do to a project, counted before the user confirms it and summed up in their words. */

import type { ImageAnnotations } from '../../annotations/types';
import type { SchemaChange } from '../changes';
import type { AnnotationSchema } from '../types';
import { className, findAttribute, scopeClassId } from './lookup';
import { annotationOutcome, DELETED, FILLED, imageOutcome, planOf, REVIEW, tagOutcome, WRITES } from './plan';
import { displayValue, q, quoted } from './words';

/**
 * What a change does to a project. For changes that rewrite records, `annotations`/`images` are exactly
 * what `migrateRecord` rewrites or deletes; for changes that only relabel (rename, recolor, move, add
 * attribute, rename attribute or option) they count what shows up differently and `recordsToWrite` is 0.
 * Image-attribute changes count images, not annotations.
 */
export interface ChangeImpact {
  /** Annotations the change concerns: rewritten, deleted, or shown under a new name/colour/place. */
  readonly annotations: number;
  /** Image tags the change concerns: moved to another class, removed, kept for review, relabeled. */
  readonly tags: number;
  /** Images holding anything the change concerns. */
  readonly images: number;
  /** Image records `migrateRecord` rewrites (the rows a caller writes and keeps for undo). */
  readonly recordsToWrite: number;
  /** Annotations deleted (tags removed with a deleted class are in `tags`). */
  readonly deleted: number;
  /** Review flags raised: on annotations, and on images whose tag or image attribute needs a person. */
  readonly toReview: number;
  /** Annotations, or images for image attributes, given the default of a newly required attribute. */
  readonly filled: number;
  readonly summary: string;
}

const count = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "12,408 annotations", "3 image tags", "12 annotations and 3 image tags". */
function things(annotations: number, tags: number): string {
  const parts = [
    ...(annotations > 0 || tags === 0 ? [count(annotations, 'annotation')] : []),
    ...(tags > 0 ? [count(tags, 'image tag')] : []),
  ];
  return parts.join(' and ');
}

interface Counts {
  annotations: number;
  tags: number;
  images: number;
  recordsToWrite: number;
  deleted: number;
  toReview: number;
  filled: number;
}

function summaryOf(change: SchemaChange, schema: AnnotationSchema, n: Counts): string {
  const name = (id: string) => q(className(schema, id));
  // Class changes count annotations and image tags; with neither, say so instead of "0 annotations".
  const labeled = (one: string, many: string, sources = 1) =>
    n.annotations + n.tags === 0
      ? `no annotations or image tags use ${sources === 1 ? 'it' : 'them'}`
      : `${things(n.annotations, n.tags)} ${n.annotations + n.tags === 1 ? one : many}`;
  switch (change.type) {
    case 'add-class': {
      const { name: added, parentId } = change.labelClass;
      return `Add class ${q(added)}${parentId ? ` under ${name(parentId)}` : ''}: no annotations change`;
    }
    case 'rename-class':
      return `Rename ${name(change.classId)} → ${q(change.name)}: ${labeled('keeps its label under the new name', 'keep their labels under the new name')}`;
    case 'recolor-class':
      return `Recolor ${name(change.classId)} → ${change.color}: ${labeled('changes colour', 'change colour')}`;
    case 'move-class': {
      const to = change.parentId === null ? 'to the top level' : `under ${name(change.parentId)}`;
      return `Move ${name(change.classId)} ${to}: ${labeled('keeps its label', 'keep their labels')}`;
    }
    case 'delete-class': {
      const fate = change.annotations === 'delete' ? 'will be deleted' : 'will need review';
      return `Delete ${name(change.classId)}: ${labeled(fate, fate)}`;
    }
    case 'merge-classes': {
      const sources = quoted(change.sourceIds.map((id) => className(schema, id)));
      return `Merge ${sources} into ${name(change.targetId)}: ${labeled('changes class', 'change class', change.sourceIds.length)}`;
    }
    case 'split-class': {
      const first = q(change.into[0]?.name ?? '');
      const moves = (verb: string) => `${verb} to ${first} and will need review`;
      return `Split ${name(change.classId)} into ${quoted(change.into.map((c) => c.name))}: ${labeled(moves('moves'), moves('move'))}`;
    }
    case 'edit-schema':
      return change.summary;
    default: {
      const id = change.type === 'add-attribute' ? change.attribute.id : change.attributeId;
      const attribute =
        findAttribute(schema, change.scope, id) ??
        (change.type === 'add-attribute' ? change.attribute : undefined);
      const attr = q(attribute?.name ?? id);
      const image = change.scope === 'image';
      const total = image ? n.images : n.annotations;
      const unit = image ? 'image' : 'annotation';
      const subject = total === 0 ? `no ${unit}s` : count(total, unit);
      const says = (one: string, many: string) => `${subject} ${total === 1 ? one : many}`;
      const owner = image ? 'images' : name(scopeClassId(change.scope) ?? '');
      switch (change.type) {
        case 'add-attribute':
          return `Add attribute ${attr} to ${owner}: ${says('can now be given a value', 'can now be given a value')}`;
        case 'remove-attribute':
          return total === 0
            ? `Remove attribute ${attr} from ${owner}: no ${unit} has a value for it`
            : `Remove attribute ${attr} from ${owner}: ${says('loses its value', 'lose their value')}`;
        case 'rename-attribute':
          return `Rename attribute ${attr} → ${q(change.name)}: ${says('keeps its value', 'keep their values')} under the new name`;
        case 'rename-option':
          return `Rename option ${displayValue(attribute, change.optionId)} → ${q(change.label)} of ${attr}: ${says('keeps its value', 'keep their value')} under the new name`;
        case 'merge-options':
          return `Merge options ${displayValue(attribute, change.sourceOptionIds)} into ${displayValue(attribute, change.targetOptionId)} of ${attr}: ${says('changes value', 'change value')}`;
        case 'make-attribute-required':
          if (total === 0) return `Make ${attr} required: no ${unit} is missing a value`;
          return change.fill.kind === 'review'
            ? `Make ${attr} required: ${says('will need review', 'will need review')}`
            : `Make ${attr} required: ${says('is missing a value', 'are missing a value')} and will be set to ${displayValue(attribute, change.fill.value)}`;
      }
    }
  }
}

/**
 * What `migrateRecord` would do over these records (the schema before the change), counted without
 * rewriting anything, and said in the user's words.
 */
export function changeImpact(
  records: Iterable<ImageAnnotations>,
  change: SchemaChange,
  schema: AnnotationSchema,
): ChangeImpact {
  const plan = planOf(change, schema);
  const n: Counts = {
    annotations: 0,
    tags: 0,
    images: 0,
    recordsToWrite: 0,
    deleted: 0,
    toReview: 0,
    filled: 0,
  };
  if (plan.kind !== 'nothing') {
    for (const record of records) {
      let any = 0;
      let imageReview = false;
      for (const annotation of record.annotations) {
        const outcome = annotationOutcome(annotation, plan);
        if (outcome === 0) continue;
        any |= outcome;
        n.annotations++;
        if (outcome & DELETED) n.deleted++;
        if (outcome & REVIEW) n.toReview++;
        if (outcome & FILLED) n.filled++;
      }
      for (const tag of record.tags) {
        const outcome = tagOutcome(tag, plan);
        if (outcome === 0) continue;
        any |= outcome;
        n.tags++;
        if (outcome & REVIEW) imageReview = true;
      }
      const image = imageOutcome(record, plan);
      any |= image;
      if (image & REVIEW) imageReview = true;
      if (image & FILLED) n.filled++;
      if (imageReview) n.toReview++;
      if (any !== 0) n.images++;
      if (any & WRITES) n.recordsToWrite++;
    }
  }
  return { ...n, summary: summaryOf(change, schema, n) };
}
