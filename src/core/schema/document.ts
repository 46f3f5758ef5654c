/**
 * Reads, checks and writes annotation schema documents: JSON syntax (with line and column), the JSON
 * Schema in schemas/annotation-schema.schema.json, then the rules a JSON Schema cannot express.
 */

import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import schemaJson from '../../../schemas/annotation-schema.schema.json';
import {
  SCHEMA_FORMAT,
  type AnnotationSchema,
  type AttributeDefinition,
  type LabelClass,
  type Skeleton,
} from './types';

export const SCHEMA_DOCUMENT_URL = 'https://labelloop.dev/schemas/annotation-schema.schema.json';

/** Stable codes of schema problems; docs/annotation-schema.md explains each. */
export const SCHEMA_PROBLEM_CODES = [
  // Reading the document
  'invalid-json',
  'duplicate-json-key',
  'unsupported-format',
  // Structure, from the JSON Schema
  'missing-property',
  'unknown-property',
  'wrong-type',
  'invalid-value',
  // Classes
  'duplicate-class-id',
  'duplicate-class-name',
  'duplicate-class-hotkey',
  'unknown-parent',
  'parent-cycle',
  'keypoints-without-skeleton',
  'duplicate-keypoint',
  'unknown-keypoint',
  'invalid-constraint',
  // Attributes (of classes and of the image)
  'duplicate-attribute-id',
  'duplicate-option-id',
  'duplicate-option-hotkey',
  'unknown-condition-attribute',
  'self-condition',
  'condition-cycle',
  'invalid-condition-value',
  'invalid-default',
  'invalid-pattern',
  'min-greater-than-max',
  'invalid-step',
  // Image tagging
  'tagging-without-tag-classes',
] as const;
export type SchemaProblemCode = (typeof SCHEMA_PROBLEM_CODES)[number];

export interface SchemaProblem {
  readonly code: SchemaProblemCode;
  /** JSON pointer into the document, e.g. `/classes/2/color`; `` for the whole document. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in the document text, when the problem came from parsing text. */
  readonly line?: number;
  readonly column?: number;
}

export type SchemaDocumentResult =
  | { readonly ok: true; readonly schema: AnnotationSchema }
  | { readonly ok: false; readonly problems: readonly SchemaProblem[] };

// ---------------------------------------------------------------------------------------------------
// JSON pointers and positions

const escapeSegment = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapeSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');
const splitPointer = (pointer: string): string[] =>
  pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
const pointerOf = (...segments: readonly (string | number)[]): string =>
  segments.map((segment) => `/${escapeSegment(String(segment))}`).join('');

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

interface JsonScan {
  /** Offset of each value: of its key for object members, of the value itself for array items. */
  readonly offsets: ReadonlyMap<string, number>;
  readonly duplicateKeys: readonly { readonly pointer: string; readonly offset: number }[];
}

/**
 * Checks JSON syntax and records where every value sits. JSON.parse's messages carry no position in
 * Node 20 and differ between engines, so the positions come from this scan.
 */
