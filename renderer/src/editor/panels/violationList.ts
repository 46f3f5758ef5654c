/** An image's violations as the panels show them: per annotation for the object list, errors first for the status panel. */

import type { AnnotationId } from '../../../../src/core/annotations/types';
import type { Violation } from '../../../../src/core/schema/violations';

export interface AnnotationViolations {
  readonly errors: number;
  readonly warnings: number;
  readonly messages: readonly string[];
}

/** The violations of each annotation, for the list's badges. Image-level ones (no annotation id) are left out. */
export function violationsByAnnotation(
  violations: readonly Violation[],
): ReadonlyMap<AnnotationId, AnnotationViolations> {
  const out = new Map<AnnotationId, { errors: number; warnings: number; messages: string[] }>();
  for (const violation of violations) {
    if (violation.annotationId === undefined) continue;
    let entry = out.get(violation.annotationId);
    if (entry === undefined) {
      entry = { errors: 0, warnings: 0, messages: [] };
      out.set(violation.annotationId, entry);
    }
    if (violation.severity === 'error') entry.errors++;
    else entry.warnings++;
    entry.messages.push(violation.message);
  }
  return out;
}

/** Errors, then warnings, each in the order validation found them. */
export const errorsFirst = (violations: readonly Violation[]): Violation[] => [
  ...violations.filter((violation) => violation.severity === 'error'),
  ...violations.filter((violation) => violation.severity !== 'error'),
];
