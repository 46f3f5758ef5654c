import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyJobEvent } from '../../core/api/contract';
import type { DatasetImportOutput, DatasetImportSummary } from '../../core/api/datasets';
import { createHost, type Host } from '../host';
import { MISSING_IMAGE } from './readDataset';

let tmp: string;
let hostCount = 0;
const newHost = () =>
  createHost({ dataDir: join(tmp, `data-${++hostCount}`), transport: 'browser', version: 'test' });

const jpeg = (width: number, height: number, background = '#808080') =>
  sharp({ create: { width, height, channels: 3, background } })
    .jpeg()
    .toBuffer();

async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

/** A COCO file with a box, a polygon, an image missing from disk and one whose bytes are not a JPEG. */
const COCO = {
  images: [
    { id: 1, file_name: 'a.jpg', width: 64, height: 48 },
    { id: 2, file_name: 'sub/b.jpg', width: 64, height: 48 },
    { id: 3, file_name: 'gone.jpg', width: 64, height: 48 },
    { id: 4, file_name: 'broken.jpg', width: 64, height: 48 },
  ],
  categories: [
    { id: 1, name: 'cat' },
    { id: 2, name: 'dog' },
    { id: 3, name: 'bird' },
  ],
  annotations: [
    { id: 10, image_id: 1, category_id: 1, bbox: [4, 5, 20, 10], area: 200, iscrowd: 0 },
    {
      id: 11,
      image_id: 2,
      category_id: 2,
      segmentation: [[10, 10, 30, 10, 30, 30]],
      bbox: [10, 10, 20, 20],
      area: 200,
      iscrowd: 0,
    },
    { id: 12, image_id: 3, category_id: 1, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 },
    { id: 13, image_id: 4, category_id: 1, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 },
    { id: 14, image_id: 1, category_id: 9, bbox: [1, 1, 5, 5], area: 25, iscrowd: 0 },
  ],
};

let cocoDir: string;
let yoloDir: string;
let manyDir: string;
const MANY = 250;

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), 'labelloop-dataset-import-')));
  cocoDir = join(tmp, 'coco');
  await writeTree(cocoDir, {
    'annotations.json': JSON.stringify(COCO),
    'images/a.jpg': await jpeg(64, 48),
    'images/sub/b.jpg': await jpeg(64, 48, '#204060'),
    'images/broken.jpg': Buffer.from('this is not a JPEG'),
  });
  yoloDir = join(tmp, 'yolo');
  await writeTree(yoloDir, {
    'data.yaml': 'train: images/train\nval: images/val\nnames: [person, car]\n',
    'images/train/one.jpg': await jpeg(100, 50),
    'labels/train/one.txt': '0 0.5 0.5 0.2 0.4\n1 0.25 0.25 0.1 0.1\n',
    'images/val/two.jpg': await jpeg(80, 80, '#ff0000'),
    'labels/val/two.txt': '1 0.5 0.5 0.5 0.5\n',
  });
  manyDir = join(tmp, 'many');
  const names = Array.from({ length: MANY }, (_, i) => `img${String(i).padStart(3, '0')}`);
  const frame = await jpeg(40, 30);
  const files: Record<string, string | Buffer> = {
    'data.yaml': 'train: images/train\nnames: [thing]\n',
  };
  for (const name of names) {
    files[`images/train/${name}.jpg`] = frame;
    files[`labels/train/${name}.txt`] = '0 0.5 0.5 0.5 0.5\n';
  }
  await writeTree(manyDir, files);
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

interface Run {
  readonly outputs: DatasetImportOutput[];
  readonly ending: AnyJobEvent | undefined;
  readonly summary: DatasetImportSummary | undefined;
}

async function importThroughHost(
  host: Host,
  inspectId: string,
  onEvent: (event: AnyJobEvent) => void = () => {},
): Promise<Run> {
  const events: AnyJobEvent[] = [];
  const unsubscribe = host.jobs.subscribe((event) => {
    events.push(event);
    onEvent(event);
  });
  let jobId = '';
  try {
    ({ jobId } = await host.handlers['datasets.startImport']({ projectId: 'project-1', inspectId }));
    await host.jobs.idle();
  } finally {
    unsubscribe();
  }
  const own = events.filter((e) => e.jobId === jobId);
  const ending = own.find((e) => e.type === 'done' || e.type === 'cancelled' || e.type === 'failed');
  return {
    outputs: own.flatMap((e) => (e.type === 'output' ? [e.output as DatasetImportOutput] : [])),
    ending,
    summary:
      ending && (ending.type === 'done' || ending.type === 'cancelled')
        ? (ending.summary as DatasetImportSummary)
        : undefined,
  };
}

describe('datasets.inspect', () => {
  it('detects COCO and counts images found and missing, labels with their objects, and problems', async () => {
    const host = await newHost();
    const inspection = await host.handlers['datasets.inspect']({ path: cocoDir });
    expect(inspection).toMatchObject({
      format: 'coco',
      detected: true,
      imageRoot: join(cocoDir, 'images'),
      images: 4,
      found: 3,
      missing: 1,
      objects: 4,
      classList: ['cat', 'dog', 'bird'],
    });
    expect(inspection.labels).toEqual([
      { label: 'cat', objects: 3, tags: 0, geometries: ['box'] },
      { label: 'dog', objects: 1, tags: 0, geometries: ['polygon'] },
    ]);
    expect(inspection.problems).toContainEqual({
      file: 'annotations.json',
      item: 'gone.jpg',
      reason: MISSING_IMAGE,
    });
    expect(inspection.problemCount).toBe(inspection.problems.length);
  });

  it('refuses a folder that is no dataset, saying so', async () => {
    const host = await newHost();
    await mkdir(join(tmp, 'empty'), { recursive: true });
    await expect(host.handlers['datasets.inspect']({ path: join(tmp, 'empty') })).rejects.toMatchObject({
      code: 'invalid-argument',
      message: expect.stringMatching(/does not look like a COCO, YOLO/),
    });
  });
});

