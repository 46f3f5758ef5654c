/** Schema changes: the schema each change produces or refuses, how records migrate, and what the preview counts. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classIdsOf } from '../annotations/types';
import type { Annotation, AnnotationId, AttributeValues, ImageAnnotations } from '../annotations/types';
import type { ImageId, ProjectId } from '../ids';
import type { SchemaChange } from './changes';
import { applyChangeToSchema, changeImpact, describeChange, migrateRecord } from './migrate';
import type { MigrationContext } from './migrate';
import { SCHEMA_FORMAT } from './types';
import type { AnnotationSchema, AttributeDefinition, LabelClass } from './types';

// ---------------------------------------------------------------------------------------------------------
// Fixtures

const option = (id: string, label = id) => ({ id, label });

const occlusion: AttributeDefinition = {
  id: 'occlusion',
  name: 'occlusion',
  type: 'single-choice',
  required: false,
  options: [option('none', 'None'), option('partial', 'Partial'), option('heavy', 'Heavy')],
};
const occluder: AttributeDefinition = {
  id: 'occluder',
  name: 'occluder',
  type: 'text',
  required: false,
  when: { attributeId: 'occlusion', values: ['partial', 'heavy'] },
};
const colour: AttributeDefinition = {
  id: 'colour',
  name: 'colour',
  type: 'multi-choice',
  required: false,
  options: [option('red', 'Red'), option('blue', 'Blue'), option('white', 'White')],
};
const parked: AttributeDefinition = { id: 'parked', name: 'parked', type: 'boolean', required: false };
const speed: AttributeDefinition = {
  id: 'speed',
  name: 'speed',
  type: 'number',
  required: false,
  min: 0,
  max: 200,
  step: 5,
  unit: 'km/h',
};
const plate: AttributeDefinition = {
  id: 'plate',
  name: 'plate',
  type: 'text',
  required: false,
  pattern: '[A-Z]{2}-\\d+',
};
const weather: AttributeDefinition = {
  id: 'weather',
  name: 'weather',
  type: 'single-choice',
  required: false,
  options: [option('sunny', 'Sunny'), option('rain', 'Rain'), option('fog', 'Fog')],
};
const visibility: AttributeDefinition = {
  id: 'visibility',
  name: 'visibility',
  type: 'number',
  required: false,
  when: { attributeId: 'weather', values: ['fog'] },
};

const cls = (id: string, extra: Partial<LabelClass> = {}): LabelClass => ({
  id,
  name: id,
  color: '#1f77b4',
  geometries: ['box'],
  attributes: [],
  ...extra,
});

const schema: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'streets',
  classes: [
    cls('vehicle', { geometries: [] }),
    cls('car', {
      parentId: 'vehicle',
      color: '#ff0000',
      attributes: [occlusion, occluder, colour, parked, speed, plate],
    }),
    cls('van', { parentId: 'vehicle', attributes: [occlusion] }),
    cls('minivan', { parentId: 'vehicle' }),
    cls('bus', { geometries: ['box', 'tag'] }),
    cls('person', { attributes: [{ ...occlusion, id: 'pose', name: 'pose' }] }),
    cls('indoor', { geometries: ['tag'] }),
    cls('outdoor', { geometries: ['tag'] }),
  ],
  imageAttributes: [weather, visibility],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const projectId = 'p1' as ProjectId;
let nextId = 0;

const ann = (
  classId: string,
  attributes: AttributeValues = {},
  version = 1,
  extra: Partial<Annotation> = {},
) =>
  ({
    id: `a${++nextId}` as AnnotationId,
    classId,
    geometry: { kind: 'box', x: 1, y: 2, width: 30, height: 40 },
    attributes,
    schemaVersion: version,
    createdBy: 'ann',
    createdAt: 1000,
    updatedBy: 'ann',
    updatedAt: 1000,
    ...extra,
  }) satisfies Annotation as Annotation;

const rec = (
  annotations: Annotation[],
  tags: string[] = [],
  attributes: AttributeValues = {},
  imageId = `img${++nextId}`,
): ImageAnnotations =>
  deepFreeze({
    imageId: imageId as ImageId,
    projectId,
    annotations,
    tags,
    attributes,
    classIds: classIdsOf(annotations, tags),
    updatedAt: 1000,
  });

/** Inputs are frozen: a migration that mutated its input would throw. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
deepFreeze(schema);

const ctx: MigrationContext = { newVersion: 4, now: 5000, author: 'lead', schema };
const migrate = (record: ImageAnnotations, change: SchemaChange) => migrateRecord(record, change, ctx);

function applied(change: SchemaChange, base: AnnotationSchema = schema): AnnotationSchema {
  const result = applyChangeToSchema(base, change);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.schema;
}
const classOf = (s: AnnotationSchema, id: string) => s.classes.find((c) => c.id === id);
const attributeOf = (s: AnnotationSchema, classId: string | null, id: string) =>
  (classId === null ? s.imageAttributes : classOf(s, classId)?.attributes)?.find((a) => a.id === id);

// ---------------------------------------------------------------------------------------------------------
// The schema

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

// ---------------------------------------------------------------------------------------------------------
// Records

describe('migrateRecord rewrites only what a change touches', () => {
  it('delete-class with "delete" removes the annotations and the tag', () => {
    const keep = ann('car', {}, 2);
    const before = rec([ann('bus'), keep, ann('bus', {}, 3)], ['bus', 'indoor']);
    const after = migrate(before, { type: 'delete-class', classId: 'bus', annotations: 'delete' });
    expect(after?.annotations).toEqual([keep]);
    expect(after?.annotations[0]).toBe(keep);
    expect(after?.tags).toEqual(['indoor']);
    expect(after?.classIds).toEqual(['car', 'indoor']);
    expect(after?.updatedAt).toBe(5000);
  });

  it('delete-class with "review" keeps the annotations and the tag, flagged for review', () => {
    const bus = ann('bus', { seats: 40 }, 2);
    const before = rec([bus], ['bus']);
    const after = migrate(before, { type: 'delete-class', classId: 'bus', annotations: 'review' });
    expect(after?.annotations).toEqual([
      {
        ...bus,
        schemaVersion: 4,
        updatedAt: 5000,
        updatedBy: 'lead',
        review: { reason: 'class "bus" was deleted', since: 5000, schemaVersion: 4 },
      },
    ]);
    expect(after?.tags).toEqual(['bus']);
    expect(after?.review).toEqual({ reason: 'class "bus" was deleted', since: 5000, schemaVersion: 4 });
    expect(after?.classIds).toEqual(['bus']);
  });

  it('a second review reason joins the first, which keeps its date', () => {
    const flagged = ann('bus', {}, 3, {
      review: { reason: 'box looks loose', since: 2000, schemaVersion: 3 },
    });
    const after = migrate(rec([flagged]), { type: 'delete-class', classId: 'bus', annotations: 'review' });
    expect(after?.annotations[0]?.review).toEqual({
      reason: 'box looks loose; class "bus" was deleted',
      since: 2000,
      schemaVersion: 4,
    });
  });

  it('merge-classes moves annotations and tags to the target, deduplicating tags and keeping values', () => {
    const van = ann('van', { occlusion: 'heavy' }, 1);
    const before = rec(
      [van, ann('minivan', {}, 2), ann('person', {}, 3)],
      ['van', 'car', 'minivan', 'outdoor'],
    );
    const after = migrate(before, { type: 'merge-classes', sourceIds: ['van', 'minivan'], targetId: 'car' });
    expect(after?.annotations.map((a) => [a.classId, a.schemaVersion])).toEqual([
      ['car', 4],
      ['car', 4],
      ['person', 3],
    ]);
    expect(after?.annotations[0]?.attributes).toEqual({ occlusion: 'heavy' });
    expect(after?.annotations[0]?.review).toBeUndefined();
    expect(after?.tags).toEqual(['car', 'outdoor']);
    expect(after?.classIds).toEqual(['car', 'outdoor', 'person']);
  });

  it('split-class moves annotations to the first new class and flags them and split tags for review', () => {
    const change: SchemaChange = {
      type: 'split-class',
      classId: 'person',
      into: [cls('pedestrian'), cls('cyclist')],
    };
    const after = migrate(rec([ann('person', { pose: 'none' })], ['person']), change);
    const reason = 'class "person" was split into pedestrian, cyclist: choose the right class';
    expect(after?.annotations[0]).toMatchObject({
      classId: 'pedestrian',
      attributes: { pose: 'none' },
      schemaVersion: 4,
      review: { reason, since: 5000, schemaVersion: 4 },
    });
    expect(after?.tags).toEqual(['pedestrian']);
    expect(after?.review?.reason).toBe(reason);
  });

  it('remove-attribute drops the value from annotations of that class, or from the image', () => {
    const car = ann('car', { colour: ['red'], parked: true });
    const van = ann('van', { colour: ['red'] });
    const after = migrate(rec([car, van]), {
      type: 'remove-attribute',
      scope: { classId: 'car' },
      attributeId: 'colour',
    });
    expect(after?.annotations[0]?.attributes).toEqual({ parked: true });
    expect(after?.annotations[1]).toBe(van);
    const image = migrate(rec([], [], { weather: 'fog', visibility: 3 }), {
      type: 'remove-attribute',
      scope: 'image',
      attributeId: 'visibility',
    });
    expect(image?.attributes).toEqual({ weather: 'fog' });
  });

  it('merge-options replaces single values and replaces and deduplicates multi values', () => {
    const single = ann('car', { occlusion: 'partial' });
    const untouched = ann('car', { occlusion: 'none' });
    const after = migrate(rec([single, untouched]), {
      type: 'merge-options',
      scope: { classId: 'car' },
      attributeId: 'occlusion',
      sourceOptionIds: ['partial'],
      targetOptionId: 'heavy',
    });
    expect(after?.annotations[0]?.attributes).toEqual({ occlusion: 'heavy' });
    expect(after?.annotations[1]).toBe(untouched);
    const multi = migrate(rec([ann('car', { colour: ['red', 'white', 'blue'] })]), {
      type: 'merge-options',
      scope: { classId: 'car' },
      attributeId: 'colour',
      sourceOptionIds: ['red'],
      targetOptionId: 'white',
    });
    expect(multi?.annotations[0]?.attributes).toEqual({ colour: ['white', 'blue'] });
    const image = migrate(rec([], [], { weather: 'rain' }), {
      type: 'merge-options',
      scope: 'image',
      attributeId: 'weather',
      sourceOptionIds: ['rain'],
      targetOptionId: 'fog',
    });
    expect(image?.attributes).toEqual({ weather: 'fog' });
  });

  it('make-attribute-required fills missing values, where the attribute is shown, with the default', () => {
    const missing = ann('car', { parked: false });
    const empty = ann('car', { occlusion: '' });
    const present = ann('car', { occlusion: 'heavy' });
    const after = migrate(rec([missing, empty, present, ann('van')]), {
      type: 'make-attribute-required',
      scope: { classId: 'car' },
      attributeId: 'occlusion',
      fill: { kind: 'default', value: 'none' },
    });
    expect(after?.annotations.map((a) => a.attributes)).toEqual([
      { parked: false, occlusion: 'none' },
      { occlusion: 'none' },
      { occlusion: 'heavy' },
      {},
    ]);
    expect(after?.annotations.map((a) => a.schemaVersion)).toEqual([4, 4, 1, 1]);
    expect(after?.annotations[0]?.review).toBeUndefined();
  });

  it('make-attribute-required skips annotations whose condition hides the attribute', () => {
    const hidden = ann('car', { occlusion: 'none' });
    const noController = ann('car', {});
    const shown = ann('car', { occlusion: 'partial' });
    const after = migrate(rec([hidden, noController, shown]), {
      type: 'make-attribute-required',
      scope: { classId: 'car' },
      attributeId: 'occluder',
      fill: { kind: 'default', value: 'tree' },
    });
    expect(after?.annotations[0]).toBe(hidden);
    expect(after?.annotations[1]).toBe(noController);
    expect(after?.annotations[2]?.attributes).toEqual({ occlusion: 'partial', occluder: 'tree' });
  });

  it('make-attribute-required follows a chain of conditions: a hidden controller hides what depends on it', () => {
    const kind: AttributeDefinition = {
      id: 'kind',
      name: 'kind',
      type: 'text',
      required: false,
      when: { attributeId: 'occluder', values: ['tree'] },
    };
    const chained = applied({ type: 'add-attribute', scope: { classId: 'car' }, attribute: kind });
    const hidden = ann('car', { occlusion: 'none', occluder: 'tree' });
    const shown = ann('car', { occlusion: 'heavy', occluder: 'tree' });
    const change: SchemaChange = {
      type: 'make-attribute-required',
      scope: { classId: 'car' },
      attributeId: 'kind',
      fill: { kind: 'default', value: 'oak' },
    };
    const after = migrateRecord(rec([hidden, shown]), change, { ...ctx, schema: chained });
    expect(after?.annotations[0]).toBe(hidden);
    expect(after?.annotations[1]?.attributes).toEqual({ occlusion: 'heavy', occluder: 'tree', kind: 'oak' });
    expect(changeImpact([rec([hidden, shown])], change, chained).filled).toBe(1);
  });

  it('review reasons name classes from the schema in the context, or by id without it', () => {
    const renamed = applied({ type: 'rename-class', classId: 'bus', name: 'coach' });
    const change: SchemaChange = { type: 'delete-class', classId: 'bus', annotations: 'review' };
    const record = rec([ann('bus')]);
    const named = migrateRecord(record, change, { ...ctx, schema: renamed });
    expect(named?.annotations[0]?.review?.reason).toBe('class "coach" was deleted');
    const bare = migrateRecord(record, change, { newVersion: 4, now: 5000, author: 'lead' });
    expect(bare?.annotations[0]?.review?.reason).toBe('class "bus" was deleted');
  });

  it('make-attribute-required with review flags annotations, or the image for image attributes', () => {
    const after = migrate(rec([ann('car', { colour: [] })]), {
      type: 'make-attribute-required',
      scope: { classId: 'car' },
      attributeId: 'colour',
      fill: { kind: 'review' },
    });
    expect(after?.annotations[0]).toMatchObject({
      attributes: { colour: [] },
      review: { reason: '"colour" is now required: choose a value', since: 5000, schemaVersion: 4 },
    });
    const image = migrate(rec([], [], { visibility: 2 }), {
      type: 'make-attribute-required',
      scope: 'image',
      attributeId: 'weather',
      fill: { kind: 'review' },
    });
    expect(image?.attributes).toEqual({ visibility: 2 });
    expect(image?.review?.reason).toBe('"weather" is now required: choose a value');
    const filled = migrate(rec([], [], {}), {
      type: 'make-attribute-required',
      scope: 'image',
      attributeId: 'weather',
      fill: { kind: 'default', value: 'sunny' },
    });
    expect(filled?.attributes).toEqual({ weather: 'sunny' });
    expect(filled?.review).toBeUndefined();
  });

  it.each<[string, SchemaChange]>([
    ['add-class', { type: 'add-class', labelClass: cls('truck') }],
    ['rename-class', { type: 'rename-class', classId: 'car', name: 'automobile' }],
    ['recolor-class', { type: 'recolor-class', classId: 'car', color: '#00ff00' }],
    ['move-class', { type: 'move-class', classId: 'car', parentId: null }],
    [
      'add-attribute',
      {
        type: 'add-attribute',
        scope: { classId: 'car' },
        attribute: { ...parked, id: 'towed', name: 'towed' },
      },
    ],
    [
      'rename-attribute',
      { type: 'rename-attribute', scope: { classId: 'car' }, attributeId: 'occlusion', name: 'visibility' },
    ],
    [
      'rename-option',
      {
        type: 'rename-option',
        scope: { classId: 'car' },
        attributeId: 'occlusion',
        optionId: 'heavy',
        label: 'Full',
      },
    ],
    [
      'edit-schema',
      { type: 'edit-schema', schema: { ...schema, name: 'renamed' }, summary: 'Renamed the schema' },
    ],
  ])('%s rewrites no record', (_name, change) => {
    expect(
      migrate(rec([ann('car', { occlusion: 'heavy' })], ['car'], { weather: 'fog' }), change),
    ).toBeNull();
  });

  it.each<[string, SchemaChange]>([
    ['delete-class', { type: 'delete-class', classId: 'bus', annotations: 'delete' }],
    ['merge-classes', { type: 'merge-classes', sourceIds: ['van'], targetId: 'car' }],
    ['split-class', { type: 'split-class', classId: 'bus', into: [cls('coach'), cls('minibus')] }],
    ['remove-attribute', { type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'parked' }],
    [
      'merge-options',
      {
        type: 'merge-options',
        scope: { classId: 'car' },
        attributeId: 'occlusion',
        sourceOptionIds: ['partial'],
        targetOptionId: 'none',
      },
    ],
    [
      'make-attribute-required',
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'occlusion',
        fill: { kind: 'review' },
      },
    ],
    [
      'make-attribute-required (image)',
      { type: 'make-attribute-required', scope: 'image', attributeId: 'weather', fill: { kind: 'review' } },
    ],
  ])('%s returns null for a record it does not touch', (_name, change) => {
    expect(
      migrate(
        rec([ann('car', { occlusion: 'heavy' }), ann('person')], ['indoor'], { weather: 'fog' }),
        change,
      ),
    ).toBeNull();
  });

  it('migrates a project whose annotations were made under versions 1, 2 and 3 with a version-4 change', () => {
    const project = [
      rec([ann('van', { occlusion: 'heavy' }, 1), ann('car', {}, 1)], ['van']),
      rec([ann('van', {}, 2), ann('person', {}, 3)]),
      rec([ann('minivan', {}, 3), ann('car', { occlusion: 'none' }, 2)]),
      rec([ann('person', {}, 1)]),
    ];
    const change: SchemaChange = { type: 'merge-classes', sourceIds: ['van', 'minivan'], targetId: 'car' };
    const after = project.map((r) => migrate(r, change));
    expect(after.map((r) => r?.annotations.map((a) => `${a.classId}@${a.schemaVersion}`) ?? null)).toEqual([
      ['car@4', 'car@1'],
      ['car@4', 'person@3'],
      ['car@4', 'car@2'],
      null,
    ]);
    expect(changeImpact(project, change, schema)).toMatchObject({
      annotations: 3,
      images: 3,
      recordsToWrite: 3,
      tags: 1,
    });
    const required: SchemaChange = {
      type: 'make-attribute-required',
      scope: { classId: 'car' },
      attributeId: 'occlusion',
      fill: { kind: 'review' },
    };
    const flagged = project.map((r) => migrate(r, required)?.annotations.filter((a) => a.review).length ?? 0);
    expect(flagged).toEqual([1, 0, 0, 0]);
    expect(changeImpact(project, required, schema).toReview).toBe(1);
  });

  it('undo by restoring the stored before-records gives back byte-identical JSON', () => {
    const project = [
      rec([ann('van', { occlusion: 'partial' }, 1), ann('bus', {}, 2)], ['bus', 'van'], { weather: 'rain' }),
      rec([ann('car', { colour: ['red', 'white'] }, 3)], ['outdoor']),
      rec([ann('person', {}, 2, { review: { reason: 'blurry', since: 1500, schemaVersion: 2 } })]),
    ];
    const store = new Map(project.map((r) => [r.imageId, JSON.stringify(r)]));
    const original = JSON.stringify([...store]);
    const changes: SchemaChange[] = [
      { type: 'merge-classes', sourceIds: ['van'], targetId: 'car' },
      { type: 'delete-class', classId: 'bus', annotations: 'review' },
      {
        type: 'merge-options',
        scope: 'image',
        attributeId: 'weather',
        sourceOptionIds: ['rain'],
        targetOptionId: 'fog',
      },
    ];
    for (const change of changes) {
      const before: ImageAnnotations[] = [];
      for (const record of project) {
        const migrated = migrate(record, change);
        if (migrated) {
          before.push(record);
          store.set(record.imageId, JSON.stringify(migrated));
        }
      }
      expect(before.length).toBeGreaterThan(0);
      expect(JSON.stringify([...store])).not.toBe(original);
      for (const record of before) store.set(record.imageId, JSON.stringify(record));
      expect(JSON.stringify([...store])).toBe(original);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Impact

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

describe('describeChange writes one line for the version history', () => {
  it.each(
    (
      [
        [{ type: 'rename-class', classId: 'car', name: 'vehicle car' }, 'Renamed class car → vehicle car'],
        [
          { type: 'add-class', labelClass: cls('truck', { parentId: 'vehicle' }) },
          'Added class truck under vehicle',
        ],
        [
          { type: 'recolor-class', classId: 'car', color: '#00ff00' },
          'Recolored class car #ff0000 → #00ff00',
        ],
        [
          { type: 'delete-class', classId: 'bus', annotations: 'delete' },
          'Deleted class bus (its annotations deleted)',
        ],
        [
          { type: 'delete-class', classId: 'bus', annotations: 'review' },
          'Deleted class bus (its annotations sent to review)',
        ],
        [
          { type: 'merge-classes', sourceIds: ['van', 'minivan'], targetId: 'car' },
          'Merged classes van, minivan into car',
        ],
        [
          { type: 'split-class', classId: 'car', into: [cls('sedan'), cls('suv')] },
          'Split class car into sedan, suv',
        ],
        [{ type: 'move-class', classId: 'bus', parentId: 'vehicle' }, 'Moved class bus under vehicle'],
        [{ type: 'move-class', classId: 'car', parentId: null }, 'Moved class car to the top level'],
        [
          { type: 'add-attribute', scope: 'image', attribute: { ...parked, id: 'night', name: 'night' } },
          'Added attribute night to images',
        ],
        [
          { type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'colour' },
          'Removed attribute colour from class car',
        ],
        [
          {
            type: 'rename-attribute',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            name: 'visibility',
          },
          'Renamed attribute occlusion → visibility on class car',
        ],
        [
          { type: 'rename-option', scope: 'image', attributeId: 'weather', optionId: 'rain', label: 'Rainy' },
          'Renamed option Rain → Rainy of attribute weather on images',
        ],
        [
          {
            type: 'merge-options',
            scope: 'image',
            attributeId: 'weather',
            sourceOptionIds: ['rain', 'fog'],
            targetOptionId: 'sunny',
          },
          'Merged options Rain, Fog into Sunny of attribute weather on images',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: { classId: 'car' },
            attributeId: 'occlusion',
            fill: { kind: 'default', value: 'none' },
          },
          'Made attribute occlusion on class car required (missing values set to None)',
        ],
        [
          {
            type: 'make-attribute-required',
            scope: 'image',
            attributeId: 'weather',
            fill: { kind: 'review' },
          },
          'Made attribute weather on images required (missing values sent to review)',
        ],
        [{ type: 'edit-schema', schema, summary: 'Changed hotkeys' }, 'Changed hotkeys'],
      ] satisfies [SchemaChange, string][]
    ).map(([change, line]): [string, SchemaChange] => [line, change]),
  )('%s', (line, change) => {
    expect(describeChange(change, schema)).toBe(line);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Preview and apply agree

const annotationArbitrary = fc.record({
  classId: fc.constantFrom('car', 'van', 'minivan', 'bus', 'person', 'retired'),
  attributes: fc.record(
    {
      occlusion: fc.constantFrom('none', 'partial', 'heavy', ''),
      occluder: fc.constantFrom('tree', ''),
      colour: fc.subarray(['red', 'blue', 'white']),
      parked: fc.boolean(),
      pose: fc.constantFrom('none', 'heavy'),
    },
    { requiredKeys: [] },
  ),
  version: fc.constantFrom(1, 2, 3),
  flagged: fc.boolean(),
});
const recordArbitrary = fc.record({
  annotations: fc.array(annotationArbitrary, { maxLength: 6 }),
  tags: fc.subarray(['bus', 'car', 'van', 'person', 'indoor', 'outdoor']),
  attributes: fc.record(
    { weather: fc.constantFrom('sunny', 'rain', 'fog', ''), visibility: fc.nat(10) },
    { requiredKeys: [] },
  ),
  flagged: fc.boolean(),
});
const projectArbitrary = fc.array(recordArbitrary, { maxLength: 30 }).map((records) =>
  records.map((r, i) =>
    deepFreeze({
      imageId: `img-${i}` as ImageId,
      projectId,
      annotations: r.annotations.map((a, j) => ({
        id: `ann-${i}-${j}` as AnnotationId,
        classId: a.classId,
        geometry: { kind: 'point' as const, x: i, y: j },
        attributes: a.attributes,
        schemaVersion: a.version,
        createdBy: 'ann',
        createdAt: 1000,
        updatedBy: 'ann',
        updatedAt: 1000 + j,
        ...(a.flagged ? { review: { reason: 'check', since: 900, schemaVersion: a.version } } : {}),
      })),
      tags: r.tags,
      attributes: r.attributes,
      classIds: classIdsOf(
        r.annotations.map((a) => ({ classId: a.classId }) as Annotation),
        r.tags,
      ),
      updatedAt: 1000,
      ...(r.flagged ? { review: { reason: 'image check', since: 900, schemaVersion: 2 } } : {}),
    }),
  ),
);

const consistencyChanges: SchemaChange[] = [
  { type: 'delete-class', classId: 'bus', annotations: 'delete' },
  { type: 'delete-class', classId: 'bus', annotations: 'review' },
  { type: 'delete-class', classId: 'indoor', annotations: 'review' },
  { type: 'merge-classes', sourceIds: ['van', 'minivan'], targetId: 'car' },
  { type: 'merge-classes', sourceIds: ['indoor'], targetId: 'outdoor' },
  {
    type: 'split-class',
    classId: 'car',
    into: [cls('car', { name: 'sedan', parentId: 'vehicle' }), cls('suv')],
  },
  { type: 'split-class', classId: 'person', into: [cls('pedestrian'), cls('cyclist')] },
  { type: 'remove-attribute', scope: { classId: 'car' }, attributeId: 'colour' },
  { type: 'remove-attribute', scope: 'image', attributeId: 'visibility' },
  {
    type: 'merge-options',
    scope: { classId: 'car' },
    attributeId: 'occlusion',
    sourceOptionIds: ['partial'],
    targetOptionId: 'heavy',
  },
  {
    type: 'merge-options',
    scope: { classId: 'car' },
    attributeId: 'colour',
    sourceOptionIds: ['red', 'blue'],
    targetOptionId: 'white',
  },
  {
    type: 'merge-options',
    scope: 'image',
    attributeId: 'weather',
    sourceOptionIds: ['rain'],
    targetOptionId: 'fog',
  },
  {
    type: 'make-attribute-required',
    scope: { classId: 'car' },
    attributeId: 'occlusion',
    fill: { kind: 'default', value: 'none' },
  },
  {
    type: 'make-attribute-required',
    scope: { classId: 'car' },
    attributeId: 'occluder',
    fill: { kind: 'review' },
  },
  {
    type: 'make-attribute-required',
    scope: { classId: 'car' },
    attributeId: 'colour',
    fill: { kind: 'default', value: ['red'] },
  },
  { type: 'make-attribute-required', scope: 'image', attributeId: 'weather', fill: { kind: 'review' } },
  {
    type: 'make-attribute-required',
    scope: 'image',
    attributeId: 'visibility',
    fill: { kind: 'default', value: 5 },
  },
  { type: 'rename-class', classId: 'car', name: 'automobile' },
  { type: 'move-class', classId: 'vehicle', parentId: null },
  {
    type: 'rename-option',
    scope: { classId: 'car' },
    attributeId: 'occlusion',
    optionId: 'heavy',
    label: 'Full',
  },
  { type: 'add-class', labelClass: cls('truck') },
];

/** Changes that only show labels differently: the preview counts what they concern, nothing is rewritten. */
const RELABELING = new Set(['rename-class', 'recolor-class', 'move-class', 'rename-option', 'add-class']);

