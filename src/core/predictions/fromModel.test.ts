import { describe, expect, it } from 'vitest';
import type { RunImageResult } from '../api/models';
import type { ImageId } from '../ids';
import { compileSchema } from '../schema/validate';
import { SCHEMA_FORMAT, type AnnotationSchema } from '../schema/types';
import { defaultClassMap, mapModelResult } from './fromModel';

const SCHEMA: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Street',
  classes: [
    {
      id: 'c-person',
      name: 'Person',
      color: '#ff0000',
      geometries: ['box'],
      attributes: [],
      constraints: { minBoxWidth: 10, minBoxHeight: 10 },
    },
    { id: 'c-bus', name: 'bus', color: '#00ff00', geometries: ['polygon'], attributes: [] },
    { id: 'c-indoor', name: 'indoor', color: '#0000ff', geometries: ['tag'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};
const compiled = compileSchema(SCHEMA);
const image = { width: 640, height: 480 };
const box = (x: number, y: number, width: number, height: number) => ({
  kind: 'box' as const,
  x,
  y,
  width,
  height,
});

describe('defaultClassMap', () => {
  it('maps model classes to schema classes of the same name, ignoring case, unless a saved choice says otherwise', () => {
    const map = defaultClassMap(['person', 'bus', 'car', 'truck'], SCHEMA.classes, {
      bus: null,
      truck: 'c-bus',
    });
    expect(map).toEqual({ person: 'c-person', bus: null, car: null, truck: 'c-bus' });
  });

  it('forgets a saved choice whose schema class no longer exists', () => {
    expect(defaultClassMap(['person'], SCHEMA.classes, { person: 'c-gone' })).toEqual({ person: 'c-person' });
  });
});

describe('mapModelResult', () => {
  const result: RunImageResult = {
    imageId: 'img-1',
    objects: [
      { label: 'person', score: 0.9, geometry: box(10, 10, 50, 120) },
      { label: 'person', score: 0.6, geometry: box(300, 200, 6, 20) },
      { label: 'bus', score: 0.8, geometry: box(100, 50, 300, 200) },
      { label: 'car', score: 0.7, geometry: box(0, 0, 40, 30) },
      { label: 'car', score: 0.5, geometry: box(50, 0, 40, 30) },
    ],
    tags: [
      { label: 'indoor', score: 0.7 },
      { label: 'outdoor', score: 0.2 },
    ],
  };
  const mapped = mapModelResult(result, 'img-1' as ImageId, image, compiled, {
    person: 'c-person',
    bus: 'c-bus',
    car: null,
    indoor: 'c-indoor',
  });

  it('keeps mapped objects with their model class and score, and counts the unmapped ones by class', () => {
    expect(mapped.predictions.map((p) => [p.id, p.classId, p.label, p.score])).toEqual([
      ['p0', 'c-person', 'person', 0.9],
      ['p1', 'c-person', 'person', 0.6],
      ['p2', 'c-bus', 'bus', 0.8],
    ]);
    expect(mapped.unmapped).toEqual({ car: 2, outdoor: 1 });
  });

  it('flags predictions that break the schema instead of dropping them', () => {
    expect(mapped.predictions[0]!.flags).toBeUndefined();
    expect(mapped.predictions[1]!.flags).toEqual([expect.stringContaining('smaller than the minimum')]);
    // The bus class allows polygons only: a box from a detector is kept, flagged.
    expect(mapped.predictions[2]!.flags).toEqual([expect.stringMatching(/box/)]);
    expect(mapped.flagged).toBe(2);
  });

  it('maps classifier tags to schema classes', () => {
    expect(mapped.tags).toEqual([{ classId: 'c-indoor', label: 'indoor', score: 0.7 }]);
  });
});
