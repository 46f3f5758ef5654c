import { describe, expect, it } from 'vitest';
import type { AnnotationSchema, LabelClass } from '../../../src/core/schema/types';
import type { VersionCounts } from '../../../src/core/versions/types';
import { classCountRows, classCountTotals, classLookup, splitShare } from './classes';

const labelClass = (
  id: string,
  name: string,
  color: string,
  geometries: LabelClass['geometries'] = ['box'],
) => ({ id, name, color, geometries, attributes: [] }) as LabelClass;
const schema = (...classes: LabelClass[]) => ({ classes }) as unknown as AnnotationSchema;

describe('classLookup', () => {
  it('names classes from the first schema that has them and falls back to the id for removed classes', () => {
    const lookup = classLookup(
      schema(labelClass('car', 'Car', '#ff0000')),
      schema(labelClass('car', 'Automobile', '#00ff00'), labelClass('bus', 'Bus', '#0000ff')),
    );
    expect(lookup('car')).toMatchObject({ name: 'Car', color: '#ff0000', known: true, order: 0 });
    expect(lookup('bus')).toMatchObject({ name: 'Bus', known: true, order: 1 });
    expect(lookup('tram')).toMatchObject({ id: 'tram', name: 'tram', known: false });
  });
});

describe('classCountRows', () => {
  const counts: VersionCounts = {
    images: 10,
    annotations: 6,
    perClass: { car: 4, tram: 2 },
    perTag: { night: 3 },
    perSplit: { train: 8, val: 1, test: 1 },
    perClassPerSplit: {
      car: { train: 3, val: 1, test: 0 },
      tram: { train: 0, val: 0, test: 2 },
    },
  };

  it('lists classes in schema order with per-split counts, empty drawable classes too, unknown ids last', () => {
    // "Rain" is a tag-only class no image has: nothing to count, so no row.
    const rows = classCountRows(
      counts,
      schema(
        labelClass('person', 'Person', '#111111'),
        labelClass('vehicle', 'Vehicle', '#222222', []),
        labelClass('car', 'Car', '#333333'),
        labelClass('night', 'Night', '#444444', ['tag']),
        labelClass('rain', 'Rain', '#555555', ['tag']),
      ),
    );
    expect(rows.map((row) => [row.labelClass.name, row.perSplit, row.total, row.tagged])).toEqual([
      ['Person', { train: 0, val: 0, test: 0 }, 0, 0],
      ['Car', { train: 3, val: 1, test: 0 }, 4, 0],
      ['Night', { train: 0, val: 0, test: 0 }, 0, 3],
      ['tram', { train: 0, val: 0, test: 2 }, 2, 0],
    ]);
    expect(classCountTotals(rows)).toEqual({ train: 3, val: 1, test: 2, total: 6 });
  });
});

describe('splitShare', () => {
  it('gives each split its share of the images, and 0% of none', () => {
    expect(splitShare({ train: 8, val: 1, test: 1 }, 'train')).toBe('80.0%');
    expect(splitShare({ train: 0, val: 0, test: 0 }, 'val')).toBe('0%');
  });
});
