/**
 * Importing a labeled dataset: `inspect` reads it once and keeps it in memory under an id; the import job
 * registers its image folder, probes each image found on disk as the image import does, and streams the
 * probed images in batches with each image's labels.
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
} from '../../core/api/datasets';
import { HostError } from '../../core/api/errors';
import { labelUses } from '../../core/formats/labelUse';
import type { FormatProblem } from '../../core/formats/types';
import type { ImportProblem, ProbedImage } from '../../core/images/types';
import type { JobContext } from '../jobs';
import type { ImportOptions } from '../images/importJob';
import { probeImage } from '../images/probe';
import { detectFormat } from './detectFormat';
import { DatasetReadError, MISSING_IMAGE, readDatasetFromDisk, type DatasetOnDisk } from './readDataset';

/** An inspected dataset not imported within this time is dropped. */
export const INSPECTION_TTL_MS = 10 * 60 * 1000;

export interface DatasetInspections {
  inspect(args: { path: string; format?: DatasetImportFormat; images?: string }): Promise<DatasetInspection>;
  /** The inspected dataset, removed from memory: an import reads it once. */
  take(inspectId: string): DatasetOnDisk | undefined;
}

/** Holds one inspected dataset at a time: a new inspection replaces the previous one. */
export function createDatasetInspections(ttlMs = INSPECTION_TTL_MS): DatasetInspections {
  let held: { id: string; read: DatasetOnDisk; timer: NodeJS.Timeout } | undefined;
  const drop = () => {
    if (held) clearTimeout(held.timer);
    held = undefined;
  };
  return {
    async inspect({ path, format, images }) {
      const chosen = format ?? (await detectFormat(path));
      if (chosen === undefined)
        throw new HostError(
          'invalid-argument',
          `${path} does not look like a COCO, YOLO, Pascal VOC, labelme or CVAT dataset; choose the format`,
        );
      let read: DatasetOnDisk;
      try {
        read = await readDatasetFromDisk(path, chosen, images === undefined ? {} : { images });
      } catch (error) {
        if (error instanceof DatasetReadError) throw new HostError('invalid-argument', error.message);
        throw error;
      }
      drop();
      const id = randomUUID();
      const timer = setTimeout(drop, ttlMs);
      timer.unref();
      held = { id, read, timer };
      return describeInspection(id, path, read, format === undefined);
    },
    take(inspectId) {
      if (held?.id !== inspectId) return undefined;
      const { read } = held;
      drop();
      return read;
    },
  };
}

function describeInspection(
  inspectId: string,
  path: string,
  read: DatasetOnDisk,
  detected: boolean,
): DatasetInspection {
  const { dataset } = read;
  const found = dataset.images.filter((image) => read.sources.has(image.path)).length;
  return {
    inspectId,
    path,
    format: read.format,
    detected,
    imageRoot: read.imageRoot,
    images: dataset.images.length,
    found,
    missing: dataset.images.length - found,
    objects: dataset.images.reduce((n, image) => n + image.annotations.length, 0),
    labels: labelUses(dataset.images),
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
function unlocatedImages(read: DatasetOnDisk): { problems: ImportProblem[]; otherProblems: FormatProblem[] } {
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
    const objects = image.annotations.length;
    return {
      path: join(read.imageRoot, ...file.split('/')),
      code: reason === MISSING_IMAGE ? 'not-found' : 'unreadable',
      message: objects > 0 ? `${reason}; its ${plural(objects, 'object')} were not imported` : reason,
    };
  });
  return { problems, otherProblems: read.dataset.problems.filter((p) => !used.has(p)) };
}

/** Runs the import of an inspected dataset into `projectId`. */
export async function runDatasetImport(
  projectId: string,
  read: DatasetOnDisk,
  options: ImportOptions,
  job: JobContext<DatasetImportOutput>,
): Promise<DatasetImportSummary> {
  const startedAt = Date.now();
  const root = await options.roots.register(projectId, read.imageRoot);
  const located = read.dataset.images.flatMap((image) => {
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

  let next = 0;
  let done = 0;
  let readable = 0;
  job.progress(0, located.length);
  flush();
  const worker = async () => {
    while (!job.signal.aborted && next < located.length) {
      const { image, file } = located[next++]!;
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
          annotations: image.annotations,
          ...(image.tags && { tags: image.tags }),
          ...(image.attributes && { attributes: image.attributes }),
        };
      } else {
        const objects = image.annotations.length;
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