describe('datasets.startImport', () => {
  it('imports a COCO dataset: probed images with their labels by path, the missing and the broken reported', async () => {
    const host = await newHost();
    const { inspectId } = await host.handlers['datasets.inspect']({ path: cocoDir, format: 'coco' });
    const run = await importThroughHost(host, inspectId);

    expect(run.ending?.type).toBe('done');
    expect(run.summary).toMatchObject({ format: 'coco', images: 4, missing: 1, candidates: 3, readable: 2 });
    const images = run.outputs.flatMap((o) => o.images);
    expect(images.map((i) => i.relPath).sort()).toEqual(['a.jpg', 'sub/b.jpg']);
    expect(images.find((i) => i.relPath === 'sub/b.jpg')).toMatchObject({
      width: 64,
      height: 48,
      path: join(cocoDir, 'images/sub/b.jpg'),
    });
    // The image root is registered for the project, so the host serves the images.
    expect(run.outputs[0]?.roots).toEqual([{ rootId: images[0]!.rootId, path: join(cocoDir, 'images') }]);
    expect(host.roots.get(images[0]!.rootId)?.path).toBe(join(cocoDir, 'images'));

    const labels = Object.assign({}, ...run.outputs.map((o) => o.labels));
    expect(Object.keys(labels).sort()).toEqual(['a.jpg', 'sub/b.jpg']);
    expect(labels['sub/b.jpg'].annotations).toEqual([
      expect.objectContaining({
        label: 'dog',
        geometry: {
          kind: 'polygon',
          points: [
            { x: 10, y: 10 },
            { x: 30, y: 10 },
            { x: 30, y: 30 },
          ],
        },
      }),
    ]);
    expect(labels['a.jpg'].annotations.map((a: { label: string }) => a.label)).toEqual(['cat']);

    const problems = run.outputs.flatMap((o) => o.problems);
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          path: join(cocoDir, 'images/gone.jpg'),
          code: 'not-found',
          message: `${MISSING_IMAGE}; its 1 object were not imported`,
        },
        expect.objectContaining({ path: join(cocoDir, 'images/broken.jpg'), code: 'not-an-image' }),
      ]),
    );
    expect(problems).toHaveLength(2);
    // The missing image is reported once, as an import problem, not again among the reader's problems.
    // The reader's other problems come along, for the report.
    const datasetProblems = run.outputs.flatMap((o) => o.datasetProblems);
    expect(datasetProblems.some((p) => p.reason === MISSING_IMAGE)).toBe(false);
    expect(datasetProblems).toContainEqual(
      expect.objectContaining({ file: 'annotations.json', item: 'annotations[4]' }),
    );
  });

  it('imports a YOLO dataset with labels in pixels and forgets the inspection afterwards', async () => {
    const host = await newHost();
    const { inspectId, labels: used } = await host.handlers['datasets.inspect']({ path: yoloDir });
    expect(used.map((l) => [l.label, l.objects])).toEqual([
      ['car', 2],
      ['person', 1],
    ]);
    const run = await importThroughHost(host, inspectId);
    expect(run.summary).toMatchObject({ format: 'yolo', images: 2, missing: 0, readable: 2 });
    const images = run.outputs.flatMap((o) => o.images);
    expect(images.map((i) => i.relPath).sort()).toEqual(['images/train/one.jpg', 'images/val/two.jpg']);
    const labels = Object.assign({}, ...run.outputs.map((o) => o.labels));
    const [person] = labels['images/train/one.jpg'].annotations;
    expect(person.label).toBe('person');
    expect(person.geometry.kind).toBe('box');
    for (const [key, value] of Object.entries({ x: 40, y: 15, width: 20, height: 20 }))
      expect(person.geometry[key]).toBeCloseTo(value, 9);
    await expect(
      host.handlers['datasets.startImport']({ projectId: 'project-1', inspectId }),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it('stops when cancelled, having sent only whole images with their labels', async () => {
    const host = await newHost();
    const { inspectId } = await host.handlers['datasets.inspect']({ path: manyDir });
    const run = await importThroughHost(host, inspectId, (event) => {
      if (event.type === 'output' && event.output.images.length > 0) host.jobs.cancel(event.jobId);
    });
    expect(run.ending?.type).toBe('cancelled');
    const images = run.outputs.flatMap((o) => o.images);
    expect(images.length).toBeGreaterThan(0);
    expect(images.length).toBeLessThan(MANY);
    expect(run.summary).toMatchObject({ cancelled: true, readable: images.length, candidates: MANY });
    const labels = Object.assign({}, ...run.outputs.map((o) => o.labels));
    expect(Object.keys(labels).sort()).toEqual(images.map((i) => i.relPath).sort());
  });
});
