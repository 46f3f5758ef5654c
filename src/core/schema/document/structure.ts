/**
 * Checks a parsed value against schemas/annotation-schema.schema.json and turns the validator's errors
 * into problems a person can act on.
 */

import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import schemaJson from '../../../../schemas/annotation-schema.schema.json';
import { SCHEMA_FORMAT } from '../types';
import { childOf, escapeSegment, isRecord, splitPointer, valueAt, type JsonObject } from './jsonPointer';
import { describeLocation, show } from './messages';
import type { SchemaProblem, SchemaProblemCode } from './problems';

// A copy, because the validator annotates the schema objects it is given.
const jsonSchema = JSON.parse(JSON.stringify(schemaJson)) as JsonObject;
const validator = new Validator(jsonSchema as Schema, '2020-12', false);

/** The validator's locations are `#` + a URI-encoded JSON pointer. */
const pointerFromLocation = (location: string): string =>
  location
    .replace(/^#/, '')
    .split('/')
    .map((segment) => decodeURIComponent(segment))
    .join('/');

/** The schema object holding the keyword at `keywordLocation`, following `$ref`s as the validator did. */
const schemaHolding = (keywordLocation: string): JsonObject => {
  const segments = splitPointer(pointerFromLocation(keywordLocation)).slice(0, -1);
  let node: unknown = jsonSchema;
  for (const segment of segments) {
    node =
      segment === '$ref' && isRecord(node) && typeof node.$ref === 'string'
        ? valueAt(jsonSchema, node.$ref.replace(/^#/, ''))
        : childOf(node, segment);
  }
  return isRecord(node) ? node : {};
};

/** The title and description of a property's schema, following one `$ref` when it has none itself. */
const describedSchema = (node: unknown): JsonObject => {
  if (!isRecord(node)) return {};
  if (typeof node.description === 'string' || typeof node.$ref !== 'string') return node;
  const target = valueAt(jsonSchema, node.$ref.replace(/^#/, ''));
  return isRecord(target) ? target : node;
};

const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

const TYPE_WORDS: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a text in double quotes',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
  null: 'null',
};

/** Edit distance, for "did you mean" on unknown properties. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

type Explained = (code: SchemaProblemCode, path: string, detail: string) => void;

export function structuralProblems(value: unknown): SchemaProblem[] {
  const result = validator.validate(value);
  if (result.valid) return [];
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const report: Explained = (code, path, detail) => {
    const key = `${code} ${path} ${detail}`;
    if (seen.has(key)) return;
    seen.add(key);
    // A missing or unknown property is described from the object that should (not) hold it.
    const where =
      code === 'missing-property' || code === 'unknown-property'
        ? path.slice(0, path.lastIndexOf('/'))
        : path;
    problems.push({ code, path, message: `${describeLocation(value, where)}: ${detail}` });
  };
  for (const error of result.errors) explain(error, value, report);
  return problems;
}

/** Turns one validator error into a problem a person can act on; wrapper errors (`properties`, `$ref`…) add nothing. */
function explain(error: OutputUnit, root: unknown, report: Explained): void {
  const path = pointerFromLocation(error.instanceLocation);
  const instance = valueAt(root, path);
  const holder = schemaHolding(error.keywordLocation);
  switch (error.keyword) {
    case 'required': {
      const properties = isRecord(holder.properties) ? holder.properties : {};
      const required = Array.isArray(holder.required) ? (holder.required as string[]) : [];
      for (const name of required.filter((name) => !(isRecord(instance) && name in instance))) {
        const about = describedSchema(properties[name]).description;
        report(
          'missing-property',
          `${path}/${escapeSegment(name)}`,
          `"${name}" is missing.${about ? ` ${String(about)}` : ''}`,
        );
      }
      return;
    }
    case 'additionalProperties': {
      const allowed = Object.keys(isRecord(holder.properties) ? holder.properties : {});
      for (const name of Object.keys(isRecord(instance) ? instance : {}).filter(
        (name) => !allowed.includes(name),
      )) {
        const near = allowed.find((candidate) => distance(candidate.toLowerCase(), name.toLowerCase()) <= 2);
        report(
          'unknown-property',
          `${path}/${escapeSegment(name)}`,
          `"${name}" is not a known property${near ? ` (did you mean "${near}"?)` : ''}. Allowed here: ${allowed.join(', ')}.`,
        );
      }
      return;
    }
    case 'type': {
      const expected = ([] as unknown[])
        .concat(holder.type)
        .map((type) => TYPE_WORDS[String(type)] ?? String(type));
      const found =
        isRecord(instance) || Array.isArray(instance) ? TYPE_WORDS[jsonTypeOf(instance)] : show(instance);
      report('wrong-type', path, `expected ${expected.join(' or ')}, found ${found}.`);
      return;
    }
    case 'enum':
      report(
        'invalid-value',
        path,
        `${show(instance)} is not one of ${(holder.enum as unknown[]).map(show).join(', ')}.`,
      );
      return;
    case 'const':
      report('invalid-value', path, `must be ${show(holder.const)}, found ${show(instance)}.`);
      return;
    case 'pattern': {
      const example = Array.isArray(holder.examples) ? ` For example ${show(holder.examples[0])}.` : '';
      report(
        'invalid-value',
        path,
        `${show(instance)} does not fit. ${String(holder.description ?? '')}${example}`,
      );
      return;
    }
    case 'minimum':
      report('invalid-value', path, `must be at least ${String(holder.minimum)}, found ${show(instance)}.`);
      return;
    case 'exclusiveMinimum':
      report(
        'invalid-value',
        path,
        `must be greater than ${String(holder.exclusiveMinimum)}, found ${show(instance)}.`,
      );
      return;
    case 'minLength':
      report('invalid-value', path, `must have at least ${String(holder.minLength)} character(s).`);
      return;
    case 'minItems':
    case 'maxItems':
      report(
        'invalid-value',
        path,
        holder.minItems === holder.maxItems
          ? `must have exactly ${String(holder.minItems)} items, found ${Array.isArray(instance) ? instance.length : 0}.`
          : error.keyword === 'minItems'
            ? `must have at least ${String(holder.minItems)} item(s).`
            : `must have at most ${String(holder.maxItems)} items.`,
      );
      return;
    case 'uniqueItems':
      report('invalid-value', path, 'lists the same item more than once.');
      return;
    case 'properties':
    case 'items':
    case 'prefixItems':
    case '$ref':
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
    case 'if':
    case 'then':
    case 'else':
    case 'false':
      return;
    default:
      report('invalid-value', path, error.error);
  }
}

/** Checked before the JSON Schema, whose `const` could not tell a newer LabelLoop from a foreign file. */
export const formatProblem = (value: unknown): SchemaProblem | undefined => {
  if (!isRecord(value) || value.format === undefined || value.format === SCHEMA_FORMAT) return undefined;
  const format = value.format;
  const newer = typeof format === 'string' && format.startsWith('labelloop.annotation-schema/');
  return {
    code: 'unsupported-format',
    path: '/format',
    message: newer
      ? `This schema was written by a newer LabelLoop (format "${format}"); this version reads "${SCHEMA_FORMAT}".`
      : `This is not a LabelLoop annotation schema: "format" must be "${SCHEMA_FORMAT}", found ${show(format)}.`,
  };
};