const json = (value: unknown) => JSON.stringify(value) ?? 'undefined';
const isMissing = (value: unknown) => value === undefined || value === '' || json(value) === '[]';
/** A value appeared where there was none: what filling a required attribute does. */
const gainedValue = (before: AttributeValues, after: AttributeValues) =>
  Object.keys(after).some((key) => isMissing(before[key]) && !isMissing(after[key]));

describe('changeImpact counts exactly what migrateRecord does', () => {
  it.each(consistencyChanges.map((change) => [change.type, change] as const))(
    '%s over generated projects',
    (_type, change) => {
      expect(applyChangeToSchema(schema, change).ok).toBe(true);
      let written = 0;
      fc.assert(
        fc.property(projectArbitrary, (project) => {
          const seen = { annotations: 0, images: 0, deleted: 0, toReview: 0, filled: 0 };
          for (const before of project) {
            const after = migrate(before, change);
            if (!after) continue;
            seen.images++;
            expect(json(after)).not.toBe(json(before));
            expect(after.classIds).toEqual(classIdsOf(after.annotations, after.tags));
            expect(new Set(after.tags).size).toBe(after.tags.length);
            const byId = new Map(after.annotations.map((a) => [a.id, a]));
            for (const annotation of before.annotations) {
              const migrated = byId.get(annotation.id);
              if (!migrated) {
                seen.annotations++;
                seen.deleted++;
                continue;
              }
              if (migrated === annotation) continue;
              expect(json(migrated)).not.toBe(json(annotation));
              expect(migrated).toMatchObject({ schemaVersion: 4, updatedAt: 5000, updatedBy: 'lead' });
              seen.annotations++;
              if (json(migrated.review) !== json(annotation.review)) seen.toReview++;
              if (gainedValue(annotation.attributes, migrated.attributes)) seen.filled++;
            }
            if (json(after.review) !== json(before.review)) seen.toReview++;
            if (gainedValue(before.attributes, after.attributes)) seen.filled++;
          }
          const impact = changeImpact(project, change, schema);
          written += seen.images;
          expect({
            deleted: impact.deleted,
            toReview: impact.toReview,
            filled: impact.filled,
            images: impact.recordsToWrite,
          }).toEqual({
            deleted: seen.deleted,
            toReview: seen.toReview,
            filled: seen.filled,
            images: seen.images,
          });
          if (RELABELING.has(change.type)) {
            expect(seen.images).toBe(0);
          } else {
            expect(impact.images).toBe(seen.images);
            expect(impact.annotations).toBe(seen.annotations);
          }
        }),
        { numRuns: 60 },
      );
      // The generated projects must exercise the change, or the agreement above proves nothing.
      if (!RELABELING.has(change.type)) expect(written).toBeGreaterThan(0);
    },
  );
});
