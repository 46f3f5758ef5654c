import { addPredictionRun, saveDecisions } from './predictions';
import type { RunId } from '../../../src/core/predictions/types';
import { afterEach, describe, expect, it } from 'vitest';
import type { RootId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from './database';
import { addImportedImages } from './images';
import { beginImport } from './imports';
import {
  addProjectRoots,
  createProject,
  deleteProject,
  deletionImpact,
  listProjects,
  markProjectOpened,
  renameProject,
} from './projects';
import { openTestDatabase, probedImage } from './testDatabase';

const open: LabelLoopDatabase[] = [];
function freshDatabase() {
  const test = openTestDatabase();
  open.push(test.db);
  return test;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('createProject', () => {
  it('lists a new project with no images and never opened', async () => {
    const { db } = freshDatabase();
    const project = await createProject(db, 'Street signs', 1000);

    const [listed, ...rest] = await listProjects(db);
    expect(rest).toHaveLength(0);
    expect(listed).toMatchObject({
      id: project.id,
      name: 'Street signs',
      createdAt: 1000,
      updatedAt: 1000,
      lastOpenedAt: null,
      roots: [],
      imageCount: 0,
      doneCount: 0,
    });
  });

  it('trims the name and collapses inner whitespace', async () => {
    const { db } = freshDatabase();
    const project = await createProject(db, '  Street \t signs\n 2024  ');
    expect(project.name).toBe('Street signs 2024');
    expect((await db.projects.get(project.id))?.name).toBe('Street signs 2024');
  });

  it('refuses an empty or blank name and stores nothing', async () => {
    const { db } = freshDatabase();
    await expect(createProject(db, '')).rejects.toThrow('A project needs a name.');
    await expect(createProject(db, '  \t ')).rejects.toThrow('A project needs a name.');
    expect(await db.projects.count()).toBe(0);
  });

  it('accepts 120 characters and refuses 121', async () => {
    const { db } = freshDatabase();
    const longest = await createProject(db, 'x'.repeat(120));
    expect(longest.name).toHaveLength(120);
    await expect(createProject(db, 'x'.repeat(121))).rejects.toThrow(
      'Project names are at most 120 characters.',
    );
    expect(await db.projects.count()).toBe(1);
  });
});

describe('renameProject', () => {
  it('stores the normalized new name', async () => {
    const { db } = freshDatabase();
    const project = await createProject(db, 'Draft', 1000);
    await renameProject(db, project.id, '  Final   name ');

    const stored = await db.projects.get(project.id);
    expect(stored?.name).toBe('Final name');
    expect(stored?.createdAt).toBe(1000);
    expect(stored?.updatedAt).toBeGreaterThan(1000);
  });

  it('refuses an empty name and keeps the old one', async () => {
    const { db } = freshDatabase();
    const project = await createProject(db, 'Draft');
    await expect(renameProject(db, project.id, '   ')).rejects.toThrow('A project needs a name.');
    expect((await db.projects.get(project.id))?.name).toBe('Draft');
  });
});

describe('deleteProject', () => {
  it("removes the project, its images and its import reports, and nothing of another project's", async () => {
    const { db } = freshDatabase();
    const doomed = await createProject(db, 'Doomed');
    const kept = await createProject(db, 'Kept');
    await addImportedImages(db, doomed.id, [probedImage('a.jpg', 1), probedImage('b.jpg', 2)]);
    await addImportedImages(db, kept.id, [probedImage('a.jpg', 1), probedImage('c.jpg', 3)]);
    await beginImport(db, doomed.id, '/data/photos');
    await beginImport(db, doomed.id, '/data/more');
    const keptImport = await beginImport(db, kept.id, '/data/photos');
    const [doomedImage] = await db.images.where('projectId').equals(doomed.id).toArray();
    await addPredictionRun(
      db,
      {
        id: 'run-1' as RunId,
        projectId: doomed.id,
        name: 'preds.json',
        source: 'import',
        createdAt: 1,
        imageCount: 1,
        predictionCount: 1,
      },
      [
        {
          imageId: doomedImage!.id,
          predictions: [
            { id: 'p1', classId: null, label: 'car', score: 0.9, geometry: { kind: 'point', x: 1, y: 1 } },
          ],
        },
      ],
    );
    await saveDecisions(db, doomed.id, doomedImage!.id, { 'run-1/p1': 'rejected' });

    expect(await deletionImpact(db, doomed.id)).toEqual({
      images: 2,
      imports: 2,
      annotatedImages: 0,
      schemaVersions: 0,
      datasetVersions: 0,
    });
    await deleteProject(db, doomed.id);

    expect(await db.projects.get(doomed.id)).toBeUndefined();
    expect(await deletionImpact(db, doomed.id)).toEqual({
      images: 0,
      imports: 0,
      annotatedImages: 0,
      schemaVersions: 0,
      datasetVersions: 0,
    });
    expect((await listProjects(db)).map((p) => [p.name, p.imageCount])).toEqual([['Kept', 2]]);
    expect((await db.images.toArray()).map((i) => i.relPath).sort()).toEqual(['a.jpg', 'c.jpg']);
    expect((await db.imports.toArray()).map((i) => i.id)).toEqual([keptImport.id]);
    expect([
      await db.predictionRuns.count(),
      await db.predictions.count(),
      await db.decisions.count(),
    ]).toEqual([0, 0, 0]);
  });
});

describe('deletionImpact', () => {
  it('counts the images and imports that belong to the project', async () => {
    const { db } = freshDatabase();
    const project = await createProject(db, 'Counted');
    const other = await createProject(db, 'Other');
    await addImportedImages(
      db,
      project.id,
      [1, 2, 3].map((n) => probedImage(`${n}.jpg`, n)),
    );
    await addImportedImages(db, other.id, [probedImage('9.jpg', 9)]);
    await beginImport(db, project.id, '/data/photos');

    expect(await deletionImpact(db, project.id)).toEqual({
      images: 3,
      imports: 1,
      annotatedImages: 0,
      schemaVersions: 0,
      datasetVersions: 0,
    });
    expect(await deletionImpact(db, other.id)).toEqual({
      images: 1,
      imports: 0,
      annotatedImages: 0,
      schemaVersions: 0,
      datasetVersions: 0,
    });
  });
});

describe('listProjects', () => {
  it('puts the most recently opened first, then never-opened projects newest first', async () => {
    const { db } = freshDatabase();
    const oldest = await createProject(db, 'Oldest', 1000);
    const middle = await createProject(db, 'Middle', 2000);
    await createProject(db, 'Newest', 3000);
    await createProject(db, 'Second newest', 2500);
    await markProjectOpened(db, oldest.id, 5000);
    await markProjectOpened(db, middle.id, 4000);

    expect((await listProjects(db)).map((p) => p.name)).toEqual([
      'Oldest',
      'Middle',
      'Newest',
      'Second newest',
    ]);
  });

  it('counts images and done images per project', async () => {
    const { db } = freshDatabase();
    const project = await createProject(db, 'Counts');
    await addImportedImages(
      db,
      project.id,
      [1, 2, 3].map((n) => probedImage(`${n}.jpg`, n)),
    );
    const [first] = await db.images.where('projectId').equals(project.id).toArray();
    await db.images.update(first!.id, { status: 'submitted' });

    const [listed] = await listProjects(db);
    expect(listed).toMatchObject({ imageCount: 3, doneCount: 1 });
  });
});

describe('addProjectRoots', () => {
  it('remembers each root once, by root id, in the order first seen', async () => {
    const { db } = freshDatabase();
    const project = await createProject(db, 'Roots');
    const photos = { rootId: 'r1' as RootId, path: '/data/photos' };
    const scans = { rootId: 'r2' as RootId, path: '/data/scans' };

    await addProjectRoots(db, project.id, [photos]);
    await addProjectRoots(db, project.id, [photos, scans]);
    await addProjectRoots(db, project.id, [{ rootId: 'r1' as RootId, path: '/data/photos-renamed' }]);
    await addProjectRoots(db, project.id, []);

    expect((await db.projects.get(project.id))?.roots).toEqual([photos, scans]);
  });
});

describe('persistence', () => {
  it('keeps projects, images, imports and roots after the database is closed and reopened', async () => {
    const stored = freshDatabase();
    const project = await createProject(stored.db, 'Survives reload', 1000);
    await markProjectOpened(stored.db, project.id, 2000);
    await addProjectRoots(stored.db, project.id, [{ rootId: 'r1' as RootId, path: '/data/photos' }]);
    await addImportedImages(stored.db, project.id, [probedImage('a.jpg', 1), probedImage('b/c.png', 2)]);
    const report = await beginImport(stored.db, project.id, '/data/photos', 1500);
    stored.db.close();

    const reopened = stored.reopen();
    open.push(reopened);
    const [listed, ...rest] = await listProjects(reopened);
    expect(rest).toHaveLength(0);
    expect(listed).toMatchObject({
      id: project.id,
      name: 'Survives reload',
      lastOpenedAt: 2000,
      roots: [{ rootId: 'r1', path: '/data/photos' }],
      imageCount: 2,
    });
    expect((await reopened.images.toArray()).map((i) => i.relPath).sort()).toEqual(['a.jpg', 'b/c.png']);
    expect(await reopened.imports.get(report.id)).toMatchObject({
      sourceLabel: '/data/photos',
      startedAt: 1500,
    });
  });
});
