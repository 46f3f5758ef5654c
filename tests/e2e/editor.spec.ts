/**
 * The labeling canvas end to end: draw every geometry, edit vertices, change class by hotkey, fill required
 * attributes, undo/redo, submit (refused, then accepted), reload and a killed renderer lose nothing.
 */

import { expect, test, type Page } from '@playwright/test';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { picture } from '../fixtures/imageFolder';
import { EditorScreen, STREET_SCHEMA } from './pages/editor';
import { ProjectsScreen, screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedSchema } from './support/seed';

let app: RunningApp;
let dir: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-editor-'));
  await mkdir(dir, { recursive: true });
  for (const [i, name] of ['street-1.jpg', 'street-2.jpg', 'street-3.jpg'].entries())
    await writeFile(join(dir, name), await (await picture(640, 480, i + 1)).jpeg({ quality: 85 }).toBuffer());
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function projectWithSchema(page: Page, name: string) {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create(name);
  await project.importFolder(dir);
  await project.waitForImportToFinish();
  const projectId = /#\/projects\/([^/]+)/.exec(page.url())![1]!;
  await seedSchema(page, projectId, STREET_SCHEMA);
  await page.reload();
  await project.expectImageCount(3);
  return { project, projectId };
}

test('an annotator draws every geometry, edits, undoes, submits and loses nothing', async ({ page }) => {
  const { project } = await projectWithSchema(page, 'Labeling');
  await project.gallery.locator('[data-file="street-1.jpg"]').dblclick();
  const editor = new EditorScreen(page);
  await editor.expectDrawn();

  // Box: class 1 (Car), tool B, drag.
  await page.keyboard.press('1');
  await page.keyboard.press('b');
  await editor.drag({ x: 40, y: 50 }, { x: 200, y: 150 });
  await editor.expectCount(1);
  let saved = await editor.stored();
  expect(saved.annotations[0]).toMatchObject({ classId: 'car', attributes: { occlusion: 'none' } });
  const drawn = saved.annotations[0]!.geometry as { x: number; y: number; width: number; height: number };
  expect(drawn.x).toBeCloseTo(40, 0);
  expect(drawn.y).toBeCloseTo(50, 0);
  expect(drawn.width).toBeCloseTo(160, 0);
  expect(drawn.height).toBeCloseTo(100, 0);
  expect(saved.status).toBe('in-progress');

  // The new car prompts for its required plate; fill it in the attributes panel.
  const plate = page.getByRole('textbox', { name: 'Plate' });
  await expect(page.locator('[data-attribute="plate"]')).toHaveAttribute('data-missing', 'true');
  // Typing into a field never triggers shortcuts (B, L and digits are tool and class keys).
  await plate.pressSequentially('B-LL 42');
  await plate.press('Enter');
  await expect(editor.canvas).toHaveAttribute('data-tool', 'box');
  // A choice attribute by its hotkey (W = partial) once focus is back on the canvas.
  await editor.canvas.focus();
  await page.keyboard.press('w');
  saved = await editor.stored();
  expect(saved.annotations[0]!.attributes).toEqual({ occlusion: 'partial', plate: 'B-LL 42' });

  // The cheat sheet lists every shortcut, the schema's class and option keys too.
  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet).toContainText('Undo');
  await expect(sheet).toContainText('Person');
  await screenshot(page, '25-editor-cheat-sheet');
  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);

  // Brightness and contrast for dark images, from the keyboard.
  await page.keyboard.press('Alt+]');
  await page.keyboard.press('Alt+]');
  await expect(page.getByLabel('Brightness')).toHaveValue('1.2');
  await page.keyboard.press('Alt+0');
  await expect(page.getByLabel('Brightness')).toHaveValue('1');

  // Polygon: tool P keeps Car; click four vertices, close on the first.
  await page.keyboard.press('p');
  await editor.clickPoints([
    { x: 300, y: 60 },
    { x: 420, y: 70 },
    { x: 430, y: 180 },
    { x: 310, y: 170 },
    { x: 300, y: 60 },
  ]);
  await editor.expectCount(2);

  // Rotated box: two corners then the height.
  await page.keyboard.press('r');
  await editor.clickPoints([
    { x: 460, y: 300 },
    { x: 560, y: 260 },
    { x: 580, y: 310 },
  ]);
  await editor.expectCount(3);

  // Polyline: class 3 (Lane) switches to the polyline tool; Enter finishes.
  await page.keyboard.press('3');
  await expect(page.locator('.editor-canvas')).toHaveAttribute('data-tool', 'polyline');
  await editor.clickPoints([
    { x: 20, y: 460 },
    { x: 300, y: 380 },
    { x: 620, y: 360 },
  ]);
  await page.keyboard.press('Enter');
  await editor.expectCount(4);

  // Point: class 4 (Sign).
  await page.keyboard.press('4');
  await editor.click({ x: 600, y: 40 });
  await editor.expectCount(5);

  // Keypoints: class 2 (Person) follows the skeleton: head visible, left hand occluded, right hand absent.
  await page.keyboard.press('2');
  await expect(page.locator('.editor-canvas')).toHaveAttribute('data-tool', 'keypoints');
  await editor.click({ x: 120, y: 260 });
  await page.waitForTimeout(450);
  await editor.click({ x: 90, y: 320 }, ['Alt']);
  await page.keyboard.press('x');
  await editor.expectCount(6);

  saved = await editor.stored();
  expect(saved.annotations.map((a) => [a.classId, a.geometry.kind])).toEqual([
    ['car', 'box'],
    ['car', 'polygon'],
    ['car', 'rotated-box'],
    ['lane', 'polyline'],
    ['sign', 'point'],
    ['person', 'keypoints'],
  ]);
  const polygon = saved.annotations[1]!.geometry as { points: { x: number; y: number }[] };
  expect(polygon.points).toHaveLength(4);
  const keypoints = saved.annotations[5]!.geometry as { points: { visibility: number }[] };
  expect(keypoints.points.map((p) => p.visibility)).toEqual([2, 1, 0]);
  await screenshot(page, '20-editor-every-geometry');

  // Edit vertices: select the polygon by its edge, drag its third vertex.
  await page.keyboard.press('v');
  await editor.click({ x: 360, y: 65 });
  await expect(page.getByTestId('object-row').nth(1)).toHaveAttribute('data-selected', 'true');
  await editor.drag({ x: 430, y: 180 }, { x: 450, y: 200 });
  saved = await editor.stored();
  const moved = (saved.annotations[1]!.geometry as { points: { x: number; y: number }[] }).points[2]!;
  expect(moved.x).toBeCloseTo(450, 0);
  expect(moved.y).toBeCloseTo(200, 0);

  // Change class by hotkey: the box becomes a Person with 2, and undo makes it a Car again.
  await editor.click({ x: 120, y: 100 });
  await page.keyboard.press('2');
  saved = await editor.stored();
  expect(saved.annotations[0]!.classId).toBe('person');
  await page.keyboard.press('Control+z');
  saved = await editor.stored();
  expect(saved.annotations[0]).toMatchObject({
    classId: 'car',
    attributes: { occlusion: 'partial', plate: 'B-LL 42' },
  });

  // Undo and redo across several edits: the vertex drag, then delete everything and bring it back.
  await page.keyboard.press('Control+z');
  saved = await editor.stored();
  expect((saved.annotations[1]!.geometry as { points: { x: number }[] }).points[2]!.x).toBeCloseTo(430, 0);
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await editor.expectCount(0);
  await page.keyboard.press('Control+z');
  await editor.expectCount(6);
  saved = await editor.stored();
  expect((saved.annotations[1]!.geometry as { points: { x: number }[] }).points[2]!.x).toBeCloseTo(450, 0);

  // Submitting is refused while two cars have no plate; the errors are listed and select their object.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Not submitted' })).toContainText('2 errors');
  await expect(editor.status).toHaveText('in progress');
  await screenshot(page, '21-editor-done-refused');
  for (const value of ['P-1', 'P-2']) {
    await page
      .getByRole('button', { name: /Plate of Car is required/ })
      .first()
      .click();
    const field = page.getByRole('textbox', { name: 'Plate' });
    await field.fill(value);
    await field.press('Enter');
  }
  await editor.canvas.focus();
  await page.keyboard.press('Control+Enter');
  await expect(editor.status).toHaveText('submitted');
  saved = await editor.stored();
  expect(saved.status).toBe('submitted');
  expect(saved.annotations.filter((a) => a.classId === 'car').map((a) => a.attributes.plate)).toEqual([
    'B-LL 42',
    'P-1',
    'P-2',
  ]);

  // Copy a car, paste it onto the next image at the same place.
  await editor.click({ x: 120, y: 100 });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('d');
  await expect(editor.frame).toHaveAttribute('data-drawn', /.+/);
  await expect(page.locator('[data-page="viewer"] h1')).toHaveText('street-2.jpg');
  await page.keyboard.press('Control+v');
  await editor.expectCount(1);
  const pasted = await editor.stored();
  expect(pasted.annotations[0]!.geometry).toEqual(saved.annotations[0]!.geometry);

  // Next image not done (N) skips nothing here: street-3 is new.
  await page.keyboard.press('n');
  await expect(page.locator('[data-page="viewer"] h1')).toHaveText('street-3.jpg');
  await page.keyboard.press('a');
  await page.keyboard.press('a');
  await expect(page.locator('[data-page="viewer"] h1')).toHaveText('street-1.jpg');
  await editor.expectDrawn();

  // Reload: every shape, attribute and the status are back.
  await page.reload();
  await editor.expectDrawn();
  await editor.expectCount(6);
  await expect(editor.status).toHaveText('submitted');
  await screenshot(page, '22-editor-after-reload');

  // A killed renderer loses nothing that was saved: nudge the sign 3 px, wait for "Saved", crash the page.
  await page.keyboard.press('v');
  await editor.click({ x: 600, y: 40 });
  const sign = (await editor.stored()).annotations[4]!.geometry as { x: number; y: number };
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await editor.expectSaved();
  const url = page.url();
  const cdp = await page.context().newCDPSession(page);
  const crashed = page.waitForEvent('crash');
  // The call never answers: the renderer it talks to is gone.
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;
  const revived = await page.context().newPage();
  await revived.goto(url);
  const again = new EditorScreen(revived);
  await again.expectDrawn();
  const afterCrash = await again.stored();
  expect(afterCrash.annotations[4]!.geometry).toEqual({ kind: 'point', x: sign.x + 3, y: sign.y });
  expect(afterCrash.annotations).toHaveLength(6);
});

