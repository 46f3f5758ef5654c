/** Whether a value fits an attribute (steps, text length, pattern), as the rules and migrations judge it. */

import type { AttributeDefinition } from '../types';
import { show } from './messages';

/** Whether `value` is `min` (or 0) plus a whole number of `step`s, allowing for floating-point noise. */
export const isOnStep = (value: number, step: number, min = 0): boolean => {
  const steps = (value - min) / step;
  return Math.abs(steps - Math.round(steps)) <= 1e-9 * Math.max(1, Math.abs(steps));
};

/** Length in characters (code points), as JSON Schema's maxLength counts it. */
export const textLength = (text: string): number => [...text].length;

/**
 * A text attribute's `pattern` as a RegExp the whole value must match (`u` flag, as JSON Schema
 * patterns); undefined when the pattern is not a valid regular expression.
 */
export function compileTextPattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    return undefined;
  }
}

/** Why `pattern` is not a valid regular expression, or undefined when it is one. */
export const regExpError = (pattern: string): string | undefined => {
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

const optionIdsOf = (attribute: AttributeDefinition): string[] =>
  attribute.type === 'single-choice' || attribute.type === 'multi-choice'
    ? attribute.options.map((o) => o.id)
    : [];

/** Why `value` can never be a value of `attribute`, or undefined when it can. */
export function valueProblem(attribute: AttributeDefinition, value: unknown): string | undefined {
  switch (attribute.type) {
    case 'single-choice':
    case 'multi-choice':
      return typeof value === 'string' && optionIdsOf(attribute).includes(value)
        ? undefined
        : `${show(value)} is not one of its options (${optionIdsOf(attribute).join(', ')})`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${show(value)} is not true or false`;
    case 'number': {
      if (typeof value !== 'number') return `${show(value)} is not a number`;
      if (attribute.min !== undefined && value < attribute.min)
        return `${value} is below the minimum ${attribute.min}`;
      if (attribute.max !== undefined && value > attribute.max)
        return `${value} is above the maximum ${attribute.max}`;
      if (
        attribute.step !== undefined &&
        attribute.step > 0 &&
        !isOnStep(value, attribute.step, attribute.min)
      ) {
        return `${value} is not a whole number of steps of ${attribute.step} from ${attribute.min ?? 0}`;
      }
      return undefined;
    }
    case 'text': {
      if (typeof value !== 'string') return `${show(value)} is not a text`;
      if (attribute.maxLength !== undefined && textLength(value) > attribute.maxLength) {
        return `${show(value)} has ${textLength(value)} characters, more than the maximum ${attribute.maxLength}`;
      }
      const pattern = attribute.pattern === undefined ? undefined : compileTextPattern(attribute.pattern);
      if (pattern && !pattern.test(value))
        return `${show(value)} does not match the pattern "${attribute.pattern}"`;
      return undefined;
    }
  }
}
