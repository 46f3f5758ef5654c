/** Schema changes: the changes refused, and the message each refusal gives. */

import { describe, expect, it } from 'vitest';
import type { SchemaChange } from '../changes';
import { applyChangeToSchema } from '../migrate';
import { SCHEMA_FORMAT } from '../types';
import { occluder, parked, weather, cls, schema, applied, classOf } from './testFixtures';

describe('applyChangeToSchema refuses impossible changes with a clear message', () => {
  const car = classOf(schema, 'car')!;
  const cases: [string, SchemaChange, string | RegExp][] = [
    [
      'add-class with an id in use',
      { type: 'add-class', labelClass: { ...car, name: 'auto' } },
      'The id "car" is already used by class "car".',
    ],
    [
      'add-class with a name in use',
      { type: 'add-class', labelClass: cls('car2', { name: 'van' }) },
      'A class named "van" already exists.',
    ],
    [
      'add-class under a missing parent',
      { type: 'add-class', labelClass: cls('truck', { parentId: 'lorry' }) },
      'Cannot put "truck" under "lorry": there is no such class.',
    ],
    [
      'add-class with a bad colour',
      { type: 'add-class', labelClass: cls('truck', { color: 'red' }) },
      /"red" is not a colour like #1f77b4/,
    ],
    [
      'rename of an unknown class',
      { type: 'rename-class', classId: 'lorry', name: 'truck' },
      'There is no class with id "lorry".',
    ],
    [
      'rename to a name in use',
      { type: 'rename-class', classId: 'car', name: 'van' },
      'A class named "van" already exists.',
    ],
    ['rename to a blank name', { type: 'rename-class', classId: 'car', name: '  ' }, 'A class needs a name.'],
    [
      'recolor with a bad colour',
      { type: 'recolor-class', classId: 'car', color: '#ff00' },
      '"#ff00" is not a colour like #1f77b4.',
    ],
    [
      'delete of an unknown class',
      { type: 'delete-class', classId: 'lorry', annotations: 'delete' },
      'There is no class with id "lorry".',
    ],
    [
      'delete of a group with classes under it',
      { type: 'delete-class', classId: 'vehicle', annotations: 'review' },
      'Cannot delete "vehicle": "car", "van", "minivan" are under it. Move or delete them first.',
    ],
    [
      'merge of nothing',
      { type: 'merge-classes', sourceIds: [], targetId: 'car' },
      'Choose at least one class to merge.',
    ],
    [
      'merge listing a class twice',
      { type: 'merge-classes', sourceIds: ['van', 'van'], targetId: 'car' },
      '"van" is listed twice.',
    ],
    [
      'merge of an unknown class',
      { type: 'merge-classes', sourceIds: ['lorry'], targetId: 'car' },
      'There is no class with id "lorry".',
    ],
    [
      'merge into a missing target',
      { type: 'merge-classes', sourceIds: ['van'], targetId: 'lorry' },
      'Cannot merge into "lorry": there is no such class.',
    ],
    [
      'merge into a class being removed',
      { type: 'merge-classes', sourceIds: ['van', 'car'], targetId: 'car' },
      'Cannot merge into "car": it is one of the classes being merged away.',
    ],
    [
      'merge of a group into a class inside it',
      { type: 'merge-classes', sourceIds: ['vehicle'], targetId: 'car' },
      'Cannot merge "vehicle" into "car": "car" is inside it.',
    ],
    [
      'split into one class',
      { type: 'split-class', classId: 'car', into: [cls('sedan')] },
      'Split "car" into at least two classes.',
    ],
    [
      'split into a class whose id clashes',
      { type: 'split-class', classId: 'car', into: [cls('sedan'), cls('van', { name: 'big car' })] },
      '"big car" cannot have the id "van": "van" already has it.',
    ],
    [
      'split into classes clashing with each other',
      { type: 'split-class', classId: 'car', into: [cls('sedan'), cls('sedan', { name: 'suv' })] },
      '"suv" cannot have the id "sedan": "sedan" already has it.',
    ],
    [
      'split where a later class reuses the source id',
      { type: 'split-class', classId: 'car', into: [cls('sedan'), cls('car', { name: 'suv' })] },
      'Only the first new class may keep the id "car" of "car".',
    ],
    [
      'split into a name in use',
      { type: 'split-class', classId: 'car', into: [cls('sedan'), cls('x', { name: 'bus' })] },
      'A class named "bus" already exists.',
    ],
    [
      'split of a group',
      { type: 'split-class', classId: 'vehicle', into: [cls('land'), cls('sea')] },
      'Cannot split "vehicle": "car", "van", "minivan" are under it. Move them first.',
    ],
    [
      'move under itself',
      { type: 'move-class', classId: 'car', parentId: 'car' },
      'Cannot move "car" under itself.',
    ],
    [
      'move under a class inside it',
      { type: 'move-class', classId: 'vehicle', parentId: 'van' },
      'Cannot move "vehicle" under "van": "van" is inside it.',
    ],
    [
      'move under a missing class',
      { type: 'move-class', classId: 'car', parentId: 'lorry' },
      'Cannot move "car" under "lorry": there is no such class.',
    ],
    [
      'add-attribute with an id in use',
      {
        type: 'add-attribute',
        scope: { classId: 'car' },
        attribute: { ...parked, name: 'stopped', id: 'colour' },
      },
      'The id "colour" is already used by attribute "colour" on "car".',
    ],
    [
      'add-attribute on an unknown class',
      { type: 'add-attribute', scope: { classId: 'lorry' }, attribute: parked },
      'There is no class with id "lorry".',
    ],
    [
      'add-attribute already required',
      { type: 'add-attribute', scope: 'image', attribute: { ...parked, required: true } },
      'Add "parked" as optional, then make it required: existing annotations need a default or a review.',
    ],
    [
      'add-attribute with a default that is not an option',
      {
        type: 'add-attribute',
        scope: 'image',
        attribute: { ...weather, id: 'sky', name: 'sky', default: 'snow' },
      },
      'The default of "sky" does not fit: "snow" is not an option of "sky".',
    ],
    [
      'add-attribute depending on an unknown attribute',
      { type: 'add-attribute', scope: { classId: 'minivan' }, attribute: occluder },
      '"occluder" depends on "occlusion", which is not an attribute on "minivan".',
    ],
    [
      'remove of an unknown attribute',
      { type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'wheels' },
      'There is no attribute "wheels" on "car".',
    ],
    [
      'remove of an attribute another one depends on',
      { type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'occlusion' },
      'Cannot remove "occlusion": "occluder" is shown depending on its value. Change or remove it first.',
    ],
    [
      'rename-attribute to a name in use',
      { type: 'rename-attribute', scope: { classId: 'car' }, attributeId: 'parked', name: 'colour' },
      'There is already an attribute named "colour" on "car".',
    ],
    [
      'rename-option of a boolean attribute',
      {
        type: 'rename-option',
        scope: { classId: 'car' },
        attributeId: 'parked',
        optionId: 'yes',
        label: 'Y',
      },
      '"parked" has no options: it is a boolean attribute.',
    ],
    [
      'rename-option of an unknown option',
      { type: 'rename-option', scope: 'image', attributeId: 'weather', optionId: 'snow', label: 'Snow' },
      '"weather" has no option "snow".',
    ],
    [
      'merge-options into an option being removed',
      {
        type: 'merge-options',
        scope: 'image',
        attributeId: 'weather',
        sourceOptionIds: ['rain', 'fog'],
        targetOptionId: 'fog',
      },
      'Cannot merge into "Fog": it is one of the options being merged away.',
    ],
    [
      'merge-options of an unknown option',
      {
        type: 'merge-options',
        scope: 'image',
        attributeId: 'weather',
        sourceOptionIds: ['snow'],
        targetOptionId: 'fog',
      },
      '"weather" has no option "snow".',
    ],
    [
      'make-required with a default of the wrong type',
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'occlusion',
        fill: { kind: 'default', value: 3 },
      },
      'Cannot fill "occlusion" with that value: "occlusion" takes one option.',
    ],
    [
      'make-required with an invalid option',
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'occlusion',
        fill: { kind: 'default', value: 'total' },
      },
      'Cannot fill "occlusion" with that value: "total" is not an option of "occlusion".',
    ],
    [
      'make-required with no options chosen',
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'colour',
        fill: { kind: 'default', value: [] },
      },
      'Cannot fill "colour" with that value: choose at least one option of "colour".',
    ],
    [
      'make-required with a number out of range',
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'speed',
        fill: { kind: 'default', value: 250 },
      },
      'Cannot fill "speed" with that value: "speed" is at most 200.',
    ],
    [
      'make-required with a number off its step',
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'speed',
        fill: { kind: 'default', value: 52 },
      },
      'Cannot fill "speed" with that value: "speed" goes in steps of 5.',
    ],
    [
      'make-required with text off the pattern',
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'plate',
        fill: { kind: 'default', value: 'unknown' },
      },
      'Cannot fill "plate" with that value: "unknown" does not match the pattern of "plate".',
    ],
    [
      'make-required of an unknown attribute',
      { type: 'make-attribute-required', scope: 'image', attributeId: 'time', fill: { kind: 'review' } },
      'There is no attribute "time" on images.',
    ],
    [
      'edit-schema that leaves out a class',
      {
        type: 'edit-schema',
        summary: 'x',
        schema: { ...schema, classes: schema.classes.filter((c) => c.id !== 'bus') },
      },
      'The edited schema leaves out "bus". Delete or merge that class first, so its annotations are handled.',
    ],
    [
      'edit-schema with another format',
      { type: 'edit-schema', summary: 'x', schema: { ...schema, format: 'other/2' as typeof SCHEMA_FORMAT } },
      '"other/2" is not a schema format LabelLoop reads.',
    ],
  ];

  it.each(cases)('refuses %s', (_name, change, message) => {
    const result = applyChangeToSchema(schema, change);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('refuses make-required of an attribute that is already required', () => {
    const base = applied({
      type: 'make-attribute-required',
      scope: 'image',
      attributeId: 'weather',
      fill: { kind: 'review' },
    });
    expect(
      applyChangeToSchema(base, {
        type: 'make-attribute-required',
        scope: 'image',
        attributeId: 'weather',
        fill: { kind: 'review' },
      }),
    ).toEqual({ ok: false, message: '"weather" is already required.' });
  });
});
