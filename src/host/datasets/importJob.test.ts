import { mkdir, mkdtemp, readdir, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AnyJobEvent } from '../../core/api/contract';
import type { DatasetImageLabels, DatasetImportOutput, DatasetImportSummary } from '../../core/api/datasets';
import type { JobId } from '../../core/ids';
import { createHost, type Host } from '../host';
import type { RootRegistry } from '../roots';
import { openRootRegistry } from '../roots';
import { createDatasetInspections, runDatasetImport } from './importJob';
import { MISSING_IMAGE } from './readDataset';
import { SPILL_BUCKETS, spillBucket, spillRoot } from './spill';

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
      if (event.type === 'output' && 'images' in event.output && event.output.images.length > 0)
        host.jobs.cancel(event.jobId);
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

// --- COCO objects spilled to disk between inspect and import ---------------------------------------------

/** Every kind of COCO object, images merged by file_name, a missing and a broken image, in shuffled order. */
function spillCoco(spread: number) {
  const images: Record<string, unknown>[] = [
    { id: 1, file_name: 'a.jpg', width: 64, height: 48 },
    { id: 2, file_name: 'b.jpg', width: 64, height: 48 },
    { id: 3, file_name: 'c.jpg', width: 64, height: 48 },
    { id: 4, file_name: 'empty.jpg', width: 64, height: 48 },
    { id: 5, file_name: 'd.jpg', width: 64, height: 48 },
    { id: 6, file_name: 'd.jpg', width: 64, height: 48 },
    { id: 7, file_name: 'gone.jpg', width: 64, height: 48 },
    { id: 8, file_name: 'broken.jpg', width: 64, height: 48 },
  ];
  const annotations: Record<string, unknown>[] = [
    { image_id: 1, category_id: 1, bbox: [4, 5, 20, 10], attributes: { occluded: true } },
    { image_id: 1, category_id: 2, segmentation: [[10, 10, 30, 10, 30, 30]], bbox: [10, 10, 20, 20] },
    { image_id: 2, category_id: 2, segmentation: { size: [48, 64], counts: [100, 10, 2962] }, iscrowd: 1 },
    { image_id: 3, category_id: 3, keypoints: [10, 10, 2, 20, 20, 1], bbox: [5, 5, 30, 30] },
    { image_id: 5, category_id: 1, bbox: [1, 1, 5, 5] },
    { image_id: 6, category_id: 2, bbox: [2, 2, 6, 6] },
    { image_id: 5, category_id: 1, bbox: [3, 3, 7, 7], score: 0.5 },
    { image_id: 7, category_id: 1, bbox: [1, 1, 5, 5] },
    { image_id: 7, category_id: 2, bbox: [1, 1, 5, 5] },
    { image_id: 8, category_id: 1, bbox: [1, 1, 5, 5] },
    { image_id: 1, category_id: 9, bbox: [1, 1, 5, 5] },
  ];
  for (let i = 0; i < spread; i++) {
    images.push({ id: 100 + i, file_name: `many/${i}.jpg`, width: 64, height: 48 });
    for (let j = 0; j < (i % 4) + 1; j++)
      annotations.push({ image_id: 100 + i, category_id: 1 + (j % 2), bbox: [i % 30, j, 10, 10] });
  }
  // Out of image order: a fixed shuffle.
  const shuffled = annotations
    .map((a, k) => ({ ...a, id: k + 1, key: (k * 7919) % 1009 }))
    .sort((x, y) => x.key - y.key)
    .map(({ key: _key, ...a }): Record<string, unknown> => a);
  return {
    images,
    categories: [
      { id: 1, name: 'cat' },
      { id: 2, name: 'dog' },
      { id: 3, name: 'person', keypoints: ['nose', 'eye'] },
    ],
    annotations: shuffled,
  };
}

const SPREAD = 150;
let spillDir: string;
/** The same with COCO's own key order, categories last: the annotations wait for them. */
let spillDirCategoriesLast: string;