function scanJson(text: string): JsonScan {
  const offsets = new Map<string, number>();
  const duplicateKeys: { pointer: string; offset: number }[] = [];
  const numberAt = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  let at = 0;
  const syntaxError = (message: string, offset = at): JsonSyntaxError => new JsonSyntaxError(message, offset);

  const skipSpace = (): void => {
    for (;;) {
      const c = text[at];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') at++;
      else if (c === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) {
        throw syntaxError('Comments are not allowed in JSON.');
      } else return;
    }
  };

  const readString = (): string => {
    const start = at;
    at++;
    for (;;) {
      const c = text[at];
      if (c === undefined || c === '\n' || c === '\r') {
        throw syntaxError('This string is never closed: a closing " is missing.', start);
      }
      if (c === '"') break;
      if (c === '\\') {
        const escaped = text[at + 1];
        if (escaped === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(at + 2, at + 6))) {
            throw syntaxError('Invalid \\u escape: four hexadecimal digits must follow.');
          }
          at += 6;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) at += 2;
        else throw syntaxError(`Invalid escape "\\${escaped ?? ''}" in a string.`);
        continue;
      }
      if (c.charCodeAt(0) < 0x20)
        throw syntaxError('Control characters (such as tabs) must be escaped in strings.');
      at++;
    }
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };

  const readNumber = (): void => {
    const start = at;
    numberAt.lastIndex = at;
    const match = numberAt.exec(text);
    if (!match) throw syntaxError('Invalid number.');
    at += match[0].length;
    if (/[0-9A-Za-z.+-]/.test(text[at] ?? '')) throw syntaxError('Invalid number.', start);
  };

  const readObject = (pointer: string, depth: number): void => {
    at++;
    skipSpace();
    if (text[at] === '}') {
      at++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      skipSpace();
      const c = text[at];
      if (c !== '"') {
        throw syntaxError(
          c === undefined
            ? 'The document ends inside an object: a closing "}" is missing.'
            : c === "'"
              ? 'Property names must be in double quotes (").'
              : 'Expected a property name in double quotes.',
        );
      }
      const keyOffset = at;
      const key = readString();
      const child = `${pointer}/${escapeSegment(key)}`;
      if (seen.has(key)) duplicateKeys.push({ pointer: child, offset: keyOffset });
      seen.add(key);
      offsets.set(child, keyOffset);
      skipSpace();
      if (text[at] !== ':') throw syntaxError(`Expected ":" after the property name "${key}".`);
      at++;
      readValue(child, depth + 1);
      skipSpace();
      const next = text[at];
      if (next === '}') {
        at++;
        return;
      }
      if (next !== ',') {
        throw syntaxError(
          next === undefined
            ? 'The document ends inside an object: a closing "}" is missing.'
            : `Expected "," or "}" after the value of "${key}".`,
        );
      }
      const comma = at;
      at++;
      skipSpace();
      if (text[at] === '}') throw syntaxError('Trailing comma: remove the "," before "}".', comma);
    }
  };

  const readArray = (pointer: string, depth: number): void => {
    at++;
    skipSpace();
    if (text[at] === ']') {
      at++;
      return;
    }
    for (let index = 0; ; index++) {
      skipSpace();
      const child = `${pointer}/${index}`;
      offsets.set(child, at);
      readValue(child, depth + 1);
      skipSpace();
      const next = text[at];
      if (next === ']') {
        at++;
        return;
      }
      if (next !== ',') {
        throw syntaxError(
          next === undefined
            ? 'The document ends inside a list: a closing "]" is missing.'
            : 'Expected "," or "]" after an item of the list.',
        );
      }
      const comma = at;
      at++;
      skipSpace();
      if (text[at] === ']') throw syntaxError('Trailing comma: remove the "," before "]".', comma);
    }
  };

  const readValue = (pointer: string, depth: number): void => {
    if (depth > 256) throw syntaxError('The document is nested too deeply.');
    skipSpace();
    const c = text[at];
    if (c === '{') return readObject(pointer, depth);
    if (c === '[') return readArray(pointer, depth);
    if (c === '"') {
      readString();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return readNumber();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, at) && !/[A-Za-z0-9_$]/.test(text[at + word.length] ?? '')) {
        at += word.length;
        return;
      }
    }
    if (c === undefined) throw syntaxError('The document ends where a value is expected.');
    if (c === "'") throw syntaxError('Strings must be in double quotes (").');
    const word = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(text.slice(at, at + 40))?.[0];
    throw syntaxError(
      word
        ? `Unexpected ${word}: text must be in double quotes; the only bare words are true, false and null.`
        : `Unexpected "${c}" where a value is expected.`,
    );
  };

  skipSpace();
  if (at === text.length) throw syntaxError('The document is empty.');
  offsets.set('', at);
  readValue('', 0);
  skipSpace();
  if (at < text.length) throw syntaxError('Unexpected text after the end of the document.');
  return { offsets, duplicateKeys };
}

const lineStartsOf = (text: string): number[] => {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
};

const positionAt = (lineStarts: readonly number[], offset: number): { line: number; column: number } => {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lineStarts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
};

