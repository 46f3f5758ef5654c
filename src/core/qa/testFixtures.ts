/** Test support for agreement, consensus and the QA views: boxes, annotations with fresh ids, label sets. */

import type { Annotation, AnnotationId, AttributeValues, Geometry } from '../annotations/types';
import type { LabelSet } from './agreementMatch';

/** A box in image pixels, 10 × 10 unless told. */
export const box = (x: number, y: number, width = 10, height = 10): Geometry => ({
  kind: 'box',
  x,
  y,
  width,
  height,
});

let serial = 0;

/** An annotation with a fresh id (`ann-1`, `ann-2`, … per test file) made by "someone" under schema 1. */
export const label = (
  classId: string,
  geometry: Geometry,
  attributes: AttributeValues = {},
  extra: Partial<Annotation> = {},
): Annotation => ({
  id: `ann-${++serial}` as AnnotationId,
  classId,
  geometry,
  attributes,
  schemaVersion: 1,
  createdBy: 'someone',
  createdAt: 0,
  updatedBy: 'someone',
  updatedAt: 0,
  ...extra,
});

/** One annotator's labels of one 100 × 100 image. */
export const labelSet = (annotator: string, imageId: string, annotations: Annotation[]): LabelSet => ({
  annotator,
  imageId,
  width: 100,
  height: 100,
  annotations,
});
