import { describe, expect, it } from 'vitest';
import { polygonArea, polygonIoU } from '../geometry/polygons';
import { instanceMask, largestOutline, maskPolygon, type MaskPrototypes } from './masks';

/*
 * Synthetic prototypes: 160 × 160 for a 640 × 640 input, as YOLOv8-seg. Prototype 0 is +8 inside a shape
 * and −8 outside, prototype 1 is a constant 1, the rest noise-free zeros; a detection with coefficients
 * [1, bias, 0…] then has the shape as its mask.
 */
const INPUT = 640;
const SIZE = 160;
const CHANNELS = 32;

function prototypes(inside: (x: number, y: number) => boolean): MaskPrototypes {
  const data = new Float32Array(CHANNELS * SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      // Prototype cell (x, y) covers input pixels 4x…4x+3: test the cell's centre in input pixels.
      data[y * SIZE + x] = inside(4 * x + 2, 4 * y + 2) ? 8 : -8;
      data[SIZE * SIZE + y * SIZE + x] = 1;
    }
  }
  return { data, channels: CHANNELS, width: SIZE, height: SIZE };
}

const coefficients = (bias = 0) =>
  Float32Array.from({ length: CHANNELS }, (_, i) => (i === 0 ? 1 : i === 1 ? bias : 0));

const square = (x0: number, y0: number, x1: number, y1: number) => [
  { x: x0, y: y0 },
  { x: x1, y: y0 },
  { x: x1, y: y1 },
  { x: x0, y: y1 },
];

const options = { inputWidth: INPUT, inputHeight: INPUT };

describe('instanceMask', () => {
  it('covers a rectangle prototype exactly, at input resolution', () => {
    const protos = prototypes((x, y) => x >= 200 && x < 360 && y >= 120 && y < 280);
    const mask = instanceMask(
      protos,
      { box: { x1: 180, y1: 100, x2: 380, y2: 300 }, coefficients: coefficients() },
      options,
    );
    expect([mask.x, mask.y, mask.width, mask.height]).toEqual([180, 100, 200, 200]);
    let on = 0;
    for (const v of mask.data) on += v;
    // Bilinear logits cross 0 halfway between cell centres, i.e. on the 4-pixel cell edges; at each corner
    // only a quarter of the weight is inside, so the corner pixel is off (as F.interpolate does).
    expect(on).toBe(160 * 160 - 4);
  });

  it('crops to the box: nothing outside it survives', () => {
    const protos = prototypes((x, y) => x >= 200 && x < 360 && y >= 120 && y < 280);
    const mask = instanceMask(
      protos,
      { box: { x1: 250, y1: 100, x2: 300, y2: 200 }, coefficients: coefficients() },
      options,
    );
    expect([mask.x, mask.y, mask.width, mask.height]).toEqual([250, 100, 50, 100]);
    const outline = largestOutline(mask);
    expect(polygonArea(outline)).toBe(50 * 80);
    expect(polygonIoU(outline, square(250, 120, 300, 200))).toBeCloseTo(1, 9);
  });

  it('thresholds sigmoid at 0.5 by default and at other levels on request', () => {
    const protos = prototypes(() => true); // logit = 8 + bias everywhere
    const box = { x1: 0, y1: 0, x2: 64, y2: 64 };
    const count = (threshold?: number, bias = -8.5) => {
      const mask = instanceMask(protos, { box, coefficients: coefficients(bias) }, { ...options, threshold });
      return mask.data.reduce((s, v) => s + v, 0);
    };
    expect(count()).toBe(0); // sigmoid(−0.5) < 0.5
    expect(count(0.3)).toBe(64 * 64); // sigmoid(−0.5) ≈ 0.38 > 0.3
    expect(count(undefined, -7.5)).toBe(64 * 64);
  });
});

describe('maskPolygon', () => {
  it('turns a rectangle mask into its four corners in original pixels through the letterbox inverse', () => {
    const protos = prototypes((x, y) => x >= 200 && x < 360 && y >= 120 && y < 280);
    // A 1280 × 960 original letterboxed into 640 × 640: scale 0.5, padded 80 px top and bottom.
    const toOriginal = (x: number, y: number) => ({ x: x / 0.5, y: (y - 80) / 0.5 });
    const polygon = maskPolygon(
      protos,
      { box: { x1: 190, y1: 110, x2: 370, y2: 290 }, coefficients: coefficients() },
      { ...options, toOriginal },
    );
    // Douglas–Peucker at 1 px may keep a notch point of a rounded corner: a quad within a pixel of the square.
    expect(polygon.length).toBe(4);
    expect(polygonIoU(polygon, square(400, 80, 720, 400))).toBeGreaterThan(0.98);
  });

  it('traces a disk within 3% of its area and IoU above 0.97, simplified to few vertices', () => {
    const [cx, cy, r] = [320, 300, 100];
    const protos = prototypes((x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r);
    const polygon = maskPolygon(
      protos,
      { box: { x1: 200, y1: 180, x2: 440, y2: 420 }, coefficients: coefficients() },
      { ...options, toOriginal: (x, y) => ({ x, y }) },
    );
    const disk = Array.from({ length: 720 }, (_, i) => ({
      x: cx + r * Math.cos((i * Math.PI) / 360),
      y: cy + r * Math.sin((i * Math.PI) / 360),
    }));
    expect(Math.abs(polygonArea(polygon) / (Math.PI * r * r) - 1)).toBeLessThan(0.03);
    expect(polygonIoU(polygon, disk)).toBeGreaterThan(0.97);
    expect(polygon.length).toBeLessThan(120);
  });

  it('keeps the largest piece when the box holds two', () => {
    const protos = prototypes(
      (x, y) => (x >= 100 && x < 300 && y >= 100 && y < 200) || (x >= 400 && x < 440 && y >= 100 && y < 140),
    );
    const polygon = maskPolygon(
      protos,
      { box: { x1: 80, y1: 80, x2: 500, y2: 220 }, coefficients: coefficients() },
      { ...options, toOriginal: (x, y) => ({ x, y }) },
    );
    expect(polygonIoU(polygon, square(100, 100, 300, 200))).toBeGreaterThan(0.98);
    expect(Math.min(...polygon.map((p) => p.x))).toBeLessThan(110);
    expect(Math.max(...polygon.map((p) => p.x))).toBeLessThan(310);
  });

  it('is empty when no pixel of the box is on', () => {
    const protos = prototypes(() => false);
    const polygon = maskPolygon(
      protos,
      { box: { x1: 10, y1: 10, x2: 100, y2: 100 }, coefficients: coefficients() },
      { ...options, toOriginal: (x, y) => ({ x, y }) },
    );
    expect(polygon).toEqual([]);
  });
});
