import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asImagePoint,
  clampNormalized,
  clampToImage,
  imageBox,
  imageBoxToNormalized,
  imageBoxToScreen,
  imagePoint,
  imageToNormalized,
  imageToScreen,
  normalizedBox,
  normalizedBoxToImage,
  normalizedPoint,
  normalizedToImage,
  screenBoxToImage,
  screenLengthToImage,
  screenPoint,
  screenToImage,
  type ImagePoint,
} from './spaces';

const coordinate = fc.double({ min: -1e5, max: 1e5, noNaN: true });
const imagePoints = fc.tuple(coordinate, coordinate).map(([x, y]) => imagePoint(x, y));
const sizes = fc.record({
  width: fc.integer({ min: 1, max: 20_000 }),
  height: fc.integer({ min: 1, max: 20_000 }),
});
const viewports = fc.record({
  scale: fc.double({ min: 0.01, max: 64, noNaN: true }),
  x: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
  y: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
});
const imageBoxes = fc
  .tuple(
    coordinate,
    coordinate,
    fc.double({ min: 0, max: 1e5, noNaN: true }),
    fc.double({ min: 0, max: 1e5, noNaN: true }),
  )
  .map(([x, y, w, h]) => imageBox(x, y, w, h));

/** Equal up to floating-point error relative to the magnitudes involved. */
const near = (a: number, b: number, scale = 1) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a), Math.abs(b), scale));

describe('image ↔ normalized', () => {
  it('divides by the image size', () => {
    expect(imageToNormalized(imagePoint(960, 270), { width: 1920, height: 1080 })).toEqual({
      x: 0.5,
      y: 0.25,
    });
    expect(normalizedToImage(normalizedPoint(0.5, 0.25), { width: 1920, height: 1080 })).toEqual({
      x: 960,
      y: 270,
    });
    expect(imageBoxToNormalized(imageBox(192, 108, 960, 540), { width: 1920, height: 1080 })).toEqual({
      x: 0.1,
      y: 0.1,
      width: 0.5,
      height: 0.5,
    });
  });

  it('round-trips points and boxes', () => {
    fc.assert(
      fc.property(imagePoints, sizes, (p, size) => {
        const back = normalizedToImage(imageToNormalized(p, size), size);
        near(back.x, p.x);
        near(back.y, p.y);
      }),
    );
    fc.assert(
      fc.property(imageBoxes, sizes, (box, size) => {
        const back = normalizedBoxToImage(imageBoxToNormalized(box, size), size);
        near(back.x, box.x);
        near(back.y, box.y);
        near(back.width, box.width);
        near(back.height, box.height);
      }),
    );
  });
});

describe('image ↔ screen', () => {
  it('applies screen = image × scale + offset, as the viewer draws', () => {
    const viewport = { scale: 2, x: 10, y: 20 };
    expect(imageToScreen(imagePoint(5, 5), viewport)).toEqual({ x: 20, y: 30 });
    expect(screenToImage(screenPoint(20, 30), viewport)).toEqual({ x: 5, y: 5 });
    expect(imageBoxToScreen(imageBox(5, 5, 100, 50), viewport)).toEqual({
      x: 20,
      y: 30,
      width: 200,
      height: 100,
    });
    expect(screenLengthToImage(8, viewport)).toBe(4);
  });

  it('round-trips points and boxes at any zoom and pan', () => {
    fc.assert(
      fc.property(imagePoints, viewports, (p, viewport) => {
        const back = screenToImage(imageToScreen(p, viewport), viewport);
        // Error grows with the pan offset in image pixels, |x| / scale.
        const magnitude = (Math.abs(viewport.x) + Math.abs(viewport.y)) / viewport.scale;
        near(back.x, p.x, magnitude);
        near(back.y, p.y, magnitude);
      }),
    );
    fc.assert(
      fc.property(imageBoxes, viewports, (box, viewport) => {
        const back = screenBoxToImage(imageBoxToScreen(box, viewport), viewport);
        const magnitude = (Math.abs(viewport.x) + Math.abs(viewport.y)) / viewport.scale;
        near(back.x, box.x, magnitude);
        near(back.y, box.y, magnitude);
        near(back.width, box.width);
        near(back.height, box.height);
      }),
    );
  });

  it('keeps points and boxes consistent: a box corner maps like a point', () => {
    fc.assert(
      fc.property(imageBoxes, viewports, (box, viewport) => {
        const screen = imageBoxToScreen(box, viewport);
        const corner = imageToScreen(imagePoint(box.x + box.width, box.y + box.height), viewport);
        const magnitude = Math.abs(corner.x) + Math.abs(corner.y);
        near(screen.x + screen.width, corner.x, magnitude);
        near(screen.y + screen.height, corner.y, magnitude);
      }),
    );
  });
});

describe('clamping', () => {
  it('moves points outside the image onto its border and leaves inside points alone', () => {
    const size = { width: 640, height: 480 };
    expect(clampToImage(imagePoint(-3, 500), size)).toEqual({ x: 0, y: 480 });
    expect(clampToImage(imagePoint(700, -1), size)).toEqual({ x: 640, y: 0 });
    expect(clampToImage(imagePoint(12.5, 7), size)).toEqual({ x: 12.5, y: 7 });
    expect(clampNormalized(normalizedPoint(-0.1, 1.2))).toEqual({ x: 0, y: 1 });
  });

  it('always lands inside the image', () => {
    fc.assert(
      fc.property(imagePoints, sizes, (p, size) => {
        const c = clampToImage(p, size);
        expect(c.x >= 0 && c.x <= size.width && c.y >= 0 && c.y <= size.height).toBe(true);
      }),
    );
  });
});

describe('brands', () => {
  it('keep the spaces apart at compile time while a stored point brands as image space', () => {
    const stored = { x: 3, y: 4 };
    const p: ImagePoint = asImagePoint(stored);
    // A branded point still fits where a stored point is expected.
    const plain: { x: number; y: number } = p;
    // @ts-expect-error a screen point is not an image point
    const wrong: ImagePoint = screenPoint(1, 2);
    // @ts-expect-error a plain object is not branded
    screenToImage({ x: 1, y: 2 }, { scale: 1, x: 0, y: 0 });
    // @ts-expect-error normalized boxes do not convert as image boxes
    imageBoxToScreen(normalizedBox(0, 0, 1, 1), { scale: 1, x: 0, y: 0 });
    expect([plain, wrong]).toEqual([
      { x: 3, y: 4 },
      { x: 1, y: 2 },
    ]);
  });
});
