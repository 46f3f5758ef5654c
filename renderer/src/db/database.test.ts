import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, openDatabase } from './database';
import { listProjects } from './projects';
import { queryImages } from './images';
import { latestImport } from './imports';
import type { ImageId, ProjectId } from '../../../src/core/ids';
import { addPredictionRun, decisionsFor, predictionsFor, saveDecisions } from './predictions';
import type { RunId } from '../../../src/core/predictions/types';
import { createProjectVersion, getVersion, listVersions } from './versions';

describe('MIGRATIONS', () => {
  it('numbers versions 1, 2, 3… strictly increasing', () => {
    const versions = MIGRATIONS.map((migration) => migration.version);
    expect(versions[0]).toBe(1);
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
  });

  it('opens a new database at the last version', async () => {
    const db = openDatabase('fresh', { indexedDB: new IDBFactory(), IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.tables.map((table) => table.name).sort()).toEqual([
      'annotations',
      'assignments',
      'audit',
      'comments',
      'decisions',
      'evaluations',
      'images',
      'imports',
      'labelSets',
      'objectTags',
      'predictionRuns',
      'predictions',
      'projects',
      'reviews',
      'runImages',
      'runPlans',
      'samplingBatches',
      'schemaChanges',
      'schemaVersions',
      'settings',
      'users',
      'versionImages',
      'versionLabels',
      'versions',
    ]);
    db.close();
  });
});

/** What version 9's upgrade does to a row with a status: "done" is now called "submitted". */
function submittedForDone<T>(row: T): T {
  const status = (row as { status?: unknown }).status;
  return status === 'done' ? { ...row, status: 'submitted' } : row;
}

/**
 * Frozen fixture: the version-1 schema and rows exactly as release 0.1.0 wrote them. Never edit this to
 * match a newer schema; add a fixture for the new version instead.
 */
const VERSION_1_STORES = {
  projects: 'id, name, lastOpenedAt',
  images:
    'id, projectId, [projectId+sha256], [projectId+fileName], [projectId+status], [projectId+importedAt]',
  imports: 'id, projectId, [projectId+startedAt]',
  settings: 'key',
};
const VERSION_1_ROWS = {
  projects: [
    {
      id: 'p-1',
      name: 'Street signs',
      createdAt: 1_700_000_000_000,
      updatedAt: 1_700_000_100_000,
      lastOpenedAt: 1_700_000_200_000,
      roots: [{ rootId: 'r-1', path: '/data/signs' }],
    },
  ],
  images: [
    {
      id: 'i-1',
      projectId: 'p-1',
      sha256: 'a'.repeat(64),
      rootId: 'r-1',
      relPath: 'stop/001.jpg',
      path: '/data/signs/stop/001.jpg',
      fileName: '001.jpg',
      format: 'jpeg',
      width: 1920,
      height: 1080,
      orientation: 1,
      bytes: 345_678,
      hasAlpha: false,
      bitDepth: 8,
      status: 'done',
      importedAt: 1_700_000_050_000,
    },
    {
      id: 'i-2',
      projectId: 'p-1',
      sha256: 'b'.repeat(64),
      rootId: 'r-1',
      relPath: 'yield/002.png',
      path: '/data/signs/yield/002.png',
      fileName: '002.png',
      format: 'png',
      width: 600,
      height: 800,
      orientation: 6,
      bytes: 98_765,
      hasAlpha: true,
      bitDepth: 16,
      status: 'new',
      importedAt: 1_700_000_050_000,
    },
  ],
  imports: [
    {
      id: 'x-1',
      projectId: 'p-1',
      startedAt: 1_700_000_040_000,
      finishedAt: 1_700_000_060_000,
      state: 'done',
      sourceLabel: '/data/signs',
      candidates: 3,
      added: 2,
      duplicates: 0,
      ignoredFiles: 4,
      problems: [{ path: '/data/signs/bad.jpg', code: 'corrupt', message: 'truncated JPEG' }],
      error: null,
    },
  ],
  settings: [{ key: 'gallery.thumbSize', value: 160 }],
};

describe('a version-1 database', () => {
  it('reopens at the current version with every row intact', async () => {
    const options = { indexedDB: new IDBFactory(), IDBKeyRange };
    const old = new Dexie('labelloop-v1', options);
    old.version(1).stores(VERSION_1_STORES);
    await old.transaction('rw', old.tables, async () => {
      for (const [table, rows] of Object.entries(VERSION_1_ROWS)) await old.table(table).bulkAdd(rows);
    });
    old.close();

    const db = openDatabase('labelloop-v1', options);
    await db.open();
    expect(db.verno).toBe(MIGRATIONS.at(-1)!.version);
    // Version 2's upgrade gives every project an empty schema pointer and changes nothing else.
    expect(await db.projects.toArray()).toEqual(
      VERSION_1_ROWS.projects.map((project) => ({ ...project, schemaVersion: null })),
    );
    expect(await db.annotations.count()).toBe(0);
    expect(await db.images.toArray()).toEqual(VERSION_1_ROWS.images.map(submittedForDone));
    expect(await db.imports.toArray()).toEqual(VERSION_1_ROWS.imports);
    expect(await db.settings.toArray()).toEqual(VERSION_1_ROWS.settings);

    // The indexes the app queries still answer.
    const projectId = 'p-1' as ProjectId;
    expect(await listProjects(db)).toMatchObject([{ name: 'Street signs', imageCount: 2, doneCount: 1 }]);
    const gallery = await queryImages(db, projectId, { sort: 'name-desc', nameFilter: '', status: 'all' });
    expect(gallery.map((image) => image.id)).toEqual(['i-2', 'i-1']);
    expect((await latestImport(db, projectId))?.id).toBe('x-1');
    db.close();
  });
});

/**
 * Frozen fixture: the version-2 schema and rows (projects with a schema, annotation records). Never edit
 * this to match a newer schema; add a fixture for the new version instead.
 */
const VERSION_2_STORES = {
  ...VERSION_1_STORES,
  schemaVersions: '[projectId+version], projectId',
  schemaChanges: '[projectId+version], projectId',
  annotations: 'imageId, projectId, [projectId+imageId], *classIds',
};
const VERSION_2_ROWS = {
  ...VERSION_1_ROWS,
  projects: VERSION_1_ROWS.projects.map((project) => ({ ...project, schemaVersion: 1 })),
  schemaVersions: [
    {
      projectId: 'p-1',
      version: 1,
      schema: {
        format: 'labelloop.annotation-schema/1',
        name: 'Signs',
        classes: [{ id: 'stop', name: 'Stop', color: '#ff0000', geometries: ['box'], attributes: [] }],
        imageAttributes: [],
        tagging: { requireAtLeastOne: false, multiLabel: false },
      },
      createdAt: 1_700_000_070_000,
      author: 'alice',
      message: 'First schema',
      change: null,
    },
  ],
  schemaChanges: [],
  annotations: [
    {
      imageId: 'i-1',
      projectId: 'p-1',
      annotations: [
        {
          id: 'a-1',
          classId: 'stop',
          geometry: { kind: 'box', x: 100, y: 200, width: 50, height: 50 },
          attributes: {},
          schemaVersion: 1,
          createdBy: 'alice',
          createdAt: 1_700_000_080_000,
          updatedBy: 'alice',
          updatedAt: 1_700_000_080_000,
        },
      ],
      tags: [],
      attributes: {},
      classIds: ['stop'],
      updatedAt: 1_700_000_080_000,
    },
  ],
};

describe('a version-2 database', () => {
  it('reopens at the current version with every row intact and empty prediction tables', async () => {
    const options = { indexedDB: new IDBFactory(), IDBKeyRange };
    const old = new Dexie('labelloop-v2', options);
    old.version(1).stores(VERSION_1_STORES);
    old.version(2).stores(VERSION_2_STORES);
    await old.transaction('rw', old.tables, async () => {
      for (const [table, rows] of Object.entries(VERSION_2_ROWS)) await old.table(table).bulkAdd(rows);
    });
    old.close();

    const db = openDatabase('labelloop-v2', options);
    await db.open();
    expect(db.verno).toBe(MIGRATIONS.at(-1)!.version);
    for (const [table, rows] of Object.entries(VERSION_2_ROWS)) {
      expect(await db.table(table).toArray()).toEqual(table === 'images' ? rows.map(submittedForDone) : rows);
    }
    expect(await db.predictionRuns.count()).toBe(0);
    expect(await db.predictions.count()).toBe(0);
    expect(await db.decisions.count()).toBe(0);

    // The new tables take runs and decisions for the old images.
    const projectId = 'p-1' as ProjectId;
    const imageId = 'i-1' as ImageId;
    const run = { id: 'r-1' as RunId, projectId, name: 'detections.json', source: 'import' as const };
    await addPredictionRun(db, { ...run, createdAt: 1, imageCount: 1, predictionCount: 1 }, [
      {
        imageId,
        predictions: [
          {
            id: 'p1',
            classId: 'stop',
            label: 'stop',
            score: 0.9,
            geometry: { kind: 'box', x: 100, y: 200, width: 50, height: 50 },
          },
        ],
      },
    ]);
    await saveDecisions(db, projectId, imageId, { 'r-1/p1': 'accepted' });
    expect((await predictionsFor(db, imageId)).map((row) => row.predictions.length)).toEqual([1]);
    expect(await decisionsFor(db, imageId)).toEqual({ 'r-1/p1': 'accepted' });
    db.close();
  });
});

/**
 * Frozen fixture: the version-3 schema and rows (a prediction run, its predictions and decisions). Never
 * edit this to match a newer schema; add a fixture for the new version instead.
 */
const VERSION_3_STORES = {
  ...VERSION_2_STORES,
  predictionRuns: 'id, projectId',
  predictions: '[runId+imageId], runId, imageId, projectId',
  decisions: 'imageId, projectId',
};
const VERSION_3_ROWS = {
  ...VERSION_2_ROWS,
  predictionRuns: [
    {
      id: 'r-1',
      projectId: 'p-1',
      name: 'detections.json',
      source: 'import',
      createdAt: 1_700_000_090_000,
      imageCount: 1,
      predictionCount: 1,
    },
  ],
  predictions: [
    {
      runId: 'r-1',
      imageId: 'i-2',
      projectId: 'p-1',
      predictions: [
        {
          id: 'p1',
          classId: 'stop',
          label: 'stop',
          score: 0.8,
          geometry: { kind: 'box', x: 10, y: 20, width: 30, height: 40 },
        },
      ],
    },
  ],
  decisions: [{ imageId: 'i-2', projectId: 'p-1', decisions: { 'r-1/p1': 'accepted' } }],
};

describe('a version-3 database', () => {
  it('reopens at the current version with every row intact, no dataset versions, and cuts a first one', async () => {
    const options = { indexedDB: new IDBFactory(), IDBKeyRange };
    const old = new Dexie('labelloop-v3', options);
    old.version(1).stores(VERSION_1_STORES);
    old.version(2).stores(VERSION_2_STORES);
    old.version(3).stores(VERSION_3_STORES);
    await old.transaction('rw', old.tables, async () => {
      for (const [table, rows] of Object.entries(VERSION_3_ROWS)) await old.table(table).bulkAdd(rows);
    });
    old.close();

    const db = openDatabase('labelloop-v3', options);
    await db.open();
    expect(db.verno).toBe(MIGRATIONS.at(-1)!.version);
    for (const [table, rows] of Object.entries(VERSION_3_ROWS)) {
      expect(await db.table(table).toArray()).toEqual(table === 'images' ? rows.map(submittedForDone) : rows);
    }
    expect(await db.versions.count()).toBe(0);

    // The new table takes a version of the old images and labels.
    const projectId = 'p-1' as ProjectId;
    await createProjectVersion(db, projectId, { message: 'First', author: 'alice', now: 1 });
    expect(
      (await listVersions(db, projectId)).map((v) => [v.number, v.counts.images, v.counts.perClass]),
    ).toEqual([[1, 2, { stop: 1 }]]);
    db.close();
  });
});

describe('a version-4 database', () => {
  it('moves each version’s images into chunks, and the versions read back whole', async () => {
    const options = { indexedDB: new IDBFactory(), IDBKeyRange };
    // Version 4 is version 3 plus the versions table, whose rows held their images.
    const current = openDatabase('labelloop-v4-source', options);
    await current.open();
    await current.transaction('rw', current.tables, async () => {
      for (const [table, rows] of Object.entries(VERSION_3_ROWS)) await current.table(table).bulkAdd(rows);
    });
    const projectId = 'p-1' as ProjectId;
    const made = await createProjectVersion(current, projectId, {
      message: 'First',
      author: 'alice',
      now: 1,
    });
    current.close();

    const old = new Dexie('labelloop-v4', options);
    old.version(1).stores(VERSION_1_STORES);
    old.version(2).stores(VERSION_2_STORES);
    old.version(3).stores(VERSION_3_STORES);
    old.version(4).stores({ ...VERSION_3_STORES, versions: 'id, projectId, [projectId+number]' });
    await old.transaction('rw', old.tables, async () => {
      for (const [table, rows] of Object.entries(VERSION_3_ROWS)) await old.table(table).bulkAdd(rows);
      await old.table('versions').add(made);
    });
    old.close();

    const db = openDatabase('labelloop-v4', options);
    await db.open();
    expect(db.verno).toBe(MIGRATIONS.at(-1)!.version);
    const [stored] = await db.versions.toArray();
    expect(stored).not.toHaveProperty('images');
    expect(stored!.imageCount).toBe(made.images.length);
    expect(await db.versionImages.count()).toBe(1);
    // Version 9 renamed the status "done" to "submitted", in snapshots too.
    expect(await getVersion(db, made.id)).toEqual({ ...made, images: made.images.map(submittedForDone) });
    expect((await listVersions(db, projectId)).map((v) => v.number)).toEqual([1]);
    db.close();
  });
});

describe('a version-6 database', () => {
  it('moves each model run’s planned image ids into runPlans, leaving the run its count', async () => {
    const options = { indexedDB: new IDBFactory(), IDBKeyRange };
    const old = new Dexie('labelloop-v6', options);
    for (const migration of MIGRATIONS.filter((m) => m.version <= 6)) {
      const version = old.version(migration.version).stores(migration.stores);
      if (migration.upgrade) version.upgrade(migration.upgrade);
    }
    const imageIds = ['img-a', 'img-b', 'img-c'];
    await old.open();
    await old.table('predictionRuns').bulkAdd([
      {
        id: 'run-m',
        projectId: 'p-1',
        name: 'det · run 1',
        source: 'model',
        model: { status: 'done', imageIds },
      },
      { id: 'run-i', projectId: 'p-1', name: 'preds.json', source: 'import' },
    ]);
    old.close();

    const db = openDatabase('labelloop-v6', options);
    await db.open();
    expect(db.verno).toBe(MIGRATIONS.at(-1)!.version);
    const model = (await db.predictionRuns.get('run-m' as RunId))!.model!;
    expect(model).not.toHaveProperty('imageIds');
    expect(model).toMatchObject({ status: 'done', imageTotal: 3 });
    expect(await db.runPlans.toArray()).toEqual([{ runId: 'run-m', projectId: 'p-1', imageIds }]);
    expect(await db.predictionRuns.get('run-i' as RunId)).toMatchObject({ source: 'import' });
    db.close();
  });
});
