/** Questions the editor and exporter ask: what may be drawn, what must be filled in, what may be exported. */

import type { AttributeValues } from '../../annotations/types';
import type { AttributeDefinition, SchemaGeometry } from '../types';
import { conditionMatches, conditionsHold, readValue } from './attributes';
import type { CompiledSchema } from './compile';
import { geometryLabel, geometryList } from './kinds';

/**
 * Whether an attribute is shown (and, when required, needed) for these values: its condition holds. With
 * `scope` (the attributes of the same class or of the image), the controlling attribute must be shown too.
 */
export function attributeVisible(
  definition: AttributeDefinition,
  values: AttributeValues,
  scope?: readonly AttributeDefinition[],
): boolean {
  let current: AttributeDefinition | undefined = definition;
  for (let depth = 0; current?.when !== undefined; depth++) {
    const when: NonNullable<AttributeDefinition['when']> = current.when;
    const accepted = { has: (value: unknown) => when.values.includes(value as string | number | boolean) };
    if (!conditionMatches(accepted, readValue(values, when.attributeId, true))) return false;
    if (scope === undefined || depth >= scope.length) return true;
    current = scope.find((candidate) => candidate.id === when.attributeId);
  }
  return true;
}

/** Required attributes that are visible and still have no value: what the editor must prompt for. */
export function requiredAttributes(
  compiled: CompiledSchema,
  classId: string | null,
  values: AttributeValues,
): AttributeDefinition[] {
  const scope = classId === null ? compiled.imageScope : compiled.classes.get(classId)?.scope;
  if (scope === undefined) return [];
  const missing: AttributeDefinition[] = [];
  for (const attribute of scope.attributes) {
    if (
      attribute.required &&
      readValue(values, attribute.id, attribute.inheritedKey) === undefined &&
      conditionsHold(attribute.conditions, values)
    ) {
      missing.push(attribute.definition);
    }
  }
  return missing;
}

/** Whether the editor may create an annotation (or, for `tag`, an image tag) of this class and kind. */
export function canCreate(
  compiled: CompiledSchema,
  classId: string,
  geometryKind: SchemaGeometry,
): { ok: true } | { ok: false; reason: string } {
  const cls = compiled.classes.get(classId);
  if (cls === undefined) return { ok: false, reason: `Unknown class "${classId}"` };
  if (cls.isGroup) {
    const members = compiled.schema.classes.filter((other) => other.parentId === cls.id).map((c) => c.name);
    return {
      ok: false,
      reason: `${cls.name} is a group of classes and cannot be drawn${members.length > 0 ? `; use ${members.join(', ')}` : ''}`,
    };
  }
  const name = geometryKind === 'tag' ? 'an image tag' : geometryLabel(geometryKind);
  if (!cls.geometries.has(geometryKind)) {
    return {
      ok: false,
      reason: `${cls.name} may be drawn as ${geometryList(cls)}, not as ${name}`,
    };
  }
  if (geometryKind === 'keypoints' && cls.skeletonSize <= 0) {
    return { ok: false, reason: `${cls.name} has no skeleton, so its keypoints cannot be placed` };
  }
  return { ok: true };
}

/** Export of a version with error-level violations is refused unless a violations report goes with it. */
export function exportGate(
  result: { readonly errorCount: number },
  options: { readonly withReport: boolean },
): { allowed: boolean; reason?: string } {
  if (result.errorCount === 0 || options.withReport) return { allowed: true };
  return {
    allowed: false,
    reason: `${result.errorCount} error-level ${result.errorCount === 1 ? 'violation' : 'violations'}: fix ${result.errorCount === 1 ? 'it' : 'them'} or export with a violations report`,
  };
}
