/**
 * Schema changes: each saved change makes a new schema version and says how existing annotations move
 * with it. Types here; `migrate.ts` applies them to a schema and to annotation records.
 */

import type { AttributeValue } from '../annotations/types';
import type { AnnotationSchema, AttributeDefinition, LabelClass } from './types';

/** `image` for image-level attributes, else a class id. */
export type AttributeScope = 'image' | { readonly classId: string };

export type SchemaChange =
  | { readonly type: 'add-class'; readonly labelClass: LabelClass }
  | { readonly type: 'rename-class'; readonly classId: string; readonly name: string }
  | { readonly type: 'recolor-class'; readonly classId: string; readonly color: string }
  /** Annotations of a deleted class are deleted, or kept and sent to review; the user must choose. */
  | { readonly type: 'delete-class'; readonly classId: string; readonly annotations: 'delete' | 'review' }
  /** Annotations of every source class move to the target class; sources are removed. */
  | { readonly type: 'merge-classes'; readonly sourceIds: readonly string[]; readonly targetId: string }
  /** The class is replaced by new classes; its annotations move to the first and go to review. */
  | { readonly type: 'split-class'; readonly classId: string; readonly into: readonly LabelClass[] }
  | { readonly type: 'move-class'; readonly classId: string; readonly parentId: string | null }
  | {
      readonly type: 'add-attribute';
      readonly scope: AttributeScope;
      readonly attribute: AttributeDefinition;
    }
  | { readonly type: 'remove-attribute'; readonly scope: AttributeScope; readonly attributeId: string }
  | {
      readonly type: 'rename-attribute';
      readonly scope: AttributeScope;
      readonly attributeId: string;
      readonly name: string;
    }
  | {
      readonly type: 'rename-option';
      readonly scope: AttributeScope;
      readonly attributeId: string;
      readonly optionId: string;
      readonly label: string;
    }
  | {
      readonly type: 'merge-options';
      readonly scope: AttributeScope;
      readonly attributeId: string;
      readonly sourceOptionIds: readonly string[];
      readonly targetOptionId: string;
    }
  /** Missing values are filled with `fill.value`, or the annotations go to review. */
  | {
      readonly type: 'make-attribute-required';
      readonly scope: AttributeScope;
      readonly attributeId: string;
      readonly fill:
        { readonly kind: 'default'; readonly value: AttributeValue } | { readonly kind: 'review' };
    }
  /**
   * Any other edit, given as the whole new document (hotkeys, colours of many classes, constraints,
   * geometries, order, defaults, a pasted or imported JSON). Annotations are not rewritten; validation
   * reports those the new rules reject. `summary` says in words what changed.
   */
  | { readonly type: 'edit-schema'; readonly schema: AnnotationSchema; readonly summary: string };

export type SchemaChangeType = SchemaChange['type'];
