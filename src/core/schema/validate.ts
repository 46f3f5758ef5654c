/**
 * The validation engine: checks annotation records against a compiled annotation schema and reports
 * violations with stable codes (docs/schema-violations.md). Pure; checking a valid annotation allocates
 * nothing, so a project of a million annotations validates in about a second or less (bench/validate.ts).
 * This module is its public face; the rules live in ./validation, one file per idea.
 */

export { VIOLATION_SEVERITY, type ImageSize } from './validation/report';
export {
  compileSchema,
  type CompiledAttribute,
  type CompiledClass,
  type CompiledSchema,
  type CompiledScope,
} from './validation/compile';
export { EDGE_TOLERANCE } from './validation/geometry';
export { validateAnnotation, type AnnotationContext } from './validation/annotation';
export { validateImage } from './validation/image';
export {
  DEFAULT_MAX_STORED_VIOLATIONS,
  validateProject,
  type ProjectValidation,
  type ValidateProjectOptions,
} from './validation/project';
export { attributeVisible, canCreate, exportGate, requiredAttributes } from './validation/editor';
