/** The schema, records and helpers the migration tests share: a street scene with classes, attributes and tags. */

import { classIdsOf } from '../../annotations/types';
import type { Annotation, AnnotationId, AttributeValues, ImageAnnotations } from '../../annotations/types';
import type { ImageId, ProjectId } from '../../ids';
import type { SchemaChange } from '../changes';
import { applyChangeToSchema, migrateRecord } from '../migrate';
import type { MigrationContext } from '../migrate';
import { SCHEMA_FORMAT } from '../types';
import type { AnnotationSchema, AttributeDefinition, LabelClass } from '../types';

/**
 * Each attribute typed by its kind, as a local const would be narrowed: a spread such as
 * `{ ...weather, default: 'snow' }` in a test that imports it stays a single-choice attribute.
 */
type AttributeOfKind<T extends AttributeDefinition['type']> = Extract<AttributeDefinition, { type: T }>;

export const option = (id: string, label = id) => ({ id, label });

export const occlusion: AttributeOfKind<'single-choice'> = {
  id: 'occlusion',
  name: 'occlusion',
  type: 'single-choice',
  required: false,
  options: [option('none', 'None'), option('partial', 'Partial'), option('heavy', 'Heavy')],
};
export const occluder: AttributeOfKind<'text'> = {
  id: 'occluder',
  name: 'occluder',
  type: 'text',
  required: false,
  when: { attributeId: 'occlusion', values: ['partial', 'heavy'] },
};
export const colour: AttributeOfKind<'multi-choice'> = {
  id: 'colour',
  name: 'colour',
  type: 'multi-choice',
  required: false,
  options: [option('red', 'Red'), option('blue', 'Blue'), option('white', 'White')],
};
export const parked: AttributeOfKind<'boolean'> = {
  id: 'parked',
  name: 'parked',
  type: 'boolean',
  required: false,
};
export const speed: AttributeOfKind<'number'> = {
  id: 'speed',
  name: 'speed',
  type: 'number',
  required: false,
  min: 0,
  max: 200,
  step: 5,
  unit: 'km/h',
};
export const plate: AttributeOfKind<'text'> = {
  id: 'plate',
  name: 'plate',
  type: 'text',
  required: false,
  pattern: '[A-Z]{2}-\\d+',
};
export const weather: AttributeOfKind<'single-choice'> = {
  id: 'weather',
  name: 'weather',
  type: 'single-choice',
  required: false,
  options: [option('sunny', 'Sunny'), option('rain', 'Rain'), option('fog', 'Fog')],
};
export const visibility: AttributeOfKind<'number'> = {
  id: 'visibility',
  name: 'visibility',
  type: 'number',
  required: false,
  when: { attributeId: 'weather', values: ['fog'] },
};

export const cls = (id: string, extra: Partial<LabelClass> = {}): LabelClass => ({
  id,
  name: id,
  color: '#1f77b4',
  geometries: ['box'],
  attributes: [],
  ...extra,
});

export const schema: AnnotationSchema = {
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

export const projectId = 'p1' as ProjectId;
let nextId = 0;

export const ann = (
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

export const rec = (
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
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
deepFreeze(schema);

export const ctx: MigrationContext = { newVersion: 4, now: 5000, author: 'lead', schema };
export const migrate = (record: ImageAnnotations, change: SchemaChange) => migrateRecord(record, change, ctx);

export function applied(change: SchemaChange, base: AnnotationSchema = schema): AnnotationSchema {
  const result = applyChangeToSchema(base, change);
  if (!result.ok) throw new Error(`refused: ${result.message}`);
  return result.schema;
}
export const classOf = (s: AnnotationSchema, id: string) => s.classes.find((c) => c.id === id);
export const attributeOf = (s: AnnotationSchema, classId: string | null, id: string) =>
  (classId === null ? s.imageAttributes : classOf(s, classId)?.attributes)?.find((a) => a.id === id);
