/** The one-line, past-tense description of a change that the version history shows. */

import type { SchemaChange } from '../changes';
import type { AnnotationSchema } from '../types';
import { className, findAttribute, findClass } from './lookup';
import { displayValue } from './words';

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
