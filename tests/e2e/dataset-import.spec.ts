/**
 * Importing labeled datasets end to end: COCO8 (YOLO, ../shared/assets) with one label mapped by hand, one
 * created, the rest skipped; and a small hand-written COCO file with a polygon and a missing image.
 */

import { expect, test, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { picture } from '../fixtures/imageFolder';
import { EditorScreen } from './pages/editor';
import { ProjectsScreen, screenshot, type ProjectScreen } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedSchema } from './support/seed';

const COCO8 = resolve('../shared/assets/datasets/coco8');

/** Two COCO classes, one named as COCO names it and one under another name. */
const SCHEMA = {
  format: 'labelloop.annotation-schema/1',
  name: 'Wildlife',
  classes: [
    { id: 'person', name: 'Person', color: '#4dabff', geometries: ['box'], attributes: [] },
    { id: 'pachyderm', name: 'Pachyderm', color: '#ff9f43', geometries: ['box'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

let app: RunningApp;
let dir: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-datasets-'));
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function newProject(page: Page, name: string): Promise<{ project: ProjectScreen; projectId: string }> {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create(name);
  const projectId = /#\/projects\/([^/]+)/.exec(page.url())![1]!;
  return { project, projectId };
}

/** Opens the dialog, browses to `path` and inspects it (as a folder, or the file `file` in it). */
async function inspectDataset(page: Page, path: string, file?: string) {
  await page.getByRole('button', { name: 'Import labeled dataset' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import labeled dataset' });
  await dialog.getByLabel('Folder path').fill(path);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await expect(dialog.getByLabel('Folder path')).toHaveValue(path);
  if (file) await dialog.getByRole('radio', { name: file }).check();
  await dialog.getByRole('button', { name: file ? 'Inspect this file' : 'Inspect this folder' }).click();
  await expect(dialog.getByRole('table', { name: 'Class mapping' })).toBeVisible();
  return dialog;
}

async function waitForImport(project: ProjectScreen) {
  await project.waitForImportToFinish();
  await expect(project.report).toHaveAttribute('data-state', 'done');
}

test('COCO8 (YOLO): one label mapped by hand, one created, the rest skipped; boxes in the editor', async ({
  page,
}) => {
  // The real dataset lives in ../shared/assets beside the checkout (CI has it); it is never copied into
  // the repo, so a checkout without it skips this test and says why.
  test.skip(!existsSync(COCO8), `COCO8 is read from ${COCO8}, which this checkout does not have`);
  const { project, projectId } = await newProject(page, 'COCO8 labels');
  await seedSchema(page, projectId, SCHEMA);
  await page.reload();

  const dialog = await inspectDataset(page, COCO8);
  await expect(dialog.getByTestId('dataset-summary')).toContainText('YOLO (detected)');
  await expect(dialog.getByTestId('dataset-summary')).toContainText('8 images (8 found)');
  await expect(dialog.getByTestId('dataset-summary')).toContainText('30 objects');
  await expect(dialog.getByTestId('dataset-summary')).toContainText('12 labels used of 80 in the class list');
  // person matches the schema's class by id; the other labels are skipped until chosen.
  await expect(dialog.getByLabel('Schema class for person')).toHaveValue('class:person');
  await expect(dialog.getByLabel('Schema class for elephant')).toHaveValue('skip');
  await dialog.getByLabel('Schema class for elephant').selectOption({ label: 'Pachyderm' });
  await dialog.getByLabel('Schema class for giraffe').selectOption({ label: 'Create new class' });
  await expect(dialog.getByTestId('mapping-counts')).toHaveText('2 mapped · 1 new class · 9 skipped');
  await screenshot(page, '40-dataset-import-mapping');
  await dialog.getByRole('button', { name: 'Import 8 images' }).click();
  await expect(dialog).toHaveCount(0);

  await waitForImport(project);
  await project.expectImageCount(8);
  const report = project.report;
  await expect(report.getByTestId('report-added')).toHaveText('8 added');
  // 10 people, 2 elephants, 2 giraffes; the other 16 objects belong to skipped labels.
  await expect(report.getByTestId('report-objects')).toHaveText('14 objects imported');
  await expect(report.getByTestId('report-labeled-images')).toHaveText('4 labeled images');
  await expect(report.getByTestId('report-skipped')).toHaveText('16 skipped');
  const skipped = report.locator('tr[data-item-kind="skipped-label"]');
  await expect(skipped).toHaveCount(9);
  await expect(skipped.filter({ hasText: "label 'orange'" })).toContainText('4 objects not imported');
  await expect(skipped.filter({ hasText: "label 'bowl'" })).toContainText('3 objects not imported');
  await screenshot(page, '41-dataset-import-report');

  // The created class is in the schema, and the mapping is remembered for the next import.
  const remembered = await page.evaluate(async (key) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('labelloop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const value = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction('settings').objectStore('settings').get(key);
      request.onsuccess = () => resolve((request.result as { value: unknown } | undefined)?.value);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return value as Record<string, string | null>;
  }, `datasetClassMap:${projectId}`);
  expect(remembered).toMatchObject({
    person: 'person',
    elephant: 'pachyderm',
    giraffe: 'giraffe',
    bowl: null,
  });

  // 000000000061.jpg: three people and two elephants.
  await project.gallery.locator('[data-file="000000000061.jpg"]').dblclick();
  const editor = new EditorScreen(page);
  await editor.expectDrawn();
  await editor.expectPainted(5);
  const stored = await editor.stored();
  expect(stored.annotations.map((a) => a.classId).sort()).toEqual([
    'pachyderm',
    'pachyderm',
    'person',
    'person',
    'person',
  ]);
  expect(stored.status).toBe('in-progress');
  await screenshot(page, '42-dataset-import-editor-boxes');
});

test('a hand-written COCO file: the polygon is imported, the missing image reported with its objects', async ({
  page,
}) => {
  const coco = join(dir, 'coco');
  await mkdir(join(coco, 'images'), { recursive: true });
  await writeFile(join(coco, 'images/shapes.jpg'), await (await picture(320, 240, 1)).jpeg().toBuffer());
  await writeFile(join(coco, 'images/plain.jpg'), await (await picture(320, 240, 2)).jpeg().toBuffer());
  await writeFile(
    join(coco, 'instances.json'),
    JSON.stringify({
      images: [
        { id: 1, file_name: 'shapes.jpg', width: 320, height: 240 },
        { id: 2, file_name: 'plain.jpg', width: 320, height: 240 },
        { id: 3, file_name: 'missing.jpg', width: 320, height: 240 },
      ],
      categories: [
        { id: 1, name: 'cat' },
        { id: 2, name: 'pond' },
      ],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, bbox: [20, 30, 80, 60], area: 4800, iscrowd: 0 },
        {
          id: 2,
          image_id: 1,
          category_id: 2,
          segmentation: [[150, 40, 290, 60, 260, 200, 160, 180]],
          bbox: [150, 40, 140, 160],
          area: 18000,
          iscrowd: 0,
        },
        { id: 3, image_id: 2, category_id: 1, bbox: [100, 100, 50, 50], area: 2500, iscrowd: 0 },
        { id: 4, image_id: 3, category_id: 1, bbox: [10, 10, 20, 20], area: 400, iscrowd: 0 },
        { id: 5, image_id: 3, category_id: 2, bbox: [40, 40, 20, 20], area: 400, iscrowd: 0 },
      ],
    }),
  );

  // A project without a schema: every label becomes a new class.
  const { project } = await newProject(page, 'Hand-written COCO');
  const dialog = await inspectDataset(page, coco, 'instances.json');
  await expect(dialog.getByTestId('dataset-summary')).toContainText('3 images (2 found, 1 missing)');
  await expect(dialog.getByLabel('Schema class for cat')).toHaveValue('new');
  await expect(dialog.getByLabel('Schema class for pond')).toHaveValue('new');
  await expect(dialog.getByRole('table', { name: 'Dataset problems' })).toContainText('missing.jpg');
  await dialog.getByLabel('Mark images whose labels pass the schema as submitted').check();
  await dialog.getByRole('button', { name: 'Import 2 images' }).click();

  await waitForImport(project);
  await project.expectImageCount(2);
  await expect(project.report.getByTestId('report-objects')).toHaveText('3 objects imported');
  await expect(project.report.getByTestId('report-problems')).toHaveText('1 not imported');
  expect(await project.reportedProblems()).toEqual({ 'missing.jpg': 'not-found' });
  await expect(project.report.locator('tr[data-problem="not-found"]')).toContainText(
    'its 2 objects were not imported',
  );
  await screenshot(page, '43-dataset-import-coco-missing-image');

  await project.gallery.locator('[data-file="shapes.jpg"]').dblclick();
  const editor = new EditorScreen(page);
  await editor.expectDrawn();
  await editor.expectPainted(2);
  const stored = await editor.stored();
  expect(stored.status).toBe('submitted');
  expect(stored.annotations.map((a) => a.geometry.kind).sort()).toEqual(['box', 'polygon']);
  expect(stored.annotations.find((a) => a.classId === 'pond')?.geometry).toEqual({
    kind: 'polygon',
    points: [
      { x: 150, y: 40 },
      { x: 290, y: 60 },
      { x: 260, y: 200 },
      { x: 160, y: 180 },
    ],
  });
});
