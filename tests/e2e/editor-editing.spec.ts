/**
 * Editing gestures on the labeling canvas end to end, each checked against what was saved: multi-select
 * (Shift-click, rubber band) and group move, corner / edge / Shift resize, the rotation knob, delete,
 * duplicate, z-order, hide and lock (per object and per class), the object list, zoom and pan, nudges as
 * one undo step, border snapping, attributes of a multi-selection and image tags.
 */

import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { picture } from '../fixtures/imageFolder';
import { EditorScreen, STREET_SCHEMA, type Xy } from './pages/editor';
import { ProjectsScreen, screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';
import { seedSchema } from './support/seed';

const WIDTH = 640;
const HEIGHT = 480;

interface Box {
  kind: 'box';
  x: number;
  y: number;
  width: number;
  height: number;
}
interface RotatedBox {
  kind: 'rotated-box';
  cx: number;
  cy: number;
  width: number;
  height: number;
  angle: number;
}

let app: RunningApp;
let dir: string;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-e2e-editing-'));
  await writeFile(
    join(dir, 'street-1.jpg'),
    await (await picture(WIDTH, HEIGHT, 1)).jpeg({ quality: 85 }).toBuffer(),
  );
  app = await startBrowserMode();
});

test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A new project with the one street image and the street schema, opened in the editor. */
async function openEditor(page: Page, name: string): Promise<EditorScreen> {
  await page.goto(app.url);
  const project = await new ProjectsScreen(page).create(name);
  // The dialog lists the home folder first; wait for it, or that late answer overwrites the typed path.
  // (ProjectScreen.importFolder types without that wait and fails now and then on a busy machine.)
  await page.getByRole('button', { name: 'Import images' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import images' });
  await expect(dialog.getByLabel('Folder path')).not.toHaveValue('');
  await dialog.getByLabel('Folder path').fill(dir);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await expect(dialog.getByLabel('Folder path')).toHaveValue(dir);
  await dialog.getByRole('button', { name: 'Import this folder' }).click();
  await project.waitForImportToFinish();
  const projectId = /#\/projects\/([^/]+)/.exec(page.url())![1]!;
  await seedSchema(page, projectId, STREET_SCHEMA);
  await page.reload();
  await project.expectImageCount(1);
  await project.gallery.locator('[data-file="street-1.jpg"]').dblclick();
  const editor = new EditorScreen(page);
  await editor.expectDrawn();
  return editor;
}

/** Draws a box of class `digit` (1 Car, 2 Person) from corner to corner, and leaves the select tool on. */
async function drawBox(editor: EditorScreen, digit: string, from: Xy, to: Xy, count: number) {
  await editor.canvas.focus();
  await editor.page.keyboard.press(digit);
  await editor.page.keyboard.press('b');
  await editor.drag(from, to);
  await editor.expectCount(count);
  await editor.page.keyboard.press('v');
  await editor.page.keyboard.press('Escape');
}

const boxes = async (editor: EditorScreen) =>
  (await editor.stored()).annotations.map((a) => a.geometry as unknown as Box);

const near = (actual: number, expected: number, within = 1) =>
  expect(Math.abs(actual - expected), `${actual} ≈ ${expected}`).toBeLessThanOrEqual(within);

/** `box` moved by (dx, dy): moves and nudges add the same offset to every coordinate, exactly. */
const shifted = (box: Box, dx: number, dy: number): Box => ({ ...box, x: box.x + dx, y: box.y + dy });

function expectBox(actual: Box, expected: Omit<Box, 'kind'>, within = 1) {
  near(actual.x, expected.x, within);
  near(actual.y, expected.y, within);
  near(actual.width, expected.width, within);
  near(actual.height, expected.height, within);
}

test('boxes are multi-selected by Shift-click and rubber band, moved together, resized and rotated by their handles', async ({
  page,
}) => {
  const editor = await openEditor(page, 'Editing handles');
  await drawBox(editor, '1', { x: 40, y: 50 }, { x: 200, y: 150 }, 1);
  await drawBox(editor, '1', { x: 300, y: 60 }, { x: 420, y: 160 }, 2);
  let [a, b] = await boxes(editor);
  expectBox(a!, { x: 40, y: 50, width: 160, height: 100 });
  expectBox(b!, { x: 300, y: 60, width: 120, height: 100 });

  // Shift-click adds the second box to the selection.
  await editor.click({ x: 120, y: 100 });
  await editor.expectSelectedRows(['#1']);
  await editor.click({ x: 360, y: 110 }, ['Shift']);
  await editor.expectSelectedRows(['#1', '#2']);
  // Shift-click on a selected one takes it out again (Figma, CVAT), and back in.
  await page.waitForTimeout(450); // not a double click on the same spot
  await editor.click({ x: 360, y: 110 }, ['Shift']);
  await editor.expectSelectedRows(['#1']);
  await page.waitForTimeout(450);
  await editor.click({ x: 360, y: 110 }, ['Shift']);
  await editor.expectSelectedRows(['#1', '#2']);
  await expect(page.getByRole('region', { name: 'Attributes' }).getByRole('heading')).toHaveText('2 objects');

  // Dragging one of them moves both by the same amount, as one edit.
  const [a0, b0] = [a!, b!];
  await editor.drag({ x: 120, y: 100 }, { x: 150, y: 130 });
  [a, b] = await boxes(editor);
  expectBox(a!, { x: 70, y: 80, width: 160, height: 100 });
  const [dx, dy] = [a!.x - a0.x, a!.y - a0.y];
  near(dx, 30);
  near(dy, 30);
  expectBox(b!, shifted(b0, dx, dy), 1e-9);
  await editor.expectSelectedRows(['#1', '#2']);
  await screenshot(page, '26-editor-multi-selection');

  // A rubber band from empty space selects what it touches: first only the left box, then both.
  await page.keyboard.press('Escape');
  await editor.expectSelectedRows([]);
  await editor.drag({ x: 20, y: 20 }, { x: 100, y: 300 });
  await editor.expectSelectedRows(['#1']);
  await editor.drag({ x: 20, y: 20 }, { x: 460, y: 300 });
  await editor.expectSelectedRows(['#1', '#2']);
  // The banded pair moves together too, and Arrow nudges move both.
  await editor.drag({ x: 360, y: 120 }, { x: 340, y: 120 });
  const [a1, b1] = await boxes(editor);
  near(a1!.x - a!.x, -20);
  expectBox(b1!, shifted(b!, a1!.x - a!.x, 0), 1e-9);
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Shift+ArrowRight');
  expect(await boxes(editor)).toEqual([shifted(a1!, 20, 0), shifted(b1!, 20, 0)]);
  // Undo takes back each drag in one step: the nudges, the second drag, then the first.
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+z');
  expect(await boxes(editor)).toEqual([a0, b0]);
  for (let i = 0; i < 3; i++) await page.keyboard.press('Control+Shift+z');
  expect(await boxes(editor)).toEqual([shifted(a1!, 20, 0), shifted(b1!, 20, 0)]);

  // Corner handle: the south-east corner goes 20 px right and 20 px down; the opposite corner stays.
  await page.keyboard.press('Escape');
  await editor.click({ x: 150, y: 130 });
  await editor.expectSelectedRows(['#1']);
  await editor.drag({ x: 230, y: 180 }, { x: 250, y: 200 });
  [a] = await boxes(editor);
  expectBox(a!, { x: 70, y: 80, width: 180, height: 120 });
  // Edge handle, grabbed away from its middle: only the right side moves.
  await editor.drag({ x: 250, y: 110 }, { x: 270, y: 110 });
  [a] = await boxes(editor);
  expectBox(a!, { x: 70, y: 80, width: 200, height: 120 });
  // Shift on a corner keeps the 5:3 aspect; the larger stretch wins (250 / 200 wide).
  await editor.drag({ x: 70, y: 80 }, { x: 20, y: 70 }, { modifiers: ['Shift'] });
  [a] = await boxes(editor);
  expectBox(a!, { x: 20, y: 50, width: 250, height: 150 });
  expect(a!.width / a!.height).toBeCloseTo(200 / 120, 2);

  // A rotated box: drag out its top edge, click its height; it comes out upright.
  await page.keyboard.press('Escape');
  await page.keyboard.press('r');
  await editor.drag({ x: 400, y: 300 }, { x: 560, y: 300 });
  await editor.click({ x: 560, y: 380 });
  await editor.expectCount(3);
  let rotated = (await editor.stored()).annotations[2]!.geometry as unknown as RotatedBox;
  near(rotated.cx, 480);
  near(rotated.cy, 340);
  near(rotated.width, 160);
  near(rotated.height, 80);
  expect(rotated.angle).toBe(0);

  // Its knob sits above the middle of the top edge; dragging it to a bearing of 40° turns the box 40°.
  await page.keyboard.press('v');
  await editor.click({ x: 480, y: 340 });
  await editor.expectSelectedRows(['#3']);
  const { scale } = await editor.viewport();
  const radius = rotated.height / 2 + 24 / scale;
  const bearing = (degrees: number, r = radius): Xy => ({
    x: rotated.cx + r * Math.sin((degrees * Math.PI) / 180),
    y: rotated.cy - r * Math.cos((degrees * Math.PI) / 180),
  });
  await editor.drag(bearing(0), bearing(40, 100));
  rotated = (await editor.stored()).annotations[2]!.geometry as unknown as RotatedBox;
  near(rotated.angle, 40, 1.5);
  near(rotated.cx, 480);
  near(rotated.width, 160);
  // With Shift the angle snaps to 15° steps: 40° + 63° of turn lands on 105°.
  await editor.drag(bearing(rotated.angle), bearing(rotated.angle + 63, 100), { modifiers: ['Shift'] });
  rotated = (await editor.stored()).annotations[2]!.geometry as unknown as RotatedBox;
  expect(rotated.angle).toBe(105);
});

test('delete, duplicate, z-order, and hide and lock per object and per class', async ({ page }) => {
  const editor = await openEditor(page, 'Editing arrange');
  await drawBox(editor, '1', { x: 40, y: 50 }, { x: 200, y: 150 }, 1);
  await drawBox(editor, '1', { x: 300, y: 60 }, { x: 420, y: 160 }, 2);
  await drawBox(editor, '2', { x: 450, y: 250 }, { x: 550, y: 420 }, 3);
  const drawn = (await editor.stored()).annotations;
  const [carA, carB, person] = drawn.map((a) => a.id);
  const [boxA, boxB, boxPerson] = drawn.map((a) => a.geometry as unknown as Box);
  await editor.expectPainted(3);

  // Ctrl+D duplicates the selected car 10 px down and right, selects the copy, and it is saved last.
  await editor.click({ x: 120, y: 100 });
  await page.keyboard.press('Control+d');
  await editor.expectCount(4);
  let saved = await editor.stored();
  expect(saved.annotations[3]).toMatchObject({ classId: 'car', attributes: { occlusion: 'none' } });
  expectBox(saved.annotations[3]!.geometry as unknown as Box, shifted(boxA!, 10, 10), 1e-9);
  await editor.expectSelectedRows(['#4']);
  const copy = saved.annotations[3]!.id;

  // ] brings the selection to the front (end of the saved array), [ sends it to the back.
  await page.keyboard.press('[');
  saved = await editor.stored();
  expect(saved.annotations.map((a) => a.id)).toEqual([copy, carA, carB, person]);
  await expect(editor.row(1)).toHaveAttribute('data-annotation-id', copy);
  await page.keyboard.press(']');
  saved = await editor.stored();
  expect(saved.annotations.map((a) => a.id)).toEqual([carA, carB, person, copy]);
  await expect(editor.row(4)).toHaveAttribute('data-annotation-id', copy);

  // Delete removes it.
  await page.keyboard.press('Delete');
  await editor.expectCount(3);
  saved = await editor.stored();
  expect(saved.annotations.map((a) => a.id)).toEqual([carA, carB, person]);

  // H hides the selected car: not drawn, and a click where it was selects nothing.
  await editor.click({ x: 360, y: 110 });
  await editor.expectSelectedRows(['#2']);
  await page.keyboard.press('h');
  await editor.expectPainted(2);
  await expect(editor.row(2).getByRole('button', { name: 'Show #2' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await editor.click({ x: 360, y: 110 });
  await editor.expectSelectedRows([]);
  // Shift+H shows every hidden object again.
  await page.keyboard.press('Shift+h');
  await editor.expectPainted(3);
  await editor.click({ x: 360, y: 110 });
  await editor.expectSelectedRows(['#2']);

  // Shift+L locks it: still drawn, but a drag over it moves nothing.
  await page.keyboard.press('Shift+l');
  await expect(editor.row(2).getByRole('button', { name: 'Unlock #2' })).toBeVisible();
  await editor.drag({ x: 360, y: 110 }, { x: 400, y: 150 });
  saved = await editor.stored();
  expect(saved.annotations[1]!.geometry).toEqual(boxB);
  await editor.expectPainted(3);

  // The row's eye and lock buttons do the same per object.
  await editor.row(1).getByRole('button', { name: 'Hide #1' }).click();
  await editor.expectPainted(2);
  await editor.click({ x: 120, y: 100 });
  await editor.expectSelectedRows([]);
  await editor.row(1).getByRole('button', { name: 'Show #1' }).click();
  await editor.expectPainted(3);
  await editor.row(2).getByRole('button', { name: 'Unlock #2' }).click();
  await editor.row(1).getByRole('button', { name: 'Lock #1' }).click();
  await editor.drag({ x: 120, y: 100 }, { x: 150, y: 100 });
  await editor.drag({ x: 360, y: 110 }, { x: 370, y: 110 });
  saved = await editor.stored();
  expect(saved.annotations[0]!.geometry).toEqual(boxA);
  expectBox(saved.annotations[1]!.geometry as unknown as Box, shifted(boxB!, 10, 0));
  await editor.row(1).getByRole('button', { name: 'Unlock #1' }).click();

  // Per class: hiding Car hides both cars; locking Person keeps the person still.
  await page.keyboard.press('Escape');
  await editor.classRow('car').getByRole('button', { name: 'Hide class Car' }).click();
  await editor.expectPainted(1);
  await editor.click({ x: 120, y: 100 });
  await editor.expectSelectedRows([]);
  await editor.classRow('person').getByRole('button', { name: 'Lock class Person' }).click();
  await editor.drag({ x: 500, y: 300 }, { x: 520, y: 320 });
  saved = await editor.stored();
  expect(saved.annotations[2]!.geometry).toEqual(boxPerson);
  await editor.expectSelectedRows([]);
  await editor.classRow('person').getByRole('button', { name: 'Unlock class Person' }).click();
  await editor.classRow('car').getByRole('button', { name: 'Show class Car' }).click();
  await editor.expectPainted(3);
  // Shift+H also clears class-wide hiding.
  await editor.classRow('car').getByRole('button', { name: 'Hide class Car' }).click();
  await editor.expectPainted(1);
  await editor.canvas.focus();
  await page.keyboard.press('Shift+h');
  await editor.expectPainted(3);
});

test('the object list sorts, filters and centres; the view zooms, fits and pans by the expected amounts', async ({
  page,
}) => {
  const editor = await openEditor(page, 'Editing view');
  await drawBox(editor, '1', { x: 40, y: 50 }, { x: 200, y: 150 }, 1);
  await drawBox(editor, '2', { x: 450, y: 250 }, { x: 550, y: 420 }, 2);
  await drawBox(editor, '1', { x: 300, y: 60 }, { x: 420, y: 160 }, 3);
  const drawn = (await editor.stored()).annotations;

  // Sort by class: both cars, then the person; filter by class: the person alone.
  expect(await editor.rowLabels()).toEqual(['#1', '#2', '#3']);
  await editor.objects.getByLabel('Sort objects').selectOption({ label: 'Class' });
  await expect(editor.rows.locator('.object-index')).toHaveText(['#1', '#3', '#2']);
  await editor.objects.getByLabel('Filter by class').selectOption({ label: 'Car (2)' });
  await expect(editor.rows.locator('.object-index')).toHaveText(['#1', '#3']);
  await screenshot(page, '27-editor-object-list-filtered');
  await editor.objects.getByLabel('Filter by class').selectOption({ label: 'All classes (3)' });
  await editor
    .classRow('person')
    .getByRole('button', { name: /^Person/ })
    .click();
  await expect(editor.rows.locator('.object-index')).toHaveText(['#2']);
  await editor
    .classRow('person')
    .getByRole('button', { name: /^Person/ })
    .click();
  await expect(editor.rows).toHaveCount(3);

  const canvas = await editor.canvasBox();
  const expectCentredOn = async (point: Xy) => {
    const at = await editor.toScreen(point);
    near(at.x, canvas.centre.x);
    near(at.y, canvas.centre.y);
  };

  // F fits the whole image with a 16 px margin, centred.
  await editor.canvas.focus();
  await page.keyboard.press('f');
  const fitScale = Math.min((canvas.width - 32) / WIDTH, (canvas.height - 32) / HEIGHT);
  near((await editor.viewport()).scale, fitScale, 0.001);
  await expectCentredOn({ x: WIDTH / 2, y: HEIGHT / 2 });

  // 0 is one screen pixel per image pixel, centred.
  await page.keyboard.press('0');
  await expect(editor.canvas).toHaveAttribute('data-scale', '1.0000');
  await expectCentredOn({ x: WIDTH / 2, y: HEIGHT / 2 });

  // Z zooms to the selected car, centred on it; the person is now off screen.
  await editor.row(1).getByRole('button', { name: /Car/ }).click();
  await editor.canvas.focus();
  await page.keyboard.press('z');
  await expect(editor.canvas).not.toHaveAttribute('data-scale', '1.0000');
  const zoomed = await editor.viewport();
  expect(zoomed.scale).toBeGreaterThan(2);
  await expectCentredOn({ x: 120, y: 100 });
  // A click on a row of an object already in view selects it and leaves the view alone…
  await editor.row(1).getByRole('button', { name: /Car/ }).click();
  expect(await editor.viewport()).toEqual(zoomed);
  // …and on one off screen selects it and centres it at the same zoom.
  await editor
    .row(2)
    .getByRole('button', { name: /^Person/ })
    .click();
  await editor.expectSelectedRows(['#2']);
  await expect(editor.canvas).not.toHaveAttribute(
    'data-viewport',
    `${zoomed.x.toFixed(1)},${zoomed.y.toFixed(1)},${zoomed.scale.toFixed(5)}`,
  );
  expect((await editor.viewport()).scale).toBe(zoomed.scale);
  await expectCentredOn({ x: 500, y: 335 });

  // The wheel zooms about the cursor: the image point under it stays under it.
  await page.keyboard.press('Escape');
  await page.keyboard.press('f');
  const cursor = await editor.toScreen({ x: 180, y: 120 });
  await page.mouse.move(cursor.x, cursor.y);
  const before = await editor.viewport();
  await page.mouse.wheel(0, -100);
  await expect(editor.canvas).not.toHaveAttribute('data-scale', before.scale.toFixed(4));
  let after = await editor.viewport();
  near(after.scale / before.scale, Math.exp(0.15), 0.001);
  const under = await editor.toImage(cursor);
  near(under.x, 180, 0.5);
  near(under.y, 120, 0.5);

  // Space+drag pans by the drag, in screen pixels, even when it starts on a car (which stays put).
  let start = after;
  const onCar = await editor.toScreen({ x: 120, y: 100 });
  await editor.canvas.focus();
  await page.keyboard.down('Space');
  await expect(editor.canvas).toHaveCSS('cursor', 'grab');
  await editor.dragOnScreen(onCar, { x: onCar.x + 50, y: onCar.y + 30 });
  await page.keyboard.up('Space');
  after = await editor.viewport();
  near(after.x - start.x, 50, 0.2);
  near(after.y - start.y, 30, 0.2);
  expect(after.scale).toBe(start.scale);
  // A middle-button drag pans too, and selects or moves nothing.
  start = after;
  const onCarAgain = await editor.toScreen({ x: 120, y: 100 });
  await editor.dragOnScreen(onCarAgain, { x: onCarAgain.x - 80, y: onCarAgain.y - 20 }, { button: 'middle' });
  after = await editor.viewport();
  near(after.x - start.x, -80, 0.2);
  near(after.y - start.y, -20, 0.2);
  await editor.expectSelectedRows([]);
  // With nothing selected the arrows pan 50 px, Shift+arrows 200 px.
  start = after;
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowUp');
  after = await editor.viewport();
  near(after.x - start.x, 50, 0.2);
  near(after.y - start.y, 50, 0.2);
  start = after;
  await page.keyboard.press('Shift+ArrowRight');
  after = await editor.viewport();
  near(after.x - start.x, -200, 0.2);
  near(after.y - start.y, 0, 0.2);
  // Nothing was moved by any of it.
  expect((await boxes(editor))[0]).toEqual(drawn[0]!.geometry);
});

test('nudges are one undo step, boxes snap to the border, a multi-selection shares attributes, tags undo', async ({
  page,
}) => {
  const editor = await openEditor(page, 'Editing nudge');
  await drawBox(editor, '1', { x: 40, y: 50 }, { x: 200, y: 150 }, 1);
  const [original] = await boxes(editor);

  // Arrows nudge the selection 1 px, Shift+arrows 10 px; the burst is one undo step.
  await editor.click({ x: 120, y: 100 });
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Shift+ArrowRight');
  let [a] = await boxes(editor);
  expectBox(a!, shifted(original!, 13, 1), 1e-9);
  await page.keyboard.press('Control+z');
  [a] = await boxes(editor);
  expect(a).toEqual(original);

  // A box dragged to within 4 screen px of the right and bottom borders ends exactly on them.
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  const corner = await editor.toScreen({ x: WIDTH, y: HEIGHT });
  const from = await editor.toScreen({ x: 500, y: 300 });
  await editor.dragOnScreen(from, { x: corner.x - 4, y: corner.y - 3 });
  await editor.expectCount(2);
  const snapped = (await boxes(editor))[1]!;
  expect(snapped.x + snapped.width).toBe(WIDTH);
  expect(snapped.y + snapped.height).toBe(HEIGHT);
  near(snapped.x, 500);
  near(snapped.y, 300);

  // Two cars with different occlusion: the panel shows it as mixed; one click sets it on both.
  await page.keyboard.press('v');
  await editor.click({ x: 570, y: 400 });
  await page.keyboard.press('w');
  await editor.click({ x: 120, y: 100 }, ['Shift']);
  await editor.expectSelectedRows(['#1', '#2']);
  const panel = page.getByRole('region', { name: 'Attributes' });
  const occlusion = panel.locator('[data-attribute="occlusion"]');
  await expect(occlusion).toHaveAttribute('data-mixed', 'true');
  await expect(occlusion).toContainText('mixed');
  await occlusion.getByRole('radio', { name: /^heavy/ }).click();
  await expect(occlusion).not.toHaveAttribute('data-mixed', 'true');
  await expect(occlusion.getByRole('radio', { name: /^heavy/ })).toHaveAttribute('aria-checked', 'true');
  let saved = await editor.stored();
  expect(saved.annotations.map((x) => x.attributes.occlusion)).toEqual(['heavy', 'heavy']);

  // With nothing selected the panel is the image's: the Night chip tags the image; undo takes it off.
  await editor.canvas.focus();
  await page.keyboard.press('Escape');
  const night = page.getByRole('region', { name: 'Image attributes' }).getByRole('button', { name: 'Night' });
  await night.click();
  await expect(night).toHaveAttribute('aria-pressed', 'true');
  saved = await editor.stored();
  expect(saved.tags).toEqual(['night']);
  await page.keyboard.press('Control+z');
  await expect(night).toHaveAttribute('aria-pressed', 'false');
  saved = await editor.stored();
  expect(saved.tags).toEqual([]);
  expect(saved.annotations.map((x) => x.attributes.occlusion)).toEqual(['heavy', 'heavy']);

  // Duplicating the box on the corner offsets the copy back into the image, not 10 px past its border.
  await editor.click({ x: 570, y: 400 });
  await page.keyboard.press('Control+d');
  await editor.expectCount(3);
  saved = await editor.stored();
  expectBox(saved.annotations[2]!.geometry as unknown as Box, shifted(snapped, -10, -10), 1e-9);
  await expect(page.getByRole('region', { name: 'Image status' })).not.toContainText('outside the');
});
