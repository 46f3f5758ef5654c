/** The newcomer's flow, shared by browser mode and Electron: create, import, browse, reload, rename, delete. */

import { expect, type Page } from '@playwright/test';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { FixtureFolder } from '../../fixtures/imageFolder';
import { ProjectsScreen, screenshot } from '../pages/screens';

const baseName = (relPath: string) => relPath.split('/').pop() ?? relPath;

/** Expects an app with no projects, already loaded in `page`. */
export async function newcomerFlow(page: Page, fixture: FixtureFolder): Promise<void> {
  const projects = new ProjectsScreen(page);
  await projects.expectVisible();
  await expect(page.getByText('No projects yet')).toBeVisible();
  await screenshot(page, '01-projects-empty');

  const project = await projects.create('Street scenes');
  await project.importFolder(fixture.dir);
  await project.waitForImportToFinish();

  const expectedNames = fixture.good.map(baseName).sort();
  await project.expectImageCount(expectedNames.length);
  expect((await project.fileNames()).sort()).toEqual(expectedNames);
  await expect(project.report.getByTestId('report-added')).toHaveText(`${expectedNames.length} added`);
  await expect(project.report.getByTestId('report-duplicates')).toHaveText('1 duplicates');
  const expectedProblems = Object.fromEntries(
    Object.entries(fixture.bad).map(([file, code]) => [baseName(file), code]),
  );
  expect(await project.reportedProblems()).toEqual(expectedProblems);
  await expect(project.report).toContainText('1 non-image files ignored');
  await expect(project.report.locator('tr[data-problem="too-many-pixels"]')).toContainText(
    'exceeds the limit',
  );
  await screenshot(page, '03-gallery-and-import-report');

  // The EXIF-rotated JPEG is stored 320 × 200 and shown upright, 200 × 320.
  const viewer = await project.openImage(fixture.rotated.file);
  expect(await viewer.naturalSize()).toEqual({
    width: fixture.rotated.width,
    height: fixture.rotated.height,
  });
  await expect(page.getByTestId('image-size')).toHaveText(
    `${fixture.rotated.width} × ${fixture.rotated.height}`,
  );
  await screenshot(page, '04-viewer-rotated-upright');
  await viewer.next();
  await viewer.backToGallery();

  // TIFF cannot be painted by Chromium: the host converts it, and it still opens.
  const tiff = await project.openImage('scan.tiff');
  expect(await tiff.naturalSize()).toEqual({ width: 400, height: 300 });
  await tiff.backToGallery();

  // Keyboard: focus the grid, move right, open with Enter.
  await project.gallery.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-page="viewer"] h1')).toHaveText(expectedNames[1]!);
  await page.keyboard.press('Shift+Escape');

  // Reload: everything is still there, the report too.
  await page.reload();
  await project.expectVisible('Street scenes');
  await project.expectImageCount(expectedNames.length);
  await expect(project.gallery.locator('img').first()).toHaveJSProperty('complete', true);
  await page.getByRole('button', { name: 'Last import report' }).click();
  expect(await project.reportedProblems()).toEqual(expectedProblems);

  const list = await project.backToProjects();
  expect(await list.imageCount('Street scenes')).toBe(String(expectedNames.length));
  await screenshot(page, '00-projects-list');
  await page.reload();
  await list.rename('Street scenes', 'Street scenes v2');
  expect(await list.imageCount('Street scenes v2')).toBe(String(expectedNames.length));

  const confirmation = await list.delete('Street scenes v2');
  expect(confirmation).toContain(`${expectedNames.length} image records`);
  expect(confirmation).toContain('0 schema versions');
  expect(confirmation).toContain('0 dataset versions');
  expect(confirmation).toContain('Image files on disk are not deleted');
  await page.reload();
  await expect(page.getByText('No projects yet')).toBeVisible();
  // The user's files are untouched.
  for (const file of [...fixture.good, ...Object.keys(fixture.bad)]) await access(join(fixture.dir, file));
}
