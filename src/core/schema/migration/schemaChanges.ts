/**
 * Class changes applied to the schema document, refused with a reason when they cannot be made; attribute
 * changes are handed to `attributeChanges.ts`.
 */

import type { SchemaChange } from '../changes';
import { SCHEMA_FORMAT } from '../types';
import type { AnnotationSchema, LabelClass } from '../types';
import { applyAttributeChange } from './attributeChanges';
import { ancestorsOf, className, findClass } from './lookup';
import { accept, noClass, refuse, repeated } from './schemaChangeResult';
import type { SchemaChangeResult } from './schemaChangeResult';
import { q, quoted } from './words';

const COLOR = /^#[0-9a-fA-F]{6}$/;

const replaceClass = (schema: AnnotationSchema, next: LabelClass): AnnotationSchema => ({
  ...schema,
  classes: schema.classes.map((c) => (c.id === next.id ? next : c)),
});

function withoutParent(labelClass: LabelClass): LabelClass {
  const { parentId: _parentId, ...rest } = labelClass;
  return rest;
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
