import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCapturing as run } from './testCli';

/* `labelloop agreement` through runCli on hand-made COCO files whose overlaps are known exactly. */

interface Kappa {
  kappa: number | null;
  observed: number | null;
  expected: number | null;
}

interface Report {
  iouThreshold: number;
  sharedImages: number;
  files: { path: string; images: number; categories: number; objects: number }[];
  pairs: {
    a: string;
    b: string;
    images: number;
    objectsA: number;
    objectsB: number;
    matched: number;
    precision: number | null;
    recall: number | null;
    f1: number | null;
    meanIou: number | null;
    classAgreement: number | null;
    cohensKappa: Kappa;
  }[];
  overall: {
    images: number;
    fleissKappa: { kappa: number | null; subjects: number };
    krippendorffAlpha: { alpha: number | null; units: number; pairableValues: number };
    meanF1: number | null;
  };
  perClass: { classId: string; objects: number; f1: number | null }[];
  perImage: { imageId: string; score: number }[];
  warnings: string[];
}

// Annotator A. one.jpg: a car both drew identically (IoU 1), a car B drew half as tall and called a truck
// (IoU 0.5), a person only A drew. two.jpg: a person B drew shifted by half a width (IoU 50/150 = 1/3).
const A = {
  images: [
    { id: 1, file_name: 'one.jpg', width: 200, height: 200 },
    { id: 2, file_name: 'two.jpg', width: 200, height: 200 },
  ],
  categories: [
    { id: 1, name: 'car' },
    { id: 2, name: 'person' },
    { id: 3, name: 'truck' },
  ],
  annotations: [
    { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10] },
    { id: 2, image_id: 1, category_id: 1, bbox: [20, 0, 10, 10] },
    { id: 3, image_id: 1, category_id: 2, bbox: [50, 50, 10, 10] },
    { id: 4, image_id: 2, category_id: 2, bbox: [0, 0, 10, 10] },
  ],
};
// Annotator B numbers images and categories differently: files compare by file_name and category name.
const B = {
  images: [
    { id: 10, file_name: 'two.jpg', width: 200, height: 200 },
    { id: 20, file_name: 'one.jpg', width: 200, height: 200 },
  ],
  categories: [
    { id: 5, name: 'truck' },
    { id: 6, name: 'car' },
    { id: 7, name: 'person' },
  ],
  annotations: [
    { id: 1, image_id: 20, category_id: 6, bbox: [0, 0, 10, 10] },
    { id: 2, image_id: 20, category_id: 5, bbox: [20, 0, 10, 5] },
    { id: 3, image_id: 20, category_id: 6, bbox: [100, 100, 5, 5] },
    { id: 4, image_id: 10, category_id: 7, bbox: [5, 0, 10, 10] },
  ],
};

let dir: string;
let a: string;
let b: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'labelloop-agreement-test-'));
  a = join(dir, 'a.json');
  b = join(dir, 'b.json');
  await writeFile(a, JSON.stringify(A));
  await writeFile(b, JSON.stringify(B));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function agreementJson(...args: string[]): Promise<Report> {
  const result = await run('agreement', ...args, '--json');
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.out) as Report;
}

