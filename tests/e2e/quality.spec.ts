/**
 * Data quality end to end on the first-run sample: measured fields sortable and filterable for images and
 * objects, a histogram bar as a filter, class balance, "more like this", and a hard-sample queue from a
 * model run that the editor walks through in order.
 */

import { expect, test } from '@playwright/test';
import { SAMPLE, runSampleDetector } from './flows/sampleRun';
import { screenshot } from './pages/screens';
import { startBrowserMode, type RunningApp } from './support/browserMode';

let app: RunningApp | undefined;
test.afterEach(async () => {
  await app?.stop();
  app = undefined;
});

test('data quality: sort and filter images and objects by measured fields, similar images, and a hard-sample queue', async ({
  page,
}) => {
  app = await startBrowserMode({ sample: true });
  // A model run first, so the hard-sample queue has confidences to rank.
  await runSampleDetector(page, app);
  await page.getByRole('button', { name: SAMPLE }).click();
  await page.getByRole('button', { name: 'Data quality' }).click();

  await expect(page.locator('[data-page="quality"]')).toBeVisible();
  await expect(page.getByTestId('quality-images')).toHaveText('12 images');
  await expect(page.getByTestId('quality-objects')).toHaveText('43 objects');
  // Imported images are measured on import: sharpness, brightness and contrast are filled in.
  await expect(page.getByText('12 of 12 measured')).toBeVisible();
  const rows = page.locator('.row-table tbody tr');
  await expect(rows).toHaveCount(12);
  await expect(page.getByTestId('row-count')).toHaveText('12 rows');
  const sharpness = await rows.evaluateAll((trs) =>
    trs.map((tr) => Number(tr.querySelectorAll('td')[6]!.textContent)),
  );
  expect(sharpness).toEqual([...sharpness].sort((a, b) => a - b));
  await screenshot(page, '66-quality-images');

  // Sort by objects, most first, and keep images with at least 4 objects.
  await page
    .getByRole('button', { name: /^Objects/ })
    .first()
    .click();
  await page.getByRole('button', { name: /^Objects ▲$/ }).click();
  await page.getByLabel('Objects at least').fill('4');
  const many = Number(/^(\d+)/.exec((await page.getByTestId('row-count').textContent()) ?? '')![1]);
  expect(many).toBeGreaterThan(0);
  expect(many).toBeLessThan(12);
  const counts = await rows.evaluateAll((trs) =>
    trs.map((tr) => Number(tr.querySelectorAll('td')[7]!.textContent)),
  );
  expect(counts.every((n) => n >= 4)).toBe(true);
  expect(counts).toEqual([...counts].sort((a, b) => b - a));
  await page.getByRole('button', { name: 'clear filters' }).click();
  await expect(page.getByTestId('row-count')).toHaveText('12 rows');

  // A histogram bar filters to its range.
  await page.locator('.field-histogram [data-bin]').first().click();
  await expect(page.getByTestId('row-count')).not.toHaveText('12 rows');
  await page.getByRole('button', { name: 'clear filters' }).click();

  // More like this, by perceptual hash (no embedding run here).
  await rows.first().getByRole('button', { name: 'Similar' }).click();
  const similar = page.getByRole('dialog', { name: 'More like this' });
  await expect(similar).toContainText('by perceptual hash');
  await expect(similar.locator('.similar-tile')).toHaveCount(11);
  await screenshot(page, '67-quality-similar');
  await similar.getByRole('button', { name: 'Close' }).click();

  // Objects: smallest first; open one in the editor with it selected, then come back.
  await page.getByRole('tab', { name: 'Objects' }).click();
  await expect(page.getByTestId('row-count')).toHaveText('43 rows');
  const first = rows.first();
  const fileName = (await first.getAttribute('data-row'))!;
  await screenshot(page, '68-quality-objects');
  await first.getByRole('button', { name: fileName }).click();
  await expect(page.locator('[data-page="viewer"]')).toBeVisible();
  await expect(page.locator('[data-testid="object-row"][data-selected="true"]')).toHaveCount(1);
  await page.getByTestId('focus-back').click();
  await expect(page.locator('[data-page="quality"]')).toBeVisible();

  // More like this for an object, by the perceptual hash of its crop.
  await page.getByRole('tab', { name: 'Objects' }).click();
  await rows.first().getByRole('button', { name: 'Similar' }).click();
  const similarObjects = page.getByRole('dialog', { name: 'More like this' });
  await expect(similarObjects).toContainText('by crop hash');
  await expect(similarObjects.locator('.similar-tile').first()).toContainText('bits apart');
  expect(await similarObjects.locator('.similar-tile').count()).toBeGreaterThan(3);
  await screenshot(page, '71-quality-similar-objects');
  await similarObjects.getByRole('button', { name: 'Close' }).click();

  // Class balance.
  await page.getByRole('tab', { name: 'Class balance' }).click();
  await expect(page.locator('[data-bar="text"], [data-bar]').first()).toBeVisible();
  await screenshot(page, '69-quality-class-balance');

  // Hard samples from the run's confidences, then labelled in that order.
  await page.getByRole('tab', { name: 'Hard samples' }).click();
  const queue = page.locator('.hard-list li');
  await expect(queue.first()).toBeVisible();
  const order = await queue.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-image')!));
  const scores = await queue.evaluateAll((lis) =>
    lis.map((li) => Number(li.querySelector('.number')!.textContent)),
  );
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
  await screenshot(page, '70-quality-hard-samples');
  await page.getByRole('button', { name: /^Label these \d+ in order$/ }).click();
  await expect(page.locator('[data-page="viewer"] h1')).toHaveText(order[0]!);
  await page.getByRole('button', { name: 'Next →' }).click();
  await expect(page.locator('[data-page="viewer"] h1')).toHaveText(order[1]!);
});
