/**
 * Evaluation end to end on the first-run sample: run the bundled text detector, evaluate it against the
 * sample's labels, look at the charts and failure lists, then make and fix a missing label from the failure
 * view and see the counts move.
 */

import { expect, test } from '@playwright/test';
import { EvaluationScreen } from './pages/evaluation';
import { runSampleDetector } from './flows/sampleRun';
import { screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';

let app: RunningApp | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

test('evaluate a run, open a failure in the editor, fix a missing label and see the counts change', async ({
  page,
}) => {
  app = await startBrowserMode({ sample: true });
  const { run } = await runSampleDetector(page, app);
  await run.getByRole('button', { name: 'Evaluate' }).click();

  const evaluation = new EvaluationScreen(page);
  await evaluation.expectEvaluated();
  await expect(evaluation.metric('ap')).toHaveText(/^0\.\d{3}$/);
  const tp = await evaluation.count('tp');
  const fp = await evaluation.count('fp');
  // The detector finds most of the 24 text lines of the sample (23 at IoU 0.5 in the unit tests).
  expect(tp).toBeGreaterThanOrEqual(18);
  await expect(page.locator('[data-bar]').first()).toBeVisible();
  await expect(page.locator('[data-cell]').first()).toBeVisible();
  await screenshot(page, '61-evaluation-overview');

  // A true positive, opened in the editor with its label selected; deleting the label makes a missing label.
  await evaluation.list('True positives');
  const hit = evaluation.patches.first();
  await expect(hit).toBeVisible();
  const predictionId = (await hit.getAttribute('data-prediction'))!;
  const fileName = (await hit.getAttribute('data-image'))!;
  const annotationId = (await hit.getAttribute('data-annotation'))!;
  await screenshot(page, '62-evaluation-true-positives');
  await hit.getByRole('button', { name: `Open ${fileName} in the editor` }).click();
  await expect(page.locator('[data-page="viewer"]')).toBeVisible();
  await expect(page.locator('[data-testid="object-row"][data-selected="true"]')).toHaveAttribute(
    'data-annotation-id',
    annotationId,
  );
  await page.keyboard.press('Delete');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved');
  await page.getByTestId('focus-back').click();

  // Evaluated again on return: that prediction is now a confident false positive on an unlabeled object.
  await evaluation.expectEvaluated();
  await expect(evaluation.metric('tp')).toHaveText(String(tp - 1));
  await expect(evaluation.metric('fp')).toHaveText(String(fp + 1));
  await expect(page.getByTestId('evaluation-change')).toContainText('TP -1, FP +1');
  await evaluation.list('False positives');
  const missing = evaluation.patchOfPrediction(fileName, predictionId);
  await expect(missing).toBeVisible();
  await expect(missing).toContainText('background');
  await missing.getByRole('button', { name: /^Tag / }).click();
  await page.getByRole('dialog', { name: 'Tag object' }).getByLabel('missing label', { exact: true }).check();
  await page.getByRole('dialog', { name: 'Tag object' }).getByLabel('image reviewed').check();
  await page.getByRole('dialog', { name: 'Tag object' }).getByRole('button', { name: 'Done' }).click();
  await expect(missing.locator('.chip')).toHaveText(['missing label', 'image: reviewed']);
  // The tag filter keeps only what carries the tag (here: that one prediction), then shows all again.
  await page.getByRole('combobox', { name: 'Tag' }).selectOption('missing label');
  await expect(page.getByTestId('failure-count')).toHaveText('1 object');
  await page.getByRole('combobox', { name: 'Tag' }).selectOption('');
  await screenshot(page, '63-evaluation-false-positives');

  // Fix it where it happened: the editor opens with the prediction selected; accept it as the label.
  await missing.getByRole('button', { name: `Open ${fileName} in the editor` }).click();
  await expect(page.locator('[data-page="viewer"]')).toBeVisible();
  await expect(
    page.locator(`[data-testid="prediction-row"][data-prediction-id="${predictionId}"]`),
  ).toHaveAttribute('aria-selected', 'true');
  await screenshot(page, '64-editor-from-false-positive');
  await page.keyboard.press('Shift+Enter');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved');
  await page.getByTestId('focus-back').click();

  await evaluation.expectEvaluated();
  await expect(evaluation.metric('tp')).toHaveText(String(tp));
  await expect(evaluation.metric('fp')).toHaveText(String(fp));
  await expect(page.getByTestId('evaluation-change')).toContainText('TP +1, FP -1');
  // The tag stays on the fixed object's prediction; the object is a true positive again.
  await evaluation.list('False positives');
  await expect(evaluation.patchOfPrediction(fileName, predictionId)).toHaveCount(0);

  // A confusion-matrix cell lists its objects: text (class 0 of 4) → background holds the missed text lines.
  const missed = page.locator('[data-cell="0,4"]');
  const count = Number(await missed.getAttribute('data-count'));
  await missed.click();
  await expect(page.getByRole('button', { name: 'text → background ×' })).toBeVisible();
  await expect(page.getByTestId('failure-count')).toHaveText(
    `${count} ${count === 1 ? 'object' : 'objects'}`,
  );
  await screenshot(page, '65-evaluation-confusion-cell');

  // A size-histogram bar lists the objects of its series in that size range: here, missed objects.
  const bar = page
    .locator('figure', { hasText: 'Object size' })
    .locator('[data-series="false negatives"][data-bin]')
    .first();
  const inBar = Number(await bar.getAttribute('data-count'));
  await bar.click();
  await expect(page.getByRole('button', { name: /^size [\d.]+–[\d.]+ ×$/ })).toBeVisible();
  await expect(page.getByRole('tab', { name: /^False negatives/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('failure-count')).toHaveText(
    `${inBar} ${inBar === 1 ? 'object' : 'objects'}`,
  );
});
