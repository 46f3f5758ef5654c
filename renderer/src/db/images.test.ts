import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectId } from '../../../src/core/ids';
import type { LabelLoopDatabase } from './database';
import { addImportedImages, countImages, getImage, queryImages, type GalleryQuery } from './images';
import { createProject } from './projects';
import { contentHash, openTestDatabase, probedImage } from './testDatabase';

const open: LabelLoopDatabase[] = [];
async function projectDatabase() {
  const { db } = openTestDatabase();
  open.push(db);
  const project = await createProject(db, 'Gallery');
  return { db, projectId: project.id };
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const allByName: GalleryQuery = { sort: 'name-asc', nameFilter: '', status: 'all' };
const relPaths = async (db: LabelLoopDatabase, projectId: ProjectId, query: Partial<GalleryQuery> = {}) =>
  (await queryImages(db, projectId, { ...allByName, ...query })).map((image) => image.relPath);

describe('addImportedImages', () => {
  it('stores each new image once with status new, the import time and its probed metadata', async () => {
    const { db, projectId } = await projectDatabase();
    const result = await addImportedImages(
      db,
      projectId,
      [probedImage('a.jpg', 1), probedImage('sub/b.png', 2, { format: 'png', width: 30, height: 20 })],
      5000,
    );

    expect(result).toEqual({ added: 2, duplicates: [] });
    const [a, b] = await queryImages(db, projectId, allByName);
    expect(a).toMatchObject({ relPath: 'a.jpg', sha256: contentHash(1), status: 'new', importedAt: 5000 });
    expect(b).toMatchObject({ relPath: 'sub/b.png', format: 'png', width: 30, height: 20, projectId });
    expect(await getImage(db, b!.id)).toEqual(b);
  });

  it('stores one copy of bytes repeated within a batch and names the file that holds them', async () => {
    const { db, projectId } = await projectDatabase();
    const result = await addImportedImages(db, projectId, [
      probedImage('a.jpg', 1),
      probedImage('copy-of-a.jpg', 1),
      probedImage('b.jpg', 2),
    ]);

    expect(result.added).toBe(2);
    expect(result.duplicates).toEqual([
      {
        path: '/data/photos/copy-of-a.jpg',
        code: 'duplicate',
        message: 'same content as /data/photos/a.jpg, already in this project',
      },
    ]);
    expect(await relPaths(db, projectId)).toEqual(['a.jpg', 'b.jpg']);
  });

  it('reports bytes already in the project as duplicates naming the stored file', async () => {
    const { db, projectId } = await projectDatabase();
    await addImportedImages(db, projectId, [probedImage('a.jpg', 1), probedImage('b.jpg', 2)]);

    const again = await addImportedImages(db, projectId, [
      probedImage('a.jpg', 1),
      probedImage('elsewhere/b-renamed.jpg', 2),
      probedImage('c.jpg', 3),
    ]);

    expect(again.added).toBe(1);
    expect(again.duplicates).toEqual([
      { path: '/data/photos/a.jpg', code: 'duplicate', message: 'already in this project' },
      {
        path: '/data/photos/elsewhere/b-renamed.jpg',
        code: 'duplicate',
        message: 'same content as /data/photos/b.jpg, already in this project',
      },
    ]);
    expect(await countImages(db, projectId)).toBe(3);
  });

  it('does not count bytes held by a different project as duplicates', async () => {
    const { db, projectId } = await projectDatabase();
    const other = await createProject(db, 'Other');
    await addImportedImages(db, other.id, [probedImage('a.jpg', 1)]);

    const result = await addImportedImages(db, projectId, [probedImage('a.jpg', 1)]);

    expect(result).toEqual({ added: 1, duplicates: [] });
    expect(await countImages(db, projectId)).toBe(1);
    expect(await countImages(db, other.id)).toBe(1);
  });

  it('adds nothing for an empty batch', async () => {
    const { db, projectId } = await projectDatabase();
    expect(await addImportedImages(db, projectId, [])).toEqual({ added: 0, duplicates: [] });
    expect(await countImages(db, projectId)).toBe(0);
  });

  it('round-trips 5,000 images with every hash stored once', async () => {
    const { db, projectId } = await projectDatabase();
    const batch = Array.from({ length: 5000 }, (_, n) =>
      probedImage(`frames/frame-${String(n).padStart(5, '0')}.jpg`, n),
    );

    const first = await addImportedImages(db, projectId, batch);
    const second = await addImportedImages(db, projectId, batch.slice(0, 10));

    expect(first).toEqual({ added: 5000, duplicates: [] });
    expect(second.added).toBe(0);
    expect(second.duplicates).toHaveLength(10);
    const rows = await queryImages(db, projectId, allByName);
    expect(rows).toHaveLength(5000);
    expect(rows.map((r) => r.relPath)).toEqual(batch.map((p) => p.relPath));
    expect(new Set(rows.map((r) => r.sha256)).size).toBe(5000);
    expect(rows[4999]).toMatchObject({ fileName: 'frame-04999.jpg', sha256: contentHash(4999) });
  });
});

describe('queryImages', () => {
  async function galleryOf() {
    const { db, projectId } = await projectDatabase();
    await addImportedImages(db, projectId, [probedImage('Beach/c.jpg', 3), probedImage('a.jpg', 1)], 100);
    await addImportedImages(db, projectId, [probedImage('b.jpg', 2), probedImage('beach/d.jpg', 4)], 200);
    const other = await createProject(db, 'Other');
    await addImportedImages(db, other.id, [probedImage('beach/0.jpg', 5)], 150);
    return { db, projectId };
  }

  it('sorts by file name ascending and descending, within the project only', async () => {
    const { db, projectId } = await galleryOf();
    expect(await relPaths(db, projectId, { sort: 'name-asc' })).toEqual([
      'a.jpg',
      'b.jpg',
      'Beach/c.jpg',
      'beach/d.jpg',
    ]);
    expect(await relPaths(db, projectId, { sort: 'name-desc' })).toEqual([
      'beach/d.jpg',
      'Beach/c.jpg',
      'b.jpg',
      'a.jpg',
    ]);
  });

  it('sorts by import time, newest or oldest first, by name within one import', async () => {
    const { db, projectId } = await galleryOf();
    expect(await relPaths(db, projectId, { sort: 'imported-desc' })).toEqual([
      'b.jpg',
      'beach/d.jpg',
      'a.jpg',
      'Beach/c.jpg',
    ]);
    expect(await relPaths(db, projectId, { sort: 'imported-asc' })).toEqual([
      'a.jpg',
      'Beach/c.jpg',
      'b.jpg',
      'beach/d.jpg',
    ]);
  });

  it('orders files with the same name by their folder, whatever the status filter', async () => {
    const { db, projectId } = await projectDatabase();
    const folders = ['e', 'b', 'd', 'a', 'c', 'f', 'h', 'g'];
    await addImportedImages(
      db,
      projectId,
      folders.map((folder, n) => probedImage(`${folder}/img.jpg`, n)),
    );
    const expected = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((folder) => `${folder}/img.jpg`);

    expect(await relPaths(db, projectId, { status: 'all' })).toEqual(expected);
    expect(await relPaths(db, projectId, { status: 'new' })).toEqual(expected);
    expect(await relPaths(db, projectId, { status: 'all', sort: 'name-desc' })).toEqual(
      [...expected].reverse(),
    );
  });

  it('orders the same relative path under two imported folders by full path', async () => {
    const { db, projectId } = await projectDatabase();
    const roots = ['/data/z', '/data/m', '/data/a', '/data/q', '/data/c', '/data/x'];
    await addImportedImages(
      db,
      projectId,
      roots.map((root, n) => probedImage('img.jpg', n, { path: `${root}/img.jpg` })),
    );
    const paths = async (query: Partial<GalleryQuery>) =>
      (await queryImages(db, projectId, { ...allByName, ...query })).map((image) => image.path);
    const expected = [...roots].sort().map((root) => `${root}/img.jpg`);

    expect(await paths({ status: 'all' })).toEqual(expected);
    expect(await paths({ status: 'new' })).toEqual(expected);
  });

  it('filters by status', async () => {
    const { db, projectId } = await galleryOf();
    const rows = await queryImages(db, projectId, allByName);
    await db.images.update(rows[3]!.id, { status: 'submitted' });
    await db.images.update(rows[0]!.id, { status: 'submitted' });
    await db.images.update(rows[1]!.id, { status: 'in-progress' });

    expect(await relPaths(db, projectId, { status: 'submitted' })).toEqual(['a.jpg', 'beach/d.jpg']);
    expect(await relPaths(db, projectId, { status: 'submitted', sort: 'name-desc' })).toEqual([
      'beach/d.jpg',
      'a.jpg',
    ]);
    expect(await relPaths(db, projectId, { status: 'in-progress' })).toEqual(['b.jpg']);
    expect(await relPaths(db, projectId, { status: 'new' })).toEqual(['Beach/c.jpg']);
  });

  it('filters by a case-insensitive substring of the relative path, ignoring surrounding spaces', async () => {
    const { db, projectId } = await galleryOf();
    expect(await relPaths(db, projectId, { nameFilter: ' BEACH/ ' })).toEqual(['Beach/c.jpg', 'beach/d.jpg']);
    expect(await relPaths(db, projectId, { nameFilter: 'h/D.J' })).toEqual(['beach/d.jpg']);
    expect(await relPaths(db, projectId, { nameFilter: 'missing' })).toEqual([]);
    expect(await relPaths(db, projectId, { nameFilter: '   ' })).toHaveLength(4);
  });
});
