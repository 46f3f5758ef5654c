/** The Versions screen in the words it uses, and image ids read from the app's database. */

import { expect, type Locator, type Page } from '@playwright/test';

/** Page object of the Versions screen, in the words the screen uses. */
export class VersionsScreen {
  constructor(readonly page: Page) {}

  static async open(page: Page): Promise<VersionsScreen> {
    await page.getByRole('button', { name: 'Versions', exact: true }).click();
    await expect(page.locator('[data-page="versions"]')).toBeVisible();
    return new VersionsScreen(page);
  }

  row(number: number): Locator {
    return this.page.locator(`.versions-table tr[data-version="${number}"]`);
  }

  get createDialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Create version' });
  }

  classRow(classId: string): Locator {
    return this.page
      .getByRole('table', { name: 'Annotations per class and split' })
      .locator(`tr[data-class="${classId}"]`);
  }

  /** Annotation counts of a class in the selected version: train, val, test, total. */
  async classCounts(classId: string): Promise<number[]> {
    const cells = this.classRow(classId).locator('td[data-split]');
    return (await cells.allTextContents()).map(Number);
  }

  async splitSizes(): Promise<number[]> {
    return Promise.all(
      ['train', 'val', 'test'].map(async (split) =>
        Number(await this.page.getByTestId(`split-size-${split}`).textContent()),
      ),
    );
  }

  async create(message: string, author?: string) {
    await this.page.getByRole('button', { name: 'Create version', exact: true }).click();
    await expect(this.createDialog).toBeVisible();
    await this.createDialog.getByLabel('Message').fill(message);
    if (author !== undefined) await this.createDialog.getByLabel('Author').fill(author);
    await this.createDialog.getByRole('button', { name: /^Create version \d+$/ }).click();
    await expect(this.createDialog).toHaveCount(0);
  }

  async tab(name: 'Contents' | 'Compare') {
    await this.page.getByRole('tab', { name }).click();
  }

  get compare(): Locator {
    return this.page.getByTestId('version-compare');
  }

  async waitForDiff() {
    await expect(this.compare).toHaveAttribute('data-state', 'ready');
  }

  diffRow(path: string): Locator {
    return this.page.locator(`.diff-row[data-path="${path}"]`);
  }
}

/** Image ids by file name, read from the app's database. */
export async function imageIds(page: Page, projectId: string): Promise<Record<string, string>> {
  return page.evaluate(async (projectId) => {
    const db: IDBDatabase = await new Promise((resolve, reject) => {
      const request = indexedDB.open('labelloop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const rows: { id: string; projectId: string; relPath: string }[] = await new Promise(
      (resolve, reject) => {
        const request = db.transaction('images').objectStore('images').getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      },
    );
    db.close();
    return Object.fromEntries(rows.filter((r) => r.projectId === projectId).map((r) => [r.relPath, r.id]));
  }, projectId);
}
