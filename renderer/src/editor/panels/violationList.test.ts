import { describe, expect, it } from 'vitest';
import type { AnnotationId } from '../../../../src/core/annotations/types';
import type { ImageId } from '../../../../src/core/ids';
import type { Violation } from '../../../../src/core/schema/violations';
import { errorsFirst, violationsByAnnotation } from './violationList';

const violation = (annotationId: string | undefined, severity: 'error' | 'warning', message: string) =>
  ({
    code: 'box-too-small',
    severity,
    imageId: 'img' as ImageId,
    ...(annotationId ? { annotationId: annotationId as AnnotationId } : {}),
    path: '',
    message,
  }) as Violation;

describe('violationsByAnnotation', () => {
  it('counts errors and warnings per annotation and leaves out image-level ones', () => {
    const byId = violationsByAnnotation([
      violation('a', 'error', 'too small'),
      violation('a', 'warning', 'needs review'),
      violation(undefined, 'error', 'needs a tag'),
    ]);
    expect([...byId.keys()]).toEqual(['a']);
    expect(byId.get('a' as AnnotationId)).toEqual({
      errors: 1,
      warnings: 1,
      messages: ['too small', 'needs review'],
    });
  });
});

describe('errorsFirst', () => {
  it('lists errors before warnings and keeps the order within each', () => {
    const list = [
      violation('a', 'warning', 'w1'),
      violation('b', 'error', 'e1'),
      violation(undefined, 'warning', 'w2'),
      violation('c', 'error', 'e2'),
    ];
    expect(errorsFirst(list).map((v) => v.message)).toEqual(['e1', 'e2', 'w1', 'w2']);
  });
});
