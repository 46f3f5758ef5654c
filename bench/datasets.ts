/**
 * Dataset formats and versions benchmark (`npx tsx bench/datasets.ts [--quick] [--bundled]`) — issue 5: the
 * pure core of src/core/formats and src/core/versions at full size, 100,000 images × 10 boxes (1,000,000
 * boxes of 5 classes on 1920 × 1080 images, from a seeded PRNG; `--quick`: 10,000 images).
 *
 * Each step runs in a fresh child process (this script with `--child=<step>`), which builds its input, times
 * the step alone and reads its own peak RSS (VmHWM) at the end, so no step's peak is inflated by another's:
 * - coco_export: writeCoco of all images to one text; the text is then saved to `.bench/datasets/` (not timed).
 * - yolo_export: writeYolo (task detect, 80/10/10 splits by path) to data.yaml and one label text per image.
 * - coco_import: JSON.parse + readCoco of the saved COCO text, read into memory first (not timed). This is
 *   the pure reader on an in-memory text; the host's import of a large file is `--big-coco`, below.
 * - yolo_import: readYoloConfig of data.yaml and readYoloLabels of every saved label text (in memory).
 * - versions: assignSplits (stratified, and random for comparison), createVersion of version 1; then ~2 %
 *   changed (1 % of images removed, 1 % added, 2 % with a box moved, one relabeled, one removed, one added),
 *   assignSplits keeping version 1's splits, createVersion of version 2, and diffVersions(v1, v2). The two
 *   versions' label records are built separately (equal content, distinct objects, as two versions loaded
 *   from storage would be), so the diff cannot take its same-object shortcut on unchanged annotations.
 *
 * Prints one JSON line per metric on stdout, `{"metric", "value", "unit", "baseline", "ratio"}`, the baseline
 * being the target (export and import ≤ 20 s, peak RSS ≤ 2 GB, diff ≤ 5 s; splits and snapshots,
 * which have none, are held to the diff's). Peak RSS is the whole child's, its input included; stderr says
 * how much of it the input alone held (RSS before the timed step). Notes go to stderr.
 * `--bundled` runs the children from an esbuild bundle of this script instead of under tsx (whose
 * keep-names wrappers make closure-heavy code slower), to tell the code's cost from the loader's.
 *
 * `--big-coco` runs only the large-file case instead (it writes ~1 GB, so only when asked):
 * - big-coco-write: a ~1 GB COCO file in COCO's own key order (categories last), 20,000 images × ~350
 *   objects (a tenth polygons) from a seeded PRNG, streamed to `.bench/datasets/big-coco/`; every image is
 *   a hard link of one small JPEG made with sharp, so probing is cheap (kept between runs).
 * - big-coco-import: the host's `createDatasetInspections` inspect (objects spilled to bucket files) and
 *   `runDatasetImport` to the end, with a job that counts the images and objects it is sent and drops them.
 * - big-coco-import-memory: the same with the objects held in memory (`spillCoco: false`, the path before
 *   the spill), with a 20 GB heap and a time limit, for comparison.
 */

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Annotation, AnnotationId, ImageAnnotations } from '../src/core/annotations/types';
import { classIdsOf } from '../src/core/annotations/types';
import { readCoco, writeCoco } from '../src/core/formats/coco';
import type { FormatImage, WrittenFile } from '../src/core/formats/types';
import { readYoloConfig, readYoloLabels, writeYolo, type YoloSplit } from '../src/core/formats/yolo';
import type { ContentHash, ImageId, ProjectId, RootId } from '../src/core/ids';
import type { ImageRecord } from '../src/core/images/types';
import { diffVersions } from '../src/core/versions/diff';
import { createVersion } from '../src/core/versions/snapshot';
import { assignSplits, type SplitCandidate, type SplitOptions } from '../src/core/versions/splits';
import type { DatasetVersion, Split, VersionId } from '../src/core/versions/types';
import { exportImageSchema, type ExportImageArgs } from '../src/core/api/exports';
import { writeVersionExport } from '../src/host/export/exportJob';
import { openRootRegistry } from '../src/host/roots';
import { createDatasetInspections, runDatasetImport } from '../src/host/datasets/importJob';
import { spillRoot } from '../src/host/datasets/spill';
import {
  closeSync,
  existsSync,
  linkSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import sharp from 'sharp';
import { note, prng } from './support/common';

const QUICK = process.argv.includes('--quick');
const BUNDLED = process.argv.includes('--bundled');
const BIG_COCO = process.argv.includes('--big-coco');
const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const IMAGES = Number(arg('images') ?? (QUICK ? 10_000 : 100_000));
const CHILD = arg('child');
const PER_IMAGE = 10;
const WIDTH = 1920;
const HEIGHT = 1080;
const CLASSES = ['car', 'person', 'bicycle', 'truck', 'traffic light'];
/** Share of the images edited (and of images removed, and added) between the two versions. */
const CHANGED = 0.02;
const CHURN = 0.01;
const TARGET_SECONDS = 20;
const TARGET_RSS_MB = 2048;
const TARGET_DIFF_SECONDS = 5;
const SPLIT_OPTIONS: SplitOptions = {
  ratios: { train: 8, val: 1, test: 1 },
  seed: 7,
  strategy: 'stratified',
};

const mb = (kb: number) => Math.round(kb / 102.4) / 10;
const seconds = (ms: number) => Math.round(ms) / 1000;
const rssKb = () => Math.round(process.memoryUsage().rss / 1024);

/** The process's peak resident set size in KB: VmHWM on Linux, else getrusage's maxrss (also KB). */
function peakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS;
}