async function writeSpillDataset(dir: string, spread: number, categoriesLast = false): Promise<void> {
  const frame = await jpeg(64, 48);
  const { images, annotations, categories } = spillCoco(spread);
  const files: Record<string, string | Buffer> = {
    // Categories last, indented: the entries held until the categories come span several lines.
    'annotations.json': categoriesLast
      ? JSON.stringify({ images, annotations, categories }, null, 2)
      : JSON.stringify({ images, categories, annotations }),
    'images/broken.jpg': Buffer.from('this is not a JPEG'),
  };
  for (const name of ['a', 'b', 'c', 'empty', 'd']) files[`images/${name}.jpg`] = frame;
  for (let i = 0; i < spread; i++) files[`images/many/${i}.jpg`] = frame;
  await writeTree(dir, files);
}

beforeAll(async () => {
  spillDir = join(tmp, 'spill');
  await writeSpillDataset(spillDir, SPREAD);
  spillDirCategoriesLast = join(tmp, 'spill-categories-last');
  await writeSpillDataset(spillDirCategoriesLast, SPREAD, true);
});

const spillFolders = (dataDir: string) => readdir(spillRoot(dataDir)).catch(() => [] as string[]);

/** Inspects and imports `dir` as COCO with the host's code, objects spilled or in memory. */
async function importDirectly(
  dir: string,
  { spill, roots, cancel }: { spill: boolean; roots?: RootRegistry; cancel?: boolean },
) {
  const dataDir = join(tmp, `direct-${++hostCount}`);
  const inspections = createDatasetInspections({ dataDir, spillCoco: spill });
  const inspection = await inspections.inspect({ path: dir, format: 'coco' });
  const foldersWhileHeld = await spillFolders(dataDir);
  const bucketsWhileHeld =
    foldersWhileHeld.length === 1 ? await readdir(join(spillRoot(dataDir), foldersWhileHeld[0]!)) : [];
  const read = inspections.take(inspection.inspectId)!;
  const outputs: DatasetImportOutput[] = [];
  const controller = new AbortController();
  const result = await runDatasetImport(
    'project-1',
    read,
    { dataDir, maxInputPixels: 1e8, roots: roots ?? (await openRootRegistry(dataDir)), concurrency: 4 },
    {
      jobId: 'job-1' as JobId,
      signal: controller.signal,
      progress: () => {},
      output: (output) => {
        outputs.push(output);
        if (cancel && output.images.length > 0) controller.abort();
      },
    },
  ).then(
    (summary): { summary?: DatasetImportSummary; error?: Error } => ({ summary }),
    (error: Error): { summary?: DatasetImportSummary; error?: Error } => ({ error }),
  );
  const labels: Record<string, DatasetImageLabels> = Object.assign({}, ...outputs.map((o) => o.labels));
  const byPath = (a: { path: string }, b: { path: string }) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
  return {
    dataDir,
    inspection: { ...inspection, inspectId: '' },
    foldersWhileHeld,
    foldersAfter: await spillFolders(dataDir),
    bucketsWhileHeld,
    outputs,
    labels,
    images: outputs.flatMap((o) => o.images),
    problems: outputs.flatMap((o) => o.problems).sort(byPath),
    datasetProblems: outputs.flatMap((o) => o.datasetProblems),
    ...result,
  };
}

