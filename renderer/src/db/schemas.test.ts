/** Schema versions in the project database: first version, previews that match what applying does, undo, atomicity, project validation. */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { classIdsOf } from '../../../src/core/annotations/types';
import type {
  Annotation,
  AnnotationId,
  AttributeValues,
  ImageAnnotations,
} from '../../../src/core/annotations/types';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import type { SchemaChange } from '../../../src/core/schema/changes';
import { PRESETS } from '../../../src/core/schema/presets';
import { SCHEMA_FORMAT } from '../../../src/core/schema/types';
import type { AnnotationSchema, AttributeDefinition, ChoiceOption } from '../../../src/core/schema/types';
import type { LabelLoopDatabase } from './database';
import { addImportedImages } from './images';
import { createProject, deleteProject } from './projects';
import {
  UNDO_DEPTH,
  applySchemaChange,
  currentSchema,
  listSchemaVersions,
  previewSchemaChange,
  undoLastSchemaChange,
  undoableChange,
  validateProjectAnnotations,
} from './schemas';
import { openTestDatabase, probedImage } from './testDatabase';

const open: LabelLoopDatabase[] = [];
function freshDatabase(): LabelLoopDatabase {
  const { db } = openTestDatabase();
  open.push(db);
  return db;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const db of open.splice(0)) db.close();
});

const AUTHOR = 'lead@lab';
/** When the change under test is applied (the seeded history uses 1000, 2000, 3000). */
const NOW = 50_000;

// ---------------------------------------------------------------------------------------------------------
// A street-scenes project: schema versions 1–3 and annotations made under all three

const option = (id: string, label: string): ChoiceOption => ({ id, label });

const occluded: AttributeDefinition = { id: 'occluded', name: 'Occluded', type: 'boolean', required: false };
/** Shown only for occluded cars, so making it required concerns only those. */
const occlusionLevel: AttributeDefinition = {
  id: 'occlusion_level',
  name: 'Occlusion level',
  type: 'single-choice',
  required: false,
  options: [option('light', 'Light'), option('heavy', 'Heavy')],
  when: { attributeId: 'occluded', values: [true] },
};
const pose: AttributeDefinition = {
  id: 'pose',
  name: 'Pose',
  type: 'single-choice',
  required: false,
  options: [
    option('standing', 'Standing'),
    option('sitting', 'Sitting'),
    option('walking', 'Walking'),
    option('unknown', 'Unknown'),
  ],
};
const weather: AttributeDefinition = {
  id: 'weather',
  name: 'Weather',
  type: 'single-choice',
  required: false,
  options: [option('clear', 'Clear'), option('rain', 'Rain'), option('fog', 'Fog')],
};

const streetSchema: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Street scenes',
  classes: [
    { id: 'vehicle', name: 'Vehicle', color: '#808080', geometries: [], attributes: [] },
    {
      id: 'car',
      name: 'Car',
      color: '#e6194b',
      hotkey: 'c',
      parentId: 'vehicle',
      geometries: ['box'],
      attributes: [occluded, occlusionLevel],
    },
    {
      id: 'truck',
      name: 'Truck',
      color: '#f58231',
      hotkey: 't',
      parentId: 'vehicle',
      geometries: ['box'],
      attributes: [occluded],
    },
    { id: 'person', name: 'Person', color: '#3cb44b', hotkey: 'p', geometries: ['box'], attributes: [] },
    { id: 'bicycle', name: 'Bicycle', color: '#4363d8', hotkey: 'b', geometries: ['box'], attributes: [] },
    { id: 'crowded', name: 'Crowded', color: '#911eb4', geometries: ['tag'], attributes: [] },
  ],
  imageAttributes: [weather],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

/** Version 1 from the document, 2 adds "Pose" to person, 3 recolours bicycle. */
const STREET_HISTORY: readonly SchemaChange[] = [
  { type: 'edit-schema', schema: streetSchema, summary: 'Started from the street scenes guidelines' },
  { type: 'add-attribute', scope: { classId: 'person' }, attribute: pose },
  { type: 'recolor-class', classId: 'bicycle', color: '#000075' },
];

/**
 * Eight images labeled over three schema versions. Cars: 6 in 5 images (2 occluded without a level);
 * trucks: 3 in 2 images; bicycles: 3 in 2 images; people: 6 in 4 images (2 without a pose, 2 walking).
 */
