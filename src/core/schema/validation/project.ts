/** Validates a whole project: every record, counted by severity and code, with a cap on stored violations. */

import type { ImageAnnotations } from '../../annotations/types';
import type { ImageId } from '../../ids';
import { VIOLATION_CODES, type Violation, type ViolationCode } from '../violations';
import type { CompiledSchema } from './compile';
import { checkImage } from './image';
import { enterImage, newFrame, type ImageSize } from './report';

/** Stored violations kept by `validateProject` unless told otherwise; counting goes on past it. */
export const DEFAULT_MAX_STORED_VIOLATIONS = 100_000;

export interface ProjectValidation {
  /** The first `maxStoredViolations` violations, in record order. */
  readonly violations: Violation[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly byCode: Record<ViolationCode, number>;
  readonly imagesWithErrors: number;
  readonly imagesChecked: number;
  readonly annotationsChecked: number;
  /** More violations were found than were stored. */
  readonly truncated: boolean;
}

export interface ValidateProjectOptions {
  /** Keep at most this many violations in the result (counting goes on); default 100,000. */
  readonly maxStoredViolations?: number;
}

/**
 * Validates every record, counting all violations while storing at most `maxStoredViolations`;
 * `onViolation` sees every one, stored or not, for streaming them elsewhere.
 */
export function validateProject(
  compiled: CompiledSchema,
  records: Iterable<ImageAnnotations>,
  sizes: (imageId: ImageId) => ImageSize | undefined,
  onViolation?: (violation: Violation) => void,
  options: ValidateProjectOptions = {},
): ProjectValidation {
  const cap = Math.max(0, options.maxStoredViolations ?? DEFAULT_MAX_STORED_VIOLATIONS);
  const byCode = Object.fromEntries(VIOLATION_CODES.map((code) => [code, 0])) as Record<
    ViolationCode,
    number
  >;
  const violations: Violation[] = [];
  const buffer: Violation[] = [];
  const frame = newFrame(buffer);
  const counts = new Int32Array(compiled.limitedClasses.length);
  let errorCount = 0;
  let warningCount = 0;
  let imagesWithErrors = 0;
  let imagesChecked = 0;
  let annotationsChecked = 0;
  let truncated = false;
  for (const record of records) {
    buffer.length = 0;
    enterImage(frame, record.imageId, sizes(record.imageId));
    checkImage(frame, compiled, record, counts);
    imagesChecked++;
    if (Array.isArray(record.annotations)) annotationsChecked += record.annotations.length;
    let hasError = false;
    for (let i = 0; i < buffer.length; i++) {
      const violation = buffer[i]!;
      if (violation.severity === 'error') {
        errorCount++;
        hasError = true;
      } else {
        warningCount++;
      }
      byCode[violation.code]++;
      if (violations.length < cap) violations.push(violation);
      else truncated = true;
      if (onViolation !== undefined) onViolation(violation);
    }
    if (hasError) imagesWithErrors++;
  }
  return {
    violations,
    errorCount,
    warningCount,
    byCode,
    imagesWithErrors,
    imagesChecked,
    annotationsChecked,
    truncated,
  };
}
