/** What the preview counts and says, in the user's words. */

import { describe, expect, it } from 'vitest';
import type { SchemaChange } from '../changes';
import { changeImpact } from '../migrate';
import { parked, cls, schema, ann, rec } from './testFixtures';

describe("changeImpact says what a change does in the user's words", () => {
  const project = [
    rec([ann('car', { occlusion: 'heavy' }), ann('car', {}), ann('bus')], ['bus']),
    rec([ann('car', { occlusion: 'partial', occluder: 'tree' }), ann('van'), ann('minivan')], ['car']),
    rec([ann('person', {}), ann('car', { colour: ['red'] })], [], { weather: 'rain' }),
    rec([], ['indoor'], {}),
  ];
  const impact = (change: SchemaChange) => changeImpact(project, change, schema);

  it.each(
    (
      [
        [
          { type: 'rename-class', classId: 'car', name: 'vehicle car' },
          'Rename "car" → "vehicle car": 4 annotations and 1 image tag keep their labels under the new name',
        ],
        [
          { type: 'recolor-class', classId: 'van', color: '#00ff00' },
          'Recolor "van" → #00ff00: 1 annotation changes colour',
        ],
        [
          { type: 'move-class', classId: 'car', parentId: null },
          'Move "car" to the top level: 4 annotations and 1 image tag keep their labels',
        ],
        [
          { type: 'add-class', labelClass: cls('truck', { parentId: 'vehicle' }) },
          'Add class "truck" under "vehicle": no annotations change',
        ],
        [
          { type: 'delete-class', classId: 'bus', annotations: 'delete' },
          'Delete "bus": 1 annotation and 1 image tag will be deleted',
        ],
        [
          { type: 'delete-class', classId: 'person', annotations: 'review' },
          'Delete "person": 1 annotation will need review',
        ],
        [
          { type: 'delete-class', classId: 'outdoor', annotations: 'delete' },
          'Delete "outdoor": no annotations or image tags use it',
        ],
        [
          { type: 'merge-classes', sourceIds: ['van', 'minivan'], targetId: 'car' },
          'Merge "van", "minivan" into "car": 2 annotations change class',
        ],
        [
          { type: 'split-class', classId: 'car', into: [cls('sedan'), cls('suv')] },
          'Split "car" into "sedan", "suv": 4 annotations and 1 image tag move to "sedan" and will need review',
        ],
        [
          { type: 'add-attribute', scope: 'image', attribute: { ...parked, id: 'night', name: 'night' } },
          'Add attribute "night" to images: 4 images can now be given a value',
        ],
        [
          { type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'colour' },
          'Remove attribute "colour" from "car": 1 annotation loses its value',
        ],
        [
          {
            type: 'rename-attribute',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            name: 'visibility',
          },
          'Rename attribute "occlusion" → "visibility": 2 annotations keep their values under the new name',
        ],
        [
          {
            type: 'rename-option',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            optionId: 'heavy',
            label: 'Full',
          },
          'Rename option "Heavy" → "Full" of "occlusion": 1 annotation keeps its value under the new name',
        ],
        [
          {
            type: 'merge-options',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            sourceOptionIds: ['partial', 'heavy'],
            targetOptionId: 'none',
          },
          'Merge options "Partial", "Heavy" into "None" of "occlusion": 2 annotations change value',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            fill: { kind: 'review' },
          },
          'Make "occlusion" required: 2 annotations will need review',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            fill: { kind: 'default', value: 'none' },
          },
          'Make "occlusion" required: 2 annotations are missing a value and will be set to "None"',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: 'image',
            attributeId: 'weather',
            fill: { kind: 'review' },
          },
          'Make "weather" required: 3 images will need review',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: { classId: 'van' },
            attributeId: 'occlusion',
            fill: { kind: 'review' },
          },
          'Make "occlusion" required: 1 annotation will need review',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: { classId: 'car' },
            attributeId: 'speed',
            fill: { kind: 'default', value: 50 },
          },
          'Make "speed" required: 4 annotations are missing a value and will be set to 50 km/h',
        ],
        [
          { type: 'edit-schema', schema: { ...schema, name: 'x' }, summary: 'Renamed the schema to x' },
          'Renamed the schema to x',
        ],
      ] satisfies [SchemaChange, string][]
    ).map(([change, summary]): [string, SchemaChange] => [summary, change]),
  )('%s', (summary, change) => {
    expect(impact(change).summary).toBe(summary);
  });

  it('uses thousands separators in counts', () => {
    const many = Array.from({ length: 12_408 }, () => ann('car'));
    const big = [rec(many)];
    expect(
      changeImpact(big, { type: 'rename-class', classId: 'car', name: 'vehicle car' }, schema).summary,
    ).toBe('Rename "car" → "vehicle car": 12,408 annotations keep their labels under the new name');
    expect(
      changeImpact(
        big,
        {
          type: 'make-attribute-required',
          scope: { classId: 'car' },
          attributeId: 'occlusion',
          fill: { kind: 'review' },
        },
        schema,
      ).summary,
    ).toBe('Make "occlusion" required: 12,408 annotations will need review');
  });

  it('counts deleted, flagged and filled separately from what is only relabeled', () => {
    expect(impact({ type: 'delete-class', classId: 'bus', annotations: 'delete' })).toMatchObject({
      annotations: 1,
      tags: 1,
      images: 1,
      recordsToWrite: 1,
      deleted: 1,
      toReview: 0,
      filled: 0,
    });
    expect(impact({ type: 'delete-class', classId: 'bus', annotations: 'review' })).toMatchObject({
      annotations: 1,
      tags: 1,
      deleted: 0,
      toReview: 2,
    });
    expect(impact({ type: 'rename-class', classId: 'car', name: 'automobile' })).toMatchObject({
      annotations: 4,
      tags: 1,
      images: 3,
      recordsToWrite: 0,
    });
    expect(
      impact({
        type: 'make-attribute-required',
        scope: 'image',
        attributeId: 'weather',
        fill: { kind: 'default', value: 'sunny' },
      }),
    ).toMatchObject({ annotations: 0, images: 3, recordsToWrite: 3, filled: 3 });
  });
});
