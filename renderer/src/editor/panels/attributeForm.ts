/**
 * What the attributes panel shows for a selection or an image: one field per visible attribute with its
 * (possibly mixed) value and whether it is missing, the classes the selection may change to, and the input
 * an edit of a field makes.
 */

import type {
  Annotation,
  AttributeValue,
  AttributeValues,
  GeometryKind,
} from '../../../../src/core/annotations/types';
import type { AttributeInput } from '../../../../src/core/editing/attributeValues';
import type { AttributeDefinition, AnnotationSchema, LabelClass } from '../../../../src/core/schema/types';
import { attributeVisible } from '../../../../src/core/schema/validate';
import { classHotkeys, drawableClasses } from '../keymap';

export type FieldValue =
  | { readonly kind: 'empty' }
  | { readonly kind: 'same'; readonly value: AttributeValue }
  | { readonly kind: 'mixed' };

export interface AttributeField {
  readonly definition: AttributeDefinition;
  readonly value: FieldValue;
  /** Required, shown, and empty on at least one of the objects. */
  readonly missing: boolean;
  /** How many of the objects show the field, and, for choices, how many of those have each option. */
  readonly shownOn: number;
  readonly optionCounts: ReadonlyMap<string, number>;
}

export type SelectionForm =
  | { readonly kind: 'none' }
  | { readonly kind: 'one-class'; readonly classId: string; readonly fields: readonly AttributeField[] }
  | {
      readonly kind: 'mixed-classes';
      readonly classIds: readonly string[];
      /** Attributes every class has (same id and type). */
      readonly fields: readonly AttributeField[];
    };

/** null, '', [] and absence all mean "no value", as validation reads them. */
function present(values: AttributeValues, id: string): AttributeValue | undefined {
  if (!Object.hasOwn(values, id)) return undefined;
  const value = values[id];
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  return value;
}

const sameValue = (a: AttributeValue, b: AttributeValue): boolean => {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const set = new Set<string>(a);
    return b.every((item) => set.has(item));
  }
  return a === b;
};

interface Subject {
  readonly values: AttributeValues;
  /** The attributes of the subject's own scope: its class's, or the image's. */
  readonly scope: readonly AttributeDefinition[];
}

/** One field over several subjects; undefined when no subject shows it. */
function fieldOf(definition: AttributeDefinition, subjects: readonly Subject[]): AttributeField | undefined {
  let shownOn = 0;
  let missing = false;
  let value: FieldValue | undefined;
  const optionCounts = new Map<string, number>();
  for (const subject of subjects) {
    const own = subject.scope.find((candidate) => candidate.id === definition.id) ?? definition;
    if (!attributeVisible(own, subject.values, subject.scope)) continue;
    shownOn++;
    const current = present(subject.values, definition.id);
    if (current === undefined && definition.required) missing = true;
    if (Array.isArray(current))
      for (const option of new Set<string>(current))
        optionCounts.set(option, (optionCounts.get(option) ?? 0) + 1);
    else if (typeof current === 'string' && definition.type === 'single-choice')
      optionCounts.set(current, (optionCounts.get(current) ?? 0) + 1);
    const next: FieldValue = current === undefined ? { kind: 'empty' } : { kind: 'same', value: current };
    if (value === undefined) value = next;
    else if (value.kind !== 'mixed') {
      const agree =
        value.kind === 'empty'
          ? next.kind === 'empty'
          : next.kind === 'same' && sameValue(value.value, next.value);
      if (!agree) value = { kind: 'mixed' };
    }
  }
  if (value === undefined) return undefined;
  return { definition, value, missing, shownOn, optionCounts };
}

/** Choice options every class offers: a shared attribute shows only what may be set on all of them. */
function sharedDefinition(definitions: readonly AttributeDefinition[]): AttributeDefinition | undefined {
  const first = definitions[0];
  if (first === undefined || definitions.some((d) => d.type !== first.type)) return undefined;
  if (first.type !== 'single-choice' && first.type !== 'multi-choice') return first;
  const options = first.options.filter((option) =>
    definitions.every(
      (d) =>
        (d.type === 'single-choice' || d.type === 'multi-choice') &&
        d.options.some((other) => other.id === option.id),
    ),
  );
  return { ...first, options, required: definitions.some((d) => d.required) } as AttributeDefinition;
}

/** The form for the selected objects: their class's attributes, or those shared by their classes. */
export function selectionForm(schema: AnnotationSchema, selected: readonly Annotation[]): SelectionForm {
  if (selected.length === 0) return { kind: 'none' };
  const classes = new Map<string, LabelClass | undefined>();
  for (const annotation of selected)
    if (!classes.has(annotation.classId))
      classes.set(
        annotation.classId,
        schema.classes.find((cls) => cls.id === annotation.classId),
      );
  const subjects: Subject[] = selected.map((annotation) => ({
    values: annotation.attributes,
    scope: classes.get(annotation.classId)?.attributes ?? [],
  }));
  const classIds = [...classes.keys()];
  if (classIds.length === 1) {
    const fields: AttributeField[] = [];
    for (const definition of classes.get(classIds[0]!)?.attributes ?? []) {
      const field = fieldOf(definition, subjects);
      if (field !== undefined) fields.push(field);
    }
    return { kind: 'one-class', classId: classIds[0]!, fields };
  }
  const scopes = [...classes.values()].map((cls) => cls?.attributes ?? []);
  const fields: AttributeField[] = [];
  for (const definition of scopes[0] ?? []) {
    const all = scopes.map((scope) => scope.find((candidate) => candidate.id === definition.id));
    if (all.some((d) => d === undefined)) continue;
    const shared = sharedDefinition(all as AttributeDefinition[]);
    if (shared === undefined) continue;
    const field = fieldOf(shared, subjects);
    if (field !== undefined) fields.push(field);
  }
  return { kind: 'mixed-classes', classIds, fields };
}

