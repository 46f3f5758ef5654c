/**
 * Where each file of an exported version goes, per format, laid out the way that format's training tools
 * read it, with the version's splits kept:
 * - coco: `<split>/annotations.json` and `<split>/images/<path>`, one self-contained COCO dataset per
 *   split (as Detectron2 and MMDetection register them: a JSON and its image root);
 * - yolo: `data.yaml`, `images/<split>/<path>`, `labels/<split>/<path>.txt` (Ultralytics' layout);
 * - voc: `Annotations/<path>.xml`, `JPEGImages/<path>`, `ImageSets/Main/<split>.txt` (the devkit's);
 * - labelme: `<split>/<path>` with its JSON beside it;
 * - cvat: `annotations.xml` and `images/<path>`;
 * - csv, jsonl: `<split>.csv` / `<split>.jsonl` and `images/<path>`.
 * Pure: the files' text and the images' places; the host copies the images and writes atomically.
 */

import { writeCoco } from '../formats/coco';
import { writeCvat } from '../formats/cvat';
import { writeLabelme } from '../formats/labelme';
import { withoutExtension } from '../formats/paths';
import { writeCsv, writeJsonl } from '../formats/tables';
import type { FormatImage, FormatProblem, WriteOptions, WrittenFile } from '../formats/types';
import { writeVoc } from '../formats/voc';
import { writeYolo, type YoloTask } from '../formats/yolo';
import { SPLITS, type Split } from '../versions/types';
import type { ExportImage } from './fromVersion';
import type { ExportFormat } from './manifest';

export interface LayoutOptions extends WriteOptions {
  readonly format: ExportFormat;
  /** YOLO: what the label lines are. */
  readonly task?: YoloTask;
  /** COCO `info`: the version's time and name, so the same version gives the same bytes. */
  readonly created?: string;
  readonly description?: string;
}

export interface ExportLayout {
  readonly files: readonly WrittenFile[];
  /** Where each image's file goes, in the images' order. */
  readonly images: readonly { readonly imageId: string; readonly path: string }[];
  /** What the writers left out or changed. */
  readonly problems: readonly FormatProblem[];
}

/** YOLO's task for the geometries in the export: keypoints → pose, polygons → segment, rotated boxes → obb. */
export function yoloTaskOf(images: readonly FormatImage[]): YoloTask {
  const kinds = new Set(images.flatMap((image) => image.annotations.map((a) => a.geometry.kind)));
  if (kinds.has('keypoints')) return 'pose';
  if (kinds.has('polygon')) return 'segment';
  if (kinds.has('rotated-box')) return 'obb';
  return 'detect';
}

const bySplit = (images: readonly ExportImage[]): [Split, ExportImage[]][] =>
  SPLITS.map((split): [Split, ExportImage[]] => [
    split,
    images.filter((image) => image.split === split),
  ]).filter(([, list]) => list.length > 0);

function perImage(
  images: readonly FormatImage[],
  write: (
    image: FormatImage,
    options: WriteOptions,
  ) => { file: WrittenFile | null; problems: readonly FormatProblem[] },
  options: WriteOptions,
): { files: WrittenFile[]; problems: FormatProblem[] } {
  const files: WrittenFile[] = [];
  const problems: FormatProblem[] = [];
  for (const image of images) {
    const result = write(image, options);
    if (result.file) files.push(result.file);
    problems.push(...result.problems);
  }
  return { files, problems };
}

const moved = (image: ExportImage, path: string): ExportImage => ({ ...image, path });

export function layoutExport(images: readonly ExportImage[], options: LayoutOptions): ExportLayout {
  const write: WriteOptions = {
    labels: options.labels,
    ...(options.skeletons && { skeletons: options.skeletons }),
  };
  const place = (path: (image: ExportImage) => string) =>
    images.map((image) => ({ imageId: image.imageId, path: path(image) }));

  switch (options.format) {
    case 'coco': {
      const files: WrittenFile[] = [];
      const problems: FormatProblem[] = [];
      for (const [split, list] of bySplit(images)) {
        const result = writeCoco(list, {
          ...write,
          path: `${split}/annotations.json`,
          ...(options.created !== undefined && { created: options.created }),
          ...(options.description !== undefined && { description: options.description }),
        });
        files.push(result.file);
        problems.push(...result.problems);
      }
      return { files, problems, images: place((image) => `${image.split}/images/${image.path}`) };
    }
    case 'yolo': {
      const task = options.task ?? yoloTaskOf(images);
      const splits = Object.fromEntries(images.map((image) => [image.path, image.split]));
      const result = writeYolo(images, { ...write, task, splits });
      return { ...result, images: place((image) => `images/${image.split}/${image.path}`) };
    }
    case 'voc': {
      const result = perImage(images, writeVoc, write);
      const lists = bySplit(images).map(([split, list]) => ({
        path: `ImageSets/Main/${split}.txt`,
        text: list.map((image) => `${withoutExtension(image.path)}\n`).join(''),
      }));
      return {
        files: [...result.files, ...lists],
        problems: result.problems,
        images: place((image) => `JPEGImages/${image.path}`),
      };
    }
    case 'labelme': {
      const inSplit = images.map((image) => moved(image, `${image.split}/${image.path}`));
      return {
        ...perImage(inSplit, writeLabelme, write),
        images: place((image) => `${image.split}/${image.path}`),
      };
    }
    case 'cvat': {
      const result = writeCvat(images, write);
      return {
        files: result.file ? [result.file] : [],
        problems: result.problems,
        images: place((image) => `images/${image.path}`),
      };
    }
    case 'csv':
    case 'jsonl': {
      const writeTable = options.format === 'csv' ? writeCsv : writeJsonl;
      const files = bySplit(images).map(([split, list]) => writeTable(list, `${split}.${options.format}`));
      return { files, problems: [], images: place((image) => `images/${image.path}`) };
    }
  }
}
