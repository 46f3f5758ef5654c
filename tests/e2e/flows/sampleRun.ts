/** The start shared by the evaluation and data quality specs: open the sample project and run its detector. */

import { expect, type Locator, type Page } from '@playwright/test';
import { ModelsScreen } from '../pages/models';
import { ProjectsScreen } from '../pages/screens';
import type { RunningApp } from '../support/browserMode';

export const SAMPLE = 'Sample: text and shapes';

/** Expects browser mode started with the sample; opens it, runs the bundled detector on all images to done. */
export async function runSampleDetector(
  page: Page,
  app: RunningApp,
): Promise<{ models: ModelsScreen; run: Locator }> {
  await page.goto(app.url);
  const projects = new ProjectsScreen(page);
  await expect(projects.row(SAMPLE)).toBeVisible({ timeout: 60_000 });
  await projects.open(SAMPLE);
  await page.getByRole('button', { name: /^Models/ }).click();
  const models = new ModelsScreen(page);
  await models.expectVisible();
  const run = await models.runOnAll(2);
  await expect(models.status(run)).toHaveText('done', { timeout: 120_000 });
  return { models, run };
}
