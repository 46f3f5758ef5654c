/** The newcomer's flow in browser mode: create a project, import a folder, browse, reload, delete. */

import { expect, test } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeImageFolder, type FixtureFolder } from '../fixtures/imageFolder';
import { newcomerFlow } from './flows/newcomer';
import { startBrowserMode, type RunningApp } from './support/browserMode';

let app: RunningApp;
let fixture: FixtureFolder;

test.beforeAll(async () => {
  fixture = await makeImageFolder(await mkdtemp(join(tmpdir(), 'labelloop-e2e-images-')));
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(fixture.dir, { recursive: true, force: true });
});

test('a project imports exactly the good images, reports each bad file, survives a reload and is deleted cleanly', async ({
  page,
}) => {
  await page.goto(app.url);
  await newcomerFlow(page, fixture);
});

test('the UI refuses to load without the launch token', async ({ page }) => {
  const withoutToken = app.url.replace(/\?token=.*/, '');
  const response = await page.goto(withoutToken);
  expect(response?.status()).toBe(401);
  await expect(page.locator('body')).toContainText('token is required');
  const wrong = await page.goto(app.url.replace(/token=[0-9a-f]+/, 'token=0000'));
  expect(wrong?.status()).toBe(403);
});
