/** Schema changes: the schema each change produces. */

import { describe, expect, it } from 'vitest';
import type { AnnotationSchema, AttributeDefinition } from '../types';
import { option, weather, cls, schema, applied, classOf, attributeOf } from './testFixtures';

describe('applyChangeToSchema produces the new schema', () => {
  it('add-class appends the class under its parent', () => {
    const truck = cls('truck', { parentId: 'vehicle' });
    const next = applied({ type: 'add-class', labelClass: truck });
    expect(next.classes.map((c) => c.id)).toEqual([...schema.classes.map((c) => c.id), 'truck']);
    expect(classOf(next, 'truck')).toEqual(truck);
  });

  it('rename-class keeps the id and everything else', () => {
    const next = applied({ type: 'rename-class', classId: 'car', name: 'automobile' });
    expect(classOf(next, 'car')).toEqual({ ...classOf(schema, 'car'), name: 'automobile' });
  });

  it('recolor-class changes only the colour', () => {
    const next = applied({ type: 'recolor-class', classId: 'car', color: '#00ff00' });
    expect(classOf(next, 'car')?.color).toBe('#00ff00');
    expect(next.classes.length).toBe(schema.classes.length);
  });

  it('delete-class removes the class', () => {
    const next = applied({ type: 'delete-class', classId: 'bus', annotations: 'delete' });
    expect(classOf(next, 'bus')).toBeUndefined();
    expect(next.classes.length).toBe(schema.classes.length - 1);
  });

  it('merge-classes removes the sources, keeps the target as it was and moves their children under it', () => {
    const base = applied({ type: 'add-class', labelClass: cls('campervan', { parentId: 'van' }) });
    const next = applied({ type: 'merge-classes', sourceIds: ['van', 'minivan'], targetId: 'car' }, base);
    expect(next.classes.map((c) => c.id)).toEqual([
      'vehicle',
      'car',
      'bus',
      'person',
      'indoor',
      'outdoor',
      'campervan',
    ]);
    expect(classOf(next, 'car')).toEqual(classOf(schema, 'car'));
    expect(classOf(next, 'campervan')?.parentId).toBe('car');
  });

  it('split-class puts the new classes where the source was; the first may keep its id', () => {
    const next = applied({
      type: 'split-class',
      classId: 'car',
      into: [cls('car', { name: 'sedan', parentId: 'vehicle' }), cls('suv', { parentId: 'vehicle' })],
    });
    expect(next.classes.map((c) => c.id)).toEqual([
      'vehicle',
      'car',
      'suv',
      'van',
      'minivan',
      'bus',
      'person',
      'indoor',
      'outdoor',
    ]);
    expect(classOf(next, 'car')?.name).toBe('sedan');
  });

  it('move-class sets the parent, or removes the key at the top level', () => {
    expect(
      classOf(applied({ type: 'move-class', classId: 'bus', parentId: 'vehicle' }), 'bus')?.parentId,
    ).toBe('vehicle');
    const top = classOf(applied({ type: 'move-class', classId: 'car', parentId: null }), 'car');
    expect(top && 'parentId' in top).toBe(false);
  });

  it('add-attribute appends to a class or to the image attributes', () => {
    const truncated: AttributeDefinition = {
      id: 'truncated',
      name: 'truncated',
      type: 'boolean',
      required: false,
    };
    const next = applied({ type: 'add-attribute', scope: { classId: 'van' }, attribute: truncated });
    expect(classOf(next, 'van')?.attributes.map((a) => a.id)).toEqual(['occlusion', 'truncated']);
    const time = { ...truncated, id: 'night', name: 'night' };
    const image = applied({ type: 'add-attribute', scope: 'image', attribute: time });
    expect(image.imageAttributes.map((a) => a.id)).toEqual(['weather', 'visibility', 'night']);
  });

  it('remove-attribute, rename-attribute and rename-option change only what they name', () => {
    const removed = applied({ type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'colour' });
    expect(classOf(removed, 'car')?.attributes.map((a) => a.id)).toEqual([
      'occlusion',
      'occluder',
      'parked',
      'speed',
      'plate',
    ]);
    const renamed = applied({
      type: 'rename-attribute',
      scope: { classId: 'car' },
      attributeId: 'occlusion',
      name: 'visibility',
    });
    expect(attributeOf(renamed, 'car', 'occlusion')?.name).toBe('visibility');
    expect(attributeOf(renamed, 'van', 'occlusion')?.name).toBe('occlusion');
    const relabeled = applied({
      type: 'rename-option',
      scope: 'image',
      attributeId: 'weather',
      optionId: 'rain',
      label: 'Rainy',
    });
    expect(attributeOf(relabeled, null, 'weather')).toMatchObject({
      options: [option('sunny', 'Sunny'), option('rain', 'Rainy'), option('fog', 'Fog')],
    });
  });

  it('merge-options removes the sources and remaps defaults and the conditions that look at them', () => {
    const base = applied({
      type: 'edit-schema',
      summary: 'defaults',
      schema: {
        ...schema,
        classes: schema.classes.map((c) =>
          c.id === 'car'
            ? {
                ...c,
                attributes: c.attributes.map((a) =>
                  a.type === 'single-choice'
                    ? { ...a, default: 'partial' }
                    : a.type === 'multi-choice'
                      ? { ...a, default: ['red', 'white'] }
                      : a,
                ),
              }
            : c,
        ),
      },
    });
    const single = applied(
      {
        type: 'merge-options',
        scope: { classId: 'car' },
        attributeId: 'occlusion',
        sourceOptionIds: ['partial'],
        targetOptionId: 'heavy',
      },
      base,
    );
    expect(attributeOf(single, 'car', 'occlusion')).toMatchObject({
      options: [option('none', 'None'), option('heavy', 'Heavy')],
      default: 'heavy',
    });
    expect(attributeOf(single, 'car', 'occluder')?.when).toEqual({
      attributeId: 'occlusion',
      values: ['heavy'],
    });
    const multi = applied(
      {
        type: 'merge-options',
        scope: { classId: 'car' },
        attributeId: 'colour',
        sourceOptionIds: ['red'],
        targetOptionId: 'white',
      },
      base,
    );
    expect(attributeOf(multi, 'car', 'colour')).toMatchObject({ default: ['white'] });
  });

  it('make-attribute-required sets required, and the fill value as default unless there is one', () => {
    const filled = applied({
      type: 'make-attribute-required',
      scope: { classId: 'car' },
      attributeId: 'occlusion',
      fill: { kind: 'default', value: 'none' },
    });
    expect(attributeOf(filled, 'car', 'occlusion')).toMatchObject({ required: true, default: 'none' });
    const reviewed = applied({
      type: 'make-attribute-required',
      scope: 'image',
      attributeId: 'weather',
      fill: { kind: 'review' },
    });
    expect(attributeOf(reviewed, null, 'weather')).toEqual({ ...weather, required: true });
  });

  it('edit-schema replaces the whole document', () => {
    const next: AnnotationSchema = {
      ...schema,
      name: 'streets v2',
      tagging: { requireAtLeastOne: true, multiLabel: false },
    };
    expect(applied({ type: 'edit-schema', schema: next, summary: 'Tagging rules' })).toBe(next);
  });
});
