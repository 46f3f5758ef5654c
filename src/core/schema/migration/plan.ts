/**
 * What a change does to each annotation, tag and image, decided once per change and shared by `changeImpact`
 * and `migrateRecord`.
 *
 * `changeImpact` only asks for the outcome (no allocation per record), `migrateRecord` asks for it and then
 * rewrites. Sharing the decision is what keeps the preview's counts equal to what applying does.
 */

import type { Annotation, AttributeValue, AttributeValues, ImageAnnotations } from '../../annotations/types';
import type { SchemaChange } from '../changes';
import type { AnnotationSchema, AttributeCondition, AttributeDefinition } from '../types';
import {
  attributesIn,
  className,
  conditionHolds,
  descendantsOf,
  findAttribute,
  isMissing,
  own,
  scopeClassId,
} from './lookup';
import { q } from './words';

/** Outcome bits. CONCERNED alone: shown differently but not rewritten (relabeling changes). */
const CONCERNED = 1;
const CHANGED = 2;
export const DELETED = 4;
export const REVIEW = 8;
export const FILLED = 16;
export const WRITES = CHANGED | DELETED;

/** Change types that can rewrite records; the others only change how labels are shown. */
export const REWRITES: ReadonlySet<SchemaChange['type']> = new Set([
  'delete-class',
  'merge-classes',
  'split-class',
  'remove-attribute',
  'merge-options',
  'make-attribute-required',
]);

export type AttributeOp =
  | { readonly op: 'concerns-all' }
  | { readonly op: 'concerns-values' }
  | { readonly op: 'concerns-option'; readonly optionId: string }
  | { readonly op: 'remove' }
  | { readonly op: 'merge-options'; readonly sources: ReadonlySet<string>; readonly targetId: string }
  | {
      readonly op: 'require';
      readonly when: AttributeCondition | undefined;
      readonly scope: readonly AttributeDefinition[];
      readonly fill: AttributeValue | undefined;
      readonly reason: string;
    };

export type Plan =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'relabel'; readonly classIds: ReadonlySet<string> }
  | {
      readonly kind: 'delete-class';
      readonly classId: string;
      readonly keep: boolean;
      readonly reason: string;
    }
  /** merge (no reason) and split (with a review reason). */
  | {
      readonly kind: 'reassign';
      readonly from: ReadonlySet<string>;
      readonly to: string;
      readonly reason: string | undefined;
    }
  | {
      readonly kind: 'attribute';
      /** null: image attributes. */
      readonly classId: string | null;
      readonly attributeId: string;
      readonly op: AttributeOp;
    };

export function planOf(change: SchemaChange, schema: AnnotationSchema | undefined): Plan {
  switch (change.type) {
    case 'add-class':
    case 'edit-schema':
      return { kind: 'nothing' };
    case 'rename-class':
    case 'recolor-class':
      return { kind: 'relabel', classIds: new Set([change.classId]) };
    case 'move-class':
      return {
        kind: 'relabel',
        classIds: new Set([change.classId, ...(schema ? descendantsOf(schema.classes, change.classId) : [])]),
      };
    case 'delete-class':
      return {
        kind: 'delete-class',
        classId: change.classId,
        keep: change.annotations === 'review',
        reason: `class ${q(className(schema, change.classId))} was deleted`,
      };
    case 'merge-classes':
      return { kind: 'reassign', from: new Set(change.sourceIds), to: change.targetId, reason: undefined };
    case 'split-class':
      return {
        kind: 'reassign',
        from: new Set([change.classId]),
        to: change.into[0]?.id ?? change.classId,
        reason: `class ${q(className(schema, change.classId))} was split into ${change.into.map((c) => c.name).join(', ')}: choose the right class`,
      };
    default: {
      const base = { kind: 'attribute', classId: scopeClassId(change.scope) } as const;
      switch (change.type) {
        case 'add-attribute':
          return { ...base, attributeId: change.attribute.id, op: { op: 'concerns-all' } };
        case 'rename-attribute':
          return { ...base, attributeId: change.attributeId, op: { op: 'concerns-values' } };
        case 'rename-option':
          return {
            ...base,
            attributeId: change.attributeId,
            op: { op: 'concerns-option', optionId: change.optionId },
          };
        case 'remove-attribute':
          return { ...base, attributeId: change.attributeId, op: { op: 'remove' } };
        case 'merge-options':
          return {
            ...base,
            attributeId: change.attributeId,
            op: {
              op: 'merge-options',
              sources: new Set(change.sourceOptionIds),
              targetId: change.targetOptionId,
            },
          };
        case 'make-attribute-required': {
          const attribute = findAttribute(schema, change.scope, change.attributeId);
          return {
            ...base,
            attributeId: change.attributeId,
            op: {
              op: 'require',
              when: attribute?.when,
              scope: (schema && attributesIn(schema, change.scope)) ?? [],
              fill: change.fill.kind === 'default' ? change.fill.value : undefined,
              reason: `${q(attribute?.name ?? change.attributeId)} is now required: choose a value`,
            },
          };
        }
      }
    }
  }
}

