/**
 * Group-aware splits end to end: a version grouped by sequence and near-duplicates keeps each drive and
 * a recompressed copy of one of its frames in one split, hashing older images (imported without a hash)
 * through the host first.
 */

import { expect, test, type Page } from '@playwright/test';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { STREET_SCHEMA } from './pages/editor';
import { ProjectsScreen, screenshot } from './pages/screens';
import { VersionsScreen } from './pages/versions';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedSchema } from './support/seed';

let app: RunningApp;
let dir: string;

/** A scene of coloured blocks, seeded, so two seeds make pictures a perceptual hash tells apart. */
function scene(seed: number): Buffer {
  let state = seed;
  const rand = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const blocks = Array.from({ length: 12 }, () => {
    const grey = Math.round(rand() * 255);
    return `<rect x="${rand() * 560}" y="${rand() * 400}" width="${60 + rand() * 200}" height="${60 + rand() * 200}" fill="rgb(${grey},${255 - grey},${(grey * 3) % 256})"/>`;
  }).join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480" fill="#456"/>${blocks}</svg>`,
  );
}

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-groups-'));
  for (const drive of [1, 2, 3]) {
    await mkdir(join(dir, `drive${drive}`));
    for (let frame = 1; frame <= 3; frame++) {
      const name = `run_${String(frame).padStart(6, '0')}.jpg`;
      await writeFile(
        join(dir, `drive${drive}`, name),
        await sharp(scene(drive * 10 + frame))
          .jpeg({ quality: 90 })
          .toBuffer(),
      );
    }
  }
  await mkdir(join(dir, 'stills'));
  for (const name of ['harbour', 'market', 'bridge', 'tower', 'plaza', 'garden'])
    await writeFile(
      join(dir, 'stills', `${name}.jpg`),
      await sharp(scene(name.length * 97 + name.charCodeAt(0)))
        .jpeg({ quality: 90 })
        .toBuffer(),
    );
  // drive2's first frame again, smaller and recompressed, filed elsewhere under another name.
  const original = await sharp(scene(21)).jpeg({ quality: 90 }).toBuffer();
  await writeFile(
    join(dir, 'stills', 'copy-of-frame.jpg'),
    await sharp(original).resize(400).jpeg({ quality: 50 }).toBuffer(),
  );
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface StoredImage {
  relPath: string;
  dhash?: string;
}

/** Reads (or, with `forget`, first removes) the stored perceptual hashes, as images imported before them. */
async function storedImages(page: Page, forget: readonly string[] = []): Promise<StoredImage[]> {
  return page.evaluate(async (forget) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('labelloop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const rows: StoredImage[] = await new Promise((resolve, reject) => {
      const tx = db.transaction('images', 'readwrite');
      const store = tx.objectStore('images');
      const all: StoredImage[] = [];
      store.openCursor().onsuccess = (event) => {
        const cursor = (event.target as IDBRequest<IDBCursorWithValue | null>).result;
        if (!cursor) return;
        const row = cursor.value as StoredImage;
        if (forget.includes(row.relPath)) {
          delete row.dhash;
          cursor.update(row);
        }
        all.push({ relPath: row.relPath, ...(row.dhash ? { dhash: row.dhash } : {}) });
        cursor.continue();
      };
      tx.oncomplete = () => resolve(all);
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return rows;
  }, forget);
}

/** The latest version's images as stored: path, split and group. */
async function versionImages(page: Page): Promise<{ path: string; split: string; group?: string }[]> {
  return page.evaluate(async () => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('labelloop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const getAll = <T>(store: string): Promise<T[]> =>
      new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    type Image = { path: string; split: string; group?: string };
    const versions = await getAll<{ id: string; number: number }>('versions');
    const chunks = await getAll<{ versionId: string; chunk: number; images: Image[] }>('versionImages');
    db.close();
    const latest = versions.sort((a, b) => b.number - a.number)[0]!;
    // A version's images are stored in chunks, in order.
    return chunks
      .filter((chunk) => chunk.versionId === latest.id)
      .sort((a, b) => a.chunk - b.chunk)
      .flatMap((chunk) => chunk.images);
  });
}

test('a version grouped by sequence and near-duplicates keeps each drive and a copy of its frame in one split', async ({
  page,
}) => {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create('Drives');
  await project.importFolder(dir);
  await project.waitForImportToFinish();
  await project.expectImageCount(16);
  const projectId = /#\/projects\/([^/]+)/.exec(page.url())![1]!;
  await seedSchema(page, projectId, STREET_SCHEMA);

  // Every image is hashed at import; two are made to look imported before hashes existed.
  const imported = await storedImages(page, ['drive2/run_000001.jpg', 'stills/copy-of-frame.jpg']);
  expect(
    imported
      .filter((image) => image.dhash === undefined)
      .map((image) => image.relPath)
      .sort(),
  ).toEqual(['drive2/run_000001.jpg', 'stills/copy-of-frame.jpg']);
  await page.reload();

  const versions = await VersionsScreen.open(page);
  await page.getByRole('button', { name: 'Create version', exact: true }).click();
  const dialog = versions.createDialog;
  await expect(dialog.getByTestId('group-options')).toHaveCount(0);
  await dialog.getByLabel('Split strategy').selectOption('group');
  const options = dialog.getByRole('group', { name: 'Group images by' });
  await expect(options).toContainText('cannot leak from train into val or test');
  // Old group splits meant "same folder": that is where the form starts.
  await expect(options.getByLabel('Same folder')).toBeChecked();
  await expect(options.getByLabel('Near-duplicate distance in bits')).toBeDisabled();
  await options.getByLabel('Same folder').uncheck();
  await options.getByLabel(/Same sequence/).check();
  await options.getByLabel('Near-duplicate images').check();
  await expect(options.getByLabel('Near-duplicate distance in bits')).toHaveValue('6');
  await dialog.getByLabel('train percent').fill('50');
  await dialog.getByLabel('val percent').fill('25');
  await dialog.getByLabel('test percent').fill('25');
  await dialog.getByLabel('Message').fill('Grouped');
  await dialog.getByLabel('Author').fill('Ada');
  await screenshot(page, '36-versions-create-grouped');
  await dialog.getByRole('button', { name: 'Create version 1' }).click();
  await expect(dialog).toHaveCount(0);

  await expect(page.getByTestId('group-settings')).toHaveText(
    'Groups: same sequence, near-duplicates (≤ 6 of 64 bits)',
  );
  await screenshot(page, '37-versions-contents-grouped');

  // The two images without a hash were hashed from their thumbnails before the version was cut.
  expect((await storedImages(page)).every((image) => image.dhash !== undefined)).toBe(true);

  const images = await versionImages(page);
  expect(images).toHaveLength(16);
  const byPath = new Map(images.map((image) => [image.path, image]));
  expect(byPath.get('stills/copy-of-frame.jpg')!.group).toBe('drive2/run_');
  expect(byPath.get('stills/copy-of-frame.jpg')!.split).toBe(byPath.get('drive2/run_000001.jpg')!.split);
  const splitsOfGroup = new Map<string, Set<string>>();
  for (const image of images)
    splitsOfGroup.set(image.group!, (splitsOfGroup.get(image.group!) ?? new Set()).add(image.split));
  expect([...splitsOfGroup.values()].every((splits) => splits.size === 1)).toBe(true);
  // Three drives (one with the copy) and six stills.
  expect(splitsOfGroup.size).toBe(9);
});
