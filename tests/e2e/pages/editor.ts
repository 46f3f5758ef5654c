/** Page object of the labeling screen: draws in image pixels, reads what was saved, waits on the canvas marker. */

import { expect, type Locator, type Page } from '@playwright/test';
import { storedImage } from '../support/seed';

export interface Xy {
  readonly x: number;
  readonly y: number;
}

export class EditorScreen {
  constructor(readonly page: Page) {}

  get canvas(): Locator {
    return this.page.locator('.editor-canvas');
  }

  get frame(): Locator {
    return this.page.locator('.viewer-canvas');
  }

  async expectDrawn() {
    await expect(this.page.locator('[data-page="viewer"]')).toBeVisible();
    await expect(this.frame).toHaveAttribute('data-drawn', /.+/);
  }

  imageId(): string {
    const match = /\/images\/([^/?#]+)$/.exec(new URL(this.page.url()).hash);
    if (!match?.[1]) throw new Error(`not on an image: ${this.page.url()}`);
    return match[1];
  }

  /** Where an image pixel is on the page, from the canvas's current viewport. */
  async toScreen(point: Xy): Promise<Xy> {
    const [x, y, scale] = ((await this.canvas.getAttribute('data-viewport')) ?? '0,0,1')
      .split(',')
      .map(Number);
    const box = (await this.canvas.boundingBox())!;
    return { x: box.x + x! + point.x * scale!, y: box.y + y! + point.y * scale! };
  }

  async click(point: Xy, modifiers: ('Shift' | 'Alt')[] = []) {
    const at = await this.toScreen(point);
    for (const key of modifiers) await this.page.keyboard.down(key);
    await this.page.mouse.click(at.x, at.y);
    for (const key of modifiers) await this.page.keyboard.up(key);
  }

  async drag(from: Xy, to: Xy) {
    const a = await this.toScreen(from);
    const b = await this.toScreen(to);
    await this.page.mouse.move(a.x, a.y);
    await this.page.mouse.down();
    for (let i = 1; i <= 5; i++)
      await this.page.mouse.move(a.x + ((b.x - a.x) * i) / 5, a.y + ((b.y - a.y) * i) / 5);
    await this.page.mouse.up();
  }

  async clickPoints(points: readonly Xy[]) {
    // Far enough apart in time that two clicks are never a double click.
    for (const point of points) {
      await this.click(point);
      await this.page.waitForTimeout(450);
    }
  }

  async expectSaved() {
    await expect(this.page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved');
  }

  async stored() {
    await this.expectSaved();
    return storedImage(this.page, this.imageId());
  }

  async expectCount(count: number) {
    await expect(this.frame).toHaveAttribute('data-annotation-count', String(count));
  }

  get status(): Locator {
    return this.page.getByTestId('image-status');
  }
}
