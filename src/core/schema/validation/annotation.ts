/** Rules for one annotation on its own: its class, geometry, attributes and review flag. */

import type { Annotation, ReviewFlag } from '../../annotations/types';
import type { ImageId } from '../../ids';
import type { Violation } from '../violations';
import { checkAttributes } from './attributes';
import type { CompiledClass, CompiledSchema } from './compile';
import { checkGeometry } from './geometry';
import { describe, enterImage, newFrame, report, type Frame, type ImageSize } from './report';

/** Checks one annotation into the frame; returns its class when the schema knows it (for instance counts). */
export function checkAnnotation(
  frame: Frame,
  compiled: CompiledSchema,
  annotation: Annotation,
  index: number,
): CompiledClass | undefined {
  frame.index = index;
  frame.annotationId = undefined;
  if (typeof annotation !== 'object' || annotation === null) {
    report(frame, 'invalid-geometry', '', `annotation ${index} is not an object`);
    return undefined;
  }
  frame.annotationId = annotation.id;
  const cls = compiled.classes.get(annotation.classId);
  if (cls === undefined) {
    report(
      frame,
      'unknown-class',
      'classId',
      `unknown class ${describe(annotation.classId)}: the schema has no class with this id`,
    );
  } else if (cls.isGroup) {
    report(
      frame,
      'class-is-group',
      'classId',
      `${cls.name} is a group of classes and cannot be drawn; use one of its classes`,
    );
  }
  checkGeometry(frame, cls, annotation.geometry);
  // An unknown class has no attribute definitions to check against.
  if (cls !== undefined) checkAttributes(frame, cls.scope, annotation.attributes);
  checkReview(frame, cls === undefined ? 'annotation' : cls.name, annotation.review);
  return cls;
}

export function checkReview(frame: Frame, subject: string, review: ReviewFlag | undefined | null): void {
  if (review === undefined || review === null) return;
  const reason =
    typeof review.reason === 'string' && review.reason !== '' ? review.reason : 'no reason given';
  report(frame, 'needs-review', 'review', `${subject} needs review: ${reason}`);
}

export interface AnnotationContext {
  readonly imageId: ImageId;
  readonly index: number;
  readonly image?: ImageSize;
}

/** Violations of one annotation alone (no instance counts, tags or image attributes). */
export function validateAnnotation(
  compiled: CompiledSchema,
  annotation: Annotation,
  context: AnnotationContext,
): Violation[] {
  const out: Violation[] = [];
  const frame = newFrame(out);
  enterImage(frame, context.imageId, context.image);
  checkAnnotation(frame, compiled, annotation, context.index);
  return out;
}
