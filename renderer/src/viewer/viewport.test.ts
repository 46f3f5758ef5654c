import { describe, expect, it } from 'vitest';
import { actualSizeViewport, fitViewport, MAX_SCALE, MIN_SCALE, zoomAt, type Viewport } from './viewport';

const view = { width: 1000, height: 800 };

/** Where the image's edges land on screen. */
const screenBox = (viewport: Viewport, image: { width: number; height: number }) => ({
  left: viewport.x,
  top: viewport.y,
  right: viewport.x + image.width * viewport.scale,
  bottom: viewport.y + image.height * viewport.scale,
});

const toImage = (viewport: Viewport, screen: { x: number; y: number }) => ({
  x: (screen.x - viewport.x) / viewport.scale,
  y: (screen.y - viewport.y) / viewport.scale,
});

describe('fitViewport', () => {
  it('fits a landscape image to the view width less the margins, centred vertically', () => {
    const image = { width: 4000, height: 2000 };
    const fit = fitViewport(image, view, 16);

    expect(fit.scale).toBeCloseTo(968 / 4000, 12);
    const box = screenBox(fit, image);
    expect(box.left).toBeCloseTo(16, 9);
    expect(box.right).toBeCloseTo(984, 9);
    expect(box.top).toBeCloseTo(400 - 242, 9);
    expect(box.bottom).toBeCloseTo(400 + 242, 9);
  });

  it('fits a portrait image to the view height less the margins, centred horizontally', () => {
    const image = { width: 1080, height: 1920 };
    const fit = fitViewport(image, view, 16);

    expect(fit.scale).toBeCloseTo(768 / 1920, 12);
    const box = screenBox(fit, image);
    expect(box.top).toBeCloseTo(16, 9);
    expect(box.bottom).toBeCloseTo(784, 9);
    expect(box.left).toBeCloseTo(500 - 216, 9);
    expect(box.right).toBeCloseTo(500 + 216, 9);
  });

  it('enlarges a small image until its longer fitting side meets the margin', () => {
    const image = { width: 100, height: 100 };
    const fit = fitViewport(image, view, 20);
    expect(fit.scale).toBeCloseTo(7.6, 12);
    expect(screenBox(fit, image)).toEqual({ left: 120, top: 20, right: 880, bottom: 780 });
  });

  it('never fits below the minimum scale', () => {
    expect(fitViewport({ width: 1_000_000, height: 10 }, view).scale).toBe(MIN_SCALE);
  });
});

describe('actualSizeViewport', () => {
  it('shows pixels 1:1, centred even when larger than the view', () => {
    expect(actualSizeViewport({ width: 400, height: 200 }, view)).toEqual({ scale: 1, x: 300, y: 300 });
    expect(actualSizeViewport({ width: 3000, height: 1000 }, view)).toEqual({ scale: 1, x: -1000, y: -100 });
  });
});

describe('zoomAt', () => {
  const start: Viewport = { scale: 0.5, x: 40, y: -60 };
  const cursor = { x: 613, y: 287 };

  it('keeps the image point under the cursor fixed when zooming in and out', () => {
    const before = toImage(start, cursor);
    for (const factor of [2, 1.1, 0.25, 1 / 1.1]) {
      const zoomed = zoomAt(start, cursor, factor);
      expect(zoomed.scale).toBeCloseTo(start.scale * factor, 12);
      const underCursor = toImage(zoomed, cursor);
      expect(underCursor.x).toBeCloseTo(before.x, 9);
      expect(underCursor.y).toBeCloseTo(before.y, 9);
    }
  });

  it('keeps the point fixed over many wheel steps', () => {
    const before = toImage(start, cursor);
    let viewport = start;
    for (let step = 0; step < 20; step++) viewport = zoomAt(viewport, cursor, 1.2);
    for (let step = 0; step < 7; step++) viewport = zoomAt(viewport, cursor, 1 / 1.2);
    const after = toImage(viewport, cursor);
    expect(after.x).toBeCloseTo(before.x, 6);
    expect(after.y).toBeCloseTo(before.y, 6);
  });

  it('clamps the scale to the maximum and minimum and still keeps the cursor point fixed', () => {
    const before = toImage(start, cursor);

    const tooClose = zoomAt(start, cursor, 1000);
    expect(tooClose.scale).toBe(MAX_SCALE);
    expect(toImage(tooClose, cursor).x).toBeCloseTo(before.x, 9);
    expect(toImage(tooClose, cursor).y).toBeCloseTo(before.y, 9);

    const tooFar = zoomAt(start, cursor, 1 / 1000);
    expect(tooFar.scale).toBe(MIN_SCALE);
    expect(toImage(tooFar, cursor).x).toBeCloseTo(before.x, 9);
    expect(toImage(tooFar, cursor).y).toBeCloseTo(before.y, 9);
  });

  it('does not move the view when already at the maximum', () => {
    const atMax: Viewport = { scale: MAX_SCALE, x: -5000, y: -3000 };
    expect(zoomAt(atMax, cursor, 2)).toEqual(atMax);
  });
});
