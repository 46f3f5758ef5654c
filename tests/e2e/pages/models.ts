/** The Models screen: models, the card form, the run form and the runs list. */

import { expect, type Locator, type Page } from '@playwright/test';

export class ModelsScreen {
  constructor(readonly page: Page) {}

  async expectVisible() {
    await expect(this.page.locator('[data-page="models"]')).toBeVisible();
  }

  model(name: string | RegExp): Locator {
    return this.page.getByRole('list', { name: 'Models' }).getByRole('button', { name });
  }

  get card(): Locator {
    return this.page.getByRole('form', { name: 'Model card' });
  }

  get runForm(): Locator {
    return this.page.getByRole('form', { name: 'Run model' });
  }

  /** The runs list's rows, newest first. */
  get runs(): Locator {
    return this.page.getByRole('region', { name: 'Runs' }).locator('article.run-row');
  }

  status(run: Locator): Locator {
    return run.getByTestId('run-status');
  }

  /** Adds a model by browsing to its folder in the in-app browser and choosing the file. */
  async add(folder: string, fileName: string) {
    await this.page.getByRole('button', { name: 'Add model' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Add an ONNX model' });
    await dialog.getByLabel('Folder path').fill(folder);
    await dialog.getByRole('button', { name: 'Go' }).click();
    await dialog.getByRole('radio', { name: fileName }).check();
    await dialog.getByRole('button', { name: 'Add model' }).click();
    await expect(dialog).toHaveCount(0);
  }

  /** Starts a run on every image with `threads` threads; answers the new run's row. */
  async runOnAll(threads: number): Promise<Locator> {
    const before = await this.runs.count();
    await this.runForm.getByLabel('Threads').fill(String(threads));
    await this.runForm.getByRole('radio', { name: /All images/ }).check();
    await this.runForm.getByRole('button', { name: /^Run on \d+ images?$/ }).click();
    await expect(this.runs).toHaveCount(before + 1);
    const id = await this.runs.first().getAttribute('data-run-id');
    return this.page.locator(`article[data-run-id="${id}"]`);
  }
}
