/**
 * Local models end to end. First run: the sample project appears, the bundled PP-OCRv4 text detector
 * runs on it with live progress; a run interrupted by a reload and a cancelled run both resume; the
 * predictions are accepted in the editor. Then a user's own model: add the COCO-trained YOLOv8n from
 * ../shared/assets, review its card (a wrong class list is refused, naming the tensor), save it.
 */

import { expect, test, type Locator } from '@playwright/test';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ModelsScreen } from './pages/models';
import { ProjectScreen, ProjectsScreen, SchemaScreen, screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';

const MODELS_DIR = resolve('../shared/assets/models');
const COCO8 = resolve('../shared/assets/datasets/coco8');
const SAMPLE = 'Sample: text and shapes';

let app: RunningApp | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Waits for a run to end with `status`, then answers its "processed" fact. */
async function expectRunEnded(models: ModelsScreen, run: Locator, status: string) {
  await expect(models.status(run)).toHaveText(status, { timeout: 120_000 });
}

test('first run: the sample project, the bundled text detector with progress, resume after a reload and after cancel, accept', async ({
  page,
}) => {
  app = await startBrowserMode({ sample: true });
  await page.goto(app.url);
  const projects = new ProjectsScreen(page);
  await expect(projects.row(SAMPLE)).toBeVisible({ timeout: 60_000 });
  await expect(projects.row(SAMPLE).getByTestId('image-count')).toHaveText('12');
  await expect(page.getByTestId('sample-hint')).toContainText('run the bundled text detector');
  await screenshot(page, '50-first-run-sample-project');

  const project = await projects.open(SAMPLE);
  await project.expectImageCount(12);
  await page.getByRole('button', { name: /^Models/ }).click();
  const models = new ModelsScreen(page);
  await models.expectVisible();
  await expect(models.model(/PP-OCRv4 text detector/)).toContainText('bundled');
  await expect(models.runs).toHaveCount(0);
  // The detector's one class, "text", maps to the sample schema's class of that name by itself.
  await expect(page.getByLabel('Map text')).toHaveValue('text');

  // Run 1: progress while it runs, then the run's record.
  const first = await models.runOnAll(1);
  await expect(first.getByTestId('run-progress')).toContainText(/^[1-9]\d* \/ 12 images/);
  await expect(first.getByTestId('run-rate')).toContainText(/\d images\/s · ETA \d/);
  await screenshot(page, '51-model-run-progress');
  await expectRunEnded(models, first, 'done');
  await expect(first).toContainText('12 of 12');
  await expect(first.getByTestId('run-predictions')).toHaveText(/^\d+ on \d+ images$/);
  const predicted = Number(
    /^(\d+)/.exec((await first.getByTestId('run-predictions').textContent()) ?? '')![1],
  );
  expect(predicted).toBeGreaterThanOrEqual(20);
  await expect(first).toContainText('1 thread, CPU');
  await screenshot(page, '52-model-run-done');

  // Run 2: the window reloads mid-run (as after closing the app); the run reads as interrupted and resumes.
  const second = await models.runOnAll(1);
  await page.reload();
  await models.expectVisible();
  await expect(models.status(second)).toHaveText('interrupted');
  await screenshot(page, '53-model-run-interrupted');
  await second.getByRole('button', { name: /^Resume \(\d+ left\)$/ }).click();
  await expectRunEnded(models, second, 'done');
  await expect(second).toContainText('12 of 12');

  // Run 3: cancelled; what it saved stays, and resuming runs the rest.
  const third = await models.runOnAll(1);
  await third.getByRole('button', { name: 'Cancel' }).click();
  await expectRunEnded(models, third, 'cancelled');
  const resume = third.getByRole('button', { name: /^Resume \(\d+ left\)$/ });
  await expect(resume).toBeVisible();
  await resume.click();
  await expectRunEnded(models, third, 'done');
  await expect(third).toContainText('12 of 12');

  // Run 2 accepted into ground truth across the project in one step, then undone in one step.
  await second.getByRole('button', { name: 'Accept into ground truth' }).click();
  const note = second.getByTestId('bulk-accept-note');
  await expect(note).toContainText(/^Accepted \d+ predictions on \d+ images into ground truth/);
  const bulk = Number(/^Accepted (\d+)/.exec((await note.textContent()) ?? '')![1]);
  expect(bulk).toBeGreaterThanOrEqual(20);
  await screenshot(page, '54-model-run-accepted-into-ground-truth');
  await second.getByRole('button', { name: `Undo accept of ${bulk}` }).click();
  await expect(note).toHaveText(`Removed ${bulk} accepted annotations`);

  // Review run 1 in the editor: accept everything at or above the threshold as one step.
  const firstId = await first.getAttribute('data-run-id');
  await first.getByRole('button', { name: 'Review predictions' }).click();
  await expect(page.locator('[data-page="viewer"]')).toBeVisible();
  const panel = page.getByTestId('predictions-panel');
  await expect(panel).toBeVisible();
  const objectsBefore = await page.getByTestId('object-row').count();
  const section = panel.locator(`section.prediction-run[data-run-id="${firstId}"]`);
  const acceptAll = section.getByRole('button', { name: /Accept all/ });
  await expect(acceptAll).toBeEnabled();
  const accepting = Number(/\((\d+)\)/.exec((await acceptAll.textContent()) ?? '')![1]);
  expect(accepting).toBeGreaterThan(0);
  await screenshot(page, '55-editor-text-predictions');
  await acceptAll.click();
  await expect(page.getByTestId('editor-notice')).toContainText(`Accepted ${accepting} prediction`);
  await expect(page.getByTestId('object-row')).toHaveCount(objectsBefore + accepting);
  await screenshot(page, '56-editor-text-predictions-accepted');
});

test('a user adds a YOLO model, reviews its card (a wrong class list is refused by tensor) and runs it on COCO8', async ({
  page,
}) => {
  // The model and photos are read from ../shared/assets, never copied into the repo; a checkout without
  // them beside it skips this test, and CI always has them, so it runs there.
  test.skip(
    !existsSync(resolve(MODELS_DIR, 'yolov8n_int8.onnx')) || !existsSync(COCO8),
    '../shared/assets is not beside this checkout (CI always has it)',
  );
  app = await startBrowserMode();
  await page.goto(app.url);
  const projects = new ProjectsScreen(page);
  await projects.create('Street');
  await page.getByRole('button', { name: /^Models/ }).click();
  const models = new ModelsScreen(page);
  await models.expectVisible();

  await models.add(MODELS_DIR, 'yolov8n_int8.onnx');
  await expect(page.getByTestId('models-notice')).toContainText('Added yolov8n_int8.onnx');
  await expect(models.model(/yolov8n_int8/)).toContainText('review card');
  await expect(models.card.getByTestId('card-inference')).toContainText('confidence high');
  await expect(models.card.getByLabel('Task')).toHaveValue('detect');
  await expect(models.card.getByLabel('Output decoder')).toHaveValue('yolov8');
  await expect(models.card.getByLabel('Width')).toHaveValue('640');
  const classes = models.card.getByLabel('Class names');
  const names = (await classes.inputValue()).split('\n');
  expect(names).toHaveLength(80);
  expect(names.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
  await screenshot(page, '57-model-card-review');

  // 79 names for an output with 84 rows: refused, naming the tensor and its shape.
  await classes.fill(names.slice(0, 79).join('\n'));
  await models.card.getByRole('button', { name: 'Save reviewed card' }).click();
  await expect(models.card.getByRole('alert', { name: 'Card problems' })).toContainText('output0');
  await screenshot(page, '58-model-card-problem');

  await models.card.getByRole('button', { name: 'Reset to inferred' }).click();
  await models.card.getByLabel('Score threshold').fill('0.4');
  await models.card.getByRole('button', { name: 'Save reviewed card' }).click();
  await expect(page.getByTestId('models-notice')).toContainText('Saved the card of yolov8n_int8.onnx');
  await expect(models.model(/yolov8n_int8/)).toContainText('card reviewed');
  // No schema yet: the run form says what is missing instead of running into the void.
  await expect(
    page.getByText("Define the project's annotation schema before running a model."),
  ).toBeVisible();

  // Give the project the COCO schema and the COCO8 photos, then run the model on them.
  await page.getByRole('button', { name: 'Street', exact: true }).click();
  const project = new ProjectScreen(page);
  await project.expectVisible('Street');
  const schema = await SchemaScreen.open(project);
  await schema.startFromPreset('COCO');
  await page.getByRole('button', { name: 'Street', exact: true }).click();
  await project.importFolder(resolve(COCO8, 'images'));
  await project.waitForImportToFinish();
  await project.expectImageCount(8);
  await page.getByRole('button', { name: /^Models/ }).click();
  await models.model(/yolov8n_int8/).click();
  // All 80 model classes find their COCO class by name.
  await expect(page.getByText('Class mapping: 80 of 80 model classes mapped')).toBeVisible();
  const run = await models.runOnAll(2);
  await expectRunEnded(models, run, 'done');
  await expect(run).toContainText('8 of 8');
  await expect(run).toContainText('score ≥ 0.4');
  const predicted = Number(/^(\d+)/.exec((await run.getByTestId('run-predictions').textContent()) ?? '')![1]);
  expect(predicted).toBeGreaterThanOrEqual(10);
  await screenshot(page, '59-yolo-run-on-coco8');
  await run.getByRole('button', { name: 'Review predictions' }).click();
  await expect(page.getByTestId('predictions-panel').getByTestId('prediction-row').first()).toBeVisible();
  await screenshot(page, '60-yolo-predictions-in-editor');
});
