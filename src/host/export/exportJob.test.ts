/**
 * Exporting a version through the host: real image files in a registered root, the planned images sent as
 * the renderer sends them, and the written dataset read back with the same readers an import uses.
 */

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportBeginArgs, ExportImageArgs } from '../../core/api/exports';
import { HostError } from '../../core/api/errors';
import { planVersionExport } from '../../core/export/fromVersion';
import { readManifest } from '../../core/export/manifest';
import type { ContentHash, JobId } from '../../core/ids';
import type { AnnotationSchema } from '../../core/schema/types';
import { annotation, versionImage, versionOf } from '../../core/versions/testFixtures';
import { readDatasetFromDisk } from '../datasets/readDataset';
import type { JobContext } from '../jobs';
import { openRootRegistry, type RootRegistry } from '../roots';
import { createExportSessions, writeVersionExport } from './exportJob';

let tmp: string;
let photos: string;
let roots: RootRegistry;
let rootId: string;
const hashes = new Map<string, ContentHash>();

const schema: AnnotationSchema = {
  format: 'labelloop.annotation-schema/1',
  name: 'Streets',
  classes: [
    { id: 'car', name: 'car', color: '#ff0000', geometries: ['box'], attributes: [] },
    { id: 'ped', name: 'pedestrian', color: '#00ff00', geometries: ['box', 'polygon'], attributes: [] },
  ],
  imageAttributes: [],
  tagging: { requireAtLeastOne: false, multiLabel: true },
};

beforeAll(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), 'labelloop-export-job-')));
  photos = join(tmp, 'photos');
  await mkdir(join(photos, 'street'), { recursive: true });
  for (const [name, color] of [
    ['street/one.png', '#884422'],
    ['street/two.png', '#224488'],
    ['three.png', '#448822'],
  ] as const) {
    const bytes = await sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
      .png()
      .toBuffer();
    await writeFile(join(photos, name), bytes);
    hashes.set(name, createHash('sha256').update(bytes).digest('hex') as ContentHash);
  }
  roots = await openRootRegistry(join(tmp, 'data'));
  rootId = (await roots.register('p1', photos)).rootId;
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

function version() {
  const image = (
    id: string,
    path: string,
    split: 'train' | 'val' | 'test',
    annotations = [] as ReturnType<typeof annotation>[],
  ) => versionImage(id, annotations, split, { path, sha256: hashes.get(path)!, width: 64, height: 48 });
  return versionOf(2, [
    image('a', 'street/one.png', 'train', [
      annotation('a1', 'car', { kind: 'box', x: 4, y: 6, width: 20, height: 10 }),
      annotation('a2', 'ped', {
        kind: 'polygon',
        points: [
          { x: 30, y: 5 },
          { x: 50, y: 5 },
          { x: 40, y: 30 },
        ],
      }),
    ]),
    image('b', 'street/two.png', 'val', [
      annotation('b1', 'car', { kind: 'box', x: 0, y: 0, width: 64, height: 48 }),
    ]),
    image('c', 'three.png', 'train'),
  ]);
}

/** What the renderer sends: the plan's images with their files' places in the project. */
function request(
  format: ExportBeginArgs['format'],
  target: string,
  images: ExportBeginArgs['images'] = 'copy',
) {
  const v = version();
  const plan = planVersionExport(v, schema);
  const begin: ExportBeginArgs = {
    target,
    format,
    images,
    labels: [...plan.labels],
    skeletons: {},
    manifest: {
      project: { id: 'p1', name: 'Streets' },
      version: {
        id: v.id,
        number: 2,
        parent: { id: 'v1', number: 1 },
        message: 'second',
        author: 'ana',
        createdAt: '2026-11-26T10:00:00.000Z',
      },
      schema: {
        version: 1,
        name: schema.name,
        classes: schema.classes.map((c) => ({ id: c.id, name: c.name })),
      },
      filters: {},
      counts: plan.counts,
      splits: plan.splits,
    },
  };
  const sent: ExportImageArgs[] = plan.images.map((image) => {
    const frozen = v.images.find((i) => i.imageId === image.imageId)!;
    return {
      ...image,
      annotations: [...image.annotations],
      source: { rootId, relPath: frozen.path, sha256: frozen.sha256 },
    };
  });
  return { begin, sent };
}

