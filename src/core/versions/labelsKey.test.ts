/** The content key of labels: stable, sensitive to every change, and without collisions at scale. */

import { describe, expect, it } from 'vitest';
import { annotation, box } from './testFixtures';
import { hash128, labelsKey } from './labelsKey';

describe('hash128', () => {
  it('is 32 hex digits, the same for the same text and seed, different for another seed', () => {
    expect(hash128('')).toMatch(/^[0-9a-f]{32}$/);
    expect(hash128('labels')).toBe(hash128('labels'));
    expect(hash128('labels', 1)).not.toBe(hash128('labels'));
  });

  it('changes with every code unit, in the blocks and in every tail length', () => {
    const base = 'x'.repeat(40);
    const seen = new Set<string>();
    for (let length = 0; length <= 40; length++) seen.add(hash128(base.slice(0, length)));
    expect(seen.size).toBe(41);
    for (let i = 0; i < 40; i++) {
      const changed = `${base.slice(0, i)}y${base.slice(i + 1)}`;
      expect(hash128(changed), `position ${i}`).not.toBe(hash128(base));
    }
    // Code units above 0xff and surrogate pairs count whole.
    expect(hash128('Straße 🚗')).not.toBe(hash128('Strasse 🚗'));
  });

  it('gives 1,000,000 distinct keys to 1,000,000 similar texts', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) keys.add(hash128(`{"x":${i},"y":${i % 97}}`));
    expect(keys.size).toBe(1_000_000);
  });
});

describe('labelsKey', () => {
  const car = annotation('a1', 'car', box(1, 2, 30, 40));
  it('is equal for equal labels and differs when a box moves, a class or a tag or an attribute changes', () => {
    const labels = { annotations: [car], tags: ['night'], attributes: { weather: 'rain' } };
    expect(labelsKey(labels)).toBe(labelsKey(structuredClone(labels)));
    expect(labelsKey({ ...labels, annotations: [{ ...car, geometry: box(1.5, 2, 30, 40) }] })).not.toBe(
      labelsKey(labels),
    );
    expect(labelsKey({ ...labels, annotations: [{ ...car, classId: 'bus' }] })).not.toBe(labelsKey(labels));
    expect(labelsKey({ ...labels, tags: [] })).not.toBe(labelsKey(labels));
    expect(labelsKey({ ...labels, attributes: { weather: 'sun' } })).not.toBe(labelsKey(labels));
  });
});
