/**
 * What every dataset format reader returns and every writer takes: images with their labels named as the
 * file names them (class mapping to a schema is a separate step), in image pixels, plus every problem
 * found, by file and item, so nothing is skipped silently.
 */

import type { AttributeValue, Geometry } from '../annotations/types';

/** One labeled object as a dataset file states it. */
export interface FormatAnnotation {
  /** The class as the file names it (COCO category name, YOLO class name or index, VOC `name`…). */
  readonly label: string;
  readonly geometry: Geometry;
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
  /** COCO `iscrowd`: a region of many objects, ignored by matching. */
  readonly crowd?: boolean;
  /** Confidence, for predictions. */
  readonly score?: number;
  /** The object's id in the file, when it has one (COCO annotation id, CVAT/labelme group…). */
  readonly sourceId?: string;
}

/** One image of a dataset file. */
export interface FormatImage {
  /** The image's path relative to the dataset's image folder, with forward slashes (or its file name). */
  readonly path: string;
  /** 0 when the file does not say (YOLO): the importer takes the size from the image itself. */
  readonly width: number;
  readonly height: number;
  readonly annotations: readonly FormatAnnotation[];
  /** Image-level tags (labelme flags, CVAT tags). */
  readonly tags?: readonly string[];
  readonly attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface FormatProblem {
  /** The dataset file the problem is in, relative to the dataset root. */
  readonly file: string;
  /** Which item: `annotations[12]`, `line 7`, `object 3`… */
  readonly item: string;
  readonly reason: string;
}

export interface FormatDataset {
  readonly images: readonly FormatImage[];
  /** Class names in the file's order (COCO category order by id, YOLO index order…). */
  readonly labels: readonly string[];
  /** Keypoint names per label, when the file defines a skeleton (COCO categories, YOLO pose `kpt_names`). */
  readonly skeletons?: Readonly<Record<string, readonly string[]>>;
  readonly problems: readonly FormatProblem[];
}

/** A file a writer produces: its path relative to the export root, and its exact bytes (UTF-8 text). */
export interface WrittenFile {
  readonly path: string;
  readonly text: string;
}

/** What a writer needs besides the images: the classes in the order the format should number them. */
export interface WriteOptions {
  readonly labels: readonly string[];
  readonly skeletons?: Readonly<Record<string, readonly string[]>>;
}

/** What a writer of one file returns: the file (null when the image cannot be written) and what it left out. */
export interface FormatWriteResult {
  readonly file: WrittenFile | null;
  readonly problems: readonly FormatProblem[];
}
