/** Page object of the labeling screen: draws in image pixels, reads what was saved, waits on the canvas marker. */

import { expect, type Locator, type Page } from '@playwright/test';
import { storedImage } from '../support/seed';

export interface Xy {
  readonly x: number;
  readonly y: number;
}

const option = (id: string, hotkey?: string) => ({ id, label: id, ...(hotkey ? { hotkey } : {}) });

/** A schema with every geometry: cars (box, rotated box, polygon) need a plate; people have a 3-point skeleton. */
export const STREET_SCHEMA = {
  format: 'labelloop.annotation-schema/1',
  name: 'Street',
  classes: [
    {
      id: 'car',
      name: 'Car',
      color: '#ff4d4d',
      geometries: ['box', 'rotated-box', 'polygon'],
      attributes: [
        {
          id: 'occlusion',
          name: 'Occlusion',
          type: 'single-choice',
          required: true,
          options: [option('none', 'q'), option('partial', 'w'), option('heavy', 'e')],
          default: 'none',
        },
        { id: 'plate', name: 'Plate', type: 'text', required: true },
      ],
      constraints: { minBoxWidth: 4, minBoxHeight: 4 },
    },
    {
      id: 'person',
      name: 'Person',
      color: '#4dabff',
      geometries: ['keypoints', 'box'],
      skeleton: {
        keypoints: ['head', 'left_hand', 'right_hand'],
        edges: [
          ['head', 'left_hand'],
          ['head', 'right_hand'],
        ],
        flipPairs: [['left_hand', 'right_hand']],
      },
      attributes: [],
    },
    { id: 'lane', name: 'Lane', color: '#ffd84d', geometries: ['polyline'], attributes: [] },
    { id: 'sign', name: 'Sign', color: '#4dff88', geometries: ['point'], attributes: [] },
    { id: 'night', name: 'Night', color: '#9b7bff', geometries: ['tag'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

export interface DragOptions {
  readonly modifiers?: readonly ('Shift' | 'Alt')[];
  readonly button?: 'left' | 'middle';
}

/** The canvas's pan and zoom: a page point is canvas corner + (x, y) + image point × scale. */
export interface Viewport {
  readonly x: number;
  readonly y: number;
  readonly scale: number;
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

  async drag(from: Xy, to: Xy, options: DragOptions = {}) {
    await this.dragOnScreen(await this.toScreen(from), await this.toScreen(to), options);
  }

  /** A drag between two page points (not image pixels), e.g. to pan by an exact number of screen pixels. */
  async dragOnScreen(a: Xy, b: Xy, { modifiers = [], button = 'left' }: DragOptions = {}) {
    await this.page.mouse.move(a.x, a.y);
    for (const key of modifiers) await this.page.keyboard.down(key);
    await this.page.mouse.down({ button });
    for (let i = 1; i <= 5; i++)
      await this.page.mouse.move(a.x + ((b.x - a.x) * i) / 5, a.y + ((b.y - a.y) * i) / 5);
    await this.page.mouse.up({ button });
    for (const key of modifiers) await this.page.keyboard.up(key);
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

  async viewport(): Promise<Viewport> {
    const [x = 0, y = 0, scale = 1] = ((await this.canvas.getAttribute('data-viewport')) ?? '0,0,1')
      .split(',')
      .map(Number);
    return { x, y, scale };
  }

  /** The image pixel under a page point, from the canvas's current viewport. */
  async toImage(point: Xy): Promise<Xy> {
    const { x, y, scale } = await this.viewport();
    const box = (await this.canvas.boundingBox())!;
    return { x: (point.x - box.x - x) / scale, y: (point.y - box.y - y) / scale };
  }

  /** The canvas's size and the page point at its centre. */
  async canvasBox(): Promise<{ width: number; height: number; centre: Xy }> {
    const box = (await this.canvas.boundingBox())!;
    return {
      width: box.width,
      height: box.height,
      centre: { x: box.x + box.width / 2, y: box.y + box.height / 2 },
    };
  }

  /** How many annotations the last paint drew (hidden ones and those off screen are not). */
  async expectPainted(count: number) {
    await expect(this.canvas).toHaveAttribute('data-painted', String(count));
  }

  get objects(): Locator {
    return this.page.getByRole('region', { name: 'Objects' });
  }

  get rows(): Locator {
    return this.page.getByTestId('object-row');
  }

  /** The object list's rows as their `#n` labels (draw order), top to bottom. */
  async rowLabels(): Promise<string[]> {
    return this.rows.locator('.object-index').allTextContents();
  }

  /** The `#n` labels of the selected rows, top to bottom. */
  async expectSelectedRows(labels: readonly string[]) {
    await expect(
      this.page.locator('[data-testid="object-row"][data-selected="true"] .object-index'),
    ).toHaveText([...labels]);
  }

  /** The object list row labelled `#n`. */
  row(n: number): Locator {
    return this.rows.filter({ has: this.page.locator('.object-index', { hasText: new RegExp(`^#${n}$`) }) });
  }

  classRow(classId: string): Locator {
    return this.page.locator(`[data-testid="class-row"][data-class-id="${classId}"]`);
  }
}
