/** The problems a schema document can have: their stable codes and how each is reported. */

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
