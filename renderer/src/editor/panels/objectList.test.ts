import { describe, expect, it } from 'vitest';
import type { Annotation } from '../../../../src/core/annotations/types';
import { annotation, box, streetSchema } from '../../../../src/core/editing/testFixtures';
import { classSummaries, objectRows } from './objectList';

const at = (value: Annotation, createdAt: number): Annotation => ({ ...value, createdAt });

// Draw order: a small car, a big truck, a medium car, a sign of a class the schema does not know.
const annotations = [
  at(annotation('a', 'car', box(0, 0, 10, 10)), 300),
  at(annotation('b', 'truck', box(0, 0, 100, 50)), 100),
  at(annotation('c', 'car', box(0, 0, 30, 30)), 200),
  at(annotation('d', 'zebra', { kind: 'point', x: 1, y: 1 }), 400),
];
const ids = (rows: { annotation: Annotation }[]) => rows.map((row) => row.annotation.id);

describe('objectRows', () => {
  it('keeps draw order and numbers rows by it', () => {
    const rows = objectRows(annotations, streetSchema, 'order', null);
    expect(ids(rows)).toEqual(['a', 'b', 'c', 'd']);
    expect(rows.map((row) => row.index)).toEqual([1, 2, 3, 4]);
  });

  it('sorts by schema class order, unknown classes last, draw order within a class', () => {
    expect(ids(objectRows(annotations, streetSchema, 'class', null))).toEqual(['a', 'c', 'b', 'd']);
  });

  it('sorts by area, largest first', () => {
    expect(ids(objectRows(annotations, streetSchema, 'area', null))).toEqual(['b', 'c', 'a', 'd']);
  });

  it('sorts newest first', () => {
    expect(ids(objectRows(annotations, streetSchema, 'newest', null))).toEqual(['d', 'a', 'c', 'b']);
  });

  it('filters by class and keeps the draw-order number', () => {
    const rows = objectRows(annotations, streetSchema, 'order', 'car');
    expect(ids(rows)).toEqual(['a', 'c']);
    expect(rows.map((row) => row.index)).toEqual([1, 3]);
  });

  it('handles 10,000 objects', () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      annotation(`n${i}`, i % 2 ? 'car' : 'truck', box(0, 0, i % 97, 10)),
    );
    const rows = objectRows(many, streetSchema, 'area', 'car');
    expect(rows).toHaveLength(5_000);
    expect(rows[0]!.annotation.geometry).toMatchObject({ width: 96 });
  });
});

describe('classSummaries', () => {
  it('counts objects per class in schema order, unknown classes after', () => {
    expect(classSummaries(annotations, streetSchema)).toEqual([
      { classId: 'car', name: 'Car', color: '#ff0000', count: 2 },
      { classId: 'truck', name: 'Truck', color: '#aa0000', count: 1 },
      { classId: 'zebra', name: 'zebra', color: '#8d95a3', count: 1 },
    ]);
  });
});
