/** Finding classes and attributes in a schema, and reading attribute values the way validation reads them. */

import type { AttributeValue, AttributeValues } from '../../annotations/types';
import type { AttributeScope } from '../changes';
import type { AnnotationSchema, AttributeCondition, AttributeDefinition, LabelClass } from '../types';

export const findClass = (schema: AnnotationSchema, id: string): LabelClass | undefined =>
  schema.classes.find((c) => c.id === id);
export const className = (schema: AnnotationSchema | undefined, id: string): string =>
  (schema && findClass(schema, id)?.name) ?? id;
export const scopeClassId = (scope: AttributeScope): string | null =>
  scope === 'image' ? null : scope.classId;

/** Reads an own property only, so an attribute id such as "constructor" never reads Object.prototype. */
export const own = (values: AttributeValues, id: string): AttributeValue | undefined =>
  Object.hasOwn(values, id) ? values[id] : undefined;

/** The validation engine's rule: absent, null, '' and [] all mean "no value". */
export const isMissing = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

export function attributesIn(
  schema: AnnotationSchema,
  scope: AttributeScope,
): readonly AttributeDefinition[] | undefined {
  return scope === 'image' ? schema.imageAttributes : findClass(schema, scope.classId)?.attributes;
}

export function findAttribute(
  schema: AnnotationSchema | undefined,
  scope: AttributeScope,
  id: string,
): AttributeDefinition | undefined {
  return schema && attributesIn(schema, scope)?.find((a) => a.id === id);
}

/** Ids of the class's ancestors, nearest first (stops on a cycle). */
export function ancestorsOf(classes: readonly LabelClass[], id: string): string[] {
  const byId = new Map(classes.map((c) => [c.id, c]));
  const out: string[] = [];
  for (let parent = byId.get(id)?.parentId; parent !== undefined && !out.includes(parent);) {
    out.push(parent);
    parent = byId.get(parent)?.parentId;
  }
  return out;
}

export const descendantsOf = (classes: readonly LabelClass[], id: string): string[] =>
  classes.filter((c) => ancestorsOf(classes, c.id).includes(id)).map((c) => c.id);

/** Whether the attribute is shown for these values: its condition, and its controller's, hold. */
export function conditionHolds(
  when: AttributeCondition | undefined,
  values: AttributeValues,
  scope: readonly AttributeDefinition[],
): boolean {
  // A chain longer than the scope is a cycle (document validation reports it); stop there.
  let current = when;
  for (let depth = 0; current !== undefined && depth <= scope.length; depth++) {
    const value = own(values, current.attributeId);
    if (isMissing(value)) return false;
    const accepted = current.values;
    const met = Array.isArray(value)
      ? value.some((v) => accepted.includes(v))
      : accepted.includes(value as string | number | boolean);
    if (!met) return false;
    const controller = current.attributeId;
    current = scope.find((a) => a.id === controller)?.when;
  }
  return true;
}
