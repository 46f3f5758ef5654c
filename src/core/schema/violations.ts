/** Violations: what the validation engine reports. Codes are stable (docs/schema-violations.md lists them). */

import type { AnnotationId } from '../annotations/types';
import type { ImageId } from '../ids';

export const VIOLATION_CODES = [
  // Classes and geometry
  'unknown-class',
  'class-is-group',
  'geometry-not-allowed',
  'invalid-geometry',
  'box-too-small',
  'polygon-too-few-vertices',
  'too-many-instances',
  'outside-image',
  'keypoints-count-mismatch',
  'keypoints-outside-box',
  // Attributes (of objects and of images)
  'missing-required-attribute',
  'unknown-attribute',
  'attribute-type-mismatch',
  'invalid-option',
  'number-out-of-range',
  'number-off-step',
  'text-too-long',
  'text-pattern-mismatch',
  'attribute-condition-unmet',
  // Image-level tags
  'image-tag-required',
  'unknown-tag',
  'class-not-a-tag',
  'too-many-tags',
  // Review
  'needs-review',
] as const;
export type ViolationCode = (typeof VIOLATION_CODES)[number];

export type Severity = 'error' | 'warning';

export interface Violation {
  readonly code: ViolationCode;
  readonly severity: Severity;
  readonly imageId: ImageId;
  /** Absent for image-level violations (tags, image attributes, instance counts). */
  readonly annotationId?: AnnotationId;
  /** Where in the image's record, e.g. `annotations[3].attributes.occlusion` or `tags`. */
  readonly path: string;
  readonly message: string;
}
