/**
 * Importing a labeled dataset: `inspect` reads it once and keeps it under an id; the import job registers
 * its image folder, probes each image found on disk as the image import does, and streams the probed
 * images in batches with each image's labels. A COCO file's objects (which can be gigabytes) are kept in
 * bucket files under the data dir rather than in memory, and read back one bucket at a time.
 */

import { randomUUID } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import {
  INSPECT_PROBLEM_LIMIT,
  type DatasetImageLabels,
  type DatasetImportFormat,
  type DatasetImportOutput,
  type DatasetImportSummary,
  type DatasetInspection,
  type DatasetLabelUse,
} from '../../core/api/datasets';
import { HostError } from '../../core/api/errors';
import { createLabelUseCounter, labelUses } from '../../core/formats/labelUse';
import type { FormatAnnotation, FormatImage, FormatProblem } from '../../core/formats/types';
import type { ImportProblem, ProbedImage } from '../../core/images/types';
import type { JobContext } from '../jobs';
import type { ImportOptions } from '../images/importJob';
import { probeImage } from '../images/probe';
import { detectFormat } from './detectFormat';
import { DatasetReadError, MISSING_IMAGE, readDatasetFromDisk, type DatasetOnDisk } from './readDataset';
import {
  createSpillWriter,
  makeSpillFolder,
  readSpillBucket,
  removeSpillFolder,
  removeStaleSpills,
  SPILL_BUCKETS,
  spillBucket,
  spillRoot,
} from './spill';

/** An inspected dataset not imported within this time is dropped. */
export const INSPECTION_TTL_MS = 10 * 60 * 1000;

/** The objects of an inspected dataset that are on disk (see spill.ts), not in its images. */
export interface SpilledObjects {
  /** The folder of the bucket files: `<dataDir>/cache/dataset-import/<inspectId>`. */
  readonly folder: string;
  /** How many objects each image has, by path; images without objects are absent. */
  readonly objects: ReadonlyMap<string, number>;
  readonly labels: readonly DatasetLabelUse[];
  /** Deletes the folder; the import calls it when it ends, however it ends. */
  remove(): Promise<void>;
}

/** A dataset as inspect holds it: its images have no objects when the objects are spilled. */
export interface InspectedDataset extends DatasetOnDisk {
  readonly spilled?: SpilledObjects;
}

export interface DatasetInspections {
  inspect(args: { path: string; format?: DatasetImportFormat; images?: string }): Promise<DatasetInspection>;
  /** The inspected dataset, no longer held: an import reads it once (and removes its spill folder). */
  take(inspectId: string): InspectedDataset | undefined;
}

export interface DatasetInspectionOptions {
  /** The host's data dir; spilled objects go under `cache/dataset-import/` in it. */
  readonly dataDir: string;
  readonly ttlMs?: number;
  /** false keeps a COCO file's objects in memory as the other formats' (for comparison). */
  readonly spillCoco?: boolean;
}

/** Holds one inspected dataset at a time: a new inspection replaces the previous one. */
export function createDatasetInspections({
  dataDir,
  ttlMs = INSPECTION_TTL_MS,
  spillCoco = true,
}: DatasetInspectionOptions): DatasetInspections {
  const root = spillRoot(dataDir);
  /** Spill folders in use: being written, held, or being imported. */
  const live = new Set<string>();
  let held: { id: string; read: InspectedDataset; timer: NodeJS.Timeout } | undefined;
  const drop = async () => {
    if (!held) return;
    clearTimeout(held.timer);
    const { spilled } = held.read;
    held = undefined;
    await spilled?.remove().catch(() => undefined);
  };

  /** A folder to spill into, and a sink that spills there, counts objects per image and counts label uses. */
  async function startSpill(id: string) {
    const folder = join(root, id);
    const ioError = (error: NodeJS.ErrnoException) =>
      new HostError(
        'io',
        `cannot keep the dataset's objects in ${folder} until the import: ${error.code ?? error.message}`,
      );
    live.add(folder);
    await makeSpillFolder(folder).catch((error: NodeJS.ErrnoException) => {
      live.delete(folder);
      throw ioError(error);
    });
    const writer = createSpillWriter(folder);
    const counter = createLabelUseCounter();
    const objects = new Map<string, number>();
    const remove = async () => {
      await removeSpillFolder(folder);
      live.delete(folder);
    };
    return {
      options: {
        sink: {
          onAnnotation(imagePath: string, annotation: FormatAnnotation) {
            counter.add(annotation);
            objects.set(imagePath, (objects.get(imagePath) ?? 0) + 1);
            writer.append(imagePath, annotation);
          },
        },
        sinkReady: () =>
          writer.ready()?.catch((error: NodeJS.ErrnoException) => {
            throw ioError(error);
          }),
        early: { hold: (json: string) => writer.holdEarly(json), replay: () => writer.replayEarly() },
      },
      close: () =>
        writer.close().catch((error: NodeJS.ErrnoException) => {
          throw ioError(error);
        }),
      abandon: async () => {
        await writer.close().catch(() => undefined);
        await remove();
      },
      spilled: (): SpilledObjects => ({ folder, objects, labels: counter.result(), remove }),
    };
  }

  return {
    async inspect({ path, format, images }) {
      const chosen = format ?? (await detectFormat(path));
      if (chosen === undefined)
        throw new HostError(
          'invalid-argument',
          `${path} does not look like a COCO, YOLO, Pascal VOC, labelme or CVAT dataset; choose the format`,
        );
      // Folders of a process that ended before its import did.
      await removeStaleSpills(root, live);
      const id = randomUUID();
      const spill = chosen === 'coco' && spillCoco ? await startSpill(id) : undefined;
      let read: InspectedDataset;
      try {
        const found = await readDatasetFromDisk(
          path,
          chosen,
          images === undefined ? {} : { images },
          spill?.options,
        );
        if (spill) await spill.close();
        read = spill ? { ...found, spilled: spill.spilled() } : found;
      } catch (error) {
        await spill?.abandon();
        if (error instanceof DatasetReadError) throw new HostError('invalid-argument', error.message);
        throw error;
      }
      await drop();
      const timer = setTimeout(() => void drop(), ttlMs);
      timer.unref();
      held = { id, read, timer };
      return describeInspection(id, path, read, format === undefined);
    },
    take(inspectId) {
      if (held?.id !== inspectId) return undefined;
      const { read } = held;
      clearTimeout(held.timer);
      held = undefined;
      return read;
    },
  };
}