describe('a COCO import with its objects spilled to disk', () => {
  it.each([
    ['categories before annotations', () => spillDir],
    ['categories last', () => spillDirCategoriesLast],
  ])('sends every image exactly the labels the in-memory import sends (%s)', async (_, dir) => {
    const memory = await importDirectly(dir(), { spill: false });
    const spilled = await importDirectly(dir(), { spill: true });

    expect(memory.foldersWhileHeld).toEqual([]);
    expect(spilled.foldersWhileHeld).toHaveLength(1);
    expect(spilled.bucketsWhileHeld.length).toBeGreaterThan(SPILL_BUCKETS / 2);
    expect(spilled.bucketsWhileHeld.every((f) => /^bucket-\d\d\.jsonl$/.test(f))).toBe(true);

    expect(spilled.inspection).toEqual(memory.inspection);
    expect(spilled.inspection).toMatchObject({ images: 7 + SPREAD, found: 6 + SPREAD, missing: 1 });
    expect(spilled.inspection.labels.map((l) => [l.label, l.geometries])).toEqual([
      ['cat', ['box']],
      ['dog', ['box', 'polygon']],
      ['person', ['keypoints']],
    ]);

    expect({ ...spilled.summary, elapsedMs: 0 }).toEqual({ ...memory.summary, elapsedMs: 0 });
    expect(spilled.summary).toMatchObject({
      images: 7 + SPREAD,
      candidates: 6 + SPREAD,
      readable: 5 + SPREAD,
    });
    expect(Object.keys(spilled.labels).sort()).toEqual(Object.keys(memory.labels).sort());
    for (const path of Object.keys(memory.labels)) expect(spilled.labels[path]).toEqual(memory.labels[path]);
    expect(spilled.problems).toEqual(memory.problems);
    expect(spilled.datasetProblems).toEqual(memory.datasetProblems);
    expect(spilled.images.map((i) => i.relPath).sort()).toEqual(memory.images.map((i) => i.relPath).sort());
    expect(spilled.outputs.length).toBeGreaterThan(2);

    // What each kind of object became, read back from the bucket files.
    const kinds = (path: string) => spilled.labels[path]!.annotations.map((a) => a.geometry.kind);
    expect(kinds('a.jpg')).toEqual(['box', 'polygon']);
    expect(spilled.labels['a.jpg']!.annotations[0]!.attributes).toEqual({ occluded: true });
    expect(kinds('b.jpg')).toEqual(['polygon']);
    expect(spilled.labels['b.jpg']!.annotations[0]!.crowd).toBe(true);
    expect(spilled.labels['c.jpg']!.annotations[0]!.geometry).toEqual({
      kind: 'keypoints',
      points: [
        { x: 10, y: 10, visibility: 2 },
        { x: 20, y: 20, visibility: 1 },
      ],
      box: { x: 5, y: 5, width: 30, height: 30 },
    });
    expect(spilled.labels['empty.jpg']).toEqual({ path: 'empty.jpg', annotations: [] });
    // Both images entries named d.jpg, objects in file order.
    expect(spilled.labels['d.jpg']!.annotations.map((a) => a.sourceId)).toEqual(
      memory.labels['d.jpg']!.annotations.map((a) => a.sourceId),
    );
    expect(spilled.labels['d.jpg']!.annotations).toHaveLength(3);
    expect(spilled.problems).toEqual([
      expect.objectContaining({
        code: 'not-an-image',
        message: expect.stringMatching(/its 1 object were not imported$/),
      }),
      expect.objectContaining({
        code: 'not-found',
        message: `${MISSING_IMAGE}; its 2 objects were not imported`,
      }),
    ]);
    expect(spilled.foldersAfter).toEqual([]);
  });

  it('sends the images bucket by bucket', async () => {
    const spilled = await importDirectly(spillDir, { spill: true });
    // Within a bucket, images are probed four at a time and may finish in any order.
    const buckets = spilled.images.map((i) => spillBucket(i.relPath));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(new Set(buckets).size).toBeGreaterThan(SPILL_BUCKETS / 2);
  });

  it('removes the bucket files when the import is cancelled or fails', async () => {
    const cancelled = await importDirectly(spillDir, { spill: true, cancel: true });
    expect(cancelled.summary).toMatchObject({ cancelled: true });
    expect(cancelled.images.length).toBeLessThan(5 + SPREAD);
    expect(Object.keys(cancelled.labels).sort()).toEqual(cancelled.images.map((i) => i.relPath).sort());
    expect(cancelled.foldersWhileHeld).toHaveLength(1);
    expect(cancelled.foldersAfter).toEqual([]);

    const refusing = {
      register: async () => {
        throw new Error('the root registry is broken');
      },
    } as unknown as RootRegistry;
    const failed = await importDirectly(spillDir, { spill: true, roots: refusing });
    expect(failed).toMatchObject({ error: { message: 'the root registry is broken' } });
    expect(failed.foldersWhileHeld).toHaveLength(1);
    expect(failed.foldersAfter).toEqual([]);
  });

  it('removes the bucket files of an inspection replaced by another, or expired', async () => {
    const dataDir = join(tmp, `replaced-${++hostCount}`);
    const inspections = createDatasetInspections({ dataDir });
    const first = await inspections.inspect({ path: spillDir });
    expect(await spillFolders(dataDir)).toEqual([first.inspectId]);
    const second = await inspections.inspect({ path: spillDir });
    expect(await spillFolders(dataDir)).toEqual([second.inspectId]);
    expect(inspections.take(first.inspectId)).toBeUndefined();
    // A YOLO inspection replaces it too, and spills nothing.
    await inspections.inspect({ path: yoloDir });
    expect(await spillFolders(dataDir)).toEqual([]);

    const expiring = createDatasetInspections({ dataDir, ttlMs: 20 });
    const held = await expiring.inspect({ path: spillDir });
    expect(await spillFolders(dataDir)).toEqual([held.inspectId]);
    await vi.waitFor(async () => expect(await spillFolders(dataDir)).toEqual([]), { timeout: 2000 });
    expect(expiring.take(held.inspectId)).toBeUndefined();
  });

  it('removes the spill folders a crashed process left at the next inspect, keeping those in use', async () => {
    const dataDir = join(tmp, `crashed-${++hostCount}`);
    const crashed = async () =>
      writeTree(join(spillRoot(dataDir), 'from-a-crash'), { 'bucket-07.jsonl': '{"p":"a.jpg","a":{}}\n' });
    await crashed();
    const inspections = createDatasetInspections({ dataDir });
    const importing = await inspections.inspect({ path: spillDir });
    expect(await spillFolders(dataDir)).toEqual([importing.inspectId]);
    const read = inspections.take(importing.inspectId)!;

    // Another crash, then a new inspect while the first import has not ended: the crash's folder goes,
    // the import's stays until the import removes it.
    await crashed();
    const next = await inspections.inspect({ path: yoloDir });
    expect(await spillFolders(dataDir)).toEqual([importing.inspectId]);
    expect(next.format).toBe('yolo');
    await read.spilled!.remove();
    expect(await spillFolders(dataDir)).toEqual([]);
  });

  it('counts objects and labels through the host as the in-memory reader does', async () => {
    const host = await newHost();
    const inspection = await host.handlers['datasets.inspect']({ path: spillDir });
    expect(inspection.objects).toBe(spillCoco(SPREAD).annotations.filter((a) => a.category_id !== 9).length);
    const run = await importThroughHost(host, inspection.inspectId);
    expect(run.ending?.type).toBe('done');
    const { dataDir } = await host.handlers['app.info']({});
    expect(await spillFolders(dataDir)).toEqual([]);
  });
});

it('refuses a COCO inspect whose objects cannot be kept on disk, with an io error', async () => {
  const dataDir = join(tmp, `no-cache-${++hostCount}`);
  await writeTree(dataDir, { cache: 'a file where the cache folder should be' });
  const inspections = createDatasetInspections({ dataDir });
  await expect(inspections.inspect({ path: spillDir })).rejects.toMatchObject({
    code: 'io',
    message: expect.stringMatching(/cannot keep the dataset's objects in .* until the import: ENOTDIR/),
  });
  // Formats that keep their objects in memory are not affected.
  expect((await inspections.inspect({ path: yoloDir })).format).toBe('yolo');
});
