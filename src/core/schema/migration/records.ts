/**
 * How annotation records move with a change, one image at a time.
 *
 * Undo needs no inverse change: the caller stores the before-state of every record `migrateRecord`
 * rewrote together with the previous schema version (`SchemaChangeRecord`, written in the same
 * transaction as the change). Undo puts those records back as they were and makes the previous version
 * current, again in one transaction; records the change did not rewrite were never touched. Records
 * edited after the change are overwritten by that restore, so only the latest change is undoable.
 *
 * Migration is keyed by class, attribute and option ids, never by version: a project whose annotations
 * were made under versions 1, 2 and 3 migrates the same way under a version-4 change.
 */

import { classIdsOf } from '../../annotations/types';
import type { Annotation, AttributeValues, ImageAnnotations, ReviewFlag } from '../../annotations/types';
import type { SchemaChange } from '../changes';
import type { AnnotationSchema } from '../types';
import { own } from './lookup';
import {
  annotationOutcome,
  cachedPlan,
  DELETED,
  imageOutcome,
  REVIEW,
  REWRITES,
  tagOutcome,
  WRITES,
} from './plan';
import type { AttributeOp, Plan } from './plan';

export interface MigrationContext {
  /** The schema version the change creates; rewritten annotations and review flags carry it. */
  readonly newVersion: number;
  readonly now: number;
  readonly author: string;
  /**
   * The schema before the change. Review reasons name classes with it, and `make-attribute-required`
   * needs it to fill or flag only annotations where the attribute is shown (its condition holds); without
   * it reasons use ids and conditions are taken as met. `changeImpact` always has it, so pass it.
   */
  readonly schema?: AnnotationSchema;
}

function rewriteValues(values: AttributeValues, id: string, op: AttributeOp): AttributeValues {
  switch (op.op) {
    case 'remove': {
      const { [id]: _removed, ...rest } = values;
      return rest;
    }
    case 'merge-options': {
      const value = own(values, id);
      const remap = (v: string) => (op.sources.has(v) ? op.targetId : v);
      if (typeof value === 'string') return { ...values, [id]: remap(value) };
      if (Array.isArray(value)) return { ...values, [id]: [...new Set(value.map(remap))] };
      return values;
    }
    case 'require':
      return op.fill === undefined ? values : { ...values, [id]: op.fill };
    default:
      return values;
  }
}

/** A new flag, or the reasons joined onto an older one so nothing a reviewer must check is lost. */
const flag = (previous: ReviewFlag | undefined, reason: string, ctx: MigrationContext): ReviewFlag =>
  previous
    ? { reason: `${previous.reason}; ${reason}`, since: previous.since, schemaVersion: ctx.newVersion }
    : { reason, since: ctx.now, schemaVersion: ctx.newVersion };

function reviewReason(plan: Plan): string {
  if (plan.kind === 'delete-class') return plan.reason;
  if (plan.kind === 'reassign') return plan.reason ?? '';
  if (plan.kind === 'attribute' && plan.op.op === 'require') return plan.op.reason;
  return '';
}

function rewriteAnnotation(
  annotation: Annotation,
  outcome: number,
  plan: Plan,
  ctx: MigrationContext,
): Annotation {
  let { classId, attributes } = annotation;
  if (plan.kind === 'reassign') classId = plan.to;
  if (plan.kind === 'attribute') attributes = rewriteValues(attributes, plan.attributeId, plan.op);
  return {
    ...annotation,
    classId,
    attributes,
    schemaVersion: ctx.newVersion,
    updatedAt: ctx.now,
    updatedBy: ctx.author,
    ...(outcome & REVIEW ? { review: flag(annotation.review, reviewReason(plan), ctx) } : {}),
  };
}

/**
 * The record after a change, or null when the change leaves it as it is (so a caller writes only changed
 * rows). Rewritten annotations carry the new schema version, time and author; the others are returned
 * untouched, keeping the version they were made under.
 */
export function migrateRecord(
  record: ImageAnnotations,
  change: SchemaChange,
  ctx: MigrationContext,
): ImageAnnotations | null {
  if (!REWRITES.has(change.type)) return null;
  const plan = cachedPlan(change, ctx.schema);

  let annotations: Annotation[] | undefined;
  record.annotations.forEach((annotation, index) => {
    const outcome = annotationOutcome(annotation, plan);
    if (!(outcome & WRITES)) {
      annotations?.push(annotation);
      return;
    }
    annotations ??= record.annotations.slice(0, index);
    if (!(outcome & DELETED)) annotations.push(rewriteAnnotation(annotation, outcome, plan, ctx));
  });

  let tags: string[] | undefined;
  let imageReview = false;
  record.tags.forEach((tag, index) => {
    const outcome = tagOutcome(tag, plan);
    if (!(outcome & WRITES)) {
      tags?.push(tag);
      return;
    }
    tags ??= record.tags.slice(0, index);
    if (outcome & REVIEW) imageReview = true;
    if (!(outcome & DELETED)) tags.push(plan.kind === 'reassign' ? plan.to : tag);
  });

  const imageChange = imageOutcome(record, plan);
  if (imageChange & REVIEW) imageReview = true;
  if (!annotations && !tags && !(imageChange & WRITES)) return null;

  const nextAnnotations = annotations ?? record.annotations;
  const nextTags = tags ? [...new Set(tags)] : record.tags;
  return {
    ...record,
    annotations: nextAnnotations,
    tags: nextTags,
    attributes:
      imageChange & WRITES && plan.kind === 'attribute'
        ? rewriteValues(record.attributes, plan.attributeId, plan.op)
        : record.attributes,
    classIds: classIdsOf(nextAnnotations, nextTags),
    updatedAt: ctx.now,
    ...(imageReview ? { review: flag(record.review, reviewReason(plan), ctx) } : {}),
  };
}