type ProgressSpy = ((done: number, total: number) => void) & { calls: [number, number][] };

function jobContext(signal = new AbortController().signal): JobContext<never> & { progress: ProgressSpy } {
  const calls: [number, number][] = [];
  const progress = Object.assign((done: number, total: number) => void calls.push([done, total]), { calls });
  return { jobId: 'job' as JobId, signal, progress, output: () => undefined };
}

async function run(
  format: ExportBeginArgs['format'],
  target: string,
  images: ExportBeginArgs['images'] = 'copy',
) {
  const sessions = createExportSessions(roots);
  const { begin, sent } = request(format, target, images);
  const { exportId } = await sessions.begin(begin);
  sessions.append(exportId, sent.slice(0, 1));
  expect(sessions.append(exportId, sent.slice(1))).toEqual({ received: sent.length });
  const job = jobContext();
  const summary = await sessions.take(exportId)(job);
  return { summary, job };
}

async function tree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(root, path)] = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  }
  return out;
}

describe('exporting a version through the host', () => {
  it('writes a YOLO dataset that reads back with the same boxes, with a manifest of every file', async () => {
    const target = join(tmp, 'out', 'streets-v2-yolo');
    const { summary, job } = await run('yolo', target);
    expect(summary).toMatchObject({ target, images: 3, problemCount: 0 });
    expect(job.progress.calls.at(-1)).toEqual([summary.files - 1, summary.files - 1]);

    const manifest = readManifest(JSON.parse(await readFile(join(target, 'manifest.json'), 'utf8')));
    if (!manifest.ok) throw new Error(manifest.problems.join('\n'));
    expect(manifest.manifest.version).toMatchObject({ number: 2, parent: { number: 1 } });
    expect(manifest.manifest.counts).toEqual({ images: 3, annotations: 3, perClass: { car: 2, ped: 1 } });
    expect(manifest.manifest.splits).toEqual({ train: 2, val: 1, test: 0 });
    const files = await tree(target);
    for (const file of manifest.manifest.files) expect(files[file.path]).toBe(file.sha256);
    expect(Object.keys(files).length).toBe(manifest.manifest.files.length + 1);
    expect(files['images/train/street/one.png']).toBe(hashes.get('street/one.png'));

    const read = await readDatasetFromDisk(target, 'yolo');
    expect(read.dataset.problems).toEqual([]);
    const one = read.dataset.images.find((image) => image.path.endsWith('street/one.png'))!;
    expect(one.annotations.map((a) => a.label)).toEqual(['car', 'pedestrian']);
    // A polygon in the version makes it a segment export: the box is written as its four corners.
    const car = one.annotations[0]!.geometry;
    expect(car.kind).toBe('polygon');
    if (car.kind === 'polygon') {
      expect(Math.min(...car.points.map((p) => p.x))).toBeCloseTo(4, 3);
      expect(Math.max(...car.points.map((p) => p.y))).toBeCloseTo(16, 3);
    }
  });

  it('writes one COCO dataset per split that the COCO reader takes as is', async () => {
    const target = join(tmp, 'out', 'streets-v2-coco');
    await run('coco', target);
    const train = await readDatasetFromDisk(join(target, 'train'), 'coco');
    expect(train.dataset.problems).toEqual([]);
    expect(train.dataset.images.map((image) => image.path)).toEqual(['street/one.png', 'three.png']);
    expect(train.sources.size).toBe(2);
    expect(train.dataset.images[0]!.annotations[0]!.geometry).toEqual({
      kind: 'box',
      x: 4,
      y: 6,
      width: 20,
      height: 10,
    });
    const val = await readDatasetFromDisk(join(target, 'val'), 'coco');
    expect(val.dataset.images).toHaveLength(1);
  });

  it('gives byte-identical output when the same version is exported twice', async () => {
    for (const format of ['coco', 'voc', 'labelme', 'csv'] as const) {
      const first = join(tmp, 'twice', `${format}-1`);
      const second = join(tmp, 'twice', `${format}-2`);
      await run(format, first);
      await run(format, second);
      expect(await tree(second)).toEqual(await tree(first));
    }
    // Hard links give the same files; only the manifest says how the images got there.
    await run('coco', join(tmp, 'twice', 'coco-linked'), 'hardlink');
    const { 'manifest.json': _copied, ...copied } = await tree(join(tmp, 'twice', 'coco-1'));
    const { 'manifest.json': _linked, ...linked } = await tree(join(tmp, 'twice', 'coco-linked'));
    expect(linked).toEqual(copied);
  });

  it('refuses an image whose file changed since the version, and leaves nothing at the target', async () => {
    const sessions = createExportSessions(roots);
    const target = join(tmp, 'out', 'changed');
    const { begin, sent } = request('yolo', target);
    const { exportId } = await sessions.begin(begin);
    sessions.append(exportId, [
      { ...sent[0]!, source: { ...sent[0]!.source!, sha256: '0'.repeat(64) } },
      ...sent.slice(1),
    ]);
    await expect(sessions.take(exportId)(jobContext())).rejects.toThrow(
      /has changed since the version was made/,
    );
    await expect(stat(target)).rejects.toThrow();
  });

  it('stops on cancel with nothing at the target', async () => {
    const controller = new AbortController();
    controller.abort();
    const target = join(tmp, 'out', 'cancelled');
    const { begin, sent } = request('coco', target);
    const summary = await writeVersionExport(
      { ...begin, labels: [...begin.labels] } as Parameters<typeof writeVersionExport>[0],
      sent,
      roots,
      jobContext(controller.signal),
    );
    expect(summary).toMatchObject({ files: 0, manifestSha256: null });
    await expect(stat(target)).rejects.toThrow();
    expect((await readdir(join(tmp, 'out'))).filter((name) => name.startsWith('.labelloop-export-'))).toEqual(
      [],
    );
  });

  it('exports the labels of an image whose file is gone and says so', async () => {
    const sessions = createExportSessions(roots);
    const target = join(tmp, 'out', 'gone');
    const { begin, sent } = request('yolo', target);
    const { exportId } = await sessions.begin(begin);
    sessions.append(exportId, [
      { ...sent[0]!, source: { ...sent[0]!.source!, relPath: 'street/missing.png' } },
      { ...sent[1]!, source: null },
      sent[2]!,
    ]);
    const summary = await sessions.take(exportId)(jobContext());
    expect(summary.images).toBe(1);
    expect(summary.problems.map((p) => p.reason)).toEqual([
      'cannot read street/missing.png: no such file',
      'the image is no longer in the project; its file was not exported',
    ]);
    expect(Object.keys(await tree(target)).filter((path) => path.startsWith('labels/'))).toHaveLength(3);
  });

  it('refuses a target that exists or is relative, and an export that is not pending', async () => {
    const sessions = createExportSessions(roots);
    const { begin } = request('yolo', photos);
    await expect(sessions.begin(begin)).rejects.toThrow(/already exists/);
    await expect(sessions.begin({ ...begin, target: 'relative/out' })).rejects.toThrow(
      /not an absolute path/,
    );
    expect(() => sessions.append('nope', [])).toThrow(HostError);
    const { exportId } = await sessions.begin({ ...begin, target: join(tmp, 'never') });
    expect(sessions.discard(exportId)).toBe(true);
    expect(() => sessions.take(exportId)).toThrow(/no longer pending/);
  });
});
