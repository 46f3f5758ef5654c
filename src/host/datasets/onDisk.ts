/** What reading a dataset from disk gives, and the error when it cannot be read at all. */

import { readFile } from 'node:fs/promises';
import type { FormatDataset } from '../../core/formats/types';
import type { YoloSplit, YoloTask } from '../../core/formats/yolo';

export type DatasetFormat = 'coco' | 'yolo' | 'voc' | 'labelme' | 'cvat';
export const DATASET_FORMATS: readonly DatasetFormat[] = ['coco', 'yolo', 'voc', 'labelme', 'cvat'];

export interface ReadDatasetOptions {
  /** The image folder, for formats that keep images apart from the labels (COCO, VOC, CVAT). */
  readonly images?: string;
}

export interface DatasetOnDisk {
  readonly format: DatasetFormat;
  /** Images with their sizes filled in from the image files where the labels do not state them. */
  readonly dataset: FormatDataset;
  /** The folder the images' paths are relative to. */
  readonly imageRoot: string;
  /** Each image's file on disk by its path in `dataset`; images not on disk are absent. */
  readonly sources: ReadonlyMap<string, string>;
  /** YOLO: the split each image is in, from its folder. */
  readonly splits?: ReadonlyMap<string, YoloSplit>;
  /** YOLO: what the label lines are (detect, segment, pose, obb). */
  readonly task?: YoloTask;
}

/** The dataset cannot be read at all (missing, not this format, unparseable): the message names the path. */
export class DatasetReadError extends Error {}

/** The reason every image named by the labels but absent from disk is reported with. */
export const MISSING_IMAGE = 'image listed but not on disk';

export const readText = async (path: string): Promise<string> => {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new DatasetReadError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
};
