// The conflicts dialog rendered to HTML: both sides of each conflict in words a lead reads at a glance.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationId } from '../../../src/core/annotations/types';
import type { ImageId } from '../../../src/core/ids';
import type { Conflict } from '../../../src/core/qa/merge';
import { ConflictsDialog, describeGeometry } from './ConflictsDialog';

const car = (x: number, by: string): Annotation => ({
  id: 'b1' as AnnotationId,
  classId: 'c-car',
  geometry: { kind: 'box', x, y: 20, width: 120, height: 80 },
  attributes: { occlusion: 'none' },
  schemaVersion: 1,
  createdBy: 'u-lead',
  createdAt: 0,
  updatedBy: by,
  updatedAt: 0,
});

const conflicts: Conflict[] = [
  {
    imageId: 'w1' as ImageId,
    field: 'annotation',
    annotationId: 'b1' as AnnotationId,
    mine: car(10, 'u-lead'),
    theirs: null,
    base: car(5, 'u-lead'),
  },
  { imageId: 'w1' as ImageId, field: 'tags', mine: ['c-night'], theirs: ['c-day'], base: [] },
];

describe('ConflictsDialog', () => {
  it('shows each conflict with mine and theirs side by side, and merges only once all are chosen', () => {
    const html = renderToStaticMarkup(
      <ConflictsDialog
        conflicts={conflicts}
        annotator="Ana"
        imageName={(id) => `${id}.jpg`}
        className={(id) => id.slice(2)}
        person={(id) => (id === 'u-lead' ? 'Lena' : id)}
        onConfirm={() => undefined}
        onCancel={() => undefined}
      />,
    );
    expect(html.split('data-testid="conflict-row"').length - 1).toBe(2);
    expect(html).toContain('box 120×80 at (10, 20)');
    expect(html).toContain('occlusion: none');
    expect(html).toContain('Lena');
    expect(html).toContain('deleted');
    expect(html).toContain('night');
    expect(html).toContain('2 still to choose');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="conflicts-merge"/);
  });

  it('describes every kind of shape', () => {
    expect(describeGeometry({ kind: 'point', x: 1.4, y: 2.6 })).toBe('point at (1, 3)');
    expect(
      describeGeometry({
        kind: 'polygon',
        points: [
          { x: 0, y: 0 },
          { x: 1, y: 0 },
          { x: 0, y: 1 },
        ],
      }),
    ).toBe('polygon of 3 points');
  });
});
