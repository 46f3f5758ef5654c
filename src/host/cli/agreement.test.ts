import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCapturing as run } from './testCli';

/* `labelloop agreement` through runCli on hand-made COCO files whose overlaps are known exactly. */

interface Report {
  iouThreshold: number;
  sharedImages: number;
  files: { path: string; images: number; categories: number; objects: number }[];
  pairs: {
    a: string;
    b: string;
    objectsA: number;
    objectsB: number;
    matched: number;
    precision: number | null;
    recall: number | null;
    f1: number | null;
    meanIou: number | null;
    classAgreement: {
      agreed: number;
      fraction: number | null;
      cohensKappa: number | null;
      observed: number | null;
      expected: number | null;
    };
  }[];
  krippendorffAlpha: { alpha: number | null; units: number; pairableValues: number; unitDefinition: string };
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
    expect(report.pairs).toEqual([
      {
        a,
        b,
        objectsA: 4,
        objectsB: 4,
        matched: 2,
        precision: 0.5,
        recall: 0.5,
        f1: 0.5,
        meanIou: 0.75,
        // A: car, car; B: car, truck → po = 0.5, pe = 1·0.5, κ = 0.
        classAgreement: { agreed: 1, fraction: 0.5, cohensKappa: 0, observed: 0.5, expected: 0.5 },
      },
    ]);
    // Units = A's 4 objects; B's values car, truck, missing, missing: two pairable units, 4 values.
    expect(report.krippendorffAlpha).toMatchObject({ units: 2, pairableValues: 4 });
  });

  it('matches the shifted person with --iou 0.3, raising recall to 3/4 and lowering mean IoU', async () => {
    const report = await agreementJson(a, b, '--iou', '0.3');
    const [pair] = report.pairs;
    expect(pair!.matched).toBe(3);
    expect(pair!.recall).toBe(0.75);
    expect(pair!.meanIou).toBeCloseTo((1 + 0.5 + 1 / 3) / 3, 12);
  });

  it('prints a readable table with one row per pair and the alpha unit definition', async () => {
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
    expect(out).toContain("Krippendorff's alpha (nominal, all 2 files)");
    expect(out).toContain('Units: each object of the first file is a unit');
  });

  it('gives Krippendorff alpha over three files: 20/29 for A, B and a copy of A', async () => {
    const c = join(dir, 'c.json');
    await writeFile(c, JSON.stringify(A));
    const report = await agreementJson(a, b, c);
    expect(report.pairs.map((p) => [p.a, p.b])).toEqual([
      [a, b],
      [a, c],
      [b, c],
    ]);
    expect(report.pairs[1]).toMatchObject({ matched: 4, f1: 1, meanIou: 1 });
    expect(report.pairs[1]!.classAgreement.cohensKappa).toBe(1);
    // Units (A, B, C): car/car/car, car/truck/car, person/–/person, person/–/person. n = 10 values;
    // Σ o_cc = 3 + 1 + 2 + 2 = 8; n_car = 5, n_truck = 1, n_person = 4: α = 1 − 9·2 / (100 − 42) = 20/29.
    expect(report.krippendorffAlpha).toMatchObject({ units: 4, pairableValues: 10 });
    expect(report.krippendorffAlpha.alpha).toBeCloseTo(20 / 29, 12);
    expect(report.krippendorffAlpha.unitDefinition).toMatch(/each object of the first file is a unit/);
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
