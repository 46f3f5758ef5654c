/** Page objects for people (the header's person button) and the Review & QA screen's tabs. */

import { expect, type Locator, type Page } from '@playwright/test';

export type RoleLabel = 'Annotator' | 'Reviewer' | 'QA lead';

/** Who is working: add a profile or switch to one from the header. */
export class People {
  constructor(readonly page: Page) {}

  get chip(): Locator {
    return this.page.getByTestId('current-user');
  }

  async add(name: string, role: RoleLabel) {
    await this.chip.click();
    const dialog = this.page.getByRole('dialog', { name: 'Who is working?' });
    await dialog.getByLabel("New person's name").fill(name);
    await dialog.getByLabel("New person's role").selectOption({ label: role });
    await dialog.getByRole('button', { name: 'Add and switch' }).click();
    await expect(this.chip).toHaveAttribute('data-user', name);
  }

  async switchTo(name: string) {
    await this.chip.click();
    const dialog = this.page.getByRole('dialog', { name: 'Who is working?' });
    await dialog.getByTestId('choose-user').filter({ hasText: name }).click();
    await expect(this.chip).toHaveAttribute('data-user', name);
  }
}

export class QaScreen {
  constructor(readonly page: Page) {}

  /** From a project's page: the header's Review & QA button. */
  static async open(page: Page): Promise<QaScreen> {
    await page.getByRole('button', { name: 'Review & QA' }).click();
    await expect(page.locator('[data-page="qa"]')).toBeVisible();
    return new QaScreen(page);
  }

  async tab(name: string) {
    await this.page.getByRole('tab', { name }).click();
    await expect(this.page.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
  }

  assignment(annotator: string): Locator {
    return this.page.locator(`[data-testid="assignment-row"][data-annotator="${annotator}"]`);
  }

  /** Clicks a control that downloads a file and saves the file at `path`. */
  async download(control: Locator, path: string): Promise<string> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), control.click()]);
    await download.saveAs(path);
    return download.suggestedFilename();
  }

  /** Clicks a control that opens a file chooser and gives it `path`. */
  async upload(control: Locator, path: string) {
    const [chooser] = await Promise.all([this.page.waitForEvent('filechooser'), control.click()]);
    await chooser.setFiles(path);
  }

  get queueRows(): Locator {
    return this.page.getByTestId('queue-row');
  }
}
