/** What LabelLoop knows about one imported image file, and the problems an import can report. */

import type { ContentHash, ImageId, ProjectId, RootId } from '../ids';
import type { ImageQuality } from '../quality/imageStats';

export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'tiff', 'gif', 'avif'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** File-name extensions an import walks into; anything else in a folder is ignored and counted. */
export const IMAGE_EXTENSIONS: Readonly<Record<string, ImageFormat>> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  jfif: 'jpeg',
  png: 'png',
  webp: 'webp',
  tif: 'tiff',
  tiff: 'tiff',
  gif: 'gif',
  avif: 'avif',
};

/** Formats Chromium cannot paint itself; the host converts them for display. */
export const NEEDS_DISPLAY_CONVERSION: ReadonlySet<ImageFormat> = new Set(['tiff']);

/**
 * Where an image is in the review workflow (CVAT's job stages, Label Studio's review states): an annotator
 * submits it, a reviewer takes it into review and accepts or rejects it; a rejection goes back to the
 * annotator with its reason. Databases before issue 10 said "done" for "submitted".
 */
export const IMAGE_STATUSES = [
  'new',
  'in-progress',
  'submitted',
  'in-review',
  'accepted',
  'rejected',
] as const;
export type ImageStatus = (typeof IMAGE_STATUSES)[number];

export const STATUS_LABELS: Readonly<Record<ImageStatus, string>> = {
  new: 'new',
  'in-progress': 'in progress',
  submitted: 'submitted',
  'in-review': 'in review',
  accepted: 'accepted',
  rejected: 'rejected',
};

/** Statuses in which the annotator's part is finished (what "done" meant before review existed). */
export const FINISHED_STATUSES: ReadonlySet<ImageStatus> = new Set(['submitted', 'in-review', 'accepted']);

/** What the host measures of one readable image file. */
export interface ProbedImage {
  readonly sha256: ContentHash;
  readonly rootId: RootId;
  /** Path relative to its root, with forward slashes. */
  readonly relPath: string;
  /** Absolute path as the user's file system spells it. */
  readonly path: string;
  readonly fileName: string;
  readonly format: ImageFormat;
  /** Upright size in pixels: EXIF orientations 5–8 swap the stored width and height. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation 1–8 (1 when absent). */
  readonly orientation: number;
  readonly bytes: number;
  readonly hasAlpha: boolean;
  /** Bits per channel sample: 8 or 16. */
  readonly bitDepth: number;
  /**
   * 64-bit difference hash of the thumbnail, 16 hex characters, for near-duplicate grouping. Absent on
   * images imported before it existed; `images.perceptualHashes` computes it from the cached thumbnail.
   */
  readonly dhash?: string;
  /**
   * Brightness, contrast and sharpness, measured on an upright downscale fitting 512 × 512. Absent on
   * images imported before it existed; `images.quality` measures it from the original file.
   */
  readonly quality?: ImageQuality;
}

/** An image record as stored in the project database. */
export interface ImageRecord extends ProbedImage {
  readonly id: ImageId;
  readonly projectId: ProjectId;
  readonly status: ImageStatus;
  readonly importedAt: number;
}

export const IMPORT_PROBLEM_CODES = [
  'not-an-image',
  'corrupt',
  'too-many-pixels',
  'unsupported-format',
  'duplicate',
  'unreadable',
  'not-found',
] as const;
export type ImportProblemCode = (typeof IMPORT_PROBLEM_CODES)[number];

export interface ImportProblem {
  readonly path: string;
  readonly code: ImportProblemCode;
  readonly message: string;
}

export interface ImportSummary {
  /** Image files the import looked at. */
  readonly candidates: number;
  /** Readable images handed to the project (before project-level duplicate checks). */
  readonly readable: number;
  readonly problems: number;
  /** Files in the chosen folders whose extension is not an image's; not opened, not reported one by one. */
  readonly ignoredFiles: number;
  readonly cancelled: boolean;
  readonly elapsedMs: number;
}

/** Upright dimensions for an EXIF orientation: 5–8 rotate by 90°, so width and height swap. */
export const uprightSize = (
  width: number,
  height: number,
  orientation: number,
): { width: number; height: number } =>
  orientation >= 5 && orientation <= 8 ? { width: height, height: width } : { width, height };

export const extensionOf = (fileName: string): string => {
  const dot = fileName.lastIndexOf('.');
  return dot < 0 ? '' : fileName.slice(dot + 1).toLowerCase();
};
