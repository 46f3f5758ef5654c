/**
 * Reads, checks and writes annotation schema documents: JSON syntax (with line and column), the JSON
 * Schema in schemas/annotation-schema.schema.json, then the rules a JSON Schema cannot express.
 *
 * The public entry point: the reader and writer live here, each step in `./document/`: `jsonText.ts`
 * (syntax, repeated keys, positions), `structure.ts` (the JSON Schema), `rules.ts` (the semantic rules),
 * `values.ts` (what fits an attribute), `layout.ts` (key order and layout on disk), `problems.ts`
 * (the codes), `messages.ts` and `jsonPointer.ts` (shared by the others).
 */

import type { AnnotationSchema } from './types';
import { splitPointer } from './document/jsonPointer';
import {
  JsonSyntaxError,
  lineStartsOf,
  offsetOf,
  positionAt,
  scanJson,
  type JsonScan,
} from './document/jsonText';
import { canonical, formatJson } from './document/layout';
import { describeLocation } from './document/messages';
import type { SchemaProblem } from './document/problems';
import { checkSchema } from './document/rules';
import { formatProblem, structuralProblems } from './document/structure';

export { locateJsonPointer } from './document/jsonText';
export { SCHEMA_PROBLEM_CODES, type SchemaProblem, type SchemaProblemCode } from './document/problems';
export { checkSchema } from './document/rules';
export { compileTextPattern, isOnStep, textLength } from './document/values';

export const SCHEMA_DOCUMENT_URL = 'https://labelloop.dev/schemas/annotation-schema.schema.json';

export type SchemaDocumentResult =
  | { readonly ok: true; readonly schema: AnnotationSchema }
  | { readonly ok: false; readonly problems: readonly SchemaProblem[] };

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

/** The document as users see it on disk: stable key order and layout, so export → import → export is byte-identical. */
export const serializeSchema = (schema: AnnotationSchema): string =>
  `${formatJson(canonical(schema), '', 0)}\n`;
