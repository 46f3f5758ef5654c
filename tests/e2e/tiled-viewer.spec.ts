/** A huge image opens through the host's tile pyramid: coarse tiles first, sharper ones as the user zooms in. */

import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLargeJpeg } from '../fixtures/largeImage';
import { ProjectsScreen, screenshot, ViewerScreen } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';

const WIDTH = 12_000;
const HEIGHT = 9_000;

let app: RunningApp;
let dir: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-huge-'));
  await writeLargeJpeg(join(dir, 'orthophoto.jpg'), WIDTH, HEIGHT);
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The viewer's tile markers: the level the zoom wants and the finest level painted over the whole view. */
async function tileLevels(viewer: ViewerScreen) {
  return {
    wanted: Number(await viewer.canvas.getAttribute('data-tile-level')),
    sharpest: Number(await viewer.canvas.getAttribute('data-sharpest-level')),
  };
}

/** Waits until the tiles of the level the zoom wants cover the view. */
async function expectSharp(viewer: ViewerScreen, timeout = 20_000) {
  await expect(async () => {
    const { wanted, sharpest } = await tileLevels(viewer);
    expect(sharpest).toBe(wanted);
  }).toPass({ timeout });
}

/** Media requests by kind, and the pyramid levels asked for. */
function watchMedia(page: Page) {
  const seen = { originals: 0, tileLevels: new Set<number>() };
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/files/') || path.startsWith('/display/')) seen.originals++;
    const tile = /^\/cache\/tiles\/[^/]+\/(\d+)\//.exec(path);
    if (tile) seen.tileLevels.add(Number(tile[1]));
  });
  return seen;
}

test('a 12,000 × 9,000 JPEG opens from tiles, never whole, and loads a finer level when zoomed in', async ({
  page,
}) => {
  const media = watchMedia(page);
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create('Orthophotos');
  await project.importFolder(dir);
  await project.waitForImportToFinish();
  await project.expectImageCount(1);

  const viewer = await project.openImage('orthophoto.jpg');
  await expect(viewer.canvas).toHaveAttribute('data-tiled', 'true');
  expect(await viewer.naturalSize()).toEqual({ width: WIDTH, height: HEIGHT });
  await expect(page.getByTestId('image-size')).toHaveText(`${WIDTH} × ${HEIGHT}`);
  await expectSharp(viewer);
  const fitted = await tileLevels(viewer);
  // Fitted into ~1,100 px of screen, the 1,500 px level (3) is the coarsest with a pixel per screen pixel.
  expect(fitted.wanted).toBe(3);
  await screenshot(page, '06-viewer-tiled');

  // Zoom in about the centre with the mouse wheel: level 0 comes from the full pyramid the host builds.
  const box = await viewer.canvas.boundingBox();
  if (!box) throw new Error('the viewer canvas has no box');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let notch = 0; notch < 5; notch++) await page.mouse.wheel(0, -300);
  await expect(async () => expect((await tileLevels(viewer)).wanted).toBeLessThan(fitted.wanted)).toPass();
  await expectSharp(viewer, 120_000);
  const zoomed = await tileLevels(viewer);
  expect(zoomed.sharpest).toBe(0);
  expect([...media.tileLevels]).toEqual(expect.arrayContaining([0, fitted.wanted, 4]));
  await screenshot(page, '07-viewer-tiled-zoomed');

  // The browser never fetched the 108-megapixel original.
  expect(media.originals).toBe(0);
});
