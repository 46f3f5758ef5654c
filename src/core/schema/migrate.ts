/**
 * Schema changes applied: to the schema document, to annotation records (one image at a time), and
 * counted over a project before the user confirms them, with the words the user sees.
 *
 * Undo needs no inverse change: the caller stores the before-state of every record `migrateRecord`
 * rewrote together with the previous schema version (`SchemaChangeRecord`, written in the same
 * transaction as the change). Undo puts those records back as they were and makes the previous version
 * current, again in one transaction; records the change did not rewrite were never touched. Records
 * edited after the change are overwritten by that restore, so only the latest change is undoable.
 *
 * Migration is keyed by class, attribute and option ids, never by version: a project whose annotations
 * were made under versions 1, 2 and 3 migrates the same way under a version-4 change.
 */

import { classIdsOf } from '../annotations/types';
import type {
  Annotation,
  AttributeValue,
  AttributeValues,
  ImageAnnotations,
  ReviewFlag,
} from '../annotations/types';
import type { AttributeScope, SchemaChange } from './changes';
import { compileTextPattern, isOnStep, textLength } from './document';
import { SCHEMA_FORMAT } from './types';
import type { AnnotationSchema, AttributeCondition, AttributeDefinition, LabelClass } from './types';

export type SchemaChangeResult =
  { readonly ok: true; readonly schema: AnnotationSchema } | { readonly ok: false; readonly message: string };

export interface MigrationContext {
  /** The schema version the change creates; rewritten annotations and review flags carry it. */
  readonly newVersion: number;
  readonly now: number;
  readonly author: string;
  /**
   * The schema before the change. Review reasons name classes with it, and `make-attribute-required`
   * needs it to fill or flag only annotations where the attribute is shown (its condition holds); without
   * it reasons use ids and conditions are taken as met. `changeImpact` always has it, so pass it.
   */
  readonly schema?: AnnotationSchema;
}

/**
 * What a change does to a project. For changes that rewrite records, `annotations`/`images` are exactly
 * what `migrateRecord` rewrites or deletes; for changes that only relabel (rename, recolor, move, add
 * attribute, rename attribute or option) they count what shows up differently and `recordsToWrite` is 0.
 * Image-attribute changes count images, not annotations.
 */
export interface ChangeImpact {
  /** Annotations the change concerns: rewritten, deleted, or shown under a new name/colour/place. */
  readonly annotations: number;
  /** Image tags the change concerns: moved to another class, removed, kept for review, relabeled. */
  readonly tags: number;
  /** Images holding anything the change concerns. */
  readonly images: number;
  /** Image records `migrateRecord` rewrites (the rows a caller writes and keeps for undo). */
  readonly recordsToWrite: number;
  /** Annotations deleted (tags removed with a deleted class are in `tags`). */
  readonly deleted: number;
  /** Review flags raised: on annotations, and on images whose tag or image attribute needs a person. */
  readonly toReview: number;
  /** Annotations, or images for image attributes, given the default of a newly required attribute. */
  readonly filled: number;
  readonly summary: string;
}

// ---------------------------------------------------------------------------------------------------------
// Looking things up

const COLOR = /^#[0-9a-fA-F]{6}$/;
const q = (text: string): string => `"${text}"`;
const quoted = (texts: readonly string[]): string => texts.map(q).join(', ');
const findClass = (schema: AnnotationSchema, id: string): LabelClass | undefined =>
  schema.classes.find((c) => c.id === id);
const className = (schema: AnnotationSchema | undefined, id: string): string =>
  (schema && findClass(schema, id)?.name) ?? id;
const scopeClassId = (scope: AttributeScope): string | null => (scope === 'image' ? null : scope.classId);

/** Reads an own property only, so an attribute id such as "constructor" never reads Object.prototype. */
const own = (values: AttributeValues, id: string): AttributeValue | undefined =>
  Object.hasOwn(values, id) ? values[id] : undefined;

/** The validation engine's rule: absent, null, '' and [] all mean "no value". */
const isMissing = (value: unknown): boolean =>
  value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);

function attributesIn(
  schema: AnnotationSchema,
  scope: AttributeScope,
): readonly AttributeDefinition[] | undefined {
  return scope === 'image' ? schema.imageAttributes : findClass(schema, scope.classId)?.attributes;
}

function findAttribute(
  schema: AnnotationSchema | undefined,
  scope: AttributeScope,
  id: string,
): AttributeDefinition | undefined {
  return schema && attributesIn(schema, scope)?.find((a) => a.id === id);
}

