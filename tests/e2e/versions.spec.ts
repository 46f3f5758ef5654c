/**
 * Dataset versions end to end: cut v1 and read its counts per class and split, relabel, cut v2, compare
 * v1 → v2 with a geometry tolerance, save the diff as JSON, and open a changed image from the diff.
 */

import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { picture } from '../fixtures/imageFolder';
import { EditorScreen, STREET_SCHEMA } from './pages/editor';
import { ProjectsScreen, screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedAnnotations, seedSchema } from './support/seed';
import { imageIds, VersionsScreen } from './pages/versions';

let app: RunningApp;
let dir: string;
const FILES = Array.from({ length: 10 }, (_, i) => `street-${String(i + 1).padStart(2, '0')}.jpg`);

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-versions-'));
  for (const [i, name] of FILES.entries())
    await writeFile(join(dir, name), await (await picture(320, 240, i + 1)).jpeg({ quality: 85 }).toBuffer());
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Moves the first annotation of an image right by `dx` pixels, as a drag in the editor would. */
async function nudgeFirstAnnotation(page: Page, imageId: string, dx: number): Promise<void> {
  await page.evaluate(
    async ({ imageId, dx }) => {
      const db: IDBDatabase = await new Promise((resolve, reject) => {
        const request = indexedDB.open('labelloop');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('annotations', 'readwrite');
        const store = tx.objectStore('annotations');
        const get = store.get(imageId);
        get.onsuccess = () => {
          const record = get.result as { annotations: { geometry: { x: number } }[] };
          record.annotations[0]!.geometry.x += dx;
          store.put(record);
        };
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { imageId, dx },
  );
}

/** Removes an image from the project (and its labels), as deleting it would. */
async function removeImage(page: Page, imageId: string): Promise<void> {
  await page.evaluate(async (imageId) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('labelloop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(['images', 'annotations'], 'readwrite');
      tx.objectStore('images').delete(imageId);
      tx.objectStore('annotations').delete(imageId);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, imageId);
}

test('an ML engineer cuts two versions, compares them, saves the diff and opens a changed image', async ({
  page,
}) => {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create('Versioned streets');
  await project.importFolder(dir);
  await project.waitForImportToFinish();
  const projectId = /#\/projects\/([^/]+)/.exec(page.url())![1]!;

  // Without a schema there is nothing to version: the dialog says so and keeps what was typed.
  let versions = await VersionsScreen.open(page);
  await page.getByRole('button', { name: 'Create version', exact: true }).click();
  await versions.createDialog.getByLabel('Message').fill('Too early');
  await versions.createDialog.getByLabel('Author').fill('Ada');
  await versions.createDialog.getByRole('button', { name: 'Create version 1' }).click();
  await expect(versions.createDialog.getByRole('alert')).toHaveText(
    'Define the annotation schema before creating a version.',
  );
  await expect(versions.createDialog.getByLabel('Message')).toHaveValue('Too early');
  await versions.createDialog.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Versioned streets' }).click();

  await seedSchema(page, projectId, STREET_SCHEMA);
  const ids = await imageIds(page, projectId);
  expect(Object.keys(ids)).toHaveLength(10);
  const id = (n: number) => ids[FILES[n - 1]!]!;
  await seedAnnotations(page, projectId, {
    [id(1)]: [{ classId: 'car' }, { classId: 'car' }],
    [id(2)]: [{ classId: 'person' }],
    [id(3)]: [{ classId: 'car' }, { classId: 'sign' }],
    [id(4)]: [{ classId: 'lane' }],
    [id(10)]: [{ classId: 'person' }],
  });
  await page.reload();
  await project.expectImageCount(10);

  versions = await VersionsScreen.open(page);
  await expect(page.getByRole('heading', { name: 'No versions yet' })).toBeVisible();

  // The first version defaults to 80/10/10 random seeded with the project id; shares must add up to 100%.
  await page.getByRole('button', { name: 'Create version', exact: true }).click();
  const dialog = versions.createDialog;
  await expect(dialog.getByLabel('train percent')).toHaveValue('80');
  await expect(dialog.getByLabel('val percent')).toHaveValue('10');
  await expect(dialog.getByLabel('test percent')).toHaveValue('10');
  await expect(dialog.getByLabel('Seed')).toHaveValue(projectId);
  await expect(dialog.getByLabel('Split strategy')).toHaveValue('random');
  await expect(dialog).toContainText('Images already in a version keep their split');
  await dialog.getByLabel('Message').fill('First cut');
  await dialog.getByLabel('Author').fill('Ada');
  await dialog.getByLabel('test percent').fill('5');
  await expect(dialog.getByTestId('split-problem')).toHaveText(
    'Train, val and test must add up to 100% (a ratio sum of 1); they add up to 95%.',
  );
  await expect(dialog.getByRole('button', { name: 'Create version 1' })).toBeDisabled();
  await screenshot(page, '30-versions-create-dialog');
  await dialog.getByLabel('test percent').fill('10');
  await dialog.getByRole('button', { name: 'Create version 1' }).click();
  await expect(dialog).toHaveCount(0);

  // v1: 10 images split 8/1/1, annotations counted per class and split under the schema's names.
  await expect(versions.row(1)).toContainText('First cut');
  await expect(versions.row(1)).toContainText('Ada');
  await expect(versions.row(1).getByTestId('version-images')).toHaveText('10');
  await expect(versions.row(1).getByTestId('version-annotations')).toHaveText('7');
  expect(await versions.splitSizes()).toEqual([8, 1, 1]);
  await expect(versions.classRow('car')).toContainText('Car');
  for (const [classId, total] of [
    ['car', 3],
    ['person', 2],
    ['sign', 1],
    ['lane', 1],
  ] as const) {
    const [train, val, test_, all] = await versions.classCounts(classId);
    expect(all, classId).toBe(total);
    expect(train! + val! + test_!, classId).toBe(total);
  }
  await screenshot(page, '31-versions-contents');

  // Export… opens the export dialog for that version.
  await versions.row(1).getByRole('button', { name: 'Export…' }).click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Relabel one car as a person, nudge a car by 5 px, add a person, remove an image.
  await seedAnnotations(page, projectId, {
    [id(1)]: [{ classId: 'person' }, { classId: 'car' }],
    [id(2)]: [{ classId: 'person' }, { classId: 'person' }],
  });
  await nudgeFirstAnnotation(page, id(3), 5);
  await removeImage(page, id(10));

  // The author is remembered; v2 keeps v1's split settings.
  await page.getByRole('button', { name: 'Create version', exact: true }).click();
  await expect(dialog.getByLabel('Author')).toHaveValue('Ada');
  await expect(dialog.getByLabel('Seed')).toHaveValue(projectId);
  await dialog.getByLabel('Message').fill('Relabeled street 1');
  await dialog.getByRole('button', { name: 'Create version 2' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(versions.row(2)).toContainText('v1');
  await expect(versions.row(2).getByTestId('version-images')).toHaveText('9');

  // Compare defaults to the selected version against its parent.
  await versions.tab('Compare');
  await versions.waitForDiff();
  await expect(page.getByLabel('Compare from')).toHaveValue(/.+/);
  await expect(versions.compare).toContainText('Changes from v1 to v2');
  await expect(page.getByTestId('images-removed')).toHaveText('−1 removed');
  await expect(page.getByTestId('images-changed')).toHaveText('~3 changed');
  await expect(page.getByTestId('annotations-added')).toHaveText('+1 added');
  await expect(page.getByTestId('annotations-removed')).toHaveText('−1 removed');
  await expect(page.getByTestId('annotations-changed')).toHaveText('~2 changed');
  await expect(page.getByTestId('annotation-breakdown')).toHaveText('1 geometry · 1 class · 0 attributes');
  await expect(page.getByTestId('schema-changes')).toContainText(
    'Both versions use annotation schema version 1',
  );
  await expect(versions.diffRow(FILES[0]!)).toContainText('Car → Person');
  await expect(versions.diffRow(FILES[1]!)).toContainText('+1 Person');
  await expect(versions.diffRow(FILES[2]!)).toContainText('1 geometry change (up to 5 px)');
  await expect(versions.diffRow(FILES[9]!)).toContainText('not in project');
  await expect(versions.diffRow(FILES[9]!)).not.toHaveRole('button');
  await screenshot(page, '32-versions-compare');

  // A 10 px tolerance hides the 5 px nudge.
  await page.getByLabel('Geometry threshold in pixels').fill('10');
  await expect(page.getByTestId('annotation-breakdown')).toHaveText('0 geometry · 1 class · 0 attributes');
  await expect(page.getByTestId('images-changed')).toHaveText('~2 changed');
  await expect(versions.diffRow(FILES[2]!)).toHaveCount(0);

  // The diff as JSON: which versions, the options, and the diff itself.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export diff as JSON' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('Versioned_streets-v1-v2.diff.json');
  const saved = JSON.parse(await readFile((await download.path())!, 'utf8'));
  expect(saved).toMatchObject({
    format: 'labelloop.version-diff/1',
    project: 'Versioned streets',
    from: { number: 1, message: 'First cut', author: 'Ada' },
    to: { number: 2, message: 'Relabeled street 1', author: 'Ada' },
    options: { moveThresholdPx: 10 },
    diff: { totals: { imagesRemoved: 1, imagesChanged: 2, annotationsChanged: 1, classChanged: 1 } },
  });
  expect(saved.diff.annotationsChanged[0]).toMatchObject({
    imageId: id(1),
    classChanged: { from: 'car', to: 'person' },
  });
  expect(saved.diff.imagesRemoved.map((image: { path: string }) => image.path)).toEqual([FILES[9]]);

  await page.getByLabel('Geometry threshold in pixels').fill('1');
  await expect(page.getByTestId('images-changed')).toHaveText('~3 changed');

  // Going back in time: the removed image reads as added, and still cannot be opened (it left the project).
  await page.getByRole('button', { name: 'Swap versions' }).click();
  await expect(versions.compare).toContainText('Changes from v2 to v1 (going back in time)');
  await expect(versions.diffRow(FILES[9]!)).toHaveAttribute('data-kind', 'added');
  await expect(versions.diffRow(FILES[9]!)).toContainText('not in project');
  await expect(versions.diffRow(FILES[0]!)).toContainText('Person → Car');
  await page.setViewportSize({ width: 1024, height: 700 });
  await screenshot(page, '33-versions-compare-narrow');
  await page.setViewportSize({ width: 1400, height: 900 });

  // A changed image opens in the editor.
  await versions.diffRow(FILES[0]!).click();
  const editor = new EditorScreen(page);
  await editor.expectDrawn();
  expect(editor.imageId()).toBe(id(1));
});
