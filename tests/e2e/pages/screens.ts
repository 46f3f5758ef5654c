/** Page objects: one per screen, in the words a user would use for what they see and do. */

import { expect, type Locator, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';

export const SCREENSHOT_DIR = 'test-results/screenshots';

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
}

export class ProjectsScreen {
  constructor(readonly page: Page) {}

  async expectVisible() {
    await expect(this.page.locator('[data-page="projects"]')).toBeVisible();
  }

  row(name: string): Locator {
    return this.page.locator(`tr[data-project="${name}"]`);
  }

  async create(name: string): Promise<ProjectScreen> {
    await this.page.getByLabel('New project name').fill(name);
    await this.page.getByRole('button', { name: 'Create project' }).click();
    const project = new ProjectScreen(this.page);
    await project.expectVisible(name);
    return project;
  }

  async open(name: string): Promise<ProjectScreen> {
    await this.row(name).getByRole('button', { name }).click();
    const project = new ProjectScreen(this.page);
    await project.expectVisible(name);
    return project;
  }

  async imageCount(name: string): Promise<string> {
    return (await this.row(name).getByTestId('image-count').textContent()) ?? '';
  }

  async rename(from: string, to: string) {
    await this.row(from).getByRole('button', { name: 'Rename' }).click();
    await this.page.getByLabel('Project name', { exact: true }).fill(to);
    await this.page.getByRole('button', { name: 'Save' }).click();
    await expect(this.row(to)).toBeVisible();
  }

  /** Opens the delete confirmation and returns its text before confirming. */
  async delete(name: string): Promise<string> {
    await this.row(name).getByRole('button', { name: 'Delete' }).click();
    const dialog = this.page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    const text = (await dialog.textContent()) ?? '';
    await screenshot(this.page, '05-delete-confirmation');
    await dialog.getByRole('button', { name: 'Delete project' }).click();
    await expect(this.row(name)).toHaveCount(0);
    return text;
  }
}

export class ProjectScreen {
  constructor(readonly page: Page) {}

  async expectVisible(name: string) {
    await expect(this.page.locator('[data-page="project"]')).toBeVisible();
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText(name);
  }

  get gallery(): Locator {
    return this.page.getByRole('grid', { name: 'Images' });
  }

  /** File names of every image in the gallery (the fixture is small enough to be fully rendered). */
  async fileNames(): Promise<string[]> {
    return this.gallery
      .locator('[data-file]')
      .evaluateAll((cells) => cells.map((c) => c.getAttribute('data-file') ?? ''));
  }

  async expectImageCount(count: number) {
    await expect(this.gallery).toHaveAttribute('data-count', String(count));
  }

  /** Imports a folder through the in-app folder browser (browser mode has no native dialog). */
  async importFolder(path: string) {
    await this.page.getByRole('button', { name: 'Import images' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Import images' });
    await dialog.getByLabel('Folder path').fill(path);
    await dialog.getByRole('button', { name: 'Go' }).click();
    await expect(dialog.getByLabel('Folder path')).toHaveValue(path);
    await screenshot(this.page, '02-import-dialog');
    await dialog.getByRole('button', { name: 'Import this folder' }).click();
    await expect(dialog).toHaveCount(0);
  }

  get report(): Locator {
    return this.page.getByRole('region', { name: 'Import report' });
  }

  async waitForImportToFinish() {
    await expect(this.page.getByRole('status', { name: 'Import progress' })).toHaveCount(0, {
      timeout: 60_000,
    });
    await expect(this.report).not.toHaveAttribute('data-state', 'running');
  }

  /** Problem code per file name, as listed in the report. */
  async reportedProblems(): Promise<Record<string, string>> {
    const rows = await this.report
      .locator('tr[data-problem]')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.querySelector('.path')?.textContent ?? '',
          tr.getAttribute('data-problem') ?? '',
        ]),
      );
    return Object.fromEntries(rows.map(([path = '', code = '']) => [path.split('/').pop() ?? path, code]));
  }

  async openImage(fileName: string): Promise<ViewerScreen> {
    await this.gallery.locator(`[data-file="${fileName}"]`).dblclick();
    const viewer = new ViewerScreen(this.page);
    await viewer.expectDrawn();
    return viewer;
  }

  async backToProjects(): Promise<ProjectsScreen> {
    await this.page.getByRole('button', { name: 'Projects' }).click();
    const projects = new ProjectsScreen(this.page);
    await projects.expectVisible();
    return projects;
  }
}

