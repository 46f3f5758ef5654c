import { describe, expect, it } from 'vitest';
import { carryOver, sameAttributes, settleAttributes, withInput } from './attributeValues';
import { compiled } from './testFixtures';

const car = compiled.classes.get('car')!.scope;

describe('attribute values', () => {
  it('settles new values in schema order, unknown keys last, defaults for visible attributes only', () => {
    expect(
      Object.keys(settleAttributes(car, undefined, { legacy: 1, plate: 'A', occlusion: 'partial' })),
    ).toEqual(['occlusion', 'occluder', 'parked', 'plate', 'legacy']);
  });

  it('on an edit, fills only attributes that appear and drops only ones that disappear', () => {
    const before = { occlusion: 'none', plate: 'A' };
    // parked was left empty on purpose: an unrelated edit does not fill its default.
    expect(settleAttributes(car, before, withInput(before, { plate: 'B' }))).toEqual({
      occlusion: 'none',
      plate: 'B',
    });
    const partial = settleAttributes(car, before, withInput(before, { occlusion: 'partial' }));
    expect(partial).toEqual({ occlusion: 'partial', occluder: ['tree'], plate: 'A' });
    expect(settleAttributes(car, partial, withInput(partial, { occlusion: 'none' }))).toEqual(before);
  });

  it('carries over only known attributes whose values fit', () => {
    expect(carryOver(car, { occlusion: 'heavy', parked: 'yes', speed: 3, colour: 'red' })).toEqual({
      occlusion: 'heavy',
      speed: 3,
    });
  });

  it('compares values whatever the key order', () => {
    expect(sameAttributes({ a: 1, b: ['x'] }, { b: ['x'], a: 1 })).toBe(true);
    expect(sameAttributes({ a: 1, b: ['x'] }, { a: 1, b: ['y'] })).toBe(false);
    expect(sameAttributes({ a: 1 }, { a: 1, b: false })).toBe(false);
  });
});