function timed<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic data

const pad = (n: number, width: number) => String(n).padStart(width, '0');
/** Sequences of 1,000 frames, as a camera dump would be; no folder named `images` (YOLO reserves it). */
const imagePath = (i: number) => `seq-${pad(Math.floor(i / 1000), 3)}/frame-${pad(i, 6)}.jpg`;
const imageIdOf = (i: number) => `img-${pad(i, 7)}` as ImageId;

interface Box {
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The boxes of image i: the same for every step and every run (one PRNG per image). */
function boxesOf(i: number): Box[] {
  const random = prng(i + 1);
  const boxes: Box[] = [];
  for (let j = 0; j < PER_IMAGE; j++) {
    const width = 8 + random() * 300;
    const height = 8 + random() * 300;
    boxes.push({
      // Skewed like real data: cars and people dominate.
      label: CLASSES[Math.min(CLASSES.length - 1, Math.floor(random() ** 2 * CLASSES.length))]!,
      x: random() * (WIDTH - width),
      y: random() * (HEIGHT - height),
      width,
      height,
    });
  }
  return boxes;
}

function formatImages(): FormatImage[] {
  const images: FormatImage[] = [];
  for (let i = 0; i < IMAGES; i++) {
    images.push({
      path: imagePath(i),
      width: WIDTH,
      height: HEIGHT,
      annotations: boxesOf(i).map(({ label, ...box }) => ({ label, geometry: { kind: 'box', ...box } })),
    });
  }
  return images;
}

const splitOf = (i: number): YoloSplit => (i % 10 === 0 ? 'val' : i % 10 === 1 ? 'test' : 'train');

const PROJECT = 'bench-project' as ProjectId;

function imageRecord(i: number): ImageRecord {
  const relPath = imagePath(i);
  return {
    id: imageIdOf(i),
    projectId: PROJECT,
    status: 'submitted',
    importedAt: 0,
    sha256: pad(i, 64) as ContentHash,
    rootId: 'root' as RootId,
    relPath,
    path: `/data/${relPath}`,
    fileName: relPath.slice(relPath.lastIndexOf('/') + 1),
    format: 'jpeg',
    width: WIDTH,
    height: HEIGHT,
    orientation: 1,
    bytes: 400_000,
    hasAlpha: false,
    bitDepth: 8,
  };
}

const annotationOf = (id: string, box: Box): Annotation => ({
  id: id as AnnotationId,
  classId: box.label,
  geometry: { kind: 'box', x: box.x, y: box.y, width: box.width, height: box.height },
  attributes: {},
  schemaVersion: 1,
  createdBy: 'bench',
  createdAt: 0,
  updatedBy: 'bench',
  updatedAt: 0,
});

function labelRecord(i: number, annotations: Annotation[]): ImageAnnotations {
  return {
    imageId: imageIdOf(i),
    projectId: PROJECT,
    annotations,
    tags: [],
    attributes: {},
    classIds: classIdsOf(annotations, []),
    updatedAt: 0,
  };
}

const annotationsOf = (i: number) => boxesOf(i).map((box, j) => annotationOf(`${imageIdOf(i)}-a${j}`, box));

// ---------------------------------------------------------------------------------------------------------
// Child steps: each returns its times in ms and checks, and saves what later steps read

type Report = Record<string, number | string>;

function cocoExport(dir: string): Report {
  const images = formatImages();
  const inputRssKb = rssKb();
  const [result, ms] = timed(() => writeCoco(images, { labels: CLASSES, created: '2026-11-26' }));
  const peak = peakRssKb();
  writeFileSync(resolve(dir, 'annotations.json'), result.file.text);
  return {
    ms,
    peakRssKb: peak,
    inputRssKb,
    problems: result.problems.length,
    bytes: Buffer.byteLength(result.file.text),
  };
}

function yoloExport(dir: string): Report {
  const images = formatImages();
  const splits: Record<string, YoloSplit> = {};
  for (let i = 0; i < IMAGES; i++) splits[imagePath(i)] = splitOf(i);
  const inputRssKb = rssKb();
  const [result, ms] = timed(() => writeYolo(images, { labels: CLASSES, task: 'detect', splits }));
  const peak = peakRssKb();
  writeFileSync(resolve(dir, 'yolo.json'), JSON.stringify(result.files));
  let bytes = 0;
  for (const file of result.files) bytes += Buffer.byteLength(file.text);
  return {
    ms,
    peakRssKb: peak,
    inputRssKb,
    problems: result.problems.length,
    files: result.files.length,
    bytes,
  };
}

function cocoImport(dir: string): Report {
  const text = readFileSync(resolve(dir, 'annotations.json'), 'utf8');
  const inputRssKb = rssKb();
  const [json, parseMs] = timed(() => JSON.parse(text) as unknown);
  const [dataset, readMs] = timed(() => readCoco(json));
  const peak = peakRssKb();
  let annotations = 0;
  for (const image of dataset.images) annotations += image.annotations.length;
  return {
    ms: parseMs + readMs,
    parseMs,
    readMs,
    peakRssKb: peak,
    inputRssKb,
    images: dataset.images.length,
    annotations,
    problems: dataset.problems.length,
  };
}

function yoloImport(dir: string): Report {
  const files = JSON.parse(readFileSync(resolve(dir, 'yolo.json'), 'utf8')) as WrittenFile[];
  const inputRssKb = rssKb();
  const [read, ms] = timed(() => {
    const config = readYoloConfig(files[0]!.text, files[0]!.path);
    const images: FormatImage[] = [];
    let problems = config.problems.length;
    for (let f = 1; f < files.length; f++) {
      const file = files[f]!;
      // labels/<split>/<stem>.txt → <stem>.jpg
      const stem = file.path.slice(file.path.indexOf('/', 'labels/'.length) + 1, -'.txt'.length);
      const labels = readYoloLabels(file.text, {
        file: file.path,
        imagePath: `${stem}.jpg`,
        width: WIDTH,
        height: HEIGHT,
        labels: config.labels,
        task: 'detect',
      });
      images.push(labels.image);
      problems += labels.problems.length;
    }
    return { images, problems };
  });
  const peak = peakRssKb();
  let annotations = 0;
  for (const image of read.images) annotations += image.annotations.length;
  return {
    ms,
    peakRssKb: peak,
    inputRssKb,
    images: read.images.length,
    annotations,
    problems: read.problems,
  };
}

function versions(): Report {
  const changedEvery = Math.round(1 / CHANGED);
  const churnEvery = Math.round(1 / CHURN);
  const images1 = Array.from({ length: IMAGES }, (_, i) => imageRecord(i));
  const records1 = Array.from({ length: IMAGES }, (_, i) => labelRecord(i, annotationsOf(i)));
  const candidates = (records: readonly ImageAnnotations[]): SplitCandidate[] =>
    records.map((r) => ({ imageId: r.imageId, classIds: r.classIds }));

  // Version 2's records: fresh objects; images i % churnEvery === 5 removed, IMAGES·CHURN new images, and
  // images i % changedEvery === 3 with box 0 moved 5 px, box 1 relabeled, box 2 removed and one box added.
  const images2: ImageRecord[] = [];
  const records2: ImageAnnotations[] = [];
  for (let i = 0; i < IMAGES; i++) {
    if (i % churnEvery === 5) continue;
    images2.push(imageRecord(i));
    let annotations = annotationsOf(i);
    if (i % changedEvery === 3) {
      const [moved, relabeled, , ...rest] = annotations;
      const geometry = moved!.geometry.kind === 'box' ? moved!.geometry : undefined;
      annotations = [
        { ...moved!, geometry: { ...geometry!, x: geometry!.x + 5 }, updatedAt: 1 },
        { ...relabeled!, classId: relabeled!.classId === 'car' ? 'truck' : 'car', updatedAt: 1 },
        ...rest,
        annotationOf(`${imageIdOf(i)}-new`, { label: 'person', x: 10, y: 10, width: 40, height: 90 }),
      ];
    }
    records2.push(labelRecord(i, annotations));
  }
  for (let i = IMAGES; i < IMAGES + IMAGES * CHURN; i++) {
    images2.push(imageRecord(i));
    records2.push(labelRecord(i, annotationsOf(i)));
  }
  const candidates1 = candidates(records1);
  const candidates2 = candidates(records2);
  const inputRssKb = rssKb();

  const [splits1, splitStratifiedMs] = timed(() => assignSplits(candidates1, SPLIT_OPTIONS));
  const [, splitRandomMs] = timed(() => assignSplits(candidates1, { ...SPLIT_OPTIONS, strategy: 'random' }));
  const base = { projectId: PROJECT, author: 'bench', schemaVersion: 1 };
  const [v1, snapshot1Ms] = timed((): DatasetVersion =>
    createVersion({
      ...base,
      id: 'v1' as VersionId,
      number: 1,
      message: 'first',
      createdAt: 1,
      images: images1,
      records: records1,
      previous: null,
      splits: splits1,
    }),
  );
  const existing = new Map<ImageId, Split>(v1.images.map((image) => [image.imageId, image.split]));
  const [splits2, split2Ms] = timed(() => assignSplits(candidates2, { ...SPLIT_OPTIONS, existing }));
  const [v2, snapshot2Ms] = timed(() =>
    createVersion({
      ...base,
      id: 'v2' as VersionId,
      number: 2,
      message: 'second',
      createdAt: 2,
      images: images2,
      records: records2,
      previous: v1,
      splits: splits2,
    }),
  );
  const [diff, diffMs] = timed(() => diffVersions(v1, v2));
  const peak = peakRssKb();
  const t = diff.totals;
  return {
    splitStratifiedMs,
    splitRandomMs,
    snapshot1Ms,
    split2Ms,
    snapshot2Ms,
    diffMs,
    peakRssKb: peak,
    inputRssKb,
    annotations1: v1.counts.annotations,
    annotations2: v2.counts.annotations,
    diff:
      `images +${t.imagesAdded} −${t.imagesRemoved} ~${t.imagesChanged}; annotations +${t.annotationsAdded} ` +
      `−${t.annotationsRemoved} ~${t.annotationsChanged} (geometry ${t.geometryChanged}, class ${t.classChanged})`,
  };
}

/**
 * The whole export as the app runs it, labels only: the images arrive as the renderer sends them (batches of
 * 2,000 validated by the contract's schema, as `exports.append` does), then the host lays the files out and
 * writes them atomically (temporary folder, each file fsynced and hashed, manifest, rename) on this disk.
 */
async function exportToDisk(format: 'coco' | 'yolo', dir: string): Promise<Report> {
  const sent: ExportImageArgs[] = formatImages().map((image, i) => ({
    ...image,
    imageId: imageIdOf(i),
    split: splitOf(i),
    annotations: image.annotations.map((a) => ({ label: a.label, geometry: { ...a.geometry } })),
    source: null,
  }));
  const inputRssKb = rssKb();
  const out = mkdtempSync(resolve(dir, `export-${format}-`));
  const roots = await openRootRegistry(resolve(out, 'data'));
  const start = performance.now();
  const received: ExportImageArgs[] = [];
  for (let i = 0; i < sent.length; i += 2000) {
    received.push(...exportImageSchema.array().parse(sent.slice(i, i + 2000)));
  }
  const validateMs = performance.now() - start;
  const summary = await writeVersionExport(
    {
      target: resolve(out, 'dataset'),
      format,
      images: 'none',
      labels: CLASSES,
      skeletons: {},
      manifest: {
        project: { id: PROJECT, name: 'bench' },
        version: {
          id: 'v1',
          number: 1,
          parent: null,
          message: 'bench',
          author: 'bench',
          createdAt: '2026-11-26T00:00:00.000Z',
        },
        schema: { version: 1, name: 'bench', classes: CLASSES.map((c) => ({ id: c, name: c })) },
        filters: {},
        counts: { images: IMAGES, annotations: IMAGES * PER_IMAGE, perClass: {} },
        splits: { train: 0, val: 0, test: 0 },
      },
    },
    received,
    roots,
    {
      jobId: 'bench' as never,
      signal: new AbortController().signal,
      progress: () => undefined,
      output: () => undefined,
    },
  );
  const ms = performance.now() - start;
  const peak = peakRssKb();
  rmSync(out, { recursive: true, force: true });
  return {
    ms,
    validateMs,
    peakRssKb: peak,
    inputRssKb,
    files: summary.files,
    bytes: summary.bytes,
    problems: summary.problemCount,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The large-COCO case (`--big-coco`): a ~1 GB file imported through the host's inspect and import job

/** `--big-images=N` makes a smaller file, to try the steps out. */
const BIG_IMAGES = Number(arg('big-images') ?? 20_000);
const BIG_WIDTH = 640;
const BIG_HEIGHT = 480;
const bigFolder = (dir: string) =>
  resolve(dir, '..', BIG_IMAGES === 20_000 ? 'big-coco' : `big-coco-${BIG_IMAGES}`);

/** Writes the big COCO file (in pieces, never whole) and the hard-linked images, unless already written. */
async function bigCocoWrite(dir: string): Promise<Report> {
  const folder = bigFolder(dir);
  const file = resolve(folder, 'annotations.json');
  const ready = resolve(folder, '.ready');
  if (existsSync(ready)) return { ms: 0, peakRssKb: peakRssKb(), bytes: statSync(file).size, reused: 1 };
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(resolve(folder, 'images'), { recursive: true });
  const start = performance.now();
  const frame = resolve(folder, 'frame.jpg');
  await sharp({ create: { width: BIG_WIDTH, height: BIG_HEIGHT, channels: 3, background: '#6a7b8c' } })
    .jpeg()
    .toFile(frame);
  for (let i = 0; i < BIG_IMAGES; i++) {
    const path = resolve(folder, 'images', imagePath(i));
    if (i % 1000 === 0) mkdirSync(resolve(path, '..'), { recursive: true });
    linkSync(frame, path);
  }
  const fd = openSync(file, 'w');
  let pending = '';
  let bytes = 0;
  const put = (text: string) => {
    pending += text;
    if (pending.length >= 1 << 22) {
      bytes += writeSync(fd, pending);
      pending = '';
    }
  };
  // COCO's own key order: the annotations come before the categories they name.
  put('{"info":{"description":"LabelLoop big-coco bench","year":2026},"licenses":[],"images":[\n');
  for (let i = 0; i < BIG_IMAGES; i++) {
    put(
      `${i ? ',\n' : ''}{"id":${i + 1},"file_name":"${imagePath(i)}","width":${BIG_WIDTH},"height":${BIG_HEIGHT}}`,
    );
  }
  put('\n],"annotations":[\n');
  let id = 0;
  const n = (v: number) => Math.round(v * 100) / 100;
  for (let i = 0; i < BIG_IMAGES; i++) {
    const random = prng(1_000_003 + i);
    const objects = 300 + Math.floor(random() * 101);
    for (let j = 0; j < objects; j++) {
      const width = 4 + random() * 120;
      const height = 4 + random() * 120;
      const x = random() * (BIG_WIDTH - width);
      const y = random() * (BIG_HEIGHT - height);
      const category = 1 + Math.min(CLASSES.length - 1, Math.floor(random() ** 2 * CLASSES.length));
      let segmentation = '[]';
      if (random() < 0.1) {
        const points: number[] = [];
        const corners = 6 + Math.floor(random() * 8);
        for (let k = 0; k < corners; k++) {
          const angle = (k / corners) * 2 * Math.PI;
          points.push(
            n(x + width / 2 + (Math.cos(angle) * width) / 2),
            n(y + height / 2 + (Math.sin(angle) * height) / 2),
          );
        }
        segmentation = `[[${points.join(',')}]]`;
      }
      put(
        `${id ? ',\n' : ''}{"id":${++id},"image_id":${i + 1},"category_id":${category},"segmentation":${segmentation},` +
          `"area":${n(width * height)},"bbox":[${n(x)},${n(y)},${n(width)},${n(height)}],"iscrowd":0}`,
      );
    }
  }
  put(`\n],"categories":${JSON.stringify(CLASSES.map((name, k) => ({ id: k + 1, name })))}}\n`);
  bytes += writeSync(fd, pending);
  closeSync(fd);
  writeFileSync(ready, '');
  return { ms: performance.now() - start, peakRssKb: peakRssKb(), bytes, annotations: id, reused: 0 };
}

const folderBytes = (folder: string): number =>
  existsSync(folder)
    ? readdirSync(folder, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .reduce((sum, entry) => sum + statSync(resolve(entry.parentPath, entry.name)).size, 0)
    : 0;

/** Inspect and import of the big file through the host's code; images and labels sent are counted and dropped. */
async function bigCocoImport(dir: string, spill: boolean): Promise<Report> {
  const dataDir = resolve(dir, '..', `big-coco-data-${spill ? 'spill' : 'memory'}`);
  rmSync(dataDir, { recursive: true, force: true });
  const inspections = createDatasetInspections({ dataDir, spillCoco: spill });
  const inputRssKb = rssKb();
  const start = performance.now();
  const inspection = await inspections.inspect({ path: bigFolder(dir), format: 'coco' });
  const inspectMs = performance.now() - start;
  const inspectPeakRssKb = peakRssKb();
  const heldRssKb = rssKb();
  const spillBytes = folderBytes(spillRoot(dataDir));
  const read = inspections.take(inspection.inspectId)!;
  const roots = await openRootRegistry(dataDir);
  let images = 0;
  let annotations = 0;
  let problems = 0;
  const importStart = performance.now();
  const summary = await runDatasetImport(
    'bench-project',
    read,
    { dataDir, maxInputPixels: 268_402_689, roots, concurrency: 4 },
    {
      jobId: 'bench' as never,
      signal: new AbortController().signal,
      progress: () => undefined,
      output: (output) => {
        images += output.images.length;
        problems += output.problems.length;
        for (const labels of Object.values(output.labels)) annotations += labels.annotations.length;
      },
    },
  );
  const importMs = performance.now() - importStart;
  const peak = peakRssKb();
  const spillLeft = folderBytes(spillRoot(dataDir));
  rmSync(dataDir, { recursive: true, force: true });
  return {
    inspectMs,
    importMs,
    peakRssKb: peak,
    inspectPeakRssKb,
    heldRssKb,
    inputRssKb,
    spillBytes,
    spillLeft,
    objects: inspection.objects,
    images,
    readable: summary.readable,
    annotations,
    problems: problems + inspection.problemCount,
  };
}

/** The big-COCO steps: the file (once), the import as built, and the in-memory import when it fits in time. */
async function bigCoco(command: readonly string[], dir: string): Promise<void> {
  const written = await runChild(command, 'big-coco-write', dir);
  note(
    written.reused
      ? `big COCO file: ${written.bytes} bytes (written earlier)`
      : `big COCO file: ${written.bytes} bytes, ${written.annotations} objects, written in ${seconds(written.ms as number)} s`,
  );
  metric('big_coco_file', Math.round((written.bytes as number) / 1e6), 'MB', 1000);
  const report = (name: string, r: Report) => {
    note(
      `${name}: ${r.images} images and ${r.annotations} objects sent (inspect counted ${r.objects}), ` +
        `${r.problems} problems; spill ${r.spillBytes} bytes on disk, ${r.spillLeft} left after; ` +
        `peak during inspect ${mb(r.inspectPeakRssKb as number)} MB, held after inspect ${mb(r.heldRssKb as number)} MB`,
    );
    metric(`${name}_inspect`, seconds(r.inspectMs as number), 's', TARGET_SECONDS);
    metric(`${name}_import`, seconds(r.importMs as number), 's', TARGET_SECONDS);
    metric(`${name}_annotations`, r.annotations as number, 'objects', r.objects as number);
    rssMetrics(name, r);
  };
  report('big_coco_import', await runChild(command, 'big-coco-import', dir));
  const limitMs = Number(arg('memory-limit-s') ?? 1800) * 1000;
  try {
    const memory = await runChild(command, 'big-coco-import-memory', dir, {
      nodeOptions: ['--max-old-space-size=20480'],
      timeoutMs: limitMs,
    });
    report('big_coco_import_in_memory', memory);
  } catch (error) {
    note(`big_coco_import_in_memory did not finish: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parent: one child per step, metrics from their reports

const STEPS = [
  'coco-export',
  'yolo-export',
  'coco-import',
  'yolo-import',
  'versions',
  'coco-export-files',
  'yolo-export-files',
  'big-coco-write',
  'big-coco-import',
  'big-coco-import-memory',
] as const;
type Step = (typeof STEPS)[number];

async function runChild(
  command: readonly string[],
  step: Step,
  dir: string,
  { nodeOptions = [], timeoutMs }: { nodeOptions?: readonly string[]; timeoutMs?: number } = {},
): Promise<Report> {
  const child = spawn(
    process.execPath,
    [
      ...nodeOptions,
      ...command,
      `--child=${step}`,
      `--images=${IMAGES}`,
      `--big-images=${BIG_IMAGES}`,
      `--dir=${dir}`,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`child ${step} exited with ${code ?? child.signalCode}`);
  return JSON.parse(stdout) as Report;
}

const suffix = BUNDLED ? '_bundled' : '';
const size = IMAGES === 100_000 ? '' : `_${IMAGES / 1000}k`;

function metric(name: string, value: number, unit: string, baseline: number): void {
  const fields = {
    metric: `${name}${size}${suffix}`,
    value,
    unit,
    baseline,
    ratio: Number((value / baseline).toFixed(3)),
  };
  process.stdout.write(`${JSON.stringify(fields)}\n`);
}

function rssMetrics(name: string, report: Report): void {
  metric(`${name}_peak_rss`, mb(report.peakRssKb as number), 'MB', TARGET_RSS_MB);
  note(`  ${name}: input alone ${mb(report.inputRssKb as number)} MB RSS`);
}

async function parent(): Promise<void> {
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const dir = resolve(root, '.bench', 'datasets', String(IMAGES));
  mkdirSync(dir, { recursive: true });
  let command: string[] = [...process.execArgv, fileURLToPath(import.meta.url)];
  if (BUNDLED) {
    const { build } = await import('esbuild');
    const outfile = resolve(root, '.bench', 'datasets', 'bench.mjs');
    await build({
      entryPoints: [fileURLToPath(import.meta.url)],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      external: ['esbuild'],
      // Bundled CommonJS dependencies (yaml) call require(); give the ESM bundle one, as scripts/build.mjs does.
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    command = [outfile];
  }
  if (BIG_COCO) {
    note(
      `big COCO: ${BIG_IMAGES.toLocaleString('en')} images × ~350 objects, node ${process.version}, ` +
        `load average ${(await import('node:os'))
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
    return bigCoco(command, dir);
  }
  note(
    `${IMAGES.toLocaleString('en')} images × ${PER_IMAGE} boxes, ${BUNDLED ? 'esbuild bundle' : 'tsx'}, ` +
      `node ${process.version}, load average ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );

  const coco = await runChild(command, 'coco-export', dir);
  note(`coco export: ${coco.bytes} bytes, ${coco.problems} problems`);
  metric('coco_export', seconds(coco.ms as number), 's', TARGET_SECONDS);
  rssMetrics('coco_export', coco);

  const yolo = await runChild(command, 'yolo-export', dir);
  note(`yolo export: ${yolo.files} files, ${yolo.bytes} bytes, ${yolo.problems} problems`);
  metric('yolo_export', seconds(yolo.ms as number), 's', TARGET_SECONDS);
  rssMetrics('yolo_export', yolo);

  const cocoIn = await runChild(command, 'coco-import', dir);
  note(
    `coco import: ${cocoIn.images} images, ${cocoIn.annotations} annotations, ${cocoIn.problems} problems; ` +
      `JSON.parse ${seconds(cocoIn.parseMs as number)} s + readCoco ${seconds(cocoIn.readMs as number)} s`,
  );
  metric('coco_import', seconds(cocoIn.ms as number), 's', TARGET_SECONDS);
  rssMetrics('coco_import', cocoIn);

  const yoloIn = await runChild(command, 'yolo-import', dir);
  note(
    `yolo import: ${yoloIn.images} images, ${yoloIn.annotations} annotations, ${yoloIn.problems} problems`,
  );
  metric('yolo_import', seconds(yoloIn.ms as number), 's', TARGET_SECONDS);
  rssMetrics('yolo_import', yoloIn);

  const v = await runChild(command, 'versions', dir);
  note(`versions: ${v.annotations1} → ${v.annotations2} annotations; diff ${v.diff}`);
  note(
    `  assignSplits random ${seconds(v.splitRandomMs as number)} s (stratified is the metric); ` +
      `version 2 assignSplits ${seconds(v.split2Ms as number)} s, createVersion ${seconds(v.snapshot2Ms as number)} s`,
  );
  // The issue sets no target for splits and snapshots; they are held to the diff's.
  metric('versions_split_stratified', seconds(v.splitStratifiedMs as number), 's', TARGET_DIFF_SECONDS);
  metric('versions_snapshot', seconds(v.snapshot1Ms as number), 's', TARGET_DIFF_SECONDS);
  metric('versions_diff', seconds(v.diffMs as number), 's', TARGET_DIFF_SECONDS);
  rssMetrics('versions', v);

  for (const format of ['coco', 'yolo'] as const) {
    const files = await runChild(command, `${format}-export-files`, dir);
    note(
      `${format} export to disk: ${files.files} files, ${files.bytes} bytes, ${files.problems} problems; ` +
        `contract validation ${seconds(files.validateMs as number)} s`,
    );
    metric(`${format}_export_to_disk`, seconds(files.ms as number), 's', TARGET_SECONDS);
    rssMetrics(`${format}_export_to_disk`, files);
  }
}

if (CHILD === undefined) {
  await parent();
} else {
  const dir = arg('dir')!;
  const steps: Record<Step, () => Report | Promise<Report>> = {
    'coco-export-files': () => exportToDisk('coco', dir),
    'yolo-export-files': () => exportToDisk('yolo', dir),
    'coco-export': () => cocoExport(dir),
    'yolo-export': () => yoloExport(dir),
    'coco-import': () => cocoImport(dir),
    'yolo-import': () => yoloImport(dir),
    versions,
    'big-coco-write': () => bigCocoWrite(dir),
    'big-coco-import': () => bigCocoImport(dir, true),
    'big-coco-import-memory': () => bigCocoImport(dir, false),
  };
  const run = steps[CHILD as Step];
  if (run === undefined) throw new Error(`unknown step ${CHILD}; known: ${STEPS.join(', ')}`);
  process.stdout.write(`${JSON.stringify(await run())}\n`);
}