function streetRecords(projectId: ProjectId): ImageAnnotations[] {
  let serial = 0;
  const made = (version: number, classId: string, attributes: AttributeValues = {}): Annotation => {
    serial++;
    const at = version * 1000 + serial;
    return {
      id: `ann-${serial}` as AnnotationId,
      classId,
      geometry: { kind: 'box', x: 12 * serial, y: 40 + serial, width: 64, height: 48 },
      attributes,
      schemaVersion: version,
      createdBy: 'ana',
      createdAt: at,
      updatedBy: 'ana',
      updatedAt: at,
    };
  };
  const image = (
    n: number,
    annotations: Annotation[],
    extra: { tags?: string[]; attributes?: AttributeValues } = {},
  ): ImageAnnotations => {
    const tags = extra.tags ?? [];
    return {
      imageId: `img-0${n}` as ImageId,
      projectId,
      annotations,
      tags,
      attributes: extra.attributes ?? {},
      classIds: classIdsOf(annotations, tags),
      updatedAt: Math.max(1000, ...annotations.map((a) => a.updatedAt)),
    };
  };
  return [
    image(
      1,
      [
        made(1, 'car', { occluded: true, occlusion_level: 'heavy' }),
        made(1, 'car', { occluded: true }),
        made(1, 'truck', { occluded: false }),
      ],
      { attributes: { weather: 'clear' } },
    ),
    image(2, [made(1, 'car'), made(1, 'bicycle'), made(1, 'bicycle')], { tags: ['crowded'] }),
    image(3, [
      made(2, 'person', { pose: 'walking' }),
      made(2, 'person', { pose: 'standing' }),
      made(2, 'car', { occluded: false }),
    ]),
    image(4, [made(3, 'person'), made(3, 'person', { pose: 'sitting' }), made(3, 'bicycle')]),
    image(5, [
      made(1, 'truck'),
      made(2, 'truck', { occluded: true }),
      made(3, 'person', { pose: 'walking' }),
      made(1, 'car', { occluded: true }),
    ]),
    image(6, [made(2, 'person')]),
    image(7, [], { tags: ['crowded'], attributes: { weather: 'rain' } }),
    image(8, [made(3, 'car', { occluded: true, occlusion_level: 'light' })]),
  ];
}

async function applyAll(db: LabelLoopDatabase, projectId: ProjectId, changes: readonly SchemaChange[]) {
  for (const [index, change] of changes.entries()) {
    const result = await applySchemaChange(db, projectId, change, AUTHOR, (index + 1) * 1000);
    if (!result.ok) throw new Error(result.message);
  }
}

/** A project at schema version 3 with the street records written. */
async function streetProject(db: LabelLoopDatabase, name = 'Street scenes') {
  const project = await createProject(db, name, 500);
  await applyAll(db, project.id, STREET_HISTORY);
  const records = streetRecords(project.id);
  await db.annotations.bulkPut(records);
  return { projectId: project.id, records };
}

const recordsOf = (db: LabelLoopDatabase, projectId: ProjectId) =>
  db.annotations.where('projectId').equals(projectId).sortBy('imageId');

/** Every table a schema change writes, as text, to prove that nothing was written. */
async function snapshot(db: LabelLoopDatabase): Promise<string> {
  const [projects, schemaVersions, schemaChanges, annotations] = await Promise.all([
    db.projects.toArray(),
    db.schemaVersions.toArray(),
    db.schemaChanges.toArray(),
    db.annotations.toArray(),
  ]);
  return JSON.stringify({ projects, schemaVersions, schemaChanges, annotations });
}

