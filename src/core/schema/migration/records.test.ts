/** How records migrate: only what a change touches is rewritten, the rest is returned untouched. */

import { describe, expect, it } from 'vitest';
import type { ImageAnnotations } from '../../annotations/types';
import type { SchemaChange } from '../changes';
import { changeImpact, migrateRecord } from '../migrate';
import type { AttributeDefinition } from '../types';
import { parked, cls, schema, ann, rec, ctx, migrate, applied } from './testFixtures';

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
