/**
 * Turns what the schema editor's forms produce into schema changes: a single rename, recolor or move
 * becomes that change (so history and impact say so); anything else is an `edit-schema` of the document.
 */

import type { AttributeScope, SchemaChange } from '../../../src/core/schema/changes';
import {
  SCHEMA_FORMAT,
  type AnnotationSchema,
  type AttributeDefinition,
  type LabelClass,
  type Skeleton,
} from '../../../src/core/schema/types';

export const emptySchema = (name: string): AnnotationSchema => ({
  format: SCHEMA_FORMAT,
  name,
  classes: [],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
});

/** A readable id from a name, made unique among `taken` ("Traffic light" → "traffic_light"). */
export function idFromName(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 56) || 'item';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return id;
}

const PALETTE = [
  '#e6194b',
  '#3cb44b',
  '#ffe119',
  '#4363d8',
  '#f58231',
  '#911eb4',
  '#46f0f0',
  '#f032e6',
  '#bcf60c',
  '#fabebe',
  '#008080',
  '#e6beff',
  '#9a6324',
  '#800000',
  '#aaffc3',
  '#808000',
  '#000075',
];
export const nextColor = (schema: AnnotationSchema): string =>
  PALETTE[schema.classes.length % PALETTE.length]!;

export function newClass(schema: AnnotationSchema, name: string): LabelClass {
  return {
    id: idFromName(name, new Set(schema.classes.map((c) => c.id))),
    name: name.trim(),
    color: nextColor(schema),
    geometries: ['box'],
    attributes: [],
  };
}

/** Key order is not data: stored documents (canonical order) and the forms list fields differently. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((key) => [key, sortedKeys(record[key])]),
  );
}
const same = (a: unknown, b: unknown) => JSON.stringify(sortedKeys(a)) === JSON.stringify(sortedKeys(b));

const withClass = (schema: AnnotationSchema, edited: LabelClass): AnnotationSchema => ({
  ...schema,
  classes: schema.classes.map((c) => (c.id === edited.id ? edited : c)),
});

/** Which fields of a class differ, by the names the form shows. */
export function changedClassFields(before: LabelClass, after: LabelClass): string[] {
  const labels: Record<string, string> = {
    name: 'name',
    color: 'colour',
    hotkey: 'hotkey',
    description: 'description',
    parentId: 'group',
    geometries: 'geometries',
    skeleton: 'skeleton',
    constraints: 'constraints',
    attributes: 'attributes',
  };
  return Object.keys(labels)
    .filter((key) => !same(before[key as keyof LabelClass], after[key as keyof LabelClass]))
    .map((key) => labels[key]!);
}

/** The change that turns `before` into `after` (a class with the same id), or null when nothing changed. */
export function classEditChange(
  schema: AnnotationSchema,
  before: LabelClass,
  after: LabelClass,
): SchemaChange | null {
  const fields = changedClassFields(before, after);
  if (fields.length === 0) return null;
  if (fields.length === 1 && fields[0] === 'name')
    return { type: 'rename-class', classId: before.id, name: after.name };
  if (fields.length === 1 && fields[0] === 'colour')
    return { type: 'recolor-class', classId: before.id, color: after.color };
  if (fields.length === 1 && fields[0] === 'group')
    return { type: 'move-class', classId: before.id, parentId: after.parentId ?? null };
  return {
    type: 'edit-schema',
    schema: withClass(schema, after),
    summary: `Edited class "${after.name}": ${fields.join(', ')}`,
  };
}

export const attributesOf = (
  schema: AnnotationSchema,
  scope: AttributeScope,
): readonly AttributeDefinition[] =>
  scope === 'image'
    ? schema.imageAttributes
    : (schema.classes.find((c) => c.id === scope.classId)?.attributes ?? []);

export const withAttributes = (
  schema: AnnotationSchema,
  scope: AttributeScope,
  attributes: readonly AttributeDefinition[],
): AnnotationSchema =>
  scope === 'image'
    ? { ...schema, imageAttributes: attributes }
    : { ...schema, classes: schema.classes.map((c) => (c.id === scope.classId ? { ...c, attributes } : c)) };

export type AttributeEdit =
  | { kind: 'none' }
  | { kind: 'change'; change: SchemaChange }
  /** Becoming required: the user must choose how existing annotations get a value. */
  | { kind: 'needs-fill'; attributeId: string; rest: SchemaChange | null };

