import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uprightSize } from '../images/types';
import { planResize, toImageBox, toImagePoint, toInputBox } from './letterbox';

const yolov8 = { kind: 'letterbox', width: 640, height: 640, align: 'center', padValue: 114 } as const;
const yolox = { kind: 'letterbox', width: 416, height: 416, align: 'top-left', padValue: 114 } as const;

describe('planResize', () => {
  it('letterboxes a portrait photo into 640² centred, as Ultralytics LetterBox does', () => {
    expect(planResize({ width: 810, height: 1080 }, yolov8)).toEqual({
      source: { width: 810, height: 1080 },
      input: { width: 640, height: 640 },
      resized: { width: 480, height: 640 },
      scaleX: 480 / 810,
      scaleY: 640 / 1080,
      padLeft: 80,
      padTop: 0,
      padRight: 80,
      padBottom: 0,
      padValue: 114,
    });
    expect(planResize({ width: 1280, height: 720 }, yolov8)).toMatchObject({
      resized: { width: 640, height: 360 },
      padTop: 140,
      padBottom: 140,
      padLeft: 0,
    });
  });

  it('splits an odd padding with the extra pixel at the bottom, and rounds halves to even like Python', () => {
    // 51 × 0.64 = 32.64 → 33 rows; 31 rows of padding: round(15.5 − 0.1) = 15 above, 16 below.
    expect(planResize({ width: 100, height: 51 }, { ...yolov8, width: 64, height: 64 })).toMatchObject({
      resized: { width: 64, height: 33 },
      padTop: 15,
      padBottom: 16,
    });
    // 9 × 0.5 = 4.5 → 4 (Python's round), not 5.
    expect(planResize({ width: 9, height: 20 }, { ...yolov8, width: 10, height: 10 }).resized).toEqual({
      width: 4,
      height: 10,
    });
  });

  it('pads only at the right and bottom in top-left mode (YOLOX)', () => {
    expect(planResize({ width: 810, height: 1080 }, yolox)).toMatchObject({
      resized: { width: 312, height: 416 },
      padLeft: 0,
      padTop: 0,
      padRight: 104,
      padBottom: 0,
    });
  });

  it('keeps small images at their size when scaling up is off', () => {
    expect(planResize({ width: 100, height: 50 }, { ...yolov8, scaleUp: false })).toMatchObject({
      resized: { width: 100, height: 50 },
      scaleX: 1,
      padLeft: 270,
      padTop: 295,
    });
  });

  it('stretches to the input size with a scale per axis and no padding', () => {
    const plan = planResize({ width: 810, height: 1080 }, { kind: 'stretch', width: 640, height: 640 });
    expect(plan).toMatchObject({ resized: { width: 640, height: 640 }, padLeft: 0, padTop: 0, padValue: 0 });
    expect(plan.scaleX).toBeCloseTo(640 / 810, 12);
    expect(plan.scaleY).toBeCloseTo(640 / 1080, 12);
  });

  it('sizes dynamic inputs by the shorter side, padded or stretched to a stride multiple', () => {
    const base = { kind: 'shorter-side', size: 640, stride: 32, padValue: 0 } as const;
    expect(planResize({ width: 1280, height: 720 }, { ...base, toStride: 'pad' })).toMatchObject({
      resized: { width: 1138, height: 640 },
      input: { width: 1152, height: 640 },
      padRight: 14,
      padBottom: 0,
    });
    expect(
      planResize({ width: 1280, height: 720 }, { ...base, maxSize: 960, toStride: 'pad' }),
    ).toMatchObject({
      resized: { width: 960, height: 540 },
      input: { width: 960, height: 544 },
      padBottom: 4,
    });
    // PaddleOCR DetResizeForTest: each side rounded to the nearest multiple of 32, at least 32.
    const stretched = planResize({ width: 1280, height: 720 }, { ...base, toStride: 'stretch' });
    expect(stretched).toMatchObject({ input: { width: 1152, height: 640 }, scaleX: 0.9, padRight: 0 });
    expect(planResize({ width: 400, height: 10 }, { ...base, size: 8, toStride: 'stretch' }).input).toEqual({
      width: 320,
      height: 32,
    });
  });

  it('refuses empty images and inputs', () => {
    expect(() => planResize({ width: 0, height: 10 }, yolov8)).toThrow(
      'image width must be a positive number, not 0',
    );
    expect(() => planResize({ width: 10, height: 10 }, { ...yolov8, width: NaN })).toThrow('input width');
  });
});