/** `on "car"` or `on images`, for messages. */
const where = (schema: AnnotationSchema, scope: AttributeScope): string =>
  scope === 'image' ? 'on images' : `on ${q(className(schema, scope.classId))}`;

/** Ids of the class's ancestors, nearest first (stops on a cycle). */
function ancestorsOf(classes: readonly LabelClass[], id: string): string[] {
  const byId = new Map(classes.map((c) => [c.id, c]));
  const out: string[] = [];
  for (let parent = byId.get(id)?.parentId; parent !== undefined && !out.includes(parent);) {
    out.push(parent);
    parent = byId.get(parent)?.parentId;
  }
  return out;
}

const descendantsOf = (classes: readonly LabelClass[], id: string): string[] =>
  classes.filter((c) => ancestorsOf(classes, c.id).includes(id)).map((c) => c.id);

/** Whether the attribute is shown for these values: its condition, and its controller's, hold. */
function conditionHolds(
  when: AttributeCondition | undefined,
  values: AttributeValues,
  scope: readonly AttributeDefinition[],
): boolean {
  // A chain longer than the scope is a cycle (document validation reports it); stop there.
  let current = when;
  for (let depth = 0; current !== undefined && depth <= scope.length; depth++) {
    const value = own(values, current.attributeId);
    if (isMissing(value)) return false;
    const accepted = current.values;
    const met = Array.isArray(value)
      ? value.some((v) => accepted.includes(v))
      : accepted.includes(value as string | number | boolean);
    if (!met) return false;
    const controller = current.attributeId;
    current = scope.find((a) => a.id === controller)?.when;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// The schema

const accept = (schema: AnnotationSchema): SchemaChangeResult => ({ ok: true, schema });
const refuse = (message: string): SchemaChangeResult => ({ ok: false, message });
const noClass = (id: string): SchemaChangeResult => refuse(`There is no class with id ${q(id)}.`);

const replaceClass = (schema: AnnotationSchema, next: LabelClass): AnnotationSchema => ({
  ...schema,
  classes: schema.classes.map((c) => (c.id === next.id ? next : c)),
});

function withoutParent(labelClass: LabelClass): LabelClass {
  const { parentId: _parentId, ...rest } = labelClass;
  return rest;
}

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

/** The first id that appears twice, if any. */
function repeated(ids: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/** What is wrong with a new class on its own (ids, name, colour, attribute ids). */
function classProblem(labelClass: LabelClass): string | undefined {
  if (!labelClass.id) return `Class ${q(labelClass.name)} needs an id.`;
  if (!labelClass.name.trim()) return `Class ${q(labelClass.id)} needs a name.`;
  if (!COLOR.test(labelClass.color))
    return `${q(labelClass.color)} is not a colour like #1f77b4 (class ${q(labelClass.name)}).`;
  const twice = repeated(labelClass.attributes.map((a) => a.id));
  if (twice !== undefined) return `Class ${q(labelClass.name)} has two attributes with id ${q(twice)}.`;
  return undefined;
}

/** Every parent exists and no class ends up inside itself. */
function hierarchyProblem(classes: readonly LabelClass[]): string | undefined {
  const ids = new Set(classes.map((c) => c.id));
  for (const c of classes) {
    if (c.parentId === undefined) continue;
    if (!ids.has(c.parentId)) return `${q(c.name)} is under ${q(c.parentId)}, which does not exist.`;
    if (ancestorsOf(classes, c.id).includes(c.id)) return `${q(c.name)} would end up inside itself.`;
  }
  return undefined;
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

/**
 * The schema after a change, or why the change cannot be made. Refusals name what is wrong in the user's
 * words. Removing a class never drops anything silently: delete and split refuse while other classes are
 * under it, merge moves them under the target.
 */
export function applyChangeToSchema(schema: AnnotationSchema, change: SchemaChange): SchemaChangeResult {
  switch (change.type) {
    case 'add-class': {
      const added = change.labelClass;
      const problem = classProblem(added);
      if (problem) return refuse(problem);
      const sameId = findClass(schema, added.id);
      if (sameId) return refuse(`The id ${q(added.id)} is already used by class ${q(sameId.name)}.`);
      if (schema.classes.some((c) => c.name === added.name))
        return refuse(`A class named ${q(added.name)} already exists.`);
      if (added.parentId !== undefined && !findClass(schema, added.parentId))
        return refuse(`Cannot put ${q(added.name)} under ${q(added.parentId)}: there is no such class.`);
      return accept({ ...schema, classes: [...schema.classes, added] });
    }

    case 'rename-class': {
      const target = findClass(schema, change.classId);
      if (!target) return noClass(change.classId);
      if (!change.name.trim()) return refuse('A class needs a name.');
      if (schema.classes.some((c) => c.id !== target.id && c.name === change.name))
        return refuse(`A class named ${q(change.name)} already exists.`);
      return accept(replaceClass(schema, { ...target, name: change.name }));
    }

    case 'recolor-class': {
      const target = findClass(schema, change.classId);
      if (!target) return noClass(change.classId);
      if (!COLOR.test(change.color)) return refuse(`${q(change.color)} is not a colour like #1f77b4.`);
      return accept(replaceClass(schema, { ...target, color: change.color }));
    }

    case 'delete-class': {
      const target = findClass(schema, change.classId);
      if (!target) return noClass(change.classId);
      const children = schema.classes.filter((c) => c.parentId === target.id).map((c) => c.name);
      if (children.length > 0)
        return refuse(
          `Cannot delete ${q(target.name)}: ${quoted(children)} ${children.length === 1 ? 'is' : 'are'} under it. Move or delete ${children.length === 1 ? 'it' : 'them'} first.`,
        );
      return accept({ ...schema, classes: schema.classes.filter((c) => c.id !== target.id) });
    }

    case 'merge-classes': {
      const { sourceIds, targetId } = change;
      if (sourceIds.length === 0) return refuse('Choose at least one class to merge.');
      const twice = repeated(sourceIds);
      if (twice !== undefined) return refuse(`${q(className(schema, twice))} is listed twice.`);
      const missing = sourceIds.find((id) => !findClass(schema, id));
      if (missing !== undefined) return noClass(missing);
      const target = findClass(schema, targetId);
      if (!target) return refuse(`Cannot merge into ${q(targetId)}: there is no such class.`);
      if (sourceIds.includes(targetId))
        return refuse(`Cannot merge into ${q(target.name)}: it is one of the classes being merged away.`);
      const container = ancestorsOf(schema.classes, targetId).find((id) => sourceIds.includes(id));
      if (container !== undefined)
        return refuse(
          `Cannot merge ${q(className(schema, container))} into ${q(target.name)}: ${q(target.name)} is inside it.`,
        );
      const sources = new Set(sourceIds);
      // The target absorbs everything of the sources, including the classes under them.
      const classes = schema.classes
        .filter((c) => !sources.has(c.id))
        .map((c) => (c.parentId !== undefined && sources.has(c.parentId) ? { ...c, parentId: targetId } : c));
      return accept({ ...schema, classes });
    }

    case 'split-class': {
      const source = findClass(schema, change.classId);
      if (!source) return noClass(change.classId);
      const { into } = change;
      if (into.length < 2) return refuse(`Split ${q(source.name)} into at least two classes.`);
      const children = schema.classes.filter((c) => c.parentId === source.id).map((c) => c.name);
      if (children.length > 0)
        return refuse(
          `Cannot split ${q(source.name)}: ${quoted(children)} ${children.length === 1 ? 'is' : 'are'} under it. Move ${children.length === 1 ? 'it' : 'them'} first.`,
        );
      const others = schema.classes.filter((c) => c.id !== source.id);
      for (const [index, added] of into.entries()) {
        const problem = classProblem(added);
        if (problem) return refuse(problem);
        if (added.id === source.id && index > 0)
          return refuse(`Only the first new class may keep the id ${q(source.id)} of ${q(source.name)}.`);
        const sameId = [...others, ...into.slice(0, index)].find((c) => c.id === added.id);
        if (sameId)
          return refuse(
            `${q(added.name)} cannot have the id ${q(added.id)}: ${q(sameId.name)} already has it.`,
          );
        if ([...others, ...into.slice(0, index)].some((c) => c.name === added.name))
          return refuse(`A class named ${q(added.name)} already exists.`);
        if (added.parentId === source.id && added.id !== source.id)
          return refuse(`${q(added.name)} cannot be under ${q(source.name)}, which the split removes.`);
      }
      const at = schema.classes.indexOf(source);
      const classes = [...schema.classes.slice(0, at), ...into, ...schema.classes.slice(at + 1)];
      const problem = hierarchyProblem(classes);
      return problem ? refuse(problem) : accept({ ...schema, classes });
    }

    case 'move-class': {
      const moved = findClass(schema, change.classId);
      if (!moved) return noClass(change.classId);
      if (change.parentId === null) return accept(replaceClass(schema, withoutParent(moved)));
      if (change.parentId === moved.id) return refuse(`Cannot move ${q(moved.name)} under itself.`);
      const parent = findClass(schema, change.parentId);
      if (!parent)
        return refuse(`Cannot move ${q(moved.name)} under ${q(change.parentId)}: there is no such class.`);
      if (ancestorsOf(schema.classes, parent.id).includes(moved.id))
        return refuse(
          `Cannot move ${q(moved.name)} under ${q(parent.name)}: ${q(parent.name)} is inside it.`,
        );
      return accept(replaceClass(schema, { ...moved, parentId: parent.id }));
    }

    case 'edit-schema': {
      const next = change.schema;
      if (next.format !== SCHEMA_FORMAT)
        return refuse(`${q(next.format)} is not a schema format LabelLoop reads.`);
      const twice = repeated(next.classes.map((c) => c.id));
      if (twice !== undefined) return refuse(`Two classes have the id ${q(twice)}.`);
      // Removing a class must say what happens to its annotations: that is delete-class or merge-classes.
      const dropped = schema.classes
        .filter((c) => !next.classes.some((n) => n.id === c.id))
        .map((c) => c.name);
      if (dropped.length > 0)
        return refuse(
          `The edited schema leaves out ${quoted(dropped)}. Delete or merge ${dropped.length === 1 ? 'that class' : 'those classes'} first, so ${dropped.length === 1 ? 'its' : 'their'} annotations are handled.`,
        );
      const problem = hierarchyProblem(next.classes);
      return problem ? refuse(problem) : accept(next);
    }

    default:
      return applyAttributeChange(schema, change);
  }
}

type AttributeChange = Extract<SchemaChange, { scope: AttributeScope }>;

function applyAttributeChange(schema: AnnotationSchema, change: AttributeChange): SchemaChangeResult {
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

// ---------------------------------------------------------------------------------------------------------
// Records
//
// One plan per change says what happens to each annotation, tag and image; `changeImpact` only asks for
// the outcome (no allocation per record), `migrateRecord` asks for it and then rewrites. Sharing the
// decision is what keeps the preview's counts equal to what applying does.

/** Outcome bits. CONCERNED alone: shown differently but not rewritten (relabeling changes). */
const CONCERNED = 1;
const CHANGED = 2;
const DELETED = 4;
const REVIEW = 8;
const FILLED = 16;
const WRITES = CHANGED | DELETED;

/** Change types that can rewrite records; the others only change how labels are shown. */
const REWRITES: ReadonlySet<SchemaChange['type']> = new Set([
  'delete-class',
  'merge-classes',
  'split-class',
  'remove-attribute',
  'merge-options',
  'make-attribute-required',
]);

type AttributeOp =
  | { readonly op: 'concerns-all' }
  | { readonly op: 'concerns-values' }
  | { readonly op: 'concerns-option'; readonly optionId: string }
  | { readonly op: 'remove' }
  | { readonly op: 'merge-options'; readonly sources: ReadonlySet<string>; readonly targetId: string }
  | {
      readonly op: 'require';
      readonly when: AttributeCondition | undefined;
      readonly scope: readonly AttributeDefinition[];
      readonly fill: AttributeValue | undefined;
      readonly reason: string;
    };

type Plan =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'relabel'; readonly classIds: ReadonlySet<string> }
  | {
      readonly kind: 'delete-class';
      readonly classId: string;
      readonly keep: boolean;
      readonly reason: string;
    }
  /** merge (no reason) and split (with a review reason). */
  | {
      readonly kind: 'reassign';
      readonly from: ReadonlySet<string>;
      readonly to: string;
      readonly reason: string | undefined;
    }
  | {
      readonly kind: 'attribute';
      /** null: image attributes. */
      readonly classId: string | null;
      readonly attributeId: string;
      readonly op: AttributeOp;
    };

function planOf(change: SchemaChange, schema: AnnotationSchema | undefined): Plan {
  switch (change.type) {
    case 'add-class':
    case 'edit-schema':
      return { kind: 'nothing' };
    case 'rename-class':
    case 'recolor-class':
      return { kind: 'relabel', classIds: new Set([change.classId]) };
    case 'move-class':
      return {
        kind: 'relabel',
        classIds: new Set([change.classId, ...(schema ? descendantsOf(schema.classes, change.classId) : [])]),
      };
    case 'delete-class':
      return {
        kind: 'delete-class',
        classId: change.classId,
        keep: change.annotations === 'review',
        reason: `class ${q(className(schema, change.classId))} was deleted`,
      };
    case 'merge-classes':
      return { kind: 'reassign', from: new Set(change.sourceIds), to: change.targetId, reason: undefined };
    case 'split-class':
      return {
        kind: 'reassign',
        from: new Set([change.classId]),
        to: change.into[0]?.id ?? change.classId,
        reason: `class ${q(className(schema, change.classId))} was split into ${change.into.map((c) => c.name).join(', ')}: choose the right class`,
      };
    default: {
      const base = { kind: 'attribute', classId: scopeClassId(change.scope) } as const;
      switch (change.type) {
        case 'add-attribute':
          return { ...base, attributeId: change.attribute.id, op: { op: 'concerns-all' } };
        case 'rename-attribute':
          return { ...base, attributeId: change.attributeId, op: { op: 'concerns-values' } };
        case 'rename-option':
          return {
            ...base,
            attributeId: change.attributeId,
            op: { op: 'concerns-option', optionId: change.optionId },
          };
        case 'remove-attribute':
          return { ...base, attributeId: change.attributeId, op: { op: 'remove' } };
        case 'merge-options':
          return {
            ...base,
            attributeId: change.attributeId,
            op: {
              op: 'merge-options',
              sources: new Set(change.sourceOptionIds),
              targetId: change.targetOptionId,
            },
          };
        case 'make-attribute-required': {
          const attribute = findAttribute(schema, change.scope, change.attributeId);
          return {
            ...base,
            attributeId: change.attributeId,
            op: {
              op: 'require',
              when: attribute?.when,
              scope: (schema && attributesIn(schema, change.scope)) ?? [],
              fill: change.fill.kind === 'default' ? change.fill.value : undefined,
              reason: `${q(attribute?.name ?? change.attributeId)} is now required: choose a value`,
            },
          };
        }
      }
    }
  }
}

/**
 * A caller migrates every record of a project with one change object: plan it once. Changes and schemas
 * are immutable values, so keying on their identity cannot return a stale plan.
 */
const plans = new WeakMap<SchemaChange, { schema: AnnotationSchema | undefined; plan: Plan }>();
function cachedPlan(change: SchemaChange, schema: AnnotationSchema | undefined): Plan {
  const cached = plans.get(change);
  if (cached && cached.schema === schema) return cached.plan;
  const plan = planOf(change, schema);
  plans.set(change, { schema, plan });
  return plan;
}

function valuesOutcome(values: AttributeValues, id: string, op: AttributeOp): number {
  const value = own(values, id);
  switch (op.op) {
    case 'concerns-all':
      return CONCERNED;
    case 'concerns-values':
      return isMissing(value) ? 0 : CONCERNED;
    case 'concerns-option':
      return value === op.optionId || (Array.isArray(value) && value.includes(op.optionId)) ? CONCERNED : 0;
    case 'remove':
      return Object.hasOwn(values, id) ? CHANGED : 0;
    case 'merge-options':
      if (typeof value === 'string') return op.sources.has(value) ? CHANGED : 0;
      return Array.isArray(value) && value.some((v) => op.sources.has(v)) ? CHANGED : 0;
    case 'require':
      if (!isMissing(value) || !conditionHolds(op.when, values, op.scope)) return 0;
      return op.fill === undefined ? CHANGED | REVIEW : CHANGED | FILLED;
  }
}

function annotationOutcome(annotation: Annotation, plan: Plan): number {
  switch (plan.kind) {
    case 'nothing':
      return 0;
    case 'relabel':
      return plan.classIds.has(annotation.classId) ? CONCERNED : 0;
    case 'delete-class':
      if (annotation.classId !== plan.classId) return 0;
      return plan.keep ? CHANGED | REVIEW : DELETED;
    case 'reassign':
      if (!plan.from.has(annotation.classId)) return 0;
      return plan.reason === undefined ? CHANGED : CHANGED | REVIEW;
    case 'attribute':
      if (plan.classId === null || annotation.classId !== plan.classId) return 0;
      return valuesOutcome(annotation.attributes, plan.attributeId, plan.op);
  }
}

/** A tag kept for review stays as it is; the image carries the flag. */
function tagOutcome(tag: string, plan: Plan): number {
  switch (plan.kind) {
    case 'relabel':
      return plan.classIds.has(tag) ? CONCERNED : 0;
    case 'delete-class':
      if (tag !== plan.classId) return 0;
      return plan.keep ? CHANGED | REVIEW : DELETED;
    case 'reassign':
      if (!plan.from.has(tag)) return 0;
      return plan.reason === undefined ? CHANGED : CHANGED | REVIEW;
    default:
      return 0;
  }
}

function imageOutcome(record: ImageAnnotations, plan: Plan): number {
  if (plan.kind !== 'attribute' || plan.classId !== null) return 0;
  return valuesOutcome(record.attributes, plan.attributeId, plan.op);
}

function rewriteValues(values: AttributeValues, id: string, op: AttributeOp): AttributeValues {
  switch (op.op) {
    case 'remove': {
      const { [id]: _removed, ...rest } = values;
      return rest;
    }
    case 'merge-options': {
      const value = own(values, id);
      const remap = (v: string) => (op.sources.has(v) ? op.targetId : v);
      if (typeof value === 'string') return { ...values, [id]: remap(value) };
      if (Array.isArray(value)) return { ...values, [id]: [...new Set(value.map(remap))] };
      return values;
    }
    case 'require':
      return op.fill === undefined ? values : { ...values, [id]: op.fill };
    default:
      return values;
  }
}

/** A new flag, or the reasons joined onto an older one so nothing a reviewer must check is lost. */
const flag = (previous: ReviewFlag | undefined, reason: string, ctx: MigrationContext): ReviewFlag =>
  previous
    ? { reason: `${previous.reason}; ${reason}`, since: previous.since, schemaVersion: ctx.newVersion }
    : { reason, since: ctx.now, schemaVersion: ctx.newVersion };

function reviewReason(plan: Plan): string {
  if (plan.kind === 'delete-class') return plan.reason;
  if (plan.kind === 'reassign') return plan.reason ?? '';
  if (plan.kind === 'attribute' && plan.op.op === 'require') return plan.op.reason;
  return '';
}

function rewriteAnnotation(
  annotation: Annotation,
  outcome: number,
  plan: Plan,
  ctx: MigrationContext,
): Annotation {
  let { classId, attributes } = annotation;
  if (plan.kind === 'reassign') classId = plan.to;
  if (plan.kind === 'attribute') attributes = rewriteValues(attributes, plan.attributeId, plan.op);
  return {
    ...annotation,
    classId,
    attributes,
    schemaVersion: ctx.newVersion,
    updatedAt: ctx.now,
    updatedBy: ctx.author,
    ...(outcome & REVIEW ? { review: flag(annotation.review, reviewReason(plan), ctx) } : {}),
  };
}

/**
 * The record after a change, or null when the change leaves it as it is (so a caller writes only changed
 * rows). Rewritten annotations carry the new schema version, time and author; the others are returned
 * untouched, keeping the version they were made under.
 */
export function migrateRecord(
  record: ImageAnnotations,
  change: SchemaChange,
  ctx: MigrationContext,
): ImageAnnotations | null {
  if (!REWRITES.has(change.type)) return null;
  const plan = cachedPlan(change, ctx.schema);

  let annotations: Annotation[] | undefined;
  record.annotations.forEach((annotation, index) => {
    const outcome = annotationOutcome(annotation, plan);
    if (!(outcome & WRITES)) {
      annotations?.push(annotation);
      return;
    }
    annotations ??= record.annotations.slice(0, index);
    if (!(outcome & DELETED)) annotations.push(rewriteAnnotation(annotation, outcome, plan, ctx));
  });

  let tags: string[] | undefined;
  let imageReview = false;
  record.tags.forEach((tag, index) => {
    const outcome = tagOutcome(tag, plan);
    if (!(outcome & WRITES)) {
      tags?.push(tag);
      return;
    }
    tags ??= record.tags.slice(0, index);
    if (outcome & REVIEW) imageReview = true;
    if (!(outcome & DELETED)) tags.push(plan.kind === 'reassign' ? plan.to : tag);
  });

  const imageChange = imageOutcome(record, plan);
  if (imageChange & REVIEW) imageReview = true;
  if (!annotations && !tags && !(imageChange & WRITES)) return null;

  const nextAnnotations = annotations ?? record.annotations;
  const nextTags = tags ? [...new Set(tags)] : record.tags;
  return {
    ...record,
    annotations: nextAnnotations,
    tags: nextTags,
    attributes:
      imageChange & WRITES && plan.kind === 'attribute'
        ? rewriteValues(record.attributes, plan.attributeId, plan.op)
        : record.attributes,
    classIds: classIdsOf(nextAnnotations, nextTags),
    updatedAt: ctx.now,
    ...(imageReview ? { review: flag(record.review, reviewReason(plan), ctx) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Impact and words

const count = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "12,408 annotations", "3 image tags", "12 annotations and 3 image tags". */
function things(annotations: number, tags: number): string {
  const parts = [
    ...(annotations > 0 || tags === 0 ? [count(annotations, 'annotation')] : []),
    ...(tags > 0 ? [count(tags, 'image tag')] : []),
  ];
  return parts.join(' and ');
}

function displayValue(attribute: AttributeDefinition | undefined, value: AttributeValue): string {
  const label = (id: string) =>
    attribute && 'options' in attribute ? (attribute.options.find((o) => o.id === id)?.label ?? id) : id;
  if (Array.isArray(value)) return quoted(value.map(label));
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number')
    return `${value.toLocaleString('en')}${attribute?.type === 'number' && attribute.unit ? ` ${attribute.unit}` : ''}`;
  return q(label(value as string));
}

interface Counts {
  annotations: number;
  tags: number;
  images: number;
  recordsToWrite: number;
  deleted: number;
  toReview: number;
  filled: number;
}

function summaryOf(change: SchemaChange, schema: AnnotationSchema, n: Counts): string {
  const name = (id: string) => q(className(schema, id));
  // Class changes count annotations and image tags; with neither, say so instead of "0 annotations".
  const labeled = (one: string, many: string, sources = 1) =>
    n.annotations + n.tags === 0
      ? `no annotations or image tags use ${sources === 1 ? 'it' : 'them'}`
      : `${things(n.annotations, n.tags)} ${n.annotations + n.tags === 1 ? one : many}`;
  switch (change.type) {
    case 'add-class': {
      const { name: added, parentId } = change.labelClass;
      return `Add class ${q(added)}${parentId ? ` under ${name(parentId)}` : ''}: no annotations change`;
    }
    case 'rename-class':
      return `Rename ${name(change.classId)} → ${q(change.name)}: ${labeled('keeps its label under the new name', 'keep their labels under the new name')}`;
    case 'recolor-class':
      return `Recolor ${name(change.classId)} → ${change.color}: ${labeled('changes colour', 'change colour')}`;
    case 'move-class': {
      const to = change.parentId === null ? 'to the top level' : `under ${name(change.parentId)}`;
      return `Move ${name(change.classId)} ${to}: ${labeled('keeps its label', 'keep their labels')}`;
    }
    case 'delete-class': {
      const fate = change.annotations === 'delete' ? 'will be deleted' : 'will need review';
      return `Delete ${name(change.classId)}: ${labeled(fate, fate)}`;
    }
    case 'merge-classes': {
      const sources = quoted(change.sourceIds.map((id) => className(schema, id)));
      return `Merge ${sources} into ${name(change.targetId)}: ${labeled('changes class', 'change class', change.sourceIds.length)}`;
    }
    case 'split-class': {
      const first = q(change.into[0]?.name ?? '');
      const moves = (verb: string) => `${verb} to ${first} and will need review`;
      return `Split ${name(change.classId)} into ${quoted(change.into.map((c) => c.name))}: ${labeled(moves('moves'), moves('move'))}`;
    }
    case 'edit-schema':
      return change.summary;
    default: {
      const id = change.type === 'add-attribute' ? change.attribute.id : change.attributeId;
      const attribute =
        findAttribute(schema, change.scope, id) ??
        (change.type === 'add-attribute' ? change.attribute : undefined);
      const attr = q(attribute?.name ?? id);
      const image = change.scope === 'image';
      const total = image ? n.images : n.annotations;
      const unit = image ? 'image' : 'annotation';
      const subject = total === 0 ? `no ${unit}s` : count(total, unit);
      const says = (one: string, many: string) => `${subject} ${total === 1 ? one : many}`;
      const owner = image ? 'images' : name(scopeClassId(change.scope) ?? '');
      switch (change.type) {
        case 'add-attribute':
          return `Add attribute ${attr} to ${owner}: ${says('can now be given a value', 'can now be given a value')}`;
        case 'remove-attribute':
          return total === 0
            ? `Remove attribute ${attr} from ${owner}: no ${unit} has a value for it`
            : `Remove attribute ${attr} from ${owner}: ${says('loses its value', 'lose their value')}`;
        case 'rename-attribute':
          return `Rename attribute ${attr} → ${q(change.name)}: ${says('keeps its value', 'keep their values')} under the new name`;
        case 'rename-option':
          return `Rename option ${displayValue(attribute, change.optionId)} → ${q(change.label)} of ${attr}: ${says('keeps its value', 'keep their value')} under the new name`;
        case 'merge-options':
          return `Merge options ${displayValue(attribute, change.sourceOptionIds)} into ${displayValue(attribute, change.targetOptionId)} of ${attr}: ${says('changes value', 'change value')}`;
        case 'make-attribute-required':
          if (total === 0) return `Make ${attr} required: no ${unit} is missing a value`;
          return change.fill.kind === 'review'
            ? `Make ${attr} required: ${says('will need review', 'will need review')}`
            : `Make ${attr} required: ${says('is missing a value', 'are missing a value')} and will be set to ${displayValue(attribute, change.fill.value)}`;
      }
    }
  }
}

/**
 * What `migrateRecord` would do over these records (the schema before the change), counted without
 * rewriting anything, and said in the user's words.
 */
export function changeImpact(
  records: Iterable<ImageAnnotations>,
  change: SchemaChange,
  schema: AnnotationSchema,
): ChangeImpact {
  const plan = planOf(change, schema);
  const n: Counts = {
    annotations: 0,
    tags: 0,
    images: 0,
    recordsToWrite: 0,
    deleted: 0,
    toReview: 0,
    filled: 0,
  };
  if (plan.kind !== 'nothing') {
    for (const record of records) {
      let any = 0;
      let imageReview = false;
      for (const annotation of record.annotations) {
        const outcome = annotationOutcome(annotation, plan);
        if (outcome === 0) continue;
        any |= outcome;
        n.annotations++;
        if (outcome & DELETED) n.deleted++;
        if (outcome & REVIEW) n.toReview++;
        if (outcome & FILLED) n.filled++;
      }
      for (const tag of record.tags) {
        const outcome = tagOutcome(tag, plan);
        if (outcome === 0) continue;
        any |= outcome;
        n.tags++;
        if (outcome & REVIEW) imageReview = true;
      }
      const image = imageOutcome(record, plan);
      any |= image;
      if (image & REVIEW) imageReview = true;
      if (image & FILLED) n.filled++;
      if (imageReview) n.toReview++;
      if (any !== 0) n.images++;
      if (any & WRITES) n.recordsToWrite++;
    }
  }
  return { ...n, summary: summaryOf(change, schema, n) };
}

/** One line for the version history, in the past tense ("Renamed class car → vehicle"). */
export function describeChange(change: SchemaChange, schema: AnnotationSchema): string {
  const name = (id: string) => className(schema, id);
  switch (change.type) {
    case 'add-class':
      return `Added class ${change.labelClass.name}${change.labelClass.parentId ? ` under ${name(change.labelClass.parentId)}` : ''}`;
    case 'rename-class':
      return `Renamed class ${name(change.classId)} → ${change.name}`;
    case 'recolor-class':
      return `Recolored class ${name(change.classId)} ${findClass(schema, change.classId)?.color ?? '?'} → ${change.color}`;
    case 'delete-class':
      return `Deleted class ${name(change.classId)} (${change.annotations === 'delete' ? 'its annotations deleted' : 'its annotations sent to review'})`;
    case 'merge-classes':
      return `Merged classes ${change.sourceIds.map(name).join(', ')} into ${name(change.targetId)}`;
    case 'split-class':
      return `Split class ${name(change.classId)} into ${change.into.map((c) => c.name).join(', ')}`;
    case 'move-class':
      return change.parentId === null
        ? `Moved class ${name(change.classId)} to the top level`
        : `Moved class ${name(change.classId)} under ${name(change.parentId)}`;
    case 'edit-schema':
      return change.summary;
    default: {
      const id = change.type === 'add-attribute' ? change.attribute.id : change.attributeId;
      const attribute = findAttribute(schema, change.scope, id);
      const attr = attribute?.name ?? (change.type === 'add-attribute' ? change.attribute.name : id);
      const owner = change.scope === 'image' ? 'images' : `class ${name(change.scope.classId)}`;
      const option = (optionId: string) =>
        attribute && 'options' in attribute
          ? (attribute.options.find((o) => o.id === optionId)?.label ?? optionId)
          : optionId;
      switch (change.type) {
        case 'add-attribute':
          return `Added attribute ${attr} to ${owner}`;
        case 'remove-attribute':
          return `Removed attribute ${attr} from ${owner}`;
        case 'rename-attribute':
          return `Renamed attribute ${attr} → ${change.name} on ${owner}`;
        case 'rename-option':
          return `Renamed option ${option(change.optionId)} → ${change.label} of attribute ${attr} on ${owner}`;
        case 'merge-options':
          return `Merged options ${change.sourceOptionIds.map(option).join(', ')} into ${option(change.targetOptionId)} of attribute ${attr} on ${owner}`;
        case 'make-attribute-required':
          return `Made attribute ${attr} on ${owner} required (${change.fill.kind === 'review' ? 'missing values sent to review' : `missing values set to ${displayValue(attribute, change.fill.value).replaceAll('"', '')}`})`;
      }
    }
  }
}