describe('labelloop agreement', () => {
  it('reports precision, recall, F1, mean IoU and class kappa of two annotators exactly', async () => {
    const report = await agreementJson(a, b);
    expect(report.sharedImages).toBe(2);
    expect(report.files.map((f) => f.objects)).toEqual([4, 4]);
    // Matched at IoU 0.5: the identical car (IoU 1) and the car/truck (IoU 0.5); 2 of 4 each way.
    expect(report.pairs).toHaveLength(1);
    expect(report.pairs[0]).toMatchObject({
      a,
      b,
      images: 2,
      objectsA: 4,
      objectsB: 4,
      matched: 2,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      meanIou: 0.75,
      classAgreement: 0.5,
      // A: car, car; B: car, truck → po = 0.5, pe = 1·0.5, κ = 0.
      cohensKappa: { kappa: 0, observed: 0.5, expected: 0.5 },
    });
    // Units (A, B): car/car, car/truck, person/∅, ∅/car on one.jpg; person/∅, ∅/person on two.jpg.
    // n = 12; Σ o_cc = 2 (car/car); n_car 4, n_truck 1, n_person 3, n_∅ 4 → Σ n(n−1) = 30.
    // α = 1 − (10/12) / (1 − 30/132) = −4/51.
    expect(report.overall.krippendorffAlpha).toMatchObject({ units: 6, pairableValues: 12 });
    expect(report.overall.krippendorffAlpha.alpha).toBeCloseTo(-4 / 51, 12);
    // Fleiss over the two objects both drew: P̄ = 1/2, Pe = (3/4)² + (1/4)² = 5/8 → κ = −1/3.
    expect(report.overall.fleissKappa).toMatchObject({ subjects: 2 });
    expect(report.overall.fleissKappa.kappa).toBeCloseTo(-1 / 3, 12);
  });

  it('gives the numbers of the app’s agreement report on the same label sets', async () => {
    const { agreementReport } = await import('../../core/qa/agreement');
    const report = await agreementJson(a, b);
    const box = (x: number, y: number, w: number, h: number) => ({
      kind: 'box' as const,
      x,
      y,
      width: w,
      height: h,
    });
    const object = (id: string, classId: string, geometry: ReturnType<typeof box>) => ({
      id: id as never,
      classId,
      geometry,
      attributes: {},
      schemaVersion: 0,
      createdBy: '',
      createdAt: 0,
      updatedBy: '',
      updatedAt: 0,
    });
    const app = agreementReport([
      {
        annotator: a,
        imageId: 'one.jpg',
        width: 200,
        height: 200,
        annotations: [
          object('1', 'car', box(0, 0, 10, 10)),
          object('2', 'car', box(20, 0, 10, 10)),
          object('3', 'person', box(50, 50, 10, 10)),
        ],
      },
      {
        annotator: a,
        imageId: 'two.jpg',
        width: 200,
        height: 200,
        annotations: [object('4', 'person', box(0, 0, 10, 10))],
      },
      {
        annotator: b,
        imageId: 'one.jpg',
        width: 200,
        height: 200,
        annotations: [
          object('1', 'car', box(0, 0, 10, 10)),
          object('2', 'truck', box(20, 0, 10, 5)),
          object('3', 'car', box(100, 100, 5, 5)),
        ],
      },
      {
        annotator: b,
        imageId: 'two.jpg',
        width: 200,
        height: 200,
        annotations: [object('4', 'person', box(5, 0, 10, 10))],
      },
    ]);
    expect(report.overall.krippendorffAlpha.alpha).toBe(app.overall.krippendorffAlpha.alpha);
    expect(report.overall.fleissKappa.kappa).toBe(app.overall.fleissKappa.kappa);
    expect(report.pairs[0]!.f1).toBe(app.pairs[0]!.f1);
    expect(report.perImage.map((i) => [i.imageId, i.score])).toEqual(
      app.perImage.map((i) => [i.imageId, i.score]),
    );
  });

  it('compares one-polygon segmentations as polygons: a triangle covers half its box (IoU ≈ 0.5)', async () => {
    const triangle = join(dir, 'triangle.json');
    await writeFile(
      triangle,
      JSON.stringify({
        ...A,
        annotations: [
          {
            id: 1,
            image_id: 1,
            category_id: 1,
            bbox: [0, 0, 100, 100],
            segmentation: [[0, 0, 100, 0, 0, 100]],
          },
        ],
      }),
    );
    const square = join(dir, 'square.json');
    await writeFile(
      square,
      JSON.stringify({ ...A, annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 100, 100] }] }),
    );
    const report = await agreementJson(triangle, square, '--iou', '0.45');
    expect(report.pairs[0]!.matched).toBe(1);
    // Rasterised as pycocotools does, the triangle covers 4,950 of the box's 10,000 pixels.
    expect(report.pairs[0]!.meanIou).toBeCloseTo(0.495, 12);
    const strict = await agreementJson(triangle, square, '--iou', '0.6');
    expect(strict.pairs[0]!.matched).toBe(0);
  });

  it('matches the shifted person with --iou 0.3, raising recall to 3/4 and lowering mean IoU', async () => {
    const report = await agreementJson(a, b, '--iou', '0.3');
    const [pair] = report.pairs;
    expect(pair!.matched).toBe(3);
    expect(pair!.recall).toBe(0.75);
    expect(pair!.meanIou).toBeCloseTo((1 + 0.5 + 1 / 3) / 3, 12);
  });

  it('prints a readable table with one row per pair, the overall kappa and alpha, and the worst images', async () => {
    const { code, out, err } = await run('agreement', a, b);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toContain('Agreement of 2 files on 2 shared images, objects matched at IoU ≥ 0.50');
    expect(out).toMatch(/^ {2}A\s+B\s+objects A\s+objects B\s+matched\s+precision\s+recall\s+F1\s+mean IoU/m);
    const row = out.split('\n').find((line) => line.includes('a.json') && line.includes('b.json'))!;
    expect(row.trim().split(/\s+/).slice(2)).toEqual([
      '4',
      '4',
      '2',
      '0.5000',
      '0.5000',
      '0.5000',
      '0.7500',
      '0.5000',
      '0.0000',
    ]);
    expect(out).toContain(
      "Over all 2 files: Fleiss' kappa -0.3333 (2 objects every file drew), Krippendorff's alpha (nominal) -0.0784",
    );
    expect(out).toContain('Units: each group of objects the files drew alike');
    expect(out).toContain('Images with the least agreement');
  });

  it('gives Krippendorff alpha over three files: 28/113 for A, B and a copy of A', async () => {
    const c = join(dir, 'c.json');
    await writeFile(c, JSON.stringify(A));
    const report = await agreementJson(a, b, c);
    expect(report.pairs.map((p) => [p.a, p.b])).toEqual([
      [a, b],
      [a, c],
      [b, c],
    ]);
    expect(report.pairs[1]).toMatchObject({ matched: 4, f1: 1, meanIou: 1 });
    expect(report.pairs[1]!.cohensKappa.kappa).toBe(1);
    // Units (A, B, C): car/car/car, car/truck/car, person/∅/person, ∅/car/∅ on one.jpg; person/∅/person and
    // ∅/person/∅ on two.jpg. n = 18; Σ o_cc = 3 + 1 + 1 + 1 + 1 + 1 = 8 (pairs weighted 1/(3 − 1));
    // n_car 6, n_truck 1, n_person 5, n_∅ 6 → Σ n(n−1) = 80; α = 1 − (10/18) / (1 − 80/306) = 28/113.
    expect(report.overall.krippendorffAlpha).toMatchObject({ units: 6, pairableValues: 18 });
    expect(report.overall.krippendorffAlpha.alpha).toBeCloseTo(28 / 113, 12);
  });

  it('compares polygons by their boxes, and says so, when no file gives the image size', async () => {
    const unsized = (segmentation: number[][]) => ({
      ...A,
      images: A.images.map(({ id, file_name }) => ({ id, file_name })),
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 100, 100], segmentation }],
    });
    const triangle = join(dir, 'triangle.json');
    const other = join(dir, 'other-triangle.json');
    await writeFile(triangle, JSON.stringify(unsized([[0, 0, 100, 0, 0, 100]])));
    await writeFile(other, JSON.stringify(unsized([[100, 100, 100, 0, 0, 100]])));
    const report = await agreementJson(triangle, other);
    // Two opposite triangles overlap in a line, but their boxes are the same square.
    expect(report.pairs[0]).toMatchObject({ matched: 1, meanIou: 1 });
    expect(report.warnings).toEqual([
      `${triangle}: 1 image(s) with polygons have no width and height in any file; their objects are compared as boxes`,
      `${other}: 1 image(s) with polygons have no width and height in any file; their objects are compared as boxes`,
    ]);
  });

  it('compares only images every file has, and warns about the rest', async () => {
    const extra = join(dir, 'extra.json');
    await writeFile(
      extra,
      JSON.stringify({
        ...B,
        images: [...B.images, { id: 30, file_name: 'three.jpg' }],
        annotations: [...B.annotations, { id: 9, image_id: 30, category_id: 6, bbox: [0, 0, 5, 5] }],
      }),
    );
    const report = await agreementJson(a, extra);
    expect(report.sharedImages).toBe(2);
    expect(report.pairs[0]!.objectsB).toBe(4);
    expect(report.warnings).toEqual([`${extra}: 1 image(s) not in every file are left out (three.jpg)`]);
  });

  it('exits 1 naming the file when one is unreadable, not JSON or not valid COCO', async () => {
    const missing = await run('agreement', a, join(dir, 'missing.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read .*missing\.json: ENOENT/);

    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "images": [');
    const notJson = await run('agreement', a, broken);
    expect(notJson.code).toBe(1);
    expect(notJson.err).toContain('broken.json is not valid JSON');

    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ ...A, annotations: [{ id: 1, image_id: 1, category_id: 9, bbox: [0, 0, 1, 1] }] }),
    );
    const invalid = await run('agreement', a, bad);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain(
      'bad.json is not a valid COCO file:\n  annotations[0]: category_id 9 is not a category',
    );
    expect(invalid.out).toBe('');
  });

  it('exits 2 with one file or a bad --iou', async () => {
    const one = await run('agreement', a);
    expect(one.code).toBe(2);
    expect(one.err).toContain('labelloop agreement: needs two or more COCO files to compare, got 1');
    const iou = await run('agreement', a, b, '--iou', '1.5');
    expect(iou.code).toBe(2);
    expect(iou.err).toContain('--iou "1.5" must lie in (0, 1]');
  });

  it('is listed in the top-level usage', async () => {
    const { out } = await run('--help');
    expect(out).toMatch(/^ {2}agreement <a\.json> <b\.json>/m);
  });
});
