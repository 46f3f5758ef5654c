/**
 * Where the rules report violations: the severity of each code, the frame a validation call reports into and
 * the formatting messages share. Only `newFrame` and `enterImage` run on valid data; the rest runs only when
 * something is wrong.
 */

import type { AnnotationId } from '../../annotations/types';
import type { ImageId } from '../../ids';
import type { Severity, Violation, ViolationCode } from '../violations';

export const VIOLATION_SEVERITY: Readonly<Record<ViolationCode, Severity>> = {
  'unknown-class': 'error',
  'class-is-group': 'error',
  'geometry-not-allowed': 'error',
  'invalid-geometry': 'error',
  'box-too-small': 'error',
  'polygon-too-few-vertices': 'error',
  'too-many-instances': 'error',
  'outside-image': 'error',
  'keypoints-count-mismatch': 'error',
  'keypoints-outside-box': 'error',
  'missing-required-attribute': 'error',
  'unknown-attribute': 'warning',
  'attribute-type-mismatch': 'error',
  'invalid-option': 'error',
  'number-out-of-range': 'error',
  'number-off-step': 'error',
  'text-too-long': 'error',
  'text-pattern-mismatch': 'error',
  'attribute-condition-unmet': 'warning',
  'image-tag-required': 'error',
  'unknown-tag': 'error',
  'class-not-a-tag': 'error',
  'too-many-tags': 'error',
  'needs-review': 'warning',
};

export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Where the rules report to. One frame per validation call, moved from image to image and annotation to
 * annotation, so checking valid data allocates nothing. `index` is -1 for image-level checks.
 */
export interface Frame {
  imageId: ImageId;
  /** NaN when the image size is unknown, which skips the outside-image rule. */
  width: number;
  height: number;
  annotationId: AnnotationId | undefined;
  index: number;
  readonly out: Violation[];
}

export const newFrame = (out: Violation[]): Frame => ({
  imageId: '' as ImageId,
  width: NaN,
  height: NaN,
  annotationId: undefined,
  index: -1,
  out,
});

export function enterImage(frame: Frame, imageId: ImageId, image: ImageSize | undefined): void {
  frame.imageId = imageId;
  const known = image !== undefined && image.width > 0 && image.height > 0;
  frame.width = known ? image.width : NaN;
  frame.height = known ? image.height : NaN;
  frame.annotationId = undefined;
  frame.index = -1;
}

/** `tail` is relative to the annotation (`geometry`, `attributes.occlusion`) or, at index -1, to the record. */
export function report(frame: Frame, code: ViolationCode, tail: string, message: string): void {
  const severity = VIOLATION_SEVERITY[code];
  const index = frame.index;
  const path = index < 0 ? tail : tail === '' ? `annotations[${index}]` : `annotations[${index}].${tail}`;
  const imageId = frame.imageId;
  const annotationId = frame.annotationId;
  frame.out.push(
    annotationId === undefined
      ? { code, severity, imageId, path, message }
      : { code, severity, imageId, annotationId, path, message },
  );
}

/** Whole numbers as they are, others to two decimals: `3`, `2.25`. */
export const num = (value: number): string =>
  Number.isInteger(value) || !Number.isFinite(value) ? String(value) : String(Math.round(value * 100) / 100);

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
