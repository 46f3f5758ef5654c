/** Attribute changes (of a class's or the images' attributes) applied to the schema document, or refused. */

import type { AttributeValue } from '../../annotations/types';
import type { AttributeScope, SchemaChange } from '../changes';
import { compileTextPattern, isOnStep, textLength } from '../document';
import type { AnnotationSchema, AttributeDefinition } from '../types';
import { attributesIn, className, scopeClassId } from './lookup';
import { accept, noClass, refuse, repeated } from './schemaChangeResult';
import type { SchemaChangeResult } from './schemaChangeResult';
import { q, quoted } from './words';

/** `on "car"` or `on images`, for messages. */
const where = (schema: AnnotationSchema, scope: AttributeScope): string =>
  scope === 'image' ? 'on images' : `on ${q(className(schema, scope.classId))}`;

function replaceAttributes(
  schema: AnnotationSchema,
  scope: AttributeScope,
  attributes: readonly AttributeDefinition[],
): AnnotationSchema {
  if (scope === 'image') return { ...schema, imageAttributes: attributes };
  return {
    ...schema,
    classes: schema.classes.map((c) => (c.id === scope.classId ? { ...c, attributes } : c)),
  };
}

/** Why a value cannot be stored in an attribute, or undefined when it fits. */
function valueProblem(attribute: AttributeDefinition, value: AttributeValue): string | undefined {
  const name = q(attribute.name);
  switch (attribute.type) {
    case 'single-choice':
    case 'multi-choice': {
      const many = attribute.type === 'multi-choice';
      if (many ? !Array.isArray(value) : typeof value !== 'string')
        return `${name} takes ${many ? 'a list of options' : 'one option'}`;
      const chosen: readonly unknown[] = many ? (value as readonly unknown[]) : [value];
      if (chosen.length === 0) return `choose at least one option of ${name}`;
      const unknown = chosen.find((v) => !attribute.options.some((o) => o.id === v));
      if (unknown !== undefined) return `${q(String(unknown))} is not an option of ${name}`;
      if (repeated(chosen as string[]) !== undefined) return `an option of ${name} is chosen twice`;
      return undefined;
    }
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${name} takes yes or no`;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${name} takes a number`;
      if (attribute.min !== undefined && value < attribute.min) return `${name} is at least ${attribute.min}`;
      if (attribute.max !== undefined && value > attribute.max) return `${name} is at most ${attribute.max}`;
      if (
        attribute.step !== undefined &&
        attribute.step > 0 &&
        !isOnStep(value, attribute.step, attribute.min)
      )
        return `${name} goes in steps of ${attribute.step}`;
      return undefined;
    case 'text':
      if (typeof value !== 'string') return `${name} takes text`;
      if (value === '') return `the value of ${name} cannot be empty`;
      if (attribute.maxLength !== undefined && textLength(value) > attribute.maxLength)
        return `${name} is at most ${attribute.maxLength} characters`;
      // A pattern that does not compile is the document check's to report, not a reason to refuse here.
      if (attribute.pattern !== undefined && compileTextPattern(attribute.pattern)?.test(value) === false)
        return `${q(value)} does not match the pattern of ${name}`;
      return undefined;
  }
}

type AttributeChange = Extract<SchemaChange, { scope: AttributeScope }>;

