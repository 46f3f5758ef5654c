/**
 * The labeled-dataset import calls: inspect a dataset folder or file (what the class-mapping dialog
 * shows), then import it as a job that streams probed images with each image's labels.
 */

import { z } from 'zod';
import type { GeometryKind } from '../annotations/types';
import type { FormatImage, FormatProblem } from '../formats/types';
import type { ImportSummary } from '../images/types';
import type { ImportOutput } from './contract';

export const DATASET_IMPORT_FORMATS = ['coco', 'yolo', 'voc', 'labelme', 'cvat'] as const;
export type DatasetImportFormat = (typeof DATASET_IMPORT_FORMATS)[number];

const absolutePathLike = z
  .string()
  .min(1, 'a path is required')
  .max(4096, 'the path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'the path contains a NUL byte');

export const inspectDatasetArgs = z
  .object({
    path: absolutePathLike,
    format: z.enum(DATASET_IMPORT_FORMATS).optional(),
    /** The image folder, for formats that keep images apart from their labels (COCO, VOC, CVAT). */
    images: absolutePathLike.optional(),
  })
  .strict();

export const startDatasetImportArgs = z
  .object({ projectId: z.string().min(1).max(200), inspectId: z.string().min(1).max(200) })
  .strict();

/** One label the dataset's objects or image tags use, with how it is used. */
export interface DatasetLabelUse {
  readonly label: string;
  readonly objects: number;
  readonly tags: number;
  /** Geometry kinds of its objects, in GEOMETRY_KINDS order. */
  readonly geometries: readonly GeometryKind[];
}

/** Problems sent with an inspection at most; `problemCount` says how many there are. */
export const INSPECT_PROBLEM_LIMIT = 500;

export interface DatasetInspection {
  /** The host keeps the read dataset under this id until it is imported or 10 minutes pass. */
  readonly inspectId: string;
  readonly path: string;
  readonly format: DatasetImportFormat;
  /** Whether the format was detected (no format was asked for). */
  readonly detected: boolean;
  readonly imageRoot: string;
  readonly images: number;
  /** Images found on disk; the others are missing. */
  readonly found: number;
  readonly missing: number;
  readonly objects: number;
  /** Labels in use, most objects first. */
  readonly labels: readonly DatasetLabelUse[];
  /** The file's own class list (COCO categories, data.yaml names…), used or not. */
  readonly classList: readonly string[];
  readonly skeletons: Readonly<Record<string, readonly string[]>>;
  /** The first INSPECT_PROBLEM_LIMIT of the readers' problems. */
  readonly problems: readonly FormatProblem[];
  readonly problemCount: number;
}

/** An image's labels as the dataset states them, keyed in a batch by the image's `relPath`. */
export type DatasetImageLabels = Pick<FormatImage, 'path' | 'annotations' | 'tags' | 'attributes'>;

export interface DatasetImportOutput extends ImportOutput {
  readonly labels: Readonly<Record<string, DatasetImageLabels>>;
  /** The readers' problems other than missing images (those come as `problems`), all in the first batch. */
  readonly datasetProblems: readonly FormatProblem[];
}

export interface DatasetImportSummary extends ImportSummary {
  readonly format: DatasetImportFormat;
  /** Images the dataset lists; `missing` of them are not on disk. */
  readonly images: number;
  readonly missing: number;
}