/** What a change actually did, read from the records before and after it. */
function measured(before: readonly ImageAnnotations[], after: readonly ImageAnnotations[]) {
  const afterById = new Map(after.map((record) => [record.imageId, record]));
  const counts = { annotations: 0, images: 0, deleted: 0, toReview: 0, filled: 0 };
  for (const record of before) {
    const next = afterById.get(record.imageId);
    if (JSON.stringify(record) !== JSON.stringify(next)) counts.images++;
    const nextById = new Map(next?.annotations.map((a) => [a.id, a]));
    for (const annotation of record.annotations) {
      const rewritten = nextById.get(annotation.id);
      if (!rewritten) {
        counts.annotations++;
        counts.deleted++;
        continue;
      }
      if (JSON.stringify(annotation) === JSON.stringify(rewritten)) continue;
      counts.annotations++;
      if (rewritten.review && !annotation.review) counts.toReview++;
      if (Object.keys(rewritten.attributes).length > Object.keys(annotation.attributes).length)
        counts.filled++;
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------------------

describe('the first schema version', () => {
  it('comes from an edit-schema change, e.g. a preset, and becomes version 1', async () => {
    const db = freshDatabase();
    const project = await createProject(db, 'Everyday objects', 500);
    const coco = PRESETS.find((preset) => preset.id === 'coco')!;
    const change: SchemaChange = { type: 'edit-schema', schema: coco.schema, summary: 'Started from COCO' };

    const preview = await previewSchemaChange(db, project.id, change);
    expect(preview).toMatchObject({
      ok: true,
      summary: 'Started from COCO',
      annotations: 0,
      images: 0,
      deleted: 0,
      toReview: 0,
      filled: 0,
    });

    const result = await applySchemaChange(db, project.id, change, AUTHOR, 1000);
    expect(result).toEqual({ ok: true, version: 1, changedImages: 0, message: 'Started from COCO' });
    expect((await db.projects.get(project.id))?.schemaVersion).toBe(1);
    const current = await currentSchema(db, project.id);
    expect(current).toMatchObject({ version: 1, author: AUTHOR, createdAt: 1000, change });
    expect(current?.schema).toEqual(coco.schema);
  });

  it('lists versions newest first, each with what changed in words', async () => {
    const db = freshDatabase();
    const { id } = await createProject(db, 'Everyday objects', 500);
    const coco = PRESETS.find((preset) => preset.id === 'coco')!;
    await applyAll(db, id, [
      { type: 'edit-schema', schema: coco.schema, summary: 'Started from COCO' },
      { type: 'rename-class', classId: 'person', name: 'Pedestrian' },
      { type: 'delete-class', classId: 'toaster', annotations: 'delete' },
    ]);

    const versions = await listSchemaVersions(db, id);
    expect(versions.map((v) => [v.version, v.message, v.createdAt])).toEqual([
      [3, 'Deleted class toaster (its annotations deleted)', 3000],
      [2, 'Renamed class person → Pedestrian', 2000],
      [1, 'Started from COCO', 1000],
    ]);
    expect(versions[0]?.schema.classes).toHaveLength(coco.schema.classes.length - 1);
    expect((await currentSchema(db, id))?.version).toBe(3);
  });

  it('refuses any other change while the project has no schema, and writes nothing', async () => {
    const db = freshDatabase();
    const { id } = await createProject(db, 'Empty', 500);
    const change: SchemaChange = { type: 'rename-class', classId: 'car', name: 'Automobile' };
    const before = await snapshot(db);

    expect(await previewSchemaChange(db, id, change)).toMatchObject({
      ok: false,
      summary: 'This project has no schema yet.',
    });
    expect(await applySchemaChange(db, id, change, AUTHOR)).toEqual({
      ok: false,
      message: 'This project has no schema yet.',
    });
    expect(await snapshot(db)).toBe(before);
    expect((await db.projects.get(id))?.schemaVersion).toBeNull();
    expect(await listSchemaVersions(db, id)).toEqual([]);
  });
});

describe('applying a change to annotations made under versions 1, 2 and 3', () => {
  const cases: {
    name: string;
    change: SchemaChange;
    counts: { annotations: number; images: number; deleted: number; toReview: number; filled: number };
  }[] = [
    {
      name: 'merging trucks into cars',
      change: { type: 'merge-classes', sourceIds: ['truck'], targetId: 'car' },
      counts: { annotations: 3, images: 2, deleted: 0, toReview: 0, filled: 0 },
    },
    {
      name: 'deleting bicycle, keeping its annotations for review',
      change: { type: 'delete-class', classId: 'bicycle', annotations: 'review' },
      counts: { annotations: 3, images: 2, deleted: 0, toReview: 3, filled: 0 },
    },
    {
      name: 'deleting bicycle with its annotations',
      change: { type: 'delete-class', classId: 'bicycle', annotations: 'delete' },
      counts: { annotations: 3, images: 2, deleted: 3, toReview: 0, filled: 0 },
    },
    {
      name: 'making the occlusion level required, sending occluded cars without one to review',
      change: {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'occlusion_level',
        fill: { kind: 'review' },
      },
      counts: { annotations: 2, images: 2, deleted: 0, toReview: 2, filled: 0 },
    },
    {
      name: 'making the pose required, filling "Unknown"',
      change: {
        type: 'make-attribute-required',
        scope: { classId: 'person' },
        attributeId: 'pose',
        fill: { kind: 'default', value: 'unknown' },
      },
      counts: { annotations: 2, images: 2, deleted: 0, toReview: 0, filled: 2 },
    },
    {
      name: 'merging the pose "Walking" into "Standing"',
      change: {
        type: 'merge-options',
        scope: { classId: 'person' },
        attributeId: 'pose',
        sourceOptionIds: ['walking'],
        targetOptionId: 'standing',
      },
      counts: { annotations: 2, images: 2, deleted: 0, toReview: 0, filled: 0 },
    },
  ];

  it.each(cases)('$name: the preview counts exactly what applying does', async ({ change, counts }) => {
    const db = freshDatabase();
    const { projectId, records } = await streetProject(db);

    const preview = await previewSchemaChange(db, projectId, change);
    expect(preview).toMatchObject({ ok: true, ...counts });

    const result = await applySchemaChange(db, projectId, change, AUTHOR, NOW);
    expect(result).toMatchObject({ ok: true, version: 4, changedImages: counts.images });
    expect(measured(records, await recordsOf(db, projectId))).toEqual(counts);
    expect((await db.projects.get(projectId))?.schemaVersion).toBe(4);
    expect((await currentSchema(db, projectId))?.change).toEqual(change);
  });

  it.each(cases)(
    '$name: only rewritten annotations carry version 4 and the author; classIds stay right',
    async ({ change }) => {
      const db = freshDatabase();
      const { projectId, records } = await streetProject(db);
      await applySchemaChange(db, projectId, change, AUTHOR, NOW);

      const after = await recordsOf(db, projectId);
      const kept: number[] = [];
      for (const [index, record] of after.entries()) {
        const before = records[index]!;
        expect(record.imageId).toBe(before.imageId);
        expect(record.classIds).toEqual(classIdsOf(record.annotations, record.tags));
        const untouched = JSON.stringify(record) === JSON.stringify(before);
        if (!untouched) expect(record.updatedAt).toBe(NOW);
        const beforeById = new Map(before.annotations.map((a) => [a.id, a]));
        for (const annotation of record.annotations) {
          if (JSON.stringify(annotation) === JSON.stringify(beforeById.get(annotation.id))) {
            kept.push(annotation.schemaVersion);
            continue;
          }
          expect(annotation).toMatchObject({ schemaVersion: 4, updatedBy: AUTHOR, updatedAt: NOW });
        }
      }
      // Annotations the change did not concern keep the versions they were made under.
      expect(new Set(kept)).toEqual(new Set([1, 2, 3]));
    },
  );

  it('moves merged trucks to car: the class index finds no truck and every image lists car', async () => {
    const db = freshDatabase();
    const { projectId } = await streetProject(db);
    await applySchemaChange(
      db,
      projectId,
      { type: 'merge-classes', sourceIds: ['truck'], targetId: 'car' },
      AUTHOR,
      NOW,
    );

    expect(await db.annotations.where('classIds').equals('truck').count()).toBe(0);
    expect(await db.annotations.where('classIds').equals('car').count()).toBe(5);
    const image5 = await db.annotations.get('img-05' as ImageId);
    expect(image5?.classIds).toEqual(['car', 'person']);
    expect(image5?.annotations.map((a) => [a.classId, a.attributes])).toEqual([
      ['car', {}],
      ['car', { occluded: true }],
      ['person', { pose: 'walking' }],
      ['car', { occluded: true }],
    ]);
    expect((await currentSchema(db, projectId))?.schema.classes.map((c) => c.id)).toEqual([
      'vehicle',
      'car',
      'person',
      'bicycle',
      'crowded',
    ]);
  });

  it('deleting bicycle with its annotations drops it from classIds but keeps image tags', async () => {
    const db = freshDatabase();
    const { projectId } = await streetProject(db);
    await applySchemaChange(
      db,
      projectId,
      { type: 'delete-class', classId: 'bicycle', annotations: 'delete' },
      AUTHOR,
      NOW,
    );

    expect(await db.annotations.where('classIds').equals('bicycle').count()).toBe(0);
    const image2 = await db.annotations.get('img-02' as ImageId);
    expect(image2?.annotations.map((a) => a.classId)).toEqual(['car']);
    expect(image2?.classIds).toEqual(['car', 'crowded']);
    expect(image2?.tags).toEqual(['crowded']);
  });

  it('flags annotations for review with the reason in the names the user knows', async () => {
    const db = freshDatabase();
    const { projectId } = await streetProject(db);
    await applySchemaChange(
      db,
      projectId,
      { type: 'delete-class', classId: 'bicycle', annotations: 'review' },
      AUTHOR,
      NOW,
    );
    await applySchemaChange(
      db,
      projectId,
      {
        type: 'make-attribute-required',
        scope: { classId: 'car' },
        attributeId: 'occlusion_level',
        fill: { kind: 'review' },
      },
      AUTHOR,
      NOW + 1,
    );

    const flagged = (await recordsOf(db, projectId)).flatMap((record) =>
      record.annotations.filter((a) => a.review).map((a) => [record.imageId, a.classId, a.review]),
    );
    const bicycle = { reason: 'class "Bicycle" was deleted', since: NOW, schemaVersion: 4 };
    const level = {
      reason: '"Occlusion level" is now required: choose a value',
      since: NOW + 1,
      schemaVersion: 5,
    };
    expect(flagged).toEqual([
      ['img-01', 'car', level],
      ['img-02', 'bicycle', bicycle],
      ['img-02', 'bicycle', bicycle],
      ['img-04', 'bicycle', bicycle],
      ['img-05', 'car', level],
    ]);
  });

  it('renames a class without rewriting any record, counting the annotations shown under the new name', async () => {
    const db = freshDatabase();
    const { projectId, records } = await streetProject(db);
    const change: SchemaChange = { type: 'rename-class', classId: 'car', name: 'Automobile' };

    const preview = await previewSchemaChange(db, projectId, change);
    expect(preview).toMatchObject({
      ok: true,
      annotations: 6,
      images: 5,
      deleted: 0,
      toReview: 0,
      filled: 0,
    });
    expect(preview.summary).toBe(
      'Rename "Car" → "Automobile": 6 annotations keep their labels under the new name',
    );

    const result = await applySchemaChange(db, projectId, change, AUTHOR, NOW);
    expect(result).toEqual({
      ok: true,
      version: 4,
      changedImages: 0,
      message: 'Renamed class Car → Automobile',
    });
    const after = await recordsOf(db, projectId);
    expect(JSON.stringify(after)).toBe(JSON.stringify(records));
    const automobiles = after.flatMap((r) => r.annotations).filter((a) => a.classId === 'car');
    expect(automobiles).toHaveLength(preview.annotations);
    expect(after.filter((r) => r.classIds.includes('car'))).toHaveLength(preview.images);
    expect((await currentSchema(db, projectId))?.schema.classes.find((c) => c.id === 'car')?.name).toBe(
      'Automobile',
    );
  });

  it('refuses a merge into an unknown class and writes nothing at all', async () => {
    const db = freshDatabase();
    const { projectId } = await streetProject(db);
    const before = await snapshot(db);
    const change: SchemaChange = { type: 'merge-classes', sourceIds: ['truck'], targetId: 'lorry' };

    const message = 'Cannot merge into "lorry": there is no such class.';
    expect(await previewSchemaChange(db, projectId, change)).toMatchObject({ ok: false, summary: message });
    expect(await applySchemaChange(db, projectId, change, AUTHOR, NOW)).toEqual({ ok: false, message });
    expect(await snapshot(db)).toBe(before);
  });

  it('refuses an edited schema in which two classes share a hotkey, and writes nothing at all', async () => {
    const db = freshDatabase();
    const { projectId } = await streetProject(db);
    const current = (await currentSchema(db, projectId))!.schema;
    const clash: AnnotationSchema = {
      ...current,
      classes: current.classes.map((c) => (c.id === 'person' ? { ...c, hotkey: 'C' } : c)),
    };
    const change: SchemaChange = { type: 'edit-schema', schema: clash, summary: 'Person on C' };
    const before = await snapshot(db);

    const message = 'Classes "Car" and "Person" both use the hotkey "C".';
    expect(await previewSchemaChange(db, projectId, change)).toMatchObject({ ok: false, summary: message });
    expect(await applySchemaChange(db, projectId, change, AUTHOR, NOW)).toEqual({ ok: false, message });
    expect(await snapshot(db)).toBe(before);
  });
});

describe('undoing schema changes', () => {
  it('restores every rewritten record byte for byte and makes the previous version current', async () => {
    const db = freshDatabase();
    const { projectId, records } = await streetProject(db);
    await applySchemaChange(
      db,
      projectId,
      { type: 'delete-class', classId: 'bicycle', annotations: 'delete' },
      AUTHOR,
      NOW,
    );
    expect(await undoableChange(db, projectId)).toEqual({
      version: 4,
      message: 'Deleted class Bicycle (its annotations deleted)',
      images: 2,
    });

    const result = await undoLastSchemaChange(db, projectId);
    expect(result).toEqual({
      ok: true,
      version: 3,
      changedImages: 2,
      message: 'Undid: Deleted class Bicycle (its annotations deleted)',
    });
    expect(JSON.stringify(await recordsOf(db, projectId))).toBe(JSON.stringify(records));
    expect((await db.projects.get(projectId))?.schemaVersion).toBe(3);
    expect((await currentSchema(db, projectId))?.version).toBe(3);
    expect(await db.schemaVersions.get([projectId, 4])).toBeUndefined();
    expect(await db.schemaChanges.get([projectId, 4])).toBeUndefined();
    expect((await listSchemaVersions(db, projectId)).map((v) => v.version)).toEqual([3, 2, 1]);
  });

  it('walks back two changes with two undos', async () => {
    const db = freshDatabase();
    const { projectId, records } = await streetProject(db);
    await applySchemaChange(
      db,
      projectId,
      { type: 'merge-classes', sourceIds: ['truck'], targetId: 'car' },
      AUTHOR,
      NOW,
    );
    const afterMerge = await recordsOf(db, projectId);
    await applySchemaChange(
      db,
      projectId,
      {
        type: 'make-attribute-required',
        scope: { classId: 'person' },
        attributeId: 'pose',
        fill: { kind: 'default', value: 'unknown' },
      },
      AUTHOR,
      NOW + 1,
    );

    expect(await undoLastSchemaChange(db, projectId)).toMatchObject({ ok: true, version: 4 });
    expect(JSON.stringify(await recordsOf(db, projectId))).toBe(JSON.stringify(afterMerge));
    expect((await currentSchema(db, projectId))?.message).toBe('Merged classes Truck into Car');

    expect(await undoLastSchemaChange(db, projectId)).toMatchObject({ ok: true, version: 3 });
    expect(JSON.stringify(await recordsOf(db, projectId))).toBe(JSON.stringify(records));
    expect((await currentSchema(db, projectId))?.schema.classes.map((c) => c.id)).toContain('truck');
  });

  it('undoes the first version back to no schema, then refuses: nothing is left to undo', async () => {
    const db = freshDatabase();
    const { id } = await createProject(db, 'Street scenes', 500);
    await applyAll(db, id, STREET_HISTORY.slice(0, 1));

    expect(await undoLastSchemaChange(db, id)).toMatchObject({ ok: true, version: 0 });
    expect((await db.projects.get(id))?.schemaVersion).toBeNull();
    expect(await listSchemaVersions(db, id)).toEqual([]);
    expect(await undoableChange(db, id)).toBeUndefined();
    expect(await undoLastSchemaChange(db, id)).toEqual({ ok: false, message: 'Nothing to undo.' });
  });

  it(`keeps undo records for the last ${UNDO_DEPTH} changes only`, async () => {
    const db = freshDatabase();
    const { projectId } = await streetProject(db);
    const recolors = Array.from({ length: UNDO_DEPTH + 2 }, (_, i): SchemaChange => ({
      type: 'recolor-class',
      classId: 'bicycle',
      color: `#0000${(i + 16).toString(16)}`,
    }));
    for (const [i, change] of recolors.entries())
      await applySchemaChange(db, projectId, change, AUTHOR, NOW + i);
    const latest = 3 + recolors.length;

    const undoable = (await db.schemaChanges.where('projectId').equals(projectId).toArray()).map(
      (c) => c.version,
    );
    expect(undoable).toEqual(Array.from({ length: UNDO_DEPTH }, (_, i) => latest - UNDO_DEPTH + 1 + i));
    expect(await db.schemaVersions.where('projectId').equals(projectId).count()).toBe(latest);

    for (let i = 0; i < UNDO_DEPTH; i++)
      expect(await undoLastSchemaChange(db, projectId)).toMatchObject({ ok: true, version: latest - i - 1 });
    expect(await undoableChange(db, projectId)).toBeUndefined();
    expect(await undoLastSchemaChange(db, projectId)).toEqual({
      ok: false,
      message: 'The latest change can no longer be undone.',
    });
    expect((await db.projects.get(projectId))?.schemaVersion).toBe(latest - UNDO_DEPTH);
  });
});

describe('atomicity', () => {
  it('leaves schema, project pointer and records as they were when a write fails mid-transaction', async () => {
    const db = freshDatabase();
    const { projectId, records } = await streetProject(db);
    const before = await snapshot(db);
    const bulkPut = db.annotations.bulkPut.bind(db.annotations);
    // The rewritten records are written, then the database fails before the version is saved.
    vi.spyOn(db.annotations, 'bulkPut').mockImplementation((...args: Parameters<typeof bulkPut>) =>
      bulkPut(...args).then(() => {
        throw new Error('disk full');
      }),
    );

    await expect(
      applySchemaChange(
        db,
        projectId,
        { type: 'delete-class', classId: 'bicycle', annotations: 'delete' },
        AUTHOR,
        NOW,
      ),
    ).rejects.toThrow('disk full');
    expect(db.annotations.bulkPut).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();

    expect(await snapshot(db)).toBe(before);
    expect((await db.projects.get(projectId))?.schemaVersion).toBe(3);
    expect(await db.schemaVersions.get([projectId, 4])).toBeUndefined();
    expect(JSON.stringify(await recordsOf(db, projectId))).toBe(JSON.stringify(records));
  });

  it('leaves everything as it was when the project pointer cannot be written', async () => {
    const db = freshDatabase();
    const { projectId } = await streetProject(db);
    const before = await snapshot(db);
    vi.spyOn(db.projects, 'update').mockRejectedValue(new Error('quota exceeded'));

    await expect(
      applySchemaChange(
        db,
        projectId,
        { type: 'merge-classes', sourceIds: ['truck'], targetId: 'car' },
        AUTHOR,
        NOW,
      ),
    ).rejects.toThrow('quota exceeded');
    vi.restoreAllMocks();

    expect(await snapshot(db)).toBe(before);
    expect((await currentSchema(db, projectId))?.version).toBe(3);
  });
});

describe('validateProjectAnnotations', () => {
  /** Cars must lie inside the image; people need a pose. */
  const parkingSchema: AnnotationSchema = {
    format: SCHEMA_FORMAT,
    name: 'Parking lot',
    classes: [
      { id: 'car', name: 'Car', color: '#e6194b', geometries: ['box'], attributes: [] },
      {
        id: 'person',
        name: 'Person',
        color: '#3cb44b',
        geometries: ['box'],
        attributes: [{ ...pose, required: true }],
      },
    ],
    imageAttributes: [],
    tagging: { requireAtLeastOne: false, multiLabel: true },
  };
  /** More than one validation chunk (2,000 records). fake-indexeddb walks an index cursor in O(n²), so not many more. */
  const RECORDS = 2600;

  /**
   * 2,600 records, each with a car at 300,200 30×30. Every fourth record's image is in the project: 320×240
   * (the car sticks out) or 640×480 in turn; the others' sizes are unknown. Every tenth record also has a
   * person without a pose; every seventh car has an attribute the schema does not know.
   */
  async function parkingLot(db: LabelLoopDatabase) {
    const project = await createProject(db, 'Parking lot', 500);
    await applySchemaChange(
      db,
      project.id,
      { type: 'edit-schema', schema: parkingSchema, summary: 'Parking lot' },
      AUTHOR,
      1000,
    );
    const probed = Array.from({ length: RECORDS / 4 }, (_, k) =>
      probedImage(`lot/${k * 4}.jpg`, k + 1, k % 2 === 0 ? { width: 320, height: 240 } : {}),
    );
    await addImportedImages(db, project.id, probed, 1000);
    const imageIds = new Map(
      (await db.images.where('projectId').equals(project.id).toArray()).map((image) => [
        image.relPath,
        image.id,
      ]),
    );
    const records = Array.from({ length: RECORDS }, (_, i): ImageAnnotations => {
      const imageId = imageIds.get(`lot/${i}.jpg`) ?? (`unsized-${i}` as ImageId);
      const annotation = (
        n: number,
        classId: string,
        x: number,
        attributes: AttributeValues,
      ): Annotation => ({
        id: `${imageId}-${n}` as AnnotationId,
        classId,
        geometry: { kind: 'box', x, y: 200, width: 30, height: 30 },
        attributes,
        schemaVersion: 1,
        createdBy: 'ana',
        createdAt: 2000,
        updatedBy: 'ana',
        updatedAt: 2000,
      });
      const annotations = [
        annotation(1, 'car', 300, i % 7 === 0 ? { colour: 'red' } : {}),
        ...(i % 10 === 0 ? [annotation(2, 'person', 10, {})] : []),
      ];
      return {
        imageId,
        projectId: project.id,
        annotations,
        tags: [],
        attributes: {},
        classIds: classIdsOf(annotations, []),
        updatedAt: 2000,
      };
    });
    await db.annotations.bulkPut(records);
    return project.id;
  }

  // Outside the image: records with a 320×240 image, i % 8 === 0 (325). No pose: i % 10 === 0 (260).
  // Unknown attribute: i % 7 === 0 (372). Images with errors: 325 + 260 − 65 with both (i % 40 === 0).
  const expected = {
    version: 1,
    images: 2600,
    annotations: 2600 + 260,
    errorCount: 325 + 260,
    warningCount: 372,
    imagesWithErrors: 325 + 260 - 65,
    byCode: { 'outside-image': 325, 'missing-required-attribute': 260, 'unknown-attribute': 372 },
  };

  it('counts every violation across chunks of records, outside-image only where the image size is known', async () => {
    const db = freshDatabase();
    const projectId = await parkingLot(db);
    // Another project's records (classes this schema does not know) are not this project's problem.
    await streetProject(db, 'Other');

    const result = await validateProjectAnnotations(db, projectId);
    expect(result).toMatchObject(expected);
    expect(result?.violations).toHaveLength(957);
  });

  it('stores at most maxStored violations, the first ones in record order, while counting all', async () => {
    const db = freshDatabase();
    const projectId = await parkingLot(db);

    const all = await validateProjectAnnotations(db, projectId, 10_000);
    expect(all?.violations).toHaveLength(325 + 260 + 372);
    // The first chunk of 2,000 records holds fewer than 800 violations, so this cap spans chunks.
    const capped = await validateProjectAnnotations(db, projectId, 800);
    expect(capped).toMatchObject(expected);
    expect(capped?.violations).toEqual(all?.violations.slice(0, 800));
  });

  it('has nothing to say about a project without a schema', async () => {
    const db = freshDatabase();
    const { id } = await createProject(db, 'Empty', 500);
    expect(await validateProjectAnnotations(db, id)).toBeUndefined();
  });
});

describe('deleteProject', () => {
  it('removes the annotations, schema versions and undo records of that project only', async () => {
    const db = freshDatabase();
    const kept = await streetProject(db, 'Kept');
    const deleted = await createProject(db, 'Deleted', 500);
    await applyAll(db, deleted.id, STREET_HISTORY);
    await db.annotations.bulkPut(
      streetRecords(deleted.id).map((r) => ({ ...r, imageId: `gone-${r.imageId}` as ImageId })),
    );
    const rowsOfKept = async () =>
      JSON.stringify(
        await Promise.all([
          recordsOf(db, kept.projectId),
          listSchemaVersions(db, kept.projectId),
          db.schemaChanges.where('projectId').equals(kept.projectId).toArray(),
        ]),
      );
    const keptBefore = await rowsOfKept();

    await deleteProject(db, deleted.id);

    const count = (table: 'annotations' | 'schemaVersions' | 'schemaChanges', id: ProjectId) =>
      db[table].where('projectId').equals(id).count();
    expect(await count('annotations', deleted.id)).toBe(0);
    expect(await count('schemaVersions', deleted.id)).toBe(0);
    expect(await count('schemaChanges', deleted.id)).toBe(0);
    expect(await db.projects.get(deleted.id)).toBeUndefined();

    expect(await count('annotations', kept.projectId)).toBe(8);
    expect(await count('schemaVersions', kept.projectId)).toBe(3);
    expect(await count('schemaChanges', kept.projectId)).toBe(3);
    expect(await rowsOfKept()).toBe(keptBefore);
  });
});
