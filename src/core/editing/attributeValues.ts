/**
 * Attribute values as the editor writes them: only ids and types the schema knows, defaults filled in
 * when an attribute appears, values dropped when their condition stops holding.
 */

import type { AttributeValue, AttributeValues } from '../annotations/types';
import type { AttributeDefinition } from '../schema/types';
import { attributeVisible, type CompiledAttribute, type CompiledScope } from '../schema/validate';

/** A value to set, or null to clear it. */
export type AttributeInput = Readonly<Record<string, AttributeValue | null>>;

/** What is wrong with one value, in words; undefined when it has the attribute's type (and options). */
export function valueProblem(attribute: CompiledAttribute, value: unknown): string | undefined {
  const options = (): string => [...attribute.options].join(', ');
  switch (attribute.type) {
    case 'single-choice':
      if (typeof value === 'string' && attribute.options.has(value)) return undefined;
      return `${attribute.subject} must be one of ${options()}, not ${JSON.stringify(value)}`;
    case 'multi-choice':
      if (
        Array.isArray(value) &&
        value.every((item) => typeof item === 'string' && attribute.options.has(item))
      )
        return undefined;
      return `${attribute.subject} must be a list of ${options()}, not ${JSON.stringify(value)}`;
    case 'boolean':
      return typeof value === 'boolean'
        ? undefined
        : `${attribute.subject} must be true or false, not ${JSON.stringify(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? undefined
        : `${attribute.subject} must be a number, not ${JSON.stringify(value)}`;
    case 'text':
      return typeof value === 'string'
        ? undefined
        : `${attribute.subject} must be text, not ${JSON.stringify(value)}`;
  }
}

/**
 * The first problem with values a person is about to set: an id the scope lacks or a value of the wrong
 * type. Ranges, steps and patterns are left to validation, which reports them as violations.
 */
export function inputProblem(
  scope: CompiledScope,
  input: AttributeInput,
): { code: 'unknown-attribute' | 'invalid-value'; reason: string } | undefined {
  for (const [id, value] of Object.entries(input)) {
    const attribute = scope.byId.get(id);
    if (attribute === undefined)
      return { code: 'unknown-attribute', reason: `${scope.owner} no attribute "${id}"` };
    if (value === null) continue;
    const problem = valueProblem(attribute, value);
    if (problem !== undefined) return { code: 'invalid-value', reason: problem };
  }
  return undefined;
}

/** The values of `values` that `scope` knows and whose type fits: what survives a class change or a paste. */
export function carryOver(scope: CompiledScope, values: AttributeValues): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const attribute of scope.attributes) {
    if (!Object.hasOwn(values, attribute.id)) continue;
    const value = values[attribute.id]!;
    if (valueProblem(attribute, value) === undefined) out[attribute.id] = value;
  }
  return out;
}

const definitionsOf = (scope: CompiledScope): AttributeDefinition[] =>
  scope.attributes.map((a) => a.definition);

/**
 * Values after a change: attributes that became visible get their default, those that became hidden lose
 * their value. With no `previous` (a new annotation), every visible attribute is new and every hidden one
 * goes. Keys come out in the schema's order, unknown ones after.
 */
export function settleAttributes(
  scope: CompiledScope,
  previous: AttributeValues | undefined,
  values: Readonly<Record<string, AttributeValue>>,
): AttributeValues {
  const definitions = definitionsOf(scope);
  const out: Record<string, AttributeValue> = { ...values };
  // A default can make a dependent attribute visible, so repeat until nothing changes.
  for (let pass = 0; pass <= scope.attributes.length; pass++) {
    let changed = false;
    for (const attribute of scope.attributes) {
      const definition = attribute.definition;
      const visible = attributeVisible(definition, out, definitions);
      const wasVisible = previous !== undefined && attributeVisible(definition, previous, definitions);
      const has = Object.hasOwn(out, attribute.id);
      if (!visible && has && (previous === undefined || wasVisible)) {
        delete out[attribute.id];
        changed = true;
      } else if (visible && !wasVisible && !has && definition.default !== undefined) {
        out[attribute.id] = definition.default;
        changed = true;
      }
    }
    if (!changed) break;
  }
  const ordered: Record<string, AttributeValue> = {};
  for (const attribute of scope.attributes) {
    if (Object.hasOwn(out, attribute.id)) ordered[attribute.id] = out[attribute.id]!;
  }
  for (const [id, value] of Object.entries(out)) if (!Object.hasOwn(ordered, id)) ordered[id] = value;
  return ordered;
}

/** `values` with `input` set (null clears), before settling. */
export function withInput(values: AttributeValues, input: AttributeInput): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = { ...values };
  for (const [id, value] of Object.entries(input)) {
    if (value === null) delete out[id];
    else out[id] = value;
  }
  return out;
}

const sameValue = (a: AttributeValue | undefined, b: AttributeValue | undefined): boolean =>
  Array.isArray(a) && Array.isArray(b)
    ? a.length === b.length && a.every((item, i) => item === b[i])
    : a === b;

/** Same values, whatever the key order. */
export function sameAttributes(a: AttributeValues, b: AttributeValues): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameValue(a[key], b[key]))
  );
}
