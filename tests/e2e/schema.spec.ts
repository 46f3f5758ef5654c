/** Defining and changing a project's annotation schema in the UI: presets, classes, impact, versions, undo. */

import { expect, test } from '@playwright/test';
import { ProjectsScreen, SchemaScreen, screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedAnnotations, storedClassIds } from './support/seed';

let app: RunningApp;

test.beforeAll(async () => {
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
});

test('a schema is defined from a preset, changed with impact previews, versioned and undone', async ({
  page,
}) => {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create('Dashcam');
  const schema = await SchemaScreen.open(project);
  await expect(page.getByRole('region', { name: 'Start a schema' })).toBeVisible();
  await screenshot(page, '10-schema-presets');

  await schema.startFromPreset('Driving');
  await expect(page.getByTestId('schema-version')).toHaveText('Version 1');
  const initial = await schema.classNames();
  expect(initial).toEqual(expect.arrayContaining(['Car', 'Truck', 'Pedestrian']));
  await expect(page.getByTestId('schema-validation')).toContainText('0 annotations on 0 images');
  await screenshot(page, '11-schema-classes');

  // Rename: the impact counts the (zero) annotations that keep their label under the new name.
  const rename = await schema.rename('Truck', 'Lorry');
  expect(rename).toContain('0 annotations affected');
  await expect(page.getByTestId('schema-version')).toHaveText('Version 2');
  expect(await schema.classNames()).toContain('Lorry');
  expect(await schema.classNames()).not.toContain('Truck');

  await schema.addClass('Van');
  await expect(page.getByTestId('schema-version')).toHaveText('Version 3');
  const merge = await schema.merge('Van', 'Car');
  expect(merge).toMatch(/Merge/);
  expect(merge).toContain('0 annotations affected');
  await expect(page.getByTestId('schema-version')).toHaveText('Version 4');
  expect(await schema.classNames()).not.toContain('Van');

  // A rule the document cannot break: two classes with one hotkey is refused before applying.
  await schema.select('Lorry');
  const carHotkey = await page.evaluate(
    () => document.querySelector('.class-item[data-class="Car"] kbd')?.textContent ?? '',
  );
  await page.getByLabel('Class hotkey', { exact: true }).fill(carHotkey);
  await page.getByRole('button', { name: 'Save class' }).click();
  await expect(page.getByRole('dialog').getByRole('alert')).toContainText(/hotkey/i);
  await expect(page.getByRole('button', { name: 'Apply change' })).toBeDisabled();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();

  await schema.tab(/History/);
  await expect(page.getByRole('table', { name: 'Schema versions' }).locator('tbody tr')).toHaveCount(4);
  await screenshot(page, '12-schema-history');

  // Undo the merge: Van is back and the current version is 3 again.
  await schema.undo();
  await expect(page.getByTestId('schema-version')).toHaveText('Version 3');
  await schema.tab(/Classes/);
  expect(await schema.classNames()).toContain('Van');

  // The JSON view validates live and points at the line of a mistake.
  await schema.tab('JSON');
  const editor = page.getByLabel('Schema JSON');
  const json = await editor.inputValue();
  await editor.fill(json.replace(/"color": "#[0-9a-fA-F]{6}"/, '"color": "red"'));
  await expect(page.getByRole('list', { name: 'JSON problems' })).toContainText(/line \d+/);
  await expect(page.getByRole('button', { name: 'Apply JSON as a new version' })).toBeDisabled();
  await screenshot(page, '13-schema-json-error');

  // Reload: the schema and its history are still there.
  await page.reload();
  await expect(page.getByTestId('schema-version')).toHaveText('Version 3');
  await schema.tab(/History/);
  await expect(page.getByRole('table', { name: 'Schema versions' }).locator('tbody tr')).toHaveCount(3);
});

test('changing a schema with labels shows the real counts, rewrites the labels, and undo restores them', async ({
  page,
}) => {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create('Labelled dashcam');
  const projectId = decodeURIComponent(new URL(page.url()).hash.split('/')[2] ?? '');
  const schema = await SchemaScreen.open(project);
  await schema.startFromPreset('Driving');

  const occluded = { occlusion: 'none' };
  await seedAnnotations(page, projectId, {
    'image-a': [
      { classId: 'truck', attributes: occluded },
      { classId: 'truck', attributes: occluded },
      { classId: 'car', attributes: occluded },
    ],
    'image-b': [{ classId: 'truck' }], // occlusion missing: a required attribute
    'image-c': [
      { classId: 'car', attributes: occluded },
      { classId: 'car', attributes: occluded },
    ],
  });
  await page.reload();
  await expect(page.getByTestId('schema-validation')).toContainText('6 annotations on 3 images');
  await expect(page.getByTestId('schema-validation')).toContainText(/: [1-9]\d* errors/);

  const merge = await schema.merge('Truck', 'Car');
  expect(merge).toContain('3 annotations affected');
  expect(merge).toContain('2 images affected');
  await expect(page.getByTestId('schema-version')).toHaveText('Version 2');
  expect(await storedClassIds(page, projectId)).toEqual({
    'image-a': ['car', 'car', 'car'],
    'image-b': ['car'],
    'image-c': ['car', 'car'],
  });
  await screenshot(page, '14-schema-after-merge');

  await schema.undo();
  await expect(page.getByTestId('schema-version')).toHaveText('Version 1');
  expect(await storedClassIds(page, projectId)).toEqual({
    'image-a': ['truck', 'truck', 'car'],
    'image-b': ['truck'],
    'image-c': ['car', 'car'],
  });
});
