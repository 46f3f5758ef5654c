/**
 * Exporting a version end to end: cut a version, export it as YOLO with the images copied, check the
 * folder a training script would read (data.yaml, images, labels, manifest with every file's SHA-256),
 * export the same version again for identical bytes, export COCO for one class and one split, and see a
 * refused target explained.
 */

import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { picture } from '../fixtures/imageFolder';
import { STREET_SCHEMA } from './pages/editor';
import { ProjectsScreen, screenshot } from './pages/screens';
import { imageIds, VersionsScreen } from './pages/versions';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedAnnotations, seedSchema } from './support/seed';

let app: RunningApp;
let dir: string;
let out: string;
const FILES = ['a/street-1.jpg', 'a/street-2.jpg', 'b/street-3.jpg', 'b/street-4.jpg'];

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-export-'));
  out = await mkdtemp(join(tmpdir(), 'labelloop-e2e-export-out-'));
  for (const [i, name] of FILES.entries()) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), await (await picture(320, 240, i + 1)).jpeg({ quality: 85 }).toBuffer());
  }
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

/** Every file under `root` by relative path, with its SHA-256. */
async function tree(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(root, path)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return files;
}

test('an ML engineer exports a version for training, twice identically, and a filtered COCO copy', async ({
  page,
}) => {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create('Export streets');
  await project.importFolder(dir);
  await project.waitForImportToFinish();
  const projectId = /#\/projects\/([^/]+)/.exec(page.url())![1]!;
  await seedSchema(page, projectId, STREET_SCHEMA);
  const ids = await imageIds(page, projectId);
  await seedAnnotations(page, projectId, {
    [ids['a/street-1.jpg']!]: [{ classId: 'car' }, { classId: 'person' }],
    [ids['a/street-2.jpg']!]: [{ classId: 'car' }],
    [ids['b/street-3.jpg']!]: [{ classId: 'person' }, { classId: 'sign' }],
  });
  await page.reload();
  await project.expectImageCount(4);

  const versions = await VersionsScreen.open(page);
  await versions.create('Ready for training', 'Ada');
  await versions.row(1).getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export version 1' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('radio', { name: /YOLO/ }).check();
  await dialog.getByLabel('Save in').fill(out);
  // Browsing starts where the field points and goes up a folder.
  await dialog.getByRole('button', { name: 'Browse…' }).click();
  await expect(dialog.getByLabel('Folder path')).toHaveValue(out);
  await dialog.getByRole('button', { name: '↑ Up' }).click();
  await expect(dialog.getByLabel('Save in')).toHaveValue(join(out, '..'));
  await dialog.getByRole('button', { name: basename(out) }).click();
  await expect(dialog.getByLabel('Save in')).toHaveValue(out);
  await dialog.getByRole('button', { name: 'Done browsing' }).click();
  await expect(dialog.getByLabel('New folder name')).toHaveValue('export-streets-v1-yolo');
  await expect(dialog.getByTestId('export-plan')).toContainText('4 images');
  await expect(dialog.getByTestId('export-plan')).toContainText('5 objects');
  await screenshot(page, '34-export-dialog');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();

  const result = page.getByRole('status', { name: 'Export result' });
  await expect(result).toContainText('Exported 4 images');
  await screenshot(page, '35-export-done');
  await page.getByRole('button', { name: 'Close' }).click();

  const yolo = join(out, 'export-streets-v1-yolo');
  const files = await tree(yolo);
  const manifest = JSON.parse(await readFile(join(yolo, 'manifest.json'), 'utf8')) as {
    version: { number: number; author: string; message: string };
    counts: { images: number; annotations: number; perClass: Record<string, number> };
    splits: Record<string, number>;
    files: { path: string; sha256: string }[];
  };
  expect(manifest.version).toMatchObject({ number: 1, author: 'Ada', message: 'Ready for training' });
  expect(manifest.counts).toMatchObject({
    images: 4,
    annotations: 5,
    perClass: { car: 2, person: 2, sign: 1 },
  });
  expect(Object.values(manifest.splits).reduce((a, b) => a + b, 0)).toBe(4);
  for (const file of manifest.files) expect(files[file.path], file.path).toBe(file.sha256);
  expect(Object.keys(files)).toHaveLength(manifest.files.length + 1);
  const dataYaml = await readFile(join(yolo, 'data.yaml'), 'utf8');
  expect(dataYaml).toContain('train: images/train');
  expect(dataYaml).toMatch(/names:[\s\S]*Car[\s\S]*Person/);
  const imagePaths = Object.keys(files).filter((path) => path.startsWith('images/'));
  expect(imagePaths).toHaveLength(4);
  expect(imagePaths.some((path) => path.endsWith('a/street-1.jpg'))).toBe(true);

  // The same version, the same settings, another folder: the same bytes, manifest included.
  await versions.row(1).getByRole('button', { name: 'Export…' }).click();
  await dialog.getByLabel('New folder name').fill('again');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(result).toContainText('Exported 4 images');
  await page.getByRole('button', { name: 'Close' }).click();
  expect(await tree(join(out, 'again'))).toEqual(files);

  // A folder that exists is refused with the reason, and nothing is touched.
  await versions.row(1).getByRole('button', { name: 'Export…' }).click();
  await dialog.getByLabel('New folder name').fill('again');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('already exists');
  await page.getByRole('button', { name: 'Back to the settings' }).click();

  // COCO, only cars, only images of the split the first image is in.
  await dialog.getByRole('radio', { name: /COCO/ }).check();
  await dialog.getByRole('group', { name: 'Classes' }).getByRole('button', { name: 'none' }).click();
  await dialog.getByRole('group', { name: 'Classes' }).getByLabel('Car').check();
  await dialog.getByLabel('New folder name').fill('cars-coco');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(result).toContainText('Exported 4 images');
  await page.getByRole('button', { name: 'Close' }).click();
  const coco = join(out, 'cars-coco');
  const cocoManifest = JSON.parse(await readFile(join(coco, 'manifest.json'), 'utf8')) as {
    export: { format: string; filters: { classes?: string[] } };
    counts: { annotations: number };
    files: { path: string }[];
  };
  expect(cocoManifest.export).toEqual({ format: 'coco', images: 'copy', filters: { classes: ['car'] } });
  expect(cocoManifest.counts.annotations).toBe(2);
  const jsons = cocoManifest.files.filter((f) => f.path.endsWith('/annotations.json'));
  let cars = 0;
  for (const file of jsons) {
    const data = JSON.parse(await readFile(join(coco, file.path), 'utf8')) as {
      categories: { name: string }[];
      annotations: unknown[];
    };
    expect(data.categories.map((c) => c.name)).toEqual(['Car']);
    cars += data.annotations.length;
  }
  expect(cars).toBe(2);
  expect((await readdir(out)).filter((name) => name.startsWith('.labelloop-export-'))).toEqual([]);
});
