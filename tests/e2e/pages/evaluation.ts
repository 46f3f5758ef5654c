/** The Evaluation screen: metrics, charts and the failure-case grid. */

import { expect, type Locator, type Page } from '@playwright/test';

export class EvaluationScreen {
  constructor(readonly page: Page) {}

  async expectEvaluated() {
    await expect(this.page.locator('[data-page="evaluation"]')).toBeVisible();
    await expect(this.page.getByTestId('evaluation-status')).toContainText(/\d+ images, \d+ labels/, {
      timeout: 60_000,
    });
  }

  metric(name: 'ap' | 'tp' | 'fp' | 'fn'): Locator {
    return this.page.getByTestId(`metric-${name}`).locator('.metric-value');
  }

  async count(name: 'tp' | 'fp' | 'fn'): Promise<number> {
    return Number(await this.metric(name).textContent());
  }

  /** Opens a failure list by its tab ("False positives", "True positives", …). */
  async list(name: string) {
    await this.page.getByRole('tab', { name: new RegExp(`^${name} \\(`) }).click();
  }

  get patches(): Locator {
    return this.page.locator('.object-patch');
  }

  /** Prediction ids are unique within their image, so both name a patch. */
  patchOfPrediction(fileName: string, predictionId: string): Locator {
    return this.page.locator(`.object-patch[data-image="${fileName}"][data-prediction="${predictionId}"]`);
  }
}