/** The one option whose label changed, when that is the only difference between two definitions. */
function singleOptionRename(
  before: AttributeDefinition,
  after: AttributeDefinition,
): { id: string; label: string } | null {
  if ((before.type !== 'single-choice' && before.type !== 'multi-choice') || before.type !== after.type)
    return null;
  const afterOptions = (after as typeof before).options;
  if (afterOptions.length !== before.options.length) return null;
  const changed = afterOptions.filter(
    (o, i) => before.options[i]?.id === o.id && before.options[i]?.label !== o.label,
  );
  if (changed.length !== 1) return null;
  const relabelled = {
    ...before,
    options: before.options.map((o) => (o.id === changed[0]!.id ? changed[0]! : o)),
  };
  return same(relabelled, after) ? { id: changed[0]!.id, label: changed[0]!.label } : null;
}

/** The change for an edited attribute definition (same id). */
export function attributeEditChange(
  schema: AnnotationSchema,
  scope: AttributeScope,
  before: AttributeDefinition,
  after: AttributeDefinition,
  scopeLabel: string,
): AttributeEdit {
  // Becoming required is its own change (existing annotations need a value); the rest is edited first.
  const becomesRequired = !before.required && after.required;
  const edited = becomesRequired ? ({ ...after, required: false } as AttributeDefinition) : after;
  let rest: SchemaChange | null;
  const renamedOption = singleOptionRename(before, edited);
  if (same(before, edited)) rest = null;
  else if (renamedOption)
    rest = {
      type: 'rename-option',
      scope,
      attributeId: before.id,
      optionId: renamedOption.id,
      label: renamedOption.label,
    };
  else if (same({ ...before, name: edited.name }, edited))
    rest = { type: 'rename-attribute', scope, attributeId: before.id, name: edited.name };
  else
    rest = {
      type: 'edit-schema',
      schema: withAttributes(
        schema,
        scope,
        attributesOf(schema, scope).map((a) => (a.id === before.id ? edited : a)),
      ),
      summary: `Edited attribute "${edited.name}" of ${scopeLabel}`,
    };
  if (becomesRequired) return { kind: 'needs-fill', attributeId: before.id, rest };
  return rest ? { kind: 'change', change: rest } : { kind: 'none' };
}

/** "nose, left_eye" → names; "nose-left_eye" edges; "left_eye:right_eye" flip pairs. */
export function parseSkeleton(keypoints: string, edges: string, flips: string): Skeleton {
  const names = keypoints
    .split(/[,\n]/)
    .map((n) => n.trim())
    .filter(Boolean);
  const known = new Set(names);
  // Keypoint names may contain "-" (the edge separator): split where both ends are keypoints, else at the
  // only separator, so a misspelt name still reaches the schema checks instead of vanishing.
  const pair = (text: string, separator: string): [string, string] | null => {
    const parts = text.split(separator);
    for (let i = 1; i < parts.length; i++) {
      const a = parts.slice(0, i).join(separator).trim();
      const b = parts.slice(i).join(separator).trim();
      if (known.has(a) && known.has(b)) return [a, b];
    }
    const [a, b] = parts.map((n) => n.trim());
    return parts.length === 2 && a && b ? [a, b] : null;
  };
  const pairs = (text: string, separator: string) =>
    text
      .split(/[,\n]/)
      .map((p) => pair(p, separator))
      .filter((p): p is [string, string] => p !== null);
  return { keypoints: names, edges: pairs(edges, '-'), flipPairs: pairs(flips, ':') };
}

export const formatSkeleton = (skeleton: Skeleton | undefined) => ({
  keypoints: skeleton?.keypoints.join(', ') ?? '',
  edges: skeleton?.edges.map(([a, b]) => `${a}-${b}`).join(', ') ?? '',
  flips: skeleton?.flipPairs.map(([a, b]) => `${a}:${b}`).join(', ') ?? '',
});

/** Moves a class one place up or down in the list (order is what the editor's class bar shows). */
export function reorderClasses(
  schema: AnnotationSchema,
  classId: string,
  delta: -1 | 1,
): AnnotationSchema | null {
  const index = schema.classes.findIndex((c) => c.id === classId);
  const target = index + delta;
  if (index < 0 || target < 0 || target >= schema.classes.length) return null;
  const classes = [...schema.classes];
  [classes[index], classes[target]] = [classes[target]!, classes[index]!];
  return { ...schema, classes };
}
