import { afterEach, describe, expect, it } from 'vitest';
import type { ImportProblem } from '../../../src/core/images/types';
import type { LabelLoopDatabase } from './database';
import {
  beginDatasetImport,
  beginImport,
  finishImport,
  latestImport,
  recordDatasetBatch,
  recordImportBatch,
} from './imports';
import { createProject } from './projects';
import { openTestDatabase } from './testDatabase';

const open: LabelLoopDatabase[] = [];
async function projectDatabase() {
  const { db } = openTestDatabase();
  open.push(db);
  const project = await createProject(db, 'Imports');
  return { db, projectId: project.id };
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const corrupt: ImportProblem = { path: '/data/broken.jpg', code: 'corrupt', message: 'truncated JPEG' };
const duplicate: ImportProblem = {
  path: '/data/copy.jpg',
  code: 'duplicate',
  message: 'same content as /data/a.jpg, already in this project',
};
const tooLarge: ImportProblem = {
  path: '/data/huge.tif',
  code: 'too-many-pixels',
  message: 'larger than 268 megapixels',
};

describe('import reports', () => {
  it('start running with nothing counted', async () => {
    const { db, projectId } = await projectDatabase();
    const record = await beginImport(db, projectId, '/data', 1000);

    expect(await db.imports.get(record.id)).toEqual({
      id: record.id,
      projectId,
      startedAt: 1000,
      finishedAt: null,
      state: 'running',
      sourceLabel: '/data',
      candidates: 0,
      added: 0,
      duplicates: 0,
      ignoredFiles: 0,
      problems: [],
      error: null,
    });
  });

  it('accumulate added images, duplicates and problems across batches, then record the outcome', async () => {
    const { db, projectId } = await projectDatabase();
    const record = await beginImport(db, projectId, '/data', 1000);

    await recordImportBatch(db, record.id, { added: 40, problems: [corrupt, duplicate] });
    await recordImportBatch(db, record.id, { added: 0, problems: [] });
    await recordImportBatch(db, record.id, { added: 7, problems: [tooLarge, duplicate] });
    await finishImport(db, record.id, { state: 'done', candidates: 51, ignoredFiles: 3 }, 9000);

    expect(await db.imports.get(record.id)).toMatchObject({
      state: 'done',
      finishedAt: 9000,
      candidates: 51,
      added: 47,
      duplicates: 2,
      ignoredFiles: 3,
      problems: [corrupt, duplicate, tooLarge, duplicate],
      error: null,
    });
  });

  it('keep the counts of a failed import and store its message', async () => {
    const { db, projectId } = await projectDatabase();
    const record = await beginImport(db, projectId, '/data');
    await recordImportBatch(db, record.id, { added: 5, problems: [corrupt] });
    await finishImport(db, record.id, { state: 'failed', error: 'the folder was removed' }, 2000);

    expect(await db.imports.get(record.id)).toMatchObject({
      state: 'failed',
      finishedAt: 2000,
      added: 5,
      candidates: 0,
      problems: [corrupt],
      error: 'the folder was removed',
    });
  });

  it('ignore a batch for an import that no longer exists', async () => {
    const { db, projectId } = await projectDatabase();
    const record = await beginImport(db, projectId, '/data');
    await db.imports.delete(record.id);
    await recordImportBatch(db, record.id, { added: 3, problems: [corrupt] });
    expect(await db.imports.count()).toBe(0);
  });
});

describe('latestImport', () => {
  it("returns the project's most recently started import, whatever the order of writing", async () => {
    const { db, projectId } = await projectDatabase();
    const other = await createProject(db, 'Other');
    await beginImport(db, projectId, 'first', 1000);
    const newest = await beginImport(db, projectId, 'newest', 3000);
    await beginImport(db, projectId, 'written last, started earlier', 2000);
    await beginImport(db, other.id, 'other project, later still', 4000);

    expect((await latestImport(db, projectId))?.id).toBe(newest.id);
    expect((await latestImport(db, other.id))?.sourceLabel).toBe('other project, later still');
  });

  it('returns nothing for a project that never imported', async () => {
    const { db, projectId } = await projectDatabase();
    expect(await latestImport(db, projectId)).toBeUndefined();
  });
});

describe('labeled-dataset import reports', () => {
  const counts = {
    labeledImages: 0,
    objects: 0,
    tags: 0,
    invalidObjects: 0,
    appendedImages: 0,
    doneImages: 0,
    skippedByLabel: {},
    items: [],
  };

  it('start with empty label counts and add up each batch, skipped objects per label and every item', async () => {
    const { db, projectId } = await projectDatabase();
    const record = await beginDatasetImport(
      db,
      projectId,
      '/data/coco8 (YOLO)',
      { format: 'yolo', source: '/data/coco8' },
      1000,
    );
    expect(record.dataset).toEqual({ format: 'yolo', source: '/data/coco8', ...counts });

    const invalid = {
      kind: 'invalid' as const,
      file: 'a.jpg',
      item: 'annotations[1] (car)',
      reason: 'too small',
    };
    const unreadable = { kind: 'dataset' as const, file: 'labels/a.txt', item: 'line 3', reason: 'class 99' };
    await recordDatasetBatch(db, record.id, {
      added: 4,
      problems: [corrupt],
      dataset: {
        ...counts,
        labeledImages: 3,
        objects: 10,
        invalidObjects: 1,
        skippedByLabel: { dog: 2 },
        items: [invalid],
      },
    });
    await recordDatasetBatch(db, record.id, {
      added: 2,
      problems: [duplicate],
      dataset: {
        ...counts,
        labeledImages: 2,
        objects: 5,
        appendedImages: 1,
        doneImages: 1,
        skippedByLabel: { dog: 1, cat: 4 },
        items: [unreadable],
      },
    });
    await finishImport(db, record.id, { state: 'done', candidates: 7 }, 3000);

    expect(await db.imports.get(record.id)).toMatchObject({
      state: 'done',
      added: 6,
      duplicates: 1,
      problems: [corrupt, duplicate],
      dataset: {
        format: 'yolo',
        source: '/data/coco8',
        labeledImages: 5,
        objects: 15,
        tags: 0,
        invalidObjects: 1,
        appendedImages: 1,
        doneImages: 1,
        skippedByLabel: { dog: 3, cat: 4 },
        items: [invalid, unreadable],
      },
    });
  });
});
