/**
 * Attribute rules: reading a value, whether its conditions hold (so whether it is visible), and checking each
 * value of a class's or an image's attributes against its definition.
 */

import type { AttributeValues } from '../../annotations/types';
import type { AttributeDefinition, AttributeType } from '../types';
import type { CompiledAttribute, CompiledCondition, CompiledScope } from './compile';
import { describe, num, report, type Frame } from './report';

const listOf = (items: Iterable<unknown>): string => Array.from(items, (item) => String(item)).join(', ');

const optionLabels = (definition: AttributeDefinition): string =>
  definition.type === 'single-choice' || definition.type === 'multi-choice'
    ? definition.options.map((option) => `${option.id} (${option.label})`).join(', ')
    : '';

/** Number of Unicode code points, as JSON Schema's maxLength counts. */
function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** The value of an attribute, or undefined when absent; null, '' and [] count as absent. */
export function readValue(values: AttributeValues, id: string, inheritedKey: boolean): unknown {
  const value: unknown = values[id];
  if (value === undefined || value === null || value === '') return undefined;
  if (inheritedKey && !Object.hasOwn(values, id)) return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  return value;
}

/** A multi-choice controller satisfies the condition when any selected option is listed. */
export function conditionMatches(accepted: { has(value: unknown): boolean }, value: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (accepted.has(value[i])) return true;
    return false;
  }
  return accepted.has(value);
}

export function conditionsHold(conditions: readonly CompiledCondition[], values: AttributeValues): boolean {
  for (let i = 0; i < conditions.length; i++) {
    const condition = conditions[i]!;
    if (
      !conditionMatches(condition.values, readValue(values, condition.attributeId, condition.inheritedKey))
    ) {
      return false;
    }
  }
  return true;
}

const EXPECTED: Record<AttributeType, string> = {
  'single-choice': 'one option id',
  'multi-choice': 'a list of option ids',
  boolean: 'true or false',
  number: 'a finite number',
  text: 'text',
};

function reportInvalidOptions(frame: Frame, attribute: CompiledAttribute, chosen: readonly string[]): void {
  const bad = chosen.filter((item) => !attribute.options.has(item));
  report(
    frame,
    'invalid-option',
    `attributes.${attribute.id}`,
    `${bad.map(describe).join(', ')} ${bad.length === 1 ? 'is not an option' : 'are not options'} of ` +
      `${attribute.subject} (${optionLabels(attribute.definition)})`,
  );
}

function reportOutOfRange(frame: Frame, attribute: CompiledAttribute, value: number): void {
  const { min, max } = attribute;
  const range = Number.isFinite(min)
    ? Number.isFinite(max)
      ? `${num(min)}–${num(max)}`
      : `at least ${num(min)}`
    : `at most ${num(max)}`;
  const unit = attribute.definition.type === 'number' ? attribute.definition.unit : undefined;
  report(
    frame,
    'number-out-of-range',
    `attributes.${attribute.id}`,
    `${attribute.subject} is ${num(value)}; allowed: ${range}${unit ? ` ${unit}` : ''}`,
  );
}

/** Checks a present value against its definition; the caller has already handled absence and conditions. */
function checkValue(frame: Frame, attribute: CompiledAttribute, value: unknown): void {
  switch (attribute.type) {
    case 'single-choice':
      if (typeof value !== 'string') break;
      if (!attribute.options.has(value)) reportInvalidOptions(frame, attribute, [value]);
      return;
    case 'multi-choice': {
      if (!Array.isArray(value)) break;
      let wrongType = false;
      let unknown = false;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item !== 'string') wrongType = true;
        else if (!attribute.options.has(item)) unknown = true;
      }
      if (wrongType) break;
      if (unknown) reportInvalidOptions(frame, attribute, value as string[]);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') break;
      return;
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) break;
      if (value < attribute.min || value > attribute.max) {
        reportOutOfRange(frame, attribute, value);
      } else if (attribute.step > 0) {
        // Multiples of step from min (or 0), with room for binary fractions: 0.3 is on a 0.1 grid.
        const steps = (value - attribute.stepBase) / attribute.step;
        if (Math.abs(steps - Math.round(steps)) > 1e-9 * Math.max(1, Math.abs(steps))) {
          report(
            frame,
            'number-off-step',
            `attributes.${attribute.id}`,
            `${attribute.subject} is ${num(value)}; it must be ${num(attribute.stepBase)} plus a multiple of ${num(attribute.step)}`,
          );
        }
      }
      return;
    }
    case 'text': {
      if (typeof value !== 'string') break;
      // Code units never undercount code points, so the exact count is only needed past the limit.
      if (value.length > attribute.maxLength && codePoints(value) > attribute.maxLength) {
        report(
          frame,
          'text-too-long',
          `attributes.${attribute.id}`,
          `${attribute.subject} is ${codePoints(value)} characters long; at most ${attribute.maxLength} allowed`,
        );
      }
      if (attribute.pattern !== undefined && !attribute.pattern.test(value)) {
        const source = attribute.definition.type === 'text' ? attribute.definition.pattern : '';
        report(
          frame,
          'text-pattern-mismatch',
          `attributes.${attribute.id}`,
          `${attribute.subject} ${describe(value)} does not match the pattern ${source}`,
        );
      }
      return;
    }
  }
  report(
    frame,
    'attribute-type-mismatch',
    `attributes.${attribute.id}`,
    `${attribute.subject} must be ${EXPECTED[attribute.type]}, got ${describe(value)}`,
  );
}

function reportConditionUnmet(frame: Frame, attribute: CompiledAttribute, values: AttributeValues): void {
  // Name the first condition that fails (the attribute's own, or one of its controller's).
  let unmet = attribute.definition.when;
  for (const condition of attribute.conditions) {
    if (
      !conditionMatches(condition.values, readValue(values, condition.attributeId, condition.inheritedKey))
    ) {
      unmet = {
        attributeId: condition.attributeId,
        values: [...condition.values] as (string | number | boolean)[],
      };
      break;
    }
  }
  report(
    frame,
    'attribute-condition-unmet',
    `attributes.${attribute.id}`,
    `${attribute.subject} is set but applies only while ${unmet?.attributeId} is one of ${listOf(unmet?.values ?? [])}`,
  );
}

const EMPTY_VALUES: AttributeValues = Object.freeze({});

export function checkAttributes(frame: Frame, scope: CompiledScope, rawValues: unknown): void {
  const values =
    typeof rawValues === 'object' && rawValues !== null ? (rawValues as AttributeValues) : EMPTY_VALUES;
  const attributes = scope.attributes;
  for (let i = 0; i < attributes.length; i++) {
    const attribute = attributes[i]!;
    const value = readValue(values, attribute.id, attribute.inheritedKey);
    if (value === undefined && !attribute.required) continue;
    const visible = attribute.conditions.length === 0 || conditionsHold(attribute.conditions, values);
    if (value === undefined) {
      if (visible) {
        report(
          frame,
          'missing-required-attribute',
          `attributes.${attribute.id}`,
          `${attribute.subject} is required`,
        );
      }
      continue;
    }
    if (!visible) reportConditionUnmet(frame, attribute, values);
    checkValue(frame, attribute, value);
  }
  for (const key in values) {
    if (!scope.byId.has(key)) {
      report(
        frame,
        'unknown-attribute',
        `attributes.${key}`,
        `${scope.owner} no attribute ${JSON.stringify(key)}`,
      );
    }
  }
}
