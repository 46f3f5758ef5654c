/** Preview and apply agree: over generated projects, changeImpact counts exactly what migrateRecord does. */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classIdsOf } from '../../annotations/types';
import type { Annotation, AnnotationId, AttributeValues } from '../../annotations/types';
import type { ImageId } from '../../ids';
import type { SchemaChange } from '../changes';
import { applyChangeToSchema, changeImpact } from '../migrate';
import { cls, schema, projectId, deepFreeze, migrate } from './testFixtures';

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
