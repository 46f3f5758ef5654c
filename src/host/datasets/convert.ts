/**
 * Converts a dataset read from disk into another format: the format's writer makes the label files, the
 * images are copied or hard-linked into the layout that format's tools expect, and the whole folder is
 * written atomically (no manifest: a converted dataset is not a LabelLoop version).
 */

import { writeCoco } from '../../core/formats/coco';
import { writeCvat } from '../../core/formats/cvat';
import { writeLabelme } from '../../core/formats/labelme';
import { writeCsv, writeJsonl } from '../../core/formats/tables';
import type {
  FormatImage,
  FormatProblem,
  FormatWriteResult,
  WriteOptions,
  WrittenFile,
} from '../../core/formats/types';
import { writeVoc } from '../../core/formats/voc';
import { writeYolo, type YoloTask } from '../../core/formats/yolo';
import { isSafeRelativePath, type ManifestFile } from '../../core/export/manifest';
import { writeDataset, type DatasetEntry, type WriteDatasetOptions } from '../export/datasetWriter';
import { byCodePoint } from './files';
import type { DatasetFormat, DatasetOnDisk } from './onDisk';

export type ConvertTarget = DatasetFormat | 'csv' | 'jsonl';
export const CONVERT_TARGETS: readonly ConvertTarget[] = [
  'coco',
  'yolo',
  'voc',
  'labelme',
  'cvat',
  'csv',
  'jsonl',
];
export const YOLO_TASKS: readonly YoloTask[] = ['detect', 'segment', 'pose', 'obb'];

export interface ConvertOptions {
  /** How images reach the target: copied (default), hard-linked, or left out. */
  readonly images?: 'copy' | 'hardlink' | 'none';
  /** YOLO targets: what the label lines are; by default the source's YOLO task, else from the geometries. */
  readonly task?: YoloTask;
}

export interface ConversionPlan {
  readonly entries: readonly DatasetEntry[];
  /** What the writers left out or changed, and files that could not be placed. */
  readonly problems: readonly FormatProblem[];
  readonly labels: readonly string[];
  /** YOLO targets: the task written. */
  readonly task?: YoloTask;
  /** Images copied or linked into the target. */
  readonly images: number;
}

/** YOLO's task for geometries of other formats: keypoints → pose, polygons → segment, rotated boxes → obb. */
export function taskOf(images: readonly FormatImage[]): YoloTask {
  const kinds = new Set(images.flatMap((image) => image.annotations.map((a) => a.geometry.kind)));
  if (kinds.has('keypoints')) return 'pose';
  if (kinds.has('polygon')) return 'segment';
  if (kinds.has('rotated-box')) return 'obb';
  return 'detect';
}

/** Where the target format's tools look for an image. */
function imagePlace(to: ConvertTarget, path: string, split: string): string {
  switch (to) {
    case 'yolo':
      return `images/${split}/${path}`;
    case 'voc':
      return `JPEGImages/${path}`;
    case 'labelme':
      return path;
    default:
      return `images/${path}`;
  }
}

const perImage = (
  images: readonly FormatImage[],
  write: (image: FormatImage, options: WriteOptions) => FormatWriteResult,
  options: WriteOptions,
): { files: WrittenFile[]; problems: FormatProblem[] } => {
  const files: WrittenFile[] = [];
  const problems: FormatProblem[] = [];
  for (const image of images) {
    const result = write(image, options);
    if (result.file) files.push(result.file);
    problems.push(...result.problems);
  }
  return { files, problems };
};

/** The label files of the target format, and what the writer left out. */
function labelFiles(
  read: DatasetOnDisk,
  to: ConvertTarget,
  labels: readonly string[],
  task: YoloTask,
): { files: WrittenFile[]; problems: readonly FormatProblem[] } {
  const { images, skeletons } = read.dataset;
  const options: WriteOptions = { labels, ...(skeletons && { skeletons }) };
  switch (to) {
    case 'coco': {
      const result = writeCoco(images, options);
      return { files: [result.file], problems: result.problems };
    }
    case 'yolo': {
      const splits = read.splits ? Object.fromEntries(read.splits) : undefined;
      return writeYolo(images, { ...options, task, ...(splits && { splits }) });
    }
    case 'voc':
      return perImage(images, writeVoc, options);
    case 'labelme':
      return perImage(images, writeLabelme, options);
    case 'cvat': {
      const result = writeCvat(images, options);
      return { files: result.file ? [result.file] : [], problems: result.problems };
    }
    case 'csv':
      return { files: [writeCsv(images)], problems: [] };
    case 'jsonl':
      return { files: [writeJsonl(images)], problems: [] };
  }
}

/** The files of the converted dataset: label files first, then the images to copy or link. */
export function planConversion(
  read: DatasetOnDisk,
  to: ConvertTarget,
  options: ConvertOptions = {},
): ConversionPlan {
  const { images, labels: listed } = read.dataset;
  // Labels used but missing from the class list are appended, so no writer drops their objects.
  const known = new Set(listed);
  const extra = new Set<string>();
  for (const image of images) for (const a of image.annotations) if (!known.has(a.label)) extra.add(a.label);
  const labels = [...listed, ...[...extra].sort(byCodePoint)];
  const task = options.task ?? read.task ?? taskOf(images);

  const written = labelFiles(read, to, labels, task);
  const problems: FormatProblem[] = [...written.problems];
  const entries: DatasetEntry[] = [];
  const taken = new Map<string, string>();
  const place = (path: string, what: string): boolean => {
    const first = taken.get(path);
    if (first !== undefined || !isSafeRelativePath(path)) {
      problems.push({
        file: path,
        item: what,
        reason: first
          ? `${first} is written at this path already; not written`
          : 'not a plain relative path; not written',
      });
      return false;
    }
    taken.set(path, what);
    return true;
  };
  for (const file of written.files)
    if (place(file.path, 'label file')) entries.push({ path: file.path, data: file.text });

  const mode = options.images ?? 'copy';
  let copied = 0;
  if (mode !== 'none') {
    for (const image of images) {
      const source = read.sources.get(image.path);
      if (source === undefined) continue;
      const path = imagePlace(to, image.path, read.splits?.get(image.path) ?? 'train');
      if (!place(path, image.path)) continue;
      entries.push({ path, source, mode });
      copied++;
    }
  }
  return { entries, problems, labels, ...(to === 'yolo' && { task }), images: copied };
}

/** Writes the plan into `target` (which must not exist) atomically; returns the files written. */
export function writeConversion(
  target: string,
  plan: ConversionPlan,
  options: WriteDatasetOptions = {},
): Promise<readonly ManifestFile[]> {
  return writeDataset(target, plan.entries, null, options);
}