/** How many objects an image has, wherever they are kept. */
const objectsOf = (read: InspectedDataset, image: FormatImage): number =>
  read.spilled ? (read.spilled.objects.get(image.path) ?? 0) : image.annotations.length;

function describeInspection(
  inspectId: string,
  path: string,
  read: InspectedDataset,
  detected: boolean,
): DatasetInspection {
  const { dataset, spilled } = read;
  const found = dataset.images.filter((image) => read.sources.has(image.path)).length;
  let objects = 0;
  for (const image of dataset.images) objects += objectsOf(read, image);
  return {
    inspectId,
    path,
    format: read.format,
    detected,
    imageRoot: read.imageRoot,
    images: dataset.images.length,
    found,
    missing: dataset.images.length - found,
    objects,
    labels: spilled ? [...spilled.labels] : labelUses(dataset.images),
    classList: dataset.labels,
    skeletons: dataset.skeletons ?? {},
    problems: dataset.problems.slice(0, INSPECT_PROBLEM_LIMIT),
    problemCount: dataset.problems.length,
  };
}

const BATCH_SIZE = 100;
const BATCH_INTERVAL_MS = 250;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The images the readers could not find or read on disk, as import problems with the reader's reason
 * (the readers' problem about such an image moves there, so it is reported once), and the other problems.
 */
function unlocatedImages(read: InspectedDataset): {
  problems: ImportProblem[];
  otherProblems: FormatProblem[];
} {
  const unlocated = read.dataset.images.filter((image) => !read.sources.has(image.path));
  const byItem = new Map<string, FormatProblem>();
  for (const problem of read.dataset.problems) {
    // Most readers name the image as the item; the YOLO reader names the image file and says `image`.
    const key = problem.item === 'image' ? problem.file : problem.item;
    if (!byItem.has(key)) byItem.set(key, problem);
  }
  const used = new Set<FormatProblem>();
  const problems = unlocated.map((image): ImportProblem => {
    const stated =
      byItem.get(image.path) ??
      (read.format === 'yolo'
        ? read.dataset.problems.find((p) => p.item === 'image' && p.file.endsWith(`/${image.path}`))
        : undefined);
    if (stated) used.add(stated);
    const reason = stated?.reason ?? MISSING_IMAGE;
    const file = stated && read.format === 'yolo' ? stated.file : image.path;
    const objects = objectsOf(read, image);
    return {
      path: join(read.imageRoot, ...file.split('/')),
      code: reason === MISSING_IMAGE ? 'not-found' : 'unreadable',
      message: objects > 0 ? `${reason}; its ${plural(objects, 'object')} were not imported` : reason,
    };
  });
  return { problems, otherProblems: read.dataset.problems.filter((p) => !used.has(p)) };
}

/**
 * Runs the import of an inspected dataset into `projectId`. Spilled objects are read back one bucket at a
 * time: the images of that bucket are probed and sent with their objects before the next is read. The spill
 * folder is removed when the import ends.
 */
export async function runDatasetImport(
  projectId: string,
  read: InspectedDataset,
  options: ImportOptions,
  job: JobContext<DatasetImportOutput>,
): Promise<DatasetImportSummary> {
  try {
    return await importDataset(projectId, read, options, job);
  } finally {
    // A folder that cannot be removed now is removed by the next inspect.
    await read.spilled?.remove().catch(() => undefined);
  }
}

interface Located {
  readonly image: FormatImage;
  readonly file: string;
}

async function importDataset(
  projectId: string,
  read: InspectedDataset,
  options: ImportOptions,
  job: JobContext<DatasetImportOutput>,
): Promise<DatasetImportSummary> {
  const startedAt = Date.now();
  const root = await options.roots.register(projectId, read.imageRoot);
  const located = read.dataset.images.flatMap((image): Located[] => {
    const file = read.sources.get(image.path);
    return file === undefined ? [] : [{ image, file }];
  });
  const unlocated = unlocatedImages(read);
  let roots: DatasetImportOutput['roots'] = [root];
  let images: ProbedImage[] = [];
  let labels: Record<string, DatasetImageLabels> = {};
  let problems: ImportProblem[] = unlocated.problems;
  let datasetProblems: FormatProblem[] = unlocated.otherProblems;
  let problemCount = 0;
  let lastFlush = Date.now();
  const flush = () => {
    if (images.length + problems.length + datasetProblems.length + roots.length === 0) return;
    problemCount += problems.length;
    job.output({ roots, images, labels, problems, datasetProblems });
    roots = [];
    images = [];
    labels = {};
    problems = [];
    datasetProblems = [];
    lastFlush = Date.now();
  };

  let done = 0;
  let readable = 0;
  job.progress(0, located.length);
  flush();
  /** Probes `entries` with the job's concurrency, each sent with the objects `objectsIn` gives it. */
  const probeAll = async (
    entries: readonly Located[],
    objectsIn: (image: FormatImage) => readonly FormatAnnotation[],
  ) => {
    let next = 0;
    const worker = async () => {
      while (!job.signal.aborted && next < entries.length) {
        const { image, file } = entries[next++]!;
        const annotations = objectsIn(image);
        const relPath = relative(read.imageRoot, file).split(sep).join('/');
        const result = await probeImage(
          { path: file, rootId: root.rootId, relPath },
          {
            dataDir: options.dataDir,
            maxInputPixels: options.maxInputPixels,
            // Files with the same bytes all go to the project, which keeps one image and appends the
            // labels of each: in a labeled dataset a copy still carries labels.
            claimHash: async () => undefined,
          },
        );
        if (result.ok) {
          readable++;
          images.push(result.image);
          labels[relPath] = {
            path: image.path,
            annotations,
            ...(image.tags && { tags: image.tags }),
            ...(image.attributes && { attributes: image.attributes }),
          };
        } else {
          const objects = annotations.length;
          problems.push({
            ...result.problem,
            message:
              objects > 0
                ? `${result.problem.message}; its ${plural(objects, 'object')} were not imported`
                : result.problem.message,
          });
        }
        done++;
        job.progress(done, located.length);
        if (images.length + problems.length >= BATCH_SIZE || Date.now() - lastFlush >= BATCH_INTERVAL_MS)
          flush();
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  };

  const { spilled } = read;
  if (spilled) {
    const buckets = Array.from({ length: SPILL_BUCKETS }, (): Located[] => []);
    for (const entry of located) buckets[spillBucket(entry.image.path)]!.push(entry);
    const used = buckets.flatMap((entries, bucket) => (entries.length > 0 ? [bucket] : []));
    // The next bucket is read while this one's images are probed (two are held at most); its failure is
    // kept until it is needed, so a cancelled import does not fail on a bucket it no longer reads.
    const read = (k: number) =>
      k < used.length
        ? readSpillBucket(spilled.folder, used[k]!).then(
            (objects) => ({ objects }),
            (error: unknown) => ({ error }),
          )
        : undefined;
    let reading = read(0);
    for (let k = 0; reading && !job.signal.aborted; k++) {
      const bucket = await reading;
      if ('error' in bucket) throw bucket.error;
      reading = read(k + 1);
      await probeAll(buckets[used[k]!]!, (image) => bucket.objects.get(image.path) ?? []);
    }
  } else {
    await probeAll(located, (image) => image.annotations);
  }
  flush();
  return {
    format: read.format,
    images: read.dataset.images.length,
    missing: unlocated.problems.length,
    candidates: located.length,
    readable,
    problems: problemCount,
    ignoredFiles: 0,
    cancelled: job.signal.aborted,
    elapsedMs: Date.now() - startedAt,
  };
}