/** Offset of the value at `pointer`, or of its nearest ancestor that exists (for missing properties). */
const offsetOf = (offsets: ReadonlyMap<string, number>, pointer: string): number | undefined => {
  for (let current = pointer; ; current = current.slice(0, current.lastIndexOf('/'))) {
    const offset = offsets.get(current);
    if (offset !== undefined || current === '') return offset;
  }
};

/**
 * Line and column (1-based) of a JSON pointer in JSON text: of the key for object members, of the value
 * for array items, of the nearest existing parent when the pointer names something missing.
 */
export function locateJsonPointer(
  text: string,
  pointer: string,
): { line: number; column: number } | undefined {
  try {
    const offset = offsetOf(scanJson(text).offsets, pointer);
    return offset === undefined ? undefined : positionAt(lineStartsOf(text), offset);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Structure: the JSON Schema

type Node = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A copy, because the validator annotates the schema objects it is given.
const jsonSchema = JSON.parse(JSON.stringify(schemaJson)) as Node;
const validator = new Validator(jsonSchema as Schema, '2020-12', false);

const childOf = (node: unknown, segment: string): unknown =>
  Array.isArray(node) ? (node as unknown[])[Number(segment)] : isRecord(node) ? node[segment] : undefined;

const valueAt = (root: unknown, pointer: string): unknown =>
  splitPointer(pointer).reduce<unknown>(childOf, root);

/** The validator's locations are `#` + a URI-encoded JSON pointer. */
const pointerFromLocation = (location: string): string =>
  location
    .replace(/^#/, '')
    .split('/')
    .map((segment) => decodeURIComponent(segment))
    .join('/');

/** The schema object holding the keyword at `keywordLocation`, following `$ref`s as the validator did. */
const schemaHolding = (keywordLocation: string): Node => {
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
const describedSchema = (node: unknown): Node => {
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

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
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

/** How an item of each list is called in messages. */
const ITEM_WORDS: Readonly<Record<string, string>> = {
  classes: 'class',
  attributes: 'attribute',
  imageAttributes: 'image attribute',
  options: 'option',
};

/** Where a pointer is, in words: `Class "Car" › attribute "Occlusion" › default`. */
function describeLocation(root: unknown, pointer: string): string {
  const parts: string[] = [];
  let node = root;
  let parentKey = '';
  for (const segment of splitPointer(pointer)) {
    const child = childOf(node, segment);
    if (Array.isArray(node)) {
      const item = isRecord(child) ? child : {};
      const label = [item.label, item.name, item.id].find((value) => typeof value === 'string');
      const word = ITEM_WORDS[parentKey];
      parts[parts.length - 1] = word
        ? `${word} ${label === undefined ? Number(segment) + 1 : `"${String(label)}"`}`
        : `${parts[parts.length - 1] ?? ''}[${segment}]`;
    } else parts.push(segment);
    parentKey = segment;
    node = child;
  }
  const text = parts.join(' › ');
  return text === '' ? 'The document' : text.charAt(0).toUpperCase() + text.slice(1);
}

type Explained = (code: SchemaProblemCode, path: string, detail: string) => void;

function structuralProblems(value: unknown): SchemaProblem[] {
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

const formatProblem = (value: unknown): SchemaProblem | undefined => {
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

/**
 * Checks a value (already parsed, e.g. from the schema editor or an API call) against the JSON Schema
 * and the semantic rules. On success the schema comes back with its keys in the canonical order.
 */
export function validateSchemaValue(value: unknown): SchemaDocumentResult {
  const format = formatProblem(value);
  if (format) return { ok: false, problems: [format] };
  const structural = structuralProblems(value);
  if (structural.length > 0) return { ok: false, problems: structural };
  const schema = canonical(value as AnnotationSchema);
  const semantic = checkSchema(schema);
  return semantic.length > 0 ? { ok: false, problems: semantic } : { ok: true, schema };
}

/** Parses a schema document a user wrote or imported; every problem carries its line and column. */
export function parseSchemaDocument(text: string): SchemaDocumentResult {
  // Editors on Windows may start the file with a byte-order mark, which JSON.parse refuses.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineStarts = lineStartsOf(body);
  let scan: JsonScan;
  try {
    scan = scanJson(body);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const position = positionAt(lineStarts, error.offset);
    return { ok: false, problems: [{ code: 'invalid-json', path: '', message: error.message, ...position }] };
  }
  const value: unknown = JSON.parse(body);
  const duplicates: SchemaProblem[] = scan.duplicateKeys.map(({ pointer }) => ({
    code: 'duplicate-json-key',
    path: pointer,
    message: `${describeLocation(value, pointer.slice(0, pointer.lastIndexOf('/')))}: "${splitPointer(pointer).at(-1) ?? ''}" appears more than once; only one value per property is allowed.`,
  }));
  const result = validateSchemaValue(value);
  if (result.ok && duplicates.length === 0) return result;
  const located = [...duplicates, ...(result.ok ? [] : result.problems)].map((problem) => {
    const offset = offsetOf(scan.offsets, problem.path);
    return {
      problem: offset === undefined ? problem : { ...problem, ...positionAt(lineStarts, offset) },
      offset,
    };
  });
  // Stable sort by position, so problems read top to bottom as in an editor.
  located.sort((a, b) => (a.offset ?? Infinity) - (b.offset ?? Infinity));
  return { ok: false, problems: located.map(({ problem }) => problem) };
}

// ---------------------------------------------------------------------------------------------------
// Semantic rules: what the JSON Schema cannot express

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

const regExpError = (pattern: string): string | undefined => {
  try {
    new RegExp(`^(?:${pattern})$`, 'u');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

type Report = (code: SchemaProblemCode, path: string, message: string) => void;

/** Each later item whose key repeats an earlier one, with the index of that earlier one. */
function repeats<T>(
  items: readonly T[],
  keyOf: (item: T) => string | undefined,
): { index: number; first: number }[] {
  const firstIndex = new Map<string, number>();
  const found: { index: number; first: number }[] = [];
  items.forEach((item, index) => {
    const key = keyOf(item);
    if (key === undefined) return;
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else found.push({ index, first });
  });
  return found;
}

/** The first cycle reached by following `next` from `start`, or undefined. */
function cycleFrom(start: number, next: (index: number) => number | undefined): number[] | undefined {
  const path: number[] = [];
  for (let current: number | undefined = start; current !== undefined; current = next(current)) {
    const seenAt = path.indexOf(current);
    if (seenAt >= 0) return path.slice(seenAt);
    path.push(current);
  }
  return undefined;
}

/** The rules of the annotation schema that JSON Schema cannot express; [] when there are none to report. */
export function checkSchema(schema: AnnotationSchema): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const report: Report = (code, path, message) => problems.push({ code, path, message });
  checkClasses(schema.classes, report);
  schema.classes.forEach((labelClass, i) =>
    checkAttributes(
      labelClass.attributes,
      pointerOf('classes', i, 'attributes'),
      `of class "${labelClass.name}"`,
      report,
    ),
  );
  checkAttributes(schema.imageAttributes, '/imageAttributes', 'of the image', report);
  if (schema.tagging.requireAtLeastOne && !schema.classes.some((c) => c.geometries.includes('tag'))) {
    report(
      'tagging-without-tag-classes',
      '/tagging/requireAtLeastOne',
      'Every image must have a tag, but no class allows the "tag" geometry, so no image could ever be done.',
    );
  }
  return problems;
}

function checkClasses(classes: readonly LabelClass[], report: Report): void {
  const at = (i: number, ...rest: (string | number)[]): string => pointerOf('classes', i, ...rest);
  const nameOf = (i: number): string => classes[i]?.name ?? '';
  for (const { index, first } of repeats(classes, (c) => c.id)) {
    report(
      'duplicate-class-id',
      at(index, 'id'),
      `Class "${nameOf(index)}" has the id "${classes[index]?.id}", already used by class "${nameOf(first)}"; class ids must be unique.`,
    );
  }
  for (const { index, first } of repeats(classes, (c) => c.name.trim().toLowerCase())) {
    report(
      'duplicate-class-name',
      at(index, 'name'),
      `Classes "${nameOf(first)}" and "${nameOf(index)}" have the same name; class names must be unique, ignoring case.`,
    );
  }
  for (const { index, first } of repeats(classes, (c) => c.hotkey?.toLowerCase())) {
    report(
      'duplicate-class-hotkey',
      at(index, 'hotkey'),
      `Classes "${nameOf(first)}" and "${nameOf(index)}" both use the hotkey "${classes[index]?.hotkey}".`,
    );
  }

  const indexById = new Map<string, number>();
  classes.forEach((c, i) => {
    if (!indexById.has(c.id)) indexById.set(c.id, i);
  });
  const parentIndex = (i: number): number | undefined => {
    const parentId = classes[i]?.parentId;
    return parentId === undefined ? undefined : indexById.get(parentId);
  };
  classes.forEach((labelClass, i) => {
    if (labelClass.parentId !== undefined && !indexById.has(labelClass.parentId)) {
      report(
        'unknown-parent',
        at(i, 'parentId'),
        `Class "${labelClass.name}" has the parent "${labelClass.parentId}", which is not the id of any class.`,
      );
    }
    const cycle = cycleFrom(i, parentIndex);
    // Reported once, on the first class of the cycle.
    if (cycle && cycle[0] === i && Math.min(...cycle) === i) {
      const names = [...cycle, i].map((k) => `"${nameOf(k)}"`).join(' → ');
      report(
        'parent-cycle',
        at(i, 'parentId'),
        `Classes ${names} form a cycle: a class cannot be its own parent or ancestor.`,
      );
    }
    const keypointsAt = labelClass.geometries.indexOf('keypoints');
    if (keypointsAt >= 0 && !labelClass.skeleton) {
      report(
        'keypoints-without-skeleton',
        at(i, 'geometries', keypointsAt),
        `Class "${labelClass.name}" allows keypoints but has no skeleton naming them.`,
      );
    }
    if (labelClass.skeleton) checkSkeleton(labelClass.skeleton, labelClass.name, at(i, 'skeleton'), report);
    checkConstraints(labelClass, at(i, 'constraints'), report);
  });
}

function checkSkeleton(skeleton: Skeleton, className: string, path: string, report: Report): void {
  for (const { index } of repeats(skeleton.keypoints, (name) => name)) {
    report(
      'duplicate-keypoint',
      `${path}/keypoints/${index}`,
      `Class "${className}" names the keypoint "${skeleton.keypoints[index]}" twice; keypoint names must be unique.`,
    );
  }
  const known = new Set(skeleton.keypoints);
  const checkPairs = (key: 'edges' | 'flipPairs', what: string): void =>
    skeleton[key].forEach((pair, j) =>
      pair.forEach((name, end) => {
        if (!known.has(name)) {
          report(
            'unknown-keypoint',
            `${path}/${key}/${j}/${end}`,
            `Class "${className}": ${what} ${j + 1} names "${name}", which is not one of its keypoints.`,
          );
        }
      }),
    );
  checkPairs('edges', 'edge');
  checkPairs('flipPairs', 'flip pair');
}

function checkConstraints(labelClass: LabelClass, path: string, report: Report): void {
  const constraints = labelClass.constraints;
  if (!constraints) return;
  const rules: [keyof typeof constraints, number, boolean, string][] = [
    ['minBoxWidth', 0, false, 'a number of pixels, 0 or more'],
    ['minBoxHeight', 0, false, 'a number of pixels, 0 or more'],
    ['minPolygonVertices', 3, true, 'a whole number, 3 or more'],
    ['maxInstancesPerImage', 1, true, 'a whole number, 1 or more'],
  ];
  for (const [key, least, whole, expected] of rules) {
    const value = constraints[key];
    if (typeof value !== 'number') continue;
    if (!Number.isFinite(value) || value < least || (whole && !Number.isInteger(value))) {
      report(
        'invalid-constraint',
        `${path}/${key}`,
        `Class "${labelClass.name}": ${key} must be ${expected}, not ${String(value)}.`,
      );
    }
  }
}

const optionIdsOf = (attribute: AttributeDefinition): string[] =>
  attribute.type === 'single-choice' || attribute.type === 'multi-choice'
    ? attribute.options.map((o) => o.id)
    : [];

/** Why `value` can never be a value of `attribute`, or undefined when it can. */
function valueProblem(attribute: AttributeDefinition, value: unknown): string | undefined {
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

function checkAttributes(
  attributes: readonly AttributeDefinition[],
  path: string,
  owner: string,
  report: Report,
): void {
  const label = (a: AttributeDefinition | undefined): string => `Attribute "${a?.name ?? ''}" ${owner}`;
  for (const { index, first } of repeats(attributes, (a) => a.id)) {
    report(
      'duplicate-attribute-id',
      `${path}/${index}/id`,
      `Attributes "${attributes[first]?.name}" and "${attributes[index]?.name}" ${owner} share the id "${attributes[index]?.id}"; attribute ids must be unique.`,
    );
  }
  const indexById = new Map<string, number>();
  attributes.forEach((a, i) => {
    if (!indexById.has(a.id)) indexById.set(a.id, i);
  });

  attributes.forEach((attribute, j) => {
    const at = `${path}/${j}`;
    if (attribute.type === 'single-choice' || attribute.type === 'multi-choice') {
      const options = attribute.options;
      for (const { index } of repeats(options, (o) => o.id)) {
        report(
          'duplicate-option-id',
          `${at}/options/${index}/id`,
          `${label(attribute)} has two options with the id "${options[index]?.id}".`,
        );
      }
      for (const { index, first } of repeats(options, (o) => o.hotkey?.toLowerCase())) {
        report(
          'duplicate-option-hotkey',
          `${at}/options/${index}/hotkey`,
          `${label(attribute)}: options "${options[first]?.label}" and "${options[index]?.label}" both use the hotkey "${options[index]?.hotkey}".`,
        );
      }
    }
    if (attribute.type === 'number') {
      if (attribute.min !== undefined && attribute.max !== undefined && attribute.min > attribute.max) {
        report(
          'min-greater-than-max',
          `${at}/max`,
          `${label(attribute)}: the minimum ${attribute.min} is greater than the maximum ${attribute.max}.`,
        );
      }
      if (attribute.step !== undefined && !(attribute.step > 0 && Number.isFinite(attribute.step))) {
        report(
          'invalid-step',
          `${at}/step`,
          `${label(attribute)}: the step must be greater than 0, not ${attribute.step}.`,
        );
      }
    }
    if (attribute.type === 'text' && attribute.pattern !== undefined) {
      const error = regExpError(attribute.pattern);
      if (error !== undefined) {
        report(
          'invalid-pattern',
          `${at}/pattern`,
          `${label(attribute)}: "${attribute.pattern}" is not a valid regular expression (${error}).`,
        );
      }
    }
    checkDefault(attribute, at, label(attribute), report);

    const when = attribute.when;
    if (!when) return;
    if (when.attributeId === attribute.id) {
      report(
        'self-condition',
        `${at}/when/attributeId`,
        `${label(attribute)} depends on itself, so it could never be shown.`,
      );
      return;
    }
    const target = attributes[indexById.get(when.attributeId) ?? -1];
    if (!target) {
      report(
        'unknown-condition-attribute',
        `${at}/when/attributeId`,
        `${label(attribute)} depends on "${when.attributeId}", which is not an attribute ${owner}.`,
      );
      return;
    }
    when.values.forEach((value, k) => {
      const problem = valueProblem(target, value);
      if (problem) {
        report(
          'invalid-condition-value',
          `${at}/when/values/${k}`,
          `${label(attribute)} depends on "${target.name}" being ${show(value)}, but ${problem}.`,
        );
      }
    });
  });

  const dependsOn = (i: number): number | undefined => {
    const when = attributes[i]?.when;
    return when && when.attributeId !== attributes[i]?.id ? indexById.get(when.attributeId) : undefined;
  };
  attributes.forEach((_, i) => {
    const cycle = cycleFrom(i, dependsOn);
    if (cycle && cycle.length > 1 && cycle[0] === i && Math.min(...cycle) === i) {
      const names = [...cycle, i].map((k) => `"${attributes[k]?.name}"`).join(' → ');
      report(
        'condition-cycle',
        `${path}/${i}/when/attributeId`,
        `Attributes ${names} ${owner} depend on each other in a cycle, so none of them could ever be shown.`,
      );
    }
  });
}

function checkDefault(attribute: AttributeDefinition, at: string, label: string, report: Report): void {
  if (attribute.default === undefined) return;
  if (attribute.type === 'multi-choice') {
    attribute.default.forEach((value, k) => {
      const problem = valueProblem(attribute, value);
      if (problem) report('invalid-default', `${at}/default/${k}`, `${label}: the default ${problem}.`);
    });
    return;
  }
  const problem = valueProblem(attribute, attribute.default);
  if (problem) report('invalid-default', `${at}/default`, `${label}: the default ${problem}.`);
}

// ---------------------------------------------------------------------------------------------------
// Writing

type Kind =
  'document' | 'labelClass' | 'skeleton' | 'constraints' | 'attribute' | 'condition' | 'option' | 'tagging';

/** Key order of each object, as in types.ts; keys not listed are dropped (the JSON Schema forbids them). */
const KEY_ORDER: Record<Kind, readonly string[]> = {
  document: ['$schema', 'format', 'name', 'description', 'classes', 'imageAttributes', 'tagging'],
  labelClass: [
    'id',
    'name',
    'color',
    'hotkey',
    'description',
    'parentId',
    'geometries',
    'skeleton',
    'attributes',
    'constraints',
  ],
  skeleton: ['keypoints', 'edges', 'flipPairs'],
  constraints: [
    'minBoxWidth',
    'minBoxHeight',
    'minPolygonVertices',
    'maxInstancesPerImage',
    'insideImage',
    'keypointsInsideBox',
  ],
  attribute: [
    'id',
    'name',
    'description',
    'required',
    'when',
    'type',
    'options',
    'min',
    'max',
    'step',
    'unit',
    'maxLength',
    'pattern',
    'default',
  ],
  condition: ['attributeId', 'values'],
  option: ['id', 'label', 'hotkey'],
  tagging: ['requireAtLeastOne', 'multiLabel'],
};

/** What kind of object a property holds (keys are unique across kinds). */
const CHILD_KIND: Readonly<Record<string, Kind>> = {
  classes: 'labelClass',
  imageAttributes: 'attribute',
  tagging: 'tagging',
  skeleton: 'skeleton',
  attributes: 'attribute',
  constraints: 'constraints',
  when: 'condition',
  options: 'option',
};

function ordered(value: unknown, kind: Kind): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => ordered(item, kind));
  if (!isRecord(value)) return value;
  const result: Record<string, unknown> = {};
  for (const key of KEY_ORDER[kind]) {
    const child = value[key];
    if (child === undefined) continue;
    const childKind = CHILD_KIND[key];
    result[key] = childKind ? ordered(child, childKind) : child;
  }
  return result;
}

const canonical = (schema: AnnotationSchema): AnnotationSchema =>
  ordered(schema, 'document') as AnnotationSchema;

const MAX_LINE = 100;

/** Two-space JSON; a list of plain values stays on one line when it fits (geometries, keypoint pairs). */
function formatJson(value: unknown, indent: string, prefix: number): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const line = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      if (indent.length + prefix + line.length + 1 <= MAX_LINE) return line;
    }
    return `[\n${value.map((item) => inner + formatJson(item, inner, 0)).join(',\n')}\n${indent}]`;
  }
  if (isRecord(value)) {
    const entries = Object.entries(value).filter(([, child]) => child !== undefined);
    if (entries.length === 0) return '{}';
    const lines = entries.map(([key, child]) => {
      const head = `${JSON.stringify(key)}: `;
      return inner + head + formatJson(child, inner, head.length);
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** The document as users see it on disk: stable key order and layout, so export → import → export is byte-identical. */
export const serializeSchema = (schema: AnnotationSchema): string =>
  `${formatJson(canonical(schema), '', 0)}\n`;