export function applyAttributeChange(schema: AnnotationSchema, change: AttributeChange): SchemaChangeResult {
  const attributes = attributesIn(schema, change.scope);
  if (!attributes) return noClass(scopeClassId(change.scope) ?? '');
  const on = where(schema, change.scope);
  const save = (next: readonly AttributeDefinition[]) =>
    accept(replaceAttributes(schema, change.scope, next));

  if (change.type === 'add-attribute') {
    const added = change.attribute;
    if (!added.id) return refuse(`Attribute ${q(added.name)} needs an id.`);
    if (!added.name.trim()) return refuse(`Attribute ${q(added.id)} needs a name.`);
    const sameId = attributes.find((a) => a.id === added.id);
    if (sameId) return refuse(`The id ${q(added.id)} is already used by attribute ${q(sameId.name)} ${on}.`);
    if (attributes.some((a) => a.name === added.name))
      return refuse(`There is already an attribute named ${q(added.name)} ${on}.`);
    // Existing annotations have no value yet: making it required is its own change, with a default or review.
    if (added.required)
      return refuse(
        `Add ${q(added.name)} as optional, then make it required: existing annotations need a default or a review.`,
      );
    if (added.type === 'single-choice' || added.type === 'multi-choice') {
      const twice = repeated(added.options.map((o) => o.id));
      if (twice !== undefined) return refuse(`${q(added.name)} has two options with id ${q(twice)}.`);
    }
    if (added.default !== undefined) {
      const problem = valueProblem(added, added.default);
      if (problem) return refuse(`The default of ${q(added.name)} does not fit: ${problem}.`);
    }
    if (added.when && !attributes.some((a) => a.id === added.when?.attributeId))
      return refuse(
        `${q(added.name)} depends on ${q(added.when.attributeId)}, which is not an attribute ${on}.`,
      );
    return save([...attributes, added]);
  }

  const attribute = attributes.find((a) => a.id === change.attributeId);
  if (!attribute) return refuse(`There is no attribute ${q(change.attributeId)} ${on}.`);
  const replace = (next: AttributeDefinition) => save(attributes.map((a) => (a.id === next.id ? next : a)));

  switch (change.type) {
    case 'remove-attribute': {
      const dependents = attributes.filter((a) => a.when?.attributeId === attribute.id).map((a) => a.name);
      if (dependents.length > 0)
        return refuse(
          `Cannot remove ${q(attribute.name)}: ${quoted(dependents)} ${dependents.length === 1 ? 'is' : 'are'} shown depending on its value. Change or remove ${dependents.length === 1 ? 'it' : 'them'} first.`,
        );
      return save(attributes.filter((a) => a.id !== attribute.id));
    }

    case 'rename-attribute':
      if (!change.name.trim()) return refuse('An attribute needs a name.');
      if (attributes.some((a) => a.id !== attribute.id && a.name === change.name))
        return refuse(`There is already an attribute named ${q(change.name)} ${on}.`);
      return replace({ ...attribute, name: change.name });

    case 'make-attribute-required': {
      if (attribute.required) return refuse(`${q(attribute.name)} is already required.`);
      if (change.fill.kind === 'review') return replace({ ...attribute, required: true });
      const problem = valueProblem(attribute, change.fill.value);
      if (problem) return refuse(`Cannot fill ${q(attribute.name)} with that value: ${problem}.`);
      // The fill value becomes the default for new annotations too, unless there already is one.
      // valueProblem checked that the value has the attribute's type.
      const required = { ...attribute, required: true, default: attribute.default ?? change.fill.value };
      return replace(required as AttributeDefinition);
    }

    case 'rename-option':
    case 'merge-options': {
      if (attribute.type !== 'single-choice' && attribute.type !== 'multi-choice')
        return refuse(`${q(attribute.name)} has no options: it is a ${attribute.type} attribute.`);
      const option = (id: string) => attribute.options.find((o) => o.id === id);
      const noOption = (id: string) => refuse(`${q(attribute.name)} has no option ${q(id)}.`);

      if (change.type === 'rename-option') {
        const renamed = option(change.optionId);
        if (!renamed) return noOption(change.optionId);
        if (!change.label.trim()) return refuse('An option needs a label.');
        if (attribute.options.some((o) => o.id !== renamed.id && o.label === change.label))
          return refuse(`${q(attribute.name)} already has an option labeled ${q(change.label)}.`);
        const options = attribute.options.map((o) => (o === renamed ? { ...o, label: change.label } : o));
        return replace({ ...attribute, options });
      }

      const { sourceOptionIds, targetOptionId } = change;
      if (sourceOptionIds.length === 0) return refuse('Choose at least one option to merge.');
      const twice = repeated(sourceOptionIds);
      if (twice !== undefined) return refuse(`${q(option(twice)?.label ?? twice)} is listed twice.`);
      const missing = sourceOptionIds.find((id) => !option(id));
      if (missing !== undefined) return noOption(missing);
      const target = option(targetOptionId);
      if (!target) return noOption(targetOptionId);
      if (sourceOptionIds.includes(targetOptionId))
        return refuse(`Cannot merge into ${q(target.label)}: it is one of the options being merged away.`);
      const sources = new Set(sourceOptionIds);
      const remap = <T>(v: T): T | string => (typeof v === 'string' && sources.has(v) ? targetOptionId : v);
      const options = attribute.options.filter((o) => !sources.has(o.id));
      const merged: AttributeDefinition =
        attribute.type === 'single-choice'
          ? {
              ...attribute,
              options,
              ...(attribute.default === undefined ? {} : { default: remap(attribute.default) }),
            }
          : {
              ...attribute,
              options,
              ...(attribute.default === undefined
                ? {}
                : { default: [...new Set(attribute.default.map(remap))] }),
            };
      // Conditions that look at this attribute now look for the merged option.
      return save(
        attributes.map((a) => {
          if (a.id === attribute.id) return merged;
          if (a.when?.attributeId !== attribute.id) return a;
          return { ...a, when: { ...a.when, values: [...new Set(a.when.values.map(remap))] } };
        }),
      );
    }
  }
}
