import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetImportOutput } from '../../../src/core/api/datasets';
import type { ImportProblem } from '../../../src/core/images/types';
import type { RootId } from '../../../src/core/ids';
import { SCHEMA_FORMAT, type AnnotationSchema } from '../../../src/core/schema/types';
import { compileSchema } from '../../../src/core/schema/validate';
import type { LabelLoopDatabase } from './database';
import { writeDatasetBatch, type DatasetImportSettings } from './datasetImport';
import { addImportedImages } from './images';
import { beginDatasetImport } from './imports';
import { createProject } from './projects';
import { openTestDatabase, probedImage } from './testDatabase';

const open: LabelLoopDatabase[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const SCHEMA: AnnotationSchema = {
  format: SCHEMA_FORMAT,
  name: 'Pets',
  classes: [
    { id: 'cat', name: 'Cat', color: '#ff0000', geometries: ['box'], attributes: [] },
    { id: 'dog', name: 'Dog', color: '#00ff00', geometries: ['box', 'polygon'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

const settings = (overrides: Partial<DatasetImportSettings> = {}): DatasetImportSettings => ({
  classMap: { cat: 'cat', dog: 'dog', bird: null },
  compiled: compileSchema(SCHEMA),
  schemaVersion: 2,
  markDone: false,
  ...overrides,
});

const box = (label: string, x = 10, width = 20) => ({
  label,
  geometry: { kind: 'box' as const, x, y: 10, width, height: 20 },
});

async function setup() {
  const { db } = openTestDatabase();
  open.push(db);
  const project = await createProject(db, 'Pets');
  const record = await beginDatasetImport(
    db,
    project.id,
    '/data/pets (COCO)',
    { format: 'coco', source: '/data/pets' },
    1000,
  );
  return { db, projectId: project.id, importId: record.id };
}

const missing: ImportProblem = {
  path: '/data/photos/gone.jpg',
  code: 'not-found',
  message: 'image listed but not on disk',
};

function batch(overrides: Partial<DatasetImportOutput> = {}): DatasetImportOutput {
  return {
    roots: [{ rootId: 'root-1' as RootId, path: '/data/photos' }],
    images: [probedImage('a.jpg', 1), probedImage('b.jpg', 2), probedImage('c.jpg', 3)],
    labels: {
      'a.jpg': { path: 'a.jpg', annotations: [box('cat'), box('bird'), box('dog', 630, 20)] },
      'b.jpg': { path: 'b.jpg', annotations: [box('bird'), box('bird')] },
      'c.jpg': { path: 'c.jpg', annotations: [box('dog')] },
    },
    problems: [missing],
    datasetProblems: [
      { file: 'annotations.json', item: 'annotations[7]', reason: 'category 9 is not defined' },
    ],
    ...overrides,
  };
}

describe('writeDatasetBatch', () => {
  it('adds the images, their mapped objects, statuses and the report in one go', async () => {
    const { db, projectId, importId } = await setup();
    const { added } = await writeDatasetBatch(db, projectId, importId, batch(), settings(), 2000);
    expect(added).toBe(3);

    const images = await db.images.where('projectId').equals(projectId).toArray();
    const byName = Object.fromEntries(images.map((i) => [i.fileName, i]));
    expect(byName['a.jpg']?.status).toBe('in-progress');
    expect(byName['b.jpg']?.status).toBe('new'); // only skipped labels
    expect(byName['c.jpg']?.status).toBe('in-progress');

    const a = await db.annotations.get(byName['a.jpg']!.id);
    expect(a?.annotations.map((x) => [x.classId, x.schemaVersion, x.createdBy])).toEqual([
      ['cat', 2, 'import'],
      ['dog', 2, 'import'],
    ]);
    expect(await db.annotations.get(byName['b.jpg']!.id)).toBeUndefined();
    expect((await db.projects.get(projectId))?.roots).toEqual([{ rootId: 'root-1', path: '/data/photos' }]);

    const report = await db.imports.get(importId);
    expect(report).toMatchObject({ added: 3, problems: [missing] });
    expect(report?.dataset).toMatchObject({
      format: 'coco',
      labeledImages: 2,
      objects: 3,
      invalidObjects: 1,
      appendedImages: 0,
      doneImages: 0,
      skippedByLabel: { bird: 3 },
    });
    // The dog at x = 630, 20 wide, leaves the 640 px wide image: kept, and named with the rule it breaks.
    expect(report?.dataset?.items).toEqual([
      {
        kind: 'dataset',
        file: 'annotations.json',
        item: 'annotations[7]',
        reason: 'category 9 is not defined',
      },
      {
        kind: 'invalid',
        file: 'a.jpg',
        item: 'annotations[2] (dog)',
        reason: expect.stringMatching(/outside|image/),
      },
    ]);
  });

  it('appends the objects of an image already in the project and says so in the report', async () => {
    const { db, projectId, importId } = await setup();
    await addImportedImages(db, projectId, [probedImage('old/c.jpg', 3)], 500);
    await writeDatasetBatch(db, projectId, importId, batch({ problems: [] }), settings(), 2000);
    const old = (await db.images.where('projectId').equals(projectId).toArray()).find(
      (i) => i.relPath === 'old/c.jpg',
    )!;
    expect((await db.annotations.get(old.id))?.annotations.map((x) => x.classId)).toEqual(['dog']);
    expect(old.status).toBe('in-progress');
    const report = await db.imports.get(importId);
    expect(report?.duplicates).toBe(1);
    expect(report?.problems).toEqual([
      {
        path: '/data/photos/c.jpg',
        code: 'duplicate',
        message: 'same content as /data/photos/old/c.jpg, already in this project; 1 object appended',
      },
    ]);
    expect(report?.dataset?.appendedImages).toBe(1);
  });

  it('marks images whose labels pass the schema as done when asked, the others in progress', async () => {
    const { db, projectId, importId } = await setup();
    await writeDatasetBatch(db, projectId, importId, batch(), settings({ markDone: true }), 2000);
    const images = await db.images.where('projectId').equals(projectId).toArray();
    const status = Object.fromEntries(images.map((i) => [i.fileName, i.status]));
    expect(status).toEqual({ 'a.jpg': 'in-progress', 'b.jpg': 'new', 'c.jpg': 'submitted' });
    expect((await db.imports.get(importId))?.dataset?.doneImages).toBe(1);
  });
});