export class ViewerScreen {
  constructor(readonly page: Page) {}

  get canvas(): Locator {
    return this.page.locator('.viewer-canvas');
  }

  async expectDrawn() {
    await expect(this.page.locator('[data-page="viewer"]')).toBeVisible();
    await expect(this.canvas).toHaveAttribute('data-drawn', /.+/);
  }

  async naturalSize(): Promise<{ width: number; height: number }> {
    return {
      width: Number(await this.canvas.getAttribute('data-natural-width')),
      height: Number(await this.canvas.getAttribute('data-natural-height')),
    };
  }

  async next() {
    const before = await this.canvas.getAttribute('data-drawn');
    await this.page.keyboard.press('d');
    await expect(this.canvas).not.toHaveAttribute('data-drawn', before ?? '');
    await this.expectDrawn();
  }

  async backToGallery(): Promise<void> {
    await this.page.keyboard.press('Shift+Escape');
    await expect(this.page.locator('[data-page="project"]')).toBeVisible();
  }
}

export class SchemaScreen {
  constructor(readonly page: Page) {}

  static async open(project: ProjectScreen): Promise<SchemaScreen> {
    await project.page.getByRole('button', { name: 'Schema', exact: true }).click();
    const schema = new SchemaScreen(project.page);
    await expect(project.page.locator('[data-page="schema"]')).toBeVisible();
    return schema;
  }

  get impact(): Locator {
    return this.page.getByTestId('change-impact');
  }

  /** Waits for the impact preview of the open change dialog, returns its text, then applies the change. */
  async applyChange(): Promise<string> {
    const dialog = this.page.getByRole('dialog');
    await expect(dialog.getByRole('button', { name: 'Apply change' })).toBeEnabled();
    const text = (await this.impact.textContent()) ?? '';
    await dialog.getByRole('button', { name: 'Apply change' }).click();
    await expect(dialog).toHaveCount(0);
    return text;
  }

  async version(): Promise<string> {
    return (await this.page.getByTestId('schema-version').textContent()) ?? '';
  }

  async startFromPreset(name: string): Promise<string> {
    await this.page.getByRole('button', { name: new RegExp(`^${name}`) }).click();
    return this.applyChange();
  }

  classItem(name: string): Locator {
    return this.page.locator(`.class-item[data-class="${name}"]`);
  }

  async classNames(): Promise<string[]> {
    return this.page
      .locator('.class-item')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-class') ?? ''));
  }

  async select(name: string) {
    await this.classItem(name).locator('.class-select').click();
    await expect(this.page.getByLabel('Class name', { exact: true })).toHaveValue(name);
  }

  async addClass(name: string): Promise<string> {
    await this.page.getByLabel('New class name', { exact: true }).fill(name);
    await this.page.getByRole('button', { name: 'Add', exact: true }).click();
    return this.applyChange();
  }

  async rename(from: string, to: string): Promise<string> {
    await this.select(from);
    await this.page.getByLabel('Class name', { exact: true }).fill(to);
    await this.page.getByRole('button', { name: 'Save class' }).click();
    return this.applyChange();
  }

  async merge(source: string, target: string): Promise<string> {
    await this.select(source);
    await this.page.getByRole('button', { name: 'Merge into…' }).click();
    await this.page.getByLabel('Merge target').selectOption({ label: target });
    await this.page.getByRole('button', { name: 'Continue' }).click();
    return this.applyChange();
  }

  async undo() {
    await this.page.getByRole('button', { name: 'Undo last change' }).click();
    await expect(this.page.getByTestId('schema-notice')).toContainText('Undid');
  }

  async tab(name: RegExp | string) {
    await this.page.getByRole('tab', { name }).click();
  }
}