describe('mapping back to image pixels', () => {
  const bus = planResize({ width: 810, height: 1080 }, yolov8);

  it('removes the padding and undoes the scale', () => {
    const box = toImageBox(bus, { x: 80 + 48, y: 64, width: 96, height: 128 });
    expect(box.x).toBeCloseTo(81, 9);
    expect(box.y).toBeCloseTo(108, 9);
    expect(box.width).toBeCloseTo(162, 9);
    expect(box.height).toBeCloseTo(216, 9);
    expect(toImagePoint(bus, 320, 320)).toEqual({ x: 405, y: 540 });
  });

  it('clips boxes to the image, and a box wholly in the padding to zero width', () => {
    const straddling = toImageBox(bus, { x: 60, y: -10, width: 40, height: 30 });
    expect(straddling.x).toBe(0);
    expect(straddling.y).toBe(0);
    expect(straddling.width).toBeCloseTo(20 / (480 / 810), 9);
    expect(straddling.height).toBeCloseTo(20 / (640 / 1080), 9);
    expect(toImageBox(bus, { x: 600, y: 10, width: 30, height: 30 }).width).toBe(0);
    expect(toImagePoint(bus, 700, 700)).toEqual({ x: 810, y: 1080 });
  });

  it('maps back per axis when stretched', () => {
    const plan = planResize({ width: 1280, height: 720 }, { kind: 'stretch', width: 640, height: 640 });
    expect(toImageBox(plan, { x: 64, y: 64, width: 64, height: 64 })).toEqual({
      x: 128,
      y: 72,
      width: 128,
      height: 72,
    });
  });

  it('inverts the forward map for any box inside the image, in every mode', () => {
    const mode = fc.oneof(
      fc.record({
        kind: fc.constant('letterbox' as const),
        width: fc.integer({ min: 32, max: 1024 }),
        height: fc.integer({ min: 32, max: 1024 }),
        align: fc.constantFrom('center' as const, 'top-left' as const),
        padValue: fc.constant(114),
      }),
      fc.record({
        kind: fc.constant('stretch' as const),
        width: fc.integer({ min: 32, max: 1024 }),
        height: fc.integer({ min: 32, max: 1024 }),
      }),
      fc.record({
        kind: fc.constant('shorter-side' as const),
        size: fc.integer({ min: 32, max: 1024 }),
        stride: fc.constantFrom(1, 8, 32),
        toStride: fc.constantFrom('pad' as const, 'stretch' as const),
        padValue: fc.constant(0),
      }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 1, max: 4000 }),
        mode,
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
        (width, height, resize, [u1, v1], [u2, v2]) => {
          const plan = planResize({ width, height }, resize);
          const x = Math.min(u1, u2) * width;
          const y = Math.min(v1, v2) * height;
          const box = { x, y, width: Math.max(u1, u2) * width - x, height: Math.max(v1, v2) * height - y };
          const back = toImageBox(plan, toInputBox(plan, box));
          for (const key of ['x', 'y', 'width', 'height'] as const)
            expect(Math.abs(back[key] - box[key])).toBeLessThan(1e-6 * Math.max(width, height));
          expect(plan.padLeft + plan.resized.width + plan.padRight).toBe(plan.input.width);
          expect(plan.padTop + plan.resized.height + plan.padBottom).toBe(plan.input.height);
          expect(Math.min(plan.padLeft, plan.padTop, plan.padRight, plan.padBottom)).toBeGreaterThanOrEqual(
            0,
          );
        },
      ),
    );
  });

  it('plans from the upright size, so an EXIF orientation 6 photo maps back into upright pixels', () => {
    // The host decodes with sharp .rotate(): a 1080×810 stored JPEG with orientation 6 arrives 810×1080.
    const upright = uprightSize(1080, 810, 6);
    const plan = planResize(upright, yolov8);
    expect(plan.source).toEqual({ width: 810, height: 1080 });
    expect(toImagePoint(plan, 640, 640)).toEqual({ x: 810, y: 1080 });
  });
});