/** COCO results for street-1.jpg, with class names as category ids (matched to schema classes by name). */
function detections(run: 'a' | 'b') {
  const shift = run === 'a' ? 0 : 12;
  return [
    { image_id: 'street-1.jpg', category_id: 'Car', bbox: [40 + shift, 60, 150, 90], score: 0.92 },
    { image_id: 'street-1.jpg', category_id: 'Car', bbox: [320 + shift, 220, 120, 80], score: 0.81 },
    { image_id: 'street-1.jpg', category_id: 'Person', bbox: [480, 60, 60, 140], score: 0.64 },
    { image_id: 'street-1.jpg', category_id: 'Car', bbox: [600, 400, 2, 2], score: 0.41 },
    { image_id: 'street-1.jpg', category_id: 'Car', bbox: [100, 300, 80, 60], score: 0.35 },
    {
      image_id: 'street-1.jpg',
      category_id: 'bicycle',
      bbox: [200, 200, 50, 50],
      score: run === 'a' ? 0.2 : 0.9,
    },
  ];
}

test('predictions are reviewed: threshold, accept, reject, accept all (schema-checked), undo, compare', async ({
  page,
}) => {
  await projectWithSchema(page, 'Pre-labels');
  const project = new ProjectsScreen(page);
  void project;
  await page.locator('[data-file="street-1.jpg"]').dblclick();
  const editor = new EditorScreen(page);
  await editor.expectDrawn();
  const panel = page.getByRole('region', { name: 'Predictions' });

  for (const run of ['a', 'b'] as const) {
    const file = join(dir, `detector-${run}.json`);
    await writeFile(file, JSON.stringify(detections(run)));
    await panel.getByLabel('Import predictions (COCO results)').setInputFiles(file);
    if (run === 'a') {
      // "bicycle" is no class of this schema: the mapping step asks; it stays unmapped, and is remembered.
      const mapping = page.getByRole('dialog', { name: 'Map prediction classes' });
      await expect(mapping.getByLabel('Schema class for Car')).toHaveValue('car');
      await expect(mapping.getByLabel('Schema class for bicycle')).toHaveValue('');
      await screenshot(page, '23-editor-prediction-class-mapping');
      await mapping.getByRole('button', { name: 'Import predictions' }).click();
    }
    await expect(page.getByTestId('editor-notice')).toContainText(
      `Imported 6 predictions on 1 image from detector-${run}.json`,
    );
  }
  // Only run A is shown, so its rows are the ones at or above the 0.50 threshold.
  await panel.getByRole('checkbox', { name: 'detector-b.json' }).uncheck();
  const runA = panel.getByRole('region', { name: 'detector-a.json' });
  await expect(runA.getByTestId('prediction-row')).toHaveCount(3);

  // Lower the threshold to 0.30 with the keyboard: two more rows.
  const slider = panel.getByLabel('Confidence threshold');
  await slider.focus();
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowLeft');
  await expect(panel.getByTestId('threshold-value')).toHaveText('0.30');
  await expect(runA.getByTestId('prediction-row')).toHaveCount(5);
  await screenshot(page, '23-editor-predictions-threshold');

  // Accept the best car, reject the person.
  await runA.getByRole('button', { name: /^Accept Car 0\.92/ }).click();
  await editor.expectCount(1);
  await runA.getByRole('button', { name: /^Reject Person 0\.64/ }).click();
  await expect(runA.getByTestId('prediction-row')).toHaveCount(3);

  // Accept all ≥ 0.30: the 2 px box breaks the schema's minimum size and stays a prediction.
  await runA.getByRole('button', { name: /Accept all/ }).click();
  await expect(page.getByTestId('editor-notice')).toContainText('Accepted 2 predictions; skipped 1');
  await editor.expectCount(3);
  let saved = await editor.stored();
  expect(saved.annotations.map((a) => a.geometry)).toEqual([
    { kind: 'box', x: 40, y: 60, width: 150, height: 90 },
    { kind: 'box', x: 320, y: 220, width: 120, height: 80 },
    { kind: 'box', x: 100, y: 300, width: 80, height: 60 },
  ]);
  await expect(runA.getByTestId('prediction-row')).toHaveCount(1);

  // Accepting is one undo step: the two boxes go, their predictions come back.
  await editor.canvas.focus();
  await page.keyboard.press('Control+z');
  await editor.expectCount(1);
  await expect(runA.getByTestId('prediction-row')).toHaveCount(3);
  saved = await editor.stored();
  expect(saved.annotations).toHaveLength(1);

  // Review from the keyboard: "." selects the best undecided prediction, Shift+Enter accepts it and moves on,
  // Shift+Delete rejects the next one (the 2 px box).
  await page.keyboard.press('.');
  await expect(runA.locator('[data-testid="prediction-row"][aria-selected="true"]')).toContainText('0.81');
  await page.keyboard.press('Shift+Enter');
  await editor.expectCount(2);
  await expect(runA.locator('[data-testid="prediction-row"][aria-selected="true"]')).toContainText('0.41');
  await page.keyboard.press('Shift+Delete');
  await expect(runA.getByTestId('prediction-row')).toHaveCount(1);
  await editor.expectCount(2);

  // Side by side: run A against run B on the same image.
  await panel.getByLabel('First run').selectOption({ label: 'detector-a.json' });
  await panel.getByLabel('Second run').selectOption({ label: 'detector-b.json' });
  await expect(page.getByTestId('compare')).toBeVisible();
  await expect(page.getByTestId('compare').locator('figure')).toHaveCount(2);
  await screenshot(page, '24-editor-compare-runs');
});