/** The image's attribute fields: those whose condition holds. */
export function imageFields(schema: AnnotationSchema, values: AttributeValues): AttributeField[] {
  const subjects = [{ values, scope: schema.imageAttributes }];
  const fields: AttributeField[] = [];
  for (const definition of schema.imageAttributes) {
    const field = fieldOf(definition, subjects);
    if (field !== undefined) fields.push(field);
  }
  return fields;
}

/** Classes that may be image tags, in schema order. */
export const tagClasses = (schema: AnnotationSchema): LabelClass[] =>
  schema.classes.filter((cls) => cls.geometries.includes('tag'));

export interface ClassChoice {
  readonly cls: LabelClass;
  /** The key that picks it (class hotkey, or its digit), in keyName form. */
  readonly hotkey?: string;
  /** Undefined when every selected object's geometry may be of this class. */
  readonly disabledReason?: string;
}

/** The classes the selection may be given: drawable classes, disabled when they cannot take its shapes. */
export function classChoices(schema: AnnotationSchema, kinds: ReadonlySet<GeometryKind>): ClassChoice[] {
  const keys = new Map<string, string>();
  for (const hotkey of classHotkeys(schema))
    if (!keys.has(hotkey.classId)) keys.set(hotkey.classId, hotkey.key);
  return drawableClasses(schema).map((cls) => {
    const refused = [...kinds].filter((kind) => !cls.geometries.includes(kind));
    const hotkey = keys.get(cls.id);
    return {
      cls,
      ...(hotkey !== undefined ? { hotkey } : {}),
      ...(refused.length > 0
        ? { disabledReason: `${cls.name} cannot be drawn as ${refused.join(', ')}` }
        : {}),
    };
  });
}

/** Picking a single-choice option: clicking the chosen one again clears it, unless it is required. */
export function singleChoiceInput(field: AttributeField, optionId: string): AttributeInput {
  const chosen = field.value.kind === 'same' && field.value.value === optionId;
  return { [field.definition.id]: chosen && !field.definition.required ? null : optionId };
}

/** How many of the objects showing the field have the option: all, some, or none. */
export function optionState(field: AttributeField, optionId: string): 'all' | 'some' | 'none' {
  const count = field.optionCounts.get(optionId) ?? 0;
  return count === 0 ? 'none' : count >= field.shownOn ? 'all' : 'some';
}

/**
 * Toggling a multi-choice option on every selected object. One list is set on all of them: the options all
 * of them have, with the clicked one added (or, when all had it, removed); options only some had are dropped.
 */
export function multiChoiceInput(field: AttributeField, optionId: string): AttributeInput {
  const definition = field.definition;
  if (definition.type !== 'multi-choice') return {};
  const remove = optionState(field, optionId) === 'all';
  const next = definition.options
    .map((option) => option.id)
    .filter((id) => (id === optionId ? !remove : optionState(field, id) === 'all'));
  return { [definition.id]: next.length === 0 ? null : next };
}

/** A typed number: null clears, undefined is not a number (nothing is committed). */
export function parseNumberInput(text: string): number | null | undefined {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

/** Problems with a number a person typed, shown beside the field (validation reports them too). */
export function numberHint(definition: AttributeDefinition, value: number): string | undefined {
  if (definition.type !== 'number') return undefined;
  if (definition.min !== undefined && value < definition.min) return `At least ${definition.min}`;
  if (definition.max !== undefined && value > definition.max) return `At most ${definition.max}`;
  return undefined;
}

/** Whether typed text fits the attribute's compiled pattern (`CompiledAttribute.pattern`; true without one). */
export const textMatches = (pattern: RegExp | undefined, text: string): boolean =>
  pattern === undefined || text === '' || pattern.test(text);

/** The input for a committed text or number field; undefined when nothing changes. */
export function fieldInput(field: AttributeField, next: AttributeValue | null): AttributeInput | undefined {
  const current = field.value;
  if (next === null && current.kind === 'empty') return undefined;
  if (next !== null && current.kind === 'same' && sameValue(current.value, next)) return undefined;
  return { [field.definition.id]: next };
}

/**
 * The edit an option hotkey makes on the selection: a single choice is set; a multi-choice option toggles
 * as a click on its checkbox does. Undefined when the attribute is not shown for the selection (its
 * condition fails) or the option is not one it offers.
 */
export function optionKeyInput(
  schema: AnnotationSchema,
  selected: readonly Annotation[],
  attributeId: string,
  optionId: string,
): AttributeInput | undefined {
  const form = selectionForm(schema, selected);
  if (form.kind === 'none') return undefined;
  const field = form.fields.find((candidate) => candidate.definition.id === attributeId);
  const definition = field?.definition;
  if (field === undefined || definition === undefined) return undefined;
  if (definition.type === 'single-choice' && definition.options.some((o) => o.id === optionId))
    return { [attributeId]: optionId };
  if (definition.type === 'multi-choice' && definition.options.some((o) => o.id === optionId))
    return multiChoiceInput(field, optionId);
  return undefined;
}