/**
 * A caller migrates every record of a project with one change object: plan it once. Changes and schemas
 * are immutable values, so keying on their identity cannot return a stale plan.
 */
const plans = new WeakMap<SchemaChange, { schema: AnnotationSchema | undefined; plan: Plan }>();
export function cachedPlan(change: SchemaChange, schema: AnnotationSchema | undefined): Plan {
  const cached = plans.get(change);
  if (cached && cached.schema === schema) return cached.plan;
  const plan = planOf(change, schema);
  plans.set(change, { schema, plan });
  return plan;
}

function valuesOutcome(values: AttributeValues, id: string, op: AttributeOp): number {
  const value = own(values, id);
  switch (op.op) {
    case 'concerns-all':
      return CONCERNED;
    case 'concerns-values':
      return isMissing(value) ? 0 : CONCERNED;
    case 'concerns-option':
      return value === op.optionId || (Array.isArray(value) && value.includes(op.optionId)) ? CONCERNED : 0;
    case 'remove':
      return Object.hasOwn(values, id) ? CHANGED : 0;
    case 'merge-options':
      if (typeof value === 'string') return op.sources.has(value) ? CHANGED : 0;
      return Array.isArray(value) && value.some((v) => op.sources.has(v)) ? CHANGED : 0;
    case 'require':
      if (!isMissing(value) || !conditionHolds(op.when, values, op.scope)) return 0;
      return op.fill === undefined ? CHANGED | REVIEW : CHANGED | FILLED;
  }
}

export function annotationOutcome(annotation: Annotation, plan: Plan): number {
  switch (plan.kind) {
    case 'nothing':
      return 0;
    case 'relabel':
      return plan.classIds.has(annotation.classId) ? CONCERNED : 0;
    case 'delete-class':
      if (annotation.classId !== plan.classId) return 0;
      return plan.keep ? CHANGED | REVIEW : DELETED;
    case 'reassign':
      if (!plan.from.has(annotation.classId)) return 0;
      return plan.reason === undefined ? CHANGED : CHANGED | REVIEW;
    case 'attribute':
      if (plan.classId === null || annotation.classId !== plan.classId) return 0;
      return valuesOutcome(annotation.attributes, plan.attributeId, plan.op);
  }
}

/** A tag kept for review stays as it is; the image carries the flag. */
export function tagOutcome(tag: string, plan: Plan): number {
  switch (plan.kind) {
    case 'relabel':
      return plan.classIds.has(tag) ? CONCERNED : 0;
    case 'delete-class':
      if (tag !== plan.classId) return 0;
      return plan.keep ? CHANGED | REVIEW : DELETED;
    case 'reassign':
      if (!plan.from.has(tag)) return 0;
      return plan.reason === undefined ? CHANGED : CHANGED | REVIEW;
    default:
      return 0;
  }
}

export function imageOutcome(record: ImageAnnotations, plan: Plan): number {
  if (plan.kind !== 'attribute' || plan.classId !== null) return 0;
  return valuesOutcome(record.attributes, plan.attributeId, plan.op);
}
